#include "keymgmt/pairwise/simulation.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crypto/random.h"
#include "ipsec/esp.h"
#include "ipsec/sa_database.h"
#include "keymgmt/pairwise/controller.h"
#include "keymgmt/pairwise/device.h"
#include "keymgmt/pairwise/sad_applier.h"
#include "keymgmt/pairwise/show.h"

namespace cygnet::keymgmt::pairwise {
namespace {

constexpr Color kColors[] = {Color::kLte,         Color::kBlue, Color::kMpls,
                             Color::kBizInternet, Color::kGold, Color::kSilver,
                             Color::kBronze,      Color::kGreen};
constexpr size_t kPayloadSize = 48;

struct Endpoint {
  int device;
  uint8_t slot;
  TlocId id;
  uint32_t site;
  TransportEndpoint transport;
};

// (sender device, sender slot, receiver TLOC) -- one direction of a pair.
using Direction = std::tuple<int, uint8_t, TlocId>;

class Simulator {
 public:
  explicit Simulator(const SimulationOptions& options)
      : options_(options), random_(options.seed) {}

  SimulationReport Run();

 private:
  enum class Kind { kToController, kToDevice, kDeviceTimer, kControllerTimer };
  struct Ev {
    absl::Time at;
    uint64_t seq;
    Kind kind;
    int node;
    std::vector<uint8_t> bytes;
  };
  struct Later {
    bool operator()(const Ev& a, const Ev& b) const {
      return std::tie(a.at, a.seq) > std::tie(b.at, b.seq);
    }
  };
  struct Node {
    DeviceConfig config;
    std::unique_ptr<DeviceEngine> engine;
    std::unique_ptr<ipsec::SaDatabase> sad;
    std::unique_ptr<SadApplier> applier;
    absl::Time timer = absl::InfiniteFuture();
  };

  double Uniform() {
    return static_cast<double>(random_.UniformBelow(1u << 30)) / (1u << 30);
  }
  void Push(absl::Time at, Kind kind, int node, std::vector<uint8_t> bytes) {
    queue_.push(Ev{at, seq_++, kind, node, std::move(bytes)});
  }
  void SendControl(Kind kind, int node, const std::vector<uint8_t>& bytes) {
    ++report_.control_sent;
    if (Uniform() < options_.loss) {
      ++report_.control_dropped;
      return;
    }
    const int copies = Uniform() < options_.duplication ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      const double span =
          absl::ToDoubleSeconds(options_.max_delay - options_.min_delay);
      Push(now_ + options_.min_delay + absl::Seconds(span * Uniform()), kind,
           node, bytes);
    }
  }
  void ApplyDevice(int n, DeviceOutput out) {
    Node& node = nodes_[n];
    for (DeviceAction& a : out.actions) {
      if (a.kind == DeviceAction::Kind::kSendToController) {
        SendControl(Kind::kToController, n, a.message);
        continue;
      }
      absl::Status s = node.applier->Apply(a, now_);
      if (!s.ok()) {
        if (report_.sad_apply_errors++ == 0) {
          report_.first_apply_error =
              absl::StrCat("device ", n, ": ", s.message());
        }
      }
    }
    if (out.next_timer != node.timer) {
      node.timer = out.next_timer;
      if (node.timer != absl::InfiniteFuture()) {
        Push(std::max(node.timer, now_), Kind::kDeviceTimer, n, {});
      }
    }
  }
  void ApplyController(ControllerOutput out) {
    for (ControllerSend& s : out.sends) {
      SendControl(Kind::kToDevice, device_of_ip_.at(s.to_system_ip), s.bytes);
    }
    if (out.next_timer != controller_timer_) {
      controller_timer_ = out.next_timer;
      if (controller_timer_ != absl::InfiniteFuture()) {
        Push(std::max(controller_timer_, now_), Kind::kControllerTimer, -1, {});
      }
    }
  }
  void Dispatch(Ev& e) {
    switch (e.kind) {
      case Kind::kToController:
        ApplyController(controller_.OnMessage(nodes_[e.node].config.system_ip,
                                              e.bytes, now_));
        break;
      case Kind::kToDevice:
        ApplyDevice(e.node,
                    nodes_[e.node].engine->OnControllerMessage(e.bytes, now_));
        break;
      case Kind::kDeviceTimer:
        if (nodes_[e.node].timer == e.at ||
            (e.at == now_ && nodes_[e.node].timer <= now_)) {
          nodes_[e.node].timer = absl::InfiniteFuture();
          ApplyDevice(e.node, nodes_[e.node].engine->OnTimer(now_));
        }
        break;
      case Kind::kControllerTimer:
        if (controller_timer_ <= now_) {
          controller_timer_ = absl::InfiniteFuture();
          ApplyController(controller_.OnTimer(now_));
        }
        break;
    }
  }

