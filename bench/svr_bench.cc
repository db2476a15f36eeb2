// SVR key management data-plane costs next to the raw primitives, in the
// same run (bench/README.md "svr_bench").
//
//   BM_SvrSessionSetup         a new session end to end: payload key drawn
//                              and scheduled, first packet sealed with the
//                              metadata TLV under the peer's metadata key,
//                              then parsed, tag-checked, TLV decrypted and
//                              the payload key scheduled at the receiver
//   BM_SvrSealMetadata/N       per-packet sign (HMAC-SHA-384) + encrypt of a
//                              packet carrying the TLV and N payload bytes
//   BM_SvrOpenMetadata/N       per-packet verify + TLV decrypt
//   BM_SvrSeal/N, BM_SvrOpen/N packets without the TLV (payload key only)
//   BM_RawHmacSha384/N         HMAC-SHA-384 over the same byte count
//   BM_RawAesCbc256/N          AES-256-CBC over the same byte count
//   BM_RawKeySetup             AES-256 + HMAC-SHA-384 key schedules
//   BM_SvrPeerKeyExchange      one peer-key exchange, both routers: P-384
//                              key pairs, signed KEY_REQUEST/KEY_RESPONSE
//                              transcripts (ECDSA P-256), both verified,
//                              both shared secrets, both peer keys derived
//   BM_RawEcdhP384, BM_RawEcdsaP256SignVerify  its primitives
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "keymgmt/svr/key_schedule.h"
#include "keymgmt/svr/messages.h"
#include "keymgmt/svr/packet.h"

