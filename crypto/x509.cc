#include "crypto/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "crypto/hash.h"
#include "crypto/hex.h"

namespace cygnet::crypto {
namespace {

struct Deleter {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(X509_REVOKED* p) const { X509_REVOKED_free(p); }
  // ASN1_TIME, ASN1_INTEGER, ASN1_OCTET_STRING and ASN1_BIT_STRING are all
  // ASN1_STRING.
  void operator()(ASN1_STRING* p) const { ASN1_STRING_free(p); }
  void operator()(BASIC_CONSTRAINTS* p) const { BASIC_CONSTRAINTS_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(GENERAL_NAME* p) const { GENERAL_NAME_free(p); }
  void operator()(AUTHORITY_KEYID* p) const { AUTHORITY_KEYID_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(STACK_OF(X509) * p) const { sk_X509_free(p); }
  void operator()(STACK_OF(X509_CRL) * p) const { sk_X509_CRL_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Deleter>;

absl::Status Internal(absl::string_view what) {
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, " failed"));
}

std::string Iso8601(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// ASN1_TIME (UTCTime or GeneralizedTime) as absl::Time; false when the value
// is malformed.
bool ToAbslTime(const ASN1_TIME* t, absl::Time* out) {
  if (t == nullptr) return false;
  Ptr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0;
  int seconds = 0;
  if (epoch == nullptr || !ASN1_TIME_diff(&days, &seconds, epoch.get(), t)) {
    ERR_clear_error();
    return false;
  }
  *out = absl::UnixEpoch() + absl::Hours(24) * days + absl::Seconds(seconds);
  return true;
}

absl::StatusOr<Ptr<ASN1_TIME>> FromAbslTime(absl::Time t,
                                            absl::string_view field) {
  // X.509 encodes years 0000-9999 only; refuse rather than wrap.
  static const absl::Time kLast = absl::FromCivil(
      absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone());
  static const absl::Time kFirst = absl::FromCivil(
      absl::CivilSecond(1950, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (t < kFirst || t > kLast) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " ", Iso8601(t), " is outside the X.509 range 1950..9999"));
  }
  Ptr<ASN1_TIME> out(ASN1_TIME_set(nullptr, absl::ToTimeT(t)));
  if (out == nullptr) return Internal(absl::StrCat(field, " encoding"));
  return out;
}

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return "";
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping, but UTF-8 left readable.
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), name, 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    ERR_clear_error();
    return "";
  }
  const uint8_t* data = nullptr;
  size_t size = 0;
  BIO_mem_contents(bio.get(), &data, &size);
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::string AsnString(const ASN1_STRING* s) {
  if (s == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     ASN1_STRING_length(s));
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  return absl::StrCat(
      "0x", HexEncode(absl::MakeConstSpan(ASN1_STRING_get0_data(serial),
                                          ASN1_STRING_length(serial))));
}

template <typename Fn>
void ForEachSan(const X509* cert, Fn fn) {
  Ptr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) return;
  for (size_t i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    fn(*sk_GENERAL_NAME_value(names.get(), i));
  }
}

template <typename T, typename Fn>
absl::StatusOr<std::vector<uint8_t>> I2d(Fn i2d, T* object,
                                         absl::string_view what) {
  uint8_t* data = nullptr;
  const int size = i2d(object, &data);
  if (size <= 0) return Internal(absl::StrCat(what, " encoding"));
  std::vector<uint8_t> out(data, data + size);
  OPENSSL_free(data);
  return out;
}

std::vector<uint8_t> SpkiDer(X509* cert) {
  uint8_t* data = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &data);
  if (size <= 0) {
    ERR_clear_error();
    return {};
  }
  std::vector<uint8_t> out(data, data + size);
  OPENSSL_free(data);
  return out;
}

const EVP_MD* SigningDigest(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP384:
      return EVP_sha384();
    case KeyType::kEcdsaP521:
      return EVP_sha512();
    case KeyType::kRsa:
    case KeyType::kEcdsaP256:
      break;
  }
  return EVP_sha256();
}

}  // namespace

