#include "crypto/constant_time.h"

#include <openssl/mem.h>

namespace cygnet::crypto {

bool ConstantTimeEquals(absl::Span<const uint8_t> a,
                        absl::Span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cygnet::crypto