  bool IsAuthorized(const Policy& policy, const Endpoint& a,
                    const Endpoint& b) const {
    return Authorized(policy, PolicyEndpoint{a.id, a.site},
                      PolicyEndpoint{b.id, b.site}, false);
  }
  void ComputeAuthorized(const Policy& policy) {
    directions_.clear();
    for (const Endpoint& a : endpoints_) {
      for (const Endpoint& b : endpoints_) {
        if (IsAuthorized(policy, a, b)) {
          directions_.push_back({a.device, a.slot, b.id});
          ever_authorized_.insert({a.device, a.slot, b.id});
        }
      }
    }
  }
  const Endpoint& EndpointOf(const TlocId& id) const {
    return endpoints_[endpoint_index_.at(id)];
  }

  void SendPacket(const Direction& d, PhaseTraffic& stats);
  void DataTick(PhaseTraffic& stats);
  bool Converged() const {
    if (controller_.pending_count() != 0) return false;
    for (const Node& n : nodes_) {
      if (!n.engine->converged()) return false;
    }
    return true;
  }
  // Runs until `end`, or until converged when `stop_when_converged`.
  bool RunUntil(absl::Time end, PhaseTraffic& stats, bool stop_when_converged);

  const SimulationOptions& options_;
  crypto::DeterministicRandom random_;
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  uint64_t seq_ = 0;
  std::priority_queue<Ev, std::vector<Ev>, Later> queue_;
  std::vector<Node> nodes_;
  ControllerEngine controller_;
  absl::Time controller_timer_ = absl::InfiniteFuture();
  absl::flat_hash_map<uint32_t, int> device_of_ip_;
  std::vector<Endpoint> endpoints_;
  absl::flat_hash_map<TlocId, size_t> endpoint_index_;
  std::vector<Direction> directions_;
  std::set<Direction> ever_authorized_;
  std::vector<std::pair<absl::Time, int>> commands_;  // manual rekeys
  size_t next_command_ = 0;
  absl::Time next_tick_;
  uint64_t packet_counter_ = 0;
  SimulationReport report_;
};

void Simulator::SendPacket(const Direction& d, PhaseTraffic& stats) {
  const auto& [sender, slot, receiver_id] = d;
  const Endpoint& receiver = EndpointOf(receiver_id);
  Node& from = nodes_[sender];
  Node& to = nodes_[receiver.device];
  ++stats.sent;
  const uint64_t policy = PairPolicyId(slot, receiver_id);
  std::shared_ptr<ipsec::SecurityAssociation> out =
      from.sad->LookupOutbound(policy);
  if (out == nullptr) {
    ++stats.dropped.no_outbound_sa;
    return;
  }
  uint8_t storage[ipsec::kMaxEncapsulationHeadroom + kPayloadSize +
                  ipsec::kMaxEncapsulationTailroom];
  ipsec::PacketBuffer packet{absl::MakeSpan(storage),
                             ipsec::kMaxEncapsulationHeadroom, kPayloadSize};
  uint8_t expected[kPayloadSize];
  const uint64_t id = ++packet_counter_;
  for (size_t i = 0; i < kPayloadSize; ++i) {
    expected[i] =
        static_cast<uint8_t>(id >> (8 * (i % 8))) ^ static_cast<uint8_t>(i);
  }
  std::copy(expected, expected + kPayloadSize, packet.data());
  if (absl::Status s = ipsec::EspSeal(*out, 17, packet, random_); !s.ok()) {
    ++stats.dropped.other;
    return;
  }
  if (out->TakeEvents().rekey) {
    ApplyDevice(sender, from.engine->OnOutboundSaRekeyEvent(policy, now_));
  }
  uint32_t spi = 0;
  uint32_t sequence = 0;
  if (!ipsec::ReadEspHeader(packet.span(), &spi, &sequence).ok()) {
    ++stats.dropped.other;
    return;
  }
  std::shared_ptr<ipsec::SecurityAssociation> in =
      to.sad->LookupInbound(spi, receiver.transport.address);
  if (in == nullptr) {
    ++stats.dropped.unknown_spi;
    return;
  }
  uint8_t next_header = 0;
  absl::Status s = ipsec::EspOpen(*in, packet, &next_header);
  if (!s.ok()) {
    if (absl::IsPermissionDenied(s)) {
      ++stats.dropped.integrity;
    } else if (absl::IsAlreadyExists(s) || absl::IsOutOfRange(s)) {
      ++stats.dropped.replay;
    } else {
      ++stats.dropped.other;
    }
    return;
  }
  if (packet.length != kPayloadSize ||
      !std::equal(expected, expected + kPayloadSize, packet.data())) {
    ++stats.dropped.other;
    return;
  }
  ++stats.decrypted;
  ApplyDevice(receiver.device, to.engine->OnInboundPacket(spi, now_));
  if (in->TakeEvents().rekey) {
    ApplyDevice(receiver.device, to.engine->OnInboundSaRekeyEvent(spi, now_));
  }
}

void Simulator::DataTick(PhaseTraffic& stats) {
  for (const Direction& d : directions_) SendPacket(d, stats);
  for (size_t n = 0; n < nodes_.size(); ++n) {
    report_.max_sa_pairs_per_tloc_pair =
        std::max(report_.max_sa_pairs_per_tloc_pair,
                 nodes_[n].engine->MaxSaPairsPerPair());
    for (const auto& [slot, remote] : nodes_[n].engine->PairKeys()) {
      if (!ever_authorized_.count({static_cast<int>(n), slot, remote})) {
        ++report_.unauthorized_pairs_seen;
      }
    }
  }
}

bool Simulator::RunUntil(absl::Time end, PhaseTraffic& stats,
                         bool stop_when_converged) {
  while (true) {
    const absl::Time event_at =
        queue_.empty() ? absl::InfiniteFuture() : queue_.top().at;
    const absl::Time command_at = next_command_ < commands_.size()
                                      ? commands_[next_command_].first
                                      : absl::InfiniteFuture();
    const absl::Time at = std::min({event_at, command_at, next_tick_});
    if (at > end) {
      now_ = end;
      return stop_when_converged ? Converged() : true;
    }
    now_ = at;
    if (at == next_tick_) {
      next_tick_ += options_.data_interval;
      DataTick(stats);
      if (stop_when_converged && Converged()) return true;
    } else if (at == command_at) {
      const int n = commands_[next_command_++].second;
      ApplyDevice(n, nodes_[n].engine->Rekey(std::nullopt, now_));
    } else {
      Ev e = queue_.top();
      queue_.pop();
      Dispatch(e);
    }
  }
}

SimulationReport Simulator::Run() {
  const int devices = std::max(2, options_.devices);
  const int tlocs = std::clamp(options_.tlocs, 1, 8);
  Policy policy;
  policy.restrict_color = options_.restrict_color;
  controller_ = ControllerEngine();
  ApplyController(controller_.SetPolicy(policy, now_));
  for (int d = 0; d < devices; ++d) {
    Node node;
    node.config.system_ip = 0x0a010000u + static_cast<uint32_t>(d) + 1;
    node.config.site_id = 100 + static_cast<uint32_t>(d);
    node.config.security.pairwise_keying =
        d < devices - options_.non_pairwise_devices;
    node.config.security.pwk_sym_rekey = options_.pwk_sym_rekey;
    node.config.security.rekey_interval = options_.rekey_interval;
    node.config.sequence_soft_limit = options_.sequence_soft_limit;
    node.config.sa_mode = ipsec::SaMode::kTransport;
    for (int t = 0; t < tlocs; ++t) {
      DeviceTlocConfig tloc;
      tloc.color = kColors[t];
      tloc.transport.address =
          ipsec::IpAddress::V4(0x64400000u + (static_cast<uint32_t>(d) << 8) +
                               static_cast<uint32_t>(t) + 1);
      tloc.transport.port = 12346;
      node.config.tlocs.push_back(tloc);
      Endpoint e{
          d, static_cast<uint8_t>(t),
          TlocId{node.config.system_ip, tloc.color, Encapsulation::kIpsec},
          node.config.site_id, tloc.transport};
      endpoint_index_[e.id] = endpoints_.size();
      endpoints_.push_back(e);
    }
    node.engine = std::make_unique<DeviceEngine>(node.config, random_);
    node.sad = std::make_unique<ipsec::SaDatabase>();
    node.applier = std::make_unique<SadApplier>(*node.sad, node.config.sa_mode);
    device_of_ip_[node.config.system_ip] = d;
    nodes_.push_back(std::move(node));
  }
  ComputeAuthorized(policy);

  // Phase 1: bootstrap.
  const absl::Time start = now_;
  next_tick_ = now_ + options_.data_interval;
  for (int d = 0; d < devices; ++d) {
    ApplyController(controller_.ConnectDevice(nodes_[d].config.system_ip,
                                              nodes_[d].config.site_id, now_));
    absl::StatusOr<DeviceOutput> out = nodes_[d].engine->Start(now_);
    if (out.ok()) ApplyDevice(d, *std::move(out));
  }
  report_.bootstrap_converged =
      RunUntil(now_ + options_.settle_limit, report_.bootstrap, true);
  report_.bootstrap_time = now_ - start;

  // Phase 2: steady traffic with rekeys.
  const absl::Time steady_start = now_;
  for (int i = 0; i < options_.rekeys; ++i) {
    const absl::Time at =
        steady_start +
        absl::Seconds(absl::ToDoubleSeconds(options_.steady_duration) * 0.8 *
                      Uniform());
    const int a = static_cast<int>(random_.UniformBelow(devices));
    commands_.push_back({at, a});
    if (i % 3 == 2) {
      commands_.push_back(
          {at, static_cast<int>((a + 1 + random_.UniformBelow(devices - 1)) %
                                devices)});
    }
  }
  std::stable_sort(
      commands_.begin(), commands_.end(),
      [](const auto& x, const auto& y) { return x.first < y.first; });
  RunUntil(steady_start + options_.steady_duration, report_.steady, false);
  report_.steady_converged =
      RunUntil(now_ + options_.settle_limit, report_.steady, true);

  // Phase 3: policy change.
  Policy second;
  if (options_.second_policy) {
    second = *options_.second_policy;
  } else {
    second.topology = Topology::kHubAndSpoke;
    second.hub_sites = {nodes_[0].config.site_id};
    second.restrict_color = options_.restrict_color;
  }
  ComputeAuthorized(second);
  ApplyController(controller_.SetPolicy(second, now_));
  report_.policy_converged =
      RunUntil(now_ + options_.settle_limit, report_.after_policy, true);
  std::set<Direction> authorized(directions_.begin(), directions_.end());
  for (size_t n = 0; n < nodes_.size(); ++n) {
    std::set<Direction> held;
    for (const auto& [slot, remote] : nodes_[n].engine->PairKeys()) {
      held.insert({static_cast<int>(n), slot, remote});
      if (!authorized.count({static_cast<int>(n), slot, remote})) {
        ++report_.revoked_pairs_with_keys;
      }
    }
    for (const Direction& d : directions_) {
      if (std::get<0>(d) == static_cast<int>(n) && !held.count(d)) {
        ++report_.authorized_pairs_without_keys;
      }
    }
  }
  // Phase 4: traffic on the new policy.
  report_.after_policy = PhaseTraffic();
  RunUntil(now_ + absl::Seconds(120), report_.after_policy, false);

  for (const Node& n : nodes_) {
    const DeviceCounters& c = n.engine->counters();
    report_.rekeys_started += c.rekeys_started;
    report_.rekeys_completed += c.rekeys_completed;
    report_.rekeys_deferred += c.rekeys_deferred;
    report_.outbound_switches += c.outbound_switches;
    report_.device_malformed += c.malformed;
    report_.pairs += n.engine->pair_count();
    report_.sad_inbound += n.sad->inbound_size();
    report_.sad_outbound += n.sad->outbound_size();
  }
  report_.controller_malformed = controller_.counters().malformed;
  const DeviceEngine& d0 = *nodes_[0].engine;
  report_.device0_show = absl::StrCat(
      "Device# show sdwan ipsec pwk outbound-connections\n",
      ShowPwkOutboundConnections(d0),
      "\nDevice# show sdwan ipsec pwk inbound-connections\n",
      ShowPwkInboundConnections(d0),
      "\nDevice# show sdwan ipsec pwk local-sa\n", ShowPwkLocalSa(d0),
      "\nDevice# show sdwan security-info\n", ShowSecurityInfo(d0));
  return report_;
}

std::string Traffic(absl::string_view name, const PhaseTraffic& t) {
  return absl::StrFormat(
      "  %-13s sent %8d  decrypted %8d  dropped %6d (no outbound SA %d, "
      "unknown SPI %d, integrity %d, replay %d, other %d)\n",
      name, t.sent, t.decrypted, t.dropped.total(), t.dropped.no_outbound_sa,
      t.dropped.unknown_spi, t.dropped.integrity, t.dropped.replay,
      t.dropped.other);
}

}  // namespace

