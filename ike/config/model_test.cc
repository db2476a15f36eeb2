#include "ike/config/model.h"

#include "gtest/gtest.h"
#include "ipsec/ip_address.h"

namespace cygnet::ike::config {
namespace {

ipsec::IpAddress Ip(absl::string_view text) {
  return *ipsec::IpAddress::Parse(text);
}

TEST(ModelTest, NetmaskMustBeContiguous) {
  EXPECT_EQ(*ParseNetmask("255.255.255.0"), 24);
  EXPECT_EQ(*ParseNetmask("255.255.255.255"), 32);
  EXPECT_EQ(*ParseNetmask("0.0.0.0"), 0);
  EXPECT_EQ(*ParseNetmask("255.255.255.224"), 27);
  absl::Status status = ParseNetmask("255.0.255.0").status();
  EXPECT_EQ(status.message(), "netmask '255.0.255.0' is not contiguous");
  EXPECT_FALSE(ParseNetmask("255.255.255").ok());
  EXPECT_FALSE(ParseNetmask("ffff::").ok());
}

TEST(ModelTest, Ipv4OnlyAddresses) {
  EXPECT_TRUE(ParseIpv4("198.51.100.21").ok());
  EXPECT_EQ(ParseIpv4("2001:db8::1").status().message(),
            "'2001:db8::1' is not an IPv4 address");
  EXPECT_FALSE(ParseIpv4("RouterA").ok());
}

TEST(ModelTest, PrefixKeepsHostBitsAndMatchesByMask) {
  Ipv4Prefix prefix{Ip("198.51.100.21"), 24};
  EXPECT_EQ(prefix.ToString(), "198.51.100.21 255.255.255.0");
  EXPECT_TRUE(prefix.Contains(Ip("198.51.100.1")));
  EXPECT_TRUE(prefix.Contains(Ip("198.51.100.255")));
  EXPECT_FALSE(prefix.Contains(Ip("198.51.101.21")));
  EXPECT_FALSE(prefix.Contains(Ip("2001:db8::1")));
  EXPECT_TRUE((prefix == Ipv4Prefix{Ip("198.51.100.0"), 24}));
  EXPECT_FALSE((prefix == Ipv4Prefix{Ip("198.51.100.21"), 32}));
  Ipv4Prefix all{Ip("0.0.0.0"), 0};
  EXPECT_TRUE(all.Contains(Ip("203.0.113.7")));
  EXPECT_EQ(all.ToString(), "0.0.0.0 0.0.0.0");
}

TEST(ModelTest, AlgorithmKeywordsBothSpellings) {
  EXPECT_EQ(*IkeHashFromKeyword("sha-256"), IkeHash::kSha256);
  EXPECT_EQ(*IkeHashFromKeyword("sha256"), IkeHash::kSha256);
  EXPECT_EQ(*IkeHashFromKeyword("sha1"), IkeHash::kSha1);
  EXPECT_EQ(*IkeHashFromKeyword("md5"), IkeHash::kMd5);
  EXPECT_FALSE(IkeHashFromKeyword("sha-257").ok());
  EXPECT_EQ(Keyword(IkeHash::kSha256), "sha-256");
  EXPECT_EQ(*IkeEncryptionFromKeyword("aes-gcm-256"),
            IkeEncryption::kAesGcm256);
  EXPECT_FALSE(IkeEncryptionFromKeyword("aes-cbc-512").ok());
  EXPECT_EQ(Keyword(IkeEncryption::kAesCbc256), "aes-cbc-256");
  EXPECT_EQ(*DhGroupFromKeyword("31"), 31);
  EXPECT_FALSE(DhGroupFromKeyword("18").ok());
  EXPECT_FALSE(DhGroupFromKeyword("twenty").ok());
  EXPECT_TRUE(IsLegacyGroup(5));
  EXPECT_FALSE(IsLegacyGroup(19));
  EXPECT_TRUE(IsAead(IkeEncryption::kAesGcm128));
  EXPECT_FALSE(IsAead(IkeEncryption::kAesCbc128));
}

TEST(ModelTest, ShowNamesMatchTheSeeds) {
  // Seed 001 `show ipsec sa`: "ESP_192_AES", "ESP_256_AES", "HMAC_SHA_256",
  // "HMAC_SHA_384".
  EXPECT_EQ(ShowName(EspEncryption::kAesCbc192), "ESP_192_AES");
  EXPECT_EQ(ShowName(EspEncryption::kAesCbc256), "ESP_256_AES");
  EXPECT_EQ(ShowName(EspIntegrity::kSha256), "HMAC_SHA_256");
  EXPECT_EQ(ShowName(EspIntegrity::kSha384), "HMAC_SHA_384");
}

TEST(ModelTest, DefaultsApplyOnlyWhenUnset) {
  Ikev2Profile profile;
  EXPECT_EQ(profile.EffectiveLifetimeSeconds(), 86400);
  profile.lifetime_seconds = 600;
  EXPECT_EQ(profile.EffectiveLifetimeSeconds(), 600);
  EXPECT_TRUE(profile.EffectiveAuthenticationLocal().empty());
  profile.keyring = "k1";
  EXPECT_EQ(profile.EffectiveAuthenticationLocal(),
            std::vector<AuthMethod>{AuthMethod::kPreShared});
  profile.authentication_local = {AuthMethod::kRsaSignature};
  EXPECT_EQ(profile.EffectiveAuthenticationRemote(),
            std::vector<AuthMethod>{AuthMethod::kRsaSignature});
  profile.authentication_remote = {AuthMethod::kPreShared};
  EXPECT_EQ(profile.EffectiveAuthenticationRemote(),
            std::vector<AuthMethod>{AuthMethod::kPreShared});

  TransformSet set;
  EXPECT_EQ(set.EffectiveMode(), TransformMode::kTunnel);

  Config config;
  IpsecProfile ipsec;
  EXPECT_EQ(config.EffectiveIpsecLifetimeSeconds(ipsec), 14400);
  config.global.ipsec_lifetime_seconds = 3600;
  EXPECT_EQ(config.EffectiveIpsecLifetimeSeconds(ipsec), 3600);
  ipsec.lifetime_seconds = 600;
  EXPECT_EQ(config.EffectiveIpsecLifetimeSeconds(ipsec), 600);
  EXPECT_EQ(config.EffectiveReplay(ipsec).window, 64);
  EXPECT_TRUE(config.EffectiveReplay(ipsec).enabled);
  config.global.replay = ReplaySetting{true, 1024};
  EXPECT_EQ(config.EffectiveReplay(ipsec).window, 1024);
  ipsec.replay = ReplaySetting{false, 64};
  EXPECT_FALSE(config.EffectiveReplay(ipsec).enabled);

  Ikev2Proposal proposal;
  proposal.integrity = {IkeHash::kSha384};
  EXPECT_EQ(proposal.EffectivePrf(), std::vector<IkeHash>{IkeHash::kSha384});
  proposal.prf = {IkeHash::kSha256};
  EXPECT_EQ(proposal.EffectivePrf(), std::vector<IkeHash>{IkeHash::kSha256});
}

TEST(ModelTest, PolicyWithoutProposalsOffersTheDefault) {
  Config config;
  Ikev2Policy policy;
  std::vector<Ikev2Proposal> offered = config.EffectiveProposals(policy);
  ASSERT_EQ(offered.size(), 1u);
  EXPECT_EQ(offered[0].name, "default");
  EXPECT_EQ(offered[0].dh_groups, (std::vector<int>{5, 2}));
  policy.proposals = {"missing"};
  EXPECT_TRUE(config.EffectiveProposals(policy).empty());
}

TEST(ModelTest, InterfaceLookupIgnoresCase) {
  Config config;
  Interface tunnel;
  tunnel.name = "Tunnel504";
  config.interfaces.push_back(tunnel);
  EXPECT_NE(config.FindInterface("tunnel504"), nullptr);
  EXPECT_TRUE(config.interfaces[0].IsTunnel());
  Interface ethernet;
  ethernet.name = "GigabitEthernet0/1/0/0";
  EXPECT_FALSE(ethernet.IsTunnel());
}

}  // namespace
}  // namespace cygnet::ike::config
