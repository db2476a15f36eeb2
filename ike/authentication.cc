#include "ike/authentication.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "crypto/constant_time.h"
#include "crypto/hex.h"

namespace cygnet::ike {
namespace {

using crypto::KeyType;
using crypto::SignatureScheme;

using Bytes = std::vector<uint8_t>;

// RFC 7296 2.15: the 17 ASCII octets, no terminating NUL.
constexpr absl::string_view kKeyPad = "Key Pad for IKEv2";

// ---- A minimal DER writer for the fixed AlgorithmIdentifiers --------------
// Every structure here is shorter than 128 octets: short-form lengths only.

Bytes Tlv(uint8_t tag, absl::Span<const uint8_t> content) {
  Bytes out = {tag, static_cast<uint8_t>(content.size())};
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

constexpr uint8_t kSequence = 0x30;
constexpr uint8_t kOid = 0x06;
constexpr uint8_t kInteger = 0x02;
constexpr uint8_t kNull[] = {0x05, 0x00};

// OID contents.
constexpr uint8_t kRsaSha256[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x0b};
constexpr uint8_t kRsaSha384[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x0c};
constexpr uint8_t kRsaSha512[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x0d};
constexpr uint8_t kRsassaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                  0x0d, 0x01, 0x01, 0x0a};
constexpr uint8_t kMgf1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                             0x0d, 0x01, 0x01, 0x08};
constexpr uint8_t kSha256[] = {0x60, 0x86, 0x48, 0x01, 0x65,
                               0x03, 0x04, 0x02, 0x01};
constexpr uint8_t kSha384[] = {0x60, 0x86, 0x48, 0x01, 0x65,
                               0x03, 0x04, 0x02, 0x02};
constexpr uint8_t kSha512[] = {0x60, 0x86, 0x48, 0x01, 0x65,
                               0x03, 0x04, 0x02, 0x03};
constexpr uint8_t kEcdsaSha256[] = {0x2a, 0x86, 0x48, 0xce,
                                    0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kEcdsaSha384[] = {0x2a, 0x86, 0x48, 0xce,
                                    0x3d, 0x04, 0x03, 0x03};
constexpr uint8_t kEcdsaSha512[] = {0x2a, 0x86, 0x48, 0xce,
                                    0x3d, 0x04, 0x03, 0x04};

// AlgorithmIdentifier { oid, NULL } or { oid }.
Bytes AlgorithmId(absl::Span<const uint8_t> oid, bool null_parameters) {
  return Tlv(kSequence, null_parameters
                            ? Cat({Tlv(kOid, oid),
                                   Bytes(std::begin(kNull), std::end(kNull))})
                            : Tlv(kOid, oid));
}

// RSASSA-PSS-params (RFC 4055 section 3.1) with the hash and MGF1 hash both
// `hash_oid`, saltLength = the digest length, default trailerField.
Bytes PssAlgorithmId(absl::Span<const uint8_t> hash_oid, uint8_t salt_length,
                     bool null_in_hash, bool null_in_mgf_hash) {
  Bytes hash_algorithm = Tlv(0xa0, AlgorithmId(hash_oid, null_in_hash));
  Bytes mask_gen =
      Tlv(0xa1, Tlv(kSequence, Cat({Tlv(kOid, kMgf1),
                                    AlgorithmId(hash_oid, null_in_mgf_hash)})));
  const uint8_t salt_octets[] = {salt_length};
  Bytes salt = Tlv(0xa2, Tlv(kInteger, salt_octets));
  return Tlv(kSequence,
             Cat({Tlv(kOid, kRsassaPss),
                  Tlv(kSequence, Cat({hash_algorithm, mask_gen, salt}))}));
}

struct SchemeInfo {
  SignatureScheme scheme;
  absl::Span<const uint8_t> oid;  // signature OID, or the PSS hash OID
  uint8_t digest_length;          // PSS salt length
  bool pss;
  bool ecdsa;
};

const SchemeInfo kMethod14Schemes[] = {
    {SignatureScheme::kRsaPkcs1Sha256, kRsaSha256, 32, false, false},
    {SignatureScheme::kRsaPkcs1Sha384, kRsaSha384, 48, false, false},
    {SignatureScheme::kRsaPkcs1Sha512, kRsaSha512, 64, false, false},
    {SignatureScheme::kRsaPssSha256, kSha256, 32, true, false},
    {SignatureScheme::kRsaPssSha384, kSha384, 48, true, false},
    {SignatureScheme::kRsaPssSha512, kSha512, 64, true, false},
    {SignatureScheme::kEcdsaSha256, kEcdsaSha256, 32, false, true},
    {SignatureScheme::kEcdsaSha384, kEcdsaSha384, 48, false, true},
    {SignatureScheme::kEcdsaSha512, kEcdsaSha512, 64, false, true},
};

const SchemeInfo* Method14Info(SignatureScheme scheme) {
  for (const SchemeInfo& info : kMethod14Schemes) {
    if (info.scheme == scheme) return &info;
  }
  return nullptr;
}

// Every encoding accepted for `info`; the first is the one we send.
std::vector<Bytes> AcceptedEncodings(const SchemeInfo& info) {
  if (info.ecdsa) return {AlgorithmId(info.oid, false)};
  if (!info.pss) {
    // RFC 4055 section 5: parameters NULL; implementations accept absent.
    return {AlgorithmId(info.oid, true), AlgorithmId(info.oid, false)};
  }
  // RFC 4055 section 2.1: SHA-2 AlgorithmIdentifier parameters NULL or
  // absent, in the hash and in the MGF1 hash independently.
  return {PssAlgorithmId(info.oid, info.digest_length, true, true),
          PssAlgorithmId(info.oid, info.digest_length, false, false),
          PssAlgorithmId(info.oid, info.digest_length, true, false),
          PssAlgorithmId(info.oid, info.digest_length, false, true)};
}

absl::string_view SchemeName(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1:
      return "RSA PKCS#1 v1.5 SHA-1";
    case SignatureScheme::kRsaPkcs1Sha256:
      return "RSA PKCS#1 v1.5 SHA-256";
    case SignatureScheme::kRsaPkcs1Sha384:
      return "RSA PKCS#1 v1.5 SHA-384";
    case SignatureScheme::kRsaPkcs1Sha512:
      return "RSA PKCS#1 v1.5 SHA-512";
    case SignatureScheme::kRsaPssSha256:
      return "RSA-PSS SHA-256";
    case SignatureScheme::kRsaPssSha384:
      return "RSA-PSS SHA-384";
    case SignatureScheme::kRsaPssSha512:
      return "RSA-PSS SHA-512";
    case SignatureScheme::kEcdsaSha256:
      return "ECDSA SHA-256";
    case SignatureScheme::kEcdsaSha384:
      return "ECDSA SHA-384";
    case SignatureScheme::kEcdsaSha512:
      return "ECDSA SHA-512";
  }
  return "?";
}

absl::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcdsaP256:
      return "ECDSA P-256";
    case KeyType::kEcdsaP384:
      return "ECDSA P-384";
    case KeyType::kEcdsaP521:
      return "ECDSA P-521";
  }
  return "?";
}

