// Type 6: preshared keys stored encrypted under a master key, the cygnet
// counterpart of seed 002's "Encrypted Preshared Key" (`key config-key
// password-encryption KEY` sets the master key, `password encryption aes`
// turns the feature on, keys then appear as `pre-shared-key 6 VALUE`).
//
// The vendor's type 6 byte format is not public, so cygnet defines its own,
// authenticated and versioned:
//
//   blob   = version(1) || salt(16) || ciphertext(n) || tag(16)
//   okm    = HKDF-SHA256(ikm = master key, salt = salt,
//                        info = "cygnet type6 v1", length = 44)
//   key    = okm[0..32)   (AES-256-GCM key)
//   nonce  = okm[32..44)  (unique because the salt is fresh per encryption)
//   aad    = version(1) || "cygnet-type6"
//   text   = "C6" || base64url(blob) without padding
//
// version is 0x01. The "C6" prefix lets a reader tell a cygnet value from a
// vendor one before trying to decrypt it; base64url keeps the value one
// whitespace-free token of [A-Za-z0-9_-]. A wrong master key and a modified
// value are indistinguishable by design (the tag fails): both give
// kPermissionDenied "does not decrypt under the configured master key".
// Malformed text gives kInvalidArgument naming the problem. Secrets are 1..
// kMaxType6SecretBytes bytes; the master key must be 8..128 bytes (IOS's
// config-key limits are of that order).
//
// The master key is the configured text itself. HKDF does not stretch it:
// a guessable config-key makes every stored key guessable. Use a long random
// config-key; the README says so too.
//
// Stateless functions; randomness only through the injected crypto::Random.
#ifndef CYGNET_KEYMGMT_SECRETS_TYPE6_H_
#define CYGNET_KEYMGMT_SECRETS_TYPE6_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"

namespace cygnet::keymgmt {

inline constexpr uint8_t kType6Version = 0x01;
inline constexpr size_t kType6SaltSize = 16;
inline constexpr size_t kType6TagSize = 16;
inline constexpr size_t kMaxType6SecretBytes = 1024;
inline constexpr size_t kMinMasterKeyBytes = 8;
inline constexpr size_t kMaxMasterKeyBytes = 128;

// Checks the master key length; errors never echo the key.
absl::Status CheckMasterKey(const crypto::SecretBytes& master_key);

absl::StatusOr<std::string> Type6Encrypt(const crypto::SecretBytes& master_key,
                                         absl::Span<const uint8_t> secret,
                                         crypto::Random& random);

absl::StatusOr<crypto::SecretBytes> Type6Decrypt(
    const crypto::SecretBytes& master_key, absl::string_view text);

// Re-keying after `key config-key password-encryption NEW`: decrypts every
// stored value under old_key and re-encrypts it under new_key with a fresh
// salt. All or nothing: if any value fails to decrypt, nothing is returned
// and the error names its index, so a half-migrated configuration cannot
// result.
absl::StatusOr<std::vector<std::string>> Type6Rekey(
    const crypto::SecretBytes& old_key, const crypto::SecretBytes& new_key,
    absl::Span<const std::string> stored, crypto::Random& random);

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_SECRETS_TYPE6_H_
