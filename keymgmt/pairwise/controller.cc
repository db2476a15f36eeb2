#include "keymgmt/pairwise/controller.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt::pairwise {

ControllerEngine::ControllerEngine(ControllerConfig config) : config_(config) {}

uint32_t ControllerEngine::IndexFor(const TlocId& tloc) {
  auto [it, inserted] = indexes_.try_emplace(tloc, 0);
  if (inserted) {
    if (next_index_ > kMaxTlocIndex) {
      indexes_.erase(it);
      return 0;
    }
    it->second = next_index_++;
  }
  return it->second;
}

ControllerOutput ControllerEngine::ConnectDevice(uint32_t system_ip,
                                                 uint32_t site_id,
                                                 absl::Time now) {
  ControllerOutput out;
  if (devices_.contains(system_ip)) {
    ControllerOutput down = DisconnectDevice(system_ip, now);
    out = std::move(down);
  }
  devices_[system_ip].site_id = site_id;
  out.events.push_back(absl::StrCat("device ", SystemIpString(system_ip),
                                    " connected, site ", site_id));
  Finish(now, out);
  return out;
}

ControllerOutput ControllerEngine::DisconnectDevice(uint32_t system_ip,
                                                    absl::Time now) {
  ControllerOutput out;
  auto it = devices_.find(system_ip);
  if (it == devices_.end()) return out;
  const std::vector<TlocId> tlocs = std::move(it->second.tlocs);
  devices_.erase(it);
  for (const TlocId& t : tlocs) tlocs_.erase(t);
  // What the device held is gone with its session.
  for (auto r = relays_.begin(); r != relays_.end();) {
    if (r->first.to == system_ip) {
      pending_.erase(r->first);
      relays_.erase(r++);
    } else {
      ++r;
    }
  }
  // Other devices lose this device's TLOCs and any demand toward it.
  for (auto& [ip, device] : devices_) {
    const bool had_demand = device.demands.erase(system_ip) > 0;
    (void)had_demand;
    for (const TlocId& t : tlocs) Reconcile(ip, t, now, out);
  }
  out.events.push_back(
      absl::StrCat("device ", SystemIpString(system_ip), " disconnected"));
  Finish(now, out);
  return out;
}

ControllerOutput ControllerEngine::SetPolicy(Policy policy, absl::Time now) {
  ControllerOutput out;
  policy_ = std::move(policy);
  std::vector<TlocId> all;
  all.reserve(tlocs_.size());
  for (const auto& [id, state] : tlocs_) all.push_back(id);
  for (const auto& [ip, device] : devices_) {
    for (const TlocId& t : all) Reconcile(ip, t, now, out);
  }
  out.events.push_back("policy changed");
  Finish(now, out);
  return out;
}

ControllerOutput ControllerEngine::OnMessage(uint32_t from,
                                             absl::Span<const uint8_t> bytes,
                                             absl::Time now) {
  ControllerOutput out;
  absl::StatusOr<Message> message = ParseMessage(bytes);
  if (!message.ok()) {
    ++counters_.malformed;
    out.events.push_back(absl::StrCat("malformed message from ",
                                      SystemIpString(from), ": ",
                                      message.status().message()));
    Finish(now, out);
    return out;
  }
  if (!devices_.contains(from)) {
    ++counters_.unknown_device;
    Finish(now, out);
    return out;
  }
  switch (message->type) {
    case MessageType::kAdvertise:
      HandleAdvertise(from, *std::move(message), now, out);
      break;
    case MessageType::kWithdraw:
      HandleWithdraw(from, *message, now, out);
      break;
    case MessageType::kPeerAck:
      HandlePeerAck(from, *message);
      break;
    case MessageType::kDemand:
      HandleDemand(from, *message, now, out);
      break;
    default:
      ++counters_.unexpected;
      break;
  }
  Finish(now, out);
  return out;
}