bool IsEcdsaScheme(SignatureScheme scheme) {
  return scheme == SignatureScheme::kEcdsaSha256 ||
         scheme == SignatureScheme::kEcdsaSha384 ||
         scheme == SignatureScheme::kEcdsaSha512;
}

std::string ShortHex(absl::Span<const uint8_t> bytes) {
  if (bytes.size() <= 32) return crypto::HexEncode(bytes);
  return absl::StrCat(crypto::HexEncode(bytes.subspan(0, 32)), "...");
}

std::string LowerString(absl::Span<const uint8_t> data) {
  return absl::AsciiStrToLower(absl::string_view(
      reinterpret_cast<const char*>(data.data()), data.size()));
}

}  // namespace

// ---- Signed octets
// -----------------------------------------------------------

std::vector<uint8_t> IdPayloadBody(wire::IdType type,
                                   absl::Span<const uint8_t> data) {
  Bytes body = {static_cast<uint8_t>(type), 0, 0, 0};
  body.insert(body.end(), data.begin(), data.end());
  return body;
}

std::vector<uint8_t> BuildSignedOctets(
    crypto::PrfAlgorithm prf, absl::Span<const uint8_t> message,
    absl::Span<const uint8_t> peer_nonce, const crypto::SecretBytes& sk_p,
    absl::Span<const uint8_t> id_payload_body) {
  crypto::SecretBytes maced_id = crypto::Prf(prf, sk_p.span(), id_payload_body);
  Bytes out;
  out.reserve(message.size() + peer_nonce.size() + maced_id.size());
  out.insert(out.end(), message.begin(), message.end());
  out.insert(out.end(), peer_nonce.begin(), peer_nonce.end());
  out.insert(out.end(), maced_id.data(), maced_id.data() + maced_id.size());
  return out;
}

