#include "ike/algorithms.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace cygnet::ike {
namespace {

using crypto::KeyExchangeGroup;
using crypto::PrfAlgorithm;

absl::Status Refused(absl::string_view what, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " refused: ", reason, "; cygnet never negotiates it"));
}

std::string Lower(absl::string_view text) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
}

}  // namespace

// ---- Encryption ------------------------------------------------------------

bool IsAead(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
    case EncryptionAlgorithm::kAesCbc192:
    case EncryptionAlgorithm::kAesCbc256:
      return false;
    case EncryptionAlgorithm::kAesGcm16_128:
    case EncryptionAlgorithm::kAesGcm16_256:
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return true;
  }
  return false;
}

size_t EncryptionKeySize(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
    case EncryptionAlgorithm::kAesGcm16_128:
      return 16;
    case EncryptionAlgorithm::kAesCbc192:
      return 24;
    case EncryptionAlgorithm::kAesCbc256:
    case EncryptionAlgorithm::kAesGcm16_256:
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return 32;
  }
  return 0;
}

size_t EncryptionSaltSize(EncryptionAlgorithm encryption) {
  return IsAead(encryption) ? 4 : 0;
}

size_t EncryptionIvSize(EncryptionAlgorithm encryption) {
  return IsAead(encryption) ? 8 : 16;
}

size_t EncryptionIcvSize(EncryptionAlgorithm encryption) {
  return IsAead(encryption) ? 16 : 0;
}

std::optional<crypto::AeadAlgorithm> EncryptionAead(
    EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesGcm16_128:
      return crypto::AeadAlgorithm::kAesGcm128;
    case EncryptionAlgorithm::kAesGcm16_256:
      return crypto::AeadAlgorithm::kAesGcm256;
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return crypto::AeadAlgorithm::kChaCha20Poly1305;
    default:
      return std::nullopt;
  }
}

wire::EncryptionId EncryptionTransformId(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
    case EncryptionAlgorithm::kAesCbc192:
    case EncryptionAlgorithm::kAesCbc256:
      return wire::EncryptionId::kAesCbc;
    case EncryptionAlgorithm::kAesGcm16_128:
    case EncryptionAlgorithm::kAesGcm16_256:
      return wire::EncryptionId::kAesGcm16;
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return wire::EncryptionId::kChaCha20Poly1305;
  }
  return wire::EncryptionId::kAesCbc;
}

std::optional<uint16_t> EncryptionKeyLengthAttribute(
    EncryptionAlgorithm encryption) {
  if (encryption == EncryptionAlgorithm::kChaCha20Poly1305) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(EncryptionKeySize(encryption) * 8);
}

absl::StatusOr<EncryptionAlgorithm> EncryptionFromTransform(
    SaProtocol protocol, wire::EncryptionId id,
    std::optional<uint16_t> key_length_bits) {
  const bool ike = protocol == SaProtocol::kIke;
  switch (id) {
    case wire::EncryptionId::kDes:
    case wire::EncryptionId::kDesIv64:
    case wire::EncryptionId::kDesIv32:
      return Refused(
          absl::StrCat("encryption ", wire::ToString(id)),
          ike ? "RFC 8247 section 2.1 says ENCR_DES MUST NOT be implemented"
              : "RFC 8221 section 5 says ENCR_DES MUST NOT be implemented");
    case wire::EncryptionId::k3Des:
      return Refused(
          absl::StrCat("encryption ", wire::ToString(id)),
          ike ? "RFC 8247 section 2.1 demotes ENCR_3DES to MAY and expects "
                "its deprecation (64-bit block)"
              : "RFC 8221 section 5 says ENCR_3DES SHOULD NOT be used for ESP "
                "(and RFC 8247 section 2.1 only allows it as MAY for IKE)");
    case wire::EncryptionId::kAesCbc:
    case wire::EncryptionId::kAesGcm16: {
      const bool gcm = id == wire::EncryptionId::kAesGcm16;
      if (!key_length_bits.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("encryption ", wire::ToString(id),
                         ": Key Length attribute missing (required for AES)"));
      }
      switch (*key_length_bits) {
        case 128:
          return gcm ? EncryptionAlgorithm::kAesGcm16_128
                     : EncryptionAlgorithm::kAesCbc128;
        case 192:
          if (!gcm) return EncryptionAlgorithm::kAesCbc192;
          break;
        case 256:
          return gcm ? EncryptionAlgorithm::kAesGcm16_256
                     : EncryptionAlgorithm::kAesCbc256;
        default:
          break;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "encryption ", wire::ToString(id), ": unsupported Key Length ",
          *key_length_bits,
          gcm ? " (supported: 128, 256)" : " (supported: 128, 192, 256)"));
    }
    case wire::EncryptionId::kChaCha20Poly1305:
      if (ike) {
        return absl::InvalidArgumentError(
            "encryption ENCR_CHACHA20_POLY1305: not supported for IKE SAs "
            "(ESP only)");
      }
      if (key_length_bits.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "encryption ENCR_CHACHA20_POLY1305: unexpected Key Length "
            "attribute ",
            *key_length_bits, " (RFC 7634 forbids it)"));
      }
      return EncryptionAlgorithm::kChaCha20Poly1305;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("encryption transform ", static_cast<uint16_t>(id), " (",
                       wire::ToString(id), ") not supported"));
  }
}

