#include "ike/wire/constants.h"

#include "gtest/gtest.h"

namespace cygnet::ike::wire {
namespace {

// Spot checks of the registry numbers against RFC 7296, RFC 7383, RFC 7427
// and RFC 8784, and of the names used in logs.
TEST(ConstantsTest, NumbersMatchTheRegistry) {
  EXPECT_EQ(static_cast<int>(ExchangeType::kIkeSaInit), 34);
  EXPECT_EQ(static_cast<int>(ExchangeType::kIkeIntermediate), 43);
  EXPECT_EQ(static_cast<int>(PayloadType::kSecurityAssociation), 33);
  EXPECT_EQ(static_cast<int>(PayloadType::kEncrypted), 46);
  EXPECT_EQ(static_cast<int>(PayloadType::kEncryptedFragment), 53);
  EXPECT_EQ(static_cast<int>(EncryptionId::kAesGcm16), 20);
  EXPECT_EQ(static_cast<int>(EncryptionId::kChaCha20Poly1305), 28);
  EXPECT_EQ(static_cast<int>(IntegrityId::kHmacSha2_512_256), 14);
  EXPECT_EQ(static_cast<int>(KeyExchangeGroup::kCurve25519), 31);
  EXPECT_EQ(static_cast<int>(AuthMethod::kDigitalSignature), 14);
  EXPECT_EQ(static_cast<int>(NotifyType::kTemporaryFailure), 43);
  EXPECT_EQ(static_cast<int>(NotifyType::kCookie), 16390);
  EXPECT_EQ(static_cast<int>(NotifyType::kIkev2FragmentationSupported), 16430);
  EXPECT_EQ(static_cast<int>(NotifyType::kSignatureHashAlgorithms), 16431);
  EXPECT_EQ(static_cast<int>(NotifyType::kUsePpk), 16435);
  EXPECT_EQ(static_cast<int>(NotifyType::kPpkIdentity), 16436);
  EXPECT_EQ(static_cast<int>(NotifyType::kNoPpkAuth), 16437);
}

TEST(ConstantsTest, NamesAndUnknownValues) {
  EXPECT_EQ(ToString(ExchangeType::kCreateChildSa), "CREATE_CHILD_SA");
  EXPECT_EQ(ToString(PayloadType::kIdResponder), "IDr");
  EXPECT_EQ(ToString(EncryptionId::kAesGcm12), "ENCR_AES_GCM_12");
  EXPECT_EQ(ToString(PrfId::kHmacSha2_384), "PRF_HMAC_SHA2_384");
  EXPECT_EQ(ToString(IntegrityId::kHmacSha2_256_128), "AUTH_HMAC_SHA2_256_128");
  EXPECT_EQ(ToString(KeyExchangeGroup::kEcp521), "ECP_521");
  EXPECT_EQ(ToString(IdType::kDerAsn1Dn), "ID_DER_ASN1_DN");
  EXPECT_EQ(ToString(NotifyType::kNatDetectionDestinationIp),
            "NAT_DETECTION_DESTINATION_IP");
  EXPECT_EQ(ToString(NotifyType::kInvalidKePayload), "INVALID_KE_PAYLOAD");
  EXPECT_EQ(ToString(static_cast<NotifyType>(40000)), "UNKNOWN(40000)");
  EXPECT_EQ(ToString(static_cast<PayloadType>(200)), "UNKNOWN(200)");
  EXPECT_EQ(TransformIdName(TransformType::kEncryption, 20), "ENCR_AES_GCM_16");
  EXPECT_EQ(TransformIdName(TransformType::kKeyExchange, 31), "CURVE25519");
  EXPECT_EQ(TransformIdName(TransformType::kIntegrity, 99), "UNKNOWN(99)");
  EXPECT_EQ(TransformIdName(static_cast<TransformType>(9), 1), "UNKNOWN(1)");
  EXPECT_TRUE(IsErrorNotify(NotifyType::kChildSaNotFound));
  EXPECT_FALSE(IsErrorNotify(NotifyType::kInitialContact));
}

}  // namespace
}  // namespace cygnet::ike::wire
