// Complete IKE_SA_INIT + IKE_AUTH handshakes (PSK, group 19, AES-GCM-256)
// between two IkeEngines in one process, datagrams handed over directly,
// next to the key-exchange work alone that a handshake cannot avoid (each
// side generates a group 19 key pair and computes the shared secret). The
// ratio handshakes / key-exchange-only is the engine's efficiency; the goal is
// at least 0.70.
#include <memory>
#include <vector>

#include "benchmark/benchmark.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "ike/engine/ike_engine.h"
#include "ipsec/sa_database.h"

namespace cygnet::ike {
namespace {

ipsec::IpAddress Ip(const char* text) { return *ipsec::IpAddress::Parse(text); }

IkePolicy Policy(const char* local, const char* remote) {
  IkePolicy policy;
  policy.name = "bench";
  policy.local_address = Ip(local);
  policy.remote_address = Ip(remote);
  IkeProposalConfig ike;
  ike.encryption = {EncryptionAlgorithm::kAesGcm16_256};
  ike.prf = {crypto::PrfAlgorithm::kHmacSha256};
  ike.groups = {crypto::KeyExchangeGroup::kEcp256};
  policy.ike_proposals = {ike};
  EspProposalConfig esp;
  esp.encryption = {EncryptionAlgorithm::kAesGcm16_256};
  policy.esp_proposals = {esp};
  policy.local_identity = Identity::Address(Ip(local));
  policy.psk_lookup =
      [](const Identity&,
         const ipsec::IpAddress&) -> absl::StatusOr<crypto::SecretBytes> {
    static const uint8_t kKey[] = "benchmark pre-shared key";
    return crypto::SecretBytes::Copy(kKey);
  };
  policy.local_selectors = {ipsec::TrafficSelector::Any(true)};
  policy.remote_selectors = {ipsec::TrafficSelector::Any(true)};
  return policy;
}

// Delivers datagrams between the two engines until both are quiet.
void Exchange(IkeEngine& a, IkeEngine& b, absl::Time now) {
  for (int round = 0; round < 16; ++round) {
    std::vector<SendDatagram> from_a = a.TakeDatagrams();
    std::vector<SendDatagram> from_b = b.TakeDatagrams();
    if (from_a.empty() && from_b.empty()) return;
    for (const SendDatagram& d : from_a)
      b.HandleDatagram(d.from, d.to, d.bytes, now);
    for (const SendDatagram& d : from_b)
      a.HandleDatagram(d.from, d.to, d.bytes, now);
  }
}

void BM_IkeHandshake(benchmark::State& state) {
  crypto::SystemRandom random;
  absl::Time now = absl::FromUnixSeconds(1700000000);
  int64_t established = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ipsec::SaDatabase sad_a, sad_b;
    auto a = std::make_unique<IkeEngine>(random, sad_a);
    auto b = std::make_unique<IkeEngine>(random, sad_b);
    (void)a->AddPolicy(Policy("192.0.2.1", "192.0.2.2"));
    (void)b->AddPolicy(Policy("192.0.2.2", "192.0.2.1"));
    state.ResumeTiming();
    (void)a->Initiate("bench", now);
    Exchange(*a, *b, now);
    state.PauseTiming();
    established += sad_a.inbound_size() == 1 && sad_b.inbound_size() == 1;
    a.reset();
    b.reset();
    state.ResumeTiming();
  }
  if (established != state.iterations())
    state.SkipWithError("handshake failed");
  state.counters["handshakes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IkeHandshake)->Unit(benchmark::kMicrosecond);

// The unavoidable key-exchange work of one handshake: two key pairs and two
// shared secrets on group 19.
void BM_IkeHandshakeKeyExchangeOnly(benchmark::State& state) {
  crypto::SystemRandom random;
  for (auto _ : state) {
    auto a = crypto::KeyExchange::Generate(crypto::KeyExchangeGroup::kEcp256,
                                           random);
    auto b = crypto::KeyExchange::Generate(crypto::KeyExchangeGroup::kEcp256,
                                           random);
    auto s1 = (*a)->ComputeSharedSecret((*b)->public_value());
    auto s2 = (*b)->ComputeSharedSecret((*a)->public_value());
    benchmark::DoNotOptimize(s1);
    benchmark::DoNotOptimize(s2);
  }
  state.counters["handshakes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IkeHandshakeKeyExchangeOnly)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cygnet::ike
