#include "crypto/prf.h"

#include "crypto/hex.h"
#include "crypto/hmac.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::B;
using test::H;

TEST(PrfTest, SizesAndHashes) {
  EXPECT_EQ(PrfOutputSize(PrfAlgorithm::kHmacSha1), 20u);
  EXPECT_EQ(PrfOutputSize(PrfAlgorithm::kHmacSha256), 32u);
  EXPECT_EQ(PrfOutputSize(PrfAlgorithm::kHmacSha384), 48u);
  EXPECT_EQ(PrfOutputSize(PrfAlgorithm::kHmacSha512), 64u);
  EXPECT_EQ(PrfKeySize(PrfAlgorithm::kHmacSha384), 48u);
  EXPECT_EQ(PrfHash(PrfAlgorithm::kHmacSha512), HashAlgorithm::kSha512);
}

TEST(PrfTest, PrfIsHmac) {
  // RFC 4231 test case 2.
  SecretBytes out = Prf(PrfAlgorithm::kHmacSha256, B("Jefe"),
                        B("what do ya want for nothing?"));
  EXPECT_EQ(HexEncode(out.span()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// Pinned outputs of T1 | T2 | ... with Tn = HMAC(K, Tn-1 | S | n), computed
// with an independent HMAC implementation when written.
TEST(PrfTest, PrfPlusVectors) {
  absl::StatusOr<SecretBytes> out =
      PrfPlus(PrfAlgorithm::kHmacSha256, B("key"), B("seed"), 70);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HexEncode(out->span()),
            "a2392e429a99b173341b368bb5ce320bfd483d89567c14ec187c2d77e3c0a208"
            "ba45d21d42611712996c0cd4b329ac8681e093a8a5bbbbf0fb8c9d1cf674f742"
            "3fe3d2fbd664");
  out = PrfPlus(PrfAlgorithm::kHmacSha1, std::vector<uint8_t>(20, 1),
                B("Ni|Nr"), 45);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(HexEncode(out->span()),
            "e0f879d63fd77e29cbee17a7323e055fa53e4fb9867b850bac4310f29d5036d5"
            "d02047031e8eba9834f28cd5e0");
}

TEST(PrfTest, PrfPlusFirstBlockAndPrefixProperty) {
  const std::vector<uint8_t> key = B("k"), seed = B("s");
  absl::StatusOr<SecretBytes> long_out =
      PrfPlus(PrfAlgorithm::kHmacSha384, key, seed, 200);
  absl::StatusOr<SecretBytes> short_out =
      PrfPlus(PrfAlgorithm::kHmacSha384, key, seed, 7);
  ASSERT_TRUE(long_out.ok() && short_out.ok());
  EXPECT_TRUE(long_out->Slice(0, 7).Equals(*short_out));
  // T1 = prf(K, S | 0x01).
  std::vector<uint8_t> seed1 = seed;
  seed1.push_back(1);
  EXPECT_TRUE(long_out->Slice(0, 48).Equals(
      Prf(PrfAlgorithm::kHmacSha384, key, seed1)));
  absl::StatusOr<SecretBytes> empty =
      PrfPlus(PrfAlgorithm::kHmacSha384, key, seed, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(PrfTest, PrfPlusRejectsMoreThan255Blocks) {
  EXPECT_TRUE(
      PrfPlus(PrfAlgorithm::kHmacSha256, B("k"), B("s"), 255 * 32).ok());
  absl::StatusOr<SecretBytes> out =
      PrfPlus(PrfAlgorithm::kHmacSha256, B("k"), B("s"), 255 * 32 + 1);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(),
            "prf+ length 8161 exceeds 255 blocks of PRF-HMAC-SHA256 (maximum "
            "8160 bytes)");
}

}  // namespace
}  // namespace cygnet::crypto
