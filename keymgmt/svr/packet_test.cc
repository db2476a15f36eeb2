#include "keymgmt/svr/packet.h"

#include <string>
#include <vector>

#include "crypto/hex.h"
#include "crypto/random.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt::svr {
namespace {

SvrKey MakeKey(crypto::Random& random) {
  auto k = SvrKey::Create(random.Secret(64));
  EXPECT_TRUE(k.ok());
  return std::move(*k);
}

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(PacketTest, FirstPacketCarriesPayloadKeyAndMetadata) {
  crypto::DeterministicRandom random(11);
  SvrKey metadata_key = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  PacketHeader h{1, 0xabcdef01, 1};
  auto bytes = SealPacket(h, &metadata_key, 12, payload_key,
                          Bytes("10.0.0.1:5000->10.0.1.1:80 tcp"),
                          Bytes("GET / HTTP/1.1"), random);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto parsed = ParsePacket(*bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->has_metadata);
  EXPECT_EQ(parsed->metadata_key_index, 12u);
  EXPECT_EQ(parsed->header.session_id, 0xabcdef01u);
  auto metadata = OpenMetadata(*parsed, metadata_key);
  ASSERT_TRUE(metadata.ok()) << metadata.status();
  EXPECT_TRUE(metadata->payload_key.Equals(payload_key.bytes()));
  EXPECT_EQ(metadata->session_metadata,
            Bytes("10.0.0.1:5000->10.0.1.1:80 tcp"));
  auto payload = DecryptPayload(*parsed, payload_key);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, Bytes("GET / HTTP/1.1"));
}

TEST(PacketTest, PinnedVector) {
  crypto::DeterministicRandom random(12);
  SvrKey metadata_key = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  auto first = SealPacket({1, 7, 1}, &metadata_key, 3, payload_key, Bytes("md"),
                          Bytes("hello"), random);
  auto second =
      SealPacket({1, 7, 2}, nullptr, 0, payload_key, {}, Bytes("x"), random);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(
      crypto::HexEncode(*first),
      "0101000100000007000000000000000153560064000000031e4159535499f62e9ae3adc8"
      "068d1ac56c9a700522767d0ace1a29a9ffc28f20473fad78b96edefe7077e9e5426d9611"
      "373e85ccea1ccba5d6128bd93c8db7c6b8897e63404e25de5296f3801d78c2d9670e061f"
      "f475a09a3897c5d7702c32d2ebbaf87e01b856a18cf54c07dc2887fc30df3cd4496ed2c6"
      "d4b6738b9b3977cf8a5f5fd2d8ae57e5687f4f0261b62091d6d89742b8a6d8db175ad7a0"
      "541efade9ea50af39e7b94c6f2d025be54c4cd88");
  EXPECT_EQ(crypto::HexEncode(*second),
            "0100000100000007000000000000000226349daefb07635c26543d74e9b88438fd"
            "86f12b8965cdb6589cf4ae8680a2bf364d9942ddcfb1a0f1b9ab478a5b99bdddd5"
            "f3505ef66bb545329d98085352f4f0b24207603d25aa930a8a908961d830");
}