// ------------------------------------------------------------- Certificate

absl::StatusOr<Certificate> Certificate::FromDer(
    absl::Span<const uint8_t> der) {
  const uint8_t* p = der.data();
  X509* raw = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "certificate: ", der.size(), " bytes are not a DER X.509 certificate"));
  }
  Certificate cert;
  cert.cert_ = std::shared_ptr<x509_st>(raw, X509_free);
  if (p != der.data() + der.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate: ", der.data() + der.size() - p,
                     " trailing bytes after the certificate"));
  }
  absl::Time t;
  if (!ToAbslTime(X509_get0_notBefore(raw), &t)) {
    return absl::InvalidArgumentError("certificate: notBefore is malformed");
  }
  if (!ToAbslTime(X509_get0_notAfter(raw), &t)) {
    return absl::InvalidArgumentError("certificate: notAfter is malformed");
  }
  if (X509_get_ext_by_NID(raw, NID_subject_alt_name, -1) >= 0) {
    GENERAL_NAMES* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(raw, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("certificate ", NameToString(X509_get_subject_name(raw)),
                       ": subjectAltName extension is malformed or repeated"));
    }
    GENERAL_NAMES_free(names);
  }
  absl::StatusOr<PublicKey> key = PublicKey::FromDer(SpkiDer(raw));
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate ", NameToString(X509_get_subject_name(raw)),
                     ": ", key.status().message()));
  }
  cert.public_key_ = std::make_shared<const PublicKey>(*std::move(key));
  cert.der_.assign(der.begin(), der.end());
  return cert;
}

absl::StatusOr<Certificate> Certificate::FromPem(absl::string_view pem) {
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), pem.size()));
  if (bio == nullptr) return Internal("PEM buffer");
  Ptr<X509> raw(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "certificate: no CERTIFICATE block in ", pem.size(), " bytes of PEM"));
  }
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509, raw.get(), "certificate");
  if (!der.ok()) return der.status();
  return FromDer(*der);
}

std::string Certificate::ToPem() const {
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || !PEM_write_bio_X509(bio.get(), cert_.get())) {
    ERR_clear_error();
    return "";
  }
  const uint8_t* data = nullptr;
  size_t size = 0;
  BIO_mem_contents(bio.get(), &data, &size);
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::string Certificate::subject() const {
  return NameToString(X509_get_subject_name(cert_.get()));
}

std::string Certificate::issuer() const {
  return NameToString(X509_get_issuer_name(cert_.get()));
}

std::vector<uint8_t> Certificate::subject_der() const {
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509_NAME, X509_get_subject_name(cert_.get()), "subject");
  return der.ok() ? *std::move(der) : std::vector<uint8_t>();
}

std::string Certificate::common_name() const {
  const X509_NAME* name = X509_get_subject_name(cert_.get());
  // The most specific (last) CN when there are several.
  int index = -1;
  for (int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) {
    index = i;
  }
  if (index < 0) return "";
  uint8_t* utf8 = nullptr;
  const int size = ASN1_STRING_to_UTF8(
      &utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (size < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<const char*>(utf8), size);
  OPENSSL_free(utf8);
  return out;
}

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> out;
  ForEachSan(cert_.get(), [&](const GENERAL_NAME& name) {
    if (name.type == GEN_DNS) out.push_back(AsnString(name.d.dNSName));
  });
  return out;
}

std::vector<std::string> Certificate::email_addresses() const {
  std::vector<std::string> out;
  ForEachSan(cert_.get(), [&](const GENERAL_NAME& name) {
    if (name.type == GEN_EMAIL) out.push_back(AsnString(name.d.rfc822Name));
  });
  return out;
}

