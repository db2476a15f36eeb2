#include "ipsec/esp_transform.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "crypto/constant_time.h"

namespace cygnet::ipsec {
namespace {

struct CipherInfo {
  EspCipher cipher;
  absl::string_view name;
  absl::string_view show_name;
  size_t key_size;  // including the AEAD salt
};

constexpr CipherInfo kCiphers[] = {
    {EspCipher::kNull, "null", "ESP_NULL", 0},
    {EspCipher::kAesCbc128, "aes-cbc-128", "ESP_128_AES", 16},
    {EspCipher::kAesCbc192, "aes-cbc-192", "ESP_192_AES", 24},
    {EspCipher::kAesCbc256, "aes-cbc-256", "ESP_256_AES", 32},
    {EspCipher::kAesGcm128, "aes-gcm-128", "ESP_GCM_128", 16 + kEspSaltSize},
    {EspCipher::kAesGcm256, "aes-gcm-256", "ESP_GCM_256", 32 + kEspSaltSize},
    {EspCipher::kChaCha20Poly1305, "chacha20-poly1305", "ESP_CHACHA20_POLY1305",
     32 + kEspSaltSize},
};

struct IntegrityInfo {
  EspIntegrity integrity;
  absl::string_view name;
  absl::string_view show_name;
  size_t key_size;
  size_t icv_size;
  crypto::HashAlgorithm hash;
};

constexpr IntegrityInfo kIntegrities[] = {
    {EspIntegrity::kNone, "none", "None", 0, 0, crypto::HashAlgorithm::kSha1},
    {EspIntegrity::kHmacSha1_96, "hmac-sha1-96", "HMAC_SHA1", 20, 12,
     crypto::HashAlgorithm::kSha1},
    {EspIntegrity::kHmacSha256_128, "hmac-sha256-128", "HMAC_SHA_256", 32, 16,
     crypto::HashAlgorithm::kSha256},
    {EspIntegrity::kHmacSha384_192, "hmac-sha384-192", "HMAC_SHA_384", 48, 24,
     crypto::HashAlgorithm::kSha384},
    {EspIntegrity::kHmacSha512_256, "hmac-sha512-256", "HMAC_SHA_512", 64, 32,
     crypto::HashAlgorithm::kSha512},
};

const CipherInfo& Info(EspCipher cipher) {
  for (const CipherInfo& info : kCiphers) {
    if (info.cipher == cipher) return info;
  }
  return kCiphers[0];
}

const IntegrityInfo& Info(EspIntegrity integrity) {
  for (const IntegrityInfo& info : kIntegrities) {
    if (info.integrity == integrity) return info;
  }
  return kIntegrities[0];
}

constexpr size_t kAeadIcvSize = 16;
constexpr size_t kAeadIvSize = 8;
constexpr size_t kMaxIcvSize = 32;

// Builds the RFC 4106 section 5 / RFC 7634 section 2.1 AAD: SPI || seq
// (32-bit numbers) or SPI || seq high || seq low (ESN).
size_t BuildAad(absl::Span<const uint8_t> esp, bool esn, uint32_t high,
                uint8_t aad[12]) {
  std::memcpy(aad, esp.data(), 4);
  if (!esn) {
    std::memcpy(aad + 4, esp.data() + 4, 4);
    return 8;
  }
  aad[4] = static_cast<uint8_t>(high >> 24);
  aad[5] = static_cast<uint8_t>(high >> 16);
  aad[6] = static_cast<uint8_t>(high >> 8);
  aad[7] = static_cast<uint8_t>(high);
  std::memcpy(aad + 8, esp.data() + 4, 4);
  return 12;
}

void StoreBigEndian32(uint32_t value, uint8_t out[4]) {
  out[0] = static_cast<uint8_t>(value >> 24);
  out[1] = static_cast<uint8_t>(value >> 16);
  out[2] = static_cast<uint8_t>(value >> 8);
  out[3] = static_cast<uint8_t>(value);
}

}  // namespace

absl::string_view EspCipherName(EspCipher cipher) { return Info(cipher).name; }
absl::string_view EspIntegrityName(EspIntegrity integrity) {
  return Info(integrity).name;
}
absl::string_view EspCipherShowName(EspCipher cipher) {
  return Info(cipher).show_name;
}
absl::string_view EspIntegrityShowName(EspIntegrity integrity) {
  return Info(integrity).show_name;
}

absl::StatusOr<EspCipher> ParseEspCipher(absl::string_view name) {
  for (const CipherInfo& info : kCiphers) {
    if (info.name == name) return info.cipher;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "cipher: unknown ESP cipher \"", name,
      "\" (expected null, aes-cbc-128, aes-cbc-192, aes-cbc-256, aes-gcm-128, "
      "aes-gcm-256 or chacha20-poly1305)"));
}

