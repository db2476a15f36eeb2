// SimulatedNetwork: a deterministic, seeded datagram network in simulated time
// for testing sans-I/O protocol engines (IKE SAs, and anything else that sends
// datagrams between endpoints).
//
// Who drives it: a test. It sends datagrams in with Send(now), asks for
// NextDeliveryTime() and collects DeliverDue(now) to hand to the receiving
// engines, advancing its own simulated clock. Invariants: the same seed, the
// same conditions and the same sequence of calls give the same deliveries, on
// any machine (the generator is a fixed SplitMix64, not a std distribution);
// delivery order is by (time, sequence number), so ties are deterministic; a
// datagram is never delivered before it was sent plus min_delay.
#ifndef CYGNET_TESTING_SIMULATED_NETWORK_H_
#define CYGNET_TESTING_SIMULATED_NETWORK_H_

#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "ipsec/ip_address.h"

namespace cygnet::testing {

struct Endpoint {
  ipsec::IpAddress address;
  uint16_t port = 0;

  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
  friend bool operator!=(const Endpoint& a, const Endpoint& b) {
    return !(a == b);
  }
  std::string ToString() const;
};

struct Datagram {
  Endpoint from;
  Endpoint to;
  std::vector<uint8_t> bytes;
};

struct NetworkConditions {
  // Probabilities in [0, 1].
  double drop = 0;
  double duplicate = 0;
  // A reordered datagram gets an extra delay of up to reorder_extra_delay, so
  // later datagrams overtake it.
  double reorder = 0;
  absl::Duration min_delay = absl::Milliseconds(1);
  absl::Duration max_delay = absl::Milliseconds(20);
  absl::Duration reorder_extra_delay = absl::Milliseconds(200);
};

struct NetworkCounters {
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t delivered = 0;
  uint64_t blackholed = 0;
};

class SimulatedNetwork {
 public:
  SimulatedNetwork(uint64_t seed, NetworkConditions conditions);

  void set_conditions(const NetworkConditions& conditions) {
    conditions_ = conditions;
  }
  const NetworkConditions& conditions() const { return conditions_; }

  // Every datagram to or from `address` vanishes while blackholed (a peer that
  // went silent, a cut link).
  void SetBlackholed(const ipsec::IpAddress& address, bool blackholed);

  void Send(Datagram datagram, absl::Time now);

  // absl::InfiniteFuture() when nothing is in flight.
  absl::Time NextDeliveryTime() const;
  // Datagrams due at or before `now`, in delivery order.
  std::vector<Datagram> DeliverDue(absl::Time now);
  bool idle() const { return in_flight_.empty(); }

  const NetworkCounters& counters() const { return counters_; }

  // The generator, for tests that want more deterministic choices.
  uint64_t NextRandom();
  // Uniform in [0, 1).
  double NextUnit();

 private:
  struct InFlight {
    absl::Time due;
    uint64_t sequence;
    Datagram datagram;
  };
  struct Later {
    bool operator()(const InFlight& a, const InFlight& b) const {
      if (a.due != b.due) return a.due > b.due;
      return a.sequence > b.sequence;
    }
  };

  bool IsBlackholed(const Endpoint& endpoint) const;
  absl::Duration RandomDelay();

  uint64_t state_;
  NetworkConditions conditions_;
  NetworkCounters counters_;
  uint64_t next_sequence_ = 0;
  std::vector<ipsec::IpAddress> blackholed_;
  std::priority_queue<InFlight, std::vector<InFlight>, Later> in_flight_;
};

}  // namespace cygnet::testing

#endif  // CYGNET_TESTING_SIMULATED_NETWORK_H_
