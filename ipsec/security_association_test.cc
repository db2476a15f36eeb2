#include "ipsec/security_association.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

crypto::SecretBytes Key(size_t size, uint8_t seed) {
  crypto::SecretBytes key(size);
  for (size_t i = 0; i < size; ++i) {
    key.mutable_data()[i] = static_cast<uint8_t>(seed + i);
  }
  return key;
}

SaConfig GcmConfig(SaDirection direction) {
  SaConfig config;
  config.spi = 0x2c378849;
  config.direction = direction;
  config.local_address = *IpAddress::Parse("1.1.1.1");
  config.remote_address = *IpAddress::Parse("1.1.1.2");
  config.cipher = EspCipher::kAesGcm256;
  config.integrity = EspIntegrity::kNone;
  config.encryption_key = Key(36, 1);
  return config;
}

TEST(SecurityAssociationCreate, Accepts) {
  auto sa =
      SecurityAssociation::Create(GcmConfig(SaDirection::kInbound), kStart);
  ASSERT_TRUE(sa.ok()) << sa.status();
  EXPECT_EQ(sa->spi(), 0x2c378849u);
  EXPECT_EQ(sa->direction(), SaDirection::kInbound);
  EXPECT_EQ(sa->mode(), SaMode::kTunnel);
  EXPECT_EQ(sa->transform().cipher(), EspCipher::kAesGcm256);
  EXPECT_TRUE(sa->replay_window().enabled());
  EXPECT_EQ(sa->replay_window().size(), 64u);
  EXPECT_EQ(sa->encryption_key_fingerprint().size(), 8u);
  EXPECT_TRUE(sa->integrity_key_fingerprint().empty());
  EXPECT_EQ(SaModeName(SaMode::kTunnel), "Tunnel");
  EXPECT_EQ(SaDirectionName(SaDirection::kOutbound), "Outbound");
}

TEST(SecurityAssociationCreate, RejectsBadConfigs) {
  {
    SaConfig config = GcmConfig(SaDirection::kInbound);
    config.spi = 255;
    auto sa = SecurityAssociation::Create(std::move(config), kStart);
    EXPECT_EQ(sa.status().message(),
              "spi: 0x000000ff is reserved (RFC 4303 section 2.1: 0..255)");
  }
  {
    SaConfig config = GcmConfig(SaDirection::kInbound);
    config.remote_address = *IpAddress::Parse("2001:db8::1");
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kInbound);
    config.encryption_key = Key(32, 0);  // salt missing
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kInbound);
    config.cipher = EspCipher::kAesCbc256;
    config.encryption_key = Key(32, 0);
    auto sa = SecurityAssociation::Create(std::move(config), kStart);
    EXPECT_EQ(sa.status().message(),
              "integrity: aes-cbc-256 without integrity protection is not "
              "allowed (RFC 8221 section 5)");
  }
  {
    SaConfig config = GcmConfig(SaDirection::kInbound);
    config.replay_window_size = 16;
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kOutbound);
    config.first_sequence_number = 0;
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kOutbound);
    config.first_sequence_number = uint64_t{1} << 32;  // needs ESN
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kOutbound);
    config.lifetime.soft_packets = 10;
    config.lifetime.hard_packets = 5;
    EXPECT_FALSE(SecurityAssociation::Create(std::move(config), kStart).ok());
  }
  {
    SaConfig config = GcmConfig(SaDirection::kOutbound);
    config.udp_encapsulation = UdpEncapsulation{4500, 0};
    auto sa = SecurityAssociation::Create(std::move(config), kStart);
    EXPECT_EQ(sa.status().message(),
              "udp_encapsulation: port 0 (local 4500, remote 0)");
  }
  {
    SaConfig config = GcmConfig(SaDirection::kOutbound);
    config.pfs_group = 70000;
    auto sa = SecurityAssociation::Create(std::move(config), kStart);
    EXPECT_EQ(sa.status().message(),
              "pfs_group: 70000 is not a 16-bit transform ID");
  }
}

// The compact layout (one selector array, port 0 for "no NAT-T", key
// fingerprints in fixed arrays) reads back what the config said.
TEST(SecurityAssociationCreate, KeepsConfigurationForShow) {
  SaConfig config = GcmConfig(SaDirection::kInbound);
  config.local_selectors = {*TrafficSelector::ParseAddresses("10.0.0.0/24"),
                            *TrafficSelector::ParseAddresses("10.0.1.0/24")};
  config.remote_selectors = {*TrafficSelector::ParseAddresses("10.9.0.0/16")};
  config.udp_encapsulation = UdpEncapsulation{4500, 61000};
  config.pfs_group = 20;
  config.quantum_resistant = true;
  const std::string fingerprint = config.encryption_key.Fingerprint();
  const std::vector<TrafficSelector> local = config.local_selectors;
  const std::vector<TrafficSelector> remote = config.remote_selectors;
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok()) << sa.status();
  ASSERT_EQ(sa->local_selectors().size(), 2u);
  EXPECT_EQ(sa->local_selectors()[1], local[1]);
  ASSERT_EQ(sa->remote_selectors().size(), 1u);
  EXPECT_EQ(sa->remote_selectors()[0], remote[0]);
  ASSERT_TRUE(sa->udp_encapsulation().has_value());
  EXPECT_EQ(sa->udp_encapsulation()->remote_port, 61000);
  EXPECT_EQ(sa->pfs_group(), 20);
  EXPECT_TRUE(sa->quantum_resistant());
  EXPECT_EQ(sa->encryption_key_fingerprint(), fingerprint);

  // Moving keeps all of it (the SAD stores moved SAs).
  SecurityAssociation moved = *std::move(sa);
  EXPECT_EQ(moved.remote_selectors()[0], remote[0]);

  auto plain =
      SecurityAssociation::Create(GcmConfig(SaDirection::kInbound), kStart);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->local_selectors().empty());
  EXPECT_TRUE(plain->remote_selectors().empty());
  EXPECT_FALSE(plain->udp_encapsulation().has_value());
}

