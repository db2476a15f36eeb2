#include "keymgmt/svr/simulation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt::svr {

SvrSimulation::SvrSimulation(Options options)
    : options_(std::move(options)),
      random_(options_.seed),
      now_(options_.start) {}

absl::StatusOr<std::unique_ptr<SvrSimulation>> SvrSimulation::Create(
    Options options, std::vector<RouterSpec> routers, std::vector<Link> links) {
  std::unique_ptr<SvrSimulation> sim(new SvrSimulation(options));
  const absl::Time start = sim->now_;
  // Optional root CA.
  std::optional<crypto::PrivateKey> ca_key;
  std::optional<crypto::Certificate> ca_cert;
  if (options.ca_issued) {
    auto key = crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256,
                                              sim->random_);
    if (!key.ok()) return key.status();
    crypto::CertificateBuilder b;
    b.SetSubjectCommonName("svr-sim-root")
        .SetIsCa(true)
        .SetSerial(1)
        .SetValidity(start - absl::Hours(24 * 400),
                     start + absl::Hours(24 * 3650));
    auto cert = b.SelfSign(*key);
    if (!cert.ok()) return cert.status();
    ca_key = std::move(*key);
    ca_cert = std::move(*cert);
  }
  // Peers from links.
  std::map<std::string, std::vector<PeerSpec>> peers;
  std::map<std::string, const RouterSpec*> specs;
  for (RouterSpec& r : routers) {
    if (r.nodes.empty()) r.nodes.push_back(r.name + "-1");
    specs[r.name] = &r;
  }
  for (const Link& l : links) {
    if (!specs.count(l.a) || !specs.count(l.b)) {
      return absl::InvalidArgumentError(
          absl::StrCat("link ", l.a, "-", l.b, ": unknown router"));
    }
    peers[l.a].push_back({l.b, specs[l.b]->peering_common_name});
    peers[l.b].push_back({l.a, specs[l.a]->peering_common_name});
  }
  uint64_t serial = 100;
  for (const RouterSpec& r : routers) {
    auto& rnd = sim->router_random_[r.name];
    rnd =
        std::make_unique<crypto::DeterministicRandom>(sim->random_.Uniform64());
    absl::StatusOr<RouterIdentity> identity;
    CertificateValidator validator;
    if (options.ca_issued && !r.self_signed) {
      auto key =
          crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, *rnd);
      if (!key.ok()) return key.status();
      crypto::CertificateBuilder b;
      b.SetSubjectCommonName(r.peering_common_name)
          .SetSerial(++serial)
          .SetValidity(start + r.not_before, start + r.not_after);
      auto cert = b.Issue(key->public_key(), *ca_cert, *ca_key);
      if (!cert.ok()) return cert.status();
      sim->serials_[r.name] = serial;
      identity = MakeIdentity(r.peering_common_name, std::move(*key),
                              {std::move(*cert)});
      validator = CertificateValidator({*ca_cert}, {});
    } else {
      if (options.ca_issued) validator = CertificateValidator({*ca_cert}, {});
      identity = GenerateSelfSignedIdentity(
          r.peering_common_name, crypto::KeyType::kEcdsaP256, *rnd,
          start + r.not_before, r.not_after - r.not_before);
    }
    if (!identity.ok()) return identity.status();
    RouterOptions ro;
    ro.router_name = r.name;
    ro.nodes = r.nodes;
    ro.config = options.config;
    ro.peers = peers[r.name];
    ro.metadata_packets = options.metadata_packets;
    ro.max_sessions = options.max_sessions;
    for (size_t i = 1; i < r.nodes.size(); ++i) {
      auto store = RedundantNodeKeyStore::Create(*identity, r.name);
      if (!store.ok()) return store.status();
      sim->redundant_[r.name].emplace(r.nodes[i], std::move(*store));
    }
    sim->identities_.emplace(r.name, *identity);
    sim->router_options_[r.name] = ro;
    sim->validators_[r.name] = validator;
    auto router = SvrRouter::Create(std::move(ro), std::move(*identity),
                                    std::move(validator), *rnd, start);
    if (!router.ok()) return router.status();
    sim->routers_[r.name] = std::move(*router);
  }
  sim->ca_key_ = std::move(ca_key);
  sim->ca_cert_ = std::move(ca_cert);
  // Paths.
  int link_number = 0;
  for (const Link& l : links) {
    ++link_number;
    sim->link_paths_[l.a + "|" + l.b] = static_cast<int>(sim->paths_.size());
    const RouterSpec& a = *specs[l.a];
    const RouterSpec& b = *specs[l.b];
    for (int i = 0; i < l.paths; ++i) {
      PathEnds p;
      p.a = l.a;
      p.b = l.b;
      p.at_a = {l.b, a.nodes[i % a.nodes.size()], absl::StrCat("wan", i),
                absl::StrCat("172.16.", link_number, ".", 2 * i + 2)};
      p.at_b = {l.a, b.nodes[i % b.nodes.size()], absl::StrCat("wan", i),
                absl::StrCat("172.16.", link_number, ".", 2 * i + 1)};
      sim->paths_.push_back(p);
    }
  }
  for (size_t i = 0; i < sim->paths_.size(); ++i) {
    const PathEnds p = sim->paths_[i];
    sim->Apply(p.a, sim->routers_[p.a]->AddPath(p.at_a, start));
    sim->Apply(p.b, sim->routers_[p.b]->AddPath(p.at_b, start));
  }
  return sim;
}

