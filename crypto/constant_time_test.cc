#include "crypto/constant_time.h"

#include <vector>

#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

TEST(ConstantTimeTest, Equals) {
  const std::vector<uint8_t> a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4},
                             d = {1, 2}, first = {0, 2, 3};
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, c));
  EXPECT_FALSE(ConstantTimeEquals(a, first));
  EXPECT_FALSE(ConstantTimeEquals(a, d));
  EXPECT_TRUE(ConstantTimeEquals({}, {}));
  EXPECT_FALSE(ConstantTimeEquals(a, {}));
}

}  // namespace
}  // namespace cygnet::crypto
