// The IKE engine in a deterministic simulated network (testing/
// simulated_network.h): two routers configured like seed 001's Router 1 /
// Router 2 negotiate, rekey, delete and detect dead peers over a network
// that drops, duplicates, reorders and delays.
#include "ike/engine/ike_engine.h"

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/engine/engine_simulation.h"
#include "ike/engine/show_ikev2.h"
#include "ike/engine/test_policy.h"
#include "ipsec/sa_database.h"
#include "testing/simulated_network.h"

namespace cygnet::ike {
namespace {

using ::testing::HasSubstr;

ipsec::IpAddress Ip(const char* text) { return *ipsec::IpAddress::Parse(text); }

// Seed 001: proposal aes-cbc-256 / sha-256 / prf sha-256 / dh-group 20,
// transform set esp-256-aes esp-hmac-sha-256, pfs group19, lifetimes 600.
IkePolicy SeedPolicy(const std::string& name, const char* local,
                     const char* remote, const std::string& psk) {
  return PskTestPolicy(name, Ip(local), Ip(remote), psk,
                       crypto::KeyExchangeGroup::kEcp384);
}

TEST(IkePolicyValidation, LifetimesPositiveAndWithinTheSaLimit) {
  IkePolicy policy =
      SeedPolicy("p", "198.51.100.5", "198.51.100.21", "cisco123");
  EXPECT_TRUE(ValidateIkePolicy(policy).ok());
  policy.child_lifetime = absl::ZeroDuration();
  EXPECT_EQ(ValidateIkePolicy(policy).message(),
            "policy 'p': lifetimes must be positive");
  policy.child_lifetime = absl::Hours(24 * 365 * 100) + absl::Seconds(1);
  EXPECT_EQ(ValidateIkePolicy(policy).message(),
            "policy 'p': child_lifetime 876000h1s is longer than 100 years");
}

void AddSeedPolicies(Simulation& sim, const std::string& psk_a = "cisco123",
                     const std::string& psk_b = "cisco123") {
  ASSERT_TRUE(sim.a()
                  .engine
                  .AddPolicy(SeedPolicy("ikev2_prof_mgmt_P1", "198.51.100.5",
                                        "198.51.100.21", psk_a))
                  .ok());
  ASSERT_TRUE(sim.b()
                  .engine
                  .AddPolicy(SeedPolicy("ikev2_prof_mgmt_P2", "198.51.100.21",
                                        "198.51.100.5", psk_b))
                  .ok());
}

TEST(IkeEngineTest, SeedRoutersEstablishOnPerfectNetwork) {
  Simulation sim(1, testing::NetworkConditions{});
  AddSeedPolicies(sim);
  ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1)
      << sim.a().Reasons();
  EXPECT_EQ(sim.b().Count(EventType::kIkeSaEstablished), 1)
      << sim.b().Reasons();
  EXPECT_EQ(sim.a().Count(EventType::kChildSaInstalled), 1);
  EXPECT_EQ(sim.b().Count(EventType::kChildSaInstalled), 1);
  EXPECT_EQ(sim.a().sad.inbound_size(), 1u);
  EXPECT_EQ(sim.a().sad.outbound_size(), 1u);
  ExpectMirroredChildSas(sim.a(), sim.b());

