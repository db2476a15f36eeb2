#include "ipsec/buffered_random.h"

#include <cstdint>
#include <vector>

#include "crypto/random.h"
#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

// Counts calls and hands out a recognisable sequence 0, 1, 2, ...
class CountingRandom final : public crypto::Random {
 public:
  void Fill(absl::Span<uint8_t> out) override {
    ++calls;
    for (uint8_t& b : out) b = static_cast<uint8_t>(next++);
  }
  int calls = 0;
  uint64_t next = 0;
};

TEST(BufferedRandom, SameStreamFewerCalls) {
  CountingRandom source;
  BufferedRandom buffered(source);
  std::vector<uint8_t> all;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint8_t> iv(16);
    buffered.Fill(absl::MakeSpan(iv));
    all.insert(all.end(), iv.begin(), iv.end());
  }
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i], static_cast<uint8_t>(i));
  }
  // 16000 bytes from 4096-byte refills.
  EXPECT_EQ(source.calls, 4);
}

TEST(BufferedRandom, RequestsAcrossTheBufferEdgeAndLargeOnes) {
  CountingRandom source;
  BufferedRandom buffered(source);
  std::vector<uint8_t> a(BufferedRandom::kBufferSize - 3);
  buffered.Fill(absl::MakeSpan(a));
  std::vector<uint8_t> b(10);
  buffered.Fill(absl::MakeSpan(b));
  EXPECT_EQ(b[0], static_cast<uint8_t>(BufferedRandom::kBufferSize - 3));
  EXPECT_EQ(b[9], static_cast<uint8_t>(BufferedRandom::kBufferSize + 6));
  std::vector<uint8_t> large(3 * BufferedRandom::kBufferSize);
  const int calls = source.calls;
  buffered.Fill(absl::MakeSpan(large));
  EXPECT_EQ(source.calls, calls + 1);
  std::vector<uint8_t> empty;
  buffered.Fill(absl::MakeSpan(empty));
}

}  // namespace
}  // namespace cygnet::ipsec
