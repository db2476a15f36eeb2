#include "ike/algorithms.h"

#include <string>

#include "gtest/gtest.h"

namespace cygnet::ike {
namespace {

using crypto::KeyExchangeGroup;
using crypto::PrfAlgorithm;

void ExpectRefused(const absl::Status& status, absl::string_view rfc) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find("refused"), absl::string_view::npos)
      << status;
  EXPECT_NE(status.message().find(rfc), absl::string_view::npos) << status;
}

TEST(AlgorithmsTest, SeedProposalKeywords) {
  // seed 001/003: prf sha-256, dh-group 20, integrity sha-256,
  // encryption aes-cbc-256.
  EXPECT_EQ(*IkeEncryptionFromKeyword("aes-cbc-256"),
            EncryptionAlgorithm::kAesCbc256);
  EXPECT_EQ(*IkeIntegrityFromKeyword("sha-256"),
            IntegrityAlgorithm::kHmacSha2_256_128);
  EXPECT_EQ(*PrfFromKeyword("sha-256"), PrfAlgorithm::kHmacSha256);
  EXPECT_EQ(*GroupFromKeyword("20"), KeyExchangeGroup::kEcp384);
  // seed 001: ipsec profile "set pfs group19".
  EXPECT_EQ(*GroupFromKeyword("group19"), KeyExchangeGroup::kEcp256);
  EXPECT_EQ(*GroupFromKeyword("group 21"), KeyExchangeGroup::kEcp521);
  // Every supported keyword round-trips and is case-insensitive.
  for (auto e :
       {EncryptionAlgorithm::kAesCbc128, EncryptionAlgorithm::kAesCbc192,
        EncryptionAlgorithm::kAesCbc256, EncryptionAlgorithm::kAesGcm16_128,
        EncryptionAlgorithm::kAesGcm16_256}) {
    EXPECT_EQ(*IkeEncryptionFromKeyword(IkeEncryptionKeyword(e)), e);
  }
  EXPECT_EQ(*IkeEncryptionFromKeyword("AES-GCM-128"),
            EncryptionAlgorithm::kAesGcm16_128);
  EXPECT_EQ(*IkeIntegrityFromKeyword("sha1"), IntegrityAlgorithm::kHmacSha1_96);
  EXPECT_EQ(*IkeIntegrityFromKeyword("sha512"),
            IntegrityAlgorithm::kHmacSha2_512_256);
  EXPECT_EQ(*PrfFromKeyword("SHA384"), PrfAlgorithm::kHmacSha384);
  for (uint16_t g : {14, 19, 20, 21, 31}) {
    auto group = GroupFromNumber(g);
    ASSERT_TRUE(group.ok()) << g;
    EXPECT_EQ(GroupNumber(*group), g);
  }
}

TEST(AlgorithmsTest, Seed002DefaultProposalIsRefusedCitingRfc8247) {
  // seed 002 default proposal: encryption aes-cbc-128 3des; integrity sha1
  // md5; group 5 2.
  EXPECT_TRUE(IkeEncryptionFromKeyword("aes-cbc-128").ok());
  ExpectRefused(IkeEncryptionFromKeyword("3des").status(), "RFC 8247");
  EXPECT_TRUE(IkeIntegrityFromKeyword("sha1").ok());
  ExpectRefused(IkeIntegrityFromKeyword("md5").status(), "RFC 8247");
  ExpectRefused(PrfFromKeyword("md5").status(), "RFC 8247");
  ExpectRefused(GroupFromKeyword("5").status(), "RFC 8247");
  ExpectRefused(GroupFromKeyword("2").status(), "RFC 8247");
  EXPECT_EQ(GroupFromKeyword("2").status().message().substr(0, 15),
            "group 2 refused");
  ExpectRefused(GroupFromNumber(1).status(), "RFC 8247");
  ExpectRefused(GroupFromNumber(24).status(), "RFC 8247");
  ExpectRefused(IkeEncryptionFromKeyword("des").status(), "RFC 8247");
}

