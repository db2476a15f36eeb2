#include "keymgmt/ppk/json.h"

#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::keymgmt {

const JsonValue* JsonValue::Find(absl::string_view name) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& m : members_) {
    if (m.first == name) return &m.second;
  }
  return nullptr;
}

const JsonValue& JsonValue::operator[](absl::string_view name) const {
  // Never destroyed: a function-local static with a trivial lifetime.
  static const JsonValue* const kNull = new JsonValue();
  const JsonValue* found = Find(name);
  return found != nullptr ? *found : *kNull;
}

absl::StatusOr<int64_t> JsonValue::AsInt(int64_t min, int64_t max) const {
  if (type_ != Type::kNumber) {
    return absl::InvalidArgumentError("not a number");
  }
  int64_t v = 0;
  if (text_.find_first_of(".eE") != std::string::npos ||
      !absl::SimpleAtoi(text_, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text_, "' is not an integer"));
  }
  if (v < min || v > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "integer ", text_, " is out of range [", min, ", ", max, "]"));
  }
  return v;
}

class JsonParser {
 public:
  JsonParser(absl::string_view text, const JsonLimits& limits)
      : s_(text), limits_(limits) {}

  absl::StatusOr<JsonValue> Run() {
    if (s_.size() > limits_.max_input_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "JSON input of ", s_.size(), " bytes exceeds the limit of ",
          limits_.max_input_bytes));
    }
    JsonValue v;
    SkipSpace();
    if (absl::Status st = Value(0, v); !st.ok()) return st;
    SkipSpace();
    if (pos_ != s_.size()) return Error("trailing data after the JSON value");
    return v;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON error at offset ", pos_, ": ", what));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(absl::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status Value(int depth, JsonValue& out) {
    if (++values_ > limits_.max_values) return Error("too many JSON values");
    if (pos_ >= s_.size()) return Error("unexpected end of input");
    char c = s_[pos_];
    if (c == '{' || c == '[') {
      if (depth + 1 > limits_.max_depth) {
        return Error(absl::StrCat("nesting deeper than ", limits_.max_depth));
      }
      return c == '{' ? Object(depth + 1, out) : Array(depth + 1, out);
    }
    if (c == '"') {
      out.type_ = JsonValue::Type::kString;
      return String(out.text_);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("true")) {
      out.type_ = JsonValue::Type::kBool;
      out.bool_ = true;
      return absl::OkStatus();
    }
    if (Literal("false")) {
      out.type_ = JsonValue::Type::kBool;
      return absl::OkStatus();
    }
    if (Literal("null")) return absl::OkStatus();
    return Error(absl::StrFormat("unexpected character 0x%02x",
                                 static_cast<uint8_t>(c)));
  }

  absl::Status Object(int depth, JsonValue& out) {
    out.type_ = JsonValue::Type::kObject;
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') {
        return Error("expected a member name");
      }
      size_t name_pos = pos_;
      std::string name;
      if (absl::Status st = String(name); !st.ok()) return st;
      if (out.Find(name) != nullptr) {
        pos_ = name_pos;
        return Error(absl::StrCat("duplicate member '", name, "'"));
      }
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipSpace();
      JsonValue v;
      if (absl::Status st = Value(depth, v); !st.ok()) return st;
      out.members_.emplace_back(std::move(name), std::move(v));
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error("expected ',' or '}'");
    }
  }

  absl::Status Array(int depth, JsonValue& out) {
    out.type_ = JsonValue::Type::kArray;
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      SkipSpace();
      JsonValue v;
      if (absl::Status st = Value(depth, v); !st.ok()) return st;
      out.items_.push_back(std::move(v));
      SkipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error("expected ',' or ']'");
    }
  }

  absl::Status Number(JsonValue& out) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    size_t int_start = pos_;
    size_t n = digits();
    if (n == 0) return Error("expected a digit");
    if (n > 1 && s_[int_start] == '0') return Error("leading zero in number");
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return Error("expected a digit after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (digits() == 0) return Error("expected a digit in the exponent");
    }
    if (pos_ - start > 64) return Error("number longer than 64 characters");
    out.type_ = JsonValue::Type::kNumber;
    out.text_ = std::string(s_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status Hex4(uint32_t& v) {
    if (s_.size() - pos_ < 4) return Error("truncated \\u escape");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        --pos_;
        return Error("bad hex digit in \\u escape");
      }
    }
    return absl::OkStatus();
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Raw bytes >= 0x80 are checked as well-formed UTF-8 (RFC 8259 section 8.1).
  absl::Status Utf8Sequence(std::string& out) {
    uint8_t b = static_cast<uint8_t>(s_[pos_]);
    size_t len;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      cp = b & 0x07;
    } else {
      return Error("invalid UTF-8 lead byte");
    }
    if (s_.size() - pos_ < len) return Error("truncated UTF-8 sequence");
    for (size_t i = 1; i < len; ++i) {
      uint8_t c = static_cast<uint8_t>(s_[pos_ + i]);
      if ((c & 0xC0) != 0x80) return Error("invalid UTF-8 continuation byte");
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return Error("overlong or out-of-range UTF-8 sequence");
    }
    out.append(s_.data() + pos_, len);
    pos_ += len;
    return absl::OkStatus();
  }

  absl::Status String(std::string& out) {
    ++pos_;  // opening quote
    out.clear();
    while (true) {
      if (out.size() > limits_.max_string_bytes) {
        return Error(absl::StrCat("string longer than ",
                                  limits_.max_string_bytes, " bytes"));
      }
      if (pos_ >= s_.size()) return Error("unterminated string");
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        if (out.size() > limits_.max_string_bytes) {
          return Error(absl::StrCat("string longer than ",
                                    limits_.max_string_bytes, " bytes"));
        }
        return absl::OkStatus();
      }
      if (static_cast<uint8_t>(c) < 0x20) {
        return Error("control character in string");
      }
      if (static_cast<uint8_t>(c) >= 0x80) {
        if (absl::Status st = Utf8Sequence(out); !st.ok()) return st;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) return Error("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (absl::Status st = Hex4(cp); !st.ok()) return st;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Literal("\\u")) return Error("high surrogate without a pair");
            uint32_t lo;
            if (absl::Status st = Hex4(lo); !st.ok()) return st;
            if (lo < 0xDC00 || lo > 0xDFFF) return Error("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Error("invalid escape");
      }
    }
  }

  absl::string_view s_;
  JsonLimits limits_;
  size_t pos_ = 0;
  size_t values_ = 0;
};

absl::StatusOr<JsonValue> ParseJson(absl::string_view text,
                                    const JsonLimits& limits) {
  return JsonParser(text, limits).Run();
}

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<uint8_t>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<uint8_t>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace cygnet::keymgmt