const SvrSimulation::PathEnds* SvrSimulation::FindPath(const std::string& a,
                                                       const std::string& b,
                                                       int index) const {
  auto it = link_paths_.find(a + "|" + b);
  if (it == link_paths_.end()) it = link_paths_.find(b + "|" + a);
  if (it == link_paths_.end()) return nullptr;
  size_t at = static_cast<size_t>(it->second + index);
  if (at >= paths_.size()) return nullptr;
  return &paths_[at];
}

void SvrSimulation::Apply(const std::string& router,
                          std::vector<Action> actions) {
  const std::string t =
      absl::FormatTime("%Y-%m-%d %H:%M:%S", now_, absl::UTCTimeZone());
  for (Action& a : actions) {
    switch (a.kind) {
      case Action::Kind::kSendBfd: {
        // Find the other end.
        for (const PathEnds& p : paths_) {
          const bool from_a = p.a == router && p.at_a == a.path;
          const bool from_b = p.b == router && p.at_b == a.path;
          if (!from_a && !from_b) continue;
          if (p.outage ||
              random_.UniformBelow(1000000) < options_.loss * 1000000) {
            ++lost_;
            break;
          }
          int copies =
              random_.UniformBelow(1000000) < options_.duplicate * 1000000 ? 2
                                                                           : 1;
          for (int c = 0; c < copies; ++c) {
            const int64_t span = absl::ToInt64Microseconds(options_.max_delay -
                                                           options_.min_delay);
            absl::Duration delay =
                options_.min_delay +
                absl::Microseconds(span > 0 ? random_.UniformBelow(span) : 0);
            queue_.push({now_ + delay, ++seq_, from_a ? p.b : p.a,
                         from_a ? p.at_b : p.at_a, a.bytes});
          }
          break;
        }
        break;
      }
      case Action::Kind::kNodeSync: {
        auto& stores = redundant_[router];
        auto it = stores.find(a.node);
        if (it == stores.end()) break;
        auto index = it->second.OnNodeSync(a.bytes);
        if (index.ok()) routers_[router]->OnNodeSyncAck(a.node, *index, now_);
        break;
      }
      case Action::Kind::kPathInService:
      case Action::Kind::kPathOutOfService:
        log_.push_back(absl::StrCat(
            t, " ", router, ": path ", a.path.interface, " to ", a.path.peer,
            a.kind == Action::Kind::kPathInService ? " in service"
                                                   : " out of service (",
            a.kind == Action::Kind::kPathInService ? "" : a.reason,
            a.kind == Action::Kind::kPathInService ? "" : ")"));
        break;
      case Action::Kind::kPeerKeyInstalled:
        log_.push_back(absl::StrCat(t, " ", router, ": peer key ", a.key_id,
                                    " with ", a.peer, " [", a.fingerprint,
                                    "]"));
        break;
      case Action::Kind::kMetadataKeyGenerated:
        log_.push_back(absl::StrCat(t, " ", router, ": metadata key index ",
                                    a.key_id, " [", a.fingerprint, "]"));
        break;
      case Action::Kind::kPeerMetadataKeyInstalled:
        log_.push_back(absl::StrCat(t, " ", router, ": metadata key index ",
                                    a.key_id, " of ", a.peer, " installed"));
        break;
      case Action::Kind::kAlarmRaised:
        alarms_raised_.push_back(a.alarm);
        log_.push_back(absl::StrCat(t, " ", router, ": ALARM ",
                                    AlarmSeverityName(a.alarm.severity), " ",
                                    a.alarm.message));
        break;
      case Action::Kind::kAlarmCleared:
        log_.push_back(
            absl::StrCat(t, " ", router, ": alarm cleared: ", a.alarm.message));
        break;
      case Action::Kind::kPeeringRemoved:
        log_.push_back(absl::StrCat(t, " ", router, ": peering with ", a.peer,
                                    " removed (", a.reason, ")"));
        break;
    }
  }
}

