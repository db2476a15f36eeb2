#include "keymgmt/pairwise/config.h"

#include "gtest/gtest.h"

namespace cygnet::keymgmt::pairwise {
namespace {

TEST(SecurityConfigTest, Defaults) {
  const SecurityConfig c = *ParseSecurityConfig("");
  EXPECT_FALSE(c.pairwise_keying);
  EXPECT_FALSE(c.pwk_sym_rekey);
  EXPECT_EQ(c.rekey_interval, absl::Seconds(3600));  // seed: valid 3600 s
  EXPECT_EQ(c.replay_window, 512u);
  EXPECT_TRUE(c.authenticated());
}

TEST(SecurityConfigTest, FlatLinesFromTheSeed) {
  absl::StatusOr<SecurityConfig> c = ParseSecurityConfig(
      "hostname Device\n"
      "security ipsec pairwise-keying\n"
      "security ipsec pwk-sym-rekey\n"
      "security ipsec rekey 86400\n"
      "security ipsec replay-window 1024\n"
      "security ipsec authentication-type ah-sha1-hmac sha1-hmac\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->pairwise_keying);
  EXPECT_TRUE(c->pwk_sym_rekey);
  EXPECT_EQ(c->rekey_interval, absl::Seconds(86400));
  EXPECT_EQ(c->replay_window, 1024u);
}

TEST(SecurityConfigTest, NestedBlockAndNo) {
  absl::StatusOr<SecurityConfig> c = ParseSecurityConfig(
      "security\n"
      " ipsec\n"
      "  pairwise-keying\n"
      "  rekey 600\n"
      "  authentication-type none\n"
      "!\n"
      "system\n"
      " rekey 5\n");  // outside the block: not ours
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->pairwise_keying);
  EXPECT_EQ(c->rekey_interval, absl::Seconds(600));
  EXPECT_FALSE(c->authenticated());
  c = ParseSecurityConfig(
      "security ipsec pairwise-keying\nsecurity ipsec rekey 600\n"
      "security ipsec no rekey\nsecurity ipsec no pairwise-keying\n");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->pairwise_keying);
  EXPECT_EQ(c->rekey_interval, absl::Seconds(3600));
}

TEST(SecurityConfigTest, ErrorsNameLineAndValue) {
  auto error = [](absl::string_view text) {
    absl::StatusOr<SecurityConfig> c = ParseSecurityConfig(text);
    return c.ok() ? std::string("ok") : std::string(c.status().message());
  };
  EXPECT_EQ(error("security ipsec rekey 9"),
            "line 1: rekey 9 is outside 10..1209600 seconds");
  EXPECT_EQ(error("\nsecurity ipsec replay-window 500"),
            "line 2: replay-window 500 is not a power of two in 64..8192");
  EXPECT_EQ(error("security ipsec replay-window lots"),
            "line 1: `replay-window` wants one number, got \"lots\"");
  EXPECT_EQ(error("security ipsec authentication-type md5"),
            "line 1: unknown authentication-type \"md5\"");
  EXPECT_EQ(error("security ipsec frobnicate"),
            "line 1: unknown `security ipsec` keyword \"frobnicate\"");
  EXPECT_EQ(error("security ipsec pairwise-keying yes"),
            "line 1: `pairwise-keying` takes no value");
}

TEST(SecurityConfigTest, ShowSecurityInfoMatchesTheSeed) {
  SecurityConfig c;
  c.pairwise_keying = true;
  c.rekey_interval = absl::Seconds(86400);
  EXPECT_EQ(RenderSecurityInfo(c),
            "security-info authentication-type \"AH_SHA1_HMAC SHA1_HMAC\"\n"
            "security-info rekey 86400\n"
            "security-info replay-window 512\n"
            "security-info encryption-supported \"AES_GCM_256 (and "
            "AES_256_CBC for multicast)\"\n"
            "security-info fips-mode Enabled\n"
            "security-info pairwise-keying Enabled\n");
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
