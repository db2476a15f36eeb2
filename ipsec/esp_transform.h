// EspTransform: the cryptographic part of one ESP SA (RFC 4303 section 2,
// RFC 3602 / RFC 4868 AES-CBC + HMAC, RFC 4106 AES-GCM, RFC 7634
// ChaCha20-Poly1305, RFC 2410 NULL encryption).
//
// A SecurityAssociation owns one EspTransform; the ESP code (esp.h) lays out
// the packet and asks the transform to seal or open it in place. The
// transform knows nothing about sequence numbers beyond the high half it is
// handed for the ESN ICV, nor about IV policy: the IV is whatever bytes the
// caller placed after the ESP header (ESP writes a random IV for CBC and the
// 64-bit sequence number for counter-mode AEADs, see security_association.h).
//
// Invariants: an AEAD never has a separate integrity algorithm, NULL
// encryption always has one (RFC 4303 section 3.2), and the keys had exactly
// the sizes of the algorithms. AES-CBC without integrity can be built here
// (RFC 3602's published packets use it, and tools may need to read them), but
// SecurityAssociation refuses it (RFC 8221 section 5: MUST NOT).
// Immutable after Create: Seal/Open are const and allocate nothing, so
// several threads may use one transform.
#ifndef CYGNET_IPSEC_ESP_TRANSFORM_H_
#define CYGNET_IPSEC_ESP_TRANSFORM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"

namespace cygnet::ipsec {

enum class EspCipher : uint8_t {
  kNull,
  kAesCbc128,
  kAesCbc192,
  kAesCbc256,
  kAesGcm128,
  kAesGcm256,
  kChaCha20Poly1305,
};

enum class EspIntegrity : uint8_t {
  kNone,
  kHmacSha1_96,
  kHmacSha256_128,
  kHmacSha384_192,
  kHmacSha512_256,
};

// Tool / API names: "null", "aes-cbc-128", ..., "aes-gcm-256",
// "chacha20-poly1305"; "none", "hmac-sha1-96", "hmac-sha256-128",
// "hmac-sha384-192", "hmac-sha512-256".
absl::string_view EspCipherName(EspCipher cipher);
absl::string_view EspIntegrityName(EspIntegrity integrity);
absl::StatusOr<EspCipher> ParseEspCipher(absl::string_view name);
absl::StatusOr<EspIntegrity> ParseEspIntegrity(absl::string_view name);

// Names in `show ipsec sa` (seed 001: "ESP_192_AES", "HMAC_SHA_256"):
// ESP_NULL, ESP_128_AES, ESP_192_AES, ESP_256_AES, ESP_GCM_128, ESP_GCM_256,
// ESP_CHACHA20_POLY1305; None, HMAC_SHA1, HMAC_SHA_256, HMAC_SHA_384,
// HMAC_SHA_512.
absl::string_view EspCipherShowName(EspCipher cipher);
absl::string_view EspIntegrityShowName(EspIntegrity integrity);

bool IsAead(EspCipher cipher);
// Encryption key material length: for AEADs the key followed by the 4-byte
// salt (RFC 4106 section 8.1, RFC 7634 section 2): 20, 36, 36; AES-CBC 16,
// 24, 32; NULL 0.
size_t EspEncryptionKeySize(EspCipher cipher);
// HMAC key length (RFC 2404: 20; RFC 4868: 32, 48, 64); 0 for none.
size_t EspIntegrityKeySize(EspIntegrity integrity);

// Bytes of the ESP header: SPI and sequence number.
constexpr size_t kEspHeaderSize = 8;
// Pad Length and Next Header.
constexpr size_t kEspTrailerSize = 2;
// The AEAD salt at the end of the encryption key material.
constexpr size_t kEspSaltSize = 4;

// What a transform will be asked to do. An SA is simplex (RFC 4301 section
// 4.1), so it needs only one AES-CBC key schedule (encryption or decryption);
// building just that one saves 256 bytes per SA. AEADs use one context for
// both.
enum class EspTransformUse : uint8_t { kSealAndOpen, kSealOnly, kOpenOnly };

class EspTransform {
 public:
  // Checks the combination and the key sizes; errors name the algorithm and
  // the size given. `encryption_key` for AEADs is key || salt. A kSealOnly
  // AES-CBC transform fails Open (and kOpenOnly fails Seal) with
  // FailedPrecondition.
  static absl::StatusOr<EspTransform> Create(
      EspCipher cipher, EspIntegrity integrity,
      absl::Span<const uint8_t> encryption_key,
      absl::Span<const uint8_t> integrity_key,
      EspTransformUse use = EspTransformUse::kSealAndOpen);