absl::string_view EncryptionFamilyName(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
    case EncryptionAlgorithm::kAesCbc192:
    case EncryptionAlgorithm::kAesCbc256:
      return "AES-CBC";
    case EncryptionAlgorithm::kAesGcm16_128:
    case EncryptionAlgorithm::kAesGcm16_256:
      return "AES-GCM";
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return "CHACHA20-POLY1305";
  }
  return "?";
}

int EncryptionKeySizeBits(EncryptionAlgorithm encryption) {
  return static_cast<int>(EncryptionKeySize(encryption) * 8);
}

std::string IkeEncryptionKeysizeText(EncryptionAlgorithm encryption) {
  return absl::StrCat(EncryptionFamilyName(encryption), "/",
                      EncryptionKeySizeBits(encryption));
}

absl::string_view EspEncryptionShowName(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
      return "ESP_128_AES";
    case EncryptionAlgorithm::kAesCbc192:
      return "ESP_192_AES";
    case EncryptionAlgorithm::kAesCbc256:
      return "ESP_256_AES";
    case EncryptionAlgorithm::kAesGcm16_128:
      return "ESP_GCM_128";
    case EncryptionAlgorithm::kAesGcm16_256:
      return "ESP_GCM_256";
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return "ESP_CHACHA20_POLY1305";
  }
  return "?";
}

absl::string_view IkeEncryptionKeyword(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
      return "aes-cbc-128";
    case EncryptionAlgorithm::kAesCbc192:
      return "aes-cbc-192";
    case EncryptionAlgorithm::kAesCbc256:
      return "aes-cbc-256";
    case EncryptionAlgorithm::kAesGcm16_128:
      return "aes-gcm-128";
    case EncryptionAlgorithm::kAesGcm16_256:
      return "aes-gcm-256";
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return "chacha20-poly1305";
  }
  return "?";
}

absl::StatusOr<EncryptionAlgorithm> IkeEncryptionFromKeyword(
    absl::string_view keyword) {
  const std::string k = Lower(keyword);
  if (k == "aes-cbc-128") return EncryptionAlgorithm::kAesCbc128;
  if (k == "aes-cbc-192") return EncryptionAlgorithm::kAesCbc192;
  if (k == "aes-cbc-256") return EncryptionAlgorithm::kAesCbc256;
  if (k == "aes-gcm-128") return EncryptionAlgorithm::kAesGcm16_128;
  if (k == "aes-gcm-256") return EncryptionAlgorithm::kAesGcm16_256;
  if (k == "3des") {
    return Refused("encryption 3des",
                   "RFC 8247 section 2.1 demotes ENCR_3DES to MAY and expects "
                   "its deprecation (64-bit block)");
  }
  if (k == "des") {
    return Refused("encryption des",
                   "RFC 8247 section 2.1 says ENCR_DES MUST NOT be "
                   "implemented");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "encryption \"", keyword,
      "\" unknown (expected aes-cbc-128, aes-cbc-192, aes-cbc-256, "
      "aes-gcm-128 or aes-gcm-256)"));
}

// ---- Integrity -------------------------------------------------------------

size_t IntegrityKeySize(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return 0;
    case IntegrityAlgorithm::kHmacSha1_96:
      return 20;
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return 32;
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return 48;
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return 64;
  }
  return 0;
}

size_t IntegrityIcvSize(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return 0;
    case IntegrityAlgorithm::kHmacSha1_96:
      return 12;
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return 16;
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return 24;
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return 32;
  }
  return 0;
}

