// Helpers for crypto/ tests only.
#ifndef CYGNET_CRYPTO_TEST_UTIL_H_
#define CYGNET_CRYPTO_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "crypto/hex.h"

namespace cygnet::crypto::test {

// Hex literal to bytes; an invalid literal is a bug in the test itself, so it
// yields an impossible marker that makes the assertion fail loudly.
inline std::vector<uint8_t> H(absl::string_view hex) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexDecode(hex);
  if (!bytes.ok()) return std::vector<uint8_t>(1, 0xEE);
  return *bytes;
}

inline std::vector<uint8_t> B(absl::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

}  // namespace cygnet::crypto::test

#endif  // CYGNET_CRYPTO_TEST_UTIL_H_