TEST(PacketTest, LaterPacketsAreTaggedWithThePayloadKey) {
  crypto::DeterministicRandom random(13);
  SvrKey metadata_key = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  for (size_t size : {0, 1, 15, 16, 17, 1400}) {
    std::vector<uint8_t> data(size, 0x5a);
    auto bytes =
        SealPacket({2, 9, 5}, nullptr, 0, payload_key, {}, data, random);
    ASSERT_TRUE(bytes.ok());
    auto parsed = ParsePacket(*bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_FALSE(parsed->has_metadata);
    EXPECT_EQ(parsed->header.generation, 2);
    EXPECT_TRUE(VerifyPayloadTag(*parsed, payload_key).ok());
    EXPECT_FALSE(VerifyPayloadTag(*parsed, metadata_key).ok());
    auto payload = DecryptPayload(*parsed, payload_key);
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(*payload, data);
  }
}

TEST(PacketTest, BitFlipsAreRejectedEverywhere) {
  crypto::DeterministicRandom random(14);
  SvrKey metadata_key = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  auto bytes = SealPacket({1, 7, 1}, &metadata_key, 3, payload_key, Bytes("md"),
                          Bytes("hello"), random);
  ASSERT_TRUE(bytes.ok());
  for (size_t bit = 0; bit < bytes->size() * 8; ++bit) {
    std::vector<uint8_t> bad = *bytes;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    auto parsed = ParsePacket(bad);
    if (!parsed.ok()) continue;  // structure broken: rejected already
    if (!parsed->has_metadata) {
      EXPECT_FALSE(VerifyPayloadTag(*parsed, payload_key).ok()) << bit;
      continue;
    }
    EXPECT_FALSE(OpenMetadata(*parsed, metadata_key).ok()) << bit;
  }
}

TEST(PacketTest, ParseRejectsMalformedStructure) {
  crypto::DeterministicRandom random(15);
  SvrKey metadata_key = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  auto bytes = SealPacket({1, 7, 1}, &metadata_key, 3, payload_key, Bytes("md"),
                          Bytes("hello"), random);
  ASSERT_TRUE(bytes.ok());
  std::vector<uint8_t> b = *bytes;
  b[0] = 2;
  EXPECT_NE(ParsePacket(b).status().message().find("version"),
            std::string::npos);
  b = *bytes;
  b[1] = 0x03;
  EXPECT_NE(ParsePacket(b).status().message().find("flags"), std::string::npos);
  b = *bytes;
  b[16] = 0;  // TLV type
  EXPECT_NE(ParsePacket(b).status().message().find("TLV type"),
            std::string::npos);
  b = *bytes;
  b[19] ^= 0x10;  // TLV length
  EXPECT_FALSE(ParsePacket(b).ok());
  b = *bytes;
  for (int i = 8; i < 16; ++i) b[i] = 0;  // nonce 0
  EXPECT_NE(ParsePacket(b).status().message().find("nonce"), std::string::npos);
  for (size_t n = 0; n < bytes->size(); n += 3) {
    auto r = ParsePacket(absl::MakeConstSpan(*bytes).subspan(0, n));
    if (r.ok()) {
      // A prefix that parses is a differently-split packet; it cannot
      // authenticate.
      EXPECT_FALSE(OpenMetadata(*r, metadata_key).ok()) << n;
    }
  }
  EXPECT_FALSE(
      SealPacket({1, 7, 0}, nullptr, 0, payload_key, {}, {}, random).ok());
  EXPECT_FALSE(SealPacket({1, 7, 1}, &metadata_key, 3, payload_key,
                          std::vector<uint8_t>(1001, 0), {}, random)
                   .ok());
}

TEST(PacketTest, RewrapKeepsPayloadEndToEnd) {
  crypto::DeterministicRandom random(16);
  SvrKey hop1 = MakeKey(random);
  SvrKey hop2 = MakeKey(random);
  SvrKey payload_key = MakeKey(random);
  auto bytes = SealPacket({1, 42, 1}, &hop1, 5, payload_key, Bytes("meta"),
                          Bytes("payload bytes"), random);
  ASSERT_TRUE(bytes.ok());
  auto parsed = ParsePacket(*bytes);
  ASSERT_TRUE(parsed.ok());
  auto metadata = OpenMetadata(*parsed, hop1);
  ASSERT_TRUE(metadata.ok());
  auto next = RewrapMetadata(*parsed, *metadata, hop2, 9, random);
  ASSERT_TRUE(next.ok());
  auto parsed2 = ParsePacket(*next);
  ASSERT_TRUE(parsed2.ok());
  EXPECT_EQ(parsed2->metadata_key_index, 9u);
  EXPECT_EQ(std::vector<uint8_t>(parsed2->payload_ct.begin(),
                                 parsed2->payload_ct.end()),
            std::vector<uint8_t>(parsed->payload_ct.begin(),
                                 parsed->payload_ct.end()));
  EXPECT_FALSE(OpenMetadata(*parsed2, hop1).ok());
  auto metadata2 = OpenMetadata(*parsed2, hop2);
  ASSERT_TRUE(metadata2.ok());
  EXPECT_TRUE(metadata2->payload_key.Equals(payload_key.bytes()));
  auto payload = DecryptPayload(*parsed2, payload_key);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(*payload, Bytes("payload bytes"));
}

TEST(NonceWindowTest, RejectsReplaysAndTooOld) {
  NonceWindow w;
  EXPECT_FALSE(w.Check(0));
  EXPECT_TRUE(w.Check(1));
  w.Update(1);
  EXPECT_FALSE(w.Check(1));
  w.Update(5);
  EXPECT_TRUE(w.Check(3));
  w.Update(3);
  EXPECT_FALSE(w.Check(3));
  EXPECT_TRUE(w.Check(4));
  w.Update(100);
  EXPECT_FALSE(w.Check(36));  // 64 or more behind
  EXPECT_TRUE(w.Check(37));
  EXPECT_FALSE(w.Check(100));
  w.Update(1000);
  EXPECT_FALSE(w.Check(100));
  EXPECT_EQ(w.highest(), 1000u);
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