// ---- PSK
// ---------------------------------------------------------------------

absl::StatusOr<std::vector<uint8_t>> ComputeSharedKeyAuth(
    crypto::PrfAlgorithm prf, const crypto::SecretBytes& shared_secret,
    absl::Span<const uint8_t> signed_octets) {
  if (shared_secret.empty()) {
    return absl::InvalidArgumentError("AUTH: the pre-shared key is empty");
  }
  const crypto::SecretBytes pad_key = crypto::Prf(
      prf, shared_secret.span(),
      {reinterpret_cast<const uint8_t*>(kKeyPad.data()), kKeyPad.size()});
  crypto::SecretBytes auth = crypto::Prf(prf, pad_key.span(), signed_octets);
  return Bytes(auth.data(), auth.data() + auth.size());
}

absl::Status VerifySharedKeyAuth(crypto::PrfAlgorithm prf,
                                 const crypto::SecretBytes& shared_secret,
                                 absl::Span<const uint8_t> signed_octets,
                                 absl::Span<const uint8_t> received_auth) {
  absl::StatusOr<Bytes> expected =
      ComputeSharedKeyAuth(prf, shared_secret, signed_octets);
  if (!expected.ok()) return expected.status();
  if (!crypto::ConstantTimeEquals(*expected, received_auth)) {
    return absl::UnauthenticatedError(absl::StrCat(
        "AUTH: shared key message integrity code does not verify (",
        received_auth.size(),
        " octets received; wrong pre-shared key or "
        "altered IKE_SA_INIT message)"));
  }
  return absl::OkStatus();
}

// ---- Signatures
// --------------------------------------------------------------

absl::Status CheckSignatureMethod(wire::AuthMethod method,
                                  SignatureScheme scheme, KeyType key_type) {
  auto mismatch = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AUTH method ", wire::ToString(method), " with ", SchemeName(scheme),
        " and a ", KeyTypeName(key_type), " key: ", why));
  };
  switch (method) {
    case wire::AuthMethod::kRsaDigitalSignature:
      if (scheme != SignatureScheme::kRsaPkcs1Sha1) {
        return mismatch("method 1 is RSA PKCS#1 v1.5 with SHA-1");
      }
      if (key_type != KeyType::kRsa) return mismatch("method 1 needs RSA");
      return absl::OkStatus();
    case wire::AuthMethod::kEcdsaSha256P256:
      if (scheme != SignatureScheme::kEcdsaSha256 ||
          key_type != KeyType::kEcdsaP256) {
        return mismatch("method 9 is ECDSA P-256 with SHA-256");
      }
      return absl::OkStatus();
    case wire::AuthMethod::kEcdsaSha384P384:
      if (scheme != SignatureScheme::kEcdsaSha384 ||
          key_type != KeyType::kEcdsaP384) {
        return mismatch("method 10 is ECDSA P-384 with SHA-384");
      }
      return absl::OkStatus();
    case wire::AuthMethod::kEcdsaSha512P521:
      if (scheme != SignatureScheme::kEcdsaSha512 ||
          key_type != KeyType::kEcdsaP521) {
        return mismatch("method 11 is ECDSA P-521 with SHA-512");
      }
      return absl::OkStatus();
    case wire::AuthMethod::kDigitalSignature: {
      if (Method14Info(scheme) == nullptr) {
        return mismatch("method 14 is SHA-2 only here");
      }
      const bool ec_key = key_type != KeyType::kRsa;
      if (ec_key != IsEcdsaScheme(scheme)) {
        return mismatch("the scheme does not fit the key");
      }
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("AUTH method ", wire::ToString(method),
                       " is not a signature method"));
  }
}

