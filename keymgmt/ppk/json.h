// A strict, bounded JSON (RFC 8259) parser for untrusted key-service
// responses (SKIP, ETSI GS QKD 014).
//
// Called by the response parsers of this package on bytes from the network.
// Strict: exactly one value with optional surrounding whitespace; no comments,
// trailing commas, leading zeros, single quotes, raw control characters or
// invalid UTF-8 escapes; duplicate object keys are an error (a key service
// could otherwise smuggle a second "key" past a validator). Bounded: the input
// size, nesting depth, string length and total number of values are capped by
// JsonLimits, so hostile input cannot exhaust memory or the stack. Errors are
// InvalidArgument naming the byte offset. No exceptions.
#ifndef CYGNET_KEYMGMT_PPK_JSON_H_
#define CYGNET_KEYMGMT_PPK_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cygnet::keymgmt {

struct JsonLimits {
  size_t max_input_bytes = 64 * 1024;
  int max_depth = 8;
  size_t max_string_bytes = 8 * 1024;
  size_t max_values = 4096;  // every scalar, array and object counts one
};

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool bool_value() const { return bool_; }
  // The number's source text (numbers are kept as text: callers convert with
  // the range they need through AsInt).
  const std::string& number_text() const { return text_; }
  const std::string& string_value() const { return text_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const {
    return members_;
  }
  // Object member by name; nullptr when absent or not an object.
  const JsonValue* Find(absl::string_view name) const;
  // Object member by name; a null value when absent or not an object, so
  // lookups chain (value["a"]["b"]) without checks in between.
  const JsonValue& operator[](absl::string_view name) const;
  // The number as an integer in [min, max]; InvalidArgument for a fraction,
  // an exponent, a non-number or a value out of range.
  absl::StatusOr<int64_t> AsInt(int64_t min, int64_t max) const;

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text,
                                    const JsonLimits& limits = JsonLimits());

// `s` as a JSON string literal with quotes (for building request bodies).
std::string JsonQuote(absl::string_view s);

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_JSON_H_
