#include "crypto/hex.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace cygnet::crypto {
int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string HexEncode(absl::Span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex) {
  size_t start = 0;
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
    start = 2;
  }
  std::vector<uint8_t> out;
  out.reserve((hex.size() - start) / 2);
  int high = -1;
  for (size_t i = start; i < hex.size(); ++i) {
    char c = hex[i];
    if (c == ' ' || c == ':') continue;
    int value = HexDigitValue(c);
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("hex: invalid character '",
                       absl::CHexEscape(absl::string_view(&hex[i], 1)),
                       "' at position ", i));
    }
    if (high < 0) {
      high = value;
    } else {
      out.push_back(static_cast<uint8_t>((high << 4) | value));
      high = -1;
    }
  }
  if (high >= 0) {
    return absl::InvalidArgumentError(
        "hex: odd number of digits (a byte is missing its second digit)");
  }
  return out;
}

}  // namespace cygnet::crypto