absl::StatusOr<std::vector<uint8_t>> SignatureAlgorithmIdentifier(
    SignatureScheme scheme) {
  const SchemeInfo* info = Method14Info(scheme);
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no RFC 7427 AlgorithmIdentifier for ", SchemeName(scheme),
                     " (SHA-2 schemes only)"));
  }
  return AcceptedEncodings(*info).front();
}

absl::StatusOr<SignatureScheme> ParseSignatureAlgorithmIdentifier(
    absl::Span<const uint8_t> der) {
  for (const SchemeInfo& info : kMethod14Schemes) {
    for (const Bytes& encoding : AcceptedEncodings(info)) {
      if (encoding.size() == der.size() &&
          std::equal(encoding.begin(), encoding.end(), der.begin())) {
        return info.scheme;
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "AUTH: unsupported or malformed signature AlgorithmIdentifier (",
      der.size(), " octets: ", ShortHex(der), ")"));
}

absl::StatusOr<std::vector<uint8_t>> ComputeSignatureAuth(
    wire::AuthMethod method, SignatureScheme scheme,
    const crypto::PrivateKey& key, absl::Span<const uint8_t> signed_octets) {
  if (absl::Status s = CheckSignatureMethod(method, scheme, key.type());
      !s.ok()) {
    return s;
  }
  const bool p1363 = method != wire::AuthMethod::kDigitalSignature;
  absl::StatusOr<Bytes> signature = key.Sign(
      scheme, signed_octets,
      p1363 ? crypto::EcdsaEncoding::kP1363 : crypto::EcdsaEncoding::kDer);
  if (!signature.ok()) return signature.status();
  if (method != wire::AuthMethod::kDigitalSignature) return signature;
  absl::StatusOr<Bytes> algorithm = SignatureAlgorithmIdentifier(scheme);
  if (!algorithm.ok()) return algorithm.status();
  Bytes out = {static_cast<uint8_t>(algorithm->size())};
  out.insert(out.end(), algorithm->begin(), algorithm->end());
  out.insert(out.end(), signature->begin(), signature->end());
  return out;
}

absl::Status VerifySignatureAuth(wire::AuthMethod method,
                                 absl::Span<const uint8_t> auth_data,
                                 const crypto::PublicKey& key,
                                 absl::Span<const uint8_t> signed_octets,
                                 absl::Span<const SignatureScheme> acceptable) {
  SignatureScheme scheme;
  absl::Span<const uint8_t> signature = auth_data;
  switch (method) {
    case wire::AuthMethod::kRsaDigitalSignature:
      scheme = SignatureScheme::kRsaPkcs1Sha1;
      break;
    case wire::AuthMethod::kEcdsaSha256P256:
      scheme = SignatureScheme::kEcdsaSha256;
      break;
    case wire::AuthMethod::kEcdsaSha384P384:
      scheme = SignatureScheme::kEcdsaSha384;
      break;
    case wire::AuthMethod::kEcdsaSha512P521:
      scheme = SignatureScheme::kEcdsaSha512;
      break;
    case wire::AuthMethod::kDigitalSignature: {
      if (auth_data.empty()) {
        return absl::InvalidArgumentError(
            "AUTH method 14: Authentication Data is empty");
      }
      const size_t length = auth_data[0];
      if (length == 0 || 1 + length >= auth_data.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "AUTH method 14: AlgorithmIdentifier length ", length,
            " leaves no signature in ", auth_data.size(), " octets"));
      }
      absl::StatusOr<SignatureScheme> parsed =
          ParseSignatureAlgorithmIdentifier(auth_data.subspan(1, length));
      if (!parsed.ok()) return parsed.status();
      scheme = *parsed;
      signature = auth_data.subspan(1 + length);
      if (!acceptable.empty() && std::find(acceptable.begin(), acceptable.end(),
                                           scheme) == acceptable.end()) {
        return absl::UnauthenticatedError(absl::StrCat(
            "AUTH method 14: peer signed with ", SchemeName(scheme),
            ", which local policy does not accept"));
      }
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("AUTH method ", wire::ToString(method),
                       " is not a signature method"));
  }
  if (absl::Status s = CheckSignatureMethod(method, scheme, key.type());
      !s.ok()) {
    return absl::UnauthenticatedError(s.message());
  }
  if (signature.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "AUTH method ", wire::ToString(method), ": signature is empty"));
  }
  const bool p1363 = method != wire::AuthMethod::kDigitalSignature;
  absl::Status verified = key.Verify(
      scheme, signed_octets, signature,
      p1363 ? crypto::EcdsaEncoding::kP1363 : crypto::EcdsaEncoding::kDer);
  if (!verified.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "AUTH method ", wire::ToString(method), " (", SchemeName(scheme),
        "): signature does not verify with the peer certificate's key"));
  }
  return absl::OkStatus();
}

