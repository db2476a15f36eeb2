#include "ike/wire/payloads.h"

#include "gtest/gtest.h"

namespace cygnet::ike::wire {
namespace {

TEST(PayloadsTest, FactoriesSetTheTypeTheBodyImplies) {
  EXPECT_EQ(Payload::Of(Nonce{}).type, PayloadType::kNonce);
  EXPECT_EQ(Payload::IdI(Identification{}).type, PayloadType::kIdInitiator);
  EXPECT_EQ(Payload::IdR(Identification{}).type, PayloadType::kIdResponder);
  EXPECT_EQ(Payload::TsR(TrafficSelectors{}).type, PayloadType::kTsResponder);
  Transform t = Transform::Encryption(EncryptionId::kAesCbc, 256);
  EXPECT_EQ(t.type, TransformType::kEncryption);
  EXPECT_EQ(t.id, 12);
  EXPECT_EQ(t.key_length, 256);
}

TEST(PayloadsTest, LookupAndEquality) {
  Message m;
  m.payloads.push_back(Payload::Of(
      Notify{ProtocolId::kNone, {}, NotifyType::kCookie, {1, 2, 3}}));
  m.payloads.push_back(Payload::Of(Nonce{Bytes(32, 7)}));
  ASSERT_NE(m.FindNotify(NotifyType::kCookie), nullptr);
  EXPECT_EQ(m.FindNotify(NotifyType::kCookie)->data, (Bytes{1, 2, 3}));
  EXPECT_EQ(m.FindNotify(NotifyType::kUsePpk), nullptr);
  ASSERT_NE(m.Find(PayloadType::kNonce), nullptr);
  EXPECT_EQ(m.Find(PayloadType::kNonce)->As<Nonce>()->data.size(), 32u);
  EXPECT_EQ(m.Find(PayloadType::kNonce)->As<Notify>(), nullptr);
  EXPECT_EQ(FindNotify(m.payloads, NotifyType::kCookie),
            m.FindNotify(NotifyType::kCookie));
  EXPECT_EQ(FindPayload(m.payloads, PayloadType::kKeyExchange), nullptr);
  Message copy = m;
  EXPECT_EQ(copy, m);
  copy.payloads[1].critical = true;
  EXPECT_NE(copy, m);
}

}  // namespace
}  // namespace cygnet::ike::wire