std::vector<std::vector<uint8_t>> Certificate::ip_addresses() const {
  std::vector<std::vector<uint8_t>> out;
  ForEachSan(cert_.get(), [&](const GENERAL_NAME& name) {
    if (name.type != GEN_IPADD) return;
    const ASN1_OCTET_STRING* ip = name.d.iPAddress;
    const int size = ASN1_STRING_length(ip);
    if (size != 4 && size != 16) return;  // not an address
    const uint8_t* data = ASN1_STRING_get0_data(ip);
    out.emplace_back(data, data + size);
  });
  return out;
}

std::vector<uint8_t> Certificate::serial() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert_.get());
  const uint8_t* data = ASN1_STRING_get0_data(serial);
  return std::vector<uint8_t>(data, data + ASN1_STRING_length(serial));
}

absl::Time Certificate::not_before() const {
  absl::Time t = absl::InfinitePast();
  ToAbslTime(X509_get0_notBefore(cert_.get()), &t);  // validated at parse
  return t;
}

absl::Time Certificate::not_after() const {
  absl::Time t = absl::InfinitePast();
  ToAbslTime(X509_get0_notAfter(cert_.get()), &t);  // validated at parse
  return t;
}

PublicKey Certificate::public_key() const { return *public_key_; }

std::vector<uint8_t> Certificate::public_key_sha1() const {
  return Digest(HashAlgorithm::kSha1, SpkiDer(cert_.get()));
}

// ------------------------------------------------------------------- Crl

absl::StatusOr<Crl> Crl::FromDer(absl::Span<const uint8_t> der) {
  const uint8_t* p = der.data();
  X509_CRL* raw = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("CRL: ", der.size(), " bytes are not a DER X.509 CRL"));
  }
  Crl crl;
  crl.crl_ = std::shared_ptr<X509_crl_st>(raw, X509_CRL_free);
  if (p != der.data() + der.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "CRL: ", der.data() + der.size() - p, " trailing bytes after the CRL"));
  }
  absl::Time t;
  if (!ToAbslTime(X509_CRL_get0_lastUpdate(raw), &t)) {
    return absl::InvalidArgumentError("CRL: thisUpdate is malformed");
  }
  if (X509_CRL_get0_nextUpdate(raw) != nullptr &&
      !ToAbslTime(X509_CRL_get0_nextUpdate(raw), &t)) {
    return absl::InvalidArgumentError("CRL: nextUpdate is malformed");
  }
  return crl;
}

absl::StatusOr<Crl> Crl::FromPem(absl::string_view pem) {
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), pem.size()));
  if (bio == nullptr) return Internal("PEM buffer");
  Ptr<X509_CRL> raw(
      PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "CRL: no X509 CRL block in ", pem.size(), " bytes of PEM"));
  }
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509_CRL, raw.get(), "CRL");
  if (!der.ok()) return der.status();
  return FromDer(*der);
}

std::vector<uint8_t> Crl::ToDer() const {
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509_CRL, crl_.get(), "CRL");
  return der.ok() ? *std::move(der) : std::vector<uint8_t>();
}

std::string Crl::issuer() const {
  return NameToString(X509_CRL_get_issuer(crl_.get()));
}

