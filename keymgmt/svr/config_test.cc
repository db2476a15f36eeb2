#include "keymgmt/svr/config.h"

#include <string>

#include "gtest/gtest.h"

namespace cygnet::keymgmt::svr {
namespace {

// The seed's "Sample Default Configuration", flattened as printed there.
constexpr char kSeedSample[] = R"(config

authority
enhanced-security-key-management true

router RTR_EAST_CONDUCTOR
name RTR_EAST_CONDUCTOR

node conductor-east-1
name conductor-east-1
exit
exit

router combo-east
name combo-east
peering-common-name second-fake-alias-2
location usa
description "router 1"
inter-node-security internal

router combo-west
name combo-west
peering-common-name second-fake-alias-3
location usa
inter-node-security internal
)";

TEST(ConfigTest, SeedSampleParses) {
  auto config = ParseAuthorityConfig(kSeedSample);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->enhanced_security_key_management);
  ASSERT_EQ(config->routers.size(), 3u);
  EXPECT_EQ(config->routers[0].name, "RTR_EAST_CONDUCTOR");
  ASSERT_EQ(config->routers[0].nodes.size(), 1u);
  EXPECT_EQ(config->routers[0].nodes[0].name, "conductor-east-1");
  EXPECT_EQ(config->routers[1].peering_common_name, "second-fake-alias-2");
  EXPECT_EQ(config->routers[1].description, "router 1");
  EXPECT_EQ(config->routers[1].inter_node_security, "internal");
  EXPECT_EQ(config->routers[2].peering_common_name, "second-fake-alias-3");
  // Defaults from the seed.
  const auto& skm = config->security_key_management;
  EXPECT_EQ(skm.payload_key_rekey_interval_hours, 24);
  EXPECT_EQ(skm.peer_key_rekey_interval_hours, 24);
  EXPECT_EQ(skm.peer_key_retransmit_interval_seconds, 30);
  EXPECT_EQ(skm.peer_key_timeout_seconds, 3600);
  EXPECT_EQ(skm.invalid_certificate_behavior,
            InvalidCertificateBehavior::kFailSoft);
  EXPECT_EQ(skm.key_exchange_algorithm, KeyExchangeAlgorithm::kEcdhP384);
  EXPECT_EQ(skm.peer_key_rekey_interval(), absl::Hours(24));
}

TEST(ConfigTest, SeedDefaultBlockAndOverrides) {
  auto config = ParseAuthorityConfig(R"(config
authority
security-key-management
payload-key-rekey-interval 24
peer-key-rekey-interval 24
peer-key-retransmit-interval 30
peer-key-timeout 3600
invalid-certificate-behavior fail-soft
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->enhanced_security_key_management);
  config = ParseAuthorityConfig(R"(authority
    enhanced-security-key-management true
    security-key-management
        key-exchange-algorithm x25519
        payload-key-rekey-interval never
        peer-key-rekey-interval 720
        peer-key-retransmit-interval 5
        peer-key-timeout 60
        invalid-certificate-behavior fail-hard
        trusted-ca-certificate root-ca
        trusted-ca-certificate intermediate-ca
    exit
)");
  ASSERT_TRUE(config.ok()) << config.status();
  const auto& skm = config->security_key_management;
  EXPECT_EQ(skm.key_exchange_algorithm, KeyExchangeAlgorithm::kX25519);
  EXPECT_FALSE(skm.payload_key_rekey_interval_hours.has_value());
  EXPECT_EQ(skm.payload_key_rekey_interval(), absl::InfiniteDuration());
  EXPECT_EQ(skm.peer_key_rekey_interval_hours, 720);
  EXPECT_EQ(skm.peer_key_retransmit_interval_seconds, 5);
  EXPECT_EQ(skm.peer_key_timeout_seconds, 60);
  EXPECT_EQ(skm.invalid_certificate_behavior,
            InvalidCertificateBehavior::kFailHard);
  EXPECT_EQ(skm.trusted_ca_certificates,
            (std::vector<std::string>{"root-ca", "intermediate-ca"}));
}

TEST(ConfigTest, PeersFromNeighborhoodsAndManualPeers) {
  auto config = ParseAuthorityConfig(R"(authority
enhanced-security-key-management true
router hub
peering-common-name hub-alias
neighborhood wan
router spoke1
peering-common-name spoke1-alias
neighborhood wan
router spoke2
peering-common-name spoke2-alias
peer hub
router-name hub
peering-common-name hub-alias
exit
)");
  ASSERT_TRUE(config.ok()) << config.status();
  auto hub_peers = config->EffectivePeers(*config->FindRouter("hub"));
  ASSERT_EQ(hub_peers.size(), 1u);
  EXPECT_EQ(hub_peers[0].router_name, "spoke1");
  EXPECT_EQ(hub_peers[0].peering_common_name, "spoke1-alias");
  auto spoke2_peers = config->EffectivePeers(*config->FindRouter("spoke2"));
  ASSERT_EQ(spoke2_peers.size(), 1u);
  EXPECT_EQ(spoke2_peers[0].peering_common_name, "hub-alias");
}

