#include "keymgmt/pairwise/device.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "keymgmt/pairwise/kdf.h"

namespace cygnet::keymgmt::pairwise {

struct DeviceEngine::OwnGeneration {
  uint32_t generation = 0;
  std::unique_ptr<crypto::KeyExchange> key_exchange;  // null: non-pairwise
  std::vector<uint8_t> nonce;
  absl::Time created;
  std::string public_hash;
  std::string nonce_hash;
};

struct DeviceEngine::LocalTloc {
  uint8_t slot = 0;
  TlocId id;
  DeviceTlocConfig config;
  uint32_t tloc_index = 0;
  OwnGeneration current;
  std::optional<OwnGeneration> previous;
  absl::Time previous_deadline = absl::InfiniteFuture();
  size_t pairs_on_previous = 0;
  uint32_t acked_generation = 0;
  absl::Time last_advertise;
  uint8_t symmetric_generation = 0;
  crypto::SecretBytes symmetric_key;
  std::string symmetric_hash;
  std::optional<uint8_t> previous_symmetric_generation;
  crypto::SecretBytes previous_symmetric_key;
  absl::Time previous_symmetric_deadline = absl::InfiniteFuture();
  size_t pairs_on_previous_symmetric = 0;
  bool rekey_pending = false;
  bool rekey_pending_symmetric = false;
  uint32_t sa_index = 0;
};

struct DeviceEngine::PeerGeneration {
  uint32_t generation = 0;
  crypto::KeyExchangeGroup group = crypto::KeyExchangeGroup::kCurve25519;
  std::vector<uint8_t> public_value;
  std::vector<uint8_t> nonce;
  std::string public_hash;
  std::string nonce_hash;
};

struct DeviceEngine::PeerTloc {
  TlocId id;
  uint32_t site_id = 0;
  uint8_t slot = 0;
  TransportEndpoint transport;
  uint32_t tloc_index = 0;
  uint8_t authorized = 0;
  bool pairwise = false;
  PeerGeneration current;
  std::optional<PeerGeneration> previous;
  absl::Time previous_deadline = absl::InfiniteFuture();
  uint8_t symmetric_generation = 0;
  crypto::SecretBytes symmetric_key;
  std::string symmetric_hash;
};

struct DeviceEngine::Combo {
  uint32_t own_generation = 0;
  uint32_t peer_generation = 0;
  uint32_t inbound_spi = 0;
  uint32_t outbound_spi = 0;
  uint32_t sa_index = 0;
  crypto::SecretBytes encrypt_key;
  std::string shared_secret_hash;
  std::string encrypt_key_hash;
  std::string decrypt_key_hash;
};

struct DeviceEngine::Pair {
  PairKey key;
  uint64_t policy_id = 0;
  bool pairwise = false;
  std::vector<Combo> combos;
  uint32_t own_floor = 0;
  uint32_t peer_floor = 0;
  uint32_t confirmed_own = 0;
  absl::Time own_retire_at = absl::InfiniteFuture();
  absl::Time peer_retire_at = absl::InfiniteFuture();
  bool counted_on_previous = false;
  bool has_outbound = false;
  uint32_t outbound_spi = 0;
  uint32_t out_own = 0;
  uint32_t out_peer = 0;
  uint32_t outbound_sa_index = 0;
  // Non-pairwise: inbound SAs under the local symmetric key, by generation.
  std::vector<std::pair<uint8_t, uint32_t>> symmetric_inbound;
  uint32_t symmetric_sa_index = 0;
  // The local previous symmetric key still has an inbound SA here.
  bool holds_previous_symmetric = false;
  absl::Time symmetric_retire_at = absl::InfiniteFuture();
};

namespace {

std::string ShortHash(const crypto::SecretBytes& secret) {
  return secret.Fingerprint();
}

std::string PublicHash(absl::Span<const uint8_t> bytes) {
  return crypto::SecretBytes::Copy(bytes).Fingerprint();
}

}  // namespace

uint64_t PairPolicyId(uint8_t local_slot, const TlocId& remote) {
  return (uint64_t{remote.system_ip} << 24) |
         (uint64_t{static_cast<uint8_t>(remote.color)} << 16) |
         (uint64_t{static_cast<uint8_t>(remote.encapsulation)} << 8) |
         local_slot;
}

DeviceEngine::DeviceEngine(DeviceConfig config, crypto::Random& random)
    : config_(std::move(config)), random_(random) {}

DeviceEngine::~DeviceEngine() = default;

void DeviceEngine::Event(DeviceOutput& out, std::string text) {
  DeviceAction a;
  a.kind = DeviceAction::Kind::kEvent;
  a.event = std::move(text);
  out.actions.push_back(std::move(a));
}

absl::Status DeviceEngine::NewGeneration(LocalTloc& local, absl::Time now) {
  OwnGeneration g;
  g.generation = local.current.generation + 1;
  g.created = now;
  if (config_.security.pairwise_keying) {
    absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> kx =
        crypto::KeyExchange::Generate(config_.group, random_);
    if (!kx.ok()) return kx.status();
    g.key_exchange = *std::move(kx);
    g.nonce = random_.Bytes(kNonceSize);
    g.public_hash = PublicHash(g.key_exchange->public_value());
    g.nonce_hash = PublicHash(g.nonce);
  }
  local.current = std::move(g);
  return absl::OkStatus();
}

void DeviceEngine::NewSymmetricKey(LocalTloc& local, absl::Time now) {
  if (local.symmetric_generation != 0) {
    local.previous_symmetric_generation = local.symmetric_generation;
    local.previous_symmetric_key = std::move(local.symmetric_key);
    local.previous_symmetric_deadline = now + config_.hold_time;
  }
  // 1..255: 0 means "none yet".
  local.symmetric_generation =
      static_cast<uint8_t>(local.symmetric_generation % 255 + 1);
  local.symmetric_key = random_.Secret(kSymmetricKeySize);
  local.symmetric_hash = ShortHash(local.symmetric_key);
  local.pairs_on_previous_symmetric = 0;
  for (auto& [key, pair] : pairs_) {
    if (key.slot != local.slot || pair->pairwise) continue;
    pair->holds_previous_symmetric = true;
    pair->symmetric_retire_at = absl::InfiniteFuture();
    ++local.pairs_on_previous_symmetric;
  }
}

absl::StatusOr<DeviceOutput> DeviceEngine::Start(absl::Time now) {
  if (started_) return absl::FailedPreconditionError("device already started");
  if (config_.tlocs.empty() || config_.tlocs.size() > kMaxSlots) {
    return absl::InvalidArgumentError(absl::StrCat(
        "device has ", config_.tlocs.size(), " TLOCs, want 1..", kMaxSlots));
  }
  if (config_.system_ip == 0) {
    return absl::InvalidArgumentError("system IP 0.0.0.0");
  }
  DeviceOutput out;
  for (size_t i = 0; i < config_.tlocs.size(); ++i) {
    auto local = std::make_unique<LocalTloc>();
    local->slot = static_cast<uint8_t>(i);
    local->config = config_.tlocs[i];
    local->id = TlocId{config_.system_ip, local->config.color,
                       local->config.encapsulation};
    for (const auto& other : locals_) {
      if (other->id == local->id) {
        return absl::InvalidArgumentError(
            absl::StrCat("TLOC ", local->id.ToString(), " configured twice"));
      }
    }
    if (absl::Status s = NewGeneration(*local, now); !s.ok()) return s;
    NewSymmetricKey(*local, now);
    local->sa_index = next_sa_index_++;
    locals_.push_back(std::move(local));
  }
  started_ = true;
  for (auto& local : locals_) Advertise(*local, now, out);
  Finish(now, out);
  return out;
}

void DeviceEngine::Advertise(LocalTloc& local, absl::Time now,
                             DeviceOutput& out) {
  Message m;
  m.type = MessageType::kAdvertise;
  TlocRecord& r = m.record;
  r.id = local.id;
  r.site_id = config_.site_id;
  r.slot = local.slot;
  r.transport = local.config.transport;
  r.generation = local.current.generation;
  r.pairwise = config_.security.pairwise_keying;
  r.group = config_.group;
  if (r.pairwise) {
    r.public_value = local.current.key_exchange->public_value();
    r.nonce = local.current.nonce;
  }
  r.symmetric_generation = local.symmetric_generation;
  r.symmetric_key = local.symmetric_key.Clone();
  absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(m);
  if (!bytes.ok()) {
    Event(out,
          absl::StrCat("cannot encode advertisement of ", local.id.ToString(),
                       ": ", bytes.status().message()));
    return;
  }
  local.last_advertise = now;
  DeviceAction a;
  a.kind = DeviceAction::Kind::kSendToController;
  a.message = *std::move(bytes);
  out.actions.push_back(std::move(a));
}

DeviceOutput DeviceEngine::OnControllerMessage(absl::Span<const uint8_t> bytes,
                                               absl::Time now) {
  DeviceOutput out;
  absl::StatusOr<Message> m = ParseMessage(bytes);
  if (!m.ok()) {
    ++counters_.malformed;
    Event(out,
          absl::StrCat("malformed controller message: ", m.status().message()));
  } else if (!started_ ||
             (shut_down_ && m->type != MessageType::kWithdrawAck)) {
    ++counters_.unexpected;
  } else {
    switch (m->type) {
      case MessageType::kAdvertiseAck:
        HandleAdvertiseAck(*m, now, out);
        break;
      case MessageType::kPeerUpdate:
        HandlePeerUpdate(*std::move(m), now, out);
        break;
      case MessageType::kPeerWithdraw:
        HandlePeerWithdraw(*m, now, out);
        break;
      case MessageType::kWithdrawAck:
        for (auto it = withdraw_pending_.begin(); it != withdraw_pending_.end();
             ++it) {
          if (*it == m->tloc) {
            withdraw_pending_.erase(it);
            break;
          }
        }
        break;
      default:
        ++counters_.unexpected;
        break;
    }
  }
  Finish(now, out);
  return out;
}

void DeviceEngine::HandleAdvertiseAck(const Message& m, absl::Time now,
                                      DeviceOutput& out) {
  LocalTloc* local = nullptr;
  for (auto& l : locals_) {
    if (l->id == m.tloc) local = l.get();
  }
  if (local == nullptr) {
    ++counters_.unexpected;
    return;
  }
  if (m.generation != local->current.generation) {
    ++counters_.stale;
    return;
  }
  local->acked_generation = m.generation;
  if (local->tloc_index == m.tloc_index) return;
  if (local->tloc_index != 0) {
    // The controller renumbered this TLOC: every SPI of the slot changes.
    std::vector<PairKey> keys;
    for (const auto& [key, pair] : pairs_) {
      if (key.slot == local->slot) keys.push_back(key);
    }
    for (const PairKey& key : keys) RemovePair(key, out);
  }
  local->tloc_index = m.tloc_index;
  Event(out, absl::StrCat("TLOC ", local->id.ToString(), " has index ",
                          m.tloc_index));
  for (auto& [id, peer] : peers_) {
    if (peer->authorized & (1u << local->slot)) {
      SyncPairsOfPeer(id, now, out);
    }
  }
}

void DeviceEngine::SendPeerAck(const TlocId& tloc, uint64_t version,
                               DeviceOutput& out) {
  Message ack;
  ack.type = MessageType::kPeerAck;
  ack.tloc = tloc;
  ack.version = version;
  absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(ack);
  if (!bytes.ok()) return;
  DeviceAction a;
  a.kind = DeviceAction::Kind::kSendToController;
  a.message = *std::move(bytes);
  out.actions.push_back(std::move(a));
}

void DeviceEngine::HandlePeerUpdate(Message m, absl::Time now,
                                    DeviceOutput& out) {
  TlocRecord& r = m.record;
  if (r.id.system_ip == config_.system_ip) {
    ++counters_.unexpected;
    return;
  }
  uint64_t& seen = versions_[r.id];
  if (m.version < seen) {
    ++counters_.stale;
    return;
  }
  if (m.version == seen) {  // our acknowledgement was lost
    SendPeerAck(r.id, m.version, out);
    return;
  }
  seen = m.version;
  auto [it, inserted] = peers_.try_emplace(r.id);
  if (inserted) it->second = std::make_unique<PeerTloc>();
  PeerTloc& peer = *it->second;

  PeerGeneration incoming;
  incoming.generation = r.generation;
  incoming.group = r.group;
  incoming.public_value = std::move(r.public_value);
  incoming.nonce = std::move(r.nonce);
  if (r.pairwise) {
    incoming.public_hash = PublicHash(incoming.public_value);
    incoming.nonce_hash = PublicHash(incoming.nonce);
  }
  const bool restarted =
      !inserted &&
      (r.generation < peer.current.generation || r.pairwise != peer.pairwise ||
       r.slot != peer.slot || m.tloc_index != peer.tloc_index ||
       (r.generation == peer.current.generation &&
        incoming.public_value != peer.current.public_value));
  if (restarted) {
    // Not a successor of what we hold: start the pair over.
    for (uint8_t s = 0; s < kMaxSlots; ++s) RemovePair(PairKey{s, r.id}, out);
    peer.previous.reset();
    peer.previous_deadline = absl::InfiniteFuture();
    peer.current = std::move(incoming);
  } else if (inserted) {
    peer.current = std::move(incoming);
  } else if (r.generation > peer.current.generation) {
    // Keep the current generation as the previous one unless its SPIs would
    // collide with the new one's (generations are compared mod 4).
    if (config_.security.pairwise_keying && r.pairwise &&
        ((r.generation - peer.current.generation) & 3u) != 0) {
      peer.previous = std::move(peer.current);
      peer.previous_deadline = now + config_.hold_time;
      earliest_pair_deadline_ =
          std::min(earliest_pair_deadline_, peer.previous_deadline);
    } else {
      peer.previous.reset();
    }
    peer.current = std::move(incoming);
  }
  peer.id = r.id;
  peer.site_id = r.site_id;
  peer.slot = r.slot;
  peer.transport = r.transport;
  peer.tloc_index = m.tloc_index;
  peer.authorized = m.authorized_slots;
  peer.pairwise = r.pairwise;
  if (r.symmetric_generation != peer.symmetric_generation ||
      !r.symmetric_key.Equals(peer.symmetric_key)) {
    peer.symmetric_generation = r.symmetric_generation;
    peer.symmetric_key = std::move(r.symmetric_key);
    peer.symmetric_hash = ShortHash(peer.symmetric_key);
  }
  SyncPairsOfPeer(r.id, now, out);
  SendPeerAck(r.id, m.version, out);
}

void DeviceEngine::HandlePeerWithdraw(const Message& m, absl::Time now,
                                      DeviceOutput& out) {
  uint64_t& seen = versions_[m.tloc];
  if (m.version < seen) {
    ++counters_.stale;
    return;
  }
  if (m.version > seen) {
    seen = m.version;
    for (uint8_t s = 0; s < kMaxSlots; ++s) {
      RemovePair(PairKey{s, m.tloc}, out);
    }
    if (peers_.erase(m.tloc) > 0) {
      Event(out, absl::StrCat("peer TLOC ", m.tloc.ToString(), " withdrawn"));
    }
  }
  SendPeerAck(m.tloc, m.version, out);
}

void DeviceEngine::SyncPairsOfPeer(const TlocId& peer_id, absl::Time now,
                                   DeviceOutput& out) {
  auto peer_it = peers_.find(peer_id);
  for (auto& local : locals_) {
    const PairKey key{local->slot, peer_id};
    const bool wanted = peer_it != peers_.end() &&
                        (peer_it->second->authorized & (1u << local->slot)) &&
                        local->tloc_index != 0;
    auto it = pairs_.find(key);
    if (!wanted) {
      if (it != pairs_.end()) RemovePair(key, out);
      continue;
    }
    if (it == pairs_.end()) {
      auto pair = std::make_unique<Pair>();
      pair->key = key;
      pair->policy_id = PairPolicyId(local->slot, peer_id);
      pair->own_floor = local->current.generation;
      policy_index_[pair->policy_id] = key;
      it = pairs_.emplace(key, std::move(pair)).first;
    }
    SyncPair(*it->second, now, out);
  }
}

void DeviceEngine::SyncPairsOfSlot(uint8_t slot, absl::Time now,
                                   DeviceOutput& out) {
  for (auto& [key, pair] : pairs_) {
    if (key.slot == slot) SyncPair(*pair, now, out);
  }
}

void DeviceEngine::ClearPairSas(Pair& pair, DeviceOutput& out) {
  const LocalTloc& local = *locals_[pair.key.slot];
  auto remove = [&](ipsec::SaDirection direction, uint32_t spi) {
    DeviceAction a;
    a.kind = DeviceAction::Kind::kRemoveSa;
    a.removal.direction = direction;
    a.removal.policy_id = pair.policy_id;
    a.removal.spi = spi;
    a.removal.local_address = local.config.transport.address;
    out.actions.push_back(std::move(a));
  };
  if (pair.has_outbound) {
    remove(ipsec::SaDirection::kOutbound, pair.outbound_spi);
    pair.has_outbound = false;
  }
  for (const Combo& c : pair.combos) {
    remove(ipsec::SaDirection::kInbound, c.inbound_spi);
    inbound_index_.erase(c.inbound_spi);
    ++counters_.sa_pairs_removed;
  }
  pair.combos.clear();
  for (const auto& [generation, spi] : pair.symmetric_inbound) {
    remove(ipsec::SaDirection::kInbound, spi);
    inbound_index_.erase(spi);
  }
  pair.symmetric_inbound.clear();
  if (pair.holds_previous_symmetric) {
    pair.holds_previous_symmetric = false;
    --locals_[pair.key.slot]->pairs_on_previous_symmetric;
  }
}

void DeviceEngine::RemovePair(const PairKey& key, DeviceOutput& out) {
  auto it = pairs_.find(key);
  if (it == pairs_.end()) return;
  Pair& pair = *it->second;
  ClearPairSas(pair, out);
  if (pair.counted_on_previous) {
    --locals_[key.slot]->pairs_on_previous;
  }
  policy_index_.erase(pair.policy_id);
  pairs_.erase(it);
}

void DeviceEngine::SyncPair(Pair& pair, absl::Time now, DeviceOutput& out) {
  LocalTloc& local = *locals_[pair.key.slot];
  const PeerTloc& peer = *peers_.at(pair.key.remote);
  const bool pairwise = config_.security.pairwise_keying && peer.pairwise;
  if (pair.pairwise != pairwise) {
    ClearPairSas(pair, out);
    pair.pairwise = pairwise;
  }
  const ipsec::IpAddress& local_address = local.config.transport.address;

  auto install = [&](ipsec::SaDirection direction, uint32_t spi,
                     crypto::SecretBytes key) {
    DeviceAction a;
    a.kind = DeviceAction::Kind::kInstallSa;
    SaInstall& s = a.install;
    s.direction = direction;
    s.policy_id = pair.policy_id;
    s.spi = spi;
    s.local_address = local_address;
    s.remote_address = peer.transport.address;
    s.local_port = local.config.transport.port;
    s.remote_port = peer.transport.port;
    s.key = std::move(key);
    s.replay_window = direction == ipsec::SaDirection::kInbound
                          ? config_.security.replay_window
                          : 0;
    s.rekey_bytes = config_.rekey_bytes;
    s.sequence_soft_limit = config_.sequence_soft_limit;
    s.pairwise = pairwise;
    out.actions.push_back(std::move(a));
  };
  auto remove = [&](ipsec::SaDirection direction, uint32_t spi) {
    DeviceAction a;
    a.kind = DeviceAction::Kind::kRemoveSa;
    a.removal.direction = direction;
    a.removal.policy_id = pair.policy_id;
    a.removal.spi = spi;
    a.removal.local_address = local_address;
    out.actions.push_back(std::move(a));
  };
  auto switch_outbound = [&](uint32_t spi, crypto::SecretBytes key) {
    const bool had = pair.has_outbound;
    const uint32_t old_spi = pair.outbound_spi;
    if (had && old_spi == spi) {
      // Same SPI, new key (cannot happen with distinct generations mod 4,
      // but never leave a stale key behind).
      remove(ipsec::SaDirection::kOutbound, old_spi);
      pair.has_outbound = false;
    }
    install(ipsec::SaDirection::kOutbound, spi, std::move(key));
    DeviceAction a;
    a.kind = DeviceAction::Kind::kSwitchOutbound;
    a.policy_id = pair.policy_id;
    a.switch_spi = spi;
    out.actions.push_back(std::move(a));
    if (pair.has_outbound) remove(ipsec::SaDirection::kOutbound, old_spi);
    pair.has_outbound = true;
    pair.outbound_spi = spi;
    pair.outbound_sa_index = next_sa_index_++;
    ++counters_.outbound_switches;
  };

  if (!pairwise) {
    // Classic: inbound under our symmetric key(s), outbound under theirs.
    const KdfEndpoint sender{peer.id, peer.slot, peer.tloc_index, 0, {}};
    std::vector<std::pair<uint8_t, const crypto::SecretBytes*>> live = {
        {local.symmetric_generation, &local.symmetric_key}};
    if (local.previous_symmetric_generation && pair.holds_previous_symmetric) {
      live.push_back({*local.previous_symmetric_generation,
                      &local.previous_symmetric_key});
    }
    for (const auto& entry : live) {
      // Named copies, not structured bindings: C++17 lambdas cannot capture
      // those (clang rejects it; --config=fuzz builds with clang).
      const uint8_t generation = entry.first;
      const crypto::SecretBytes* key = entry.second;
      const bool have = std::any_of(
          pair.symmetric_inbound.begin(), pair.symmetric_inbound.end(),
          [&](const auto& e) { return e.first == generation; });
      if (have) continue;
      KdfEndpoint receiver{
          local.id, local.slot, local.tloc_index, generation, {}};
      const uint32_t spi = SymmetricSpi(sender, receiver);
      install(ipsec::SaDirection::kInbound, spi, key->Clone());
      inbound_index_[spi] = pair.key;
      pair.symmetric_inbound.push_back({generation, spi});
      pair.symmetric_sa_index = next_sa_index_++;
    }
    const KdfEndpoint me{local.id, local.slot, local.tloc_index, 0, {}};
    const KdfEndpoint them{
        peer.id, peer.slot, peer.tloc_index, peer.symmetric_generation, {}};
    const uint32_t out_spi = SymmetricSpi(me, them);
    if (!pair.has_outbound || pair.outbound_spi != out_spi ||
        pair.out_peer != peer.symmetric_generation) {
      switch_outbound(out_spi, peer.symmetric_key.Clone());
      pair.out_peer = peer.symmetric_generation;
    }
    for (auto e = pair.symmetric_inbound.begin();
         e != pair.symmetric_inbound.end();) {
      const bool alive =
          std::any_of(live.begin(), live.end(),
                      [&](const auto& l) { return l.first == e->first; });
      if (alive) {
        ++e;
      } else {
        remove(ipsec::SaDirection::kInbound, e->second);
        inbound_index_.erase(e->second);
        e = pair.symmetric_inbound.erase(e);
      }
    }
    return;
  }

  // Pairwise: the live generations of both ends.
  std::vector<const OwnGeneration*> own;
  if (local.current.generation >= pair.own_floor) own.push_back(&local.current);
  if (local.previous && local.previous->generation >= pair.own_floor) {
    own.push_back(&*local.previous);
  }
  std::vector<const PeerGeneration*> theirs = {&peer.current};
  if (peer.previous && peer.previous->generation >= pair.peer_floor) {
    theirs.push_back(&*peer.previous);
  }
  auto wanted = [&](uint32_t o, uint32_t p) {
    return std::any_of(own.begin(), own.end(),
                       [&](auto* g) { return g->generation == o; }) &&
           std::any_of(theirs.begin(), theirs.end(),
                       [&](auto* g) { return g->generation == p; });
  };
  // 1. Retire the inbound SAs of combinations no longer alive first: the
  // SAD holds at most four per pair. The outbound SA keeps its own key and
  // is replaced in step 3, so traffic never lacks an SA.
  bool outbound_combo_gone = false;
  for (auto c = pair.combos.begin(); c != pair.combos.end();) {
    if (wanted(c->own_generation, c->peer_generation)) {
      ++c;
      continue;
    }
    if (pair.has_outbound && pair.out_own == c->own_generation &&
        pair.out_peer == c->peer_generation) {
      outbound_combo_gone = true;
    }
    remove(ipsec::SaDirection::kInbound, c->inbound_spi);
    inbound_index_.erase(c->inbound_spi);
    ++counters_.sa_pairs_removed;
    c = pair.combos.erase(c);
  }
  // 2. New inbound SAs.
  for (const OwnGeneration* og : own) {
    for (const PeerGeneration* pg : theirs) {
      const bool have =
          std::any_of(pair.combos.begin(), pair.combos.end(), [&](auto& c) {
            return c.own_generation == og->generation &&
                   c.peer_generation == pg->generation;
          });
      if (have) continue;
      if (og->key_exchange == nullptr || pg->group != config_.group) {
        ++counters_.derivation_errors;
        continue;
      }
      absl::StatusOr<crypto::SecretBytes> ss =
          og->key_exchange->ComputeSharedSecret(pg->public_value);
      if (!ss.ok()) {
        ++counters_.derivation_errors;
        Event(out, absl::StrCat("DH with ", peer.id.ToString(),
                                " failed: ", ss.status().message()));
        continue;
      }
      const KdfEndpoint me{local.id, local.slot, local.tloc_index,
                           og->generation, og->nonce};
      const KdfEndpoint them{peer.id, peer.slot, peer.tloc_index,
                             pg->generation, pg->nonce};
      absl::StatusOr<DirectionalKeys> keys = DerivePairwiseKeys(*ss, me, them);
      if (!keys.ok()) {
        ++counters_.derivation_errors;
        Event(out, absl::StrCat("key derivation with ", peer.id.ToString(),
                                " failed: ", keys.status().message()));
        continue;
      }
      Combo c;
      c.own_generation = og->generation;
      c.peer_generation = pg->generation;
      c.inbound_spi = keys->inbound_spi;
      c.outbound_spi = keys->outbound_spi;
      c.sa_index = next_sa_index_++;
      c.shared_secret_hash = ShortHash(*ss);
      c.encrypt_key_hash = ShortHash(keys->encrypt_key);
      c.decrypt_key_hash = ShortHash(keys->decrypt_key);
      c.encrypt_key = std::move(keys->encrypt_key);
      install(ipsec::SaDirection::kInbound, c.inbound_spi,
              std::move(keys->decrypt_key));
      inbound_index_[c.inbound_spi] = pair.key;
      pair.combos.push_back(std::move(c));
      ++counters_.sa_pairs_installed;
    }
  }
  // 3. Outbound: the peer's newest generation; our newest one the peer has
  // proven to know, else our oldest live one.
  uint32_t o = 0;
  uint32_t oldest = 0;
  for (const OwnGeneration* og : own) {
    if (og->generation <= pair.confirmed_own) o = std::max(o, og->generation);
    if (oldest == 0 || og->generation < oldest) oldest = og->generation;
  }
  if (o == 0) o = oldest;
  const uint32_t p = peer.current.generation;
  if (!pair.has_outbound || outbound_combo_gone || pair.out_own != o ||
      pair.out_peer != p) {
    bool switched = false;
    for (const Combo& c : pair.combos) {
      if (c.own_generation == o && c.peer_generation == p) {
        switch_outbound(c.outbound_spi, c.encrypt_key.Clone());
        pair.out_own = o;
        pair.out_peer = p;
        switched = true;
        break;
      }
    }
    if (!switched && outbound_combo_gone) {
      // No key to move to (derivation failed): stop using a retired one.
      remove(ipsec::SaDirection::kOutbound, pair.outbound_spi);
      pair.has_outbound = false;
    }
  }
  if (pair.counted_on_previous &&
      (!local.previous || pair.own_floor > local.previous->generation)) {
    pair.counted_on_previous = false;
    --local.pairs_on_previous;
  }
  (void)now;
}

DeviceOutput DeviceEngine::OnInboundPacket(uint32_t spi, absl::Time now) {
  DeviceOutput out;
  auto it = inbound_index_.find(spi);
  if (it == inbound_index_.end()) {
    ++counters_.unknown_spi_signals;
    Finish(now, out);
    return out;
  }
  Pair& pair = *pairs_.at(it->second);
  if (!pair.pairwise) {
    // The peer uses our new symmetric key: retire the old one after grace.
    const LocalTloc& local = *locals_[pair.key.slot];
    if (pair.holds_previous_symmetric &&
        pair.symmetric_retire_at == absl::InfiniteFuture()) {
      for (const auto& [generation, inbound_spi] : pair.symmetric_inbound) {
        if (inbound_spi == spi && generation == local.symmetric_generation) {
          pair.symmetric_retire_at = now + config_.grace_period;
          earliest_pair_deadline_ =
              std::min(earliest_pair_deadline_, pair.symmetric_retire_at);
        }
      }
    }
    Finish(now, out);
    return out;
  }
  const Combo* combo = nullptr;
  for (const Combo& c : pair.combos) {
    if (c.inbound_spi == spi) combo = &c;
  }
  if (combo == nullptr) {
    Finish(now, out);
    return out;
  }
  const uint32_t own_generation = combo->own_generation;
  const uint32_t peer_generation = combo->peer_generation;
  const LocalTloc& local = *locals_[pair.key.slot];
  const PeerTloc& peer = *peers_.at(pair.key.remote);
  if (local.previous && own_generation == local.current.generation &&
      pair.own_floor < own_generation &&
      pair.own_retire_at == absl::InfiniteFuture()) {
    pair.own_retire_at = now + config_.grace_period;
    earliest_pair_deadline_ =
        std::min(earliest_pair_deadline_, pair.own_retire_at);
  }
  if (peer.previous && peer_generation == peer.current.generation &&
      pair.peer_floor < peer_generation &&
      pair.peer_retire_at == absl::InfiniteFuture()) {
    pair.peer_retire_at = now + config_.grace_period;
    earliest_pair_deadline_ =
        std::min(earliest_pair_deadline_, pair.peer_retire_at);
  }
  if (own_generation > pair.confirmed_own) {
    pair.confirmed_own = own_generation;
    SyncPair(pair, now, out);
  }
  Finish(now, out);
  return out;
}

bool DeviceEngine::RekeyBlocked(const LocalTloc& local, bool symmetric) const {
  const bool replaces_symmetric = !config_.security.pairwise_keying ||
                                  symmetric || config_.security.pwk_sym_rekey;
  return local.previous.has_value() ||
         (replaces_symmetric && local.previous_symmetric_generation);
}

void DeviceEngine::StartRekey(LocalTloc& local, RekeyReason reason,
                              bool symmetric, absl::Time now,
                              DeviceOutput& out) {
  // One rekey at a time: the previous generation (and, when this rekey
  // replaces it, the previous symmetric key) must be retired first, so that
  // no more than two generations of anything are ever alive.
  if (RekeyBlocked(local, symmetric)) {
    local.rekey_pending = true;
    local.rekey_pending_symmetric |= symmetric;
    ++counters_.rekeys_deferred;
    return;
  }
  if (!config_.security.pairwise_keying) {
    // A symmetric-key rekey: the new key's inbound SAs first, then publish.
    NewSymmetricKey(local, now);
    ++local.current.generation;
    local.current.created = now;
    ++counters_.rekeys_started;
    SyncPairsOfSlot(local.slot, now, out);
    Advertise(local, now, out);
    Event(out, absl::StrCat("symmetric rekey of ", local.id.ToString()));
    return;
  }
  OwnGeneration old = std::move(local.current);
  local.current.generation = old.generation;
  if (absl::Status s = NewGeneration(local, now); !s.ok()) {
    local.current = std::move(old);
    Event(out, absl::StrCat("rekey of ", local.id.ToString(),
                            " failed: ", s.message()));
    return;
  }
  local.previous = std::move(old);
  local.previous_deadline = now + config_.hold_time;
  if (symmetric || config_.security.pwk_sym_rekey) NewSymmetricKey(local, now);
  for (auto& [key, pair] : pairs_) {
    if (key.slot == local.slot && pair->pairwise &&
        !pair->counted_on_previous &&
        pair->own_floor <= local.previous->generation) {
      pair->counted_on_previous = true;
      ++local.pairs_on_previous;
    }
  }
  ++counters_.rekeys_started;
  SyncPairsOfSlot(local.slot, now, out);
  Advertise(local, now, out);
  Event(out, absl::StrCat("rekey of ", local.id.ToString(), " to generation ",
                          local.current.generation));
}

void DeviceEngine::ReleasePreviousOwn(LocalTloc& local, absl::Time now,
                                      DeviceOutput& out) {
  if (!local.previous) return;
  const uint32_t floor = local.current.generation;
  local.previous.reset();
  local.previous_deadline = absl::InfiniteFuture();
  for (auto& [key, pair] : pairs_) {
    if (key.slot != local.slot) continue;
    if (pair->own_floor < floor) pair->own_floor = floor;
    pair->own_retire_at = absl::InfiniteFuture();
    pair->counted_on_previous = false;
    SyncPair(*pair, now, out);
  }
  local.pairs_on_previous = 0;
  ++counters_.rekeys_completed;
  Event(out, absl::StrCat("rekey of ", local.id.ToString(),
                          " complete at generation ", floor));
}

void DeviceEngine::ReleasePreviousSymmetric(LocalTloc& local, absl::Time now,
                                            DeviceOutput& out) {
  local.previous_symmetric_generation.reset();
  local.previous_symmetric_key = crypto::SecretBytes();
  local.previous_symmetric_deadline = absl::InfiniteFuture();
  if (!config_.security.pairwise_keying) ++counters_.rekeys_completed;
  if (local.pairs_on_previous_symmetric == 0) return;
  local.pairs_on_previous_symmetric = 0;
  for (auto& [key, pair] : pairs_) {
    if (key.slot != local.slot || !pair->holds_previous_symmetric) continue;
    pair->holds_previous_symmetric = false;
    pair->symmetric_retire_at = absl::InfiniteFuture();
    SyncPair(*pair, now, out);
  }
}

DeviceOutput DeviceEngine::Rekey(std::optional<uint8_t> slot, absl::Time now) {
  DeviceOutput out;
  if (shut_down_) return out;
  for (auto& local : locals_) {
    if (!slot || *slot == local->slot) {
      StartRekey(*local, RekeyReason::kManual, false, now, out);
    }
  }
  Finish(now, out);
  return out;
}

DeviceOutput DeviceEngine::OnOutboundSaRekeyEvent(uint64_t policy_id,
                                                  absl::Time now) {
  DeviceOutput out;
  if (shut_down_) return out;
  auto it = policy_index_.find(policy_id);
  if (it != policy_index_.end()) {
    const Pair& pair = *pairs_.at(it->second);
    // Our outbound under a peer's symmetric key is the peer's to rekey.
    if (pair.pairwise) {
      StartRekey(*locals_[pair.key.slot], RekeyReason::kVolume, false, now,
                 out);
    }
  }
  Finish(now, out);
  return out;
}

DeviceOutput DeviceEngine::OnInboundSaRekeyEvent(uint32_t spi, absl::Time now) {
  DeviceOutput out;
  if (shut_down_) return out;
  auto it = inbound_index_.find(spi);
  if (it != inbound_index_.end()) {
    const Pair& pair = *pairs_.at(it->second);
    StartRekey(*locals_[pair.key.slot], RekeyReason::kVolume, !pair.pairwise,
               now, out);
  }
  Finish(now, out);
  return out;
}

DeviceOutput DeviceEngine::Shutdown(absl::Time now) {
  DeviceOutput out;
  if (!started_ || shut_down_) return out;
  shut_down_ = true;
  std::vector<PairKey> keys;
  for (const auto& [key, pair] : pairs_) keys.push_back(key);
  for (const PairKey& key : keys) RemovePair(key, out);
  peers_.clear();
  for (auto& local : locals_) {
    withdraw_pending_.push_back(local->id);
    local->rekey_pending = false;
  }
  SendWithdrawals(now, out);
  Event(out, "shut down: TLOCs withdrawn");
  Finish(now, out);
  return out;
}

void DeviceEngine::SendWithdrawals(absl::Time now, DeviceOutput& out) {
  last_withdraw_ = now;
  for (const TlocId& id : withdraw_pending_) {
    Message m;
    m.type = MessageType::kWithdraw;
    m.tloc = id;
    for (const auto& local : locals_) {
      if (local->id == id) m.generation = local->current.generation;
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(m);
    if (!bytes.ok()) continue;
    DeviceAction a;
    a.kind = DeviceAction::Kind::kSendToController;
    a.message = *std::move(bytes);
    out.actions.push_back(std::move(a));
  }
}

DeviceOutput DeviceEngine::Demand(uint32_t peer_system_ip, absl::Time now) {
  DeviceOutput out;
  Message m;
  m.type = MessageType::kDemand;
  m.peer_system_ip = peer_system_ip;
  if (absl::StatusOr<std::vector<uint8_t>> bytes = EncodeMessage(m);
      bytes.ok()) {
    DeviceAction a;
    a.kind = DeviceAction::Kind::kSendToController;
    a.message = *std::move(bytes);
    out.actions.push_back(std::move(a));
  }
  Finish(now, out);
  return out;
}

DeviceOutput DeviceEngine::OnTimer(absl::Time now) {
  DeviceOutput out;
  if (!started_) return out;
  if (shut_down_) {
    if (!withdraw_pending_.empty() &&
        now - last_withdraw_ >= config_.retransmit_interval) {
      SendWithdrawals(now, out);
    }
    Finish(now, out);
    return out;
  }
  for (auto& local : locals_) {
    if (local->acked_generation != local->current.generation &&
        now - local->last_advertise >= config_.retransmit_interval) {
      Advertise(*local, now, out);
    }
    if (local->previous && now >= local->previous_deadline) {
      ReleasePreviousOwn(*local, now, out);
    }
    if (local->previous_symmetric_generation &&
        now >= local->previous_symmetric_deadline) {
      ReleasePreviousSymmetric(*local, now, out);
    }
    if (now >= local->current.created + config_.security.rekey_interval &&
        !local->rekey_pending) {
      StartRekey(*local, RekeyReason::kTime, false, now, out);
    }
  }
  if (now >= earliest_pair_deadline_) {
    earliest_pair_deadline_ = absl::InfiniteFuture();
    for (auto& [id, peer] : peers_) {
      if (!peer->previous) continue;
      if (now >= peer->previous_deadline) {
        peer->previous.reset();
        peer->previous_deadline = absl::InfiniteFuture();
        for (uint8_t s = 0; s < kMaxSlots; ++s) {
          auto it = pairs_.find(PairKey{s, id});
          if (it == pairs_.end()) continue;
          it->second->peer_floor = peer->current.generation;
          it->second->peer_retire_at = absl::InfiniteFuture();
          SyncPair(*it->second, now, out);
        }
      } else {
        earliest_pair_deadline_ =
            std::min(earliest_pair_deadline_, peer->previous_deadline);
      }
    }
    for (auto& [key, pair] : pairs_) {
      if (now >= pair->own_retire_at) {
        pair->own_retire_at = absl::InfiniteFuture();
        pair->own_floor = locals_[key.slot]->current.generation;
        SyncPair(*pair, now, out);
      }
      if (now >= pair->peer_retire_at) {
        pair->peer_retire_at = absl::InfiniteFuture();
        PeerTloc& peer = *peers_.at(key.remote);
        pair->peer_floor = peer.current.generation;
        SyncPair(*pair, now, out);
        MaybeReleasePreviousPeer(peer);
      }
      if (now >= pair->symmetric_retire_at) {
        pair->symmetric_retire_at = absl::InfiniteFuture();
        if (pair->holds_previous_symmetric) {
          pair->holds_previous_symmetric = false;
          --locals_[key.slot]->pairs_on_previous_symmetric;
          SyncPair(*pair, now, out);
        }
      }
      earliest_pair_deadline_ =
          std::min({earliest_pair_deadline_, pair->own_retire_at,
                    pair->peer_retire_at, pair->symmetric_retire_at});
    }
  }
  Finish(now, out);
  return out;
}

void DeviceEngine::MaybeReleasePreviousPeer(PeerTloc& peer) {
  if (!peer.previous) return;
  for (uint8_t s = 0; s < kMaxSlots; ++s) {
    auto it = pairs_.find(PairKey{s, peer.id});
    if (it != pairs_.end() &&
        it->second->peer_floor <= peer.previous->generation) {
      return;
    }
  }
  peer.previous.reset();
  peer.previous_deadline = absl::InfiniteFuture();
}

void DeviceEngine::Finish(absl::Time now, DeviceOutput& out) {
  if (shut_down_) {
    out.next_timer = withdraw_pending_.empty()
                         ? absl::InfiniteFuture()
                         : last_withdraw_ + config_.retransmit_interval;
    return;
  }
  absl::Time next = earliest_pair_deadline_;
  for (auto& local : locals_) {
    if (local->previous && local->pairs_on_previous == 0) {
      ReleasePreviousOwn(*local, now, out);
    }
    if (local->previous_symmetric_generation &&
        local->pairs_on_previous_symmetric == 0) {
      ReleasePreviousSymmetric(*local, now, out);
    }
    if (local->rekey_pending &&
        !RekeyBlocked(*local, local->rekey_pending_symmetric)) {
      local->rekey_pending = false;
      const bool symmetric = local->rekey_pending_symmetric;
      local->rekey_pending_symmetric = false;
      StartRekey(*local, RekeyReason::kManual, symmetric, now, out);
      if (local->previous && local->pairs_on_previous == 0) {
        ReleasePreviousOwn(*local, now, out);
      }
      if (local->previous_symmetric_generation &&
          local->pairs_on_previous_symmetric == 0) {
        ReleasePreviousSymmetric(*local, now, out);
      }
    }
    if (local->acked_generation != local->current.generation) {
      next =
          std::min(next, local->last_advertise + config_.retransmit_interval);
    }
    next = std::min(
        {next, local->previous_deadline, local->previous_symmetric_deadline});
    // While a rekey converges the next one waits (rekey_pending), so the
    // time trigger is armed only when it can act.
    if (!local->previous && !local->rekey_pending) {
      next = std::min(next,
                      local->current.created + config_.security.rekey_interval);
    }
  }
  out.next_timer = next;
}

bool DeviceEngine::converged() const {
  for (const auto& local : locals_) {
    if (local->previous || local->rekey_pending ||
        local->acked_generation != local->current.generation ||
        local->previous_symmetric_generation) {
      return false;
    }
  }
  for (const auto& [id, peer] : peers_) {
    if (peer->previous) return false;
  }
  for (const auto& [key, pair] : pairs_) {
    if (!pair->has_outbound) return false;
    if (pair->pairwise) {
      if (pair->combos.size() != 1) return false;
      const Combo& c = pair->combos[0];
      if (pair->outbound_spi != c.outbound_spi ||
          pair->out_own != c.own_generation ||
          pair->out_peer != c.peer_generation) {
        return false;
      }
    } else if (pair->symmetric_inbound.size() != 1) {
      return false;
    }
  }
  return true;
}

std::vector<DeviceEngine::PairView> DeviceEngine::Pairs() const {
  std::vector<PairView> views;
  views.reserve(pairs_.size());
  for (const auto& [key, pair] : pairs_) {
    const LocalTloc& local = *locals_[key.slot];
    const PeerTloc& peer = *peers_.at(key.remote);
    PairView v;
    v.slot = key.slot;
    v.local = local.id;
    v.remote = peer.id;
    v.local_transport = local.config.transport;
    v.remote_transport = peer.transport;
    v.pairwise = pair->pairwise;
    auto view_of = [](const Combo& c) {
      return ComboView{c.own_generation,   c.peer_generation,
                       c.inbound_spi,      c.outbound_spi,
                       c.sa_index,         c.shared_secret_hash,
                       c.encrypt_key_hash, c.decrypt_key_hash};
    };
    for (const Combo& c : pair->combos) {
      v.combos.push_back(view_of(c));
      if (pair->has_outbound && c.own_generation == pair->out_own &&
          c.peer_generation == pair->out_peer) {
        v.outbound = view_of(c);
      }
    }
    v.outbound_spi = pair->has_outbound ? pair->outbound_spi : 0;
    v.outbound_sa_index = pair->outbound_sa_index;
    v.peer_public_generation = peer.current.generation;
    v.peer_public_hash = peer.current.public_hash;
    v.peer_nonce_hash = peer.current.nonce_hash;
    v.peer_symmetric_key_hash = peer.symmetric_hash;
    for (const auto& [generation, spi] : pair->symmetric_inbound) {
      v.symmetric_inbound_spis.push_back(spi);
    }
    v.own_symmetric_key_hash = local.symmetric_hash;
    v.symmetric_sa_index = pair->symmetric_sa_index;
    views.push_back(std::move(v));
  }
  std::sort(views.begin(), views.end(),
            [](const PairView& a, const PairView& b) {
              return std::make_pair(a.slot, a.remote) <
                     std::make_pair(b.slot, b.remote);
            });
  return views;
}

size_t DeviceEngine::MaxSaPairsPerPair() const {
  size_t most = 0;
  for (const auto& [key, pair] : pairs_) {
    most = std::max(most, pair->pairwise ? pair->combos.size()
                                         : pair->symmetric_inbound.size());
  }
  return most;
}

std::vector<std::pair<uint8_t, TlocId>> DeviceEngine::PairKeys() const {
  std::vector<std::pair<uint8_t, TlocId>> keys;
  keys.reserve(pairs_.size());
  for (const auto& [key, pair] : pairs_) keys.push_back({key.slot, key.remote});
  return keys;
}

std::vector<DeviceEngine::LocalView> DeviceEngine::Locals() const {
  std::vector<LocalView> views;
  for (const auto& local : locals_) {
    views.push_back(LocalView{
        local->slot, local->id, local->config.transport, local->tloc_index,
        local->current.generation, local->previous.has_value(),
        local->current.public_hash, local->current.nonce_hash,
        local->symmetric_generation, local->symmetric_hash, local->sa_index});
  }
  return views;
}

}  // namespace cygnet::keymgmt::pairwise