bool Crl::IsRevoked(absl::Span<const uint8_t> serial) const {
  Ptr<BIGNUM> bn(BN_bin2bn(serial.data(), serial.size(), nullptr));
  if (bn == nullptr) return false;
  Ptr<ASN1_INTEGER> integer(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (integer == nullptr) {
    ERR_clear_error();
    return false;
  }
  X509_REVOKED* entry = nullptr;
  // 1: listed; 2: listed as removeFromCRL (a delta-CRL un-revocation).
  return X509_CRL_get0_by_serial(crl_.get(), &entry, integer.get()) == 1;
}

absl::Time Crl::this_update() const {
  absl::Time t = absl::InfinitePast();
  ToAbslTime(X509_CRL_get0_lastUpdate(crl_.get()), &t);
  return t;
}

absl::Time Crl::next_update() const {
  absl::Time t = absl::InfinitePast();
  ToAbslTime(X509_CRL_get0_nextUpdate(crl_.get()), &t);
  return t;
}

// ------------------------------------------------------------ verification

namespace {

// A certificate whose issuer published no CRL in the list is accepted unless
// it is the leaf of a longer chain: callers give the CRLs they have, the
// leaf must be covered, and a trust anchor is never revocation-checked.
int VerifyCallback(int ok, X509_STORE_CTX* ctx) {
  if (ok) return ok;
  if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL) {
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    const size_t length = chain == nullptr ? 0 : sk_X509_num(chain);
    if (depth > 0 || length == 1) return 1;
  }
  return ok;
}

std::string CertName(X509* cert) {
  return cert == nullptr ? "(unknown certificate)"
                         : NameToString(X509_get_subject_name(cert));
}

absl::Status DescribeFailure(X509_STORE_CTX* ctx) {
  const int error = X509_STORE_CTX_get_error(ctx);
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const std::string who = absl::StrCat(CertName(cert), " (depth ", depth, ")");
  absl::Time t = absl::InfinitePast();
  std::string detail;
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      if (cert != nullptr) ToAbslTime(X509_get0_notAfter(cert), &t);
      detail = absl::StrCat("certificate expired at ", Iso8601(t), ": ", who);
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      if (cert != nullptr) ToAbslTime(X509_get0_notBefore(cert), &t);
      detail = absl::StrCat("certificate not yet valid until ", Iso8601(t),
                            ": ", who);
      break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      detail = absl::StrCat(
          "issuer not trusted: ",
          cert == nullptr ? "?" : NameToString(X509_get_issuer_name(cert)),
          " (issuer of ", who,
          ") is not among the trust anchors and intermediates entitled "
          "to sign certificates");
      break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      detail = absl::StrCat("issuer not trusted: self-signed ", who,
                            " is not a trust anchor");
      break;
    case X509_V_ERR_CERT_REVOKED:
      detail = absl::StrCat(
          "revoked: serial ",
          cert == nullptr ? "?" : SerialHex(X509_get0_serialNumber(cert)), " ",
          who);
      break;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      detail = absl::StrCat(
          "no CRL from issuer ",
          cert == nullptr ? "?" : NameToString(X509_get_issuer_name(cert)),
          " among the given CRLs, needed for ", who);
      break;
    case X509_V_ERR_CRL_HAS_EXPIRED:
      detail = absl::StrCat("CRL expired (nextUpdate passed) for ", who);
      break;
    case X509_V_ERR_CRL_NOT_YET_VALID:
      detail = absl::StrCat("CRL not yet valid (thisUpdate ahead) for ", who);
      break;
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
      detail = absl::StrCat("CRL signature invalid for ", who);
      break;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
      detail = absl::StrCat("certificate signature invalid: ", who);
      break;
    case X509_V_ERR_INVALID_CA:
      detail = absl::StrCat("issuer is not a CA (basicConstraints): ", who);
      break;
    default:
      detail = absl::StrCat(X509_verify_cert_error_string(error),
                            " (X.509 error ", error, "): ", who);
      break;
  }
  return absl::UnauthenticatedError(detail);
}

}  // namespace

