#include "keymgmt/secrets/type7.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt {
namespace {

// The well-known type 7 XOR table.
constexpr absl::string_view kTable =
    "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<crypto::SecretBytes> Type7Decode(absl::string_view encoded) {
  if (encoded.size() < 4 || encoded.size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "type 7 value must be an even number (at least 4) of digits, got ",
        encoded.size()));
  }
  if (!absl::ascii_isdigit(encoded[0]) || !absl::ascii_isdigit(encoded[1])) {
    return absl::InvalidArgumentError(
        "type 7 value must start with a two-digit decimal offset");
  }
  size_t offset = (encoded[0] - '0') * 10 + (encoded[1] - '0');
  if (offset >= kTable.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "type 7 offset ", offset, " is out of range 0..", kTable.size() - 1));
  }
  size_t length = (encoded.size() - 2) / 2;
  if (length > kMaxType7Bytes) {
    return absl::InvalidArgumentError(absl::StrCat("type 7 value decodes to ",
                                                   length, " bytes, more than ",
                                                   kMaxType7Bytes));
  }
  crypto::SecretBytes clear(length);
  for (size_t i = 0; i < length; ++i) {
    int high = HexValue(encoded[2 + 2 * i]);
    int low = HexValue(encoded[3 + 2 * i]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "type 7 value has a non-hex digit at position ", 2 + 2 * i));
    }
    uint8_t byte = static_cast<uint8_t>(high * 16 + low);
    clear.mutable_data()[i] = static_cast<uint8_t>(
        byte ^ static_cast<uint8_t>(kTable[(offset + i) % kTable.size()]));
  }
  return clear;
}

absl::StatusOr<std::string> Type7Encode(absl::Span<const uint8_t> clear,
                                        int offset) {
  if (offset < 0 || offset > 15) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 7 offset ", offset, " is out of range 0..15"));
  }
  if (clear.empty() || clear.size() > kMaxType7Bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 7 clear text must be 1..", kMaxType7Bytes,
                     " bytes, got ", clear.size()));
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 + 2 * clear.size());
  out.push_back(static_cast<char>('0' + offset / 10));
  out.push_back(static_cast<char>('0' + offset % 10));
  for (size_t i = 0; i < clear.size(); ++i) {
    uint8_t byte = static_cast<uint8_t>(
        clear[i] ^ static_cast<uint8_t>(kTable[(offset + i) % kTable.size()]));
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xf]);
  }
  return out;
}

}  // namespace cygnet::keymgmt