namespace {

using cygnet::crypto::DeterministicRandom;
using cygnet::keymgmt::svr::OpenMetadata;
using cygnet::keymgmt::svr::PacketHeader;
using cygnet::keymgmt::svr::ParsePacket;
using cygnet::keymgmt::svr::SealPacket;
using cygnet::keymgmt::svr::SvrKey;

SvrKey NewKey(DeterministicRandom& random) {
  auto k = SvrKey::Create(random.Secret(64));
  if (!k.ok()) abort();
  return std::move(*k);
}

const std::vector<uint8_t> kSessionMetadata(48, 0x4d);  // addresses, ports

void BM_SvrSessionSetup(benchmark::State& state) {
  DeterministicRandom random(1);
  SvrKey metadata_key = NewKey(random);
  std::vector<uint8_t> payload(64, 0x61);
  uint32_t session = 0;
  for (auto _ : state) {
    SvrKey payload_key = NewKey(random);
    auto packet = SealPacket({1, ++session, 1}, &metadata_key, 1, payload_key,
                             kSessionMetadata, payload, random);
    auto parsed = ParsePacket(*packet);
    auto md = OpenMetadata(*parsed, metadata_key);
    auto receiver_key = SvrKey::Create(std::move(md->payload_key));
    benchmark::DoNotOptimize(receiver_key);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["sessions/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SvrSessionSetup);

void BM_SvrSealMetadata(benchmark::State& state) {
  DeterministicRandom random(2);
  SvrKey metadata_key = NewKey(random);
  SvrKey payload_key = NewKey(random);
  std::vector<uint8_t> payload(state.range(0), 0x61);
  uint64_t nonce = 0;
  for (auto _ : state) {
    auto packet = SealPacket({1, 7, ++nonce}, &metadata_key, 1, payload_key,
                             kSessionMetadata, payload, random);
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SvrSealMetadata)->Arg(64)->Arg(512)->Arg(1400);

void BM_SvrOpenMetadata(benchmark::State& state) {
  DeterministicRandom random(3);
  SvrKey metadata_key = NewKey(random);
  SvrKey payload_key = NewKey(random);
  std::vector<uint8_t> payload(state.range(0), 0x61);
  auto packet = SealPacket({1, 7, 1}, &metadata_key, 1, payload_key,
                           kSessionMetadata, payload, random);
  for (auto _ : state) {
    auto parsed = ParsePacket(*packet);
    auto md = OpenMetadata(*parsed, metadata_key);
    benchmark::DoNotOptimize(md);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SvrOpenMetadata)->Arg(64)->Arg(512)->Arg(1400);

void BM_SvrSeal(benchmark::State& state) {
  DeterministicRandom random(4);
  SvrKey payload_key = NewKey(random);
  std::vector<uint8_t> payload(state.range(0), 0x61);
  uint64_t nonce = 0;
  for (auto _ : state) {
    auto packet = SealPacket({1, 7, ++nonce}, nullptr, 0, payload_key, {},
                             payload, random);
    benchmark::DoNotOptimize(packet);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SvrSeal)->Arg(64)->Arg(512)->Arg(1400);

void BM_SvrOpen(benchmark::State& state) {
  DeterministicRandom random(5);
  SvrKey payload_key = NewKey(random);
  std::vector<uint8_t> payload(state.range(0), 0x61);
  auto packet =
      SealPacket({1, 7, 1}, nullptr, 0, payload_key, {}, payload, random);
  for (auto _ : state) {
    auto parsed = ParsePacket(*packet);
    auto ok = cygnet::keymgmt::svr::VerifyPayloadTag(*parsed, payload_key);
    auto plain = cygnet::keymgmt::svr::DecryptPayload(*parsed, payload_key);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(plain);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SvrOpen)->Arg(64)->Arg(512)->Arg(1400);

void BM_RawHmacSha384(benchmark::State& state) {
  DeterministicRandom random(6);
  auto key = random.Bytes(32);
  auto hmac =
      cygnet::crypto::Hmac::Create(cygnet::crypto::HashAlgorithm::kSha384, key);
  std::vector<uint8_t> data(state.range(0), 0x61);
  uint8_t tag[48];
  for (auto _ : state) {
    auto s = hmac->Compute(data, absl::MakeSpan(tag));
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RawHmacSha384)->Arg(64)->Arg(512)->Arg(1400);

void BM_RawAesCbc256(benchmark::State& state) {
  DeterministicRandom random(7);
  auto key = random.Bytes(32);
  auto iv = random.Bytes(16);
  auto aes = cygnet::crypto::AesCbc::Create(key);
  std::vector<uint8_t> data((state.range(0) + 15) / 16 * 16, 0x61);
  for (auto _ : state) {
    auto s = aes->Encrypt(iv, absl::MakeSpan(data));
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(data.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RawAesCbc256)->Arg(64)->Arg(512)->Arg(1400);

void BM_RawKeySetup(benchmark::State& state) {
  DeterministicRandom random(8);
  auto key = random.Bytes(64);
  for (auto _ : state) {
    auto aes =
        cygnet::crypto::AesCbc::Create(absl::MakeSpan(key).subspan(0, 32));
    auto hmac =
        cygnet::crypto::Hmac::Create(cygnet::crypto::HashAlgorithm::kSha384,
                                     absl::MakeSpan(key).subspan(32));
    benchmark::DoNotOptimize(aes);
    benchmark::DoNotOptimize(hmac);
  }
}
BENCHMARK(BM_RawKeySetup);

void BM_SvrPeerKeyExchange(benchmark::State& state) {
  using cygnet::crypto::KeyExchange;
  using cygnet::crypto::KeyExchangeGroup;
  using cygnet::crypto::PrivateKey;
  using cygnet::crypto::SignatureScheme;
  DeterministicRandom random(9);
  auto a_key =
      PrivateKey::GenerateEc(cygnet::crypto::KeyType::kEcdsaP256, random);
  auto b_key =
      PrivateKey::GenerateEc(cygnet::crypto::KeyType::kEcdsaP256, random);
  auto a_pub = a_key->public_key();
  auto b_pub = b_key->public_key();
  std::vector<uint8_t> a_salt = random.Bytes(8), b_salt = random.Bytes(8);
  uint32_t id = 0;
  for (auto _ : state) {
    ++id;
    auto a_kx = KeyExchange::Generate(KeyExchangeGroup::kEcp384, random);
    auto request = cygnet::keymgmt::svr::KeyRequestTranscript(
        "a", "b", id, 20, (*a_kx)->public_value(), a_salt, b_salt);
    auto a_sig = a_key->Sign(SignatureScheme::kEcdsaSha256, request);
    if (!a_pub.Verify(SignatureScheme::kEcdsaSha256, request, *a_sig).ok()) {
      abort();
    }
    auto b_kx = KeyExchange::Generate(KeyExchangeGroup::kEcp384, random);
    auto b_secret = (*b_kx)->ComputeSharedSecret((*a_kx)->public_value());
    auto response = cygnet::keymgmt::svr::KeyResponseTranscript(
        "b", "a", id, 20, (*a_kx)->public_value(), (*b_kx)->public_value(),
        b_salt, a_salt);
    auto b_sig = b_key->Sign(SignatureScheme::kEcdsaSha256, response);
    auto b_peer = cygnet::keymgmt::svr::DerivePeerKey(b_secret->span(), "b",
                                                      b_salt, "a", a_salt, id);
    if (!b_pub.Verify(SignatureScheme::kEcdsaSha256, response, *b_sig).ok()) {
      abort();
    }
    auto a_secret = (*a_kx)->ComputeSharedSecret((*b_kx)->public_value());
    auto a_peer = cygnet::keymgmt::svr::DerivePeerKey(a_secret->span(), "a",
                                                      a_salt, "b", b_salt, id);
    if (!a_peer->Equals(*b_peer)) abort();
  }
  state.counters["exchanges/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SvrPeerKeyExchange);

void BM_RawEcdhP384(benchmark::State& state) {
  using cygnet::crypto::KeyExchange;
  DeterministicRandom random(10);
  auto peer =
      KeyExchange::Generate(cygnet::crypto::KeyExchangeGroup::kEcp384, random);
  for (auto _ : state) {
    auto kx = KeyExchange::Generate(cygnet::crypto::KeyExchangeGroup::kEcp384,
                                    random);
    auto secret = (*kx)->ComputeSharedSecret((*peer)->public_value());
    benchmark::DoNotOptimize(secret);
  }
}
BENCHMARK(BM_RawEcdhP384);

void BM_RawEcdsaP256SignVerify(benchmark::State& state) {
  DeterministicRandom random(11);
  auto key = cygnet::crypto::PrivateKey::GenerateEc(
      cygnet::crypto::KeyType::kEcdsaP256, random);
  auto pub = key->public_key();
  std::vector<uint8_t> message(200, 0x42);
  for (auto _ : state) {
    auto sig =
        key->Sign(cygnet::crypto::SignatureScheme::kEcdsaSha256, message);
    auto ok = pub.Verify(cygnet::crypto::SignatureScheme::kEcdsaSha256, message,
                         *sig);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RawEcdsaP256SignVerify);

}  // namespace
