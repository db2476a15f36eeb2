#include "ike/config/parser.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"
#include "ipsec/ip_address.h"
#include "keymgmt/secrets/type6.h"

namespace cygnet::ike::config {
namespace {

ipsec::IpAddress Ip(absl::string_view text) {
  return *ipsec::IpAddress::Parse(text);
}

std::string Clear(const crypto::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

crypto::SecretBytes Secret(absl::string_view text) {
  return crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Config Parse(absl::string_view text) {
  absl::StatusOr<ParseResult> result = ParseConfig(text);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return Config{};
  return std::move(result->config);
}

// The error message of parsing `text` (strict).
std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<ParseResult> result = ParseConfig(text);
  EXPECT_FALSE(result.ok()) << text;
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(result.status().message());
}

TEST(ParserTest, BlockAndOneLineFormsAreEquivalent) {
  Config block = Parse(
      "ikev2 proposal P\n"
      " prf sha-256\n"
      " dh-group 20\n"
      " integrity sha-256\n"
      " encryption aes-cbc-256\n"
      "exit\n");
  Config one_line = Parse(
      "ikev2 proposal P prf sha-256\n"
      "ikev2 proposal P dh-group 20\n"
      "ikev2 proposal P integrity sha-256\n"
      "ikev2 proposal P encryption aes-cbc-256\n");
  ASSERT_EQ(block.proposals.size(), 1u);
  ASSERT_EQ(one_line.proposals.size(), 1u);
  EXPECT_EQ(block.proposals[0].encryption, one_line.proposals[0].encryption);
  EXPECT_EQ(block.proposals[0].integrity, one_line.proposals[0].integrity);
  EXPECT_EQ(block.proposals[0].prf, one_line.proposals[0].prf);
  EXPECT_EQ(block.proposals[0].dh_groups, one_line.proposals[0].dh_groups);
  EXPECT_EQ(block.proposals[0].line, 1);
}

TEST(ParserTest, ListsAppendWithoutDuplicates) {
  Config c = Parse(
      "ikev2 proposal P\n"
      " encryption aes-gcm-256 aes-gcm-128\n"
      " encryption aes-gcm-256\n"
      " prf sha-384 sha256\n"
      " dh-group 19 20 21\n");
  const Ikev2Proposal& p = c.proposals[0];
  EXPECT_EQ(p.encryption,
            (std::vector<IkeEncryption>{IkeEncryption::kAesGcm256,
                                        IkeEncryption::kAesGcm128}));
  EXPECT_EQ(p.prf, (std::vector<IkeHash>{IkeHash::kSha384, IkeHash::kSha256}));
  EXPECT_EQ(p.dh_groups, (std::vector<int>{19, 20, 21}));
}

TEST(ParserTest, UnknownKeywordNamesLineTokenAndBlock) {
  EXPECT_EQ(ErrorOf("!\n"
                    "ikev2 proposal P\n"
                    " prf sha-256\n"
                    " encryptoin aes-cbc-256\n"),
            "line 4: unknown keyword 'encryptoin' in ikev2 proposal");
  EXPECT_EQ(ErrorOf("bogus command\n"),
            "line 1: unknown keyword 'bogus' in global configuration");
  EXPECT_EQ(ErrorOf("keyring k\n peer a\n  adress 10.0.0.1\n"),
            "line 3: unknown keyword 'adress' in keyring peer");
  EXPECT_EQ(ErrorOf("ikev2 proposal P encryptoin aes-cbc-256\n"),
            "line 1: unknown keyword 'encryptoin' in ikev2 proposal");
  EXPECT_EQ(ErrorOf("crypto ikev3 proposal P\n"),
            "line 1: unknown keyword 'ikev3' in crypto");
  EXPECT_EQ(ErrorOf("ikev2 policy X match fvrp any\n"),
            "line 1: unknown keyword 'fvrp' in ikev2 policy match (expected "
            "'address' or 'fvrf')");
  EXPECT_EQ(ErrorOf("ipsec profile X set pfs-group 19\n"),
            "line 1: unknown keyword 'pfs-group' in ipsec profile set");
}

TEST(ParserTest, BadValuesNameTheValue) {
  EXPECT_EQ(ErrorOf("ikev2 proposal P encryption aes-cbc-512\n"),
            "line 1: unknown encryption 'aes-cbc-512' (expected aes-cbc-128, "
            "aes-cbc-192, aes-cbc-256, aes-gcm-128, aes-gcm-256, 3des or des)");
  EXPECT_TRUE(absl::StartsWith(ErrorOf("ikev2 proposal P dh-group 18\n"),
                               "line 1: unknown dh-group '18'"));
  EXPECT_TRUE(absl::StartsWith(ErrorOf("ikev2 proposal P integrity sha3\n"),
                               "line 1: unknown hash 'sha3'"));
  EXPECT_EQ(ErrorOf("keyring k peer a address 10.0.0.300 255.255.255.0\n"),
            "line 1: '10.0.0.300' is not an IPv4 address");
  EXPECT_EQ(ErrorOf("keyring k peer a address 10.0.0.1 255.0.255.0\n"),
            "line 1: netmask '255.0.255.0' is not contiguous");
  EXPECT_EQ(ErrorOf("ikev2 profile p lifetime 60\n"),
            "line 1: lifetime '60' is not a number in 120..86400");
  EXPECT_EQ(ErrorOf("ikev2 profile p lifetime 86401\n"),
            "line 1: lifetime '86401' is not a number in 120..86400");
  EXPECT_EQ(ErrorOf("ipsec profile x set security-association lifetime "
                    "kilobytes 1000\n"),
            "line 1: lifetime 'kilobytes' is not supported (only 'seconds': "
            "volume-based rekeying is not supported)");
  EXPECT_EQ(ErrorOf("ipsec transform-set t mode bridge\n"),
            "line 1: mode 'bridge' is not tunnel or transport");
  EXPECT_EQ(ErrorOf("ipsec transform-set t transform esp-512-aes\n"),
            "line 1: unknown keyword 'esp-512-aes' in ipsec transform-set");
  EXPECT_EQ(ErrorOf("ikev2 profile p authentication local password\n"),
            "line 1: authentication method 'password' is not pre-shared or "
            "rsa-signature");
  EXPECT_EQ(ErrorOf("interface tunnel-ip1 tunnel mode gre ipv4\n"),
            "line 1: tunnel mode 'gre ipv4' is not supported (ipsec ipv4)");
  EXPECT_EQ(ErrorOf("sks profile Q type local\n"),
            "line 1: sks profile type 'local' is not supported (expected "
            "remote)");
  EXPECT_EQ(ErrorOf("sks profile Q type remote\n kme server ipv4 1.2.3.4 "
                    "port 70000\n"),
            "line 2: kme port '70000' is not a number in 1..65535");
  EXPECT_EQ(ErrorOf("keyring k peer a identity email a@b\n"),
            "line 1: unknown identity type 'email' (expected address, fqdn "
            "or domain)");
  EXPECT_EQ(ErrorOf("keyring k peer a identity fqdn a..b\n"),
            "line 1: 'a..b' is not a valid fqdn");
  EXPECT_EQ(ErrorOf("ipsec profile x set pfs nineteen\n"),
            "line 1: pfs 'nineteen' is not groupN");
}

TEST(ParserTest, MissingAndExtraTokens) {
  EXPECT_EQ(ErrorOf("ikev2 proposal\n"),
            "line 1: missing proposal name after 'proposal'");
  EXPECT_EQ(ErrorOf("ikev2 proposal P encryption\n"),
            "line 1: missing value after 'encryption'");
  EXPECT_EQ(ErrorOf("keyring k peer a pre-shared-key\n"),
            "line 1: missing key after 'pre-shared-key'");
  EXPECT_EQ(ErrorOf("keyring k peer a pre-shared-key cisco 123\n"),
            "line 1: unexpected '123' after 'pre-shared-key cisco'");
  EXPECT_EQ(ErrorOf("ikev2 policy X match address local 1.2.3.4 5.6.7.8\n"),
            "line 1: unexpected '5.6.7.8' after 'match address local "
            "1.2.3.4'");
  EXPECT_EQ(ErrorOf("exit now\n"), "line 1: unexpected 'now' after 'exit'");
  EXPECT_EQ(ErrorOf("keyring k peer a ppk manual id 1\n"),
            "line 1: missing 'key' after '1'");
  EXPECT_EQ(ErrorOf("keyring k peer a ppk manual id 1 key abc optional\n"),
            "line 1: unexpected 'optional' after 'ppk manual id 1 key abc'");
  EXPECT_EQ(ErrorOf("keyring k peer a ppk static x\n"),
            "line 1: unknown keyword 'static' in ppk (expected 'manual' or "
            "'dynamic')");
}

TEST(ParserTest, ExecCommandsAndNegationAreRejected) {
  EXPECT_EQ(ErrorOf("Router# show ikev2 session\n"),
            "line 1: exec command 'show' is not configuration");
  EXPECT_EQ(ErrorOf("no ikev2 proposal P\n"),
            "line 1: negated commands ('no ...') are not supported");
}

TEST(ParserTest, PromptsOfEveryShapeAreStripped) {
  Config c = Parse(
      "Router# config\n"
      "Router (config)# ikev2 proposal A prf sha-256\n"
      "RP/0/RP0/CPU0:router(config-ikev2-proposal)#dh-group 19\n"
      "Router(config-ikev2-profile-p1)keyring k1\n"
      "Router(config)#commit\n");
  ASSERT_EQ(c.proposals.size(), 1u);
  EXPECT_EQ(c.proposals[0].dh_groups, std::vector<int>{19});
  // The prompt without '#' still ends at ')'; "keyring k1" at top level
  // opens a keyring.
  ASSERT_NE(c.FindKeyring("k1"), nullptr);
}

TEST(ParserTest, TranscriptContinuationAndAnnotations) {
  Config c = Parse(
      "Router (config)# ikev2 profile p match identity remote address\n"
      "198.51.100.21 255.255.255.0\n"
      "Router (config)# ipsec profile i set responder-only >>> This sets "
      "the\n"
      "router as a responder.\n");
  const Ikev2Profile* profile = c.FindIkev2Profile("p");
  ASSERT_NE(profile, nullptr);
  ASSERT_EQ(profile->match_identity_remote.size(), 1u);
  EXPECT_EQ(profile->match_identity_remote[0].prefix.prefix_length, 24);
  EXPECT_TRUE(c.FindIpsecProfile("i")->responder_only);
  // Without prompts there is no continuation: the address line is an
  // error of its own.
  EXPECT_EQ(ErrorOf("ikev2 profile p match identity remote address\n"
                    "198.51.100.21 255.255.255.0\n"),
            "line 1: missing IPv4 address after 'address'");
}

TEST(ParserTest, OneLineFormLeavesTheSubmode) {
  // IOS XR: after "keyring K peer P pre-shared-key S" the CLI is in the
  // peer submode; "identity fqdn" configures the same peer.
  Config c = Parse(
      "Router (config)# keyring k peer a pre-shared-key cisco123\n"
      "Router (config)# identity fqdn RouterA.example.com\n"
      "Router (config)# ikev2 profile p match identity remote fqdn x.y\n"
      "Router (config)# identity local fqdn RouterA.example.com\n");
  const KeyringPeer* peer = c.FindKeyring("k")->FindPeer("a");
  ASSERT_EQ(peer->identities.size(), 1u);
  EXPECT_EQ(peer->identities[0].type, IdentitySpec::Type::kFqdn);
  EXPECT_EQ(c.FindIkev2Profile("p")->identity_local->fqdn,
            "RouterA.example.com");
  // "config" after an exec prompt starts again at the top.
  EXPECT_EQ(ErrorOf("keyring k peer a pre-shared-key x\n"
                    "Router# config\n"
                    "Router(config)# identity fqdn a.b\n"),
            "line 3: unknown keyword 'identity' in global configuration");
}

TEST(ParserTest, ExitEndAndModeFallback) {
  Config c = Parse(
      "keyring k\n"
      " peer a\n"
      "  address 10.0.0.1 255.255.255.255\n"
      "  exit\n"
      " peer b\n"
      "  address 10.0.0.2\n"
      "end\n"
      "interface Tunnel1\n"
      " ip address 192.168.10.1 255.255.255.0\n"
      " ip route 192.168.20.0 255.255.255.0 Tunnel1\n");
  ASSERT_EQ(c.FindKeyring("k")->peers.size(), 2u);
  EXPECT_EQ(c.FindKeyring("k")->peers[1].address->prefix_length, 32);
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].prefix.ToString(), "192.168.20.0 255.255.255.0");
  // "ip route" left the interface: the tunnel line is unknown at top level.
  EXPECT_EQ(ErrorOf("interface Tunnel1\n"
                    " ip route 192.168.20.0 255.255.255.0 Tunnel1\n"
                    " tunnel destination 10.0.0.2\n"),
            "line 3: unknown keyword 'tunnel' in global configuration");
  // A sibling block keyword from inside a peer goes to the keyring.
  Config sibling = Parse(
      "keyring k\n peer a\n  address 1.1.1.1\n peer b\n"
      "  address 2.2.2.2\n");
  EXPECT_EQ(sibling.FindKeyring("k")->peers.size(), 2u);
}

TEST(ParserTest, PreSharedKeyForms) {
  Config c = Parse(
      "keyring k\n"
      " peer clear\n  pre-shared-key cisco123\n  address 10.0.0.1\n"
      " peer zero\n  pre-shared-key 0 cisco123\n  address 10.0.0.2\n"
      " peer seven\n  pre-shared-key 7 0822455D0A16\n  address 10.0.0.3\n"
      " peer xr\n  pre-shared-key password 0822455D0A16\n  address 10.0.0.4\n"
      " peer split\n  pre-shared-key local lkey\n"
      "  pre-shared-key remote 7 05080F1C2243\n  address 10.0.0.5\n");
  const Keyring& k = *c.FindKeyring("k");
  EXPECT_EQ(Clear(k.FindPeer("clear")->local_psk->value), "cisco123");
  EXPECT_EQ(Clear(k.FindPeer("clear")->remote_psk->value), "cisco123");
  EXPECT_EQ(Clear(k.FindPeer("zero")->local_psk->value), "cisco123");
  EXPECT_EQ(k.FindPeer("zero")->local_psk->form, SecretForm::kClear);
  EXPECT_EQ(Clear(k.FindPeer("seven")->local_psk->value), "cisco");
  EXPECT_EQ(k.FindPeer("seven")->local_psk->form, SecretForm::kType7);
  EXPECT_EQ(k.FindPeer("seven")->local_psk->encoded, "0822455D0A16");
  EXPECT_EQ(Clear(k.FindPeer("xr")->remote_psk->value), "cisco");
  const KeyringPeer* split = k.FindPeer("split");
  EXPECT_EQ(Clear(split->local_psk->value), "lkey");
  EXPECT_EQ(Clear(split->remote_psk->value), "cisco");
  EXPECT_EQ(ErrorOf("keyring k peer a pre-shared-key 7 0822455D0AZ6\n"),
            "line 1: type 7 value has a non-hex digit at position 10");
}

TEST(ParserTest, Type6KeysNeedTheMasterKey) {
  crypto::DeterministicRandom random(6);
  crypto::SecretBytes master = Secret("master-key-0001");
  std::string stored =
      *keymgmt::Type6Encrypt(master, Secret("cisco123").span(), random);
  std::string line =
      absl::StrCat("keyring k peer a pre-shared-key 6 ", stored, "\n");

  EXPECT_EQ(ErrorOf(line),
            "line 1: type 6 key needs the master key (key config-key "
            "password-encryption)");

  ParseOptions options;
  options.master_key = &master;
  absl::StatusOr<ParseResult> with_option = ParseConfig(line, options);
  ASSERT_TRUE(with_option.ok()) << with_option.status();
  const KeyringPeer* peer = with_option->config.FindKeyring("k")->FindPeer("a");
  EXPECT_EQ(Clear(peer->local_psk->value), "cisco123");
  EXPECT_EQ(peer->local_psk->form, SecretForm::kType6);
  EXPECT_EQ(peer->local_psk->encoded, stored);

  // The master key may also come from the configuration text itself.
  absl::StatusOr<ParseResult> with_line = ParseConfig(
      absl::StrCat("key config-key password-encryption master-key-0001\n"
                   "password encryption aes\n",
                   line));
  ASSERT_TRUE(with_line.ok()) << with_line.status();
  EXPECT_TRUE(with_line->config.global.config_key_present);
  EXPECT_TRUE(with_line->config.global.password_encryption_aes);

  // A wrong master key is a clear error, even in lenient mode.
  crypto::SecretBytes wrong = Secret("master-key-0002");
  ParseOptions wrong_options;
  wrong_options.master_key = &wrong;
  wrong_options.lenient = true;
  absl::StatusOr<ParseResult> rejected = ParseConfig(line, wrong_options);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(rejected.status().message(),
                                "line 1: type 6 value does not decrypt under "
                                "the configured master key"))
      << rejected.status();