SimulationReport RunSimulation(const SimulationOptions& options) {
  Simulator simulator(options);
  return simulator.Run();
}

std::string FormatReport(const SimulationOptions& o,
                         const SimulationReport& r) {
  std::string s = absl::StrFormat(
      "pairwise simulation: %d devices (%d without pairwise keys), %d TLOCs "
      "each, loss %.2f, seed %d\n",
      o.devices, o.non_pairwise_devices, o.tlocs, o.loss, o.seed);
  absl::StrAppendFormat(
      &s,
      "converged: bootstrap %s (%s), after rekeys %s, after policy change "
      "%s\n",
      r.bootstrap_converged ? "yes" : "NO",
      absl::FormatDuration(r.bootstrap_time), r.steady_converged ? "yes" : "NO",
      r.policy_converged ? "yes" : "NO");
  absl::StrAppendFormat(&s,
                        "pairs with keys (both ends counted): %d; SAs "
                        "installed: %d inbound, %d outbound\n",
                        r.pairs, r.sad_inbound, r.sad_outbound);
  s += "packets:\n";
  s += Traffic("bootstrap", r.bootstrap);
  s += Traffic("steady+rekey", r.steady);
  s += Traffic("new policy", r.after_policy);
  absl::StrAppendFormat(
      &s,
      "rekeys: started %d, completed %d, deferred %d; outbound switches %d\n",
      r.rekeys_started, r.rekeys_completed, r.rekeys_deferred,
      r.outbound_switches);
  absl::StrAppendFormat(
      &s,
      "max SA pairs per TLOC pair: %d; unauthorized pairs seen: %d; revoked "
      "pairs still keyed: %d; authorized pairs without keys: %d\n",
      r.max_sa_pairs_per_tloc_pair, r.unauthorized_pairs_seen,
      r.revoked_pairs_with_keys, r.authorized_pairs_without_keys);
  absl::StrAppendFormat(&s,
                        "control messages: %d sent, %d dropped; SAD errors: "
                        "%d %s\n",
                        r.control_sent, r.control_dropped, r.sad_apply_errors,
                        r.first_apply_error);
  return s;
}

}  // namespace cygnet::keymgmt::pairwise