  std::string show = ShowIkev2Session(sim.a().engine.Status(sim.now()), true);
  EXPECT_THAT(show, HasSubstr("Status                      : UP-ACTIVE"));
  EXPECT_THAT(show,
              HasSubstr("Local                       : 198.51.100.5/500"));
  EXPECT_THAT(show, HasSubstr("READY (Negotiation done)"));
  EXPECT_THAT(show, HasSubstr("Role                        : Initiator"));
  EXPECT_THAT(show, HasSubstr("Encryption/Keysize          : AES-CBC/256"));
  EXPECT_THAT(show,
              HasSubstr("PRF/Hash/DH Group           : SHA256/SHA256/20"));
  EXPECT_THAT(show, HasSubstr("Authentication(Sign/Verify) : PSK/PSK"));
  EXPECT_THAT(show, HasSubstr("Remote ID                   : 198.51.100.21"));
  EXPECT_THAT(show, HasSubstr("ESP SPI IN/OUT"));
  EXPECT_THAT(ShowIkev2Session(sim.b().engine.Status(sim.now()), false),
              HasSubstr("Role                        : Responder"));
  EXPECT_THAT(ShowIkev2Summary(sim.a().engine.Status(sim.now())),
              HasSubstr("Total Outgoing Sa (Active/Negotiation) : 1 (1/0)"));
}

TEST(IkeEngineTest, WrongPreSharedKeyFailsCleanlyOnBothSides) {
  Simulation sim(2, testing::NetworkConditions{});
  AddSeedPolicies(sim, "cisco123", "cisco124");
  ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
  sim.RunFor(absl::Seconds(30));
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 0);
  EXPECT_EQ(sim.b().Count(EventType::kIkeSaEstablished), 0);
  EXPECT_THAT(sim.a().Reasons(), HasSubstr("AUTHENTICATION_FAILED"));
  EXPECT_THAT(sim.b().Reasons(), HasSubstr("does not verify"));
  EXPECT_EQ(sim.a().sad.inbound_size() + sim.b().sad.inbound_size(), 0u);
  EXPECT_EQ(sim.a().engine.ike_sa_count(), 0u);
  EXPECT_EQ(sim.b().engine.ike_sa_count(), 0u);
}

TEST(IkeEngineTest, NoProposalChosen) {
  Simulation sim(3, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
  IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k");
  b.ike_proposals[0].encryption = {EncryptionAlgorithm::kAesGcm16_256};
  b.ike_proposals[0].integrity = {};
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  EXPECT_THAT(sim.a().Reasons(), HasSubstr("NO_PROPOSAL_CHOSEN"));
  EXPECT_THAT(sim.b().Reasons(), HasSubstr("no IKE proposal chosen"));
  EXPECT_EQ(sim.a().engine.ike_sa_count() + sim.b().engine.ike_sa_count(), 0u);
}

TEST(IkeEngineTest, InvalidKePayloadRetriesWithTheResponderGroup) {
  Simulation sim(4, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
  a.ike_proposals[0].groups = {crypto::KeyExchangeGroup::kEcp256,
                               crypto::KeyExchangeGroup::kEcp384};
  IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k");
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  EXPECT_THAT(sim.b().Reasons(), HasSubstr("asked initiator for KE group 20"));
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1)
      << sim.a().Reasons();
  ExpectMirroredChildSas(sim.a(), sim.b());
}

TEST(IkeEngineTest, CookieRequiredAboveThreshold) {
  EngineLimits demanding;
  demanding.cookie_threshold = 0;
  Simulation sim(5, testing::NetworkConditions{}, {}, demanding);
  AddSeedPolicies(sim);
  ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  EXPECT_GE(sim.b().engine.counters().cookies_sent, 1u);
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1)
      << sim.a().Reasons();
  ExpectMirroredChildSas(sim.a(), sim.b());
}

TEST(IkeEngineTest, TrafficSelectorsUnacceptableLeavesIkeSaWithoutChild) {
  Simulation sim(6, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
  a.local_selectors = {*ipsec::TrafficSelector::FromPrefix(Ip("10.1.0.0"), 16)};
  IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k");
  b.remote_selectors = {
      *ipsec::TrafficSelector::FromPrefix(Ip("10.2.0.0"), 16)};
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  EXPECT_THAT(sim.a().Reasons(), HasSubstr("TS_UNACCEPTABLE"));
  EXPECT_THAT(sim.b().Reasons(), HasSubstr("traffic selectors unacceptable"));
  EXPECT_EQ(sim.a().sad.inbound_size() + sim.b().sad.inbound_size(), 0u);
}

TEST(IkeEngineTest, ResponderOnlyPolicyNeverInitiates) {
  Simulation sim(7, testing::NetworkConditions{});
  IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k");
  b.responder_only = true;
  ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
  absl::StatusOr<uint64_t> id = sim.b().engine.Initiate("b", sim.now());
  EXPECT_FALSE(id.ok());
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("responder-only"));
}

