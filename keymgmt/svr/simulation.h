// SvrSimulation: a deterministic discrete-event network of SvrRouter engines
// for tests and the svr_sim example.
//
// The simulation is the integrator: it owns the clock, delivers BFD metadata
// over simulated paths with loss, duplication and random delay (hence
// reordering), all drawn from a seeded DeterministicRandom, carries NODE_SYNC
// to each redundant node's RedundantNodeKeyStore, and drives session traffic
// (origin SendPacket, each hub ForwardPacket, destination ReceivePacket)
// without loss so that any payload failure is a key-management failure.
// Identities are self-signed or issued by a simulated root CA.
#ifndef CYGNET_KEYMGMT_SVR_SIMULATION_H_
#define CYGNET_KEYMGMT_SVR_SIMULATION_H_

#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "keymgmt/svr/router.h"

namespace cygnet::keymgmt::svr {

class SvrSimulation {
 public:
  struct RouterSpec {
    std::string name;
    std::string peering_common_name;
    std::vector<std::string> nodes;  // default: {name + "-1"}
    // Certificate validity window relative to the simulation start.
    absl::Duration not_before = -absl::Hours(24);
    absl::Duration not_after = absl::Hours(24 * 365);
    // In a CA-issued simulation, this router's certificate is self-signed
    // anyway (a peer it cannot authenticate).
    bool self_signed = false;
  };
  static RouterSpec Router(std::string name, std::string peering_common_name,
                           std::vector<std::string> nodes = {}) {
    RouterSpec r;
    r.name = std::move(name);
    r.peering_common_name = std::move(peering_common_name);
    r.nodes = std::move(nodes);
    return r;
  }
  struct Link {
    std::string a, b;
    int paths = 1;
  };
  struct Options {
    uint64_t seed = 1;
    double loss = 0.0;       // per BFD message
    double duplicate = 0.0;  // per BFD message
    absl::Duration min_delay = absl::Milliseconds(5);
    absl::Duration max_delay = absl::Milliseconds(60);
    SecurityKeyManagementConfig config;
    bool ca_issued = false;       // else self-signed, no trusted CA list
    int metadata_packets = 1;     // RouterOptions::metadata_packets
    size_t max_sessions = 65536;  // RouterOptions::max_sessions
    absl::Time start = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  };
  struct FlowStats {
    uint64_t sessions = 0;
    uint64_t sent = 0;
    uint64_t delivered = 0;
    uint64_t failed = 0;   // sent but rejected somewhere: must stay 0
    uint64_t skipped = 0;  // not sent: a hop had no path in service
    std::string last_error;
  };

  static absl::StatusOr<std::unique_ptr<SvrSimulation>> Create(
      Options options, std::vector<RouterSpec> routers,
      std::vector<Link> links);

  absl::Time now() const { return now_; }
  SvrRouter& router(const std::string& name) { return *routers_.at(name); }
  void RunFor(absl::Duration d);
  // Runs until every path is in service or `limit` passes; true if reached.
  bool RunUntilConverged(absl::Duration limit);
  bool AllPathsInService() const;
  int PathsInService() const;
  int PathCount() const;

  // Silently drops every BFD message on path `index` of the link (both
  // directions) while `down`: the routers notice only by timeouts.
  void SetPathOutage(const std::string& a, const std::string& b, int index,
                     bool down);
  // Interface state change on both ends of path `index`.
  void SetInterface(const std::string& a, const std::string& b, int index,
                    bool up);
  void SetLoss(double loss) { options_.loss = loss; }
  // Replaces `router`'s engine by a fresh one with the same identity and
  // configuration (a reboot: every key and salt is new), re-adding its paths.
  absl::Status RestartRouter(const std::string& router);
  // CA-issued simulations: the root CA revokes `router`'s certificate and
  // every other router receives the new CRL (SvrRouter::SetCrls).
  absl::Status Revoke(const std::string& router);
  // Feeds actions from a command issued on `router` (e.g. regenerate).
  void Apply(const std::string& router, std::vector<Action> actions);

  // A flow along `route` (origin, hubs..., destination) sending one packet
  // every `interval`, opening a new session every `session_lifetime`.
  int AddFlow(std::vector<std::string> route, absl::Duration interval,
              absl::Duration session_lifetime);
  const FlowStats& flow(int id) const { return flows_[id].stats; }
  void ResetFlowStats();

  const std::vector<std::string>& log() const { return log_; }
  const std::vector<Alarm>& alarms_raised() const { return alarms_raised_; }
  uint64_t messages_delivered() const { return delivered_; }
  uint64_t messages_lost() const { return lost_; }
  uint32_t redundant_index(const std::string& router,
                           const std::string& node) const;

 private:
  struct Delivery {
    absl::Time at;
    uint64_t seq;
    std::string to;
    PathId path;
    std::vector<uint8_t> bytes;
    bool operator>(const Delivery& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };
  struct PathEnds {
    std::string a, b;
    PathId at_a, at_b;
    bool outage = false;
  };
  struct Flow {
    std::vector<std::string> route;
    absl::Duration interval;
    absl::Duration lifetime;
    absl::Time next;
    absl::Time session_started;
    uint32_t session = 0;
    uint64_t counter = 0;
    FlowStats stats;
  };

  explicit SvrSimulation(Options options);
  void Step(absl::Time until);
  void RunFlow(Flow& flow);
  const PathEnds* FindPath(const std::string& a, const std::string& b,
                           int index) const;

  Options options_;
  crypto::DeterministicRandom random_;
  absl::Time now_;
  std::map<std::string, std::unique_ptr<crypto::DeterministicRandom>>
      router_random_;
  std::map<std::string, std::unique_ptr<SvrRouter>> routers_;
  std::map<std::string, std::map<std::string, RedundantNodeKeyStore>>
      redundant_;
  std::vector<PathEnds> paths_;
  std::map<std::string, RouterIdentity> identities_;
  std::map<std::string, RouterOptions> router_options_;
  std::map<std::string, CertificateValidator> validators_;
  std::optional<crypto::PrivateKey> ca_key_;
  std::optional<crypto::Certificate> ca_cert_;
  std::map<std::string, uint64_t> serials_;
  std::vector<uint64_t> revoked_;
  std::map<std::string, int> link_paths_;  // "a|b" -> first index
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<Delivery>>
      queue_;
  uint64_t seq_ = 0;
  std::vector<Flow> flows_;
  std::vector<std::string> log_;
  std::vector<Alarm> alarms_raised_;
  uint64_t delivered_ = 0;
  uint64_t lost_ = 0;
};

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_SIMULATION_H_