absl::Status VerifyCertificateChain(const Certificate& leaf,
                                    absl::Span<const Certificate> intermediates,
                                    absl::Span<const Certificate> trust_anchors,
                                    absl::Time now,
                                    absl::Span<const Crl> crls) {
  if (trust_anchors.empty()) {
    return absl::InvalidArgumentError(
        "certificate chain: no trust anchors configured");
  }
  if (now == absl::InfinitePast() || now == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError(
        "certificate chain: verification time must be finite");
  }
  Ptr<X509_STORE> store(X509_STORE_new());
  Ptr<STACK_OF(X509)> untrusted(sk_X509_new_null());
  Ptr<STACK_OF(X509_CRL)> crl_stack(sk_X509_CRL_new_null());
  Ptr<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  if (store == nullptr || untrusted == nullptr || crl_stack == nullptr ||
      ctx == nullptr) {
    return Internal("certificate chain: allocation");
  }
  for (const Certificate& anchor : trust_anchors) {
    // Adding the same certificate twice is harmless, not an error.
    if (!X509_STORE_add_cert(store.get(), anchor.raw())) ERR_clear_error();
  }
  // The stacks borrow: the Certificates and Crls outlive this call.
  for (const Certificate& intermediate : intermediates) {
    if (!sk_X509_push(untrusted.get(), intermediate.raw())) {
      return Internal("certificate chain: intermediate list");
    }
  }
  for (const Crl& crl : crls) {
    if (!sk_X509_CRL_push(crl_stack.get(), crl.raw())) {
      return Internal("certificate chain: CRL list");
    }
  }
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), leaf.raw(),
                           untrusted.get())) {
    return Internal("certificate chain: context setup");
  }
  X509_STORE_CTX_set0_crls(ctx.get(), crl_stack.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(now));
  // A configured anchor need not be self-signed (an intermediate CA may be
  // the anchor).
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
  if (!crls.empty()) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  X509_VERIFY_PARAM_set_flags(param, flags);
  X509_STORE_CTX_set_verify_cb(ctx.get(), VerifyCallback);
  const int ok = X509_verify_cert(ctx.get());
  absl::Status status = ok == 1 ? absl::OkStatus() : DescribeFailure(ctx.get());
  ERR_clear_error();
  return status;
}

// ------------------------------------------------------------- builders

CertificateBuilder& CertificateBuilder::SetSubjectCommonName(
    std::string common_name) {
  common_name_ = std::move(common_name);
  return *this;
}
CertificateBuilder& CertificateBuilder::SetSubjectOrganization(
    std::string organization) {
  organization_ = std::move(organization);
  return *this;
}
CertificateBuilder& CertificateBuilder::AddDnsName(std::string name) {
  dns_names_.push_back(std::move(name));
  return *this;
}
CertificateBuilder& CertificateBuilder::AddIpAddress(
    std::vector<uint8_t> address) {
  ip_addresses_.push_back(std::move(address));
  return *this;
}
CertificateBuilder& CertificateBuilder::AddEmailAddress(std::string email) {
  email_addresses_.push_back(std::move(email));
  return *this;
}
CertificateBuilder& CertificateBuilder::SetSerial(uint64_t serial) {
  serial_ = serial;
  return *this;
}
CertificateBuilder& CertificateBuilder::SetValidity(absl::Time not_before,
                                                    absl::Time not_after) {
  not_before_ = not_before;
  not_after_ = not_after;
  return *this;
}
CertificateBuilder& CertificateBuilder::SetIsCa(bool is_ca) {
  is_ca_ = is_ca;
  return *this;
}

namespace {

absl::Status CheckText(absl::string_view field, absl::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " \"", absl::CHexEscape(value),
                       "\" has a character outside printable ASCII"));
    }
  }
  return absl::OkStatus();
}

// Appends one subjectAltName entry: an IA5String for GEN_DNS / GEN_EMAIL,
// an OCTET STRING for GEN_IPADD (RFC 5280 section 4.2.1.6).
bool AddName(GENERAL_NAMES* names, int type, absl::Span<const uint8_t> value) {
  Ptr<GENERAL_NAME> name(GENERAL_NAME_new());
  ASN1_STRING* text = ASN1_STRING_type_new(
      type == GEN_IPADD ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING);
  if (name == nullptr || text == nullptr ||
      !ASN1_STRING_set(text, value.data(), value.size())) {
    ASN1_STRING_free(text);
    return false;
  }
  GENERAL_NAME_set0_value(name.get(), type, text);
  if (!sk_GENERAL_NAME_push(names, name.get())) return false;
  name.release();
  return true;
}

absl::Span<const uint8_t> Bytes(const std::string& text) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                             text.size());
}

}  // namespace

