// One-shot message digests (SHA-1 for IKEv2 NAT detection and legacy HMAC,
// SHA-2 for everything else). Stateless; thread-safe.
#ifndef CYGNET_CRYPTO_HASH_H_
#define CYGNET_CRYPTO_HASH_H_

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::crypto {

enum class HashAlgorithm { kSha1, kSha256, kSha384, kSha512 };

size_t DigestSize(HashAlgorithm hash);
absl::string_view HashName(HashAlgorithm hash);  // "SHA1", "SHA256", ...

std::vector<uint8_t> Digest(HashAlgorithm hash, absl::Span<const uint8_t> data);
// Digest of the concatenation of `parts`, without concatenating them.
std::vector<uint8_t> Digest(
    HashAlgorithm hash, std::initializer_list<absl::Span<const uint8_t>> parts);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_HASH_H_
