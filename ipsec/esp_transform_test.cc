#include "ipsec/esp_transform.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

struct Algorithms {
  EspCipher cipher;
  EspIntegrity integrity;
  size_t iv_size;
  size_t block_size;
  size_t icv_size;
};

constexpr Algorithms kValid[] = {
    {EspCipher::kAesGcm128, EspIntegrity::kNone, 8, 4, 16},
    {EspCipher::kAesGcm256, EspIntegrity::kNone, 8, 4, 16},
    {EspCipher::kChaCha20Poly1305, EspIntegrity::kNone, 8, 4, 16},
    {EspCipher::kAesCbc128, EspIntegrity::kHmacSha1_96, 16, 16, 12},
    {EspCipher::kAesCbc192, EspIntegrity::kHmacSha256_128, 16, 16, 16},
    {EspCipher::kAesCbc256, EspIntegrity::kHmacSha384_192, 16, 16, 24},
    {EspCipher::kAesCbc256, EspIntegrity::kHmacSha512_256, 16, 16, 32},
    {EspCipher::kNull, EspIntegrity::kHmacSha256_128, 0, 4, 16},
};

std::vector<uint8_t> Key(size_t size, uint8_t seed) {
  std::vector<uint8_t> key(size);
  for (size_t i = 0; i < size; ++i) key[i] = static_cast<uint8_t>(seed + i);
  return key;
}

TEST(EspTransformNames, RoundTripAndShowNames) {
  for (EspCipher cipher :
       {EspCipher::kNull, EspCipher::kAesCbc128, EspCipher::kAesCbc192,
        EspCipher::kAesCbc256, EspCipher::kAesGcm128, EspCipher::kAesGcm256,
        EspCipher::kChaCha20Poly1305}) {
    auto parsed = ParseEspCipher(EspCipherName(cipher));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, cipher);
  }
  for (EspIntegrity integrity :
       {EspIntegrity::kNone, EspIntegrity::kHmacSha1_96,
        EspIntegrity::kHmacSha256_128, EspIntegrity::kHmacSha384_192,
        EspIntegrity::kHmacSha512_256}) {
    auto parsed = ParseEspIntegrity(EspIntegrityName(integrity));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, integrity);
  }
  // Seed 001's `show ipsec sa interface` lines.
  EXPECT_EQ(EspCipherShowName(EspCipher::kAesCbc192), "ESP_192_AES");
  EXPECT_EQ(EspCipherShowName(EspCipher::kAesCbc256), "ESP_256_AES");
  EXPECT_EQ(EspIntegrityShowName(EspIntegrity::kHmacSha256_128),
            "HMAC_SHA_256");
  EXPECT_EQ(EspIntegrityShowName(EspIntegrity::kHmacSha384_192),
            "HMAC_SHA_384");
  EXPECT_EQ(EspCipherName(EspCipher::kAesGcm128), "aes-gcm-128");
  EXPECT_EQ(EspIntegrityName(EspIntegrity::kHmacSha256_128), "hmac-sha256-128");
}

TEST(EspTransformNames, UnknownNamesAreErrors) {
  auto cipher = ParseEspCipher("aes-gcm-192");
  ASSERT_FALSE(cipher.ok());
  EXPECT_NE(cipher.status().message().find("\"aes-gcm-192\""),
            std::string::npos);
  EXPECT_FALSE(ParseEspIntegrity("hmac-md5-96").ok());
  EXPECT_FALSE(ParseEspCipher("").ok());
}

TEST(EspTransformCreate, KeySizes) {
  EXPECT_EQ(EspEncryptionKeySize(EspCipher::kAesGcm128), 20u);
  EXPECT_EQ(EspEncryptionKeySize(EspCipher::kAesGcm256), 36u);
  EXPECT_EQ(EspEncryptionKeySize(EspCipher::kChaCha20Poly1305), 36u);
  EXPECT_EQ(EspEncryptionKeySize(EspCipher::kAesCbc192), 24u);
  EXPECT_EQ(EspIntegrityKeySize(EspIntegrity::kHmacSha1_96), 20u);
  EXPECT_EQ(EspIntegrityKeySize(EspIntegrity::kHmacSha512_256), 64u);
}

TEST(EspTransformCreate, ValidCombinationsHaveTheirSizes) {
  for (const Algorithms& a : kValid) {
    auto transform = EspTransform::Create(
        a.cipher, a.integrity, Key(EspEncryptionKeySize(a.cipher), 1),
        Key(EspIntegrityKeySize(a.integrity), 2));
    ASSERT_TRUE(transform.ok()) << transform.status();
    EXPECT_EQ(transform->iv_size(), a.iv_size);
    EXPECT_EQ(transform->block_size(), a.block_size);
    EXPECT_EQ(transform->icv_size(), a.icv_size);
    EXPECT_EQ(transform->is_aead(), IsAead(a.cipher));
    EXPECT_EQ(transform->overhead(), 8 + a.iv_size + a.icv_size);
  }
}