absl::StatusOr<EspIntegrity> ParseEspIntegrity(absl::string_view name) {
  for (const IntegrityInfo& info : kIntegrities) {
    if (info.name == name) return info.integrity;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "integ: unknown ESP integrity algorithm \"", name,
      "\" (expected none, hmac-sha1-96, hmac-sha256-128, hmac-sha384-192 or "
      "hmac-sha512-256)"));
}

bool IsAead(EspCipher cipher) {
  return cipher == EspCipher::kAesGcm128 || cipher == EspCipher::kAesGcm256 ||
         cipher == EspCipher::kChaCha20Poly1305;
}

size_t EspEncryptionKeySize(EspCipher cipher) { return Info(cipher).key_size; }
size_t EspIntegrityKeySize(EspIntegrity integrity) {
  return Info(integrity).key_size;
}

EspTransform::EspTransform(EspCipher cipher, EspIntegrity integrity)
    : cipher_(cipher), integrity_(integrity) {}

EspTransform::EspTransform(EspTransform&& other) noexcept
    : cipher_(other.cipher_),
      integrity_(other.integrity_),
      iv_size_(other.iv_size_),
      block_size_(other.block_size_),
      icv_size_(other.icv_size_),
      cipher_state_(std::move(other.cipher_state_)),
      hmac_(std::move(other.hmac_)) {
  std::memcpy(salt_, other.salt_, sizeof(salt_));
  volatile uint8_t* wipe = other.salt_;
  for (size_t i = 0; i < sizeof(other.salt_); ++i) wipe[i] = 0;
}

EspTransform& EspTransform::operator=(EspTransform&& other) noexcept {
  if (this != &other) {
    cipher_ = other.cipher_;
    integrity_ = other.integrity_;
    iv_size_ = other.iv_size_;
    block_size_ = other.block_size_;
    icv_size_ = other.icv_size_;
    cipher_state_ = std::move(other.cipher_state_);
    hmac_ = std::move(other.hmac_);
    std::memcpy(salt_, other.salt_, sizeof(salt_));
    volatile uint8_t* wipe = other.salt_;
    for (size_t i = 0; i < sizeof(other.salt_); ++i) wipe[i] = 0;
  }
  return *this;
}

EspTransform::~EspTransform() {
  // The salt is key material (RFC 4106 section 8.1).
  volatile uint8_t* wipe = salt_;
  for (size_t i = 0; i < sizeof(salt_); ++i) wipe[i] = 0;
}

