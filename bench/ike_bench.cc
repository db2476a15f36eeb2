// ike_bench: IKEv2 costs. This file: key derivation (SKEYSEED + SK_*, Child SA
// KEYMAT, RFC 8784 PPK mixing), each next to the raw crypto/ primitive it is
// built from, so the README can report ratios measured in the same run.
//
// Run optimised: bazel run -c opt //bench:ike_bench (main() comes from
// benchmark_main, so other ike_bench sources just add BENCHMARK()s).
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "crypto/key_exchange.h"
#include "crypto/prf.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ike/algorithms.h"
#include "ike/key_derivation.h"

namespace cygnet::ike {
namespace {

using crypto::KeyExchangeGroup;
using crypto::PrfAlgorithm;
using crypto::SecretBytes;

struct KdfInputs {
  std::vector<uint8_t> nonce_i = std::vector<uint8_t>(32, 0xa1);
  std::vector<uint8_t> nonce_r = std::vector<uint8_t>(32, 0xb2);
  SecretBytes shared_secret;  // group 20: 48-octet x coordinate
  SecretBytes sk_d;
  KdfInputs() {
    crypto::DeterministicRandom random(1);
    shared_secret = random.Secret(48);
    sk_d = random.Secret(48);
  }
};

const IkeSuite kCbc256Sha256{
    EncryptionAlgorithm::kAesCbc256, IntegrityAlgorithm::kHmacSha2_256_128,
    PrfAlgorithm::kHmacSha256, KeyExchangeGroup::kEcp384};
const IkeSuite kGcm256Sha384{
    EncryptionAlgorithm::kAesGcm16_256, IntegrityAlgorithm::kNone,
    PrfAlgorithm::kHmacSha384, KeyExchangeGroup::kEcp384};

// Raw crypto/: one HMAC-SHA-256 prf over a 48-octet input (the SKEYSEED
// computation's shape) and a prf+ of the SK_* length.
void BM_RawPrfSha256(benchmark::State& state) {
  KdfInputs in;
  std::vector<uint8_t> key(64, 1);
  for (auto _ : state) {
    SecretBytes out =
        crypto::Prf(PrfAlgorithm::kHmacSha256, key, in.shared_secret.span());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_RawPrfSha256);

void BM_RawPrfPlusSha256(benchmark::State& state) {
  KdfInputs in;
  std::vector<uint8_t> seed(80, 2);
  const size_t length = IkeSaKeyLengthsFor(kCbc256Sha256).total();
  for (auto _ : state) {
    auto out = crypto::PrfPlus(PrfAlgorithm::kHmacSha256, in.sk_d.span(), seed,
                               length);
    benchmark::DoNotOptimize(out->data());
  }
  state.SetLabel(absl::StrCat(length, " octets"));
}
BENCHMARK(BM_RawPrfPlusSha256);

// SKEYSEED + the full SK_* split after IKE_SA_INIT.
void BM_InitialIkeSaKeys(benchmark::State& state, const IkeSuite& suite) {
  KdfInputs in;
  for (auto _ : state) {
    auto keys =
        DeriveInitialIkeSaKeys(suite, in.shared_secret, in.nonce_i, in.nonce_r,
                               0x0102030405060708, 0x1112131415161718);
    benchmark::DoNotOptimize(keys->sk_pr.data());
  }
  state.SetLabel(absl::StrCat(IkeSaKeyLengthsFor(suite).total(), " octets"));
}
BENCHMARK_CAPTURE(BM_InitialIkeSaKeys, aes_cbc_256_sha256, kCbc256Sha256);
BENCHMARK_CAPTURE(BM_InitialIkeSaKeys, aes_gcm_256_prf_sha384, kGcm256Sha384);

void BM_ChildSaKeys(benchmark::State& state, EspSuite suite) {
  KdfInputs in;
  SecretBytes pfs = in.shared_secret.Clone();
  for (auto _ : state) {
    auto keys = DeriveChildSaKeys(PrfAlgorithm::kHmacSha256, in.sk_d, suite,
                                  suite.pfs_group ? &pfs : nullptr, in.nonce_i,
                                  in.nonce_r);
    benchmark::DoNotOptimize(keys->responder_to_initiator_encryption.data());
  }
  state.SetLabel(absl::StrCat(ChildSaKeyMaterialSize(suite), " octets"));
}
BENCHMARK_CAPTURE(BM_ChildSaKeys, aes_cbc_256_sha256_no_pfs,
                  EspSuite{EncryptionAlgorithm::kAesCbc256,
                           IntegrityAlgorithm::kHmacSha2_256_128, std::nullopt,
                           false});
BENCHMARK_CAPTURE(BM_ChildSaKeys, aes_cbc_256_sha256_pfs,
                  EspSuite{EncryptionAlgorithm::kAesCbc256,
                           IntegrityAlgorithm::kHmacSha2_256_128,
                           KeyExchangeGroup::kEcp256, false});
BENCHMARK_CAPTURE(BM_ChildSaKeys, aes_gcm_256_no_pfs,
                  EspSuite{EncryptionAlgorithm::kAesGcm16_256,
                           IntegrityAlgorithm::kNone, std::nullopt, false});

void BM_PpkMixing(benchmark::State& state) {
  KdfInputs in;
  auto keys = DeriveInitialIkeSaKeys(kCbc256Sha256, in.shared_secret,
                                     in.nonce_i, in.nonce_r, 1, 2);
  crypto::DeterministicRandom random(2);
  SecretBytes ppk = random.Secret(32);
  for (auto _ : state) {
    auto mixed =
        MixPostQuantumPreSharedKey(PrfAlgorithm::kHmacSha256, ppk, *keys);
    benchmark::DoNotOptimize(mixed->sk_d.data());
  }
}
BENCHMARK(BM_PpkMixing);

// For scale: the ECDH that produces g^ir for group 20 (key generation and
// shared secret), which dominates an IKE_SA_INIT's computation.
void BM_Ecdh384(benchmark::State& state) {
  crypto::DeterministicRandom random(3);
  auto peer = crypto::KeyExchange::Generate(KeyExchangeGroup::kEcp384, random);
  for (auto _ : state) {
    auto mine =
        crypto::KeyExchange::Generate(KeyExchangeGroup::kEcp384, random);
    auto secret = (*mine)->ComputeSharedSecret((*peer)->public_value());
    benchmark::DoNotOptimize(secret->data());
  }
}
BENCHMARK(BM_Ecdh384);

}  // namespace
}  // namespace cygnet::ike
