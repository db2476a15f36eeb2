// Deterministic simulations of hub-and-spoke and multi-hop hub-and-spoke SVR
// networks over lossy BFD (seed 004's deployment diagrams).
#include "keymgmt/svr/simulation.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "keymgmt/svr/show.h"

namespace cygnet::keymgmt::svr {
namespace {

using Sim = SvrSimulation;

Sim::Options Lossy(uint64_t seed) {
  Sim::Options o;
  o.seed = seed;
  o.loss = 0.2;
  o.duplicate = 0.05;
  o.config.peer_key_rekey_interval_hours = 1;
  o.config.payload_key_rekey_interval_hours = 1;
  o.config.peer_key_retransmit_interval_seconds = 5;
  o.config.peer_key_timeout_seconds = 120;
  return o;
}

std::string Dump(Sim& sim) {
  std::string out;
  for (const std::string& l : sim.log()) out += l + "\n";
  return out;
}

void ExpectClean(const Sim::FlowStats& s, const std::string& what) {
  EXPECT_EQ(s.failed, 0u) << what << ": " << s.last_error;
  EXPECT_EQ(s.skipped, 0u) << what;
  EXPECT_EQ(s.delivered, s.sent) << what;
  EXPECT_GT(s.delivered, 0u) << what;
}

TEST(SvrSimulationTest, HubAndSpokeSurvivesRotationsWithZeroPayloadLoss) {
  auto sim = Sim::Create(
      Lossy(101),
      {Sim::Router("hub", "hub-alias", {"hub-1", "hub-2"}),
       Sim::Router("spoke1", "spoke1-alias"),
       Sim::Router("spoke2", "spoke2-alias"),
       Sim::Router("spoke3", "spoke3-alias")},
      {{"hub", "spoke1", 2}, {"hub", "spoke2", 2}, {"hub", "spoke3", 1}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  ASSERT_TRUE(s.RunUntilConverged(absl::Minutes(5))) << Dump(s);
  std::vector<int> flows = {
      s.AddFlow({"spoke1", "hub"}, absl::Seconds(10), absl::Minutes(20)),
      s.AddFlow({"hub", "spoke2"}, absl::Seconds(10), absl::Minutes(20)),
      s.AddFlow({"spoke3", "hub"}, absl::Seconds(10), absl::Hours(5)),
      // Spoke to spoke through the hub.
      s.AddFlow({"spoke1", "hub", "spoke2"}, absl::Seconds(10),
                absl::Minutes(45)),
      s.AddFlow({"spoke2", "hub", "spoke3"}, absl::Seconds(10), absl::Hours(5)),
  };
  // Three hours: three peer-key and metadata-key rotations, payload-key
  // rekeys inside long sessions, plus an operator regenerate.
  s.RunFor(absl::Minutes(50));
  s.Apply("spoke2", s.router("spoke2").RegenerateMetadataKey(s.now()));
  s.Apply("hub", s.router("hub").RegenerateMetadataKey(s.now()));
  s.RunFor(absl::Minutes(135));
  for (size_t i = 0; i < flows.size(); ++i) {
    ExpectClean(s.flow(flows[i]), absl::StrCat("flow ", i));
  }
  EXPECT_TRUE(s.AllPathsInService()) << Dump(s);
  EXPECT_GT(s.messages_lost(), 0u);
  for (const PeerStatus& p : s.router("hub").Peers(s.now())) {
    EXPECT_GE(p.peer_rekey_count, 4u) << p.name;  // first key + 3 rotations
    EXPECT_GE(p.remote_metadata_index, 4u) << p.name;
  }
  // 1, the regenerate at 50 min, then hourly from there.
  EXPECT_GE(s.router("hub").metadata_key_index(), 4u);
  // Active-Leader pushed every metadata key to its Redundant-Peer.
  EXPECT_EQ(s.redundant_index("hub", "hub-2"),
            s.router("hub").metadata_key_index());
  std::string status = ShowSecurityKeyStatus(s.router("hub"), s.now());
  EXPECT_TRUE(absl::StrContains(status, "hub-2\n"));
  EXPECT_TRUE(absl::StrContains(status, "Key Manager State: Redundant Peer"));
  EXPECT_TRUE(absl::StrContains(
      status, absl::StrCat("Metadata Rekey Index: ",
                           s.router("hub").metadata_key_index(), "\n")));
  EXPECT_EQ(s.router("hub").counters().packet_authentication_failed, 0u);
  EXPECT_EQ(s.router("spoke2").counters().packet_replayed, 0u);
}

TEST(SvrSimulationTest, MultiHopHubAndSpoke) {
  Sim::Options o = Lossy(202);
  o.ca_issued = true;
  auto sim = Sim::Create(
      o,
      {Sim::Router("spokeA", "spoke-a"), Sim::Router("hub1", "hub-1"),
       Sim::Router("hub2", "hub-2"), Sim::Router("spokeB", "spoke-b")},
      {{"spokeA", "hub1", 2}, {"hub1", "hub2", 2}, {"hub2", "spokeB", 1}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  ASSERT_TRUE(s.RunUntilConverged(absl::Minutes(5))) << Dump(s);
  int ab = s.AddFlow({"spokeA", "hub1", "hub2", "spokeB"}, absl::Seconds(10),
                     absl::Minutes(30));
  int ba = s.AddFlow({"spokeB", "hub2", "hub1", "spokeA"}, absl::Seconds(10),
                     absl::Hours(4));
  s.RunFor(absl::Minutes(150));
  ExpectClean(s.flow(ab), "spokeA->spokeB");
  ExpectClean(s.flow(ba), "spokeB->spokeA");
  EXPECT_GT(s.router("hub1").counters().packets_forwarded, 1000u);
  EXPECT_GT(s.router("hub2").counters().packets_forwarded, 1000u);
  EXPECT_EQ(s.router("spokeB").counters().packet_authentication_failed, 0u);
}

TEST(SvrSimulationTest, TimeoutTakesPathOutOfServiceAndRetriesBringItBack) {
  Sim::Options o = Lossy(303);
  o.loss = 0.0;
  o.duplicate = 0.0;
  auto sim = Sim::Create(
      o, {Sim::Router("hub", "hub-alias"), Sim::Router("spoke", "spoke-alias")},
      {{"hub", "spoke", 2}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  ASSERT_TRUE(s.RunUntilConverged(absl::Minutes(1)));
  int flow = s.AddFlow({"spoke", "hub"}, absl::Seconds(5), absl::Minutes(10));
  // Path 0 goes silent; a metadata-key push cannot be acknowledged on it.
  s.SetPathOutage("hub", "spoke", 0, true);
  s.Apply("hub", s.router("hub").RegenerateMetadataKey(s.now()));
  s.RunFor(absl::Seconds(119));
  EXPECT_EQ(s.PathsInService(), 4);
  s.RunFor(absl::Seconds(2));
  // peer-key-timeout passed: the hub's end of path 0 is out of service.
  auto hub_paths = s.router("hub").Peers(s.now())[0].paths;
  EXPECT_EQ(hub_paths[0].state, SecurityState::kKeyTimeout);
  EXPECT_FALSE(hub_paths[0].in_service);
  EXPECT_TRUE(hub_paths[1].in_service);
  EXPECT_EQ(hub_paths[1].state, SecurityState::kMetadataKeyExchangeComplete);
  // Traffic keeps flowing over the other path; the peer key survived.
  s.RunFor(absl::Minutes(5));
  ExpectClean(s.flow(flow), "during outage");
  EXPECT_EQ(s.router("hub").Peers(s.now())[0].peer_rekey_count, 1u);
  // The path heals; retries come every peer-key-timeout, so it is back
  // within one timeout.
  s.SetPathOutage("hub", "spoke", 0, false);
  s.RunFor(absl::Seconds(121));
  EXPECT_TRUE(s.AllPathsInService()) << Dump(s);
  // Again, but an interface state change triggers the retry at once.
  s.SetPathOutage("hub", "spoke", 0, true);
  s.Apply("hub", s.router("hub").RegenerateMetadataKey(s.now()));
  s.RunFor(absl::Seconds(125));
  EXPECT_FALSE(s.AllPathsInService());
  s.SetPathOutage("hub", "spoke", 0, false);
  s.SetInterface("hub", "spoke", 0, false);
  EXPECT_FALSE(s.router("hub").Peers(s.now())[0].paths[0].in_service);
  s.SetInterface("hub", "spoke", 0, true);
  s.RunFor(absl::Seconds(1));
  EXPECT_TRUE(s.AllPathsInService()) << Dump(s);
  ExpectClean(s.flow(flow), "whole run");
  bool logged = false;
  for (const std::string& l : s.log()) {
    logged |= absl::StrContains(l, "out of service (peer-key-timeout)");
  }
  EXPECT_TRUE(logged) << Dump(s);
}

TEST(SvrSimulationTest, RestartedSpokeReconvergesAndTrafficResumes) {
  auto sim = Sim::Create(
      Lossy(909),
      {Sim::Router("hub", "hub-alias"), Sim::Router("spoke1", "spoke1-alias"),
       Sim::Router("spoke2", "spoke2-alias")},
      {{"hub", "spoke1", 2}, {"hub", "spoke2", 1}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  ASSERT_TRUE(s.RunUntilConverged(absl::Minutes(3)));
  int other =
      s.AddFlow({"hub", "spoke2"}, absl::Seconds(10), absl::Minutes(10));
  s.RunFor(absl::Minutes(20));
  ASSERT_TRUE(s.RestartRouter("spoke1").ok());
  // The hub still believes its old keys; the restarted spoke has none. The
  // new salt tells the hub, which re-sends everything and re-keys.
  EXPECT_TRUE(s.RunUntilConverged(absl::Minutes(3))) << Dump(s);
  int flow = s.AddFlow({"spoke1", "hub"}, absl::Seconds(10), absl::Minutes(10));
  int back = s.AddFlow({"hub", "spoke1"}, absl::Seconds(10), absl::Minutes(10));
  s.RunFor(absl::Minutes(90));
  ExpectClean(s.flow(flow), "spoke1->hub after restart");
  ExpectClean(s.flow(back), "hub->spoke1 after restart");
  ExpectClean(s.flow(other), "hub->spoke2 throughout");
  EXPECT_TRUE(s.AllPathsInService()) << Dump(s);
}

TEST(SvrSimulationTest, PathWithoutValidKeyStaysOutOfServiceUntilAnswered) {
  Sim::Options o = Lossy(404);
  o.loss = 0.0;
  auto sim = Sim::Create(
      o, {Sim::Router("hub", "hub-alias"), Sim::Router("spoke", "spoke-alias")},
      {{"hub", "spoke", 1}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  s.SetPathOutage("hub", "spoke", 0, true);
  s.RunFor(absl::Minutes(10));
  EXPECT_EQ(s.PathsInService(), 0);
  auto p = s.router("hub").Peers(s.now())[0];
  EXPECT_FALSE(p.have_peer_key);
  EXPECT_EQ(p.paths[0].state, SecurityState::kKeyTimeout);
  // Requests keep going out at timeout intervals; once answered, in service.
  s.SetPathOutage("hub", "spoke", 0, false);
  EXPECT_TRUE(s.RunUntilConverged(absl::Seconds(125))) << Dump(s);
}

struct CertResult {
  std::unique_ptr<Sim> sim;
  int flow = 0;
};

CertResult ExpiringSpoke(InvalidCertificateBehavior behavior, uint64_t seed) {
  Sim::Options o = Lossy(seed);
  o.loss = 0.05;
  o.config.invalid_certificate_behavior = behavior;
  o.config.peer_key_rekey_interval_hours.reset();  // never: quiet network
  o.config.payload_key_rekey_interval_hours.reset();
  Sim::RouterSpec spoke = Sim::Router("spoke", "spoke-alias");
  // Issued a year ago, valid for 8 more days.
  spoke.not_before = -absl::Hours(24 * 365);
  spoke.not_after = absl::Hours(24 * 8);
  auto sim = Sim::Create(o, {Sim::Router("hub", "hub-alias"), spoke},
                         {{"hub", "spoke", 2}});
  EXPECT_TRUE(sim.ok()) << sim.status();
  CertResult r;
  r.sim = std::move(*sim);
  EXPECT_TRUE(r.sim->RunUntilConverged(absl::Minutes(2)));
  r.flow = r.sim->AddFlow({"hub", "spoke"}, absl::Minutes(10), absl::Hours(24));
  r.sim->RunFor(absl::Hours(24 * 9));
  return r;
}

const Alarm* Find(const std::vector<Alarm>& alarms, AlarmSeverity sev,
                  const std::string& text) {
  for (const Alarm& a : alarms) {
    if (a.severity == sev && absl::StrContains(a.message, text)) return &a;
  }
  return nullptr;
}

TEST(SvrSimulationTest, ExpiringThenExpiredCertificateFailSoft) {
  CertResult r = ExpiringSpoke(InvalidCertificateBehavior::kFailSoft, 505);
  Sim& s = *r.sim;
  const auto& alarms = s.alarms_raised();
  EXPECT_NE(Find(alarms, AlarmSeverity::kMinor,
                 "Peer spoke certificate is expiring within a month"),
            nullptr)
      << Dump(s);
  EXPECT_NE(Find(alarms, AlarmSeverity::kMajor,
                 "Peer spoke certificate is expiring within a week"),
            nullptr)
      << Dump(s);
  const Alarm* expired = Find(alarms, AlarmSeverity::kCritical,
                              "Peer spoke certificate is invalid: expired");
  ASSERT_NE(expired, nullptr) << Dump(s);
  EXPECT_EQ(expired->source, "spoke");
  EXPECT_EQ(expired->category, "PEER");
  // The spoke alarms on its own certificate too.
  EXPECT_NE(Find(alarms, AlarmSeverity::kCritical,
                 "Router spoke certificate is invalid: expired"),
            nullptr);
  // fail-soft: alarm only, peering and traffic continue.
  EXPECT_TRUE(s.AllPathsInService());
  ExpectClean(s.flow(r.flow), "fail-soft");
  auto active = s.router("hub").ActiveAlarms();
  ASSERT_EQ(active.size(), 1u);
  std::string table = RenderAlarmTable(active);
  EXPECT_TRUE(
      absl::StrContains(table, "CRITICAL     spoke                PEER"))
      << table;
  std::string detail = RenderAlarmDetail(active[0], s.now());
  EXPECT_TRUE(absl::StrContains(detail,
                                "Severity: CRITICAL\nSource: spoke\n"
                                "Category: PEER\nProcess: "
                                "stateMonitor\nMessage: Peer spoke "
                                "certificate is invalid: expired - "))
      << detail;
  EXPECT_TRUE(absl::StrContains(
      ShowSecurityAssociations(s.router("hub"), "spoke", true, s.now()),
      "Peer Certificate: Expired\n"));
}

TEST(SvrSimulationTest, ExpiredCertificateFailHardRemovesPeering) {
  CertResult r = ExpiringSpoke(InvalidCertificateBehavior::kFailHard, 606);
  Sim& s = *r.sim;
  ASSERT_NE(Find(s.alarms_raised(), AlarmSeverity::kCritical,
                 "Peer spoke certificate is invalid: expired"),
            nullptr);
  auto p = s.router("hub").Peers(s.now())[0];
  EXPECT_TRUE(p.removed);
  EXPECT_FALSE(p.have_peer_key);
  for (const PathStatus& path : p.paths) {
    EXPECT_FALSE(path.in_service);
    EXPECT_EQ(path.state, SecurityState::kCertificateInvalid);
  }
  EXPECT_FALSE(s.router("hub").PeerInService("spoke"));
  EXPECT_GT(s.flow(r.flow).skipped, 0u);  // no more traffic to the spoke
  EXPECT_EQ(s.flow(r.flow).failed, 0u);
  EXPECT_TRUE(absl::StrContains(
      ShowSecurityAssociations(s.router("hub"), "spoke", true, s.now()),
      "State: REMOVED\n"));
}

TEST(SvrSimulationTest, RevokedCertificateIsCriticalAndFailHardRemoves) {
  for (InvalidCertificateBehavior behavior :
       {InvalidCertificateBehavior::kFailSoft,
        InvalidCertificateBehavior::kFailHard}) {
    Sim::Options o = Lossy(808);
    o.ca_issued = true;
    o.config.invalid_certificate_behavior = behavior;
    auto sim = Sim::Create(
        o,
        {Sim::Router("hub", "hub-alias"), Sim::Router("spoke1", "spoke1-alias"),
         Sim::Router("spoke2", "spoke2-alias")},
        {{"hub", "spoke1", 1}, {"hub", "spoke2", 1}});
    ASSERT_TRUE(sim.ok()) << sim.status();
    Sim& s = **sim;
    ASSERT_TRUE(s.RunUntilConverged(absl::Minutes(3)));
    ASSERT_TRUE(s.Revoke("spoke1").ok());
    s.RunFor(absl::Minutes(1));
    const Alarm* revoked = Find(s.alarms_raised(), AlarmSeverity::kCritical,
                                "Peer spoke1 certificate is invalid: revoked");
    ASSERT_NE(revoked, nullptr) << Dump(s);
    const bool hard = behavior == InvalidCertificateBehavior::kFailHard;
    EXPECT_EQ(s.router("hub").PeerInService("spoke1"), !hard);
    // The other spoke is untouched either way.
    EXPECT_TRUE(s.router("hub").PeerInService("spoke2"));
    EXPECT_FALSE(
        Find(s.alarms_raised(), AlarmSeverity::kCritical, "Peer spoke2"));
  }
  auto plain = Sim::Create(
      Lossy(809), {Sim::Router("a", "a-alias"), Sim::Router("b", "b-alias")},
      {{"a", "b", 1}});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE((*plain)->Revoke("a").ok());  // self-signed: no CA
}

TEST(SvrSimulationTest, UnauthenticatedPeerRaisesAlarmAndNeverComesUp) {
  Sim::Options o = Lossy(707);
  o.loss = 0.0;
  o.ca_issued = true;
  Sim::RouterSpec rogue = Sim::Router("rogue", "rogue-alias");
  rogue.self_signed = true;
  auto sim = Sim::Create(o, {Sim::Router("hub", "hub-alias"), rogue},
                         {{"hub", "rogue", 1}});
  ASSERT_TRUE(sim.ok()) << sim.status();
  Sim& s = **sim;
  s.RunFor(absl::Minutes(3));
  EXPECT_FALSE(s.router("hub").PeerInService("rogue"));
  EXPECT_NE(Find(s.alarms_raised(), AlarmSeverity::kMajor,
                 "Unable to authenticate peer rogue"),
            nullptr)
      << Dump(s);
  EXPECT_GT(s.router("hub").counters().bfd_authentication_failed, 0u);
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
