#include "testing/json_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cygnet::testing {

JsonValue JsonValue::Bool(bool value) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::Number(double value, std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.number_ = value;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::String(std::string value) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(value);
  return v;
}

JsonValue JsonValue::Array(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::Object(
    std::vector<std::pair<std::string, JsonValue>> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.members_ = std::move(members);
  return v;
}

absl::StatusOr<int64_t> JsonValue::Int() const {
  int64_t out = 0;
  if (!is_number() || !absl::SimpleAtoi(text_, &out) ||
      text_.find_first_of(".eE") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON value ", is_number() ? text_ : "(not a number)",
                     " is not an integer in the int64 range"));
  }
  return out;
}

const std::string& JsonValue::number_text() const {
  static const std::string kEmpty;
  return is_number() ? text_ : kEmpty;
}

const std::string& JsonValue::string() const {
  static const std::string kEmpty;
  return is_string() ? text_ : kEmpty;
}

const std::vector<JsonValue>& JsonValue::array() const {
  static const std::vector<JsonValue> kEmpty;
  return is_array() ? items_ : kEmpty;
}

const std::vector<std::pair<std::string, JsonValue>>& JsonValue::members()
    const {
  static const std::vector<std::pair<std::string, JsonValue>> kEmpty;
  return is_object() ? members_ : kEmpty;
}

const JsonValue* JsonValue::Find(absl::string_view key) const {
  for (const auto& [name, value] : members()) {
    if (name == key) return &value;
  }
  return nullptr;
}

const JsonValue& JsonValue::operator[](absl::string_view key) const {
  static const JsonValue kNull;
  const JsonValue* found = Find(key);
  return found == nullptr ? kNull : *found;
}

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> ParseDocument() {
    SkipWhitespace();
    absl::StatusOr<JsonValue> value = ParseValue(0);
    if (!value.ok()) return value;
    SkipWhitespace();
    if (pos_ != text_.size()) return Error("unexpected data after the value");
    return value;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON: ", what, " at offset ", pos_));
  }

  void SkipWhitespace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(absl::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  absl::StatusOr<JsonValue> ParseValue(int depth) {
    if (depth > kMaxDepth) return Error("nesting deeper than 64 levels");
    if (pos_ >= text_.size()) return Error("unexpected end of input");
    const char c = text_[pos_];
    switch (c) {
      case '{':
        return ParseObject(depth);
      case '[':
        return ParseArray(depth);
      case '"': {
        absl::StatusOr<std::string> s = ParseString();
        if (!s.ok()) return s.status();
        return JsonValue::String(*std::move(s));
      }
      case 't':
        if (Consume("true")) return JsonValue::Bool(true);
        return Error("invalid literal");
      case 'f':
        if (Consume("false")) return JsonValue::Bool(false);
        return Error("invalid literal");
      case 'n':
        if (Consume("null")) return JsonValue();
        return Error("invalid literal");
      default:
        if (c == '-' || absl::ascii_isdigit(c)) return ParseNumber();
        return Error(
            absl::StrCat("unexpected character '", std::string(1, c), "'"));
    }
  }

  absl::StatusOr<JsonValue> ParseObject(int depth) {
    ++pos_;  // '{'
    std::vector<std::pair<std::string, JsonValue>> members;
    absl::flat_hash_set<std::string> seen;
    SkipWhitespace();
    if (Consume("}")) return JsonValue::Object(std::move(members));
    while (true) {
      SkipWhitespace();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        return Error("expected a string key");
      }
      const size_t key_at = pos_;
      absl::StatusOr<std::string> key = ParseString();
      if (!key.ok()) return key.status();
      if (!seen.insert(*key).second) {
        pos_ = key_at;
        return Error(absl::StrCat("duplicate key \"", *key, "\""));
      }
      SkipWhitespace();
      if (!Consume(":")) return Error("expected ':'");
      SkipWhitespace();
      absl::StatusOr<JsonValue> value = ParseValue(depth + 1);
      if (!value.ok()) return value;
      members.emplace_back(*std::move(key), *std::move(value));
      SkipWhitespace();
      if (Consume("}")) return JsonValue::Object(std::move(members));
      if (!Consume(",")) return Error("expected ',' or '}'");
    }
  }

  absl::StatusOr<JsonValue> ParseArray(int depth) {
    ++pos_;  // '['
    std::vector<JsonValue> items;
    SkipWhitespace();
    if (Consume("]")) return JsonValue::Array(std::move(items));
    while (true) {
      SkipWhitespace();
      absl::StatusOr<JsonValue> value = ParseValue(depth + 1);
      if (!value.ok()) return value;
      items.push_back(*std::move(value));
      SkipWhitespace();
      if (Consume("]")) return JsonValue::Array(std::move(items));
      if (!Consume(",")) return Error("expected ',' or ']'");
    }
  }

  absl::StatusOr<JsonValue> ParseNumber() {
    const size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !absl::ascii_isdigit(text_[pos_])) {
      return Error("expected a digit");
    }
    if (text_[pos_] == '0') {
      ++pos_;
      if (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) {
        return Error("leading zero in a number");
      }
    } else {
      while (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (pos_ >= text_.size() || !absl::ascii_isdigit(text_[pos_])) {
        return Error("expected a digit after '.'");
      }
      while (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        ++pos_;
      }
      if (pos_ >= text_.size() || !absl::ascii_isdigit(text_[pos_])) {
        return Error("expected a digit in the exponent");
      }
      while (pos_ < text_.size() && absl::ascii_isdigit(text_[pos_])) ++pos_;
    }
    std::string source(text_.substr(start, pos_ - start));
    double value = 0;
    if (!absl::SimpleAtod(source, &value)) {
      // Out of double range: keep the text, the value saturates.
      value = source[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    }
    return JsonValue::Number(value, std::move(source));
  }

  absl::StatusOr<uint32_t> ParseHex4() {
    if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') {
        out |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        out |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        out |= c - 'A' + 10;
      } else {
        --pos_;
        return Error("non-hex digit in \\u escape");
      }
    }
    return out;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  absl::StatusOr<std::string> ParseString() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) return Error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) return Error("control character in a string");
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Error("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          absl::StatusOr<uint32_t> cp = ParseHex4();
          if (!cp.ok()) return cp.status();
          if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
            return Error("unpaired low surrogate");
          }
          if (*cp >= 0xD800 && *cp <= 0xDBFF) {
            if (!Consume("\\u")) return Error("unpaired high surrogate");
            absl::StatusOr<uint32_t> low = ParseHex4();
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low > 0xDFFF) {
              return Error("high surrogate not followed by a low surrogate");
            }
            AppendUtf8(0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00),
                       &out);
          } else {
            AppendUtf8(*cp, &out);
          }
          break;
        }
        default:
          --pos_;
          return Error(
              absl::StrCat("invalid escape '\\", std::string(1, e), "'"));
      }
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<JsonValue> ParseJson(absl::string_view text) {
  return Parser(text).ParseDocument();
}

absl::StatusOr<JsonValue> ParseJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open JSON file ", path));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<JsonValue> value = ParseJson(contents.str());
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", value.status().message()));
  }
  return value;
}

}  // namespace cygnet::testing
