// AesCbc: AES-128/192/256 in CBC mode without padding (RFC 3602 for ESP,
// RFC 7296 for IKE; callers add and check their own padding).
//
// Key schedules are expanded once at Create; Encrypt/Decrypt work in place and
// allocate nothing. Immutable after Create, so thread-safe. An ESP SA is
// one-directional, so a key may be created for one direction only: it then
// holds one schedule (244 bytes) instead of two.
#ifndef CYGNET_CRYPTO_AES_CBC_H_
#define CYGNET_CRYPTO_AES_CBC_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace cygnet::crypto {

constexpr size_t kAesBlockSize = 16;

enum class AesCbcDirection : uint8_t { kBoth, kEncryptOnly, kDecryptOnly };

class AesCbc {
 public:
  // key: 16, 24 or 32 bytes.
  static absl::StatusOr<AesCbc> Create(
      absl::Span<const uint8_t> key,
      AesCbcDirection direction = AesCbcDirection::kBoth);
  AesCbc(AesCbc&&) noexcept;
  AesCbc& operator=(AesCbc&&) noexcept;
  ~AesCbc();

  size_t key_size() const { return key_size_; }
  AesCbcDirection direction() const { return direction_; }

  // iv: 16 bytes; in_out: a multiple of 16 bytes. Encrypting with a
  // kDecryptOnly key (or decrypting with kEncryptOnly) is FailedPrecondition.
  absl::Status Encrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;
  absl::Status Decrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;

 private:
  struct Schedule;  // one AES_KEY, wiped on destruction
  struct ScheduleDeleter {
    void operator()(Schedule* schedule) const;
  };
  AesCbc(size_t key_size, AesCbcDirection direction);
  uint8_t key_size_;
  AesCbcDirection direction_;
  std::unique_ptr<Schedule, ScheduleDeleter> encrypt_;  // null if not needed
  std::unique_ptr<Schedule, ScheduleDeleter> decrypt_;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_AES_CBC_H_