void SvrSimulation::Step(absl::Time until) {
  while (true) {
    absl::Time next = until;
    if (!queue_.empty()) next = std::min(next, queue_.top().at);
    for (auto& [name, r] : routers_) next = std::min(next, r->NextTimer());
    for (const Flow& f : flows_) next = std::min(next, f.next);
    if (next > until) break;
    // Time never goes backwards; an overdue timer runs now.
    now_ = std::max(now_, next);
    if (!queue_.empty() && queue_.top().at <= now_) {
      Delivery d = queue_.top();
      queue_.pop();
      ++delivered_;
      Apply(d.to, routers_[d.to]->OnBfdMetadata(d.path, d.bytes, now_));
      continue;
    }
    bool ran = false;
    for (auto& [name, r] : routers_) {
      if (r->NextTimer() <= now_) {
        Apply(name, r->OnTimer(now_));
        ran = true;
      }
    }
    for (Flow& f : flows_) {
      if (f.next <= now_) {
        RunFlow(f);
        f.next = now_ + f.interval;
        ran = true;
      }
    }
    if (!ran && next == now_ && next == until) break;
    if (!ran) continue;
    // An engine whose timer stays due after running would spin: step time.
    for (auto& [name, r] : routers_) {
      if (r->NextTimer() <= now_) {
        now_ += absl::Milliseconds(1);
        break;
      }
    }
  }
  now_ = std::max(now_, until);
}

void SvrSimulation::RunFor(absl::Duration d) { Step(now_ + d); }

bool SvrSimulation::RunUntilConverged(absl::Duration limit) {
  const absl::Time end = now_ + limit;
  while (now_ < end) {
    if (AllPathsInService()) return true;
    Step(std::min(end, now_ + absl::Seconds(1)));
  }
  return AllPathsInService();
}

absl::Status SvrSimulation::RestartRouter(const std::string& router) {
  auto it = routers_.find(router);
  if (it == routers_.end()) {
    return absl::NotFoundError(absl::StrCat("router '", router, "'"));
  }
  auto fresh = SvrRouter::Create(router_options_.at(router),
                                 identities_.at(router), validators_.at(router),
                                 *router_random_.at(router), now_);
  if (!fresh.ok()) return fresh.status();
  it->second = std::move(*fresh);
  log_.push_back(absl::StrCat(
      absl::FormatTime("%Y-%m-%d %H:%M:%S", now_, absl::UTCTimeZone()), " ",
      router, ": restarted"));
  for (const PathEnds& p : paths_) {
    if (p.a == router) Apply(router, it->second->AddPath(p.at_a, now_));
    if (p.b == router) Apply(router, it->second->AddPath(p.at_b, now_));
  }
  return absl::OkStatus();
}

absl::Status SvrSimulation::Revoke(const std::string& router) {
  if (!ca_key_ || serials_.count(router) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("router '", router, "' has no CA-issued certificate"));
  }
  revoked_.push_back(serials_[router]);
  crypto::CrlBuilder b;
  for (uint64_t serial : revoked_) b.Revoke(serial, now_);
  b.SetUpdateTimes(now_, now_ + absl::Hours(24 * 30));
  auto crl = b.Sign(*ca_cert_, *ca_key_);
  if (!crl.ok()) return crl.status();
  for (auto& [name, r] : routers_) {
    if (name != router) Apply(name, r->SetCrls({*crl}, now_));
  }
  return absl::OkStatus();
}

int SvrSimulation::PathCount() const {
  return static_cast<int>(paths_.size()) * 2;
}