TEST(AlgorithmsTest, UnknownValuesNameTheValue) {
  auto group = GroupFromNumber(16);  // seed 002 uses group 16
  EXPECT_EQ(group.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(group.status().message().find("group 16 not supported"),
            absl::string_view::npos);
  EXPECT_NE(IkeEncryptionFromKeyword("blowfish")
                .status()
                .message()
                .find("\"blowfish\""),
            absl::string_view::npos);
  EXPECT_FALSE(GroupFromKeyword("groupx").ok());
  EXPECT_FALSE(GroupFromKeyword("").ok());
  EXPECT_FALSE(GroupFromKeyword("70000").ok());
  EXPECT_FALSE(IkeIntegrityFromKeyword("sha3").ok());
  EXPECT_FALSE(PrfFromKeyword("").ok());
}

TEST(AlgorithmsTest, LengthsAndSizes) {
  EXPECT_EQ(EncryptionKeySize(EncryptionAlgorithm::kAesCbc192), 24u);
  EXPECT_EQ(EncryptionSaltSize(EncryptionAlgorithm::kAesCbc256), 0u);
  EXPECT_EQ(EncryptionKeyMaterialSize(EncryptionAlgorithm::kAesGcm16_128), 20u);
  EXPECT_EQ(EncryptionKeyMaterialSize(EncryptionAlgorithm::kAesGcm16_256), 36u);
  EXPECT_EQ(EncryptionKeyMaterialSize(EncryptionAlgorithm::kChaCha20Poly1305),
            36u);
  EXPECT_EQ(EncryptionIvSize(EncryptionAlgorithm::kAesCbc128), 16u);
  EXPECT_EQ(EncryptionIvSize(EncryptionAlgorithm::kAesGcm16_256), 8u);
  EXPECT_EQ(EncryptionIcvSize(EncryptionAlgorithm::kAesGcm16_256), 16u);
  EXPECT_EQ(*EncryptionAead(EncryptionAlgorithm::kAesGcm16_256),
            crypto::AeadAlgorithm::kAesGcm256);
  EXPECT_FALSE(EncryptionAead(EncryptionAlgorithm::kAesCbc256).has_value());
  EXPECT_EQ(IntegrityKeySize(IntegrityAlgorithm::kHmacSha1_96), 20u);
  EXPECT_EQ(IntegrityIcvSize(IntegrityAlgorithm::kHmacSha1_96), 12u);
  EXPECT_EQ(IntegrityKeySize(IntegrityAlgorithm::kHmacSha2_384_192), 48u);
  EXPECT_EQ(IntegrityIcvSize(IntegrityAlgorithm::kHmacSha2_384_192), 24u);
  EXPECT_EQ(IntegrityIcvSize(IntegrityAlgorithm::kHmacSha2_512_256), 32u);
  EXPECT_EQ(IntegrityHash(IntegrityAlgorithm::kHmacSha2_512_256),
            crypto::HashAlgorithm::kSha512);
}

TEST(AlgorithmsTest, WireTransformsRoundTrip) {
  for (auto e :
       {EncryptionAlgorithm::kAesCbc128, EncryptionAlgorithm::kAesCbc192,
        EncryptionAlgorithm::kAesCbc256, EncryptionAlgorithm::kAesGcm16_128,
        EncryptionAlgorithm::kAesGcm16_256}) {
    auto back =
        EncryptionFromTransform(SaProtocol::kIke, EncryptionTransformId(e),
                                EncryptionKeyLengthAttribute(e));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, e);
  }
  auto chacha = EncryptionFromTransform(
      SaProtocol::kEsp, wire::EncryptionId::kChaCha20Poly1305, std::nullopt);
  ASSERT_TRUE(chacha.ok());
  EXPECT_EQ(*chacha, EncryptionAlgorithm::kChaCha20Poly1305);
  for (auto i : {IntegrityAlgorithm::kNone, IntegrityAlgorithm::kHmacSha1_96,
                 IntegrityAlgorithm::kHmacSha2_256_128,
                 IntegrityAlgorithm::kHmacSha2_384_192,
                 IntegrityAlgorithm::kHmacSha2_512_256}) {
    EXPECT_EQ(
        *IntegrityFromTransform(SaProtocol::kIke, IntegrityTransformId(i)), i);
  }
  for (auto p : {PrfAlgorithm::kHmacSha1, PrfAlgorithm::kHmacSha256,
                 PrfAlgorithm::kHmacSha384, PrfAlgorithm::kHmacSha512}) {
    EXPECT_EQ(*PrfFromTransform(PrfTransformId(p)), p);
  }
  EXPECT_EQ(EncryptionTransformId(EncryptionAlgorithm::kAesGcm16_128),
            wire::EncryptionId::kAesGcm16);
  EXPECT_EQ(*EncryptionKeyLengthAttribute(EncryptionAlgorithm::kAesCbc192),
            192);
  EXPECT_FALSE(
      EncryptionKeyLengthAttribute(EncryptionAlgorithm::kChaCha20Poly1305)
          .has_value());
}