TEST(IkeEngineTest, ChildAndIkeRekeyKeepMirroredSas) {
  Simulation sim(8, testing::NetworkConditions{});
  AddSeedPolicies(sim);
  absl::StatusOr<uint64_t> id =
      sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now());
  ASSERT_TRUE(id.ok());
  sim.RunFor(absl::Seconds(5));
  ASSERT_EQ(sim.a().Count(EventType::kChildSaInstalled), 1)
      << sim.a().Reasons();
  uint32_t old_spi = sim.a().sad.List()[0].sa->spi();

  ASSERT_TRUE(sim.a().engine.RekeyChildSa(*id, sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  EXPECT_EQ(sim.a().Count(EventType::kChildSaRekeyed), 1) << sim.a().Reasons();
  EXPECT_EQ(sim.b().Count(EventType::kChildSaRekeyed), 1) << sim.b().Reasons();
  EXPECT_EQ(sim.a().sad.inbound_size(), 1u);
  EXPECT_EQ(sim.b().sad.inbound_size(), 1u);
  EXPECT_NE(sim.a().sad.List()[0].sa->spi(), old_spi);
  ExpectMirroredChildSas(sim.a(), sim.b());
  // PFS group 19 was negotiated for the rekeyed child.
  EXPECT_EQ(sim.a().sad.List()[0].sa->pfs_group(), 19);

  ASSERT_TRUE(sim.a().engine.RekeyIkeSa(*id, sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaRekeyed), 1) << sim.a().Reasons();
  EXPECT_EQ(sim.b().Count(EventType::kIkeSaRekeyed), 1) << sim.b().Reasons();
  EXPECT_EQ(sim.a().engine.ike_sa_count(), 1u);
  EXPECT_EQ(sim.b().engine.ike_sa_count(), 1u);
  ExpectMirroredChildSas(sim.a(), sim.b());

  // The rekeyed IKE SA still works: rekey the child again through it, from
  // the responder's side this time.
  std::vector<IkeSaStatus> b_status = sim.b().engine.Status(sim.now());
  ASSERT_EQ(b_status.size(), 1u);
  ASSERT_TRUE(sim.b().engine.RekeyChildSa(b_status[0].id, sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  EXPECT_EQ(sim.b().Count(EventType::kChildSaRekeyed), 2) << sim.b().Reasons();
  ExpectMirroredChildSas(sim.a(), sim.b());
}

TEST(IkeEngineTest, SimultaneousChildRekeyConvergesToOnePair) {
  for (uint64_t seed = 100; seed < 130; ++seed) {
    Simulation sim(seed, testing::NetworkConditions{});
    AddSeedPolicies(sim);
    absl::StatusOr<uint64_t> id =
        sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now());
    ASSERT_TRUE(id.ok());
    sim.RunFor(absl::Seconds(5));
    std::vector<IkeSaStatus> b_status = sim.b().engine.Status(sim.now());
    ASSERT_EQ(b_status.size(), 1u);
    ASSERT_TRUE(sim.a().engine.RekeyChildSa(*id, sim.now()).ok());
    ASSERT_TRUE(sim.b().engine.RekeyChildSa(b_status[0].id, sim.now()).ok());
    sim.RunFor(absl::Seconds(20));
    EXPECT_EQ(sim.a().sad.inbound_size(), 1u)
        << "seed " << seed << "\n"
        << sim.a().Reasons() << sim.b().Reasons();
    EXPECT_EQ(sim.b().sad.inbound_size(), 1u) << "seed " << seed;
    ExpectMirroredChildSas(sim.a(), sim.b());
  }
}

TEST(IkeEngineTest, SimultaneousIkeRekeyConvergesToOneIkeSa) {
  testing::NetworkConditions jittery;
  jittery.reorder = 0.3;
  for (uint64_t seed = 300; seed < 340; ++seed) {
    Simulation sim(seed, jittery);
    AddSeedPolicies(sim);
    ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
    sim.RunFor(absl::Seconds(5));
    std::vector<IkeSaStatus> a = sim.a().engine.Status(sim.now());
    std::vector<IkeSaStatus> b = sim.b().engine.Status(sim.now());
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    ASSERT_TRUE(sim.a().engine.RekeyIkeSa(a[0].id, sim.now()).ok());
    ASSERT_TRUE(sim.b().engine.RekeyIkeSa(b[0].id, sim.now()).ok());
    // Past the 30 s after which a redundant IKE SA the peer never deleted
    // is freed.
    sim.RunFor(absl::Seconds(40));
    ASSERT_EQ(sim.a().engine.ike_sa_count(), 1u)
        << "seed " << seed << "\n"
        << sim.a().Reasons() << sim.b().Reasons();
    ASSERT_EQ(sim.b().engine.ike_sa_count(), 1u) << "seed " << seed;
    EXPECT_EQ(sim.a().sad.inbound_size(), 1u) << "seed " << seed;
    ExpectMirroredChildSas(sim.a(), sim.b());
    // The surviving IKE SA works: its SPIs agree and it can rekey the child.
    a = sim.a().engine.Status(sim.now());
    b = sim.b().engine.Status(sim.now());
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0].local_spi, b[0].remote_spi);
    EXPECT_EQ(a[0].remote_spi, b[0].local_spi);
    ASSERT_EQ(a[0].child_sas.size(), 1u) << "seed " << seed;
    ASSERT_TRUE(sim.a().engine.RekeyChildSa(a[0].id, sim.now()).ok());
    sim.RunFor(absl::Seconds(10));
    ExpectMirroredChildSas(sim.a(), sim.b());
    EXPECT_EQ(sim.a().Count(EventType::kDeadPeer) +
                  sim.b().Count(EventType::kDeadPeer),
              0);
  }
}