  EXPECT_EQ(ErrorOf("key config-key password-encryption short\n"),
            "line 1: master key (key config-key password-encryption) must be "
            "8..128 bytes, got 5");
}

TEST(ParserTest, PpkLines) {
  Config c = Parse(
      "keyring k\n"
      " peer m\n  ppk manual id 123 key password 060506324F41584B56 "
      "required\n  address 10.0.0.1\n"
      " peer c\n  ppk manual id abc key clearppk\n  address 10.0.0.2\n"
      " peer d\n  ppk dynamic Qkd\n  address 10.0.0.3\n");
  const Keyring& k = *c.FindKeyring("k");
  const PpkConfig& manual = *k.FindPeer("m")->ppk;
  EXPECT_EQ(manual.kind, PpkConfig::Kind::kManual);
  EXPECT_EQ(manual.id, "123");
  EXPECT_TRUE(manual.required);
  EXPECT_EQ(manual.key.form, SecretForm::kType7);
  EXPECT_EQ(manual.key.value.size(), 8u);
  EXPECT_EQ(manual.line, 3);
  const PpkConfig& clear = *k.FindPeer("c")->ppk;
  EXPECT_EQ(Clear(clear.key.value), "clearppk");
  EXPECT_FALSE(clear.required);
  const PpkConfig& dynamic = *k.FindPeer("d")->ppk;
  EXPECT_EQ(dynamic.kind, PpkConfig::Kind::kDynamic);
  EXPECT_EQ(dynamic.sks_profile, "Qkd");
  EXPECT_FALSE(dynamic.required);
}

