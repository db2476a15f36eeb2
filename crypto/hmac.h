// Hmac: an HMAC key with its inner and outer pads precomputed, for ESP ICVs
// (RFC 2404, RFC 4868), IKE integrity and PRFs.
//
// Compute and Verify allocate nothing after Create and are const, so one Hmac
// may serve several threads. Truncation is by the output span's length, which
// must be at most the digest size (the IPsec lengths are 12, 16, 24 and 32).
#ifndef CYGNET_CRYPTO_HMAC_H_
#define CYGNET_CRYPTO_HMAC_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/hash.h"

namespace cygnet::crypto {

class Hmac {
 public:
  static absl::StatusOr<Hmac> Create(HashAlgorithm hash,
                                     absl::Span<const uint8_t> key);
  Hmac(Hmac&&) noexcept;
  Hmac& operator=(Hmac&&) noexcept;
  ~Hmac();

  HashAlgorithm hash() const { return hash_; }
  size_t digest_size() const { return DigestSize(hash_); }

  // Writes the first out.size() bytes of HMAC(key, data); out.size() must be
  // 1..digest_size().
  absl::Status Compute(absl::Span<const uint8_t> data,
                       absl::Span<uint8_t> out) const;
  // HMAC over the concatenation of `parts`.
  absl::Status Compute(std::initializer_list<absl::Span<const uint8_t>> parts,
                       absl::Span<uint8_t> out) const;
  // Constant-time check of a (possibly truncated) tag; "integrity check failed"
  // on mismatch.
  absl::Status Verify(absl::Span<const uint8_t> data,
                      absl::Span<const uint8_t> tag) const;

  // Opaque, defined in hmac.cc: the precomputed inner/outer digest states,
  // sized per hash. Public only so that hmac.cc's per-hash implementations
  // can derive from it.
  struct State;

 private:
  explicit Hmac(HashAlgorithm hash);
  HashAlgorithm hash_;
  std::unique_ptr<State> state_;
};

// One-shot full-length HMAC.
std::vector<uint8_t> HmacDigest(HashAlgorithm hash,
                                absl::Span<const uint8_t> key,
                                absl::Span<const uint8_t> data);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_HMAC_H_
