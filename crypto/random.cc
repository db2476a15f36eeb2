#include "crypto/random.h"

#include <openssl/chacha.h>
#include <openssl/mem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

namespace cygnet::crypto {

std::vector<uint8_t> Random::Bytes(size_t size) {
  std::vector<uint8_t> out(size);
  Fill(absl::MakeSpan(out));
  return out;
}

SecretBytes Random::Secret(size_t size) {
  SecretBytes out(size);
  Fill(out.mutable_span());
  return out;
}

uint32_t Random::Uniform32() {
  uint8_t b[4];
  Fill(absl::MakeSpan(b));
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
         static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
}

uint64_t Random::Uniform64() {
  uint8_t b[8];
  Fill(absl::MakeSpan(b));
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

uint64_t Random::UniformBelow(uint64_t bound) {
  if (bound <= 1) return 0;  // bound 0 is a caller error; 0 is the safe answer
  // Reject the top partial range so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
  while (true) {
    uint64_t v = Uniform64();
    if (v <= limit) return v % bound;
  }
}

void SystemRandom::Fill(absl::Span<uint8_t> out) {
  if (out.empty()) return;
  RAND_bytes(out.data(), out.size());
}

DeterministicRandom::DeterministicRandom(uint64_t seed) {
  static constexpr char kLabel[] = "cygnet deterministic random";
  uint8_t le_seed[8];
  for (int i = 0; i < 8; ++i)
    le_seed[i] = static_cast<uint8_t>(seed >> (8 * i));
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, kLabel, sizeof(kLabel) - 1);
  SHA256_Update(&ctx, le_seed, sizeof(le_seed));
  SHA256_Final(key_, &ctx);
}

// The stream is ChaCha20(key, nonce = 0^4 || LE64(block >> 32), counter =
// block mod 2^32) and counter_ is the byte position in it, so Fill(a) then
// Fill(b) yields the same bytes as Fill(a + b).
void DeterministicRandom::Fill(absl::Span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t block = counter_ / 64;
    const size_t offset = counter_ % 64;
    uint8_t nonce[12] = {0};
    const uint64_t high = block >> 32;
    for (int i = 0; i < 8; ++i)
      nonce[4 + i] = static_cast<uint8_t>(high >> (8 * i));
    const uint32_t low = static_cast<uint32_t>(block);
    if (offset != 0 || out.size() - done < 64) {
      uint8_t buf[64] = {0};
      CRYPTO_chacha_20(buf, buf, sizeof(buf), key_, nonce, low);
      const size_t n = std::min<size_t>(64 - offset, out.size() - done);
      std::memcpy(out.data() + done, buf + offset, n);
      OPENSSL_cleanse(buf, sizeof(buf));
      done += n;
      counter_ += n;
      continue;
    }
    // Whole blocks, without crossing a change of the nonce's high word.
    uint64_t blocks = (out.size() - done) / 64;
    const uint64_t until_wrap = (uint64_t{1} << 32) - low;
    blocks = std::min(blocks, until_wrap);
    const size_t n = static_cast<size_t>(blocks * 64);
    std::memset(out.data() + done, 0, n);
    CRYPTO_chacha_20(out.data() + done, out.data() + done, n, key_, nonce, low);
    done += n;
    counter_ += n;
  }
}

}  // namespace cygnet::crypto