// ---- Certificates and identities
// -----------------------------------------------

absl::Status CheckIdentityMatchesCertificate(
    const crypto::Certificate& cert, wire::IdType id_type,
    absl::Span<const uint8_t> id_data) {
  const std::string subject = cert.subject();
  switch (id_type) {
    case wire::IdType::kFqdn: {
      const std::string fqdn = LowerString(id_data);
      std::vector<std::string> names = cert.dns_names();
      for (const std::string& name : names) {
        if (absl::AsciiStrToLower(name) == fqdn) return absl::OkStatus();
      }
      return absl::UnauthenticatedError(absl::StrCat(
          "identity mismatch: ID_FQDN \"", fqdn,
          "\" is not a DNS name of the certificate of ", subject,
          " (DNS: ", names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
    }
    case wire::IdType::kRfc822Address: {
      const std::string email = LowerString(id_data);
      std::vector<std::string> emails = cert.email_addresses();
      for (const std::string& e : emails) {
        if (absl::AsciiStrToLower(e) == email) return absl::OkStatus();
      }
      return absl::UnauthenticatedError(absl::StrCat(
          "identity mismatch: ID_RFC822_ADDR \"", email,
          "\" is not an email address of the certificate of ", subject,
          " (email: ", emails.empty() ? "none" : absl::StrJoin(emails, ", "),
          ")"));
    }
    case wire::IdType::kIpv4Address:
    case wire::IdType::kIpv6Address: {
      const size_t want = id_type == wire::IdType::kIpv4Address ? 4 : 16;
      if (id_data.size() != want) {
        return absl::InvalidArgumentError(
            absl::StrCat(wire::ToString(id_type), ": ", id_data.size(),
                         " octets of address, expected ", want));
      }
      for (const Bytes& ip : cert.ip_addresses()) {
        if (ip.size() == id_data.size() &&
            std::equal(ip.begin(), ip.end(), id_data.begin())) {
          return absl::OkStatus();
        }
      }
      return absl::UnauthenticatedError(absl::StrCat(
          "identity mismatch: ", wire::ToString(id_type), " ",
          crypto::HexEncode(id_data),
          " is not an IP address of the certificate of ", subject, " (",
          cert.ip_addresses().size(), " IP addresses in its SAN)"));
    }
    case wire::IdType::kDerAsn1Dn: {
      const Bytes subject_der = cert.subject_der();
      if (subject_der.size() == id_data.size() &&
          std::equal(subject_der.begin(), subject_der.end(), id_data.begin())) {
        return absl::OkStatus();
      }
      return absl::UnauthenticatedError(
          absl::StrCat("identity mismatch: ID_DER_ASN1_DN (", id_data.size(),
                       " octets) is not the certificate subject ", subject));
    }
    default:
      return absl::UnauthenticatedError(
          absl::StrCat("identity mismatch: ", wire::ToString(id_type),
                       " cannot be bound to a certificate"));
  }
}

absl::Status VerifyPeerCertificate(
    const crypto::Certificate& leaf,
    absl::Span<const crypto::Certificate> intermediates,
    absl::Span<const crypto::Certificate> trust_anchors, absl::Time now,
    absl::Span<const crypto::Crl> crls, wire::IdType id_type,
    absl::Span<const uint8_t> id_data) {
  absl::Status chain = crypto::VerifyCertificateChain(leaf, intermediates,
                                                      trust_anchors, now, crls);
  if (!chain.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(
        "peer certificate ", leaf.subject(), ": ", chain.message()));
  }
  return CheckIdentityMatchesCertificate(leaf, id_type, id_data);
}

// ---- SIGNATURE_HASH_ALGORITHMS
// -------------------------------------------------

std::vector<wire::SignatureHashAlgorithm> SupportedSignatureHashAlgorithms() {
  return {wire::SignatureHashAlgorithm::kSha2_256,
          wire::SignatureHashAlgorithm::kSha2_384,
          wire::SignatureHashAlgorithm::kSha2_512};
}

std::vector<uint8_t> BuildSignatureHashAlgorithmsData(
    absl::Span<const wire::SignatureHashAlgorithm> hashes) {
  Bytes out;
  out.reserve(hashes.size() * 2);
  for (wire::SignatureHashAlgorithm hash : hashes) {
    const uint16_t value = static_cast<uint16_t>(hash);
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value & 0xff));
  }
  return out;
}

