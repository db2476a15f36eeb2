// SecretBytes: owned key material.
//
// Every key, shared secret, nonce-derived seed and PSK in cygnet lives in a
// SecretBytes. Invariants: the bytes are zeroized (OPENSSL_cleanse) when the
// object is destroyed, when it is moved from, and when it is reassigned; it is
// move-only (Clone() is explicit); it has no operator<<, no AbslStringify and
// no string conversion, so a key cannot reach a log by accident. Status outputs
// show Fingerprint(): a short, non-reversible hash.
#ifndef CYGNET_CRYPTO_SECRET_BYTES_H_
#define CYGNET_CRYPTO_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/types/span.h"

namespace cygnet::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zero bytes, to be filled through mutable_span().
  explicit SecretBytes(size_t size);
  static SecretBytes Copy(absl::Span<const uint8_t> bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  SecretBytes Clone() const { return Copy(span()); }

  const uint8_t* data() const { return data_; }
  uint8_t* mutable_data() { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  absl::Span<const uint8_t> span() const { return {data_, size_}; }
  absl::Span<uint8_t> mutable_span() { return {data_, size_}; }

  // Bytes [offset, offset + length) as a new SecretBytes; the caller checks
  // bounds (a programming error otherwise, clamped to the available bytes).
  SecretBytes Slice(size_t offset, size_t length) const;
  // this || other.
  SecretBytes Concat(absl::Span<const uint8_t> other) const;

  // Constant-time equality of contents (length may leak).
  bool Equals(const SecretBytes& other) const;

  // First 4 bytes of SHA-256("cygnet fingerprint" || bytes) as 8 lowercase hex
  // digits: enough for an operator to compare two ends, useless to an attacker.
  std::string Fingerprint() const;

 private:
  void Wipe();
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_SECRET_BYTES_H_
