#include "ipsec/sad_decapsulation.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"
#include "ipsec/esp.h"
#include "ipsec/ip_address.h"
#include "ipsec/sa_database.h"
#include "ipsec/security_association.h"

namespace cygnet::ipsec {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);
const IpAddress kA = *IpAddress::Parse("192.0.2.1");
const IpAddress kB = *IpAddress::Parse("198.51.100.7");

SecurityAssociation MakeSa(SaDirection direction, uint32_t spi) {
  crypto::DeterministicRandom random(7);
  SaConfig config;
  config.spi = spi;
  config.direction = direction;
  config.local_address = direction == SaDirection::kOutbound ? kA : kB;
  config.remote_address = direction == SaDirection::kOutbound ? kB : kA;
  config.cipher = EspCipher::kAesGcm256;
  config.encryption_key = random.Secret(36);
  auto sa = SecurityAssociation::Create(std::move(config), kStart);
  EXPECT_TRUE(sa.ok()) << sa.status();
  return *std::move(sa);
}

// Seals a 28-byte inner IPv4/UDP packet into `storage` (64 bytes headroom).
PacketBuffer Seal(SecurityAssociation& out, std::vector<uint8_t>& storage) {
  storage.assign(256, 0);
  const uint8_t inner[28] = {0x45, 0, 0,  28, 0, 1, 0,  0, 64, 17,
                             0,    0, 10, 0,  0, 1, 10, 0, 0,  2};
  std::copy(inner, inner + sizeof(inner), storage.begin() + 64);
  PacketBuffer packet{absl::MakeSpan(storage), 64, sizeof(inner)};
  crypto::DeterministicRandom random(1);
  EXPECT_TRUE(Encapsulate(out, packet, random).ok());
  return packet;
}

TEST(DecapsulateFromSad, FindsTheSaAndHoldsIt) {
  SaDatabase sad;
  auto inbound = std::make_shared<SecurityAssociation>(
      MakeSa(SaDirection::kInbound, 0x1234));
  ASSERT_TRUE(sad.AddInbound(1, inbound).ok());
  SecurityAssociation outbound = MakeSa(SaDirection::kOutbound, 0x1234);
  std::vector<uint8_t> storage;
  PacketBuffer packet = Seal(outbound, storage);

  DecapsulationCounters counters;
  Decapsulated out;
  std::shared_ptr<SecurityAssociation> held;
  ASSERT_TRUE(DecapsulateFromSad(sad, packet, counters, &out, &held).ok());
  EXPECT_EQ(out.kind, DecapsulatedKind::kPacket);
  EXPECT_EQ(held, inbound);
  EXPECT_EQ(out.sa, inbound.get());
  EXPECT_EQ(inbound->counters().packets, 1u);

  // The control plane removes the SA while the packet is still in use: the
  // caller's reference keeps it alive.
  ASSERT_TRUE(sad.RemoveInbound(0x1234, kB).ok());
  std::weak_ptr<SecurityAssociation> watch = inbound;
  inbound.reset();
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(out.sa->spi(), 0x1234u);
  held.reset();
  EXPECT_TRUE(watch.expired());
}

TEST(DecapsulateFromSad, UnknownSpiIsCountedAndHoldsNothing) {
  SaDatabase sad;
  SecurityAssociation outbound = MakeSa(SaDirection::kOutbound, 0x9999);
  std::vector<uint8_t> storage;
  PacketBuffer packet = Seal(outbound, storage);
  DecapsulationCounters counters;
  Decapsulated out;
  auto held = std::make_shared<SecurityAssociation>(
      MakeSa(SaDirection::kInbound, 0x4444));  // from an earlier packet
  absl::Status status = DecapsulateFromSad(sad, packet, counters, &out, &held);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "unknown SPI 0x00009999");
  EXPECT_EQ(counters.unknown_spi, 1u);
  EXPECT_EQ(held, nullptr);
}

}  // namespace
}  // namespace cygnet::ipsec
