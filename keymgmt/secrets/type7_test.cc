#include "keymgmt/secrets/type7.h"

#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

std::string Clear(const crypto::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// Published examples: "0822455D0A16" is the widely quoted "cisco" (it is
// also seed 001's `pre-shared-key password 0822455D0A16`); 08204E, 1513090F
// and 104F0B1A011214 are L0pht's 1997 samples "ab", "abc", "abcdef";
// 05080F1C2243 / 13061B13181F are "cisco" / "class" from the unseven tool.
struct Published {
  absl::string_view encoded;
  absl::string_view clear;
};
constexpr Published kPublished[] = {
    {"0822455D0A16", "cisco"}, {"08204E", "ab"},
    {"1513090F", "abc"},       {"104F0B1A011214", "abcdef"},
    {"05080F1C2243", "cisco"}, {"13061B13181F", "class"},
};

TEST(Type7Test, DecodesPublishedExamples) {
  for (const Published& example : kPublished) {
    absl::StatusOr<crypto::SecretBytes> clear = Type7Decode(example.encoded);
    ASSERT_TRUE(clear.ok()) << example.encoded << ": " << clear.status();
    EXPECT_EQ(Clear(*clear), example.clear) << example.encoded;
  }
}

TEST(Type7Test, EncodeReproducesPublishedExamples) {
  for (const Published& example : kPublished) {
    int offset = (example.encoded[0] - '0') * 10 + (example.encoded[1] - '0');
    absl::StatusOr<std::string> encoded =
        Type7Encode(Bytes(example.clear), offset);
    ASSERT_TRUE(encoded.ok()) << encoded.status();
    EXPECT_EQ(*encoded, example.encoded);
  }
}

TEST(Type7Test, LowercaseHexDecodes) {
  absl::StatusOr<crypto::SecretBytes> clear = Type7Decode("0822455d0a16");
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(Clear(*clear), "cisco");
}

TEST(Type7Test, SeedPpkValuesDecodeToTheSameKeyOnBothSides) {
  // Seed 001 manual PPK: the initiator writes 060506324F41584B56 and the
  // responder 104D000A061843595F for "ppk manual id 123"; the session comes
  // up, so both must be the same PPK under different offsets.
  absl::StatusOr<crypto::SecretBytes> initiator =
      Type7Decode("060506324F41584B56");
  absl::StatusOr<crypto::SecretBytes> responder =
      Type7Decode("104D000A061843595F");
  ASSERT_TRUE(initiator.ok() && responder.ok());
  EXPECT_EQ(initiator->size(), 8u);
  EXPECT_TRUE(initiator->Equals(*responder));
}

TEST(Type7Test, RoundTripsEveryOffsetAndLongValues) {
  std::string clear;
  for (int i = 0; i < 200; ++i) clear.push_back(static_cast<char>(i * 7 + 1));
  for (int offset = 0; offset <= 15; ++offset) {
    absl::StatusOr<std::string> encoded = Type7Encode(Bytes(clear), offset);
    ASSERT_TRUE(encoded.ok());
    absl::StatusOr<crypto::SecretBytes> decoded = Type7Decode(*encoded);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(Clear(*decoded), clear);
  }
}

TEST(Type7Test, RejectsMalformedValues) {
  EXPECT_FALSE(Type7Decode("").ok());
  EXPECT_FALSE(Type7Decode("08").ok());            // no bytes
  EXPECT_FALSE(Type7Decode("0822455D0A1").ok());   // odd length
  EXPECT_FALSE(Type7Decode("X822455D0A16").ok());  // offset not decimal
  EXPECT_FALSE(Type7Decode("5322455D0A16").ok());  // offset 53 > 52
  EXPECT_FALSE(Type7Decode("0822455D0AZ6").ok());  // not hex
  EXPECT_FALSE(Type7Decode("00" + std::string(2 * 257, 'A')).ok());
  absl::Status status = Type7Decode("0822455D0AZ6").status();
  EXPECT_NE(status.message().find("non-hex digit at position 10"),
            absl::string_view::npos)
      << status;
}

TEST(Type7Test, EncodeRejectsBadArguments) {
  EXPECT_FALSE(Type7Encode(Bytes("cisco"), 16).ok());
  EXPECT_FALSE(Type7Encode(Bytes("cisco"), -1).ok());
  EXPECT_FALSE(Type7Encode(Bytes(""), 3).ok());
}

}  // namespace
}  // namespace cygnet::keymgmt
