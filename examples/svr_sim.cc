// svr_sim: runs the deterministic SVR enhanced-security key-management
// simulation (keymgmt/svr/simulation.h) on a hub-and-spoke network with a
// redundant hub and a spoke-to-spoke flow through the hub, over lossy BFD,
// through peer-key, metadata-key and payload-key rotations and an operator
// `security metadata-key regenerate`, then prints a summary and the hub's
// show outputs.
//
//   svr_sim [--seed=N] [--hours=H] [--loss=0.2]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "keymgmt/svr/alarms.h"
#include "keymgmt/svr/config.h"
#include "keymgmt/svr/show.h"
#include "keymgmt/svr/simulation.h"

namespace {

using cygnet::keymgmt::svr::ParseAuthorityConfig;
using cygnet::keymgmt::svr::SvrSimulation;

// The authority configuration the conductor would push (seed 004 syntax);
// short intervals so that a few simulated hours show several rotations.
constexpr char kConfig[] = R"(config
authority
enhanced-security-key-management true
security-key-management
key-exchange-algorithm ecdh-p384
payload-key-rekey-interval 1
peer-key-rekey-interval 1
peer-key-retransmit-interval 5
peer-key-timeout 120
invalid-certificate-behavior fail-soft
exit
router hub
peering-common-name hub-alias
neighborhood wan
node hub-1
exit
node hub-2
exit
router spoke1
peering-common-name spoke1-alias
neighborhood wan
router spoke2
peering-common-name spoke2-alias
neighborhood wan
)";

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 7;
  double hours = 3;
  double loss = 0.2;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool ok = true;
    if (absl::StartsWith(a, "--seed=")) {
      ok = absl::SimpleAtoi(a.substr(7), &seed);
    } else if (absl::StartsWith(a, "--hours=")) {
      ok = absl::SimpleAtod(a.substr(8), &hours) && hours > 0 && hours < 1000;
    } else if (absl::StartsWith(a, "--loss=")) {
      ok = absl::SimpleAtod(a.substr(7), &loss) && loss >= 0 && loss < 0.9;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr,
                   "usage: svr_sim [--seed=N] [--hours=H] [--loss=P]\n");
      return 2;
    }
  }
  auto config = ParseAuthorityConfig(kConfig);
  if (!config.ok()) {
    std::fprintf(stderr, "config: %s\n", config.status().ToString().c_str());
    return 1;
  }
  SvrSimulation::Options options;
  options.seed = seed;
  options.loss = loss;
  options.duplicate = 0.05;
  options.config = config->security_key_management;
  std::vector<SvrSimulation::RouterSpec> routers;
  for (const auto& r : config->routers) {
    std::vector<std::string> nodes;
    for (const auto& n : r.nodes) nodes.push_back(n.name);
    routers.push_back(
        SvrSimulation::Router(r.name, r.peering_common_name, nodes));
  }
  auto sim = SvrSimulation::Create(
      options, routers, {{"hub", "spoke1", 2}, {"hub", "spoke2", 2}});
  if (!sim.ok()) {
    std::fprintf(stderr, "simulation: %s\n", sim.status().ToString().c_str());
    return 1;
  }
  SvrSimulation& s = **sim;
  const absl::Time start = s.now();
  const bool converged = s.RunUntilConverged(absl::Minutes(10));
  const absl::Duration convergence = s.now() - start;
  int f1 = s.AddFlow({"spoke1", "hub"}, absl::Seconds(10), absl::Minutes(20));
  int f2 = s.AddFlow({"hub", "spoke2"}, absl::Seconds(10), absl::Minutes(20));
  int f3 =
      s.AddFlow({"spoke1", "hub", "spoke2"}, absl::Seconds(10), absl::Hours(2));
  const absl::Duration total =
      absl::Seconds(static_cast<int64_t>(hours * 3600));
  s.RunFor(total / 2);
  s.Apply("hub", s.router("hub").RegenerateMetadataKey(s.now()));
  s.RunFor(total - total / 2);

  std::printf("=== svr_sim summary (seed %llu, BFD loss %.0f%%, %.1f h) ===\n",
              static_cast<unsigned long long>(seed), loss * 100, hours);
  std::printf("converged: %s after %s\n", converged ? "yes" : "NO",
              absl::FormatDuration(convergence).c_str());
  std::printf("paths in service: %d of %d\n", s.PathsInService(),
              s.PathCount());
  std::printf("BFD messages delivered %llu, lost %llu\n",
              static_cast<unsigned long long>(s.messages_delivered()),
              static_cast<unsigned long long>(s.messages_lost()));
  for (const auto& p : s.router("hub").Peers(s.now())) {
    std::printf("hub <-> %s: peer keys %llu, peer metadata index %u\n",
                p.name.c_str(),
                static_cast<unsigned long long>(p.peer_rekey_count),
                p.remote_metadata_index);
  }
  std::printf("hub metadata key index %u, redundant hub-2 synced to %u\n",
              s.router("hub").metadata_key_index(),
              s.redundant_index("hub", "hub-2"));
  uint64_t failed = 0;
  const char* names[] = {"spoke1->hub", "hub->spoke2", "spoke1->hub->spoke2"};
  int ids[] = {f1, f2, f3};
  for (int i = 0; i < 3; ++i) {
    const auto& st = s.flow(ids[i]);
    failed += st.failed;
    std::printf(
        "flow %-22s sessions %4llu sent %6llu delivered %6llu failed %llu "
        "skipped %llu\n",
        names[i], static_cast<unsigned long long>(st.sessions),
        static_cast<unsigned long long>(st.sent),
        static_cast<unsigned long long>(st.delivered),
        static_cast<unsigned long long>(st.failed),
        static_cast<unsigned long long>(st.skipped));
  }
  std::printf("\n--- last events ---\n");
  const auto& log = s.log();
  for (size_t i = log.size() > 12 ? log.size() - 12 : 0; i < log.size(); ++i) {
    std::printf("%s\n", log[i].c_str());
  }
  const absl::Time now = s.now();
  auto& hub = s.router("hub");
  std::printf("\nadmin@hub-1.hub# show security key-status\n%s",
              cygnet::keymgmt::svr::ShowSecurityKeyStatus(hub, now).c_str());
  std::printf("\nadmin@hub-1.hub# show peers security\n%s",
              cygnet::keymgmt::svr::ShowPeersSecurity(hub, now).c_str());
  std::printf(
      "\nadmin@hub-1.hub# show security security-associations\n%s",
      cygnet::keymgmt::svr::ShowSecurityAssociations(hub, "", false, now)
          .c_str());
  std::printf(
      "\nadmin@hub-1.hub# show security security-associations spoke1 "
      "detail\n%s",
      cygnet::keymgmt::svr::ShowSecurityAssociations(hub, "spoke1", true, now)
          .c_str());
  std::printf(
      "\nadmin@hub-1.hub# show alarms\n%s",
      cygnet::keymgmt::svr::RenderAlarmTable(hub.ActiveAlarms()).c_str());
  const auto& c = hub.counters();
  std::printf(
      "\nhub counters: BFD rx %llu tx %llu malformed %llu auth-failed %llu "
      "stale %llu; packets rx %llu forwarded %llu auth-failed %llu replayed "
      "%llu\n",
      static_cast<unsigned long long>(c.bfd_messages_received),
      static_cast<unsigned long long>(c.bfd_messages_sent),
      static_cast<unsigned long long>(c.bfd_malformed),
      static_cast<unsigned long long>(c.bfd_authentication_failed),
      static_cast<unsigned long long>(c.bfd_stale),
      static_cast<unsigned long long>(c.packets_received),
      static_cast<unsigned long long>(c.packets_forwarded),
      static_cast<unsigned long long>(c.packet_authentication_failed),
      static_cast<unsigned long long>(c.packet_replayed));
  return converged && failed == 0 ? 0 : 1;
}