absl::StatusOr<EspTransform> EspTransform::Create(
    EspCipher cipher, EspIntegrity integrity,
    absl::Span<const uint8_t> encryption_key,
    absl::Span<const uint8_t> integrity_key, EspTransformUse use) {
  const CipherInfo& cipher_info = Info(cipher);
  const IntegrityInfo& integrity_info = Info(integrity);
  if (IsAead(cipher) && integrity != EspIntegrity::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "integ: ", cipher_info.name,
        " is an AEAD and takes integrity none, not ", integrity_info.name));
  }
  if (cipher == EspCipher::kNull && integrity == EspIntegrity::kNone) {
    // RFC 4303 section 3.2: encryption and integrity cannot both be NULL.
    return absl::InvalidArgumentError(
        "integ: cipher null needs an integrity algorithm, not none");
  }
  if (encryption_key.size() != cipher_info.key_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "enc-key: ", cipher_info.name, " needs ", cipher_info.key_size,
        " bytes", IsAead(cipher) ? " (key followed by the 4-byte salt)" : "",
        ", got ", encryption_key.size()));
  }
  if (integrity_key.size() != integrity_info.key_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "integ-key: ", integrity_info.name, " needs ", integrity_info.key_size,
        " bytes, got ", integrity_key.size()));
  }

  EspTransform transform(cipher, integrity);
  switch (cipher) {
    case EspCipher::kNull:
      transform.iv_size_ = 0;
      transform.block_size_ = 4;
      break;
    case EspCipher::kAesCbc128:
    case EspCipher::kAesCbc192:
    case EspCipher::kAesCbc256: {
      const crypto::AesCbcDirection direction =
          use == EspTransformUse::kSealOnly
              ? crypto::AesCbcDirection::kEncryptOnly
          : use == EspTransformUse::kOpenOnly
              ? crypto::AesCbcDirection::kDecryptOnly
              : crypto::AesCbcDirection::kBoth;
      auto cbc = crypto::AesCbc::Create(encryption_key, direction);
      if (!cbc.ok()) return cbc.status();
      transform.cipher_state_.emplace<crypto::AesCbc>(*std::move(cbc));
      transform.iv_size_ = crypto::kAesBlockSize;
      transform.block_size_ = crypto::kAesBlockSize;
      break;
    }
    case EspCipher::kAesGcm128:
    case EspCipher::kAesGcm256:
    case EspCipher::kChaCha20Poly1305: {
      const crypto::AeadAlgorithm algorithm =
          cipher == EspCipher::kAesGcm128 ? crypto::AeadAlgorithm::kAesGcm128
          : cipher == EspCipher::kAesGcm256
              ? crypto::AeadAlgorithm::kAesGcm256
              : crypto::AeadAlgorithm::kChaCha20Poly1305;
      const size_t key_size = encryption_key.size() - kEspSaltSize;
      auto aead = crypto::Aead::Create(
          algorithm, encryption_key.subspan(0, key_size), kAeadIcvSize);
      if (!aead.ok()) return aead.status();
      transform.cipher_state_.emplace<crypto::Aead>(*std::move(aead));
      std::memcpy(transform.salt_, encryption_key.data() + key_size,
                  kEspSaltSize);
      transform.iv_size_ = kAeadIvSize;
      transform.block_size_ = 4;
      transform.icv_size_ = kAeadIcvSize;
      break;
    }
  }
  if (integrity != EspIntegrity::kNone) {
    auto hmac = crypto::Hmac::Create(integrity_info.hash, integrity_key);
    if (!hmac.ok()) return hmac.status();
    transform.hmac_.emplace(*std::move(hmac));
    transform.icv_size_ = integrity_info.icv_size;
  }
  return transform;
}

