// The typed IKEv2 / ESP algorithm suite: which encryption, integrity, PRF and
// key exchange algorithms cygnet negotiates, their key, salt and ICV lengths,
// their IANA transform IDs, the configuration keywords that name them and the
// names the `show ikev2 ...` / `show ipsec sa` outputs print.
//
// Invariant: a value of EncryptionAlgorithm, IntegrityAlgorithm,
// crypto::PrfAlgorithm or crypto::KeyExchangeGroup is always something cygnet
// implements and is willing to use. Algorithms that are known but refused
// (3DES, DES, MD5, MODP groups 1, 2 and 5, ...) never become typed values: the
// lookups from keywords and from wire transform IDs return an
// InvalidArgument error citing RFC 8247 (IKE) or RFC 8221 (ESP) instead, so a
// refused algorithm cannot be configured, offered or selected.
//
// Driven by the configuration parser (keywords), proposal negotiation (wire
// IDs), key derivation (lengths) and the show renderers (names). Stateless.
#ifndef CYGNET_IKE_ALGORITHMS_H_
#define CYGNET_IKE_ALGORITHMS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/key_exchange.h"
#include "crypto/prf.h"
#include "ike/wire/constants.h"

namespace cygnet::ike {

// Transform type 1. The AES-GCM variants are the 16-octet-ICV ones
// (ENCR_AES_GCM_16, RFC 5282 for IKE, RFC 4106 for ESP). ChaCha20-Poly1305 is
// offered for ESP only (RFC 7634); IKE suites refuse it.
enum class EncryptionAlgorithm : uint8_t {
  kAesCbc128,
  kAesCbc192,
  kAesCbc256,
  kAesGcm16_128,
  kAesGcm16_256,
  kChaCha20Poly1305,
};

// Transform type 3. kNone is the only integrity an AEAD cipher may have.
enum class IntegrityAlgorithm : uint8_t {
  kNone,
  kHmacSha1_96,
  kHmacSha2_256_128,
  kHmacSha2_384_192,
  kHmacSha2_512_256,
};

// Which protocol an algorithm is configured or negotiated for: a few rules
// differ (ChaCha20-Poly1305 is ESP-only; refusals cite RFC 8247 for IKE and
// RFC 8221 for ESP).
enum class SaProtocol : uint8_t { kIke, kEsp };

// ---- Encryption ------------------------------------------------------------

bool IsAead(EncryptionAlgorithm encryption);
// Cipher key in octets (16, 24, 32; 32 for ChaCha20).
size_t EncryptionKeySize(EncryptionAlgorithm encryption);
// Salt appended to the key in the keying material: 4 octets for AES-GCM
// (RFC 5282 / RFC 4106) and ChaCha20-Poly1305 (RFC 7634), 0 for AES-CBC.
size_t EncryptionSaltSize(EncryptionAlgorithm encryption);
// Octets of keying material per direction: key + salt.
inline size_t EncryptionKeyMaterialSize(EncryptionAlgorithm encryption) {
  return EncryptionKeySize(encryption) + EncryptionSaltSize(encryption);
}
// Explicit IV carried in each message / packet: 16 for AES-CBC, 8 otherwise.
size_t EncryptionIvSize(EncryptionAlgorithm encryption);
// AEAD ICV: 16 for AES-GCM-16 and ChaCha20-Poly1305, 0 for AES-CBC.
size_t EncryptionIcvSize(EncryptionAlgorithm encryption);
// The crypto:: AEAD for AEAD ciphers; nullopt for AES-CBC.
std::optional<crypto::AeadAlgorithm> EncryptionAead(
    EncryptionAlgorithm encryption);

wire::EncryptionId EncryptionTransformId(EncryptionAlgorithm encryption);
// The Key Length attribute (bits) the transform carries; nullopt for
// ChaCha20-Poly1305, which has a fixed key and no attribute.
std::optional<uint16_t> EncryptionKeyLengthAttribute(
    EncryptionAlgorithm encryption);
// From a received or configured transform. AES-CBC and AES-GCM require the
// Key Length attribute (RFC 3602 / RFC 5282); ChaCha20-Poly1305 forbids it.
// Refused IDs (DES, 3DES, ...) fail citing the RFC; other unsupported IDs and
// key lengths fail naming the value.
absl::StatusOr<EncryptionAlgorithm> EncryptionFromTransform(
    SaProtocol protocol, wire::EncryptionId id,
    std::optional<uint16_t> key_length_bits);

// "AES-CBC", "AES-GCM", "CHACHA20-POLY1305": the family as `show ikev2
// session detail` prints it ("Encryption : AES-GCM").
absl::string_view EncryptionFamilyName(EncryptionAlgorithm encryption);
// Key size in bits as shown ("Keysize : 256").
int EncryptionKeySizeBits(EncryptionAlgorithm encryption);
// "AES-CBC/256": the IKE SA line "Encryption/Keysize : AES-CBC/256".
std::string IkeEncryptionKeysizeText(EncryptionAlgorithm encryption);
// `show ipsec sa` "Encrypt Algorithm": "ESP_256_AES", "ESP_GCM_256",
// "ESP_CHACHA20_POLY1305".
absl::string_view EspEncryptionShowName(EncryptionAlgorithm encryption);
// The IKEv2 proposal keyword: "aes-cbc-256", "aes-gcm-128", ...
absl::string_view IkeEncryptionKeyword(EncryptionAlgorithm encryption);
// Parses an `ikev2 proposal ... encryption <keyword>` value: aes-cbc-128,
// aes-cbc-192, aes-cbc-256, aes-gcm-128, aes-gcm-256 (case-insensitive).
// "3des" and "des" fail citing RFC 8247.
absl::StatusOr<EncryptionAlgorithm> IkeEncryptionFromKeyword(
    absl::string_view keyword);

// ---- Integrity -------------------------------------------------------------

size_t IntegrityKeySize(IntegrityAlgorithm integrity);  // 0, 20, 32, 48, 64
size_t IntegrityIcvSize(IntegrityAlgorithm integrity);  // 0, 12, 16, 24, 32
// The HMAC hash; only meaningful when integrity != kNone.
crypto::HashAlgorithm IntegrityHash(IntegrityAlgorithm integrity);
wire::IntegrityId IntegrityTransformId(IntegrityAlgorithm integrity);
// kNone (ID 0) is accepted here; callers check it against the cipher. MD5,
// DES-MAC and KPDK-MD5 fail citing the RFC.
absl::StatusOr<IntegrityAlgorithm> IntegrityFromTransform(SaProtocol protocol,
                                                          wire::IntegrityId id);
// "SHA1", "SHA256", "SHA384", "SHA512", "None": the Hash column of
// "PRF/Hash/DH Group" and the "ESP HMAC" line.
absl::string_view IntegrityName(IntegrityAlgorithm integrity);
// `show ipsec sa` "Auth Algorithm": "HMAC_SHA1", "HMAC_SHA_256",
// "HMAC_SHA_384", "HMAC_SHA_512", "None".
absl::string_view EspIntegrityShowName(IntegrityAlgorithm integrity);
// Parses an `ikev2 proposal ... integrity <keyword>` value: sha1, sha-1,
// sha256, sha-256, sha384, sha-384, sha512, sha-512. "md5" fails citing
// RFC 8247.
absl::StatusOr<IntegrityAlgorithm> IkeIntegrityFromKeyword(
    absl::string_view keyword);

// ---- PRF -------------------------------------------------------------------

wire::PrfId PrfTransformId(crypto::PrfAlgorithm prf);
// PRF_HMAC_MD5 fails citing RFC 8247; AES-XCBC/CMAC and Tiger are
// unsupported.
absl::StatusOr<crypto::PrfAlgorithm> PrfFromTransform(wire::PrfId id);
// "SHA1", "SHA256", "SHA384", "SHA512": the PRF column of "PRF/Hash/DH Group".
absl::string_view PrfName(crypto::PrfAlgorithm prf);
// Same keywords as integrity (the seed writes "prf sha-256"); "md5" refused.
absl::StatusOr<crypto::PrfAlgorithm> PrfFromKeyword(absl::string_view keyword);

// ---- Key exchange ----------------------------------------------------------

inline uint16_t GroupNumber(crypto::KeyExchangeGroup group) {
  return static_cast<uint16_t>(group);
}
// Groups 1, 2, 5, 22, 23 and 24 fail citing RFC 8247 section 2.4; other
// numbers cygnet does not implement fail listing the supported ones.
absl::StatusOr<crypto::KeyExchangeGroup> GroupFromNumber(uint16_t number);
// "20", "group20" or "group 20" (the seeds write "dh-group 20" and
// "set pfs group19").
absl::StatusOr<crypto::KeyExchangeGroup> GroupFromKeyword(
    absl::string_view keyword);

// ---- ESP transform-set keywords --------------------------------------------

// One keyword of an `ipsec transform-set ... transform` line names either a
// cipher or an integrity algorithm. Both IOS XR spellings (esp-256-aes,
// esp-hmac-sha-256) and IOS XE spellings (esp-aes 256 is "esp-aes-256",
// esp-sha256-hmac, esp-gcm-256) are accepted; esp-3des, esp-des and
// esp-md5-hmac fail citing RFC 8221.
struct EspTransformKeyword {
  std::optional<EncryptionAlgorithm> encryption;
  std::optional<IntegrityAlgorithm> integrity;
};
absl::StatusOr<EspTransformKeyword> EspTransformFromKeyword(
    absl::string_view keyword);

// ---- Suites ----------------------------------------------------------------

// What one IKE SA uses. integrity is kNone exactly when encryption is AEAD.
struct IkeSuite {
  EncryptionAlgorithm encryption = EncryptionAlgorithm::kAesCbc256;
  IntegrityAlgorithm integrity = IntegrityAlgorithm::kHmacSha2_256_128;
  crypto::PrfAlgorithm prf = crypto::PrfAlgorithm::kHmacSha256;
  crypto::KeyExchangeGroup group = crypto::KeyExchangeGroup::kEcp384;