void ControllerEngine::HandleAdvertise(uint32_t from, Message message,
                                       absl::Time now, ControllerOutput& out) {
  TlocRecord& record = message.record;
  DeviceState& device = devices_[from];
  if (record.id.system_ip != from || record.site_id != device.site_id) {
    ++counters_.spoofed;
    out.events.push_back(absl::StrCat(
        "advertisement of ", record.id.ToString(), " site ", record.site_id,
        " on the connection of ", SystemIpString(from), " site ",
        device.site_id, " rejected"));
    return;
  }
  for (const TlocId& t : device.tlocs) {
    if (t != record.id && tlocs_.at(t).record.slot == record.slot) {
      ++counters_.spoofed;
      out.events.push_back(absl::StrCat("advertisement of ",
                                        record.id.ToString(), " reuses slot ",
                                        record.slot, " of ", t.ToString()));
      return;
    }
  }
  const uint32_t index = IndexFor(record.id);
  if (index == 0) {
    out.events.push_back("TLOC index space exhausted");
    return;
  }
  auto it = tlocs_.find(record.id);
  const bool is_new = it == tlocs_.end();
  if (!is_new && record.generation < it->second.record.generation) {
    ++counters_.stale;
    return;
  }
  const bool changed =
      is_new || record.generation > it->second.record.generation;
  Message ack;
  ack.type = MessageType::kAdvertiseAck;
  ack.tloc = record.id;
  ack.generation = record.generation;
  ack.tloc_index = index;
  if (absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(ack);
      bytes.ok()) {
    out.sends.push_back({from, *std::move(bytes)});
  }
  if (!changed) return;  // a retransmission: acknowledged again
  ++counters_.advertisements;
  const TlocId id = record.id;
  if (is_new) {
    device.tlocs.push_back(id);
    tlocs_.emplace(id, TlocState{std::move(record), index});
  } else {
    it->second.record = std::move(record);
  }
  for (const auto& [ip, other] : devices_) {
    if (ip != from) Reconcile(ip, id, now, out);
  }
  // A new TLOC can change which of this device's slots are authorized.
  if (is_new) ReconcileDevice(from, now, out);
}

void ControllerEngine::HandleWithdraw(uint32_t from, const Message& message,
                                      absl::Time now, ControllerOutput& out) {
  if (message.tloc.system_ip != from) {
    ++counters_.spoofed;
    return;
  }
  Message ack;
  ack.type = MessageType::kWithdrawAck;
  ack.tloc = message.tloc;
  ack.generation = message.generation;
  if (absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(ack);
      bytes.ok()) {
    out.sends.push_back({from, *std::move(bytes)});
  }
  auto it = tlocs_.find(message.tloc);
  if (it == tlocs_.end()) return;
  if (message.generation < it->second.record.generation) {
    ++counters_.stale;
    return;
  }
  tlocs_.erase(it);
  std::vector<TlocId>& owned = devices_[from].tlocs;
  for (auto t = owned.begin(); t != owned.end(); ++t) {
    if (*t == message.tloc) {
      owned.erase(t);
      break;
    }
  }
  for (const auto& [ip, other] : devices_) {
    if (ip != from) Reconcile(ip, message.tloc, now, out);
  }
  ReconcileDevice(from, now, out);
}

void ControllerEngine::HandlePeerAck(uint32_t from, const Message& message) {
  const RelayKey key{from, message.tloc};
  auto it = relays_.find(key);
  if (it == relays_.end() || it->second.version != message.version) {
    ++counters_.stale;
    return;
  }
  pending_.erase(key);
  if (it->second.withdrawn) relays_.erase(it);
}

void ControllerEngine::HandleDemand(uint32_t from, const Message& message,
                                    absl::Time now, ControllerOutput& out) {
  auto peer = devices_.find(message.peer_system_ip);
  if (peer == devices_.end() || message.peer_system_ip == from) return;
  if (!devices_[from].demands.insert(message.peer_system_ip).second) return;
  for (const TlocId& t : peer->second.tlocs) Reconcile(from, t, now, out);
  for (const TlocId& t : devices_[from].tlocs) {
    Reconcile(message.peer_system_ip, t, now, out);
  }
}

void ControllerEngine::ReconcileDevice(uint32_t system_ip, absl::Time now,
                                       ControllerOutput& out) {
  auto self = devices_.find(system_ip);
  if (self == devices_.end()) return;
  for (const auto& [ip, other] : devices_) {
    if (ip == system_ip) continue;
    for (const TlocId& t : other.tlocs) Reconcile(system_ip, t, now, out);
  }
}