// Shared by SelfSign and Issue: `issuer == nullptr` means self-signed.
static absl::StatusOr<Certificate> Build(
    const std::string& common_name, const std::string& organization,
    const std::vector<std::string>& dns_names,
    const std::vector<std::vector<uint8_t>>& ip_addresses,
    const std::vector<std::string>& email_addresses, uint64_t serial,
    absl::Time not_before, absl::Time not_after, bool is_ca,
    const PublicKey& subject_key, const Certificate* issuer,
    const PrivateKey& signing_key);

absl::StatusOr<Certificate> CertificateBuilder::SelfSign(
    const PrivateKey& key) const {
  return Build(common_name_, organization_, dns_names_, ip_addresses_,
               email_addresses_, serial_, not_before_, not_after_, is_ca_,
               key.public_key(), nullptr, key);
}

absl::StatusOr<Certificate> CertificateBuilder::Issue(
    const PublicKey& subject_key, const Certificate& issuer,
    const PrivateKey& issuer_key) const {
  if (!X509_check_private_key(issuer.raw(), issuer_key.raw())) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("issuer_key does not match the public key of issuer "
                     "certificate ",
                     issuer.subject()));
  }
  return Build(common_name_, organization_, dns_names_, ip_addresses_,
               email_addresses_, serial_, not_before_, not_after_, is_ca_,
               subject_key, &issuer, issuer_key);
}