TEST(IkeEngineTest, DeleteFromEitherSideRemovesEverything) {
  for (bool from_initiator : {true, false}) {
    Simulation sim(9, testing::NetworkConditions{});
    AddSeedPolicies(sim);
    ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
    sim.RunFor(absl::Seconds(5));
    Router& deleter = from_initiator ? sim.a() : sim.b();
    std::vector<IkeSaStatus> status = deleter.engine.Status(sim.now());
    ASSERT_EQ(status.size(), 1u);
    ASSERT_TRUE(deleter.engine.DeleteIkeSa(status[0].id, sim.now()).ok());
    sim.RunFor(absl::Seconds(5));
    EXPECT_EQ(sim.a().engine.ike_sa_count(), 0u);
    EXPECT_EQ(sim.b().engine.ike_sa_count(), 0u);
    EXPECT_EQ(sim.a().sad.inbound_size() + sim.a().sad.outbound_size(), 0u);
    EXPECT_EQ(sim.b().sad.inbound_size() + sim.b().sad.outbound_size(), 0u);
  }
}

TEST(IkeEngineTest, SimultaneousDeleteLeavesNothingOnEitherSide) {
  for (uint64_t seed = 200; seed < 210; ++seed) {
    Simulation sim(seed, testing::NetworkConditions{});
    AddSeedPolicies(sim);
    ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
    sim.RunFor(absl::Seconds(5));
    std::vector<IkeSaStatus> a = sim.a().engine.Status(sim.now());
    std::vector<IkeSaStatus> b = sim.b().engine.Status(sim.now());
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    ASSERT_TRUE(sim.a().engine.DeleteIkeSa(a[0].id, sim.now()).ok());
    ASSERT_TRUE(sim.b().engine.DeleteIkeSa(b[0].id, sim.now()).ok());
    sim.RunFor(absl::Seconds(60));
    EXPECT_EQ(sim.a().engine.ike_sa_count() + sim.b().engine.ike_sa_count(), 0u)
        << "seed " << seed;
    EXPECT_EQ(sim.a().sad.inbound_size() + sim.a().sad.outbound_size() +
                  sim.b().sad.inbound_size() + sim.b().sad.outbound_size(),
              0u);
    EXPECT_EQ(sim.a().Count(EventType::kDeadPeer) +
                  sim.b().Count(EventType::kDeadPeer),
              0)
        << sim.a().Reasons() << sim.b().Reasons();
  }
}

