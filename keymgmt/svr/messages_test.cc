#include "keymgmt/svr/messages.h"

#include <vector>

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt::svr {
namespace {

std::vector<SecurityMessage> OneOfEach() {
  std::vector<SecurityMessage> all;
  SecurityMessage m;
  m.type = MessageType::kCertificate;
  m.certificates = {{0x30, 0x01, 0x02}, std::vector<uint8_t>(300, 7)};
  all.push_back(m);
  m = {};
  m.type = MessageType::kCertificateAck;
  m.digest.assign(32, 0xab);
  all.push_back(m);
  m = {};
  m.type = MessageType::kSalt;
  m.salt = {1, 2, 3, 4, 5, 6, 7, 8};
  m.signature = {9, 9, 9};
  all.push_back(m);
  m = {};
  m.type = MessageType::kSaltAck;
  m.salt = {1, 2, 3, 4, 5, 6, 7, 8};
  all.push_back(m);
  for (MessageType t : {MessageType::kKeyRequest, MessageType::kKeyResponse}) {
    m = {};
    m.type = t;
    m.key_id = 0x01020304;
    m.group = 20;
    m.public_value.assign(96, 0x44);
    m.signature.assign(70, 0x55);
    all.push_back(m);
  }
  for (MessageType t : {MessageType::kMetadataKey, MessageType::kNodeSync}) {
    m = {};
    m.type = t;
    m.key_id = 3;
    m.key_index = 12;
    m.iv.assign(16, 0x11);
    m.wrapped.assign(112, 0x22);
    all.push_back(m);
  }
  m = {};
  m.type = MessageType::kMetadataKeyAck;
  m.key_id = 3;
  m.key_index = 12;
  m.tag.assign(48, 0x33);
  all.push_back(m);
  return all;
}

TEST(MessagesTest, EveryTypeRoundTrips) {
  for (const SecurityMessage& m : OneOfEach()) {
    auto bytes = EncodeMessage(m);
    ASSERT_TRUE(bytes.ok()) << MessageTypeName(m.type) << bytes.status();
    auto parsed = ParseMessage(*bytes);
    ASSERT_TRUE(parsed.ok()) << MessageTypeName(m.type) << parsed.status();
    EXPECT_EQ(parsed->type, m.type);
    EXPECT_EQ(parsed->certificates, m.certificates);
    EXPECT_EQ(parsed->digest, m.digest);
    EXPECT_EQ(parsed->salt, m.salt);
    EXPECT_EQ(parsed->key_id, m.key_id);
    EXPECT_EQ(parsed->group, m.group);
    EXPECT_EQ(parsed->public_value, m.public_value);
    EXPECT_EQ(parsed->signature, m.signature);
    EXPECT_EQ(parsed->key_index, m.key_index);
    EXPECT_EQ(parsed->iv, m.iv);
    EXPECT_EQ(parsed->wrapped, m.wrapped);
    EXPECT_EQ(parsed->tag, m.tag);
    // Every strict prefix and every extension is rejected.
    for (size_t n = 0; n < bytes->size(); ++n) {
      EXPECT_FALSE(ParseMessage(absl::MakeConstSpan(*bytes).subspan(0, n)).ok())
          << MessageTypeName(m.type) << " prefix " << n;
    }
    std::vector<uint8_t> longer = *bytes;
    longer.push_back(0);
    EXPECT_FALSE(ParseMessage(longer).ok());
  }
}

TEST(MessagesTest, PinnedEncoding) {
  SecurityMessage m;
  m.type = MessageType::kSaltAck;
  m.salt = {0xb8, 0x69, 0xb3, 0x42, 0x45, 0x13, 0x34, 0x0a};
  auto bytes = EncodeMessage(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(crypto::HexEncode(*bytes), "01040008b869b3424513340a");
  m = {};
  m.type = MessageType::kMetadataKeyAck;
  m.key_id = 2;
  m.key_index = 0x0c;
  m.tag.assign(48, 0);
  bytes = EncodeMessage(m);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(crypto::HexEncode(*bytes),
            "01080038000000020000000c" + std::string(96, '0'));
}

TEST(MessagesTest, RejectsBadHeaderAndFields) {
  auto bad = [](std::vector<uint8_t> b) { return ParseMessage(b).status(); };
  EXPECT_NE(bad({2, 4, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}).message().find("version"),
            std::string::npos);
  EXPECT_NE(bad({1, 10, 0, 0}).message().find("type"), std::string::npos);
  EXPECT_NE(bad({1, 0, 0, 0}).message().find("type"), std::string::npos);
  EXPECT_NE(
      bad({1, 4, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8}).message().find("body length"),
      std::string::npos);
  // Certificate count 0 and 5.
  EXPECT_NE(bad({1, 1, 0, 1, 0}).message().find("certificate count"),
            std::string::npos);
  EXPECT_NE(bad({1, 1, 0, 1, 5}).message().find("certificate count"),
            std::string::npos);
  // Empty certificate.
  EXPECT_NE(bad({1, 1, 0, 3, 1, 0, 0}).message().find("certificate"),
            std::string::npos);
  // Oversized public value length.
  EXPECT_NE(bad({1, 5, 0, 8, 0, 0, 0, 1, 0, 20, 0x02, 0x01})
                .message()
                .find("public value"),
            std::string::npos);
}

TEST(MessagesTest, EncodeRejectsOutOfBoundsFields) {
  SecurityMessage m;
  m.type = MessageType::kCertificate;
  EXPECT_FALSE(EncodeMessage(m).ok());
  m.certificates.assign(5, {1});
  EXPECT_FALSE(EncodeMessage(m).ok());
  m.certificates = {std::vector<uint8_t>(8193, 1)};
  EXPECT_FALSE(EncodeMessage(m).ok());
  m = {};
  m.type = MessageType::kSalt;
  m.salt = {1, 2, 3};
  m.signature = {1};
  EXPECT_FALSE(EncodeMessage(m).ok());
  m = {};
  m.type = MessageType::kMetadataKey;
  m.iv.assign(16, 0);
  m.wrapped.assign(111, 0);
  EXPECT_FALSE(EncodeMessage(m).ok());
}

TEST(MessagesTest, TranscriptsBindBothNamesInOrder) {
  std::vector<uint8_t> salt(8, 1);
  EXPECT_NE(SaltTranscript("a", "b", salt), SaltTranscript("b", "a", salt));
  EXPECT_NE(SaltTranscript("ab", "c", salt), SaltTranscript("a", "bc", salt));
  EXPECT_NE(MetadataKeyAad("a", "b", 1, 2), MetadataKeyAad("a", "b", 1, 3));
  EXPECT_NE(MetadataKeyAad("a", "b", 1, 2), MetadataKeyAckData("a", "b", 1, 2));
  EXPECT_EQ(crypto::HexEncode(SaltTranscript("a", "b", salt)),
            crypto::HexEncode(std::vector<uint8_t>(
                {'c', 'y', 'g', 'n', 'e', 't', ' ', 's', 'v', 'r',
                 ' ', 's', 'a', 'l', 't', ' ', 'v', '1', 1,   'a',
                 1,   'b', 1,   1,   1,   1,   1,   1,   1,   1})));
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
