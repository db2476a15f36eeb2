// X.509 certificates and CRLs: parsing, chain verification to configured trust
// anchors at a given time, revocation, and issuing (self-signed or from a CA
// key) for SVR router identities and test PKIs.
//
// Time is always a parameter (sans-I/O). Parsing is strict and bounded; every
// failure names what was wrong ("certificate expired at ...", "issuer not
// trusted: CN=...", "revoked: serial 0x...").
#ifndef CYGNET_CRYPTO_X509_H_
#define CYGNET_CRYPTO_X509_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/signature.h"

struct x509_st;
struct X509_crl_st;

namespace cygnet::crypto {

class Certificate {
 public:
  static absl::StatusOr<Certificate> FromDer(absl::Span<const uint8_t> der);
  static absl::StatusOr<Certificate> FromPem(absl::string_view pem);

  const std::vector<uint8_t>& der() const { return der_; }
  std::string ToPem() const;
  // One-line distinguished names, e.g. "CN=router1,O=Example".
  std::string subject() const;
  std::string issuer() const;
  std::vector<uint8_t> subject_der() const;  // DER Name, for IKE ID_DER_ASN1_DN
  std::string common_name() const;           // "" when absent
  std::vector<std::string> dns_names() const;
  std::vector<std::string> email_addresses() const;
  std::vector<std::vector<uint8_t>> ip_addresses() const;  // 4 or 16 bytes
  std::vector<uint8_t> serial() const;                     // big-endian
  absl::Time not_before() const;
  absl::Time not_after() const;
  PublicKey public_key() const;
  // SHA-1 of the DER SubjectPublicKeyInfo (IKEv2 CERTREQ authority hash
  // uses it for the issuer's key).
  std::vector<uint8_t> public_key_sha1() const;

  x509_st* raw() const { return cert_.get(); }  // for crypto/ only

 private:
  Certificate() = default;
  std::shared_ptr<x509_st> cert_;
  std::vector<uint8_t> der_;
  // Parsed once: FromDer rejects certificates whose key is not RSA or
  // ECDSA P-256/384/521, so public_key() cannot fail.
  std::shared_ptr<const PublicKey> public_key_;
  friend class CertificateBuilder;
};

class Crl {
 public:
  static absl::StatusOr<Crl> FromDer(absl::Span<const uint8_t> der);
  static absl::StatusOr<Crl> FromPem(absl::string_view pem);
  std::vector<uint8_t> ToDer() const;
  std::string issuer() const;
  bool IsRevoked(absl::Span<const uint8_t> serial) const;
  absl::Time this_update() const;
  absl::Time next_update() const;  // InfinitePast() when absent
  X509_crl_st* raw() const { return crl_.get(); }

 private:
  Crl() = default;
  std::shared_ptr<X509_crl_st> crl_;
  friend class CrlBuilder;
};

// Verifies leaf -> intermediates -> one of trust_anchors at `now`: signatures,
// validity periods, CA basic constraints and keyUsage, and, when `crls` is
// non-empty, revocation against a CRL from the matching issuer (which must
// itself verify and be current at `now`). With CRLs given, the leaf's issuer
// must have one; an intermediate is checked when its issuer's CRL is among
// them; anchors are not revocation-checked. An anchor need not be self-signed.
// Failures are Unauthenticated with messages such as "certificate expired at
// 2027-06-01T00:00:00Z: CN=...", "issuer not trusted: CN=...", "revoked:
// serial 0x..."; no anchors or an infinite `now` are InvalidArgument.
absl::Status VerifyCertificateChain(const Certificate& leaf,
                                    absl::Span<const Certificate> intermediates,
                                    absl::Span<const Certificate> trust_anchors,
                                    absl::Time now,
                                    absl::Span<const Crl> crls = {});

class CertificateBuilder {
 public:
  CertificateBuilder& SetSubjectCommonName(std::string common_name);
  CertificateBuilder& SetSubjectOrganization(std::string organization);
  CertificateBuilder& AddDnsName(std::string name);
  CertificateBuilder& AddIpAddress(std::vector<uint8_t> address);
  CertificateBuilder& AddEmailAddress(std::string email);
  CertificateBuilder& SetSerial(uint64_t serial);
  CertificateBuilder& SetValidity(absl::Time not_before, absl::Time not_after);
  CertificateBuilder& SetIsCa(bool is_ca);

  // Self-signed by `key`.
  absl::StatusOr<Certificate> SelfSign(const PrivateKey& key) const;
  // Issued by `issuer` (whose key is `issuer_key`) for `subject_key`.
  absl::StatusOr<Certificate> Issue(const PublicKey& subject_key,
                                    const Certificate& issuer,
                                    const PrivateKey& issuer_key) const;

 private:
  std::string common_name_;
  std::string organization_;
  std::vector<std::string> dns_names_;
  std::vector<std::vector<uint8_t>> ip_addresses_;
  std::vector<std::string> email_addresses_;
  uint64_t serial_ = 1;
  absl::Time not_before_ = absl::UnixEpoch();
  absl::Time not_after_ = absl::UnixEpoch() + absl::Hours(24 * 365 * 30);
  bool is_ca_ = false;
};

class CrlBuilder {
 public:
  CrlBuilder& Revoke(uint64_t serial, absl::Time when);
  CrlBuilder& SetUpdateTimes(absl::Time this_update, absl::Time next_update);
  absl::StatusOr<Crl> Sign(const Certificate& issuer,
                           const PrivateKey& issuer_key) const;

 private:
  std::vector<std::pair<uint64_t, absl::Time>> revoked_;
  absl::Time this_update_ = absl::UnixEpoch();
  absl::Time next_update_ = absl::UnixEpoch() + absl::Hours(24 * 365 * 30);
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_X509_H_
