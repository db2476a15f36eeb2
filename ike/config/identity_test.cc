#include "ike/config/identity.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ike/config/parser.h"
#include "ipsec/ip_address.h"

namespace cygnet::ike::config {
namespace {

ipsec::IpAddress Ip(absl::string_view text) {
  return *ipsec::IpAddress::Parse(text);
}

Config Parse(absl::string_view text) {
  absl::StatusOr<ParseResult> result = ParseConfig(text);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return Config{};
  return std::move(result->config);
}

std::string Clear(const crypto::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// The peer name the responder lookup selects, or the error text.
std::string Responder(const Keyring& keyring, const PeerIdentity& identity,
                      absl::string_view source = "203.0.113.1") {
  absl::StatusOr<const KeyringPeer*> peer =
      FindPeerForResponder(keyring, identity, Ip(source));
  if (!peer.ok()) return std::string(peer.status().message());
  return (*peer)->name;
}

TEST(IdentityTest, FqdnComparisonIgnoresCase) {
  // Seed 001: expecting x.cisco.com and being presented X.CISCO.COM "does
  // not affect the session start-up".
  EXPECT_TRUE(FqdnEquals("x.cisco.com", "X.CISCO.COM"));
  EXPECT_FALSE(FqdnEquals("x.cisco.com", "y.cisco.com"));
  IdentitySpec spec{IdentitySpec::Type::kFqdn, {}, "x.cisco.com", 0};
  EXPECT_TRUE(IdentityMatches(spec, PeerIdentity::Fqdn("X.CISCO.COM")));
  EXPECT_FALSE(IdentityMatches(spec, PeerIdentity::Fqdn("a.x.cisco.com")));
  EXPECT_FALSE(IdentityMatches(spec, PeerIdentity::Ipv4(Ip("10.0.0.1"))));
}

TEST(IdentityTest, DomainNeedsALabelInFront) {
  // Seed 001: "identity domain cisco.com" expects *.cisco.com, not
  // cisco.com.
  EXPECT_TRUE(FqdnInDomain("x.example.com", "example.com"));
  EXPECT_TRUE(FqdnInDomain("a.b.example.com", "example.com"));
  EXPECT_TRUE(FqdnInDomain("X.Example.COM", "example.com"));
  EXPECT_FALSE(FqdnInDomain("example.com", "example.com"));
  EXPECT_FALSE(FqdnInDomain(".example.com", "example.com"));
  EXPECT_FALSE(FqdnInDomain("xexample.com", "example.com"));
  EXPECT_FALSE(FqdnInDomain("x.example.com.evil", "example.com"));
  EXPECT_FALSE(FqdnInDomain("x.example.com", ""));
}

TEST(IdentityTest, AddressIdentitiesMatchByMask) {
  IdentitySpec spec{
      IdentitySpec::Type::kAddress, {Ip("198.51.100.1"), 24}, "", 0};
  EXPECT_TRUE(IdentityMatches(spec, PeerIdentity::Ipv4(Ip("198.51.100.77"))));
  EXPECT_FALSE(IdentityMatches(spec, PeerIdentity::Ipv4(Ip("198.51.101.1"))));
  EXPECT_FALSE(IdentityMatches(spec, PeerIdentity::Fqdn("198.51.100.77")));
}

constexpr absl::string_view kKeyring =
    "keyring K\n"
    " peer exact\n  identity fqdn RouterA.example.com\n"
    "  pre-shared-key exact-key\n"
    " peer domain\n  identity domain example.com\n"
    "  pre-shared-key domain-key\n"
    " peer subdomain\n  identity domain lab.example.com\n"
    "  pre-shared-key subdomain-key\n"
    " peer same-string\n  identity fqdn example.com\n"
    "  pre-shared-key string-key\n"
    " peer net\n  identity address 10.1.0.0 255.255.0.0\n"
    "  pre-shared-key net-key\n"
    " peer host\n  identity address 10.1.2.3 255.255.255.255\n"
    "  pre-shared-key host-key\n"
    " peer located\n  address 192.0.2.0 255.255.255.0\n"
    "  pre-shared-key located-key\n";

TEST(IdentityTest, ResponderSelectsTheKeyByIdentity) {
  Config config = Parse(kKeyring);
  const Keyring& k = *config.FindKeyring("K");
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("routera.example.COM")), "exact");
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("RouterB.example.com")), "domain");
  // The longest domain the FQDN lies under wins.
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("r1.lab.example.com")),
            "subdomain");
  // "example.com" itself is not in the domain; it is the other peer's FQDN.
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("EXAMPLE.com")), "same-string");
  EXPECT_EQ(Responder(k, PeerIdentity::Ipv4(Ip("10.1.9.9"))), "net");
  EXPECT_EQ(Responder(k, PeerIdentity::Ipv4(Ip("10.1.2.3"))), "host");
  // An address identity inside a peer's `address`.
  EXPECT_EQ(Responder(k, PeerIdentity::Ipv4(Ip("192.0.2.44"))), "located");
  // An FQDN nobody configured: the address-only peer is found by source.
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("other.net"), "192.0.2.5"),
            "located");
  EXPECT_EQ(Responder(k, PeerIdentity::Fqdn("other.net"), "203.0.113.1"),
            "keyring 'K': no peer matches identity fqdn 'other.net' from "
            "203.0.113.1");
  absl::StatusOr<const KeyringPeer*> found = FindPeerForResponder(
      k, PeerIdentity::Fqdn("x.lab.example.com"), Ip("203.0.113.1"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Clear((*found)->local_psk->value), "subdomain-key");
  EXPECT_EQ(FindPeerForResponder(k, PeerIdentity::Fqdn("nobody.org"),
                                 Ip("203.0.113.1"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(IdentityTest, ConflictingPeersAreAnErrorNotAGuess) {
  Config config = Parse(
      "keyring K\n"
      " peer A\n  identity fqdn r.example.com\n"
      " peer B\n  identity fqdn R.EXAMPLE.COM\n"
      " peer C\n  address 10.0.0.0 255.0.0.0\n"
      " peer D\n  address 10.0.0.0 255.0.0.0\n");
  const Keyring& k = *config.FindKeyring("K");
  absl::StatusOr<const KeyringPeer*> peer = FindPeerForResponder(
      k, PeerIdentity::Fqdn("r.example.com"), Ip("203.0.113.1"));
  ASSERT_FALSE(peer.ok());
  EXPECT_EQ(peer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(peer.status().message(),
            "keyring 'K': peers 'A' and 'B' both match identity fqdn "
            "'r.example.com' (conflicting identities)");
  EXPECT_EQ(FindPeerForInitiator(k, Ip("10.2.3.4")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(IdentityTest, InitiatorLooksUpByDestinationAddress) {
  Config config = Parse(
      "keyring K\n"
      " peer wide\n  address 10.0.0.0 255.0.0.0\n  pre-shared-key w\n"
      " peer narrow\n  address 10.1.0.0 255.255.0.0\n  pre-shared-key n\n"
      " peer named\n  identity fqdn a.example.com\n  pre-shared-key f\n");
  const Keyring& k = *config.FindKeyring("K");
  EXPECT_EQ((*FindPeerForInitiator(k, Ip("10.1.2.3")))->name, "narrow");
  EXPECT_EQ((*FindPeerForInitiator(k, Ip("10.9.2.3")))->name, "wide");
  absl::StatusOr<const KeyringPeer*> none =
      FindPeerForInitiator(k, Ip("192.0.2.1"));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(),
            "keyring 'K': no peer address contains 192.0.2.1");
}

TEST(IdentityTest, ProfilesSelectedByRemoteIdentity) {
  Config config = Parse(
      "ikev2 profile by-address match identity remote address 10.0.0.0 "
      "255.255.255.0\n"
      "ikev2 profile by-fqdn match identity remote fqdn RouterB.example.com\n"
      "ikev2 profile by-domain match identity remote domain example.com\n"
      "ikev2 profile two\n"
      " match identity remote fqdn a.org\n"
      " match identity remote address 10.0.0.7\n");
  auto names = [&](const PeerIdentity& identity) {
    std::vector<std::string> out;
    for (const Ikev2Profile* p : FindProfilesForRemote(config, identity)) {
      out.push_back(p->name);
    }
    return out;
  };
  EXPECT_EQ(names(PeerIdentity::Fqdn("routerb.EXAMPLE.com")),
            (std::vector<std::string>{"by-fqdn", "by-domain"}));
  EXPECT_EQ(names(PeerIdentity::Fqdn("example.com")),
            std::vector<std::string>{});
  EXPECT_EQ(names(PeerIdentity::Ipv4(Ip("10.0.0.7"))),
            (std::vector<std::string>{"by-address", "two"}));
  EXPECT_EQ(names(PeerIdentity::Fqdn("A.ORG")),
            std::vector<std::string>{"two"});
}

}  // namespace
}  // namespace cygnet::ike::config