TEST(AlgorithmsTest, WireRefusalsAndErrors) {
  ExpectRefused(EncryptionFromTransform(SaProtocol::kIke,
                                        wire::EncryptionId::k3Des, std::nullopt)
                    .status(),
                "RFC 8247 section 2.1");
  ExpectRefused(EncryptionFromTransform(SaProtocol::kEsp,
                                        wire::EncryptionId::k3Des, std::nullopt)
                    .status(),
                "RFC 8221");
  ExpectRefused(EncryptionFromTransform(SaProtocol::kIke,
                                        wire::EncryptionId::kDes, std::nullopt)
                    .status(),
                "RFC 8247");
  ExpectRefused(
      IntegrityFromTransform(SaProtocol::kIke, wire::IntegrityId::kHmacMd5_96)
          .status(),
      "RFC 8247 section 2.3");
  ExpectRefused(
      IntegrityFromTransform(SaProtocol::kEsp, wire::IntegrityId::kHmacMd5_96)
          .status(),
      "RFC 8221");
  ExpectRefused(PrfFromTransform(wire::PrfId::kHmacMd5).status(),
                "RFC 8247 section 2.2");
  // AES needs the Key Length attribute; only the listed lengths.
  auto missing = EncryptionFromTransform(
      SaProtocol::kIke, wire::EncryptionId::kAesCbc, std::nullopt);
  EXPECT_NE(missing.status().message().find("Key Length attribute missing"),
            absl::string_view::npos);
  auto bad_length = EncryptionFromTransform(SaProtocol::kIke,
                                            wire::EncryptionId::kAesGcm16, 192);
  EXPECT_NE(bad_length.status().message().find("unsupported Key Length 192"),
            absl::string_view::npos);
  EXPECT_FALSE(EncryptionFromTransform(SaProtocol::kIke,
                                       wire::EncryptionId::kAesCbc, 512)
                   .ok());
  // ChaCha20-Poly1305 is ESP-only and carries no Key Length.
  EXPECT_FALSE(EncryptionFromTransform(SaProtocol::kIke,
                                       wire::EncryptionId::kChaCha20Poly1305,
                                       std::nullopt)
                   .ok());
  EXPECT_FALSE(EncryptionFromTransform(
                   SaProtocol::kEsp, wire::EncryptionId::kChaCha20Poly1305, 256)
                   .ok());
  auto unknown = EncryptionFromTransform(SaProtocol::kIke,
                                         wire::EncryptionId::kAesCtr, 128);
  EXPECT_NE(unknown.status().message().find("13"), absl::string_view::npos);
  EXPECT_FALSE(PrfFromTransform(wire::PrfId::kAes128Xcbc).ok());
  EXPECT_FALSE(
      IntegrityFromTransform(SaProtocol::kIke, wire::IntegrityId::kAesXcbc96)
          .ok());
}

TEST(AlgorithmsTest, ShowNamesMatchTheSeeds) {
  // "Encryption/Keysize : AES-CBC/128", "PRF/Hash/DH Group : SHA1/SHA256/20".
  EXPECT_EQ(IkeEncryptionKeysizeText(EncryptionAlgorithm::kAesCbc128),
            "AES-CBC/128");
  IkeSuite suite{EncryptionAlgorithm::kAesCbc128,
                 IntegrityAlgorithm::kHmacSha2_256_128, PrfAlgorithm::kHmacSha1,
                 KeyExchangeGroup::kEcp384};
  EXPECT_EQ(PrfHashGroupText(suite), "SHA1/SHA256/20");
  IkeSuite gcm{EncryptionAlgorithm::kAesGcm16_256, IntegrityAlgorithm::kNone,
               PrfAlgorithm::kHmacSha256, KeyExchangeGroup::kEcp256};
  EXPECT_EQ(PrfHashGroupText(gcm), "SHA256/None/19");
  // Child SA: "Encryption : AES-GCM", "Keysize : 256", "ESP HMAC : None".
  EXPECT_EQ(EncryptionFamilyName(EncryptionAlgorithm::kAesGcm16_256),
            "AES-GCM");
  EXPECT_EQ(EncryptionKeySizeBits(EncryptionAlgorithm::kAesGcm16_256), 256);
  EXPECT_EQ(IntegrityName(IntegrityAlgorithm::kNone), "None");
  // show ipsec sa: "ESP_192_AES", "HMAC_SHA_256", "ESP_256_AES",
  // "HMAC_SHA_384".
  EXPECT_EQ(EspEncryptionShowName(EncryptionAlgorithm::kAesCbc192),
            "ESP_192_AES");
  EXPECT_EQ(EspEncryptionShowName(EncryptionAlgorithm::kAesCbc256),
            "ESP_256_AES");
  EXPECT_EQ(EspIntegrityShowName(IntegrityAlgorithm::kHmacSha2_256_128),
            "HMAC_SHA_256");
  EXPECT_EQ(EspIntegrityShowName(IntegrityAlgorithm::kHmacSha2_384_192),
            "HMAC_SHA_384");
  EXPECT_EQ(PrfName(PrfAlgorithm::kHmacSha512), "SHA512");
}