static absl::StatusOr<Certificate> Build(
    const std::string& common_name, const std::string& organization,
    const std::vector<std::string>& dns_names,
    const std::vector<std::vector<uint8_t>>& ip_addresses,
    const std::vector<std::string>& email_addresses, uint64_t serial,
    absl::Time not_before, absl::Time not_after, bool is_ca,
    const PublicKey& subject_key, const Certificate* issuer,
    const PrivateKey& signing_key) {
  if (serial == 0) {
    return absl::InvalidArgumentError(
        "certificate serial must be positive (RFC 5280), got 0");
  }
  if (not_after <= not_before) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate validity: not_after ", Iso8601(not_after),
                     " must be after not_before ", Iso8601(not_before)));
  }
  for (const std::string& name : dns_names) {
    if (absl::Status s = CheckText("DNS name", name); !s.ok()) return s;
  }
  for (const std::string& email : email_addresses) {
    if (absl::Status s = CheckText("email address", email); !s.ok()) return s;
  }
  for (const std::vector<uint8_t>& ip : ip_addresses) {
    if (ip.size() != 4 && ip.size() != 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("IP address must be 4 or 16 bytes, got ", ip.size()));
    }
  }
  const bool has_san =
      !dns_names.empty() || !ip_addresses.empty() || !email_addresses.empty();
  if (common_name.empty() && organization.empty() && !has_san) {
    return absl::InvalidArgumentError(
        "certificate has neither a subject (common name, organization) nor "
        "a subjectAltName");
  }

  Ptr<X509> x(X509_new());
  if (x == nullptr || !X509_set_version(x.get(), X509_VERSION_3) ||
      !ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), serial)) {
    return Internal("certificate setup");
  }
  X509_NAME* subject = X509_get_subject_name(x.get());
  // ASN.1 order O then CN; the one-line form prints CN first.
  if ((!organization.empty() &&
       !X509_NAME_add_entry_by_NID(
           subject, NID_organizationName, MBSTRING_UTF8,
           reinterpret_cast<const uint8_t*>(organization.data()),
           organization.size(), -1, 0)) ||
      (!common_name.empty() &&
       !X509_NAME_add_entry_by_NID(
           subject, NID_commonName, MBSTRING_UTF8,
           reinterpret_cast<const uint8_t*>(common_name.data()),
           common_name.size(), -1, 0))) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "certificate subject: common name \"", absl::CHexEscape(common_name),
        "\" or organization \"", absl::CHexEscape(organization),
        "\" is not valid UTF-8 or too long"));
  }
  if (!X509_set_issuer_name(
          x.get(),
          issuer == nullptr ? subject : X509_get_subject_name(issuer->raw()))) {
    return Internal("certificate issuer name");
  }
  absl::StatusOr<Ptr<ASN1_TIME>> nb = FromAbslTime(not_before, "not_before");
  if (!nb.ok()) return nb.status();
  absl::StatusOr<Ptr<ASN1_TIME>> na = FromAbslTime(not_after, "not_after");
  if (!na.ok()) return na.status();
  if (!X509_set1_notBefore(x.get(), nb->get()) ||
      !X509_set1_notAfter(x.get(), na->get()) ||
      !X509_set_pubkey(x.get(), subject_key.raw())) {
    return Internal("certificate validity or key");
  }

  // Extensions: basicConstraints and keyUsage (critical), SAN, and key
  // identifiers so chains with re-keyed CAs resolve.
  Ptr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
  if (bc == nullptr) return Internal("basicConstraints");
  bc->ca = is_ca ? 0xff : 0;
  if (!X509_add1_ext_i2d(x.get(), NID_basic_constraints, bc.get(), 1,
                         X509V3_ADD_DEFAULT)) {
    return Internal("basicConstraints extension");
  }
  Ptr<ASN1_BIT_STRING> usage(ASN1_BIT_STRING_new());
  if (usage == nullptr) return Internal("keyUsage");
  const bool usage_ok =
      is_ca ? ASN1_BIT_STRING_set_bit(usage.get(), 0, 1) &&  // digitalSignature
                  ASN1_BIT_STRING_set_bit(usage.get(), 5, 1) &&  // keyCertSign
                  ASN1_BIT_STRING_set_bit(usage.get(), 6, 1)     // cRLSign
            : ASN1_BIT_STRING_set_bit(usage.get(), 0, 1);
  if (!usage_ok || !X509_add1_ext_i2d(x.get(), NID_key_usage, usage.get(), 1,
                                      X509V3_ADD_DEFAULT)) {
    return Internal("keyUsage extension");
  }
  if (has_san) {
    Ptr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
    if (names == nullptr) return Internal("subjectAltName");
    for (const std::string& name : dns_names) {
      if (!AddName(names.get(), GEN_DNS, Bytes(name))) {
        return Internal("subjectAltName DNS");
      }
    }
    for (const std::vector<uint8_t>& ip : ip_addresses) {
      if (!AddName(names.get(), GEN_IPADD, ip))
        return Internal("subjectAltName IP");
    }
    for (const std::string& email : email_addresses) {
      if (!AddName(names.get(), GEN_EMAIL, Bytes(email))) {
        return Internal("subjectAltName email");
      }
    }
    // RFC 5280 4.2.1.6: critical when the subject is empty.
    const int critical = common_name.empty() && organization.empty() ? 1 : 0;
    if (!X509_add1_ext_i2d(x.get(), NID_subject_alt_name, names.get(), critical,
                           X509V3_ADD_DEFAULT)) {
      return Internal("subjectAltName extension");
    }
  }
  // Subject key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280
  // 4.2.1.2 method 1).
  const ASN1_BIT_STRING* key_bits = X509_get0_pubkey_bitstr(x.get());
  if (key_bits == nullptr) return Internal("subject key bits");
  std::vector<uint8_t> key_id = Digest(
      HashAlgorithm::kSha1, absl::MakeConstSpan(ASN1_STRING_get0_data(key_bits),
                                                ASN1_STRING_length(key_bits)));
  Ptr<ASN1_OCTET_STRING> ski(ASN1_OCTET_STRING_new());
  if (ski == nullptr ||
      !ASN1_OCTET_STRING_set(ski.get(), key_id.data(), key_id.size()) ||
      !X509_add1_ext_i2d(x.get(), NID_subject_key_identifier, ski.get(), 0,
                         X509V3_ADD_DEFAULT)) {
    return Internal("subjectKeyIdentifier extension");
  }
  const ASN1_OCTET_STRING* issuer_key_id =
      issuer == nullptr ? ski.get() : X509_get0_subject_key_id(issuer->raw());
  if (issuer_key_id != nullptr) {
    Ptr<AUTHORITY_KEYID> aki(AUTHORITY_KEYID_new());
    if (aki == nullptr) return Internal("authorityKeyIdentifier");
    aki->keyid = ASN1_OCTET_STRING_dup(issuer_key_id);
    if (aki->keyid == nullptr ||
        !X509_add1_ext_i2d(x.get(), NID_authority_key_identifier, aki.get(), 0,
                           X509V3_ADD_DEFAULT)) {
      return Internal("authorityKeyIdentifier extension");
    }
  }
  if (!X509_sign(x.get(), signing_key.raw(),
                 SigningDigest(signing_key.type()))) {
    return Internal("certificate signing");
  }
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509, x.get(), "certificate");
  if (!der.ok()) return der.status();
  return Certificate::FromDer(*der);
}

