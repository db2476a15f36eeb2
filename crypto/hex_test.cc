#include "crypto/hex.h"

#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

TEST(HexTest, EncodeLowercase) {
  EXPECT_EQ(HexEncode(std::vector<uint8_t>{0x00, 0xab, 0xff, 0x10}),
            "00abff10");
  EXPECT_EQ(HexEncode({}), "");
}

TEST(HexTest, DecodeAcceptsCasePrefixSpacesColons) {
  EXPECT_EQ(*HexDecode("00AbfF10"),
            (std::vector<uint8_t>{0, 0xab, 0xff, 0x10}));
  EXPECT_EQ(*HexDecode("0x0102"), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(*HexDecode("0X0102"), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(*HexDecode("de:ad be:ef"),
            (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_TRUE(HexDecode("")->empty());
}

TEST(HexTest, DecodeRejectsOddLength) {
  absl::StatusOr<std::vector<uint8_t>> r = HexDecode("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("odd"), std::string::npos);
}

TEST(HexTest, DecodeRejectsBadCharacterNamingPosition) {
  absl::StatusOr<std::vector<uint8_t>> r = HexDecode("01zz");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'z' at position 2"), std::string::npos)
      << r.status();
  r = HexDecode(std::string("0\n", 2));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\\n"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace cygnet::crypto
