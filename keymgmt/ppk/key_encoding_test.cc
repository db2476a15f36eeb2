#include "keymgmt/ppk/key_encoding.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

crypto::SecretBytes Bytes(const std::string& s) {
  return crypto::SecretBytes::Copy(
      {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(KeyEncodingTest, Rfc4648Base64Vectors) {
  // RFC 4648 section 10.
  const char* vectors[][2] = {{"f", "Zg=="},         {"fo", "Zm8="},
                              {"foo", "Zm9v"},       {"foob", "Zm9vYg=="},
                              {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& v : vectors) {
    EXPECT_EQ(EncodeBase64Key(Bytes(v[0])), v[1]);
    auto d = DecodeBase64Key(v[1]);
    ASSERT_TRUE(d.ok()) << v[1];
    EXPECT_TRUE(d->Equals(Bytes(v[0])));
  }
}

TEST(KeyEncodingTest, Base64Rejects) {
  EXPECT_THAT(DecodeBase64Key("Zg=").status().message(),
              HasSubstr("not a multiple of 4"));
  EXPECT_THAT(DecodeBase64Key("Zg-=").status().message(),
              HasSubstr("invalid character at offset 2"));
  EXPECT_THAT(DecodeBase64Key("Zh==").status().message(),
              HasSubstr("non-zero bits under the padding"));
  EXPECT_FALSE(DecodeBase64Key("Z===").ok());
  EXPECT_FALSE(DecodeBase64Key("").ok());
  EXPECT_FALSE(DecodeBase64Key("Zm9v Zg==").ok());
  EXPECT_FALSE(DecodeBase64Key("Zg==Zg==").ok());  // padding mid-string
}

TEST(KeyEncodingTest, HexRoundTripAndRejects) {
  // draft-cisco-skip-02 Figure 6 key.
  const std::string hex =
      "ad229dfb8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb031670";
  auto k = DecodeHexKey(hex);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->size(), 32u);
  EXPECT_EQ(EncodeHexKey(*k), hex);
  EXPECT_TRUE(DecodeHexKey("AD22")->Equals(*DecodeHexKey("ad22")));
  EXPECT_THAT(DecodeHexKey("abc").status().message(),
              HasSubstr("odd length 3"));
  EXPECT_THAT(DecodeHexKey("abzz").status().message(), HasSubstr("offset 2"));
  EXPECT_FALSE(DecodeHexKey("0xab").ok());
}

TEST(KeyEncodingTest, WipeString) {
  std::string s = "secret";
  WipeString(s);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace cygnet::keymgmt
