#include "testing/json_reader.h"

#include <string>

#include "gtest/gtest.h"

namespace cygnet::testing {
namespace {

TEST(JsonReaderTest, ParsesEveryType) {
  absl::StatusOr<JsonValue> v = ParseJson(
      " {\"a\": [1, -2.5, 3e2, 0], \"b\": {\"c\": null, \"d\": true, "
      "\"e\": false}, \"s\": "
      "\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}"
      "\n");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->is_object());
  const JsonValue& a = (*v)["a"];
  ASSERT_EQ(a.array().size(), 4u);
  EXPECT_EQ(a.array()[0].number(), 1);
  EXPECT_EQ(*a.array()[0].Int(), 1);
  EXPECT_EQ(a.array()[1].number(), -2.5);
  EXPECT_EQ(a.array()[1].number_text(), "-2.5");
  EXPECT_FALSE(a.array()[1].Int().ok());
  EXPECT_EQ(a.array()[2].number(), 300);
  EXPECT_FALSE(a.array()[2].Int().ok());  // exponent form
  EXPECT_TRUE((*v)["b"]["c"].is_null());
  EXPECT_TRUE((*v)["b"]["d"].bool_value());
  EXPECT_TRUE((*v)["b"]["e"].is_bool());
  EXPECT_FALSE((*v)["b"]["e"].bool_value());
  EXPECT_EQ((*v)["s"].string(), "x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(v->members().size(), 3u);
  EXPECT_EQ(v->members()[0].first, "a");
}

TEST(JsonReaderTest, MissingAndMistypedAccessIsNeutral) {
  absl::StatusOr<JsonValue> v = ParseJson("{\"n\": 5, \"s\": \"t\"}");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->Find("missing"), nullptr);
  EXPECT_TRUE((*v)["missing"].is_null());
  EXPECT_TRUE((*v)["missing"]["deeper"].is_null());
  EXPECT_EQ((*v)["n"].string(), "");
  EXPECT_EQ((*v)["s"].number(), 0);
  EXPECT_TRUE((*v)["s"].array().empty());
  EXPECT_FALSE((*v)["s"].Int().ok());
  EXPECT_EQ((*v)["n"]["x"].type(), JsonValue::Type::kNull);
}

TEST(JsonReaderTest, LargeIntegersKeepTheirText) {
  absl::StatusOr<JsonValue> v =
      ParseJson("[9007199254740993, 9223372036854775807, 9223372036854775808]");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->array()[0].number_text(), "9007199254740993");
  EXPECT_EQ(*v->array()[0].Int(), 9007199254740993);
  EXPECT_EQ(*v->array()[1].Int(), INT64_MAX);
  EXPECT_FALSE(v->array()[2].Int().ok());
}

TEST(JsonReaderTest, RejectsNonStrictInput) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case kCases[] = {
      {"", "unexpected end of input at offset 0"},
      {"   ", "unexpected end of input"},
      {"[1,]", "unexpected character ']' at offset 3"},
      {"{\"a\":1,}", "expected a string key at offset 7"},
      {"{'a':1}", "expected a string key"},
      {"{\"a\" 1}", "expected ':'"},
      {"{\"a\":1 \"b\":2}", "expected ',' or '}'"},
      {"[1 2]", "expected ',' or ']'"},
      {"{\"a\":1,\"a\":2}", "duplicate key \"a\" at offset 7"},
      {"01", "leading zero"},
      {"-", "expected a digit"},
      {"1.", "expected a digit after '.'"},
      {"1e", "expected a digit in the exponent"},
      {"+1", "unexpected character '+'"},
      {"NaN", "unexpected character 'N'"},
      {"tru", "invalid literal"},
      {"nul", "invalid literal"},
      {"fals", "invalid literal"},
      {"\"abc", "unterminated string"},
      {"\"a\nb\"", "control character in a string"},
      {"\"\\x\"", "invalid escape '\\x'"},
      {"\"\\u12zz\"", "non-hex digit"},
      {"\"\\u12", "truncated \\u escape"},
      {"\"\\ud800\"", "unpaired high surrogate"},
      {"\"\\ud800\\u0041\"", "high surrogate not followed by a low"},
      {"\"\\udc00\"", "unpaired low surrogate"},
      {"\"\\", "unterminated escape"},
      {"1 2", "unexpected data after the value at offset 2"},
      {"// c\n1", "unexpected character '/'"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<JsonValue> v = ParseJson(c.text);
    ASSERT_FALSE(v.ok()) << c.text;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(v.status().message().find(c.message), std::string::npos)
        << c.text << " -> " << v.status();
  }
}

TEST(JsonReaderTest, LimitsNesting) {
  std::string ok(64, '[');
  ok += std::string(64, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  std::string deep(100000, '[');
  absl::StatusOr<JsonValue> v = ParseJson(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("nesting deeper than 64"),
            std::string::npos);
}

TEST(JsonReaderTest, FileErrors) {
  absl::StatusOr<JsonValue> v = ParseJsonFile("/nonexistent/file.json");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(v.status().message().find("/nonexistent/file.json"),
            std::string::npos);
}

}  // namespace
}  // namespace cygnet::testing