TEST(ParserTest, TransformSets) {
  Config c = Parse(
      "crypto ipsec transform-set XE esp-aes 256 esp-sha256-hmac\n"
      " mode transport\n"
      "crypto ipsec transform-set GCM esp-gcm 256\n"
      "ipsec transform-set XR transform esp-hmac-sha-384 esp-256-aes\n"
      "ipsec transform-set LINE\n"
      " esp-3des esp-md5-hmac\n");
  const TransformSet* xe = c.FindTransformSet("XE");
  EXPECT_EQ(xe->encryption, EspEncryption::kAesCbc256);
  EXPECT_EQ(xe->integrity, EspIntegrity::kSha256);
  EXPECT_EQ(xe->EffectiveMode(), TransformMode::kTransport);
  EXPECT_EQ(xe->keywords,
            (std::vector<std::string>{"esp-aes 256", "esp-sha256-hmac"}));
  EXPECT_EQ(c.FindTransformSet("GCM")->encryption, EspEncryption::kAesGcm256);
  EXPECT_FALSE(c.FindTransformSet("GCM")->integrity.has_value());
  EXPECT_EQ(c.FindTransformSet("XR")->integrity, EspIntegrity::kSha384);
  EXPECT_EQ(c.FindTransformSet("LINE")->encryption, EspEncryption::k3Des);
  EXPECT_EQ(ErrorOf("ipsec transform-set t transform esp-256-aes "
                    "esp-128-aes\n"),
            "line 1: transform 'esp-128-aes': transform-set 't' already has "
            "an encryption transform");
}

