#include "ike/config/render.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ike/config/parser.h"

namespace cygnet::ike::config {
namespace {

const char* const kAllExamples[] = {
#include "ike/config/testdata_list.inc"
};

std::string Read(absl::string_view name) {
  std::ifstream in(absl::StrCat("ike/config/testdata/", name));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

RenderOptions WithSecrets() {
  RenderOptions options;
  options.include_clear_secrets = true;
  return options;
}

TEST(RenderTest, EverySeedExampleRoundTrips) {
  int checked = 0;
  for (absl::string_view name : kAllExamples) {
    if (name == "seed002_default_ikev2_proposal_body.txt") continue;
    ParseOptions lenient;
    lenient.lenient = true;
    absl::StatusOr<ParseResult> first = ParseConfig(Read(name), lenient);
    ASSERT_TRUE(first.ok()) << name << ": " << first.status();
    std::string rendered = RenderRunningConfig(first->config, WithSecrets());
    absl::StatusOr<ParseResult> second = ParseConfig(rendered);
    ASSERT_TRUE(second.ok()) << name << ": " << second.status() << "\n"
                             << rendered;
    EXPECT_EQ(RenderRunningConfig(second->config, WithSecrets()), rendered)
        << name;
    ++checked;
  }
  EXPECT_EQ(checked, 62);
}

TEST(RenderTest, Seed001Router2RunningConfig) {
  absl::StatusOr<ParseResult> parsed =
      ParseConfig(Read("seed001_r2_running_config.txt"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(RenderRunningConfig(parsed->config, WithSecrets()),
            "ikev2 proposal ikev2_proposal_mgmt_P2\n"
            " encryption aes-cbc-256\n"
            " integrity sha-256\n"
            " prf sha-256\n"
            " dh-group 20\n"
            "exit\n!\n"
            "ikev2 policy ikev2_policy_mgmt_P2\n"
            " match address local 198.52.100.21\n"
            " proposal ikev2_proposal_mgmt_P2\n"
            "exit\n!\n"
            "keyring key_mgmt_P2\n"
            " peer Acadial\n"
            "  address 198.52.100.21 255.255.255.0\n"
            "  pre-shared-key 0 cisco123\n"
            "  exit\n"
            "exit\n!\n"
            "ikev2 profile ikev2_prof_mgmt_P2\n"
            " keyring key_mgmt_P2\n"
            " lifetime 600\n"
            " authentication local pre-shared\n"
            " match identity remote address 198.52.100.5 255.255.255.0\n"
            "exit\n!\n"
            "ipsec transform-set ts_mgmt_P2\n"
            " mode tunnel\n"
            " transform esp-256-aes esp-hmac-sha-256\n"
            "exit\n!\n"
            "ipsec profile ipsec_prof_mgmt_P2\n"
            " set ikev2-profile ikev2_prof_mgmt_P2\n"
            " set pfs group19\n"
            " set security-association lifetime seconds 600\n"
            " set transform-set ts_mgmt_P2\n"
            "exit\n!\n"
            "interface tunnel-ip1\n"
            " ipv4 address 192.0.2.1 255.255.255.0\n"
            " tunnel mode ipsec ipv4\n"
            " tunnel source MgmtEth0/RP0/CPU0/0\n"
            " tunnel destination 5.22.16.52\n"
            " tunnel protection ipsec profile ipsec_prof_mgmt_P2\n"
            "exit\n!\n");
}

TEST(RenderTest, ClearSecretsAreHiddenByDefault) {
  absl::StatusOr<ParseResult> parsed = ParseConfig(
      "keyring k\n peer a\n  pre-shared-key cisco123\n  address 10.0.0.1\n"
      "  ppk manual id 7 key clearppk required\n"
      " peer b\n  pre-shared-key 7 0822455D0A16\n  address 10.0.0.2\n");
  ASSERT_TRUE(parsed.ok());
  std::string shown = RenderRunningConfig(parsed->config);
  EXPECT_FALSE(absl::StrContains(shown, "cisco123"));
  EXPECT_FALSE(absl::StrContains(shown, "clearppk"));
  const KeyringPeer& a = parsed->config.keyrings[0].peers[0];
  EXPECT_TRUE(absl::StrContains(
      shown, absl::StrCat("  ! pre-shared-key (clear key, fingerprint ",
                          a.local_psk->value.Fingerprint(), ", not shown)\n")));
  EXPECT_TRUE(absl::StrContains(shown, "  ! ppk manual id 7 key (clear key"));
  // Stored forms are shown: they are what the configuration holds.
  EXPECT_TRUE(absl::StrContains(shown, "  pre-shared-key 7 0822455D0A16\n"));
}

TEST(RenderTest, AsymmetricKeysUnnamedProfilesAndXeObjects) {
  const char* text =
      "key config-key password-encryption abcdefgh12345678\n"
      "password encryption aes\n"
      "crypto ikev2 dpd 30 on-demand\n"
      "crypto ipsec security-association replay disable\n"
      "crypto keyring pre\n pre-shared-key address 10.0.0.1 key 7 "
      "0822455D0A16\n"
      "keyring k peer a pre-shared-key local one\n"
      "keyring k peer a pre-shared-key remote two\n"
      "keyring k peer a identity domain example.com\n"
      "ipsec profile set pfs group20\n"
      "crypto isakmp policy 1\n encr aes 256\n group 14\n"
      "crypto pki certificate map M 3\n subject-name eq cn = x\n";
  absl::StatusOr<ParseResult> parsed = ParseConfig(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  std::string rendered = RenderRunningConfig(parsed->config, WithSecrets());
  EXPECT_TRUE(absl::StartsWith(rendered,
                               "key config-key password-encryption\n"
                               "password encryption aes\n"
                               "crypto ikev2 dpd 30 on-demand\n"
                               "crypto ipsec security-association replay "
                               "disable\n"));
  EXPECT_FALSE(absl::StrContains(rendered, "abcdefgh12345678"));
  EXPECT_TRUE(
      absl::StrContains(rendered,
                        "crypto keyring pre\n pre-shared-key address 10.0.0.1 "
                        "255.255.255.255 key 7 0822455D0A16\nexit\n"));
  EXPECT_TRUE(absl::StrContains(rendered,
                                "  pre-shared-key local 0 one\n"
                                "  pre-shared-key remote 0 two\n"));
  EXPECT_TRUE(absl::StrContains(rendered, "ipsec profile set pfs group20\n"));
  EXPECT_TRUE(absl::StrContains(rendered,
                                "crypto isakmp policy 1\n encryption aes 256\n"
                                " group 14\n"));
  EXPECT_TRUE(absl::StrContains(
      rendered, "crypto pki certificate map M 3\n subject-name eq cn = x\n"));
  absl::StatusOr<ParseResult> again = ParseConfig(rendered);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(RenderRunningConfig(again->config, WithSecrets()), rendered);
}

}  // namespace
}  // namespace cygnet::ike::config
