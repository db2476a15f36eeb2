#include "ike/config/validator.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ike/config/parser.h"

namespace cygnet::ike::config {
namespace {

Config Parse(absl::string_view text) {
  absl::StatusOr<ParseResult> result = ParseConfig(text);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return Config{};
  return std::move(result->config);
}

std::vector<std::string> Messages(const Config& config,
                                  Finding::Severity severity) {
  std::vector<std::string> out;
  for (const Finding& finding : Validate(config)) {
    if (finding.severity == severity) out.push_back(finding.message);
  }
  return out;
}

std::vector<std::string> Errors(absl::string_view text) {
  return Messages(Parse(text), Finding::Severity::kError);
}

std::vector<std::string> Warnings(absl::string_view text) {
  return Messages(Parse(text), Finding::Severity::kWarning);
}

using V = std::vector<std::string>;

// A complete, valid configuration; the tests break one thing at a time.
constexpr absl::string_view kValid =
    "ikev2 proposal P\n prf sha-256\n dh-group 20\n integrity sha-256\n"
    " encryption aes-cbc-256\n"
    "ikev2 policy POL\n proposal P\n"
    "keyring K\n peer A\n  address 10.0.0.1 255.255.255.255\n"
    "  pre-shared-key cisco123\n"
    "ikev2 profile PR\n keyring K\n authentication local pre-shared\n"
    " match identity remote address 10.0.0.1 255.255.255.255\n"
    "ipsec transform-set TS\n transform esp-256-aes esp-hmac-sha-256\n"
    "ipsec profile IP\n set ikev2-profile PR\n set transform-set TS\n"
    "interface tunnel-ip1\n tunnel destination 10.0.0.1\n"
    " tunnel protection ipsec profile IP\n";

TEST(ValidatorTest, CompleteConfigurationIsValid) {
  Config config = Parse(kValid);
  EXPECT_TRUE(Validate(config).empty());
  EXPECT_TRUE(CheckValid(config).ok());
}

TEST(ValidatorTest, DanglingReferences) {
  EXPECT_EQ(Errors("ikev2 policy POL proposal NOPE\n"),
            V{"line 1: ikev2 policy 'POL' names proposal 'NOPE', which does "
              "not exist"});
  EXPECT_EQ(Errors("ikev2 profile PR\n keyring NOPE\n keyring ppk NOPE2\n"
                   " match identity remote fqdn a.b\n"),
            (V{"line 1: ikev2 profile 'PR' names keyring 'NOPE', which does "
               "not exist",
               "line 1: ikev2 profile 'PR' names keyring ppk 'NOPE2', which "
               "does not exist"}));
  EXPECT_EQ(Errors("ipsec transform-set TS transform esp-gcm-256\n"
                   "ipsec profile IP\n set ikev2-profile NOPE\n"
                   " set transform-set TS MISSING\n"),
            (V{"line 2: ipsec profile 'IP' names transform-set 'MISSING', "
               "which does not exist",
               "line 2: ipsec profile 'IP' names ikev2 profile 'NOPE', which "
               "does not exist"}));
  EXPECT_EQ(Errors("interface tunnel-ip1\n tunnel destination 10.0.0.1\n"
                   " tunnel protection ipsec profile NOPE\n"),
            V{"line 1: interface 'tunnel-ip1' names ipsec profile 'NOPE', "
              "which does not exist"});
  EXPECT_EQ(Errors("keyring K peer A address 10.0.0.1\n"
                   "keyring K peer A ppk dynamic NOSKS\n"),
            V{"line 2: keyring 'K' peer 'A' uses ppk dynamic sks profile "
              "'NOSKS', which does not exist"});
  EXPECT_EQ(Errors("crypto isakmp profile X\n keyring NOPE\n"),
            V{"line 1: isakmp profile 'X' names keyring 'NOPE', which does "
              "not exist"});
  EXPECT_EQ(Errors("crypto ikev2 profile X\n match certificate MAP\n"
                   " authentication local rsa-sig\n pki trustpoint TP\n"),
            (V{"line 1: ikev2 profile 'X' names certificate map 'MAP', "
               "which does not exist",
               "line 1: ikev2 profile 'X' names pki trustpoint 'TP', which "
               "does not exist"}));
}

TEST(ValidatorTest, IncompleteProposals) {
  EXPECT_EQ(Errors("ikev2 proposal P integrity sha1\n"),
            (V{"line 1: ikev2 proposal 'P' is incomplete: no encryption",
               "line 1: ikev2 proposal 'P' is incomplete: no dh-group"}));
  EXPECT_EQ(Errors("ikev2 proposal P\n encryption aes-cbc-128\n group 19\n"),
            V{"line 1: ikev2 proposal 'P' is incomplete: no integrity"});
  EXPECT_EQ(Errors("ikev2 proposal P\n encryption aes-gcm-256\n group 19\n"),
            V{"line 1: ikev2 proposal 'P' is incomplete: an AEAD proposal "
              "needs a prf"});
  EXPECT_EQ(Errors("ikev2 proposal P\n encryption aes-gcm-256\n group 19\n"
                   " prf sha-384\n integrity sha-384\n"),
            V{"line 1: ikev2 proposal 'P' has integrity with an AEAD cipher "
              "(aes-gcm carries its own)"});
  EXPECT_EQ(Errors("ikev2 proposal P\n encryption aes-gcm-256 aes-cbc-256\n"
                   " group 19\n prf sha-384\n integrity sha-384\n"),
            (V{"line 1: ikev2 proposal 'P' mixes AEAD (aes-gcm) and non-AEAD "
               "encryption; use two proposals"}));
  // A non-AEAD proposal may leave prf out: it defaults to the integrity.
  EXPECT_TRUE(Errors("ikev2 proposal P\n encryption aes-cbc-128\n group 19\n"
                     " integrity sha-256\n")
                  .empty());
}

TEST(ValidatorTest, IncompleteTransformSetsAndProfiles) {
  EXPECT_EQ(Errors("ipsec transform-set T mode tunnel\n"),
            V{"line 1: ipsec transform-set 'T' is incomplete: no encryption"});
  EXPECT_EQ(Errors("ipsec transform-set T transform esp-256-aes\n"),
            V{"line 1: ipsec transform-set 'T' is incomplete: no integrity"});
  EXPECT_EQ(Errors("ipsec transform-set T transform esp-gcm-256 "
                   "esp-hmac-sha-256\n"),
            V{"line 1: ipsec transform-set 'T' has integrity with an AEAD "
              "cipher (esp-gcm carries its own)"});
  EXPECT_EQ(Errors("ikev2 profile X match identity remote fqdn a.b\n"),
            V{"line 1: ikev2 profile 'X' is incomplete: no authentication "
              "local"});
  EXPECT_EQ(Errors("ikev2 profile X\n authentication local pre-shared\n"
                   " match identity remote fqdn a.b\n"),
            V{"line 1: ikev2 profile 'X' uses pre-shared authentication but "
              "names no keyring"});
  EXPECT_EQ(Errors("ipsec profile IP set responder-only\n"),
            (V{"line 1: ipsec profile 'IP' is incomplete: no transform-set",
               "line 1: ipsec profile 'IP' is incomplete: no ikev2-profile"}));
  EXPECT_EQ(Errors("sks profile Q type remote\n"),
            V{"line 1: sks profile 'Q' is incomplete: no kme server"});
  EXPECT_EQ(Errors("keyring K peer A pre-shared-key x\n"),
            V{"line 1: keyring 'K' peer 'A' has neither address nor "
              "identity, so it can match no peer"});
}

TEST(ValidatorTest, ConflictingIdentitiesWithinAKeyring) {
  EXPECT_EQ(Errors("keyring K\n"
                   " peer A\n  identity fqdn RouterA.example.com\n"
                   " peer B\n  identity fqdn routera.EXAMPLE.com\n"),
            V{"line 5: keyring 'K': peers 'A' and 'B' both have identity fqdn "
              "routera.EXAMPLE.com"});
  EXPECT_EQ(Errors("keyring K\n"
                   " peer A\n  identity domain example.com\n"
                   " peer B\n  identity domain Example.Com\n"),
            V{"line 5: keyring 'K': peers 'A' and 'B' both have identity "
              "domain Example.Com"});
  EXPECT_EQ(Errors("keyring K\n"
                   " peer A\n  identity address 10.0.0.0 255.255.255.0\n"
                   " peer B\n  identity address 10.0.0.9 255.255.255.0\n"),
            V{"line 5: keyring 'K': peers 'A' and 'B' both have identity "
              "address 10.0.0.9 255.255.255.0"});
  EXPECT_EQ(Errors("keyring K\n"
                   " peer A\n  address 10.0.0.1\n"
                   " peer B\n  address 10.0.0.1\n"),
            V{"line 4: keyring 'K': peers 'A' and 'B' both have address "
              "10.0.0.1 255.255.255.255"});
  // Seed 001: the same string may be an FQDN in one peer and a domain in
  // another; and peers in different keyrings never conflict.
  EXPECT_TRUE(Errors("keyring K\n"
                     " peer A\n  identity fqdn example.com\n"
                     " peer B\n  identity domain example.com\n"
                     "keyring L\n"
                     " peer C\n  identity fqdn example.com\n")
                  .empty());
}

TEST(ValidatorTest, WarningsForRefusedAlgorithmsAndMissingConfigKey) {
  EXPECT_EQ(Warnings("ikev2 proposal P\n encryption 3des\n integrity md5\n"
                     " group 5\n"),
            (V{"line 1: ikev2 proposal 'P': encryption 3des is refused by "
               "cygnet (RFC 8247)",
               "line 1: ikev2 proposal 'P': integrity md5 is refused by "
               "cygnet (RFC 8247)",
               "line 1: ikev2 proposal 'P': dh-group 5 is refused by cygnet "
               "(RFC 8247)"}));
  EXPECT_EQ(Warnings("password encryption aes\n"),
            V{"line 0: Can not encrypt password. Please configure a "
              "configuration-key with 'key config-key'"});
  EXPECT_TRUE(Warnings("key config-key password-encryption\n"
                       "password encryption aes\n")
                  .empty());
  EXPECT_EQ(Warnings("ikev2 profile X\n keyring K\n"),
            V{"line 1: ikev2 profile 'X' has no match identity remote: no "
              "responder session can select it"});
}

TEST(ValidatorTest, CheckValidJoinsEveryError) {
  Config config =
      Parse("ikev2 policy A proposal X\nikev2 policy B proposal Y\n");
  absl::Status status = CheckValid(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "line 1: ikev2 policy 'A' names proposal 'X', which does not "
            "exist\nline 2: ikev2 policy 'B' names proposal 'Y', which does "
            "not exist");
}

TEST(ValidatorTest, ShortManualPpkIsAWarning) {
  EXPECT_EQ(Warnings("keyring K peer A address 10.0.0.1\n"
                     "keyring K peer A ppk manual id 123 key password "
                     "060506324F41584B56 required\n"),
            V{"line 2: keyring 'K' peer 'A' ppk manual id 123 is 8 bytes; "
              "RFC 8784 asks for at least 256 bits"});
  EXPECT_TRUE(Warnings("keyring K peer A address 10.0.0.1\n"
                       "keyring K peer A ppk manual id 1 key "
                       "0123456789abcdef0123456789abcdef\n")
                  .empty());
}

}  // namespace
}  // namespace cygnet::ike::config