crypto::HashAlgorithm IntegrityHash(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kHmacSha1_96:
      return crypto::HashAlgorithm::kSha1;
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return crypto::HashAlgorithm::kSha384;
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return crypto::HashAlgorithm::kSha512;
    case IntegrityAlgorithm::kNone:
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return crypto::HashAlgorithm::kSha256;
  }
  return crypto::HashAlgorithm::kSha256;
}

wire::IntegrityId IntegrityTransformId(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return wire::IntegrityId::kNone;
    case IntegrityAlgorithm::kHmacSha1_96:
      return wire::IntegrityId::kHmacSha1_96;
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return wire::IntegrityId::kHmacSha2_256_128;
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return wire::IntegrityId::kHmacSha2_384_192;
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return wire::IntegrityId::kHmacSha2_512_256;
  }
  return wire::IntegrityId::kNone;
}

absl::StatusOr<IntegrityAlgorithm> IntegrityFromTransform(
    SaProtocol protocol, wire::IntegrityId id) {
  switch (id) {
    case wire::IntegrityId::kNone:
      return IntegrityAlgorithm::kNone;
    case wire::IntegrityId::kHmacSha1_96:
      return IntegrityAlgorithm::kHmacSha1_96;
    case wire::IntegrityId::kHmacSha2_256_128:
      return IntegrityAlgorithm::kHmacSha2_256_128;
    case wire::IntegrityId::kHmacSha2_384_192:
      return IntegrityAlgorithm::kHmacSha2_384_192;
    case wire::IntegrityId::kHmacSha2_512_256:
      return IntegrityAlgorithm::kHmacSha2_512_256;
    case wire::IntegrityId::kHmacMd5_96:
    case wire::IntegrityId::kDesMac:
    case wire::IntegrityId::kKpdkMd5:
      return Refused(
          absl::StrCat("integrity ", wire::ToString(id)),
          protocol == SaProtocol::kIke
              ? absl::StrCat("RFC 8247 section 2.3 says ", wire::ToString(id),
                             " MUST NOT be implemented")
              : absl::StrCat("RFC 8221 section 6 says ", wire::ToString(id),
                             " MUST NOT be implemented"));
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("integrity transform ", static_cast<uint16_t>(id), " (",
                       wire::ToString(id), ") not supported"));
  }
}

absl::string_view IntegrityName(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return "None";
    case IntegrityAlgorithm::kHmacSha1_96:
      return "SHA1";
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return "SHA256";
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return "SHA384";
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return "SHA512";
  }
  return "?";
}

absl::string_view EspIntegrityShowName(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return "None";
    case IntegrityAlgorithm::kHmacSha1_96:
      return "HMAC_SHA1";
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return "HMAC_SHA_256";
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return "HMAC_SHA_384";
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return "HMAC_SHA_512";
  }
  return "?";
}

namespace {

// The hash keywords shared by `integrity` and `prf`; -1 when unknown, 0 for
// md5.
int HashKeywordBits(absl::string_view keyword) {
  const std::string k = Lower(keyword);
  if (k == "sha1" || k == "sha-1" || k == "sha") return 1;
  if (k == "sha256" || k == "sha-256") return 256;
  if (k == "sha384" || k == "sha-384") return 384;
  if (k == "sha512" || k == "sha-512") return 512;
  if (k == "md5") return 0;
  return -1;
}

}  // namespace

absl::StatusOr<IntegrityAlgorithm> IkeIntegrityFromKeyword(
    absl::string_view keyword) {
  switch (HashKeywordBits(keyword)) {
    case 1:
      return IntegrityAlgorithm::kHmacSha1_96;
    case 256:
      return IntegrityAlgorithm::kHmacSha2_256_128;
    case 384:
      return IntegrityAlgorithm::kHmacSha2_384_192;
    case 512:
      return IntegrityAlgorithm::kHmacSha2_512_256;
    case 0:
      return Refused("integrity md5",
                     "RFC 8247 section 2.3 says AUTH_HMAC_MD5_96 MUST NOT be "
                     "implemented");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("integrity \"", keyword,
                       "\" unknown (expected sha1, sha256, sha384 or sha512)"));
  }
}

// ---- PRF -------------------------------------------------------------------

