// Constant-time comparison for MACs, ICVs and IKE AUTH values: the time taken
// depends only on the lengths, never on where the first difference is.
#ifndef CYGNET_CRYPTO_CONSTANT_TIME_H_
#define CYGNET_CRYPTO_CONSTANT_TIME_H_

#include <cstdint>

#include "absl/types/span.h"

namespace cygnet::crypto {

// False when the lengths differ (the lengths are not secret).
bool ConstantTimeEquals(absl::Span<const uint8_t> a,
                        absl::Span<const uint8_t> b);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_CONSTANT_TIME_H_
