// RFC 8784 post-quantum preshared keys in the engine (seed 001 manual and
// dynamic PPK), in the simulated network: both sides required, one side
// optional, mismatched values, unknown IDs, a peer without USE_PPK, and a
// key source that is slow or down.
#include <memory>
#include <string>
#include <vector>

#include "crypto/hex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/engine/engine_simulation.h"
#include "ike/engine/show_ikev2.h"
#include "keymgmt/ppk/manual_ppk_source.h"

namespace cygnet::ike {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ipsec::IpAddress Ip(const char* text) { return *ipsec::IpAddress::Parse(text); }

crypto::SecretBytes Bytes(const std::string& text) {
  return crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// A key source that never answers (a KME that is down or unreachable).
class SilentPpkSource : public keymgmt::PpkSource {
 public:
  RequestId RequestNewKey(const std::string&, absl::Time) override {
    return ++requests_;
  }
  RequestId RequestKeyById(const std::string&, const std::string&,
                           absl::Time) override {
    return ++requests_;
  }
  std::vector<std::pair<RequestId, absl::StatusOr<keymgmt::Ppk>>> TakeResults(
      absl::Time) override {
    return {};
  }
  absl::Time NextTimeout() const override { return absl::InfiniteFuture(); }
  int requests() const { return requests_; }

 private:
  int requests_ = 0;
};

IkePolicy Policy(const std::string& name, const char* local,
                 const char* remote) {
  IkePolicy policy;
  policy.name = name;
  policy.local_address = Ip(local);
  policy.remote_address = Ip(remote);
  IkeProposalConfig ike;
  ike.encryption = {EncryptionAlgorithm::kAesGcm16_256};
  ike.prf = {crypto::PrfAlgorithm::kHmacSha384};
  ike.groups = {crypto::KeyExchangeGroup::kEcp384};
  policy.ike_proposals = {ike};
  EspProposalConfig esp;
  esp.encryption = {EncryptionAlgorithm::kAesCbc192};
  esp.integrity = {IntegrityAlgorithm::kHmacSha2_256_128};
  policy.esp_proposals = {esp};
  policy.local_identity = Identity::Address(Ip(local));
  policy.psk_lookup = [](const Identity&, const ipsec::IpAddress&)
      -> absl::StatusOr<crypto::SecretBytes> { return Bytes("cisco"); };
  policy.local_selectors = {ipsec::TrafficSelector::Any(true)};
  policy.remote_selectors = {ipsec::TrafficSelector::Any(true)};
  return policy;
}

struct Side {
  keymgmt::ManualPpkSource source;
  PpkSettings::Kind kind = PpkSettings::Kind::kManual;
  bool required = false;
  bool enabled = true;
  keymgmt::PpkSource* custom = nullptr;
};

void Configure(IkePolicy& policy, Side& side, const std::string& peer) {
  if (!side.enabled) return;
  policy.ppk.kind = side.kind;
  policy.ppk.required = side.required;
  policy.ppk.source = side.custom != nullptr ? side.custom : &side.source;
  policy.ppk.peer = peer;
  policy.ppk.timeout = absl::Seconds(3);
}

struct PpkRun {
  Simulation sim{41, testing::NetworkConditions{}};
  Side initiator;
  Side responder;

  void Run() {
    IkePolicy a = Policy("p1", "10.10.10.3", "10.10.10.1");
    IkePolicy b = Policy("p1", "10.10.10.1", "10.10.10.3");
    Configure(a, initiator, "init");
    Configure(b, responder, "init");
    sim.set_b_address(Ip("10.10.10.1"));
    ASSERT_TRUE(sim.a().engine.AddPolicy(std::move(a)).ok());
    ASSERT_TRUE(sim.b().engine.AddPolicy(std::move(b)).ok());
    ASSERT_TRUE(sim.a().engine.Initiate("p1", sim.now()).ok());
    sim.RunFor(absl::Seconds(20));
  }
  std::string Show(Router& router) {
    return ShowIkev2Session(router.engine.Status(sim.now()), true) +
           ShowIkev2Sa(router.engine.Status(sim.now()));
  }
};

constexpr char kPpk[] = "post-quantum preshared key 0123456789";
constexpr char kPpkHex[] =
    "706f73742d7175616e74756d20707265736861726564206b6579";

TEST(PpkTest, BothRequiredManualPpk) {
  PpkRun run;
  run.initiator.required = run.responder.required = true;
  ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
  ASSERT_TRUE(run.responder.source.AddKey("init", "123", Bytes(kPpk)).ok());
  run.Run();
  ASSERT_EQ(run.sim.a().Count(EventType::kChildSaInstalled), 1)
      << run.sim.a().Reasons() << run.sim.b().Reasons();
  ExpectMirroredChildSas(run.sim.a(), run.sim.b());
  for (Router* router : {&run.sim.a(), &run.sim.b()}) {
    std::string show = run.Show(*router);
    EXPECT_THAT(
        show,
        HasSubstr("Quantum resistance          : Enabled with manual PPK"));
    for (const ipsec::SadEntry& entry : router->sad.List()) {
      EXPECT_TRUE(entry.sa->quantum_resistant());
    }
    // The PPK never appears in status or events.
    EXPECT_THAT(show, Not(HasSubstr(kPpk)));
    EXPECT_THAT(router->Reasons(), Not(HasSubstr(kPpk)));
    EXPECT_THAT(show + router->Reasons(), Not(HasSubstr(kPpkHex)));
  }
  // Quantum resistance survives rekeys: SK_d was mixed.
  std::vector<IkeSaStatus> status = run.sim.a().engine.Status(run.sim.now());
  ASSERT_TRUE(run.sim.a().engine.RekeyIkeSa(status[0].id, run.sim.now()).ok());
  run.sim.RunFor(absl::Seconds(5));
  status = run.sim.a().engine.Status(run.sim.now());
  ASSERT_TRUE(
      run.sim.a().engine.RekeyChildSa(status[0].id, run.sim.now()).ok());
  run.sim.RunFor(absl::Seconds(5));
  ExpectMirroredChildSas(run.sim.a(), run.sim.b());
  EXPECT_THAT(
      run.Show(run.sim.b()),
      HasSubstr("Quantum resistance          : Enabled with manual PPK"));
  for (const ipsec::SadEntry& entry : run.sim.b().sad.List()) {
    EXPECT_TRUE(entry.sa->quantum_resistant());
  }
}

TEST(PpkTest, OneSideOptionalStillUsesThePpk) {
  PpkRun run;
  run.initiator.required = false;
  run.responder.required = true;
  run.initiator.kind = run.responder.kind = PpkSettings::Kind::kDynamic;
  ASSERT_TRUE(run.initiator.source.AddKey("init", "k1", Bytes(kPpk)).ok());
  ASSERT_TRUE(run.responder.source.AddKey("init", "k1", Bytes(kPpk)).ok());
  run.Run();
  ASSERT_EQ(run.sim.b().Count(EventType::kChildSaInstalled), 1)
      << run.sim.b().Reasons();
  ExpectMirroredChildSas(run.sim.a(), run.sim.b());
  EXPECT_THAT(run.Show(run.sim.a()), HasSubstr("Enabled with dynamic PPK"));
}

TEST(PpkTest, MismatchedPpkValuesFailCleanlyOnBothSides) {
  PpkRun run;
  run.initiator.required = run.responder.required = true;
  ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
  ASSERT_TRUE(
      run.responder.source.AddKey("init", "123", Bytes("another key")).ok());
  run.Run();
  EXPECT_EQ(run.sim.a().Count(EventType::kIkeSaEstablished), 0);
  EXPECT_EQ(run.sim.b().Count(EventType::kIkeSaEstablished), 0);
  EXPECT_THAT(run.sim.a().Reasons(), HasSubstr("AUTHENTICATION_FAILED"));
  EXPECT_THAT(run.sim.b().Reasons(), HasSubstr("does not verify"));
  EXPECT_EQ(
      run.sim.a().engine.ike_sa_count() + run.sim.b().engine.ike_sa_count(),
      0u);
}

TEST(PpkTest, UnknownIdFallsBackWhenBothOptional) {
  PpkRun run;
  ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
  ASSERT_TRUE(run.responder.source.AddKey("init", "456", Bytes(kPpk)).ok());
  run.Run();
  ASSERT_EQ(run.sim.a().Count(EventType::kChildSaInstalled), 1)
      << run.sim.a().Reasons() << run.sim.b().Reasons();
  ExpectMirroredChildSas(run.sim.a(), run.sim.b());
  EXPECT_THAT(run.sim.b().Reasons(), HasSubstr("unknown PPK ID '123'"));
  EXPECT_THAT(run.sim.b().Reasons(), HasSubstr("falling back"));
  EXPECT_THAT(run.Show(run.sim.a()), Not(HasSubstr("Quantum resistance")));
  for (const ipsec::SadEntry& entry : run.sim.a().sad.List()) {
    EXPECT_FALSE(entry.sa->quantum_resistant());
  }
}

TEST(PpkTest, UnknownIdFailsWhenResponderRequiresIt) {
  PpkRun run;
  run.responder.required = true;
  ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
  ASSERT_TRUE(run.responder.source.AddKey("init", "456", Bytes(kPpk)).ok());
  run.Run();
  EXPECT_THAT(run.sim.b().Reasons(),
              HasSubstr("unknown PPK ID '123' (required)"));
  EXPECT_THAT(run.sim.a().Reasons(), HasSubstr("AUTHENTICATION_FAILED"));
  EXPECT_EQ(
      run.sim.a().engine.ike_sa_count() + run.sim.b().engine.ike_sa_count(),
      0u);
}

TEST(PpkTest, PeerWithoutUsePpk) {
  {
    PpkRun run;
    run.initiator.required = true;
    run.responder.enabled = false;
    ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
    run.Run();
    EXPECT_THAT(run.sim.a().Reasons(),
                HasSubstr("PPK required but the peer did not offer USE_PPK"));
    EXPECT_EQ(run.sim.a().Count(EventType::kIkeSaEstablished), 0);
  }
  {
    PpkRun run;  // optional: plain authentication
    run.responder.enabled = false;
    ASSERT_TRUE(run.initiator.source.AddKey("init", "123", Bytes(kPpk)).ok());
    run.Run();
    EXPECT_EQ(run.sim.a().Count(EventType::kChildSaInstalled), 1)
        << run.sim.a().Reasons();
    ExpectMirroredChildSas(run.sim.a(), run.sim.b());
  }
}

TEST(PpkTest, KeySourceDownTimesOut) {
  for (bool required : {true, false}) {
    PpkRun run;
    SilentPpkSource silent;
    run.initiator.custom = &silent;
    run.initiator.kind = PpkSettings::Kind::kDynamic;
    run.initiator.required = required;
    ASSERT_TRUE(run.responder.source.AddKey("init", "123", Bytes(kPpk)).ok());
    run.Run();
    EXPECT_EQ(silent.requests(), 1);
    EXPECT_THAT(run.sim.a().Reasons(),
                HasSubstr("key source did not answer within 3s"));
    if (required) {
      EXPECT_EQ(run.sim.a().Count(EventType::kIkeSaEstablished), 0);
      EXPECT_EQ(run.sim.a().engine.ike_sa_count(), 0u);
    } else {
      EXPECT_EQ(run.sim.a().Count(EventType::kChildSaInstalled), 1)
          << run.sim.a().Reasons() << run.sim.b().Reasons();
      ExpectMirroredChildSas(run.sim.a(), run.sim.b());
    }
  }
}

}  // namespace
}  // namespace cygnet::ike