  EspTransform(EspTransform&&) noexcept;
  EspTransform& operator=(EspTransform&&) noexcept;
  ~EspTransform();

  EspCipher cipher() const { return cipher_; }
  EspIntegrity integrity() const { return integrity_; }
  bool is_aead() const {
    return std::holds_alternative<crypto::Aead>(cipher_state_);
  }
  // Explicit IV carried in every packet: 16 (CBC), 8 (AEADs), 0 (NULL).
  size_t iv_size() const { return iv_size_; }
  // The payload, padding and trailer together are a multiple of this: the
  // cipher block size, at least 4 (RFC 4303 section 2.4 alignment). Always a
  // power of two (4 or 16), so the helpers below are masks: a 64-bit division
  // costs tens of cycles, on every packet.
  size_t block_size() const { return block_size_; }
  bool IsWholeBlocks(size_t bytes) const {
    return (bytes & (block_size_ - 1)) == 0;
  }
  size_t RoundUpToBlocks(size_t bytes) const {
    return (bytes + block_size_ - 1) & ~size_t{block_size_ - 1u};
  }
  // ICV bytes after the encrypted part: 16 for AEADs, the truncated HMAC
  // length otherwise.
  size_t icv_size() const { return icv_size_; }
  // ESP header + IV + ICV: the bytes ESP adds besides payload/pad/trailer.
  size_t overhead() const { return kEspHeaderSize + iv_size_ + icv_size_; }

  // `esp` is SPI through ICV: header (8 bytes, SPI and low sequence number
  // already written), IV (iv_size bytes, already written), plaintext
  // (payload, padding and trailer; a multiple of block_size), ICV space
  // (icv_size bytes). Encrypts the plaintext in place and writes the ICV.
  // `sequence_high` is the upper half of an extended sequence number; it
  // enters the ICV/AAD (RFC 4303 section 2.2.1, RFC 4106 section 5) only
  // when `extended_sequence_numbers` is set.
  absl::Status Seal(absl::Span<uint8_t> esp, bool extended_sequence_numbers,
                    uint32_t sequence_high) const;
  // The inverse: verifies the ICV (constant time) and only then decrypts the
  // region between IV and ICV in place. Errors: "integrity check failed",
  // or a length error naming the size; the caller has already checked that
  // `esp` holds at least overhead() + block_size bytes.
  absl::Status Open(absl::Span<uint8_t> esp, bool extended_sequence_numbers,
                    uint32_t sequence_high) const;

 private:
  EspTransform(EspCipher cipher, EspIntegrity integrity);

  // One byte each: an SA holds one transform, and these are all small.
  EspCipher cipher_;
  EspIntegrity integrity_;
  uint8_t iv_size_ = 0;
  uint8_t block_size_ = 4;
  uint8_t icv_size_ = 0;
  uint8_t salt_[kEspSaltSize] = {};
  // A variant, not two optionals: a transform has one cipher, and every SA
  // carries a transform.
  std::variant<std::monostate, crypto::Aead, crypto::AesCbc> cipher_state_;
  std::optional<crypto::Hmac> hmac_;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_ESP_TRANSFORM_H_
