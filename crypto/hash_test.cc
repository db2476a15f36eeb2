#include "crypto/hash.h"

#include "crypto/hex.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::B;

// FIPS 180-4 examples for "abc".
TEST(HashTest, AbcVectors) {
  EXPECT_EQ(HexEncode(Digest(HashAlgorithm::kSha1, B("abc"))),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Digest(HashAlgorithm::kSha256, B("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Digest(HashAlgorithm::kSha384, B("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(HexEncode(Digest(HashAlgorithm::kSha512, B("abc"))),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(HashTest, PartsEqualConcatenation) {
  for (HashAlgorithm h : {HashAlgorithm::kSha1, HashAlgorithm::kSha256,
                          HashAlgorithm::kSha384, HashAlgorithm::kSha512}) {
    EXPECT_EQ(Digest(h, {B("a"), B(""), B("bc")}), Digest(h, B("abc")));
    EXPECT_EQ(Digest(h, B("")).size(), DigestSize(h));
  }
}

TEST(HashTest, SizesAndNames) {
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha1), 20u);
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha256), 32u);
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha384), 48u);
  EXPECT_EQ(DigestSize(HashAlgorithm::kSha512), 64u);
  EXPECT_EQ(HashName(HashAlgorithm::kSha1), "SHA1");
  EXPECT_EQ(HashName(HashAlgorithm::kSha384), "SHA384");
}

}  // namespace
}  // namespace cygnet::crypto