uint8_t ControllerEngine::DesiredSlots(uint32_t to,
                                       const TlocState& tloc) const {
  auto recipient = devices_.find(to);
  auto owner = devices_.find(tloc.record.id.system_ip);
  if (recipient == devices_.end() || owner == devices_.end()) return 0;
  const bool demanded =
      recipient->second.demands.contains(tloc.record.id.system_ip) ||
      owner->second.demands.contains(to);
  const PolicyEndpoint remote{tloc.record.id, tloc.record.site_id};
  uint8_t slots = 0;
  for (const TlocId& local_id : recipient->second.tlocs) {
    const TlocRecord& local = tlocs_.at(local_id).record;
    if (Authorized(policy_, PolicyEndpoint{local.id, local.site_id}, remote,
                   demanded)) {
      slots |= static_cast<uint8_t>(1u << local.slot);
    }
  }
  return slots;
}

void ControllerEngine::Reconcile(uint32_t to, const TlocId& tloc,
                                 absl::Time now, ControllerOutput& out) {
  auto state = tlocs_.find(tloc);
  const uint8_t slots =
      state == tlocs_.end() ? 0 : DesiredSlots(to, state->second);
  const RelayKey key{to, tloc};
  auto it = relays_.find(key);
  if (slots != 0) {
    const uint32_t generation = state->second.record.generation;
    if (it != relays_.end() && !it->second.withdrawn &&
        it->second.slots == slots && it->second.generation == generation) {
      return;
    }
    Relay& relay = relays_[key];
    relay.version = next_version_++;
    relay.withdrawn = false;
    relay.slots = slots;
    relay.generation = generation;
    relay.last_sent = now;
    pending_.insert(key);
    ++counters_.updates_sent;
    Transmit(key, relay, out);
  } else {
    if (it == relays_.end() || it->second.withdrawn) return;
    Relay& relay = it->second;
    relay.version = next_version_++;
    relay.withdrawn = true;
    relay.slots = 0;
    relay.last_sent = now;
    pending_.insert(key);
    ++counters_.withdrawals_sent;
    Transmit(key, relay, out);
  }
}

void ControllerEngine::Transmit(const RelayKey& key, const Relay& relay,
                                ControllerOutput& out) {
  Message m;
  m.version = relay.version;
  if (relay.withdrawn) {
    m.type = MessageType::kPeerWithdraw;
    m.tloc = key.tloc;
  } else {
    const TlocState& state = tlocs_.at(key.tloc);
    m.type = MessageType::kPeerUpdate;
    m.record = state.record.Clone();
    m.tloc_index = state.index;
    m.authorized_slots = relay.slots;
  }
  absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(m);
  if (bytes.ok()) out.sends.push_back({key.to, *std::move(bytes)});
}

ControllerOutput ControllerEngine::OnTimer(absl::Time now) {
  ControllerOutput out;
  if (now >= timer_) timer_ = absl::InfiniteFuture();
  for (const RelayKey& key : pending_) {
    auto it = relays_.find(key);
    if (it == relays_.end()) continue;
    if (now - it->second.last_sent >= config_.retransmit_interval) {
      it->second.last_sent = now;
      ++counters_.retransmissions;
      Transmit(key, it->second, out);
    }
  }
  Finish(now, out);
  return out;
}

uint8_t ControllerEngine::RelayedSlots(uint32_t to, const TlocId& tloc) const {
  auto it = relays_.find(RelayKey{to, tloc});
  if (it == relays_.end() || it->second.withdrawn) return 0;
  return it->second.slots;
}

void ControllerEngine::Finish(absl::Time now, ControllerOutput& out) {
  // An armed timer stays where it is: pushing it back on every message would
  // starve retransmissions while other traffic keeps arriving.
  if (pending_.empty()) {
    timer_ = absl::InfiniteFuture();
  } else if (timer_ == absl::InfiniteFuture()) {
    timer_ = now + config_.retransmit_interval;
  }
  out.next_timer = timer_;
}

}  // namespace cygnet::keymgmt::pairwise
