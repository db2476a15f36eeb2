// Shared helpers for the robustness tests: two IkeEngines wired by hand (no
// network), seed-001-like PSK policies, and the initiator's first
// IKE_SA_INIT decoded so a test can tamper with it and hand it to a
// responder.
#ifndef CYGNET_IKE_ROBUSTNESS_ATTACK_TEST_SUPPORT_H_
#define CYGNET_IKE_ROBUSTNESS_ATTACK_TEST_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "ike/engine/ike_engine.h"
#include "ike/wire/message.h"
#include "ipsec/sa_database.h"

namespace cygnet::ike::robustness {

inline constexpr char kInitiatorAddress[] = "198.51.100.5";
inline constexpr char kResponderAddress[] = "198.51.100.21";
inline constexpr char kPsk[] = "robustness-test-psk-7f3a";

ipsec::IpAddress Ip(const std::string& text);
// PSK policy; `remote` is the peer address (responders accept its /24).
IkePolicy TestPolicy(const std::string& name, const std::string& local,
                     const std::string& remote, const std::string& psk = kPsk);

struct Node {
  Node(uint64_t seed, const std::string& address, EngineLimits limits = {});
  crypto::DeterministicRandom random;
  ipsec::SaDatabase sad;
  IkeEngine engine;
  UdpEndpoint endpoint;
  std::vector<Event> events;
  std::vector<SendDatagram> sent;  // everything it sent, in order

  // Moves the engine's output into `events` / `sent`; returns what was sent
  // by this call.
  std::vector<SendDatagram> Drain();
  int Count(EventType type) const;
  std::string Reasons() const;
};

// Delivers everything in flight between `a` and `b` until both are quiet.
void Pump(Node& a, Node& b, absl::Time now);

// The IKE_SA_INIT request a fresh initiator (seed `seed`, at `address`)
// sends to kResponderAddress.
wire::Message InitiatorSaInit(uint64_t seed, const std::string& address);

// A legitimate peer at `address` establishes an IKE SA with `responder`
// (whose policy accepts it) within a simulated minute; true if it did.
bool LegitimatePeerEstablishes(Node& responder, const std::string& address,
                               uint64_t seed, absl::Time now);

std::vector<uint8_t> EncodeOrDie(const wire::Message& message);

}  // namespace cygnet::ike::robustness

#endif  // CYGNET_IKE_ROBUSTNESS_ATTACK_TEST_SUPPORT_H_