wire::PrfId PrfTransformId(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kHmacSha1:
      return wire::PrfId::kHmacSha1;
    case PrfAlgorithm::kHmacSha256:
      return wire::PrfId::kHmacSha2_256;
    case PrfAlgorithm::kHmacSha384:
      return wire::PrfId::kHmacSha2_384;
    case PrfAlgorithm::kHmacSha512:
      return wire::PrfId::kHmacSha2_512;
  }
  return wire::PrfId::kHmacSha2_256;
}

absl::StatusOr<PrfAlgorithm> PrfFromTransform(wire::PrfId id) {
  switch (id) {
    case wire::PrfId::kHmacSha1:
      return PrfAlgorithm::kHmacSha1;
    case wire::PrfId::kHmacSha2_256:
      return PrfAlgorithm::kHmacSha256;
    case wire::PrfId::kHmacSha2_384:
      return PrfAlgorithm::kHmacSha384;
    case wire::PrfId::kHmacSha2_512:
      return PrfAlgorithm::kHmacSha512;
    case wire::PrfId::kHmacMd5:
      return Refused("prf PRF_HMAC_MD5",
                     "RFC 8247 section 2.2 says PRF_HMAC_MD5 MUST NOT be "
                     "implemented");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("prf transform ", static_cast<uint16_t>(id), " (",
                       wire::ToString(id), ") not supported"));
  }
}

absl::string_view PrfName(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kHmacSha1:
      return "SHA1";
    case PrfAlgorithm::kHmacSha256:
      return "SHA256";
    case PrfAlgorithm::kHmacSha384:
      return "SHA384";
    case PrfAlgorithm::kHmacSha512:
      return "SHA512";
  }
  return "?";
}

absl::StatusOr<PrfAlgorithm> PrfFromKeyword(absl::string_view keyword) {
  switch (HashKeywordBits(keyword)) {
    case 1:
      return PrfAlgorithm::kHmacSha1;
    case 256:
      return PrfAlgorithm::kHmacSha256;
    case 384:
      return PrfAlgorithm::kHmacSha384;
    case 512:
      return PrfAlgorithm::kHmacSha512;
    case 0:
      return Refused("prf md5",
                     "RFC 8247 section 2.2 says PRF_HMAC_MD5 MUST NOT be "
                     "implemented");
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("prf \"", keyword,
                       "\" unknown (expected sha1, sha256, sha384 or sha512)"));
  }
}

// ---- Key exchange ----------------------------------------------------------

absl::StatusOr<KeyExchangeGroup> GroupFromNumber(uint16_t number) {
  switch (number) {
    case 14:
      return KeyExchangeGroup::kModp2048;
    case 19:
      return KeyExchangeGroup::kEcp256;
    case 20:
      return KeyExchangeGroup::kEcp384;
    case 21:
      return KeyExchangeGroup::kEcp521;
    case 31:
      return KeyExchangeGroup::kCurve25519;
    case 1:
      return Refused("group 1",
                     "RFC 8247 section 2.4 says the 768-bit MODP group MUST "
                     "NOT be used");
    case 2:
      return Refused("group 2",
                     "RFC 8247 section 2.4 rules out the 1024-bit MODP group "
                     "(downgraded to SHOULD NOT: known to be weak)");
    case 5:
      return Refused("group 5",
                     "RFC 8247 section 2.4 rules out the 1536-bit MODP group "
                     "(downgraded to SHOULD NOT: security margin too narrow)");
    case 22:
    case 23:
    case 24:
      return Refused(absl::StrCat("group ", number),
                     "RFC 8247 section 2.4 says the RFC 5114 MODP groups "
                     "with small subgroups SHOULD NOT be used");
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "group ", number, " not supported (supported: 14, 19, 20, 21, 31)"));
  }
}

absl::StatusOr<KeyExchangeGroup> GroupFromKeyword(absl::string_view keyword) {
  std::string k = Lower(keyword);
  absl::string_view rest = k;
  absl::ConsumePrefix(&rest, "group");
  rest = absl::StripLeadingAsciiWhitespace(rest);
  uint32_t number = 0;
  if (rest.empty() || !absl::SimpleAtoi(rest, &number) || number > 0xffff) {
    return absl::InvalidArgumentError(absl::StrCat(
        "group \"", keyword, "\" is not a group number (e.g. 20 or group20)"));
  }
  return GroupFromNumber(static_cast<uint16_t>(number));
}

// ---- ESP transform-set keywords --------------------------------------------

