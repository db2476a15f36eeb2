// Raw crypto/ primitives: the baseline every other benchmark (ESP, IKE, SVR)
// is compared against. Run optimised:
//   bazel run -c opt //bench:crypto_bench
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hash.h"
#include "crypto/hmac.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"

namespace cygnet::crypto {
namespace {

constexpr AeadAlgorithm kAeads[] = {AeadAlgorithm::kAesGcm128,
                                    AeadAlgorithm::kAesGcm256,
                                    AeadAlgorithm::kChaCha20Poly1305};

void PacketSizes(benchmark::internal::Benchmark* b, int variants) {
  for (int v = 0; v < variants; ++v) {
    for (int size : {64, 512, 1400}) b->Args({v, size});
  }
}

void BM_AeadSeal(benchmark::State& state) {
  const AeadAlgorithm algorithm = kAeads[state.range(0)];
  DeterministicRandom random(1);
  Aead aead = *Aead::Create(algorithm, random.Bytes(AeadKeySize(algorithm)));
  std::vector<uint8_t> nonce = random.Bytes(kAeadNonceSize);
  std::vector<uint8_t> aad = random.Bytes(8);
  std::vector<uint8_t> buffer = random.Bytes(state.range(1));
  std::vector<uint8_t> tag(16);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        aead.Seal(nonce, aad, absl::MakeSpan(buffer), absl::MakeSpan(tag)));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(1));
  state.SetLabel(std::string(AeadName(algorithm)));
}
BENCHMARK(BM_AeadSeal)->Apply([](benchmark::internal::Benchmark* b) {
  PacketSizes(b, 3);
});

void BM_AeadOpen(benchmark::State& state) {
  const AeadAlgorithm algorithm = kAeads[state.range(0)];
  DeterministicRandom random(2);
  Aead aead = *Aead::Create(algorithm, random.Bytes(AeadKeySize(algorithm)));
  std::vector<uint8_t> nonce = random.Bytes(kAeadNonceSize);
  std::vector<uint8_t> aad = random.Bytes(8);
  const std::vector<uint8_t> plaintext = random.Bytes(state.range(1));
  std::vector<uint8_t> ciphertext = plaintext;
  std::vector<uint8_t> tag(16);
  if (!aead.Seal(nonce, aad, absl::MakeSpan(ciphertext), absl::MakeSpan(tag))
           .ok()) {
    state.SkipWithError("seal failed");
    return;
  }
  std::vector<uint8_t> buffer(ciphertext.size());
  for (auto _ : state) {
    // Opening decrypts in place, so each iteration starts from the
    // ciphertext; the copy is part of what a receiver would do anyway.
    std::copy(ciphertext.begin(), ciphertext.end(), buffer.begin());
    benchmark::DoNotOptimize(
        aead.Open(nonce, aad, absl::MakeSpan(buffer), tag));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(1));
  state.SetLabel(std::string(AeadName(algorithm)));
}
BENCHMARK(BM_AeadOpen)->Apply([](benchmark::internal::Benchmark* b) {
  PacketSizes(b, 3);
});

void BM_AesCbc256(benchmark::State& state) {
  const bool decrypt = state.range(0) == 1;
  DeterministicRandom random(3);
  AesCbc cbc = *AesCbc::Create(random.Bytes(32));
  std::vector<uint8_t> iv = random.Bytes(kAesBlockSize);
  // 1400 is not a block multiple: use the padded ESP payload size.
  const size_t size =
      (state.range(1) + kAesBlockSize - 1) / kAesBlockSize * kAesBlockSize;
  std::vector<uint8_t> buffer = random.Bytes(size);
  for (auto _ : state) {
    benchmark::DoNotOptimize(decrypt ? cbc.Decrypt(iv, absl::MakeSpan(buffer))
                                     : cbc.Encrypt(iv, absl::MakeSpan(buffer)));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * size);
  state.SetLabel(decrypt ? "decrypt" : "encrypt");
}
BENCHMARK(BM_AesCbc256)->Apply([](benchmark::internal::Benchmark* b) {
  PacketSizes(b, 2);
});

constexpr HashAlgorithm kHmacs[] = {
    HashAlgorithm::kSha256, HashAlgorithm::kSha384, HashAlgorithm::kSha512};

void BM_Hmac(benchmark::State& state) {
  const HashAlgorithm hash = kHmacs[state.range(0)];
  DeterministicRandom random(4);
  Hmac hmac = *Hmac::Create(hash, random.Bytes(DigestSize(hash)));
  std::vector<uint8_t> data = random.Bytes(state.range(1));
  std::vector<uint8_t> out(DigestSize(hash));
  for (auto _ : state) {
    benchmark::DoNotOptimize(hmac.Compute(data, absl::MakeSpan(out)));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(1));
  state.SetLabel(absl::StrCat("HMAC-", HashName(hash)));
}
BENCHMARK(BM_Hmac)->Apply([](benchmark::internal::Benchmark* b) {
  PacketSizes(b, 3);
});

constexpr KeyExchangeGroup kGroups[] = {
    KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
    KeyExchangeGroup::kEcp384, KeyExchangeGroup::kEcp521,
    KeyExchangeGroup::kCurve25519};

// One side of an IKE exchange: generate a key pair, then derive the shared
// secret from the peer's public value.
void BM_KeyExchange(benchmark::State& state) {
  const KeyExchangeGroup group = kGroups[state.range(0)];
  SystemRandom random;
  std::unique_ptr<KeyExchange> peer = *KeyExchange::Generate(group, random);
  for (auto _ : state) {
    std::unique_ptr<KeyExchange> mine = *KeyExchange::Generate(group, random);
    benchmark::DoNotOptimize(mine->ComputeSharedSecret(peer->public_value()));
  }
  state.SetLabel(std::string(KeyExchangeGroupName(group)));
}
BENCHMARK(BM_KeyExchange)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

void BM_KeyExchangeGenerate(benchmark::State& state) {
  const KeyExchangeGroup group = kGroups[state.range(0)];
  SystemRandom random;
  for (auto _ : state) {
    benchmark::DoNotOptimize(KeyExchange::Generate(group, random));
  }
  state.SetLabel(std::string(KeyExchangeGroupName(group)));
}
BENCHMARK(BM_KeyExchangeGenerate)
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMicrosecond);

void BM_KeyExchangeSharedSecret(benchmark::State& state) {
  const KeyExchangeGroup group = kGroups[state.range(0)];
  SystemRandom random;
  std::unique_ptr<KeyExchange> mine = *KeyExchange::Generate(group, random);
  std::unique_ptr<KeyExchange> peer = *KeyExchange::Generate(group, random);
  for (auto _ : state) {
    benchmark::DoNotOptimize(mine->ComputeSharedSecret(peer->public_value()));
  }
  state.SetLabel(std::string(KeyExchangeGroupName(group)));
}
BENCHMARK(BM_KeyExchangeSharedSecret)
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cygnet::crypto