int SvrSimulation::PathsInService() const {
  int n = 0;
  for (const auto& [name, r] : routers_) {
    for (const PeerStatus& p : r->Peers(now_)) {
      for (const PathStatus& s : p.paths) n += s.in_service ? 1 : 0;
    }
  }
  return n;
}

bool SvrSimulation::AllPathsInService() const {
  return PathsInService() == PathCount();
}

void SvrSimulation::SetPathOutage(const std::string& a, const std::string& b,
                                  int index, bool down) {
  const PathEnds* p = FindPath(a, b, index);
  if (p != nullptr) const_cast<PathEnds*>(p)->outage = down;
}

void SvrSimulation::SetInterface(const std::string& a, const std::string& b,
                                 int index, bool up) {
  const PathEnds* p = FindPath(a, b, index);
  if (p == nullptr) return;
  const PathEnds copy = *p;
  Apply(copy.a, routers_[copy.a]->SetInterfaceState(copy.at_a, up, now_));
  Apply(copy.b, routers_[copy.b]->SetInterfaceState(copy.at_b, up, now_));
}

int SvrSimulation::AddFlow(std::vector<std::string> route,
                           absl::Duration interval,
                           absl::Duration session_lifetime) {
  Flow f;
  f.route = std::move(route);
  f.interval = interval;
  f.lifetime = session_lifetime;
  f.next = now_;
  flows_.push_back(std::move(f));
  return static_cast<int>(flows_.size()) - 1;
}

void SvrSimulation::ResetFlowStats() {
  for (Flow& f : flows_) f.stats = FlowStats{};
}

void SvrSimulation::RunFlow(Flow& f) {
  // Only send when every hop has a path in service, as SVR path selection
  // would.
  for (size_t i = 0; i + 1 < f.route.size(); ++i) {
    if (!routers_[f.route[i]]->PeerInService(f.route[i + 1]) ||
        !routers_[f.route[i + 1]]->PeerInService(f.route[i])) {
      ++f.stats.skipped;
      return;
    }
  }
  SvrRouter& origin = *routers_[f.route[0]];
  if (f.session == 0 || now_ - f.session_started >= f.lifetime) {
    if (f.session != 0) origin.CloseSession(f.session);
    std::string md = absl::StrCat(
        "flow ", f.route.front(), "->", f.route.back(),
        " tcp 10.0.0.1:", 1000 + f.stats.sessions, " -> 10.9.9.9:443");
    auto id = origin.OpenSession(
        f.route[1], std::vector<uint8_t>(md.begin(), md.end()), now_);
    if (!id.ok()) {
      ++f.stats.skipped;
      f.stats.last_error = std::string(id.status().message());
      f.session = 0;
      return;
    }
    f.session = *id;
    f.session_started = now_;
    ++f.stats.sessions;
  }
  std::string payload = absl::StrCat("payload ", ++f.counter);
  auto bytes = origin.SendPacket(
      f.session, std::vector<uint8_t>(payload.begin(), payload.end()), now_);
  ++f.stats.sent;
  if (!bytes.ok()) {
    ++f.stats.failed;
    f.stats.last_error = std::string(bytes.status().message());
    return;
  }
  std::vector<uint8_t> packet = std::move(*bytes);
  for (size_t i = 1; i + 1 < f.route.size(); ++i) {
    auto next = routers_[f.route[i]]->ForwardPacket(
        f.route[i - 1], f.route[i + 1], packet, now_);
    if (!next.ok()) {
      ++f.stats.failed;
      f.stats.last_error =
          absl::StrCat(f.route[i], ": ", next.status().message());
      return;
    }
    packet = std::move(*next);
  }
  auto received = routers_[f.route.back()]->ReceivePacket(
      f.route[f.route.size() - 2], packet, now_);
  if (!received.ok() ||
      received->payload !=
          std::vector<uint8_t>(payload.begin(), payload.end())) {
    ++f.stats.failed;
    f.stats.last_error = absl::StrCat(
        f.route.back(), ": ",
        received.ok() ? "payload mismatch" : received.status().message());
    return;
  }
  ++f.stats.delivered;
}

uint32_t SvrSimulation::redundant_index(const std::string& router,
                                        const std::string& node) const {
  auto it = redundant_.find(router);
  if (it == redundant_.end()) return 0;
  auto n = it->second.find(node);
  return n == it->second.end() ? 0 : n->second.index();
}

}  // namespace cygnet::keymgmt::svr