TEST(AlgorithmsTest, EspTransformKeywordsFromTheSeeds) {
  // seed 001: "transform esp-256-aes esp-hmac-sha-256",
  // "transform esp-hmac-sha-384 esp-256-aes", "esp-hmac-sha-256 esp-192-aes".
  EXPECT_EQ(*EspTransformFromKeyword("esp-256-aes")->encryption,
            EncryptionAlgorithm::kAesCbc256);
  EXPECT_EQ(*EspTransformFromKeyword("esp-192-aes")->encryption,
            EncryptionAlgorithm::kAesCbc192);
  EXPECT_EQ(*EspTransformFromKeyword("esp-hmac-sha-256")->integrity,
            IntegrityAlgorithm::kHmacSha2_256_128);
  EXPECT_EQ(*EspTransformFromKeyword("esp-hmac-sha-384")->integrity,
            IntegrityAlgorithm::kHmacSha2_384_192);
  EXPECT_FALSE(EspTransformFromKeyword("esp-hmac-sha-384")->encryption);
  // seed 002 (IOS XE): "esp-aes esp-sha-hmac", "esp-des esp-sha384-hmac".
  EXPECT_EQ(*EspTransformFromKeyword("esp-aes")->encryption,
            EncryptionAlgorithm::kAesCbc128);
  EXPECT_EQ(*EspTransformFromKeyword("esp-sha-hmac")->integrity,
            IntegrityAlgorithm::kHmacSha1_96);
  EXPECT_EQ(*EspTransformFromKeyword("esp-sha384-hmac")->integrity,
            IntegrityAlgorithm::kHmacSha2_384_192);
  ExpectRefused(EspTransformFromKeyword("esp-des").status(), "RFC 8221");
  ExpectRefused(EspTransformFromKeyword("esp-3des").status(), "RFC 8247");
  ExpectRefused(EspTransformFromKeyword("esp-md5-hmac").status(), "RFC 8221");
  EXPECT_EQ(*EspTransformFromKeyword("esp-gcm-256")->encryption,
            EncryptionAlgorithm::kAesGcm16_256);
  EXPECT_FALSE(EspTransformFromKeyword("esp-null").ok());
}

TEST(AlgorithmsTest, SuiteValidation) {
  EXPECT_TRUE(ValidateIkeSuite(IkeSuite{}).ok());
  IkeSuite gcm_with_integ{EncryptionAlgorithm::kAesGcm16_128,
                          IntegrityAlgorithm::kHmacSha1_96,
                          PrfAlgorithm::kHmacSha256, KeyExchangeGroup::kEcp256};
  EXPECT_NE(ValidateIkeSuite(gcm_with_integ).message().find("must not have"),
            absl::string_view::npos);
  IkeSuite cbc_without{EncryptionAlgorithm::kAesCbc128,
                       IntegrityAlgorithm::kNone, PrfAlgorithm::kHmacSha256,
                       KeyExchangeGroup::kEcp256};
  EXPECT_NE(ValidateIkeSuite(cbc_without).message().find("needs an integrity"),
            absl::string_view::npos);
  IkeSuite chacha{EncryptionAlgorithm::kChaCha20Poly1305,
                  IntegrityAlgorithm::kNone, PrfAlgorithm::kHmacSha256,
                  KeyExchangeGroup::kCurve25519};
  EXPECT_FALSE(ValidateIkeSuite(chacha).ok());
  EspSuite esp_chacha{EncryptionAlgorithm::kChaCha20Poly1305,
                      IntegrityAlgorithm::kNone, std::nullopt, true};
  EXPECT_TRUE(ValidateEspSuite(esp_chacha).ok());
  EspSuite esp_cbc_without{EncryptionAlgorithm::kAesCbc256,
                           IntegrityAlgorithm::kNone, std::nullopt, false};
  EXPECT_FALSE(ValidateEspSuite(esp_cbc_without).ok());
}

}  // namespace
}  // namespace cygnet::ike
