// AesCbc: AES-128/192/256 in CBC mode without padding (RFC 3602 for ESP,
// RFC 7296 for IKE; callers add and check their own padding).
//
// Both key schedules are expanded once at Create; Encrypt/Decrypt work in
// place and allocate nothing. Immutable after Create, so thread-safe.
#ifndef CYGNET_CRYPTO_AES_CBC_H_
#define CYGNET_CRYPTO_AES_CBC_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace cygnet::crypto {

constexpr size_t kAesBlockSize = 16;

class AesCbc {
 public:
  // key: 16, 24 or 32 bytes.
  static absl::StatusOr<AesCbc> Create(absl::Span<const uint8_t> key);
  AesCbc(AesCbc&&) noexcept;
  AesCbc& operator=(AesCbc&&) noexcept;
  ~AesCbc();

  size_t key_size() const { return key_size_; }

  // iv: 16 bytes; in_out: a multiple of 16 bytes.
  absl::Status Encrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;
  absl::Status Decrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;

 private:
  struct Schedules;  // AES_KEY for both directions, wiped on destruction.
  explicit AesCbc(size_t key_size);
  size_t key_size_;
  std::unique_ptr<Schedules> schedules_;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_AES_CBC_H_
