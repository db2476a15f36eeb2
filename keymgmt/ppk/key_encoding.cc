#include "keymgmt/ppk/key_encoding.h"

#include "absl/strings/str_cat.h"
#include "crypto/hex.h"

namespace cygnet::keymgmt {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

absl::StatusOr<crypto::SecretBytes> DecodeHexKey(absl::string_view hex) {
  if (hex.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("hex key has odd length ", hex.size()));
  }
  crypto::SecretBytes out(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = crypto::HexDigitValue(hex[i]),
        lo = crypto::HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hex key has a non-hex character at offset ", hi < 0 ? i : i + 1));
    }
    out.mutable_data()[i / 2] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

absl::StatusOr<crypto::SecretBytes> DecodeBase64Key(absl::string_view b64) {
  if (b64.size() % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Base64 key length ", b64.size(), " is not a multiple of 4"));
  }
  size_t pad = 0;
  if (!b64.empty() && b64.back() == '=') ++pad;
  if (b64.size() >= 2 && b64[b64.size() - 2] == '=') ++pad;
  if (b64.empty() || b64.size() / 4 * 3 < pad) {
    return absl::InvalidArgumentError("Base64 key is empty");
  }
  crypto::SecretBytes out(b64.size() / 4 * 3 - pad);
  size_t o = 0;
  for (size_t i = 0; i < b64.size(); i += 4) {
    uint32_t acc = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = b64[i + j];
      bool in_pad = i + j >= b64.size() - pad;
      int v = in_pad ? (c == '=' ? 0 : -1) : Base64Value(c);
      if (v < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Base64 key has an invalid character at offset ", i + j));
      }
      acc = (acc << 6) | static_cast<uint32_t>(v);
    }
    uint8_t bytes[3] = {static_cast<uint8_t>(acc >> 16),
                        static_cast<uint8_t>(acc >> 8),
                        static_cast<uint8_t>(acc)};
    size_t n = (i + 4 == b64.size()) ? 3 - pad : 3;
    // Bits under the padding must be zero: one key, one encoding.
    for (size_t k = n; k < 3; ++k) {
      if (bytes[k] != 0) {
        acc = 0;
        bytes[0] = bytes[1] = bytes[2] = 0;
        return absl::InvalidArgumentError(
            "Base64 key has non-zero bits under the padding");
      }
    }
    for (size_t k = 0; k < n; ++k) out.mutable_data()[o++] = bytes[k];
    acc = 0;
    bytes[0] = bytes[1] = bytes[2] = 0;
  }
  return out;
}

std::string EncodeHexKey(const crypto::SecretBytes& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(key.size() * 2);
  for (uint8_t b : key.span()) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string EncodeBase64Key(const crypto::SecretBytes& key) {
  std::string out;
  auto s = key.span();
  for (size_t i = 0; i < s.size(); i += 3) {
    uint32_t acc = static_cast<uint32_t>(s[i]) << 16;
    if (i + 1 < s.size()) acc |= static_cast<uint32_t>(s[i + 1]) << 8;
    if (i + 2 < s.size()) acc |= s[i + 2];
    out += kBase64[(acc >> 18) & 63];
    out += kBase64[(acc >> 12) & 63];
    out += i + 1 < s.size() ? kBase64[(acc >> 6) & 63] : '=';
    out += i + 2 < s.size() ? kBase64[acc & 63] : '=';
  }
  return out;
}

void WipeString(std::string& s) {
  volatile char* p = s.empty() ? nullptr : &s[0];
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

}  // namespace cygnet::keymgmt