  bool operator==(const IkeSuite& other) const {
    return encryption == other.encryption && integrity == other.integrity &&
           prf == other.prf && group == other.group;
  }
  bool operator!=(const IkeSuite& other) const { return !(*this == other); }
};
// AEAD with integrity, non-AEAD without, or ChaCha20-Poly1305 for IKE.
absl::Status ValidateIkeSuite(const IkeSuite& suite);
// "SHA256/SHA256/20": the "PRF/Hash/DH Group" line ("None" as hash for AEAD).
std::string PrfHashGroupText(const IkeSuite& suite);

// What one Child SA (ESP) uses. pfs_group is the KE transform of a
// CREATE_CHILD_SA with perfect forward secrecy (none in IKE_AUTH).
struct EspSuite {
  EncryptionAlgorithm encryption = EncryptionAlgorithm::kAesCbc256;
  IntegrityAlgorithm integrity = IntegrityAlgorithm::kHmacSha2_256_128;
  std::optional<crypto::KeyExchangeGroup> pfs_group;
  bool extended_sequence_numbers = false;

  bool operator==(const EspSuite& other) const {
    return encryption == other.encryption && integrity == other.integrity &&
           pfs_group == other.pfs_group &&
           extended_sequence_numbers == other.extended_sequence_numbers;
  }
  bool operator!=(const EspSuite& other) const { return !(*this == other); }
};
absl::Status ValidateEspSuite(const EspSuite& suite);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ALGORITHMS_H_
