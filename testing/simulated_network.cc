#include "testing/simulated_network.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cygnet::testing {

std::string Endpoint::ToString() const {
  if (address.is_v4()) return absl::StrCat(address.ToString(), ":", port);
  return absl::StrCat("[", address.ToString(), "]:", port);
}

SimulatedNetwork::SimulatedNetwork(uint64_t seed, NetworkConditions conditions)
    : state_(seed ^ 0x6a09e667f3bcc908ULL), conditions_(conditions) {}

uint64_t SimulatedNetwork::NextRandom() {
  // SplitMix64: tiny, fixed and identical everywhere.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double SimulatedNetwork::NextUnit() {
  return static_cast<double>(NextRandom() >> 11) * (1.0 / 9007199254740992.0);
}

void SimulatedNetwork::SetBlackholed(const ipsec::IpAddress& address,
                                     bool blackholed) {
  auto it = std::find(blackholed_.begin(), blackholed_.end(), address);
  if (blackholed && it == blackholed_.end()) blackholed_.push_back(address);
  if (!blackholed && it != blackholed_.end()) blackholed_.erase(it);
}

bool SimulatedNetwork::IsBlackholed(const Endpoint& endpoint) const {
  return std::find(blackholed_.begin(), blackholed_.end(), endpoint.address) !=
         blackholed_.end();
}

absl::Duration SimulatedNetwork::RandomDelay() {
  absl::Duration span = conditions_.max_delay - conditions_.min_delay;
  if (span <= absl::ZeroDuration()) return conditions_.min_delay;
  return conditions_.min_delay + span * NextUnit();
}

void SimulatedNetwork::Send(Datagram datagram, absl::Time now) {
  ++counters_.sent;
  if (IsBlackholed(datagram.from) || IsBlackholed(datagram.to)) {
    ++counters_.blackholed;
    return;
  }
  if (NextUnit() < conditions_.drop) {
    ++counters_.dropped;
    return;
  }
  int copies = 1;
  if (NextUnit() < conditions_.duplicate) {
    ++counters_.duplicated;
    copies = 2;
  }
  for (int i = 0; i < copies; ++i) {
    absl::Duration delay = RandomDelay();
    if (NextUnit() < conditions_.reorder) {
      ++counters_.reordered;
      delay += conditions_.reorder_extra_delay * NextUnit();
    }
    in_flight_.push(InFlight{now + delay, next_sequence_++,
                             i + 1 == copies ? std::move(datagram) : datagram});
  }
}

absl::Time SimulatedNetwork::NextDeliveryTime() const {
  if (in_flight_.empty()) return absl::InfiniteFuture();
  return in_flight_.top().due;
}

std::vector<Datagram> SimulatedNetwork::DeliverDue(absl::Time now) {
  std::vector<Datagram> due;
  while (!in_flight_.empty() && in_flight_.top().due <= now) {
    // priority_queue::top is const; the element is popped right after.
    InFlight next = std::move(const_cast<InFlight&>(in_flight_.top()));
    in_flight_.pop();
    // A peer may go silent while its datagrams are in flight.
    if (IsBlackholed(next.datagram.from) || IsBlackholed(next.datagram.to)) {
      ++counters_.blackholed;
      continue;
    }
    ++counters_.delivered;
    due.push_back(std::move(next.datagram));
  }
  return due;
}

}  // namespace cygnet::testing