TEST(SecurityAssociationSequence, CountsFromOneAndNeverWraps) {
  SaConfig config = GcmConfig(SaDirection::kOutbound);
  config.first_sequence_number = 0xfffffffe;
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(sa->last_sequence_number(), 0xfffffffdu);
  EXPECT_EQ(*sa->NextSequenceNumber(), 0xfffffffeu);
  EXPECT_EQ(*sa->NextSequenceNumber(), 0xffffffffu);
  SaEvents events = sa->TakeEvents();
  EXPECT_TRUE(events.rekey);  // past the default soft limit 2^32 - 2^24
  EXPECT_FALSE(events.expired);
  auto exhausted = sa->NextSequenceNumber();
  EXPECT_EQ(exhausted.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(exhausted.status().message(),
            "SA 0x2c378849: sequence number exhausted at 4294967295");
  EXPECT_EQ(sa->counters().sequence_exhausted, 1u);
  events = sa->TakeEvents();
  EXPECT_FALSE(events.rekey);  // raised once only
  EXPECT_TRUE(events.expired);
  EXPECT_TRUE(sa->expired());
  // Expired for good, and no second event.
  EXPECT_EQ(sa->NextSequenceNumber().status().message(),
            "SA 0x2c378849 expired");
  EXPECT_EQ(sa->counters().expired_drops, 1u);
  events = sa->TakeEvents();
  EXPECT_FALSE(events.rekey || events.expired);
}

TEST(SecurityAssociationSequence, EsnRunsPast32Bits) {
  SaConfig config = GcmConfig(SaDirection::kOutbound);
  config.extended_sequence_numbers = true;
  config.first_sequence_number = 0xffffffff;
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(*sa->NextSequenceNumber(), 0xffffffffu);
  EXPECT_EQ(*sa->NextSequenceNumber(), uint64_t{1} << 32);
  EXPECT_FALSE(sa->TakeEvents().rekey);
}

TEST(SecurityAssociationSequence, EsnExhaustsAtTwoToThe64) {
  SaConfig config = GcmConfig(SaDirection::kOutbound);
  config.extended_sequence_numbers = true;
  config.first_sequence_number = std::numeric_limits<uint64_t>::max();
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok());
  EXPECT_EQ(*sa->NextSequenceNumber(), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(sa->NextSequenceNumber().ok());
  EXPECT_TRUE(sa->expired());
}

TEST(SecurityAssociationSequence, ConfiguredSoftLimit) {
  SaConfig config = GcmConfig(SaDirection::kOutbound);
  config.sequence_soft_limit = 3;
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok());
  ASSERT_TRUE(sa->NextSequenceNumber().ok());
  ASSERT_TRUE(sa->NextSequenceNumber().ok());
  EXPECT_FALSE(sa->TakeEvents().rekey);
  ASSERT_TRUE(sa->NextSequenceNumber().ok());
  EXPECT_TRUE(sa->TakeEvents().rekey);
  ASSERT_TRUE(sa->NextSequenceNumber().ok());
  EXPECT_FALSE(sa->TakeEvents().rekey);
}

TEST(SecurityAssociationLifetime, PacketsBytesAndTime) {
  SaConfig config = GcmConfig(SaDirection::kOutbound);
  config.lifetime.soft_packets = 2;
  config.lifetime.hard_packets = 4;
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(sa.ok());
  sa->RecordPacket(100);
  EXPECT_FALSE(sa->TakeEvents().rekey);
  sa->RecordPacket(100);
  EXPECT_TRUE(sa->TakeEvents().rekey);
  sa->RecordPacket(100);
  EXPECT_TRUE(sa->CheckUsable().ok());
  sa->RecordPacket(100);
  SaEvents events = sa->TakeEvents();
  EXPECT_FALSE(events.rekey);
  EXPECT_TRUE(events.expired);
  EXPECT_FALSE(sa->CheckUsable().ok());
  EXPECT_EQ(sa->counters().packets, 4u);
  EXPECT_EQ(sa->counters().bytes, 400u);

  SaConfig timed = GcmConfig(SaDirection::kInbound);
  timed.lifetime.soft_time = absl::Seconds(540);
  timed.lifetime.hard_time = absl::Seconds(600);
  auto tsa = SecurityAssociation::Create(std::move(timed), kStart);
  ASSERT_TRUE(tsa.ok());
  tsa->AdvanceTime(kStart + absl::Seconds(539));
  EXPECT_FALSE(tsa->TakeEvents().rekey);
  tsa->AdvanceTime(kStart + absl::Seconds(540));
  EXPECT_TRUE(tsa->TakeEvents().rekey);
  tsa->AdvanceTime(kStart + absl::Seconds(600));
  EXPECT_TRUE(tsa->TakeEvents().expired);
  EXPECT_TRUE(tsa->expired());
}

TEST(SecurityAssociationReplay, CheckCountsDrops) {
  auto sa =
      SecurityAssociation::Create(GcmConfig(SaDirection::kInbound), kStart);
  ASSERT_TRUE(sa.ok());
  auto first = sa->CheckReplay(1);
  ASSERT_TRUE(first.ok());
  sa->AcceptSequence(*first);
  EXPECT_FALSE(sa->CheckReplay(1).ok());
  EXPECT_EQ(sa->counters().replay_drops, 1u);
}

}  // namespace
}  // namespace cygnet::ipsec
