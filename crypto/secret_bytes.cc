#include "crypto/secret_bytes.h"

#include <openssl/crypto.h>
#include <openssl/mem.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/escaping.h"

namespace cygnet::crypto {

SecretBytes::SecretBytes(size_t size) {
  if (size == 0) return;
  data_ = new uint8_t[size]();
  size_ = size;
}

SecretBytes SecretBytes::Copy(absl::Span<const uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(other.data_), size_(other.size_) {
  // Ownership moves; the moved-from object holds nothing that could leak.
  other.data_ = nullptr;
  other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

void SecretBytes::Wipe() {
  if (data_ != nullptr) {
    OPENSSL_cleanse(data_, size_);
    delete[] data_;
  }
  data_ = nullptr;
  size_ = 0;
}

SecretBytes SecretBytes::Slice(size_t offset, size_t length) const {
  if (offset >= size_) return SecretBytes();
  length = std::min(length, size_ - offset);
  return Copy(span().subspan(offset, length));
}

SecretBytes SecretBytes::Concat(absl::Span<const uint8_t> other) const {
  SecretBytes out(size_ + other.size());
  if (size_ != 0) std::memcpy(out.data_, data_, size_);
  if (!other.empty())
    std::memcpy(out.data_ + size_, other.data(), other.size());
  return out;
}

bool SecretBytes::Equals(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return CRYPTO_memcmp(data_, other.data_, size_) == 0;
}

std::string SecretBytes::Fingerprint() const {
  static constexpr char kLabel[] = "cygnet fingerprint";
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, kLabel, sizeof(kLabel) - 1);
  if (size_ != 0) SHA256_Update(&ctx, data_, size_);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), 4));
}

}  // namespace cygnet::crypto
