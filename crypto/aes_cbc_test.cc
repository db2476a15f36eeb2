#include "crypto/aes_cbc.h"

#include "crypto/hex.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::H;

const char kIv[] = "000102030405060708090a0b0c0d0e0f";
const char kPlain[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

// NIST SP 800-38A F.2.1 / F.2.5 (CBC-AES128 and CBC-AES256).
TEST(AesCbcTest, Sp800_38aVectors) {
  struct {
    const char* key;
    const char* ciphertext;
  } cases[] = {
      {"2b7e151628aed2a6abf7158809cf4f3c",
       "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
       "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
      {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
       "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
       "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<AesCbc> cbc = AesCbc::Create(H(c.key));
    ASSERT_TRUE(cbc.ok()) << cbc.status();
    EXPECT_EQ(cbc->key_size(), H(c.key).size());
    std::vector<uint8_t> data = H(kPlain);
    ASSERT_TRUE(cbc->Encrypt(H(kIv), absl::MakeSpan(data)).ok());
    EXPECT_EQ(HexEncode(data), c.ciphertext);
    ASSERT_TRUE(cbc->Decrypt(H(kIv), absl::MakeSpan(data)).ok());
    EXPECT_EQ(HexEncode(data), kPlain);
  }
}

TEST(AesCbcTest, RepeatedCallsDoNotChainIvs) {
  absl::StatusOr<AesCbc> cbc = AesCbc::Create(std::vector<uint8_t>(24, 3));
  ASSERT_TRUE(cbc.ok());
  std::vector<uint8_t> a(32, 5), b(32, 5);
  ASSERT_TRUE(cbc->Encrypt(H(kIv), absl::MakeSpan(a)).ok());
  ASSERT_TRUE(cbc->Encrypt(H(kIv), absl::MakeSpan(b)).ok());
  EXPECT_EQ(a, b);
  std::vector<uint8_t> empty;
  EXPECT_TRUE(cbc->Encrypt(H(kIv), absl::MakeSpan(empty)).ok());
}

TEST(AesCbcTest, Errors) {
  absl::StatusOr<AesCbc> r = AesCbc::Create(std::vector<uint8_t>(15));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "AES-CBC key must be 16, 24 or 32 bytes, got 15");
  absl::StatusOr<AesCbc> cbc = AesCbc::Create(std::vector<uint8_t>(16));
  ASSERT_TRUE(cbc.ok());
  std::vector<uint8_t> data(17);
  absl::Status s = cbc->Encrypt(H(kIv), absl::MakeSpan(data));
  EXPECT_EQ(s.message(),
            "AES-CBC data length must be a multiple of 16 bytes, got 17");
  s = cbc->Decrypt(H(kIv), absl::MakeSpan(data));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  data.resize(16);
  s = cbc->Encrypt(std::vector<uint8_t>(8), absl::MakeSpan(data));
  EXPECT_EQ(s.message(), "AES-CBC IV must be 16 bytes, got 8");
  s = cbc->Decrypt(std::vector<uint8_t>(17), absl::MakeSpan(data));
  EXPECT_EQ(s.message(), "AES-CBC IV must be 16 bytes, got 17");
  AesCbc moved = std::move(*cbc);
  EXPECT_EQ(cbc->Encrypt(H(kIv), absl::MakeSpan(data)).code(),  // NOLINT
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cbc->Decrypt(H(kIv), absl::MakeSpan(data)).code(),  // NOLINT
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(moved.Decrypt(H(kIv), absl::MakeSpan(data)).ok());
}

TEST(AesCbcTest, OneDirectionKeys) {
  // SP 800-38A F.2.5 (CBC-AES256): an outbound (encrypt-only) and an inbound
  // (decrypt-only) key give the same results as a two-way key.
  const std::vector<uint8_t> key =
      H("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  absl::StatusOr<AesCbc> out =
      AesCbc::Create(key, AesCbcDirection::kEncryptOnly);
  absl::StatusOr<AesCbc> in =
      AesCbc::Create(key, AesCbcDirection::kDecryptOnly);
  ASSERT_TRUE(out.ok() && in.ok());
  EXPECT_EQ(out->direction(), AesCbcDirection::kEncryptOnly);
  EXPECT_EQ(in->direction(), AesCbcDirection::kDecryptOnly);
  EXPECT_EQ(AesCbc::Create(key)->direction(), AesCbcDirection::kBoth);
  std::vector<uint8_t> data = H(kPlain);
  ASSERT_TRUE(out->Encrypt(H(kIv), absl::MakeSpan(data)).ok());
  EXPECT_EQ(HexEncode(data),
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
            "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
  ASSERT_TRUE(in->Decrypt(H(kIv), absl::MakeSpan(data)).ok());
  EXPECT_EQ(HexEncode(data), kPlain);
  absl::Status s = out->Decrypt(H(kIv), absl::MakeSpan(data));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "AES-CBC key was created for encryption only");
  s = in->Encrypt(H(kIv), absl::MakeSpan(data));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "AES-CBC key was created for decryption only");
  AesCbc moved = std::move(*in);
  s = in->Decrypt(H(kIv), absl::MakeSpan(data));  // NOLINT
  EXPECT_EQ(s.message(), "AES-CBC key was moved from");
  absl::StatusOr<AesCbc> bad =
      AesCbc::Create(key, static_cast<AesCbcDirection>(7));
  EXPECT_EQ(bad.status().message(), "AES-CBC direction 7 is not valid");
}

}  // namespace
}  // namespace cygnet::crypto
