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
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "keymgmt/svr/key_schedule.h"
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

}  // namespace
