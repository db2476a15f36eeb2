#include "ike/robustness/attack_test_support.h"

#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ike/engine/test_policy.h"

namespace cygnet::ike::robustness {

ipsec::IpAddress Ip(const std::string& text) {
  absl::StatusOr<ipsec::IpAddress> ip = ipsec::IpAddress::Parse(text);
  if (!ip.ok()) std::abort();
  return *ip;
}

IkePolicy TestPolicy(const std::string& name, const std::string& local,
                     const std::string& remote, const std::string& psk) {
  return PskTestPolicy(name, Ip(local), Ip(remote), psk,
                       crypto::KeyExchangeGroup::kEcp256);
}

Node::Node(uint64_t seed, const std::string& address, EngineLimits limits)
    : random(seed), engine(random, sad, limits), endpoint{Ip(address), 500} {}

std::vector<SendDatagram> Node::Drain() {
  std::vector<SendDatagram> now_sent = engine.TakeDatagrams();
  for (const SendDatagram& d : now_sent) sent.push_back(d);
  for (Event& e : engine.TakeEvents()) events.push_back(std::move(e));
  return now_sent;
}

int Node::Count(EventType type) const {
  int n = 0;
  for (const Event& e : events) n += e.type == type ? 1 : 0;
  return n;
}

std::string Node::Reasons() const {
  std::string out;
  for (const Event& e : events) {
    absl::StrAppend(&out, EventTypeName(e.type), ": ", e.reason, "\n");
  }
  return out;
}

void Pump(Node& a, Node& b, absl::Time now) {
  for (int round = 0; round < 100; ++round) {
    std::vector<SendDatagram> from_a = a.Drain();
    std::vector<SendDatagram> from_b = b.Drain();
    if (from_a.empty() && from_b.empty()) return;
    for (const SendDatagram& d : from_a) {
      if (d.to.address == b.endpoint.address) {
        b.engine.HandleDatagram(d.from, d.to, d.bytes, now);
      }
    }
    for (const SendDatagram& d : from_b) {
      if (d.to.address == a.endpoint.address) {
        a.engine.HandleDatagram(d.from, d.to, d.bytes, now);
      }
    }
  }
}

wire::Message InitiatorSaInit(uint64_t seed, const std::string& address) {
  Node a(seed, address);
  if (!a.engine.AddPolicy(TestPolicy("i", address, kResponderAddress)).ok()) {
    std::abort();
  }
  if (!a.engine.Initiate("i", absl::FromUnixSeconds(1700000000)).ok()) {
    std::abort();
  }
  std::vector<SendDatagram> sent = a.Drain();
  if (sent.size() != 1) std::abort();
  absl::StatusOr<wire::Message> message = wire::Decode(sent[0].bytes);
  if (!message.ok()) std::abort();
  return *message;
}

bool LegitimatePeerEstablishes(Node& responder, const std::string& address,
                               uint64_t seed, absl::Time now) {
  Node peer(seed, address);
  if (!peer.engine.AddPolicy(TestPolicy("legit", address, kResponderAddress))
           .ok() ||
      !peer.engine.Initiate("legit", now).ok()) {
    return false;
  }
  // Retransmissions carry the cookie exchange and any loss; step time.
  for (int i = 0; i < 60 && peer.Count(EventType::kIkeSaEstablished) == 0;
       ++i) {
    Pump(peer, responder, now);
    now += absl::Seconds(1);
    if (peer.engine.NextTimeout() <= now) peer.engine.HandleTimeout(now);
  }
  return peer.Count(EventType::kIkeSaEstablished) == 1 &&
         peer.Count(EventType::kChildSaInstalled) == 1;
}

std::vector<uint8_t> EncodeOrDie(const wire::Message& message) {
  absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(message);
  if (!bytes.ok()) std::abort();
  return *bytes;
}

}  // namespace cygnet::ike::robustness
