// ike_bench, codec part: encode and decode of a typical IKE_AUTH request
// (IDi, a 600-octet CERT, CERTREQ, N, IDr, AUTH, CP, SA with two ESP
// proposals, TSi, TSr, two notifies: ~1 KB) and of IKE_SA_INIT, in
// plaintext and with SK protection, next to the raw AES-GCM / AES-CBC + HMAC
// over the same number of octets, so the README can state what the codec adds
// to the cryptography it cannot avoid.
//
// Run optimised: bazel run -c opt //bench:ike_bench -- --benchmark_filter=Codec
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ike/wire/message.h"
#include "ike/wire/sk_protection.h"
#include "ike/wire/test_messages.h"

namespace cygnet::ike::wire {
namespace {

void Abort(const absl::Status& status) {
  if (!status.ok()) __builtin_trap();
}

void SetCounters(benchmark::State& state, size_t bytes) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
}

void BM_CodecEncodeIkeAuthInner(benchmark::State& state) {
  const std::vector<Payload> inner = testing::IkeAuthRequestInner();
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = EncodePayloadChain(inner);
    Abort(bytes.status());
    size = bytes->size();
    benchmark::DoNotOptimize(bytes->data());
  }
  SetCounters(state, size);
}
BENCHMARK(BM_CodecEncodeIkeAuthInner);

void BM_CodecDecodeIkeAuthInner(benchmark::State& state) {
  auto bytes = EncodePayloadChain(testing::IkeAuthRequestInner());
  Abort(bytes.status());
  for (auto _ : state) {
    auto payloads = DecodePayloadChain(PayloadType::kIdInitiator, *bytes);
    Abort(payloads.status());
    benchmark::DoNotOptimize(payloads->data());
  }
  SetCounters(state, bytes->size());
}
BENCHMARK(BM_CodecDecodeIkeAuthInner);

void BM_CodecEncodeIkeSaInit(benchmark::State& state) {
  const Message m = testing::IkeSaInitRequest();
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = Encode(m);
    Abort(bytes.status());
    size = bytes->size();
    benchmark::DoNotOptimize(bytes->data());
  }
  SetCounters(state, size);
}
BENCHMARK(BM_CodecEncodeIkeSaInit);

void BM_CodecDecodeIkeSaInit(benchmark::State& state) {
  auto bytes = Encode(testing::IkeSaInitRequest());
  Abort(bytes.status());
  for (auto _ : state) {
    auto m = Decode(*bytes);
    Abort(m.status());
    benchmark::DoNotOptimize(m->payloads.data());
  }
  SetCounters(state, bytes->size());
}
BENCHMARK(BM_CodecDecodeIkeSaInit);

struct CodecSuite {
  EncryptionId encryption;
  uint16_t key_bits;
  IntegrityId integrity;
};
const CodecSuite kGcm256{EncryptionId::kAesGcm16, 256, IntegrityId::kNone};
const CodecSuite kCbc256Sha256{EncryptionId::kAesCbc, 256,
                               IntegrityId::kHmacSha2_256_128};

SkCipher MakeCipher(const CodecSuite& suite) {
  auto sizes = SkKeySizesFor(suite.encryption, suite.key_bits, suite.integrity);
  Abort(sizes.status());
  crypto::DeterministicRandom random(3);
  crypto::SecretBytes e = random.Secret(sizes->encryption_key);
  crypto::SecretBytes a = random.Secret(sizes->integrity_key);
  auto cipher =
      SkCipher::Create(suite.encryption, suite.key_bits, suite.integrity, e, a);
  Abort(cipher.status());
  return *std::move(cipher);
}

// Encode + pad + encrypt + ICV of the whole IKE_AUTH request.
void BM_CodecProtectIkeAuth(benchmark::State& state, const CodecSuite& suite) {
  const SkCipher cipher = MakeCipher(suite);
  const std::vector<Payload> inner = testing::IkeAuthRequestInner();
  const Header header = testing::IkeAuthHeader(false);
  crypto::DeterministicRandom random(4);
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = cipher.Protect(header, inner, random);
    Abort(bytes.status());
    size = bytes->size();
    benchmark::DoNotOptimize(bytes->data());
  }
  SetCounters(state, size);
}
BENCHMARK_CAPTURE(BM_CodecProtectIkeAuth, aes_gcm_16_256, kGcm256);
BENCHMARK_CAPTURE(BM_CodecProtectIkeAuth, aes_cbc_256_sha256, kCbc256Sha256);

// Decode outer + verify ICV + decrypt + decode the inner payloads.
void BM_CodecUnprotectIkeAuth(benchmark::State& state,
                              const CodecSuite& suite) {
  const SkCipher cipher = MakeCipher(suite);
  crypto::DeterministicRandom random(5);
  auto bytes = cipher.Protect(testing::IkeAuthHeader(false),
                              testing::IkeAuthRequestInner(), random);
  Abort(bytes.status());
  for (auto _ : state) {
    auto opened = cipher.Unprotect(*bytes);
    Abort(opened.status());
    benchmark::DoNotOptimize(opened->payloads.data());
  }
  SetCounters(state, bytes->size());
}
BENCHMARK_CAPTURE(BM_CodecUnprotectIkeAuth, aes_gcm_16_256, kGcm256);
BENCHMARK_CAPTURE(BM_CodecUnprotectIkeAuth, aes_cbc_256_sha256, kCbc256Sha256);

// Baselines: the raw crypto/ work the protected message cannot avoid, over
// the same sizes (the IKE_AUTH plaintext, the whole message for the HMAC).
size_t IkeAuthInnerSize() {
  auto bytes = EncodePayloadChain(testing::IkeAuthRequestInner());
  Abort(bytes.status());
  return bytes->size();
}

void BM_CodecRawAesGcm256Seal(benchmark::State& state) {
  crypto::DeterministicRandom random(6);
  crypto::SecretBytes key = random.Secret(32);
  auto aead =
      crypto::Aead::Create(crypto::AeadAlgorithm::kAesGcm256, key.span(), 16);
  Abort(aead.status());
  std::vector<uint8_t> text(IkeAuthInnerSize() + 1), tag(16), nonce(12, 1),
      aad(32, 2);
  for (auto _ : state) {
    Abort(aead->Seal(nonce, aad, absl::MakeSpan(text), absl::MakeSpan(tag)));
    benchmark::DoNotOptimize(tag.data());
  }
  SetCounters(state, text.size());
}
BENCHMARK(BM_CodecRawAesGcm256Seal);

void BM_CodecRawAesCbc256HmacSha256(benchmark::State& state) {
  crypto::DeterministicRandom random(7);
  crypto::SecretBytes key = random.Secret(32), mac_key = random.Secret(32);
  auto aes = crypto::AesCbc::Create(key.span());
  auto hmac =
      crypto::Hmac::Create(crypto::HashAlgorithm::kSha256, mac_key.span());
  Abort(aes.status());
  Abort(hmac.status());
  const size_t padded = (IkeAuthInnerSize() + 1 + 15) / 16 * 16;
  std::vector<uint8_t> message(32 + 16 + padded), icv(16), iv(16, 3);
  for (auto _ : state) {
    Abort(aes->Encrypt(iv, absl::MakeSpan(message).subspan(48, padded)));
    Abort(hmac->Compute(message, absl::MakeSpan(icv)));
    benchmark::DoNotOptimize(icv.data());
  }
  SetCounters(state, message.size());
}
BENCHMARK(BM_CodecRawAesCbc256HmacSha256);

}  // namespace
}  // namespace cygnet::ike::wire