TEST(IkeEngineTest, PeriodicDpdDetectsSilentPeer) {
  Simulation sim(10, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
  a.dpd.interval = absl::Seconds(10);
  a.dpd.retry = absl::Seconds(2);
  a.dpd.periodic = true;
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(
      sim.b()
          .engine
          .AddPolicy(SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k"))
          .ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  ASSERT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1);
  // Alive peer: checks are answered.
  sim.RunFor(absl::Seconds(60));
  EXPECT_EQ(sim.a().Count(EventType::kDeadPeer), 0);
  absl::Time silent_at = sim.now();
  sim.network().SetBlackholed(Ip("198.51.100.21"), true);
  sim.RunFor(absl::Seconds(120));
  ASSERT_EQ(sim.a().Count(EventType::kDeadPeer), 1) << sim.a().Reasons();
  EXPECT_EQ(sim.a().engine.ike_sa_count(), 0u);
  EXPECT_EQ(sim.a().sad.inbound_size(), 0u);
  (void)silent_at;
}

TEST(IkeEngineTest, OnDemandDpdOnlyChecksWhenTrafficGoesUnanswered) {
  Simulation sim(11, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
  a.dpd.interval = absl::Seconds(10);
  a.dpd.periodic = false;
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(
      sim.b()
          .engine
          .AddPolicy(SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k"))
          .ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  sim.network().SetBlackholed(Ip("198.51.100.21"), true);
  // No traffic: no liveness checks, nothing detected.
  uint64_t sent_before = sim.a().engine.counters().datagrams_sent;
  sim.RunFor(absl::Seconds(100));
  EXPECT_EQ(sim.a().engine.counters().datagrams_sent, sent_before);
  EXPECT_EQ(sim.a().Count(EventType::kDeadPeer), 0);
  // Outbound ESP with nothing coming back: detected.
  uint32_t outbound = 0;
  for (const ipsec::SadEntry& e : sim.a().sad.List()) {
    if (e.sa->direction() == ipsec::SaDirection::kOutbound)
      outbound = e.sa->spi();
  }
  for (int i = 0; i < 60; ++i) {
    sim.a().engine.NoteEspTraffic(outbound, /*sent=*/true, sim.now());
    sim.RunFor(absl::Seconds(1));
  }
  EXPECT_EQ(sim.a().Count(EventType::kDeadPeer), 1) << sim.a().Reasons();
}

TEST(IkeEngineTest, LifetimesDriveRekeysBeforeExpiry) {
  Simulation sim(12, testing::NetworkConditions{});
  AddSeedPolicies(sim);
  ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
  // Two lifetimes of 600 s: each side rekeys both SAs before expiry.
  sim.RunFor(absl::Seconds(1300));
  EXPECT_GE(sim.a().Count(EventType::kChildSaRekeyed), 2) << sim.a().Reasons();
  EXPECT_GE(sim.a().Count(EventType::kIkeSaRekeyed), 2) << sim.a().Reasons();
  // Nothing expired or failed on the way: every old SA left through a rekey.
  for (Router* router : {&sim.a(), &sim.b()}) {
    EXPECT_EQ(router->Count(EventType::kIkeSaDeleted), 0) << router->Reasons();
    EXPECT_EQ(router->Count(EventType::kIkeSaFailed), 0) << router->Reasons();
    EXPECT_THAT(router->Reasons(), ::testing::Not(HasSubstr("expired")));
  }
  EXPECT_EQ(sim.a().engine.ike_sa_count(), 1u);
  ExpectMirroredChildSas(sim.a(), sim.b());
}

// The property run: over many seeds and a hostile network, both sides end
// with mirrored child SAs, or neither keeps any state.
TEST(IkeEngineTest, LossyNetworkPropertyOverSeeds) {
  testing::NetworkConditions lossy;
  lossy.drop = 0.2;
  lossy.duplicate = 0.1;
  lossy.reorder = 0.2;
  int established = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Simulation sim(seed, lossy);
    IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "k");
    IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "k");
    a.dpd.interval = b.dpd.interval = absl::Seconds(20);
    a.dpd.periodic = b.dpd.periodic = true;
    ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
    ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
    absl::StatusOr<uint64_t> id = sim.a().engine.Initiate("a", sim.now());
    ASSERT_TRUE(id.ok());
    sim.RunFor(absl::Seconds(30));
    if (seed % 3 == 0 && sim.a().engine.ike_sa_count() == 1) {
      sim.a().engine.RekeyChildSa(*id, sim.now()).IgnoreError();
    }
    sim.RunFor(absl::Seconds(200));
    bool a_up = sim.a().sad.inbound_size() > 0;
    bool b_up = sim.b().sad.inbound_size() > 0;
    ASSERT_EQ(a_up, b_up) << "seed " << seed << "\nA:\n"
                          << sim.a().Reasons() << "B:\n"
                          << sim.b().Reasons();
    if (a_up) {
      ++established;
      ExpectMirroredChildSas(sim.a(), sim.b());
      EXPECT_EQ(sim.a().sad.inbound_size(), 1u) << "seed " << seed;
    } else {
      EXPECT_EQ(sim.a().engine.ike_sa_count(), 0u) << "seed " << seed;
      EXPECT_EQ(sim.b().engine.ike_sa_count(), 0u) << "seed " << seed;
    }
  }
  // With six transmissions per request almost every run gets through.
  EXPECT_GT(established, 280);
}

}  // namespace
}  // namespace cygnet::ike

