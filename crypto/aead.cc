#include "crypto/aead.h"

#include <openssl/aead.h>
#include <openssl/err.h>
#include <openssl/mem.h>

#include "absl/strings/str_cat.h"

namespace cygnet::crypto {
namespace {

const EVP_AEAD* EvpAead(AeadAlgorithm algorithm) {
  switch (algorithm) {
    case AeadAlgorithm::kAesGcm128:
      return EVP_aead_aes_128_gcm();
    case AeadAlgorithm::kAesGcm192:
      return EVP_aead_aes_192_gcm();
    case AeadAlgorithm::kAesGcm256:
      return EVP_aead_aes_256_gcm();
    case AeadAlgorithm::kChaCha20Poly1305:
      return EVP_aead_chacha20_poly1305();
  }
  return nullptr;
}

// BoringSSL wants valid pointers even for empty inputs.
const uint8_t kEmpty[1] = {0};
template <typename T>
T* DataOrEmpty(absl::Span<T> s) {
  return s.empty() ? const_cast<T*>(kEmpty) : s.data();
}

}  // namespace

size_t AeadKeySize(AeadAlgorithm algorithm) {
  switch (algorithm) {
    case AeadAlgorithm::kAesGcm128:
      return 16;
    case AeadAlgorithm::kAesGcm192:
      return 24;
    case AeadAlgorithm::kAesGcm256:
    case AeadAlgorithm::kChaCha20Poly1305:
      return 32;
  }
  return 0;
}

absl::string_view AeadName(AeadAlgorithm algorithm) {
  switch (algorithm) {
    case AeadAlgorithm::kAesGcm128:
      return "AES-GCM-128";
    case AeadAlgorithm::kAesGcm192:
      return "AES-GCM-192";
    case AeadAlgorithm::kAesGcm256:
      return "AES-GCM-256";
    case AeadAlgorithm::kChaCha20Poly1305:
      return "ChaCha20-Poly1305";
  }
  return "unknown";
}

Aead::Aead(AeadAlgorithm algorithm, size_t tag_size)
    : algorithm_(algorithm), tag_size_(static_cast<uint8_t>(tag_size)) {}

void Aead::ContextDeleter::operator()(evp_aead_ctx_st* ctx) const {
  EVP_AEAD_CTX_cleanup(ctx);
  // OPENSSL_free would have zeroed the allocation; delete does not, and the
  // state holds the expanded key.
  OPENSSL_cleanse(ctx, sizeof(*ctx));
  delete ctx;
}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;

absl::StatusOr<Aead> Aead::Create(AeadAlgorithm algorithm,
                                  absl::Span<const uint8_t> key,
                                  size_t tag_size) {
  const EVP_AEAD* aead = EvpAead(algorithm);
  if (aead == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AEAD algorithm ", static_cast<int>(algorithm), " is not supported"));
  }
  if (key.size() != AeadKeySize(algorithm)) {
    if (algorithm == AeadAlgorithm::kChaCha20Poly1305) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ChaCha20-Poly1305 key must be 32 bytes, got ", key.size()));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm), " key must be ",
                     AeadKeySize(algorithm), " bytes, got ", key.size()));
  }
  if (algorithm == AeadAlgorithm::kChaCha20Poly1305) {
    // RFC 7634 defines only the full 16-byte tag.
    if (tag_size != 16) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ChaCha20-Poly1305 tag size must be 16 bytes, got ", tag_size));
    }
  } else if (tag_size != 8 && tag_size != 12 && tag_size != 16) {
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm),
                     " tag size must be 8, 12 or 16 bytes, got ", tag_size));
  }
  auto ctx = std::make_unique<EVP_AEAD_CTX>();
  EVP_AEAD_CTX_zero(ctx.get());
  if (!EVP_AEAD_CTX_init(ctx.get(), aead, key.data(), key.size(), tag_size,
                         nullptr)) {
    ERR_clear_error();
    return absl::InternalError(
        absl::StrCat(AeadName(algorithm), " key setup failed"));
  }
  Aead result(algorithm, tag_size);
  result.ctx_.reset(ctx.release());
  return result;
}

absl::Status Aead::Seal(absl::Span<const uint8_t> nonce,
                        absl::Span<const uint8_t> aad,
                        absl::Span<uint8_t> in_out,
                        absl::Span<uint8_t> tag) const {
  if (ctx_ == nullptr) {
    return absl::FailedPreconditionError("AEAD key was moved from");
  }
  if (nonce.size() != kAeadNonceSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm_), " nonce must be ", kAeadNonceSize,
                     " bytes, got ", nonce.size()));
  }
  if (tag.size() != tag_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm_), " tag buffer must be ", tag_size_,
                     " bytes, got ", tag.size()));
  }
  size_t tag_len = 0;
  if (!EVP_AEAD_CTX_seal_scatter(
          ctx_.get(), DataOrEmpty(in_out), tag.data(), &tag_len, tag.size(),
          nonce.data(), nonce.size(), DataOrEmpty(in_out), in_out.size(),
          nullptr, 0, DataOrEmpty(aad), aad.size()) ||
      tag_len != tag_size_) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm_), " seal failed for ", in_out.size(),
                     " bytes of plaintext"));
  }
  return absl::OkStatus();
}

absl::Status Aead::Open(absl::Span<const uint8_t> nonce,
                        absl::Span<const uint8_t> aad,
                        absl::Span<uint8_t> in_out,
                        absl::Span<const uint8_t> tag) const {
  if (ctx_ == nullptr) {
    return absl::FailedPreconditionError("AEAD key was moved from");
  }
  if (nonce.size() != kAeadNonceSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(AeadName(algorithm_), " nonce must be ", kAeadNonceSize,
                     " bytes, got ", nonce.size()));
  }
  if (tag.size() != tag_size_) {
    return absl::InvalidArgumentError(absl::StrCat(AeadName(algorithm_),
                                                   " tag must be ", tag_size_,
                                                   " bytes, got ", tag.size()));
  }
  if (!EVP_AEAD_CTX_open_gather(ctx_.get(), DataOrEmpty(in_out), nonce.data(),
                                nonce.size(), DataOrEmpty(in_out),
                                in_out.size(), tag.data(), tag.size(),
                                DataOrEmpty(aad), aad.size())) {
    ERR_clear_error();
    return absl::UnauthenticatedError("integrity check failed");
  }
  return absl::OkStatus();
}

}  // namespace cygnet::crypto