TEST(ParserTest, IpsecProfileSettings) {
  Config c = Parse(
      "crypto ipsec profile a\n"
      " set ikev2 profile p\n"
      " set pfs group 21\n"
      " set transform-set t1 t2\n"
      " set security-association replay window-size 1024\n"
      "ipsec profile b set pfs group19\n"
      "ipsec profile b set security-association replay disable\n"
      "ipsec profile b set isakmp-profile ip\n"
      "crypto ipsec security-association replay window-size 512\n"
      "crypto ipsec security-association lifetime seconds 3600\n");
  const IpsecProfile& a = *c.FindIpsecProfile("a");
  EXPECT_EQ(a.ikev2_profile, "p");
  EXPECT_EQ(a.pfs_group, 21);
  EXPECT_EQ(a.transform_sets, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(c.EffectiveReplay(a).window, 1024);
  const IpsecProfile& b = *c.FindIpsecProfile("b");
  EXPECT_EQ(b.pfs_group, 19);
  EXPECT_FALSE(c.EffectiveReplay(b).enabled);
  EXPECT_EQ(b.isakmp_profile, "ip");
  EXPECT_EQ(c.global.replay->window, 512);
  EXPECT_EQ(c.EffectiveIpsecLifetimeSeconds(b), 3600);
  EXPECT_EQ(ErrorOf("crypto ipsec security-association replay window-size "
                    "100\n"),
            "line 1: replay window-size '100' is not 64, 128, 256, 512 or "
            "1024");
  EXPECT_EQ(ErrorOf("crypto ipsec security-association replay window-size "
                    "2048\n"),
            "line 1: replay window-size '2048' is not a number in 64..1024");
}

TEST(ParserTest, DeadPeerDetectionForms) {
  Config c = Parse(
      "crypto isakmp keepalive 10 3 periodic\n"
      "crypto ikev2 dpd 30 5 on-demand\n"
      "crypto ikev2 profile p\n"
      " dpd 60 2 periodic\n");
  EXPECT_EQ(c.global.isakmp_keepalive->mode, DpdConfig::Mode::kPeriodic);
  EXPECT_EQ(c.global.isakmp_keepalive->interval_seconds, 10);
  EXPECT_EQ(c.global.isakmp_keepalive->retry_seconds, 3);
  EXPECT_EQ(c.global.ikev2_dpd->mode, DpdConfig::Mode::kOnDemand);
  EXPECT_EQ(c.FindIkev2Profile("p")->dpd->interval_seconds, 60);
  // Seed 002: without `periodic` the router defaults to on-demand.
  Config on_demand = Parse("crypto isakmp keepalive 15\n");
  EXPECT_EQ(on_demand.global.isakmp_keepalive->mode,
            DpdConfig::Mode::kOnDemand);
  EXPECT_EQ(ErrorOf("crypto ikev2 profile p\n dpd 60 2\n"),
            "line 2: missing on-demand or periodic after '2'");
  EXPECT_EQ(ErrorOf("crypto ikev2 dpd 30 5 sometimes\n"),
            "line 1: dpd mode 'sometimes' is not on-demand or periodic");
}

TEST(ParserTest, ProfileKeywords) {
  Config c = Parse(
      "crypto ikev2 profile p\n"
      " match identity remote fqdn domain example.com\n"
      " match identity remote address 10.0.0.0 255.0.0.0\n"
      " match address local 192.0.2.1\n"
      " match fvrf any\n"
      " identity local address 192.0.2.1\n"
      " authentication local pre-share\n"
      " authentication remote rsa-sig\n"
      " keyring local k\n"
      " keyring ppk kp\n");
  const Ikev2Profile& p = *c.FindIkev2Profile("p");
  ASSERT_EQ(p.match_identity_remote.size(), 2u);
  EXPECT_EQ(p.match_identity_remote[0].type, IdentitySpec::Type::kDomain);
  EXPECT_EQ(p.match_identity_remote[0].name, "example.com");
  EXPECT_EQ(p.match_address_local,
            std::vector<ipsec::IpAddress>{Ip("192.0.2.1")});
  EXPECT_EQ(p.match_fvrf, "any");
  EXPECT_EQ(p.identity_local->address, Ip("192.0.2.1"));
  EXPECT_EQ(p.authentication_local,
            std::vector<AuthMethod>{AuthMethod::kPreShared});
  EXPECT_EQ(p.authentication_remote,
            std::vector<AuthMethod>{AuthMethod::kRsaSignature});
  EXPECT_EQ(p.keyring, "k");
  EXPECT_EQ(p.ppk_keyring, "kp");
}

TEST(ParserTest, LenientModeSkipsBadLinesWithWarnings) {
  ParseOptions options;
  options.lenient = true;
  absl::StatusOr<ParseResult> result = ParseConfig(
      "ikev2 proposal P\n"
      " encryption aes-cbc-256\n"
      " encryptoin aes-cbc-128\n"
      " dh-group 99\n"
      " integrity sha1\n",
      options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->warnings.size(), 2u);
  EXPECT_EQ(result->warnings[0].line, 3);
  EXPECT_EQ(result->warnings[0].message,
            "line 3: unknown keyword 'encryptoin' in ikev2 proposal");
  EXPECT_EQ(result->warnings[1].line, 4);
  const Ikev2Proposal& p = result->config.proposals[0];
  EXPECT_EQ(p.encryption,
            std::vector<IkeEncryption>{IkeEncryption::kAesCbc256});
  EXPECT_EQ(p.integrity, std::vector<IkeHash>{IkeHash::kSha1});
}

TEST(ParserTest, ProposalBodyRejectsForeignLines) {
  EXPECT_TRUE(ParseIkev2ProposalBody("d", "encryption aes-cbc-128\n").ok());
  EXPECT_FALSE(
      ParseIkev2ProposalBody("d", "encryption aes-cbc-128\nkeyring k\n").ok());
  EXPECT_FALSE(ParseIkev2ProposalBody("d", "encryption rot13\n").ok());
}

TEST(ParserTest, CrlfAndTabsAreWhitespace) {
  Config c = Parse("ikev2 proposal P\r\n\tencryption\taes-cbc-128\r\n");
  EXPECT_EQ(c.proposals[0].encryption,
            std::vector<IkeEncryption>{IkeEncryption::kAesCbc128});
}

TEST(ParserTest, NamesAreRestrictedAndKeyringKindsDoNotMix) {
  EXPECT_EQ(ErrorOf("ikev2 proposal P(1) prf sha1\n"),
            "line 1: name 'P(1)' has characters outside [A-Za-z0-9_.:/@+-]");
  EXPECT_EQ(ErrorOf("ikev2 profile p keyring k#1\n"),
            "line 1: name 'k#1' has characters outside [A-Za-z0-9_.:/@+-]");
  EXPECT_EQ(ErrorOf("crypto keyring k\nkeyring k\n"),
            "line 2: keyring 'k' is already a crypto keyring");
  EXPECT_EQ(ErrorOf("keyring k\ncrypto keyring k\n"),
            "line 2: keyring 'k' is already an ikev2 keyring");
  // A second word that merely looks like a prompt is not one: with a space
  // before "(config" the prompt needs its '#'.
  EXPECT_EQ(ErrorOf("description (config)x\nbogus\n"),
            "line 1: unknown keyword 'description' in global configuration");
  // The unnamed profile of a failed "ipsec profile set" line is dropped.
  ParseOptions lenient;
  lenient.lenient = true;
  absl::StatusOr<ParseResult> result =
      ParseConfig("ipsec profile set pfs group77\n", lenient);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->config.ipsec_profiles.empty());
  EXPECT_EQ(result->warnings.size(), 2u);
}