namespace cygnet::ike {
namespace {

// A small PKI: a CA, and a leaf per router naming its address in a SAN.
struct Pki {
  explicit Pki(uint64_t seed = 77) : random(seed) {}
  crypto::DeterministicRandom random;
  crypto::PrivateKey ca_key =
      *crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  crypto::Certificate ca = *crypto::CertificateBuilder()
                                .SetSubjectCommonName("cygnet test CA")
                                .SetIsCa(true)
                                .SetSerial(1)
                                .SetValidity(absl::FromUnixSeconds(1600000000),
                                             absl::FromUnixSeconds(1900000000))
                                .SelfSign(ca_key);

  CertificateCredentials Leaf(
      const char* address, crypto::PrivateKey key, uint64_t serial,
      absl::Time not_after = absl::FromUnixSeconds(1900000000)) {
    ipsec::IpAddress ip = Ip(address);
    auto bytes = ip.bytes();
    crypto::Certificate cert =
        *crypto::CertificateBuilder()
             .SetSubjectCommonName(address)
             .AddIpAddress(std::vector<uint8_t>(bytes.begin(), bytes.end()))
             .SetSerial(serial)
             .SetValidity(absl::FromUnixSeconds(1600000000), not_after)
             .Issue(key.public_key(), ca, ca_key);
    CertificateCredentials credentials;
    credentials.private_key = std::move(key);
    credentials.chain = {cert};
    credentials.trust_anchors = {ca};
    return credentials;
  }
};

void UseCertificates(IkePolicy& policy, CertificateCredentials credentials) {
  policy.local_authentication = AuthenticationKind::kCertificate;
  policy.remote_authentication = AuthenticationKind::kCertificate;
  policy.certificates = std::move(credentials);
}

TEST(IkeEngineCertificateTest, EcdsaAndRsaPssCertificatesAuthenticate) {
  Pki pki;
  Simulation sim(31, testing::NetworkConditions{});
  IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "unused");
  IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "unused");
  UseCertificates(a, pki.Leaf("198.51.100.5",
                              *crypto::PrivateKey::GenerateEc(
                                  crypto::KeyType::kEcdsaP256, pki.random),
                              2));
  absl::StatusOr<crypto::PrivateKey> rsa =
      crypto::PrivateKey::GenerateRsa(2048);
  ASSERT_TRUE(rsa.ok());
  UseCertificates(b, pki.Leaf("198.51.100.21", *rsa, 3));
  b.certificates.rsa_pss = true;
  ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
  ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  ASSERT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1)
      << sim.a().Reasons();
  ASSERT_EQ(sim.b().Count(EventType::kIkeSaEstablished), 1)
      << sim.b().Reasons();
  ExpectMirroredChildSas(sim.a(), sim.b());
  std::string show = ShowIkev2Session(sim.a().engine.Status(sim.now()), true);
  EXPECT_THAT(show, HasSubstr("Authentication(Sign/Verify) : ECDSA/RSA"));
}