absl::StatusOr<EspTransformKeyword> EspTransformFromKeyword(
    absl::string_view keyword) {
  const std::string k = Lower(keyword);
  EspTransformKeyword out;
  if (k == "esp-128-aes" || k == "esp-aes" || k == "esp-aes-128") {
    out.encryption = EncryptionAlgorithm::kAesCbc128;
  } else if (k == "esp-192-aes" || k == "esp-aes-192") {
    out.encryption = EncryptionAlgorithm::kAesCbc192;
  } else if (k == "esp-256-aes" || k == "esp-aes-256") {
    out.encryption = EncryptionAlgorithm::kAesCbc256;
  } else if (k == "esp-gcm" || k == "esp-gcm-128" || k == "esp-128-gcm") {
    out.encryption = EncryptionAlgorithm::kAesGcm16_128;
  } else if (k == "esp-gcm-256" || k == "esp-256-gcm") {
    out.encryption = EncryptionAlgorithm::kAesGcm16_256;
  } else if (k == "esp-chacha20-poly1305") {
    out.encryption = EncryptionAlgorithm::kChaCha20Poly1305;
  } else if (k == "esp-hmac-sha1" || k == "esp-hmac-sha-1" ||
             k == "esp-sha-hmac") {
    out.integrity = IntegrityAlgorithm::kHmacSha1_96;
  } else if (k == "esp-hmac-sha-256" || k == "esp-hmac-sha256" ||
             k == "esp-sha256-hmac") {
    out.integrity = IntegrityAlgorithm::kHmacSha2_256_128;
  } else if (k == "esp-hmac-sha-384" || k == "esp-hmac-sha384" ||
             k == "esp-sha384-hmac") {
    out.integrity = IntegrityAlgorithm::kHmacSha2_384_192;
  } else if (k == "esp-hmac-sha-512" || k == "esp-hmac-sha512" ||
             k == "esp-sha512-hmac") {
    out.integrity = IntegrityAlgorithm::kHmacSha2_512_256;
  } else if (k == "esp-3des") {
    return Refused("esp-3des",
                   "RFC 8221 section 5 says ENCR_3DES SHOULD NOT be used for "
                   "ESP (and RFC 8247 section 2.1 only allows it as MAY for "
                   "IKE)");
  } else if (k == "esp-des") {
    return Refused("esp-des",
                   "RFC 8221 section 5 (and RFC 8247 section 2.1 for IKE) say "
                   "ENCR_DES MUST NOT be implemented");
  } else if (k == "esp-md5-hmac" || k == "esp-hmac-md5") {
    return Refused(k,
                   "RFC 8221 section 6 (and RFC 8247 section 2.3 for IKE) say "
                   "AUTH_HMAC_MD5_96 MUST NOT be implemented");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("ESP transform \"", keyword, "\" unknown"));
  }
  return out;
}

// ---- Suites ----------------------------------------------------------------

absl::Status ValidateIkeSuite(const IkeSuite& suite) {
  if (suite.encryption == EncryptionAlgorithm::kChaCha20Poly1305) {
    return absl::InvalidArgumentError(
        "IKE suite: encryption CHACHA20-POLY1305 is offered for ESP only");
  }
  if (IsAead(suite.encryption) &&
      suite.integrity != IntegrityAlgorithm::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "IKE suite: AEAD encryption ", IkeEncryptionKeyword(suite.encryption),
        " must not have integrity ", IntegrityName(suite.integrity)));
  }
  if (!IsAead(suite.encryption) &&
      suite.integrity == IntegrityAlgorithm::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "IKE suite: encryption ", IkeEncryptionKeyword(suite.encryption),
        " needs an integrity algorithm"));
  }
  return absl::OkStatus();
}

std::string PrfHashGroupText(const IkeSuite& suite) {
  return absl::StrCat(PrfName(suite.prf), "/", IntegrityName(suite.integrity),
                      "/", GroupNumber(suite.group));
}

absl::Status ValidateEspSuite(const EspSuite& suite) {
  if (IsAead(suite.encryption) &&
      suite.integrity != IntegrityAlgorithm::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ESP suite: AEAD encryption ", EspEncryptionShowName(suite.encryption),
        " must not have integrity ", IntegrityName(suite.integrity)));
  }
  if (!IsAead(suite.encryption) &&
      suite.integrity == IntegrityAlgorithm::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ESP suite: encryption ", EspEncryptionShowName(suite.encryption),
        " needs an integrity algorithm"));
  }
  return absl::OkStatus();
}

}  // namespace cygnet::ike