TEST(ParserTest, AFailingLineChangesNothing) {
  ParseOptions lenient;
  lenient.lenient = true;
  absl::StatusOr<ParseResult> result = ParseConfig(
      "ikev2 proposal P encryption aes-cbc-256 bogus\n"
      "ikev2 policy X proposal A B(\n"
      "ipsec transform-set T transform esp-256-aes esp-999\n"
      "ipsec transform-set T mode tunnel extra\n"
      "interface tunnel-ip1 tunnel mode ipsea ipv4\n"
      "keyring k peer a address 10.0.0.1 extra\n"
      "ikev2 profile p keyring ppk k extra\n",
      lenient);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->warnings.size(), 7u);
  const Config& c = result->config;
  EXPECT_TRUE(c.FindProposal("P")->encryption.empty());
  EXPECT_TRUE(c.FindPolicy("X")->proposals.empty());
  EXPECT_FALSE(c.FindTransformSet("T")->encryption.has_value());
  EXPECT_FALSE(c.FindTransformSet("T")->mode.has_value());
  EXPECT_TRUE(c.FindInterface("tunnel-ip1")->tunnel_mode.empty());
  EXPECT_FALSE(c.FindKeyring("k")->FindPeer("a")->address.has_value());
  EXPECT_TRUE(c.FindIkev2Profile("p")->ppk_keyring.empty());
}