absl::StatusOr<std::vector<wire::SignatureHashAlgorithm>>
ParseSignatureHashAlgorithmsData(absl::Span<const uint8_t> data) {
  if (data.empty() || data.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SIGNATURE_HASH_ALGORITHMS: notification data length ",
                     data.size(), " is not a positive multiple of 2"));
  }
  std::vector<wire::SignatureHashAlgorithm> out;
  out.reserve(data.size() / 2);
  for (size_t i = 0; i < data.size(); i += 2) {
    out.push_back(static_cast<wire::SignatureHashAlgorithm>(
        (static_cast<uint16_t>(data[i]) << 8) | data[i + 1]));
  }
  return out;
}

absl::StatusOr<SignatureScheme> ChooseSignatureScheme(
    KeyType key_type, bool rsa_pss,
    absl::Span<const wire::SignatureHashAlgorithm> peer_hashes) {
  auto announced = [&](wire::SignatureHashAlgorithm hash) {
    return std::find(peer_hashes.begin(), peer_hashes.end(), hash) !=
           peer_hashes.end();
  };
  using H = wire::SignatureHashAlgorithm;
  struct Candidate {
    H hash;
    SignatureScheme scheme;
  };
  // Preference orders: the strongest hash first, except that ECDSA keys try
  // their curve's own hash first (the pairing of RFC 4754, methods 9-11).
  static constexpr Candidate kRsaPss[] = {
      {H::kSha2_512, SignatureScheme::kRsaPssSha512},
      {H::kSha2_384, SignatureScheme::kRsaPssSha384},
      {H::kSha2_256, SignatureScheme::kRsaPssSha256}};
  static constexpr Candidate kRsaPkcs1[] = {
      {H::kSha2_512, SignatureScheme::kRsaPkcs1Sha512},
      {H::kSha2_384, SignatureScheme::kRsaPkcs1Sha384},
      {H::kSha2_256, SignatureScheme::kRsaPkcs1Sha256}};
  static constexpr Candidate kP256[] = {
      {H::kSha2_256, SignatureScheme::kEcdsaSha256},
      {H::kSha2_512, SignatureScheme::kEcdsaSha512},
      {H::kSha2_384, SignatureScheme::kEcdsaSha384}};
  static constexpr Candidate kP384[] = {
      {H::kSha2_384, SignatureScheme::kEcdsaSha384},
      {H::kSha2_512, SignatureScheme::kEcdsaSha512},
      {H::kSha2_256, SignatureScheme::kEcdsaSha256}};
  static constexpr Candidate kP521[] = {
      {H::kSha2_512, SignatureScheme::kEcdsaSha512},
      {H::kSha2_384, SignatureScheme::kEcdsaSha384},
      {H::kSha2_256, SignatureScheme::kEcdsaSha256}};
  absl::Span<const Candidate> order;
  switch (key_type) {
    case KeyType::kRsa:
      order = rsa_pss ? absl::MakeConstSpan(kRsaPss)
                      : absl::MakeConstSpan(kRsaPkcs1);
      break;
    case KeyType::kEcdsaP256:
      order = kP256;
      break;
    case KeyType::kEcdsaP384:
      order = kP384;
      break;
    case KeyType::kEcdsaP521:
      order = kP521;
      break;
  }
  for (const Candidate& candidate : order) {
    if (announced(candidate.hash)) return candidate.scheme;
  }
  return absl::NotFoundError(absl::StrCat(
      "SIGNATURE_HASH_ALGORITHMS: the peer announced none of SHA2-256, "
      "SHA2-384, SHA2-512 for a ",
      KeyTypeName(key_type), " key"));
}

}  // namespace cygnet::ike
