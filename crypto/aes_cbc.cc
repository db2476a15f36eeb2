#include "crypto/aes_cbc.h"

#include <openssl/aes.h>
#include <openssl/mem.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace cygnet::crypto {

struct AesCbc::Schedule {
  ~Schedule() { OPENSSL_cleanse(&key, sizeof(key)); }
  AES_KEY key;
};

void AesCbc::ScheduleDeleter::operator()(Schedule* schedule) const {
  delete schedule;
}

AesCbc::AesCbc(size_t key_size, AesCbcDirection direction)
    : key_size_(static_cast<uint8_t>(key_size)), direction_(direction) {}
AesCbc::AesCbc(AesCbc&&) noexcept = default;
AesCbc& AesCbc::operator=(AesCbc&&) noexcept = default;
AesCbc::~AesCbc() = default;

absl::StatusOr<AesCbc> AesCbc::Create(absl::Span<const uint8_t> key,
                                      AesCbcDirection direction) {
  if (key.size() != 16 && key.size() != 24 && key.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AES-CBC key must be 16, 24 or 32 bytes, got ", key.size()));
  }
  if (direction != AesCbcDirection::kBoth &&
      direction != AesCbcDirection::kEncryptOnly &&
      direction != AesCbcDirection::kDecryptOnly) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AES-CBC direction ", static_cast<int>(direction), " is not valid"));
  }
  AesCbc cbc(key.size(), direction);
  const unsigned bits = static_cast<unsigned>(key.size() * 8);
  if (direction != AesCbcDirection::kDecryptOnly) {
    cbc.encrypt_.reset(new Schedule);
    if (AES_set_encrypt_key(key.data(), bits, &cbc.encrypt_->key) != 0) {
      return absl::InternalError("AES-CBC key schedule failed");
    }
  }
  if (direction != AesCbcDirection::kEncryptOnly) {
    cbc.decrypt_.reset(new Schedule);
    if (AES_set_decrypt_key(key.data(), bits, &cbc.decrypt_->key) != 0) {
      return absl::InternalError("AES-CBC key schedule failed");
    }
  }
  return cbc;
}

namespace {

absl::Status CheckArguments(absl::Span<const uint8_t> iv,
                            absl::Span<uint8_t> in_out) {
  if (iv.size() != kAesBlockSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("AES-CBC IV must be 16 bytes, got ", iv.size()));
  }
  if (in_out.size() % kAesBlockSize != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("AES-CBC data length must be a multiple of 16 bytes, got ",
                     in_out.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AesCbc::Encrypt(absl::Span<const uint8_t> iv,
                             absl::Span<uint8_t> in_out) const {
  if (encrypt_ == nullptr) {
    return absl::FailedPreconditionError(
        decrypt_ == nullptr ? "AES-CBC key was moved from"
                            : "AES-CBC key was created for decryption only");
  }
  absl::Status status = CheckArguments(iv, in_out);
  if (!status.ok() || in_out.empty()) return status;
  uint8_t chain[kAesBlockSize];  // AES_cbc_encrypt updates the IV it is given
  std::memcpy(chain, iv.data(), sizeof(chain));
  AES_cbc_encrypt(in_out.data(), in_out.data(), in_out.size(), &encrypt_->key,
                  chain, AES_ENCRYPT);
  return absl::OkStatus();
}

absl::Status AesCbc::Decrypt(absl::Span<const uint8_t> iv,
                             absl::Span<uint8_t> in_out) const {
  if (decrypt_ == nullptr) {
    return absl::FailedPreconditionError(
        encrypt_ == nullptr ? "AES-CBC key was moved from"
                            : "AES-CBC key was created for encryption only");
  }
  absl::Status status = CheckArguments(iv, in_out);
  if (!status.ok() || in_out.empty()) return status;
  uint8_t chain[kAesBlockSize];
  std::memcpy(chain, iv.data(), sizeof(chain));
  AES_cbc_encrypt(in_out.data(), in_out.data(), in_out.size(), &decrypt_->key,
                  chain, AES_DECRYPT);
  return absl::OkStatus();
}

}  // namespace cygnet::crypto
