#include "keymgmt/secrets/type6.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/hkdf.h"

namespace cygnet::keymgmt {
namespace {

constexpr absl::string_view kPrefix = "C6";
constexpr absl::string_view kInfo = "cygnet type6 v1";
constexpr absl::string_view kAadLabel = "cygnet-type6";
constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
// Longest text a valid value can have; longer input is refused before
// decoding so that input size never drives allocation beyond this bound.
constexpr size_t kMaxTextSize =
    2 +
    ((1 + kType6SaltSize + kMaxType6SecretBytes + kType6TagSize) * 4 + 2) / 3;

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::vector<uint8_t> Aad() {
  std::vector<uint8_t> aad;
  aad.push_back(kType6Version);
  aad.insert(aad.end(), kAadLabel.begin(), kAadLabel.end());
  return aad;
}

absl::StatusOr<crypto::Aead> DeriveAead(const crypto::SecretBytes& master_key,
                                        absl::Span<const uint8_t> salt,
                                        uint8_t nonce[kNonceSize]) {
  absl::StatusOr<crypto::SecretBytes> okm =
      crypto::Hkdf(crypto::HashAlgorithm::kSha256, master_key.span(), salt,
                   Bytes(kInfo), kKeySize + kNonceSize);
  if (!okm.ok()) return okm.status();
  for (size_t i = 0; i < kNonceSize; ++i) nonce[i] = okm->data()[kKeySize + i];
  return crypto::Aead::Create(crypto::AeadAlgorithm::kAesGcm256,
                              okm->span().subspan(0, kKeySize));
}

}  // namespace

absl::Status CheckMasterKey(const crypto::SecretBytes& master_key) {
  if (master_key.size() < kMinMasterKeyBytes ||
      master_key.size() > kMaxMasterKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("master key (key config-key password-encryption) must be ",
                     kMinMasterKeyBytes, "..", kMaxMasterKeyBytes,
                     " bytes, got ", master_key.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Type6Encrypt(const crypto::SecretBytes& master_key,
                                         absl::Span<const uint8_t> secret,
                                         crypto::Random& random) {
  if (absl::Status status = CheckMasterKey(master_key); !status.ok()) {
    return status;
  }
  if (secret.empty() || secret.size() > kMaxType6SecretBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 6 secret must be 1..", kMaxType6SecretBytes,
                     " bytes, got ", secret.size()));
  }
  std::vector<uint8_t> blob(1 + kType6SaltSize + secret.size() + kType6TagSize);
  blob[0] = kType6Version;
  absl::Span<uint8_t> salt(blob.data() + 1, kType6SaltSize);
  random.Fill(salt);
  uint8_t nonce[kNonceSize];
  absl::StatusOr<crypto::Aead> aead = DeriveAead(master_key, salt, nonce);
  if (!aead.ok()) return aead.status();
  absl::Span<uint8_t> body(blob.data() + 1 + kType6SaltSize, secret.size());
  for (size_t i = 0; i < secret.size(); ++i) body[i] = secret[i];
  absl::Span<uint8_t> tag(blob.data() + 1 + kType6SaltSize + secret.size(),
                          kType6TagSize);
  std::vector<uint8_t> aad = Aad();
  absl::Status sealed = aead->Seal(nonce, aad, body, tag);
  if (!sealed.ok()) {
    for (uint8_t& byte : body) byte = 0;  // never leave the clear key behind
    return sealed;
  }
  std::string encoded = absl::WebSafeBase64Escape(absl::string_view(
      reinterpret_cast<const char*>(blob.data()), blob.size()));
  return absl::StrCat(kPrefix, encoded);
}

absl::StatusOr<crypto::SecretBytes> Type6Decrypt(
    const crypto::SecretBytes& master_key, absl::string_view text) {
  if (absl::Status status = CheckMasterKey(master_key); !status.ok()) {
    return status;
  }
  if (text.size() > kMaxTextSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 6 value is ", text.size(), " characters, more than ",
                     kMaxTextSize));
  }
  if (!absl::StartsWith(text, kPrefix)) {
    return absl::InvalidArgumentError(
        "type 6 value does not start with 'C6' (not a cygnet type 6 value)");
  }
  absl::string_view body_text = text.substr(kPrefix.size());
  for (char c : body_text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return absl::InvalidArgumentError(
          "type 6 value has a character outside [A-Za-z0-9_-]");
    }
  }
  std::string blob;
  if (!absl::WebSafeBase64Unescape(body_text, &blob) ||
      absl::WebSafeBase64Escape(blob) != body_text) {
    return absl::InvalidArgumentError(
        "type 6 value is not canonical base64url");
  }
  if (blob.size() < 1 + kType6SaltSize + 1 + kType6TagSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 6 value is too short (", blob.size(), " bytes)"));
  }
  if (static_cast<uint8_t>(blob[0]) != kType6Version) {
    return absl::InvalidArgumentError(
        absl::StrCat("type 6 value has unsupported version ",
                     static_cast<int>(static_cast<uint8_t>(blob[0])),
                     " (this build reads version 1)"));
  }
  absl::Span<const uint8_t> bytes = Bytes(blob);
  absl::Span<const uint8_t> salt = bytes.subspan(1, kType6SaltSize);
  size_t body_size = blob.size() - 1 - kType6SaltSize - kType6TagSize;
  absl::Span<const uint8_t> tag =
      bytes.subspan(1 + kType6SaltSize + body_size, kType6TagSize);
  uint8_t nonce[kNonceSize];
  absl::StatusOr<crypto::Aead> aead = DeriveAead(master_key, salt, nonce);
  if (!aead.ok()) return aead.status();
  crypto::SecretBytes secret =
      crypto::SecretBytes::Copy(bytes.subspan(1 + kType6SaltSize, body_size));
  std::vector<uint8_t> aad = Aad();
  if (!aead->Open(nonce, aad, secret.mutable_span(), tag).ok()) {
    return absl::PermissionDeniedError(
        "type 6 value does not decrypt under the configured master key "
        "(wrong key config-key, or the value was modified)");
  }
  return secret;
}

absl::StatusOr<std::vector<std::string>> Type6Rekey(
    const crypto::SecretBytes& old_key, const crypto::SecretBytes& new_key,
    absl::Span<const std::string> stored, crypto::Random& random) {
  if (absl::Status status = CheckMasterKey(new_key); !status.ok()) {
    return status;
  }
  std::vector<crypto::SecretBytes> clear;
  clear.reserve(stored.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    absl::StatusOr<crypto::SecretBytes> secret =
        Type6Decrypt(old_key, stored[i]);
    if (!secret.ok()) {
      return absl::Status(secret.status().code(),
                          absl::StrCat("re-keying stored key ", i, ": ",
                                       secret.status().message()));
    }
    clear.push_back(*std::move(secret));
  }
  std::vector<std::string> result;
  result.reserve(clear.size());
  for (const crypto::SecretBytes& secret : clear) {
    absl::StatusOr<std::string> text =
        Type6Encrypt(new_key, secret.span(), random);
    if (!text.ok()) return text.status();
    result.push_back(*std::move(text));
  }
  return result;
}

}  // namespace cygnet::keymgmt