TEST(IkeEngineCertificateTest, UntrustedExpiredOrMisnamedCertificatesFail) {
  Pki pki;
  Pki other(78);  // a CA the responder does not trust
  struct Case {
    const char* name;
    CertificateCredentials initiator;
    const char* reason;  // what the responder must say
  };
  std::vector<Case> cases;
  cases.push_back({"untrusted",
                   other.Leaf("198.51.100.5",
                              *crypto::PrivateKey::GenerateEc(
                                  crypto::KeyType::kEcdsaP256, other.random),
                              2),
                   "issuer not trusted"});
  cases.push_back({"expired",
                   pki.Leaf("198.51.100.5",
                            *crypto::PrivateKey::GenerateEc(
                                crypto::KeyType::kEcdsaP256, pki.random),
                            4, absl::FromUnixSeconds(1650000000)),
                   "certificate expired"});
  cases.push_back({"misnamed",
                   pki.Leaf("198.51.100.99",
                            *crypto::PrivateKey::GenerateEc(
                                crypto::KeyType::kEcdsaP256, pki.random),
                            5),
                   "identity mismatch"});
  for (Case& c : cases) {
    Simulation sim(32, testing::NetworkConditions{});
    IkePolicy a = SeedPolicy("a", "198.51.100.5", "198.51.100.21", "unused");
    IkePolicy b = SeedPolicy("b", "198.51.100.21", "198.51.100.5", "unused");
    UseCertificates(a, std::move(c.initiator));
    a.certificates.trust_anchors = {pki.ca};
    UseCertificates(b, pki.Leaf("198.51.100.21",
                                *crypto::PrivateKey::GenerateEc(
                                    crypto::KeyType::kEcdsaP256, pki.random),
                                6));
    ASSERT_TRUE(sim.a().engine.AddPolicy(a).ok());
    ASSERT_TRUE(sim.b().engine.AddPolicy(b).ok());
    ASSERT_TRUE(sim.a().engine.Initiate("a", sim.now()).ok());
    sim.RunFor(absl::Seconds(10));
    EXPECT_EQ(sim.b().Count(EventType::kIkeSaEstablished), 0) << c.name;
    EXPECT_THAT(sim.a().Reasons(), HasSubstr("AUTHENTICATION_FAILED"))
        << c.name;
    EXPECT_THAT(sim.b().Reasons(), HasSubstr("authentication failed"))
        << c.name;
    EXPECT_THAT(sim.b().Reasons(), HasSubstr(c.reason)) << c.name;
    EXPECT_EQ(sim.a().engine.ike_sa_count() + sim.b().engine.ike_sa_count(), 0u)
        << c.name;
  }
}

