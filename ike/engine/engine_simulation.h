// Test harness: two IkeEngines ("a" and "b") exchanging datagrams through a
// testing::SimulatedNetwork in simulated time. Each Router keeps the events
// its engine reported. Deterministic for a seed; used by the engine's tests.
#ifndef CYGNET_IKE_ENGINE_ENGINE_SIMULATION_H_
#define CYGNET_IKE_ENGINE_ENGINE_SIMULATION_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "gtest/gtest.h"
#include "ike/engine/ike_engine.h"
#include "ipsec/sa_database.h"
#include "testing/simulated_network.h"

namespace cygnet::ike {

struct Router {
  Router(uint64_t seed, EngineLimits limits = {})
      : random(seed), engine(random, sad, limits) {}
  crypto::DeterministicRandom random;
  ipsec::SaDatabase sad;
  IkeEngine engine;
  std::vector<Event> events;

  int Count(EventType type) const {
    int n = 0;
    for (const Event& e : events) n += e.type == type ? 1 : 0;
    return n;
  }
  std::string Reasons() const {
    std::string out;
    for (const Event& e : events) {
      absl::StrAppend(&out, EventTypeName(e.type), " [IKE SA ", e.ike_sa_id,
                      "]: ", e.reason, "\n");
    }
    return out;
  }
};

class Simulation {
 public:
  Simulation(uint64_t seed, testing::NetworkConditions conditions,
             EngineLimits limits_a = {}, EngineLimits limits_b = {})
      : network_(seed, conditions),
        a_(seed * 2 + 1, limits_a),
        b_(seed * 2 + 2, limits_b) {}

  Router& a() { return a_; }
  Router& b() { return b_; }
  testing::SimulatedNetwork& network() { return network_; }
  absl::Time now() const { return now_; }

  void Flush() {
    for (Router* router : {&a_, &b_}) {
      for (SendDatagram& d : router->engine.TakeDatagrams()) {
        network_.Send(testing::Datagram{{d.from.address, d.from.port},
                                        {d.to.address, d.to.port},
                                        std::move(d.bytes)},
                      now_);
      }
      for (Event& e : router->engine.TakeEvents()) {
        router->events.push_back(std::move(e));
      }
    }
  }

  // Datagrams to `b_address` go to b(), everything else to a().
  void set_b_address(const ipsec::IpAddress& address) { b_address_ = address; }
  Router& RouterAt(const ipsec::IpAddress& address) {
    return address == b_address_ ? b_ : a_;
  }

  // Runs until `until` of simulated time.
  void RunUntil(absl::Time until) {
    Flush();
    for (int steps = 0; steps < 1000000; ++steps) {
      absl::Time next =
          std::min({network_.NextDeliveryTime(), a_.engine.NextTimeout(),
                    b_.engine.NextTimeout()});
      if (next > until) break;
      now_ = std::max(now_, next);
      for (testing::Datagram& d : network_.DeliverDue(now_)) {
        RouterAt(d.to.address)
            .engine.HandleDatagram({d.from.address, d.from.port},
                                   {d.to.address, d.to.port}, d.bytes, now_);
        Flush();
      }
      for (Router* router : {&a_, &b_}) {
        if (router->engine.NextTimeout() <= now_) {
          router->engine.HandleTimeout(now_);
          Flush();
        }
      }
    }
    now_ = std::max(now_, until);
  }
  void RunFor(absl::Duration d) { RunUntil(now_ + d); }

 private:
  testing::SimulatedNetwork network_;
  Router a_;
  Router b_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  ipsec::IpAddress b_address_ = *ipsec::IpAddress::Parse("198.51.100.21");
};

// Both SADs hold mirrored child SAs: A's outbound SPI is B's inbound and
// the keys agree (compared through their fingerprints).
inline void ExpectMirroredChildSas(Router& a, Router& b) {
  std::vector<ipsec::SadEntry> a_sas = a.sad.List();
  std::vector<ipsec::SadEntry> b_sas = b.sad.List();
  ASSERT_FALSE(a_sas.empty());
  ASSERT_EQ(a_sas.size(), b_sas.size());
  for (const ipsec::SadEntry& entry : a_sas) {
    bool found = false;
    for (const ipsec::SadEntry& other : b_sas) {
      if (other.sa->spi() != entry.sa->spi()) continue;
      found = true;
      EXPECT_NE(other.sa->direction(), entry.sa->direction());
      EXPECT_EQ(other.sa->encryption_key_fingerprint(),
                entry.sa->encryption_key_fingerprint());
      EXPECT_EQ(other.sa->integrity_key_fingerprint(),
                entry.sa->integrity_key_fingerprint());
    }
    EXPECT_TRUE(found) << "SPI " << entry.sa->spi() << " has no mirror";
  }
}

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_ENGINE_SIMULATION_H_