struct ErrorCase {
  const char* text;
  const char* expected;  // substring of the message
};

TEST(ConfigTest, EveryErrorNamesLineFieldAndValue) {
  const ErrorCase cases[] = {
      {"authority\nenhanced-security-key-management yes\n",
       "line 2: enhanced-security-key-management: value 'yes' is not true or "
       "false"},
      {"authority\nsecurity-key-management\npayload-key-rekey-interval 0\n",
       "line 3: payload-key-rekey-interval: value '0' is not 1..720 hours or "
       "never"},
      {"authority\nsecurity-key-management\npeer-key-rekey-interval 721\n",
       "line 3: peer-key-rekey-interval: value '721'"},
      {"authority\nsecurity-key-management\npeer-key-rekey-interval x\n",
       "value 'x'"},
      {"authority\nsecurity-key-management\npeer-key-retransmit-interval 4\n",
       "line 3: peer-key-retransmit-interval: value '4' outside 5..3600"},
      {"authority\nsecurity-key-management\npeer-key-retransmit-interval "
       "3601\n",
       "value '3601' outside 5..3600"},
      {"authority\nsecurity-key-management\npeer-key-timeout 9\n",
       "line 3: peer-key-timeout: value '9' outside 10..86400"},
      {"authority\nsecurity-key-management\npeer-key-retransmit-interval "
       "60\npeer-key-timeout 30\n",
       "line 4: peer-key-timeout: value '30' is below "
       "peer-key-retransmit-interval 60"},
      {"authority\nsecurity-key-management\ninvalid-certificate-behavior "
       "fail-open\n",
       "line 3: invalid-certificate-behavior: value 'fail-open'"},
      {"authority\nsecurity-key-management\nkey-exchange-algorithm dh-1024\n",
       "line 3: key-exchange-algorithm: value 'dh-1024'"},
      {"authority\nsecurity-key-management\npeer-key-timeout 60\n"
       "peer-key-timeout 70\n",
       "line 4: peer-key-timeout: set twice"},
      {"authority\nsecurity-key-management\nexit\nsecurity-key-management\n",
       "line 4: security-key-management: block given twice"},
      {"authority\nsecurity-key-management\npeer-key-timeout\n",
       "line 3: peer-key-timeout: missing value"},
      {"authority\nsecurity-key-management\npeer-key-timeout 60 70\n",
       "line 3: peer-key-timeout: unexpected '70'"},
      {"authority\nfrobnicate 1\n", "line 2: frobnicate: unknown attribute"},
      {"exit\n", "line 1: exit: no block to close"},
      {"authority\nrouter a\ndescription \"open\n",
       "line 3: quote: unterminated string"},
      {"authority\nrouter a\nname b\n",
       "line 3: name: value 'b' differs from router 'a'"},
      {"authority\nrouter a\nrouter a\n", "line 3: router: 'a' defined twice"},
      {"authority\nrouter a\nnode n1\nname n2\n",
       "line 4: name: value 'n2' differs from node 'n1'"},
      {"authority\nrouter a\npeering-common-name bad/name\n",
       "line 3: peering-common-name: value 'bad/name' is not 1..64"},
      {"authority\nrouter a\npeering-common-name x\nrouter b\n"
       "peering-common-name x\n",
       "line 4: peering-common-name: value 'x' of router 'b' already used by "
       "router 'a'"},
      {"authority\nrouter a\npeering-common-name pa\npeer b\n"
       "router-name b\npeering-common-name wrong\nexit\nrouter b\n"
       "peering-common-name pb\n",
       "line 4: peering-common-name: value 'wrong' of peer 'b' differs from "
       "router 'b' ('pb')"},
      {"authority\nrouter a\npeering-common-name pa\npeer ghost\n"
       "peering-common-name pg\n",
       "line 4: router-name: value 'ghost' names no router"},
      {"authority\nrouter a\npeering-common-name pa\npeer a\n"
       "peering-common-name pa\n",
       "line 4: router-name: value 'a' is the router itself"},
      {"authority\nrouter a\npeering-common-name pa\npeer b\nexit\n"
       "router b\npeering-common-name pb\n",
       "line 4: peering-common-name: missing for peer 'b'"},
      {"authority\nenhanced-security-key-management true\nrouter a\n"
       "neighborhood n\nrouter b\npeering-common-name pb\nneighborhood n\n",
       "line 3: peering-common-name: missing for router 'a', which has peers"},
      {"authority\nenhanced-security-key-management true\nrouter a\n"
       "peering-common-name pa\nneighborhood n\nrouter b\nneighborhood n\n",
       "line 6: peering-common-name: missing for peer router 'b' of 'a'"},
      {"authority\nrouter a\npeer b\nname c\n",
       "line 4: name: value 'c' differs from peer 'b'"},
  };
  for (const ErrorCase& c : cases) {
    auto config = ParseAuthorityConfig(c.text);
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos)
        << "got: " << config.status().message() << "\nwant: " << c.expected;
  }
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