// The test-only key log (SetInsecureKeyLog) that testing/interop compares
// with strongSwan's: both ends of one IKE SA must log the same SK_* keys
// under the same SPIs, and a child SA's inbound keys on one end must be the
// outbound keys on the other; an IKE SA rekey logs the successor's new keys.
TEST(IkeEngineTest, InsecureKeyLogMatchesBetweenPeers) {
  Simulation sim(41, testing::NetworkConditions{});
  AddSeedPolicies(sim);
  std::vector<std::string> log_a, log_b;
  sim.a().engine.SetInsecureKeyLog(
      [&log_a](const std::string& line) { log_a.push_back(line); });
  sim.b().engine.SetInsecureKeyLog(
      [&log_b](const std::string& line) { log_b.push_back(line); });
  ASSERT_TRUE(sim.a().engine.Initiate("ikev2_prof_mgmt_P1", sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  ASSERT_EQ(sim.a().Count(EventType::kChildSaInstalled), 1)
      << sim.a().Reasons();
  auto fields = [](const std::string& line) {
    std::map<std::string, std::string> out;
    for (absl::string_view word : absl::StrSplit(line, ' ')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(word, '=');
      if (!kv.second.empty()) out[kv.first] = kv.second;
    }
    return out;
  };
  auto lines = [](const std::vector<std::string>& log, const char* prefix) {
    std::vector<std::string> out;
    for (const std::string& line : log) {
      if (absl::StartsWith(line, prefix)) out.push_back(line);
    }
    return out;
  };
  std::vector<std::string> ike_a = lines(log_a, "IKE ");
  std::vector<std::string> ike_b = lines(log_b, "IKE ");
  ASSERT_EQ(ike_a.size(), 1u);
  ASSERT_EQ(ike_b.size(), 1u);
  EXPECT_EQ(ike_a[0], ike_b[0]);
  std::map<std::string, std::string> keys = fields(ike_a[0]);
  EXPECT_EQ(keys["SK_d"].size(), 64u);   // PRF-SHA-256 key length
  EXPECT_EQ(keys["SK_ei"].size(), 64u);  // AES-256
  EXPECT_EQ(keys["SK_ai"].size(), 64u);  // HMAC-SHA-256
  EXPECT_NE(keys["SK_ei"], keys["SK_er"]);

  std::vector<std::string> child_a = lines(log_a, "CHILD ");
  std::vector<std::string> child_b = lines(log_b, "CHILD ");
  ASSERT_EQ(child_a.size(), 1u);
  ASSERT_EQ(child_b.size(), 1u);
  std::map<std::string, std::string> ca = fields(child_a[0]);
  std::map<std::string, std::string> cb = fields(child_b[0]);
  EXPECT_EQ(ca["spi_in"], cb["spi_out"]);
  EXPECT_EQ(ca["spi_out"], cb["spi_in"]);
  EXPECT_EQ(ca["encr_in"], cb["encr_out"]);
  EXPECT_EQ(ca["integ_in"], cb["integ_out"]);
  EXPECT_EQ(ca["encr_out"], cb["encr_in"]);
  EXPECT_EQ(ca["integ_out"], cb["integ_in"]);
  EXPECT_NE(ca["encr_in"], ca["encr_out"]);

  std::vector<IkeSaStatus> status = sim.a().engine.Status(sim.now());
  ASSERT_EQ(status.size(), 1u);
  ASSERT_TRUE(sim.a().engine.RekeyIkeSa(status[0].id, sim.now()).ok());
  sim.RunFor(absl::Seconds(5));
  ike_a = lines(log_a, "IKE ");
  ike_b = lines(log_b, "IKE ");
  ASSERT_EQ(ike_a.size(), 2u) << sim.a().Reasons();
  ASSERT_EQ(ike_b.size(), 2u) << sim.b().Reasons();
  EXPECT_EQ(ike_a[1], ike_b[1]);
  EXPECT_NE(fields(ike_a[1])["SK_d"], keys["SK_d"]);
  EXPECT_NE(fields(ike_a[1])["spi_i"], keys["spi_i"]);
}

}  // namespace
}  // namespace cygnet::ike