CrlBuilder& CrlBuilder::Revoke(uint64_t serial, absl::Time when) {
  revoked_.emplace_back(serial, when);
  return *this;
}

CrlBuilder& CrlBuilder::SetUpdateTimes(absl::Time this_update,
                                       absl::Time next_update) {
  this_update_ = this_update;
  next_update_ = next_update;
  return *this;
}

absl::StatusOr<Crl> CrlBuilder::Sign(const Certificate& issuer,
                                     const PrivateKey& issuer_key) const {
  if (!X509_check_private_key(issuer.raw(), issuer_key.raw())) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "CRL issuer_key does not match the public key of issuer certificate ",
        issuer.subject()));
  }
  if (next_update_ <= this_update_) {
    return absl::InvalidArgumentError(
        absl::StrCat("CRL next_update ", Iso8601(next_update_),
                     " must be after this_update ", Iso8601(this_update_)));
  }
  Ptr<X509_CRL> crl(X509_CRL_new());
  if (crl == nullptr || !X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) ||
      !X509_CRL_set_issuer_name(crl.get(),
                                X509_get_subject_name(issuer.raw()))) {
    return Internal("CRL setup");
  }
  absl::StatusOr<Ptr<ASN1_TIME>> this_update =
      FromAbslTime(this_update_, "CRL this_update");
  if (!this_update.ok()) return this_update.status();
  absl::StatusOr<Ptr<ASN1_TIME>> next_update =
      FromAbslTime(next_update_, "CRL next_update");
  if (!next_update.ok()) return next_update.status();
  if (!X509_CRL_set1_lastUpdate(crl.get(), this_update->get()) ||
      !X509_CRL_set1_nextUpdate(crl.get(), next_update->get())) {
    return Internal("CRL update times");
  }
  for (const auto& [serial, when] : revoked_) {
    if (serial == 0) {
      return absl::InvalidArgumentError(
          "CRL revoked serial must be positive, got 0");
    }
    absl::StatusOr<Ptr<ASN1_TIME>> date =
        FromAbslTime(when, "CRL revocation date");
    if (!date.ok()) return date.status();
    Ptr<X509_REVOKED> entry(X509_REVOKED_new());
    Ptr<ASN1_INTEGER> number(ASN1_INTEGER_new());
    if (entry == nullptr || number == nullptr ||
        !ASN1_INTEGER_set_uint64(number.get(), serial) ||
        !X509_REVOKED_set_serialNumber(entry.get(), number.get()) ||
        !X509_REVOKED_set_revocationDate(entry.get(), date->get()) ||
        !X509_CRL_add0_revoked(crl.get(), entry.get())) {
      return Internal("CRL entry");
    }
    entry.release();  // owned by the CRL now
  }
  if (!X509_CRL_sort(crl.get()) ||
      !X509_CRL_sign(crl.get(), issuer_key.raw(),
                     SigningDigest(issuer_key.type()))) {
    return Internal("CRL signing");
  }
  absl::StatusOr<std::vector<uint8_t>> der =
      I2d(i2d_X509_CRL, crl.get(), "CRL");
  if (!der.ok()) return der.status();
  return Crl::FromDer(*der);
}

}  // namespace cygnet::crypto