absl::Status EspTransform::Seal(absl::Span<uint8_t> esp, bool esn,
                                uint32_t sequence_high) const {
  const size_t fixed = overhead();
  if (esp.size() < fixed || !IsWholeBlocks(esp.size() - fixed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ESP seal: ", esp.size(),
                     " bytes is not header, IV, whole blocks and ICV"));
  }
  const size_t text_offset = kEspHeaderSize + iv_size_;
  absl::Span<uint8_t> text = esp.subspan(text_offset, esp.size() - fixed);
  absl::Span<uint8_t> icv = esp.subspan(esp.size() - icv_size_);
  const auto* aead = std::get_if<crypto::Aead>(&cipher_state_);
  const auto* cbc = std::get_if<crypto::AesCbc>(&cipher_state_);
  if (aead != nullptr) {
    uint8_t nonce[crypto::kAeadNonceSize];
    std::memcpy(nonce, salt_, kEspSaltSize);
    std::memcpy(nonce + kEspSaltSize, esp.data() + kEspHeaderSize, kAeadIvSize);
    uint8_t aad[12];
    const size_t aad_size = BuildAad(esp, esn, sequence_high, aad);
    return aead->Seal(nonce, absl::MakeConstSpan(aad, aad_size), text, icv);
  }
  if (cbc != nullptr) {
    absl::Status status =
        cbc->Encrypt(esp.subspan(kEspHeaderSize, iv_size_), text);
    if (!status.ok()) return status;
  }
  // RFC 4303 section 2.2.1: with ESN the high half follows the packet in the
  // ICV computation but is never sent.
  absl::Span<const uint8_t> authenticated =
      esp.subspan(0, esp.size() - icv_size_);
  if (!hmac_.has_value()) return absl::OkStatus();  // RFC 3602 vectors only
  if (!esn) return hmac_->Compute(authenticated, icv);
  uint8_t high[4];
  StoreBigEndian32(sequence_high, high);
  return hmac_->Compute({authenticated, absl::MakeConstSpan(high, 4)}, icv);
}

absl::Status EspTransform::Open(absl::Span<uint8_t> esp, bool esn,
                                uint32_t sequence_high) const {
  const size_t fixed = overhead();
  if (esp.size() < fixed + block_size_ || !IsWholeBlocks(esp.size() - fixed)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad length: ", esp.size() - std::min(esp.size(), fixed),
        " bytes of ciphertext is not a positive multiple of ", block_size_));
  }
  const size_t text_offset = kEspHeaderSize + iv_size_;
  absl::Span<uint8_t> text = esp.subspan(text_offset, esp.size() - fixed);
  absl::Span<const uint8_t> icv = esp.subspan(esp.size() - icv_size_);
  const auto* aead = std::get_if<crypto::Aead>(&cipher_state_);
  const auto* cbc = std::get_if<crypto::AesCbc>(&cipher_state_);
  if (aead != nullptr) {
    uint8_t nonce[crypto::kAeadNonceSize];
    std::memcpy(nonce, salt_, kEspSaltSize);
    std::memcpy(nonce + kEspSaltSize, esp.data() + kEspHeaderSize, kAeadIvSize);
    uint8_t aad[12];
    const size_t aad_size = BuildAad(esp, esn, sequence_high, aad);
    absl::Status status =
        aead->Open(nonce, absl::MakeConstSpan(aad, aad_size), text, icv);
    if (!status.ok()) {
      return absl::PermissionDeniedError("integrity check failed");
    }
    return absl::OkStatus();
  }
  if (!hmac_.has_value()) {
    // AES-CBC without integrity (RFC 3602's vectors): Create allows no other
    // transform without an HMAC.
    if (cbc == nullptr) return absl::InternalError("ESP transform: no cipher");
    return cbc->Decrypt(esp.subspan(kEspHeaderSize, iv_size_), text);
  }
  absl::Span<const uint8_t> authenticated =
      esp.subspan(0, esp.size() - icv_size_);
  uint8_t expected[kMaxIcvSize];
  absl::Span<uint8_t> expected_span(expected, icv_size_);
  absl::Status status;
  if (!esn) {
    status = hmac_->Compute(authenticated, expected_span);
  } else {
    uint8_t high[4];
    StoreBigEndian32(sequence_high, high);
    status = hmac_->Compute({authenticated, absl::MakeConstSpan(high, 4)},
                            expected_span);
  }
  if (!status.ok()) return status;
  if (!crypto::ConstantTimeEquals(expected_span, icv)) {
    return absl::PermissionDeniedError("integrity check failed");
  }
  if (cbc != nullptr) {
    return cbc->Decrypt(esp.subspan(kEspHeaderSize, iv_size_), text);
  }
  return absl::OkStatus();
}

}  // namespace cygnet::ipsec
