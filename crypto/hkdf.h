// HKDF (RFC 5869) with SHA-256 or SHA-384: the KDF for constructions cygnet
// defines itself (pairwise keys, SVR keys, type 6 key wrapping).
#ifndef CYGNET_CRYPTO_HKDF_H_
#define CYGNET_CRYPTO_HKDF_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/hash.h"
#include "crypto/secret_bytes.h"

namespace cygnet::crypto {

// Extract then expand; length at most 255 * DigestSize(hash).
absl::StatusOr<SecretBytes> Hkdf(HashAlgorithm hash,
                                 absl::Span<const uint8_t> secret,
                                 absl::Span<const uint8_t> salt,
                                 absl::Span<const uint8_t> info, size_t length);
SecretBytes HkdfExtract(HashAlgorithm hash, absl::Span<const uint8_t> secret,
                        absl::Span<const uint8_t> salt);
absl::StatusOr<SecretBytes> HkdfExpand(HashAlgorithm hash,
                                       absl::Span<const uint8_t> prk,
                                       absl::Span<const uint8_t> info,
                                       size_t length);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_HKDF_H_
