// The IKEv2 pseudorandom functions and prf+ (RFC 7296 section 2.13).
//
// prf(K, S) is HMAC with the negotiated hash (RFC 4868 for SHA-2); prf+ is
// T1 | T2 | ... with Tn = prf(K, Tn-1 | S | n), n a single octet, so at most
// 255 blocks: a longer request is an error, not a wrap.
#ifndef CYGNET_CRYPTO_PRF_H_
#define CYGNET_CRYPTO_PRF_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/hash.h"
#include "crypto/secret_bytes.h"

namespace cygnet::crypto {

enum class PrfAlgorithm { kHmacSha1, kHmacSha256, kHmacSha384, kHmacSha512 };

HashAlgorithm PrfHash(PrfAlgorithm prf);
size_t PrfOutputSize(PrfAlgorithm prf);  // 20, 32, 48, 64
// The preferred key length, used e.g. for SK_d and SK_pi/SK_pr sizes.
inline size_t PrfKeySize(PrfAlgorithm prf) { return PrfOutputSize(prf); }

SecretBytes Prf(PrfAlgorithm prf, absl::Span<const uint8_t> key,
                absl::Span<const uint8_t> data);

absl::StatusOr<SecretBytes> PrfPlus(PrfAlgorithm prf,
                                    absl::Span<const uint8_t> key,
                                    absl::Span<const uint8_t> seed,
                                    size_t length);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_PRF_H_
