// Seed 001 / 003's Router 1 and Router 2 running configurations, parsed as
// written, bound to engine policies and negotiated in the simulator.
//
// As written the two configurations cannot talk: Router 1's profile names
// keyring `key_mgmt`, which does not exist (the keyring is key_mgmt_P1), its
// tunnel destination 5.22.16.25 is not Router 2, and Router 2 expects its
// peer's identity in 198.52.100.5/24 while Router 1's policy sits at
// 198.51.100.5. The tests show each of these exactly as cygnet reports them,
// then negotiate with the fewest corrections: the keyring name, and Router 1
// placed at 198.52.100.5 (the address Router 2's keyring step gives
// ACADIA-1) with Router 2 as destination.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/config/parser.h"
#include "ike/config/validator.h"
#include "ike/engine/config_binding.h"
#include "ike/engine/engine_simulation.h"

namespace cygnet::ike {
namespace {

using ::testing::HasSubstr;

std::string ReadSeed(const std::string& name) {
  std::ifstream in("ike/config/testdata/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const config::Config> Parse(const std::string& text) {
  absl::StatusOr<config::ParseResult> parsed = config::ParseConfig(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  if (!parsed.ok()) return nullptr;
  return std::make_shared<const config::Config>(std::move(parsed->config));
}

ipsec::IpAddress Ip(const char* text) { return *ipsec::IpAddress::Parse(text); }

class SeedConfigsTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::string r1() { return ReadSeed(GetParam() + "_r1_running_config.txt"); }
  std::string r2() { return ReadSeed(GetParam() + "_r2_running_config.txt"); }
};

TEST_P(SeedConfigsTest, AsWrittenTheSeedShowsItsTypos) {
  std::string text1 = r1();
  ASSERT_FALSE(text1.empty());
  std::shared_ptr<const config::Config> config1 = Parse(text1);
  std::shared_ptr<const config::Config> config2 = Parse(r2());
  ASSERT_TRUE(config1 && config2);
  absl::Status valid1 = config::CheckValid(*config1);
  EXPECT_FALSE(valid1.ok());
  EXPECT_THAT(std::string(valid1.message()), HasSubstr("key_mgmt"));
  absl::StatusOr<IkePolicy> policy1 = BindTunnel(config1, "tunnel-ip1");
  ASSERT_FALSE(policy1.ok());
  EXPECT_THAT(std::string(policy1.status().message()),
              HasSubstr("names keyring 'key_mgmt' which does not exist"));

  // Router 2 binds as written: its policy address and tunnel destination.
  absl::StatusOr<IkePolicy> policy2 = BindTunnel(config2, "tunnel-ip1");
  ASSERT_TRUE(policy2.ok()) << policy2.status();
  EXPECT_EQ(policy2->local_address, Ip("198.52.100.21"));
  EXPECT_EQ(policy2->remote_address, Ip("5.22.16.52"));
  EXPECT_EQ(policy2->ike_lifetime, absl::Seconds(600));
  EXPECT_EQ(policy2->child_lifetime, absl::Seconds(600));
  ASSERT_EQ(policy2->esp_proposals.size(), 1u);
  EXPECT_EQ(
      policy2->esp_proposals[0].pfs_groups,
      std::vector<crypto::KeyExchangeGroup>{crypto::KeyExchangeGroup::kEcp256});
}

// Router 1 with only its keyring reference fixed, at its own address
// 198.51.100.5: Router 2 refuses its identity, cleanly on both sides.
TEST_P(SeedConfigsTest, IdentityOutsideRouter2sMatchIsRefused) {
  std::string text1 = absl::StrReplaceAll(
      r1(), {{"keyring key_mgmt\n", "keyring key_mgmt_P1\n"}});
  std::shared_ptr<const config::Config> config1 = Parse(text1);
  std::shared_ptr<const config::Config> config2 = Parse(r2());
  ASSERT_TRUE(config1 && config2);
  BindingOverrides to_router2;
  to_router2.remote_address = Ip("198.52.100.21");
  absl::StatusOr<IkePolicy> policy1 =
      BindTunnel(config1, "tunnel-ip1", to_router2);
  ASSERT_TRUE(policy1.ok()) << policy1.status();
  EXPECT_EQ(policy1->local_address, Ip("198.51.100.5"));
  BindingOverrides to_router1;
  to_router1.remote_address = Ip("198.51.100.5");
  absl::StatusOr<IkePolicy> policy2 =
      BindTunnel(config2, "tunnel-ip1", to_router1);
  ASSERT_TRUE(policy2.ok()) << policy2.status();
  policy2->remote_prefix_length = 0;  // accept IKE_SA_INIT from anywhere

  Simulation sim(21, testing::NetworkConditions{});
  sim.set_b_address(Ip("198.52.100.21"));
  ASSERT_TRUE(sim.a().engine.AddPolicy(*policy1).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(*policy2).ok());
  ASSERT_TRUE(sim.a().engine.Initiate(policy1->name, sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  EXPECT_THAT(sim.b().Reasons(),
              HasSubstr("peer identity 198.51.100.5 does not match address "
                        "198.52.100.5/24"));
  EXPECT_THAT(sim.a().Reasons(), HasSubstr("AUTHENTICATION_FAILED"));
  EXPECT_EQ(sim.a().engine.ike_sa_count() + sim.b().engine.ike_sa_count(), 0u);
}

TEST_P(SeedConfigsTest, WithTheFewestCorrectionsTheRoutersNegotiate) {
  std::string text1 = absl::StrReplaceAll(
      r1(), {{"keyring key_mgmt\n", "keyring key_mgmt_P1\n"}});
  std::shared_ptr<const config::Config> config1 = Parse(text1);
  std::shared_ptr<const config::Config> config2 = Parse(r2());
  ASSERT_TRUE(config1 && config2);
  BindingOverrides router1;
  router1.local_address = Ip("198.52.100.5");
  router1.remote_address = Ip("198.52.100.21");
  absl::StatusOr<IkePolicy> policy1 =
      BindTunnel(config1, "tunnel-ip1", router1);
  ASSERT_TRUE(policy1.ok()) << policy1.status();
  BindingOverrides router2;
  router2.remote_address = Ip("198.52.100.5");
  absl::StatusOr<IkePolicy> policy2 =
      BindTunnel(config2, "tunnel-ip1", router2);
  ASSERT_TRUE(policy2.ok()) << policy2.status();

  Simulation sim(22, testing::NetworkConditions{0.1, 0.05, 0.1});
  sim.set_b_address(Ip("198.52.100.21"));
  ASSERT_TRUE(sim.a().engine.AddPolicy(*policy1).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(*policy2).ok());
  ASSERT_TRUE(sim.a().engine.Initiate(policy1->name, sim.now()).ok());
  // Through two lifetimes of 600 s, with the seed's PFS group 19 rekeys.
  sim.RunFor(absl::Seconds(1300));
  EXPECT_EQ(sim.a().Count(EventType::kIkeSaEstablished), 1)
      << sim.a().Reasons();
  EXPECT_EQ(sim.b().Count(EventType::kIkeSaEstablished), 1)
      << sim.b().Reasons();
  EXPECT_GE(sim.a().Count(EventType::kChildSaRekeyed), 2);
  EXPECT_EQ(sim.a().sad.inbound_size(), 1u);
  EXPECT_EQ(sim.b().sad.inbound_size(), 1u);
  std::vector<IkeSaStatus> status = sim.a().engine.Status(sim.now());
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(PrfHashGroupText(status[0].suite), "SHA256/SHA256/20");
  EXPECT_EQ(IkeEncryptionKeysizeText(status[0].suite.encryption),
            "AES-CBC/256");
  ASSERT_EQ(status[0].child_sas.size(), 1u);
  EXPECT_EQ(status[0].child_sas[0].suite.pfs_group,
            crypto::KeyExchangeGroup::kEcp256);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedConfigsTest,
                         ::testing::Values("seed001", "seed003"));

}  // namespace
}  // namespace cygnet::ike

namespace cygnet::ike {
namespace {

// Seed 001's manual-PPK initiator and responder steps, verbatim, on top of
// the IKEv2 proposal and policy the seed says they are added to ("The PPK
// configuration is done in addition to the IPsec configuration"): the
// routers negotiate with the PPK mixed in and report it as the seed does.
std::string Steps(const std::string& side, int last_step,
                  const std::vector<std::string>& names) {
  std::string text;
  for (int step = 1; step <= last_step; ++step) {
    text += ReadSeed(absl::StrCat("seed001_manual_ppk_", side, "_step", step,
                                  "_", names[step - 1], ".txt"));
    text += "\n";
  }
  return text;
}

std::string Base(const char* local) {
  return absl::StrCat(
      "ikev2 proposal ppk_proposal prf sha-256\n"
      "ikev2 proposal ppk_proposal dh-group 20\n"
      "ikev2 proposal ppk_proposal integrity sha-256\n"
      "ikev2 proposal ppk_proposal encryption aes-cbc-256\n"
      "ikev2 policy ppk_policy match address local ",
      local, "\nikev2 policy ppk_policy proposal ppk_proposal\n");
}

TEST(SeedPpkConfigsTest, ManualPpkExampleNegotiatesQuantumResistant) {
  const std::vector<std::string> names = {"interface", "keyring",
                                          "ikev2_profile", "transform_set",
                                          "ipsec_profile"};
  std::shared_ptr<const config::Config> initiator =
      Parse(Base("10.10.10.3") + Steps("initiator", 5, names));
  std::shared_ptr<const config::Config> responder =
      Parse(Base("10.10.10.1") + Steps("responder", 5, names));
  ASSERT_TRUE(initiator && responder);
  BindingOverrides to_responder;
  to_responder.local_address = Ip("10.10.10.3");
  absl::StatusOr<IkePolicy> policy1 =
      BindTunnel(initiator, "tunnel-ip1", to_responder);
  ASSERT_TRUE(policy1.ok()) << policy1.status();
  EXPECT_EQ(policy1->ppk.kind, PpkSettings::Kind::kManual);
  EXPECT_TRUE(policy1->ppk.required);
  BindingOverrides to_initiator;
  to_initiator.local_address = Ip("10.10.10.1");
  absl::StatusOr<IkePolicy> policy2 =
      BindTunnel(responder, "tunnel-ip1", to_initiator);
  ASSERT_TRUE(policy2.ok()) << policy2.status();
  EXPECT_TRUE(policy2->responder_only);

  Simulation sim(23, testing::NetworkConditions{});
  sim.set_b_address(Ip("10.10.10.1"));
  ASSERT_TRUE(sim.a().engine.AddPolicy(*policy1).ok());
  ASSERT_TRUE(sim.b().engine.AddPolicy(*policy2).ok());
  ASSERT_TRUE(sim.a().engine.Initiate(policy1->name, sim.now()).ok());
  sim.RunFor(absl::Seconds(10));
  ASSERT_EQ(sim.b().Count(EventType::kChildSaInstalled), 1)
      << sim.a().Reasons() << sim.b().Reasons();
  ExpectMirroredChildSas(sim.a(), sim.b());
  for (Router* router : {&sim.a(), &sim.b()}) {
    std::vector<IkeSaStatus> status = router->engine.Status(sim.now());
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(status[0].quantum_resistance, "Enabled with manual PPK");
    for (const ipsec::SadEntry& entry : router->sad.List()) {
      EXPECT_TRUE(entry.sa->quantum_resistant());
      EXPECT_EQ(entry.sa->transform().cipher(), ipsec::EspCipher::kAesCbc192);
    }
  }
}

}  // namespace
}  // namespace cygnet::ike