// Every remaining error path of the parser, one line each, with the exact
// message (line number, offending token, what was expected).
TEST(ParserTest, EveryErrorMessage) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case kCases[] = {
      {"ikev2 proposal P transform\n",
       "line 1: unknown keyword 'transform' in ikev2 proposal"},
      {"ipsec transform-set T transform esp-256-aes esp-hmac-sha-256 "
       "esp-hmac-sha-384\n",
       "line 1: transform 'esp-hmac-sha-384': transform-set 'T' already has an "
       "integrity transform"},
      {"ipsec transform-set T transform\n",
       "line 1: missing transform after 'transform'"},
      {"keyring\n", "line 1: missing keyring name after 'keyring'"},
      {"interface\n", "line 1: missing interface name after 'interface'"},
      {"sks\n", "line 1: missing 'profile' after 'sks'"},
      {"sks bogus\n", "line 1: unknown keyword 'bogus' in sks"},
      {"sks profile\n", "line 1: missing sks profile name after 'sks profile'"},
      {"sks profile Q type\n", "line 1: missing sks profile type after 'type'"},
      {"ip route 10.0.0.0 255.0.0.0\n",
       "line 1: missing next hop after 'ip route'"},
      {"key config-key\n",
       "line 1: expected 'key config-key password-encryption [KEY]'"},
      {"password encryption des\n",
       "line 1: expected 'password encryption aes'"},
      {"crypto\n", "line 1: missing keyword after 'crypto'"},
      {"crypto keyring\n",
       "line 1: missing keyring name after 'crypto keyring'"},
      {"crypto isakmp\n", "line 1: missing keyword after 'crypto isakmp'"},
      {"crypto isakmp policy\n",
       "line 1: missing priority after 'crypto isakmp policy'"},
      {"crypto isakmp policy 0\n",
       "line 1: isakmp policy priority '0' is not a number in 1..10000"},
      {"crypto isakmp profile\n",
       "line 1: missing profile name after 'crypto isakmp profile'"},
      {"crypto isakmp bogus\n",
       "line 1: unknown keyword 'bogus' in crypto isakmp"},
      {"crypto pki\n", "line 1: missing keyword after 'crypto pki'"},
      {"crypto pki trustpoint\n",
       "line 1: missing trustpoint name after 'crypto pki trustpoint'"},
      {"crypto pki certificate map\n",
       "line 1: missing map name after 'crypto pki certificate map'"},
      {"crypto pki certificate map M x\n",
       "line 1: certificate map sequence 'x' is not a number in 1..65535"},
      {"crypto pki bogus\n", "line 1: unknown keyword 'bogus' in crypto pki"},
      {"ikev2\n", "line 1: missing keyword after 'ikev2'"},
      {"ikev2 dpd\n", "line 1: missing interval after 'dpd'"},
      {"ikev2 bogus x\n", "line 1: unknown keyword 'bogus' in ikev2"},
      {"ipsec\n", "line 1: missing keyword after 'ipsec'"},
      {"ipsec security-association\n",
       "line 1: missing keyword after 'security-association'"},
      {"ipsec security-association bogus\n",
       "line 1: unknown keyword 'bogus' in security-association"},
      {"ipsec security-association replay\n",
       "line 1: missing window-size or disable after 'replay'"},
      {"ipsec security-association replay window-size\n",
       "line 1: missing window size after 'window-size'"},
      {"ipsec security-association replay bogus\n",
       "line 1: unknown keyword 'bogus' in replay"},
      {"ipsec security-association lifetime\n",
       "line 1: missing 'seconds' after 'lifetime'"},
      {"ipsec security-association lifetime seconds\n",
       "line 1: missing seconds value after 'seconds'"},
      {"ipsec bogus x\n", "line 1: unknown keyword 'bogus' in ipsec"},
      {"crypto ikev2 dpd 5 2 periodic\n",
       "line 1: dpd interval '5' is not a number in 10..3600"},
      {"crypto ikev2 dpd 30 99 periodic\n",
       "line 1: dpd retry '99' is not a number in 2..60"},
      {"ikev2 policy X proposal\n",
       "line 1: missing proposal name after 'proposal'"},
      {"ikev2 policy X match\n",
       "line 1: missing 'address' or 'fvrf' after 'match'"},
      {"ikev2 policy X match address\n",
       "line 1: missing 'local' after 'address'"},
      {"ikev2 policy X match address remote 1.2.3.4\n",
       "line 1: unknown keyword 'remote' in ikev2 policy match address"},
      {"ikev2 policy X match address local\n",
       "line 1: missing IPv4 address after 'local'"},
      {"ikev2 policy X match fvrf\n",
       "line 1: missing vrf name or 'any' after 'fvrf'"},
      {"crypto isakmp policy 1 encr\n",
       "line 1: missing encryption after 'encr'"},
      {"crypto isakmp policy 1 encr blowfish\n",
       "line 1: isakmp encryption 'blowfish' is not des, 3des or aes"},
      {"crypto isakmp policy 1 hash\n", "line 1: missing hash after 'hash'"},
      {"crypto isakmp policy 1 hash a b\n",
       "line 1: unexpected 'b' after 'hash a'"},
      {"crypto isakmp policy 1 authentication\n",
       "line 1: missing method after 'authentication'"},
      {"crypto isakmp policy 1 authentication psk\n",
       "line 1: isakmp authentication 'psk' is not pre-share, rsa-sig or "
       "rsa-encr"},
      {"crypto isakmp policy 1 group\n", "line 1: missing group after 'group'"},
      {"crypto isakmp policy 1 group 99\n",
       "line 1: unknown dh-group '99' (expected 1, 2, 5, 14, 15, 16, 19, 20, "
       "21, 24 or 31)"},
      {"crypto isakmp policy 1 lifetime 5\n",
       "line 1: lifetime '5' is not a number in 60..86400"},
      {"keyring k peer\n", "line 1: missing peer name after 'peer'"},
      {"keyring k peer a ppk\n",
       "line 1: missing 'manual' or 'dynamic' after 'ppk'"},
      {"keyring k peer a ppk manual\n", "line 1: missing 'id' after 'manual'"},
      {"keyring k peer a ppk manual ident 1\n",
       "line 1: unknown keyword 'ident' in ppk manual"},
      {"keyring k peer a ppk manual id\n", "line 1: missing PPK id after 'id'"},
      {"keyring k peer a ppk manual id 1 secret x\n",
       "line 1: unknown keyword 'secret' in ppk manual"},
      {"keyring k peer a ppk dynamic\n",
       "line 1: missing sks profile name after 'dynamic'"},
      {"keyring k peer a identity\n",
       "line 1: missing 'address', 'fqdn' or 'domain' after 'identity'"},
      {"keyring k peer a identity fqdn\n", "line 1: missing name after 'fqdn'"},
      {"crypto keyring k pre-shared-key\n",
       "line 1: missing 'address' after 'pre-shared-key'"},
      {"crypto keyring k pre-shared-key hostname x\n",
       "line 1: unknown keyword 'hostname' in crypto keyring pre-shared-key"},
      {"crypto keyring k pre-shared-key address 10.0.0.1\n",
       "line 1: missing 'key' after '10.0.0.1'"},
      {"crypto keyring k pre-shared-key address 10.0.0.1 secret x\n",
       "line 1: unknown keyword 'secret' in crypto keyring pre-shared-key"},
      {"sks profile Q kme server 1.2.3.4\n",
       "line 1: expected 'kme server ipv4 ADDRESS port PORT'"},
      {"ikev2 profile p keyring\n",
       "line 1: missing keyring name after 'keyring'"},
      {"ikev2 profile p lifetime\n",
       "line 1: missing seconds after 'lifetime'"},
      {"ikev2 profile p authentication local\n",
       "line 1: missing method after 'local'"},
      {"ikev2 profile p authentication both pre-shared\n",
       "line 1: unknown keyword 'both' in ikev2 profile authentication "
       "(expected 'local' or 'remote')"},
      {"ikev2 profile p match\n", "line 1: missing keyword after 'match'"},
      {"ikev2 profile p match identity\n",
       "line 1: missing 'remote' after 'identity'"},
      {"ikev2 profile p match identity local fqdn a.b\n",
       "line 1: unknown keyword 'local' in ikev2 profile match identity"},
      {"ikev2 profile p match address local\n",
       "line 1: expected 'match address local ADDRESS'"},
      {"ikev2 profile p match fvrf\n", "line 1: missing name after 'fvrf'"},
      {"ikev2 profile p match bogus x\n",
       "line 1: unknown keyword 'bogus' in ikev2 profile match (expected "
       "identity, address, fvrf or certificate)"},
      {"ikev2 profile p identity remote fqdn a.b\n",
       "line 1: expected 'identity local address|fqdn VALUE'"},
      {"ikev2 profile p identity local email a@b\n",
       "line 1: unknown identity type 'email' (expected address or fqdn)"},
      {"ikev2 profile p pki x\n", "line 1: expected 'pki trustpoint NAME'"},
      {"crypto isakmp profile i keyring\n",
       "line 1: missing name after 'keyring'"},
      {"crypto isakmp profile i match address 1.2.3.4\n",
       "line 1: expected 'match identity address|fqdn|domain ...'"},
      {"ipsec transform-set T mode\n",
       "line 1: missing 'tunnel' or 'transport' after 'mode'"},
      {"ipsec profile I set\n", "line 1: missing keyword after 'set'"},
      {"ipsec profile I set ikev2-profile\n",
       "line 1: missing profile name after 'ikev2-profile'"},
      {"ipsec profile I set transform-set\n",
       "line 1: missing transform-set name after 'transform-set'"},
      {"ipsec profile I set pfs\n", "line 1: missing group after 'pfs'"},
      {"interface t ipv4\n", "line 1: missing 'address' after 'ipv4'"},
      {"interface t ipv4 addr 1.2.3.4\n",
       "line 1: unknown keyword 'addr' in interface ipv4"},
      {"interface t tunnel\n", "line 1: missing keyword after 'tunnel'"},
      {"interface t tunnel mode\n", "line 1: missing mode after 'tunnel mode'"},
      {"interface t tunnel source\n", "line 1: missing source after 'source'"},
      {"interface t tunnel source a b\n",
       "line 1: unexpected 'b' after 'tunnel source a'"},
      {"interface t tunnel destination\n",
       "line 1: missing address after 'destination'"},
      {"interface t tunnel destination a.b\n",
       "line 1: 'a.b' is not an IPv4 address"},
      {"interface t tunnel protection ipsec\n",
       "line 1: expected 'tunnel protection ipsec profile NAME'"},
      {"interface t tunnel bogus\n",
       "line 1: unknown keyword 'bogus' in interface tunnel (expected mode, "
       "source, destination or protection)"},
      {"crypto pki trustpoint CA enrollment\n",
       "line 1: expected 'enrollment url URL'"},
      {"crypto pki trustpoint CA vrf\n", "line 1: missing name after 'vrf'"},
      {"crypto pki trustpoint CA revocation-check\n",
       "line 1: missing crl, ocsp or none after 'revocation-check'"},
      {"crypto pki trustpoint CA revocation-check crl bogus\n",
       "line 1: revocation-check 'bogus' is not crl, ocsp or none"},
      {"crypto pki certificate map M 1 issuer-name\n",
       "line 1: missing operator and value after 'issuer-name'"},
      {"crypto pki certificate map M 1 issuer-name like x\n",
       "line 1: certificate map operator 'like' is not eq, ne, co or nc"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
  }
}

}  // namespace
}  // namespace cygnet::ike::config