TEST(EspTransformCreate, RejectsBadCombinationsAndSizes) {
  auto aead_with_hmac =
      EspTransform::Create(EspCipher::kAesGcm128, EspIntegrity::kHmacSha1_96,
                           Key(20, 0), Key(20, 0));
  EXPECT_EQ(aead_with_hmac.status().message(),
            "integ: aes-gcm-128 is an AEAD and takes integrity none, not "
            "hmac-sha1-96");
  auto null_null =
      EspTransform::Create(EspCipher::kNull, EspIntegrity::kNone, {}, {});
  EXPECT_FALSE(null_null.ok());
  auto short_gcm = EspTransform::Create(EspCipher::kAesGcm256,
                                        EspIntegrity::kNone, Key(32, 0), {});
  EXPECT_EQ(short_gcm.status().message(),
            "enc-key: aes-gcm-256 needs 36 bytes (key followed by the 4-byte "
            "salt), got 32");
  auto short_hmac =
      EspTransform::Create(EspCipher::kAesCbc128, EspIntegrity::kHmacSha256_128,
                           Key(16, 0), Key(16, 0));
  EXPECT_EQ(short_hmac.status().message(),
            "integ-key: hmac-sha256-128 needs 32 bytes, got 16");
  auto long_cbc =
      EspTransform::Create(EspCipher::kAesCbc128, EspIntegrity::kHmacSha1_96,
                           Key(17, 0), Key(20, 0));
  EXPECT_FALSE(long_cbc.ok());
}

// Builds SPI..ICV around `payload_blocks` blocks of plaintext.
std::vector<uint8_t> Frame(const EspTransform& t, size_t text_size) {
  std::vector<uint8_t> esp(t.overhead() + text_size);
  for (size_t i = 0; i < esp.size(); ++i) esp[i] = static_cast<uint8_t>(i * 7);
  return esp;
}

TEST(EspTransformSealOpen, RoundTripAndTamperEveryByte) {
  for (const Algorithms& a : kValid) {
    auto t = EspTransform::Create(a.cipher, a.integrity,
                                  Key(EspEncryptionKeySize(a.cipher), 9),
                                  Key(EspIntegrityKeySize(a.integrity), 3));
    ASSERT_TRUE(t.ok());
    std::vector<uint8_t> esp = Frame(*t, 2 * t->block_size());
    const std::vector<uint8_t> original = esp;
    ASSERT_TRUE(t->Seal(absl::MakeSpan(esp), false, 0).ok());
    const std::vector<uint8_t> sealed = esp;
    EXPECT_NE(sealed, original);
    ASSERT_TRUE(t->Open(absl::MakeSpan(esp), false, 0).ok());
    // Everything except the ICV area is back to the original.
    EXPECT_TRUE(
        std::equal(esp.begin(), esp.end() - t->icv_size(), original.begin()));
    for (size_t i = 0; i < sealed.size(); ++i) {
      std::vector<uint8_t> tampered = sealed;
      tampered[i] ^= 0x01;
      EXPECT_EQ(t->Open(absl::MakeSpan(tampered), false, 0).message(),
                "integrity check failed")
          << EspCipherName(a.cipher) << " byte " << i;
    }
  }
}

TEST(EspTransformSealOpen, EsnHighBitsEnterTheIcvOnlyWithEsn) {
  for (const Algorithms& a : kValid) {
    auto t = EspTransform::Create(a.cipher, a.integrity,
                                  Key(EspEncryptionKeySize(a.cipher), 4),
                                  Key(EspIntegrityKeySize(a.integrity), 5));
    ASSERT_TRUE(t.ok());
    std::vector<uint8_t> esp = Frame(*t, t->block_size());
    ASSERT_TRUE(t->Seal(absl::MakeSpan(esp), true, 7).ok());
    std::vector<uint8_t> copy = esp;
    EXPECT_FALSE(t->Open(absl::MakeSpan(copy), true, 8).ok());
    copy = esp;
    EXPECT_FALSE(t->Open(absl::MakeSpan(copy), false, 7).ok());
    copy = esp;
    EXPECT_TRUE(t->Open(absl::MakeSpan(copy), true, 7).ok());
    // Without ESN the high half is ignored.
    std::vector<uint8_t> plain = Frame(*t, t->block_size());
    ASSERT_TRUE(t->Seal(absl::MakeSpan(plain), false, 7).ok());
    EXPECT_TRUE(t->Open(absl::MakeSpan(plain), false, 99).ok());
  }
}

TEST(EspTransformSealOpen, RejectsLengthsThatAreNotWholeBlocks) {
  auto t =
      EspTransform::Create(EspCipher::kAesCbc128, EspIntegrity::kHmacSha1_96,
                           Key(16, 0), Key(20, 0));
  ASSERT_TRUE(t.ok());
  std::vector<uint8_t> esp(t->overhead() + 15);
  EXPECT_FALSE(t->Seal(absl::MakeSpan(esp), false, 0).ok());
  EXPECT_FALSE(t->Open(absl::MakeSpan(esp), false, 0).ok());
  std::vector<uint8_t> tiny(3);
  EXPECT_FALSE(t->Open(absl::MakeSpan(tiny), false, 0).ok());
  std::vector<uint8_t> empty_text(t->overhead());
  EXPECT_FALSE(t->Open(absl::MakeSpan(empty_text), false, 0).ok());
}

}  // namespace
}  // namespace cygnet::ipsec
