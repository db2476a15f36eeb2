// A small strict JSON (RFC 8259) reader for test-vector files (Wycheproof,
// ACVP) read by tests only.
//
// Strict: one value with optional surrounding whitespace and nothing else; no
// comments, trailing commas, single quotes, leading zeros, NaN or control
// characters in strings; duplicate object keys are an error; \uXXXX escapes
// (with surrogate pairs) become UTF-8. Nesting is limited to 64 levels so that
// a hostile file cannot exhaust the stack. Errors name the byte offset.
// Numbers keep their source text next to the double, so integers beyond 2^53
// stay exact for callers that need them.
#ifndef CYGNET_TESTING_JSON_READER_H_
#define CYGNET_TESTING_JSON_READER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cygnet::testing {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;  // null
  static JsonValue Bool(bool value);
  static JsonValue Number(double value, std::string text);
  static JsonValue String(std::string value);
  static JsonValue Array(std::vector<JsonValue> items);
  static JsonValue Object(
      std::vector<std::pair<std::string, JsonValue>> members);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Accessors return a neutral value (false, 0, "", empty) for the wrong type,
  // so a test asserting on the result fails instead of crashing.
  bool bool_value() const { return is_bool() && bool_; }
  double number() const { return is_number() ? number_ : 0; }
  // The number as an integer when it is one exactly (no fraction, exponent or
  // overflow); error otherwise.
  absl::StatusOr<int64_t> Int() const;
  const std::string& number_text() const;       // "" unless a number
  const std::string& string() const;            // "" unless a string
  const std::vector<JsonValue>& array() const;  // empty unless an array
  const std::vector<std::pair<std::string, JsonValue>>& members() const;

  // Object member by key; nullptr when absent or not an object.
  const JsonValue* Find(absl::string_view key) const;
  // Object member by key; a null value when absent or not an object.
  const JsonValue& operator[](absl::string_view key) const;

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string text_;  // string value, or number source text
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text);

// Reads and parses a file (path relative to the test's working directory,
// i.e. the runfiles root for Bazel tests).
absl::StatusOr<JsonValue> ParseJsonFile(const std::string& path);

}  // namespace cygnet::testing

#endif  // CYGNET_TESTING_JSON_READER_H_
