#include "keymgmt/ppk/json.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

TEST(JsonTest, ParsesSkipKeyResponse) {
  auto v = ParseJson(R"({ "keyId" : "1726e9AE", "key" : "ad22", "n": -12,
                          "a": [true, false, null, 1.5e3], "o": {} })");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->is_object());
  EXPECT_EQ(v->Find("keyId")->string_value(), "1726e9AE");
  EXPECT_EQ(v->Find("key")->string_value(), "ad22");
  EXPECT_EQ(*v->Find("n")->AsInt(-100, 100), -12);
  const auto& a = v->Find("a")->items();
  ASSERT_EQ(a.size(), 4u);
  EXPECT_TRUE(a[0].bool_value());
  EXPECT_TRUE(a[1].is_bool());
  EXPECT_FALSE(a[1].bool_value());
  EXPECT_TRUE(a[2].is_null());
  EXPECT_EQ(a[3].number_text(), "1.5e3");
  EXPECT_FALSE(a[3].AsInt(0, 10000).ok());
  EXPECT_TRUE(v->Find("o")->is_object());
  EXPECT_EQ(v->Find("missing"), nullptr);
}

TEST(JsonTest, IndexingChainsThroughMissingMembers) {
  auto v = ParseJson(R"({"a": {"b": "c"}, "n": 5})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["a"]["b"].string_value(), "c");
  EXPECT_TRUE((*v)["missing"].is_null());
  EXPECT_TRUE((*v)["missing"]["deeper"].is_null());
  EXPECT_TRUE((*v)["n"]["x"].is_null());  // not an object
  EXPECT_TRUE((*v)["a"]["b"]["c"].is_null());
}

TEST(JsonTest, EscapesAndUtf8) {
  auto v = ParseJson(R"(["a\"b\\c\/\n\u00e9\ud83d\ude00", "é"])");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->items()[0].string_value(), "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v->items()[1].string_value(), "\xc3\xa9");
  EXPECT_EQ(JsonQuote("a\"b\\\x01"), R"("a\"b\\\u0001")");
}

TEST(JsonTest, RejectsMalformedNamingOffset) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"", "offset 0: unexpected end"},
      {"{\"a\":1,}", "offset 7: expected a member name"},
      {"[1,]", "offset 3: unexpected character"},
      {"{\"a\":1,\"a\":2}", "offset 7: duplicate member 'a'"},
      {"01", "leading zero"},
      {"1 2", "offset 2: trailing data"},
      {"\"abc", "unterminated string"},
      {"\"a\x01\"", "control character"},
      {"\"\\x\"", "offset 2: invalid escape"},
      {"\"\\ud800\"", "high surrogate without a pair"},
      {"\"\\udc00\"", "lone low surrogate"},
      {"\"\xff\"", "invalid UTF-8 lead byte"},
      {"\"\xe0\x80\x80\"", "overlong"},
      {"'a'", "unexpected character 0x27"},
      {"tru", "unexpected character"},
      {"-", "expected a digit"},
      {"1.", "expected a digit after '.'"},
      {"1e", "exponent"},
      {"{\"a\" 1}", "expected ':'"},
      {"[1 2]", "expected ',' or ']'"},
      {"// c\n1", "unexpected character"},
  };
  for (const Case& c : cases) {
    auto v = ParseJson(c.text);
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(v.status().message(), HasSubstr(c.error)) << c.text;
  }
}

// More non-strict input (carried over from the test-vector reader, which
// now uses this parser): each is refused with an offset.
TEST(JsonTest, RejectsMoreMalformedInput) {
  for (const char* text :
       {"   ", "{\"a\":1 \"b\":2}", "{'a':1}", "+1", "NaN", "nul", "fals",
        "\"\\u12zz\"", "\"\\u12", "\"\\ud800\\u0041\"", "\"\\", "\"a\nb\""}) {
    auto v = ParseJson(text);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(v.status().message(), HasSubstr("offset")) << text;
  }
}

TEST(JsonTest, EnforcesLimits) {
  JsonLimits limits;
  limits.max_depth = 3;
  EXPECT_TRUE(ParseJson("[[[1]]]", limits).ok());
  auto deep = ParseJson("[[[[1]]]]", limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.status().message(), HasSubstr("nesting deeper than 3"));
  // The default depth stops a stack-exhaustion attempt.
  EXPECT_FALSE(ParseJson(std::string(100000, '[')).ok());

  limits = JsonLimits();
  limits.max_string_bytes = 4;
  EXPECT_TRUE(ParseJson("\"abcd\"", limits).ok());
  EXPECT_THAT(ParseJson("\"abcde\"", limits).status().message(),
              HasSubstr("string longer than 4 bytes"));

  limits = JsonLimits();
  limits.max_input_bytes = 8;
  EXPECT_THAT(ParseJson("[1,2,3,4,5]", limits).status().message(),
              HasSubstr("exceeds the limit of 8"));

  limits = JsonLimits();
  limits.max_values = 3;
  EXPECT_TRUE(ParseJson("[1,2]", limits).ok());
  EXPECT_THAT(ParseJson("[1,2,3]", limits).status().message(),
              HasSubstr("too many JSON values"));
}

TEST(JsonTest, AsIntRange) {
  auto v = ParseJson("[256, 99999999999999999999, -1]");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->items()[0].AsInt(1, 4096), 256);
  EXPECT_FALSE(v->items()[1].AsInt(0, INT64_MAX).ok());
  EXPECT_THAT(v->items()[2].AsInt(0, 10).status().message(),
              HasSubstr("out of range"));
}

}  // namespace
}  // namespace cygnet::keymgmt
