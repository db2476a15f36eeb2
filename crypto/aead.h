// Aead: an AEAD key ready to seal and open, over BoringSSL's EVP_AEAD.
//
// Used per packet by ESP (RFC 4106 AES-GCM, RFC 7634 ChaCha20-Poly1305) and
// per message by IKEv2 (RFC 5282). The caller builds the nonce (ESP: 4-byte
// salt || 8-byte IV) and is responsible for never repeating it under one key.
// Seal and open work in place on caller buffers and allocate nothing. An Aead
// is immutable after Create: several threads may seal/open with one object.
#ifndef CYGNET_CRYPTO_AEAD_H_
#define CYGNET_CRYPTO_AEAD_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

struct evp_aead_ctx_st;

namespace cygnet::crypto {

enum class AeadAlgorithm {
  kAesGcm128,
  kAesGcm192,
  kAesGcm256,
  kChaCha20Poly1305,
};

size_t AeadKeySize(AeadAlgorithm algorithm);  // 16, 24, 32, 32
constexpr size_t kAeadNonceSize = 12;
absl::string_view AeadName(AeadAlgorithm algorithm);

class Aead {
 public:
  // tag_size: 8, 12 or 16 (the ICV lengths of RFC 4106 / RFC 5282).
  static absl::StatusOr<Aead> Create(AeadAlgorithm algorithm,
                                     absl::Span<const uint8_t> key,
                                     size_t tag_size = 16);
  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  AeadAlgorithm algorithm() const { return algorithm_; }
  size_t tag_size() const { return tag_size_; }

  // Encrypts `in_out` in place and writes exactly tag_size() bytes to `tag`.
  absl::Status Seal(absl::Span<const uint8_t> nonce,
                    absl::Span<const uint8_t> aad, absl::Span<uint8_t> in_out,
                    absl::Span<uint8_t> tag) const;
  // Verifies `tag` and decrypts `in_out` in place. On failure the contents of
  // `in_out` are unspecified and the status is "integrity check failed".
  absl::Status Open(absl::Span<const uint8_t> nonce,
                    absl::Span<const uint8_t> aad, absl::Span<uint8_t> in_out,
                    absl::Span<const uint8_t> tag) const;

 private:
  // Cleans up and frees a context Create allocated with new (not
  // EVP_AEAD_CTX_new, whose allocation carries a length prefix: an ESP SA
  // holds one context, so the 16 bytes count).
  struct ContextDeleter {
    void operator()(evp_aead_ctx_st* ctx) const;
  };
  Aead(AeadAlgorithm algorithm, size_t tag_size);
  AeadAlgorithm algorithm_;
  uint8_t tag_size_;
  std::unique_ptr<evp_aead_ctx_st, ContextDeleter> ctx_;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_AEAD_H_
