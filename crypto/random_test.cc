#include "crypto/random.h"

#include <set>

#include "crypto/hex.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

// Pinned: the first 40 bytes of ChaCha20 (zero nonce, counter 0) under
// SHA-256("cygnet deterministic random" || LE64(seed)), cross-checked with an
// independent ChaCha20 implementation when written.
TEST(DeterministicRandomTest, PinnedStreams) {
  DeterministicRandom zero(0);
  EXPECT_EQ(HexEncode(zero.Bytes(40)),
            "70e8abc9cf7e0fe83525a024da415dfd16070e3c0fd630de5ac39660a5e31824"
            "bbcc81262c26f4fc");
  DeterministicRandom answer(42);
  EXPECT_EQ(HexEncode(answer.Bytes(40)),
            "9152464e33af0b22461ff39f72d71ee538455271ce8195c4398d42d047ffc303"
            "687f4657925a3171");
}

TEST(DeterministicRandomTest, SplitFillsEqualOneFill) {
  DeterministicRandom whole(7);
  const std::vector<uint8_t> expected = whole.Bytes(300);
  // Splits that cross block boundaries at every offset kind.
  DeterministicRandom split(7);
  std::vector<uint8_t> got;
  for (size_t n : {1u, 62u, 1u, 64u, 100u, 0u, 72u}) {
    std::vector<uint8_t> part = split.Bytes(n);
    got.insert(got.end(), part.begin(), part.end());
  }
  EXPECT_EQ(got, expected);
}

TEST(DeterministicRandomTest, SeedsDiffer) {
  DeterministicRandom a(1), b(2);
  EXPECT_NE(a.Bytes(32), b.Bytes(32));
}

TEST(RandomTest, UniformHelpers) {
  DeterministicRandom r(3);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    uint64_t v = r.UniformBelow(10);
    EXPECT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(r.UniformBelow(1), 0u);
  EXPECT_EQ(r.UniformBelow(0), 0u);  // documented precondition; no hang
  // A bound just above 2^63 rejects about half the draws; it still ends.
  const uint64_t big = (uint64_t{1} << 63) + 1;
  for (int i = 0; i < 100; ++i) EXPECT_LT(r.UniformBelow(big), big);
  EXPECT_NE(r.Uniform32(), r.Uniform32());
  EXPECT_NE(r.Uniform64(), r.Uniform64());
  SecretBytes s = r.Secret(16);
  EXPECT_EQ(s.size(), 16u);
}

TEST(SystemRandomTest, FillsAndDiffers) {
  SystemRandom r;
  std::vector<uint8_t> a = r.Bytes(32), b = r.Bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  r.Fill(absl::Span<uint8_t>());  // empty fill is a no-op
}

}  // namespace
}  // namespace cygnet::crypto
