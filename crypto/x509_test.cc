#include "crypto/x509.h"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

absl::Time Date(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

bool Contains(const absl::Status& status, absl::string_view text) {
  return status.message().find(text) != absl::string_view::npos;
}

std::string ToPem(absl::string_view label, const std::vector<uint8_t>& der) {
  std::string b64 = absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
  std::string out = absl::StrCat("-----BEGIN ", label, "-----\n");
  for (size_t i = 0; i < b64.size(); i += 64) {
    absl::StrAppend(&out, b64.substr(i, 64), "\n");
  }
  absl::StrAppend(&out, "-----END ", label, "-----\n");
  return out;
}

// Root (P-256) -> intermediate (RSA-2048) -> leaf (P-384), built once.
struct Pki {
  PrivateKey root_key, intermediate_key, leaf_key;
  Certificate root, intermediate, leaf;
};

const Pki& TestPki() {
  static const Pki* pki = [] {
    DeterministicRandom random(2026);
    PrivateKey root_key = *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
    PrivateKey intermediate_key = *PrivateKey::GenerateRsa(2048);
    PrivateKey leaf_key = *PrivateKey::GenerateEc(KeyType::kEcdsaP384, random);
    Certificate root = *CertificateBuilder()
                            .SetSubjectCommonName("Test Root")
                            .SetSubjectOrganization("Cygnet")
                            .SetSerial(1)
                            .SetValidity(Date(2020, 1, 1), Date(2040, 1, 1))
                            .SetIsCa(true)
                            .SelfSign(root_key);
    Certificate intermediate =
        *CertificateBuilder()
             .SetSubjectCommonName("Test Intermediate")
             .SetSubjectOrganization("Cygnet")
             .SetSerial(2)
             .SetValidity(Date(2021, 1, 1), Date(2035, 1, 1))
             .SetIsCa(true)
             .Issue(intermediate_key.public_key(), root, root_key);
    Certificate leaf =
        *CertificateBuilder()
             .SetSubjectCommonName("router1.example.net")
             .SetSubjectOrganization("Cygnet")
             .AddDnsName("router1.example.net")
             .AddDnsName("vpn.example.net")
             .AddIpAddress({192, 0, 2, 1})
             .AddIpAddress(test::H("20010db8000000000000000000000001"))
             .AddEmailAddress("ops@example.net")
             .SetSerial(0x1234abcd)
             .SetValidity(Date(2025, 6, 1), Date(2027, 6, 1))
             .Issue(leaf_key.public_key(), intermediate, intermediate_key);
    return new Pki{std::move(root_key),     std::move(intermediate_key),
                   std::move(leaf_key),     std::move(root),
                   std::move(intermediate), std::move(leaf)};
  }();
  return *pki;
}

const absl::Time kNow = Date(2026, 3, 1);

TEST(X509Test, ParsesBuiltCertificateFields) {
  const Pki& pki = TestPki();
  const Certificate& leaf = pki.leaf;
  EXPECT_EQ(leaf.subject(), "CN=router1.example.net,O=Cygnet");
  EXPECT_EQ(leaf.issuer(), "CN=Test Intermediate,O=Cygnet");
  EXPECT_EQ(pki.root.issuer(), pki.root.subject());
  EXPECT_EQ(leaf.common_name(), "router1.example.net");
  EXPECT_EQ(leaf.dns_names(), (std::vector<std::string>{"router1.example.net",
                                                        "vpn.example.net"}));
  EXPECT_EQ(leaf.email_addresses(),
            std::vector<std::string>{"ops@example.net"});
  ASSERT_EQ(leaf.ip_addresses().size(), 2u);
  EXPECT_EQ(leaf.ip_addresses()[0], (std::vector<uint8_t>{192, 0, 2, 1}));
  EXPECT_EQ(leaf.ip_addresses()[1],
            test::H("20010db8000000000000000000000001"));
  EXPECT_EQ(leaf.serial(), test::H("1234abcd"));
  EXPECT_EQ(leaf.not_before(), Date(2025, 6, 1));
  EXPECT_EQ(leaf.not_after(), Date(2027, 6, 1));
  EXPECT_EQ(pki.root.not_after(), Date(2040, 1, 1));
  EXPECT_EQ(leaf.public_key().type(), KeyType::kEcdsaP384);
  EXPECT_EQ(*leaf.public_key().ToDer(), *pki.leaf_key.public_key().ToDer());
  EXPECT_EQ(pki.intermediate.public_key().rsa_bits(), 2048u);
  EXPECT_EQ(leaf.public_key_sha1(),
            Digest(HashAlgorithm::kSha1, *pki.leaf_key.public_key().ToDer()));
  const std::vector<uint8_t> name = leaf.subject_der();
  ASSERT_FALSE(name.empty());
  EXPECT_EQ(name[0], 0x30);
  // Root has no SANs.
  EXPECT_TRUE(pki.root.dns_names().empty());
  EXPECT_TRUE(pki.root.ip_addresses().empty());
}

TEST(X509Test, DerAndPemRoundTrip) {
  const Certificate& leaf = TestPki().leaf;
  absl::StatusOr<Certificate> from_der = Certificate::FromDer(leaf.der());
  ASSERT_TRUE(from_der.ok()) << from_der.status();
  EXPECT_EQ(from_der->der(), leaf.der());
  const std::string pem = leaf.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  absl::StatusOr<Certificate> from_pem = Certificate::FromPem(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status();
  EXPECT_EQ(from_pem->der(), leaf.der());
  EXPECT_EQ(from_pem->subject(), leaf.subject());
}

TEST(X509Test, RejectsMalformedCertificates) {
  const std::vector<uint8_t>& der = TestPki().leaf.der();
  std::vector<uint8_t> trailing = der;
  trailing.push_back(0);
  absl::StatusOr<Certificate> c = Certificate::FromDer(trailing);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(c.status(), "1 trailing bytes")) << c.status();
  std::vector<uint8_t> truncated(der.begin(), der.end() - 1);
  c = Certificate::FromDer(truncated);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(c.status(), "not a DER X.509 certificate"));
  EXPECT_FALSE(Certificate::FromDer({}).ok());
  EXPECT_FALSE(Certificate::FromDer(test::B("garbage")).ok());
  c = Certificate::FromPem("no pem here");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(c.status(), "no CERTIFICATE block"));
  // Every single-byte corruption is either rejected or parses: never a crash.
  for (size_t i = 0; i < der.size(); i += 7) {
    std::vector<uint8_t> corrupt = der;
    corrupt[i] ^= 0xa5;
    absl::StatusOr<Certificate> parsed = Certificate::FromDer(corrupt);
    if (parsed.ok()) (void)parsed->subject();
  }
}

TEST(X509Test, VerifiesTheChain) {
  const Pki& pki = TestPki();
  EXPECT_TRUE(
      VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root}, kNow)
          .ok());
  // The intermediate itself may be the configured anchor.
  EXPECT_TRUE(
      VerifyCertificateChain(pki.leaf, {}, {pki.intermediate}, kNow).ok());
  // Intermediates in any order, with unrelated extras.
  EXPECT_TRUE(VerifyCertificateChain(pki.leaf, {pki.root, pki.intermediate},
                                     {pki.root}, kNow)
                  .ok());
}

TEST(X509Test, ExpiredAndNotYetValid) {
  const Pki& pki = TestPki();
  absl::Status s = VerifyCertificateChain(pki.leaf, {pki.intermediate},
                                          {pki.root}, Date(2028, 1, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Contains(s, "certificate expired at 2027-06-01T00:00:00Z")) << s;
  EXPECT_TRUE(Contains(s, "router1.example.net")) << s;
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                             Date(2025, 1, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Contains(s, "not yet valid until 2025-06-01T00:00:00Z")) << s;
  // The intermediate expires in 2035 even though the root lasts to 2040;
  // the leaf is expired too by then, and either is reported.
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                             Date(2036, 1, 1));
  EXPECT_TRUE(Contains(s, "expired")) << s;
}

TEST(X509Test, UntrustedIssuer) {
  const Pki& pki = TestPki();
  DeterministicRandom random(5);
  PrivateKey other_key = *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
  // Same name as the real root, different key: must not be accepted.
  Certificate impostor = *CertificateBuilder()
                              .SetSubjectCommonName("Test Root")
                              .SetSubjectOrganization("Cygnet")
                              .SetValidity(Date(2020, 1, 1), Date(2040, 1, 1))
                              .SetIsCa(true)
                              .SelfSign(other_key);
  absl::Status s =
      VerifyCertificateChain(pki.leaf, {pki.intermediate}, {impostor}, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(s.ok());
  // Missing intermediate.
  s = VerifyCertificateChain(pki.leaf, {}, {pki.root}, kNow);
  EXPECT_TRUE(Contains(s, "issuer not trusted: CN=Test Intermediate,O=Cygnet"))
      << s;
  // A self-signed certificate that is not an anchor.
  s = VerifyCertificateChain(impostor, {}, {pki.root}, kNow);
  EXPECT_TRUE(Contains(s, "issuer not trusted: self-signed")) << s;
  // ... and the SVR self-signed mode: the certificate is its own anchor.
  EXPECT_TRUE(VerifyCertificateChain(impostor, {}, {impostor}, kNow).ok());
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {}, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(s, "no trust anchors")) << s;
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                             absl::InfiniteFuture());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(X509Test, NonCaIssuerIsRejected) {
  const Pki& pki = TestPki();
  DeterministicRandom random(6);
  PrivateKey key = *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
  // The (non-CA) leaf issues a certificate. Its keyUsage lacks keyCertSign,
  // so chain building does not even consider it an issuer.
  Certificate child = *CertificateBuilder()
                           .SetSubjectCommonName("child")
                           .SetValidity(Date(2025, 7, 1), Date(2026, 7, 1))
                           .Issue(key.public_key(), pki.leaf, pki.leaf_key);
  absl::Status s = VerifyCertificateChain(child, {pki.leaf, pki.intermediate},
                                          {pki.root}, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Contains(s, "issuer not trusted: CN=router1.example.net")) << s;
}

TEST(X509Test, RevocationThroughCrls) {
  const Pki& pki = TestPki();
  Crl revoking = *CrlBuilder()
                      .Revoke(0x1234abcd, Date(2026, 2, 1))
                      .Revoke(77, Date(2026, 2, 2))
                      .SetUpdateTimes(Date(2026, 2, 1), Date(2026, 4, 1))
                      .Sign(pki.intermediate, pki.intermediate_key);
  Crl clean = *CrlBuilder()
                   .Revoke(77, Date(2026, 2, 2))
                   .SetUpdateTimes(Date(2026, 2, 1), Date(2026, 4, 1))
                   .Sign(pki.intermediate, pki.intermediate_key);
  Crl root_crl = *CrlBuilder()
                      .SetUpdateTimes(Date(2026, 1, 1), Date(2027, 1, 1))
                      .Sign(pki.root, pki.root_key);
  Crl root_revokes_intermediate =
      *CrlBuilder()
           .Revoke(2, Date(2026, 1, 15))
           .SetUpdateTimes(Date(2026, 1, 1), Date(2027, 1, 1))
           .Sign(pki.root, pki.root_key);

  EXPECT_TRUE(revoking.IsRevoked(pki.leaf.serial()));
  EXPECT_TRUE(revoking.IsRevoked(test::H("4d")));    // 77
  EXPECT_TRUE(revoking.IsRevoked(test::H("004d")));  // leading zero
  EXPECT_FALSE(clean.IsRevoked(pki.leaf.serial()));
  EXPECT_FALSE(revoking.IsRevoked(test::H("01")));
  EXPECT_FALSE(revoking.IsRevoked({}));
  EXPECT_EQ(revoking.issuer(), "CN=Test Intermediate,O=Cygnet");
  EXPECT_EQ(revoking.this_update(), Date(2026, 2, 1));
  EXPECT_EQ(revoking.next_update(), Date(2026, 4, 1));

  absl::Status s = VerifyCertificateChain(pki.leaf, {pki.intermediate},
                                          {pki.root}, kNow, {revoking});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Contains(s, "revoked: serial 0x1234abcd")) << s;
  EXPECT_TRUE(VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                                     kNow, {clean})
                  .ok());
  EXPECT_TRUE(VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                                     kNow, {clean, root_crl})
                  .ok());
  // The intermediate revoked by the root's CRL.
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root}, kNow,
                             {clean, root_revokes_intermediate});
  EXPECT_TRUE(Contains(s, "revoked: serial 0x02")) << s;
  // CRLs given, but none from the leaf's issuer.
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root}, kNow,
                             {root_crl});
  EXPECT_TRUE(Contains(s, "no CRL from issuer CN=Test Intermediate,O=Cygnet"))
      << s;
  // An expired CRL does not vouch for anything.
  s = VerifyCertificateChain(pki.leaf, {pki.intermediate}, {pki.root},
                             Date(2026, 5, 1), {clean});
  EXPECT_TRUE(Contains(s, "CRL expired")) << s;
}

TEST(X509Test, ForgedCrlIsRejected) {
  const Pki& pki = TestPki();
  // Same issuer name as the intermediate, different key.
  DeterministicRandom random(8);
  PrivateKey forger = *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
  Certificate fake = *CertificateBuilder()
                          .SetSubjectCommonName("Test Intermediate")
                          .SetSubjectOrganization("Cygnet")
                          .SetIsCa(true)
                          .SelfSign(forger);
  Crl forged = *CrlBuilder()
                    .SetUpdateTimes(Date(2026, 2, 1), Date(2026, 4, 1))
                    .Sign(fake, forger);
  absl::Status s = VerifyCertificateChain(pki.leaf, {pki.intermediate},
                                          {pki.root}, kNow, {forged});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Contains(s, "CRL signature invalid")) << s;
}

TEST(X509Test, CrlEncodings) {
  const Pki& pki = TestPki();
  Crl crl =
      *CrlBuilder().Revoke(5, Date(2026, 2, 1)).Sign(pki.root, pki.root_key);
  // Defaults: this_update at the epoch, next_update 30 years later.
  EXPECT_EQ(crl.this_update(), absl::UnixEpoch());
  const std::vector<uint8_t> der = crl.ToDer();
  ASSERT_FALSE(der.empty());
  absl::StatusOr<Crl> from_der = Crl::FromDer(der);
  ASSERT_TRUE(from_der.ok()) << from_der.status();
  EXPECT_TRUE(from_der->IsRevoked(test::H("05")));
  absl::StatusOr<Crl> from_pem = Crl::FromPem(ToPem("X509 CRL", der));
  ASSERT_TRUE(from_pem.ok()) << from_pem.status();
  EXPECT_TRUE(from_pem->IsRevoked(test::H("05")));
  std::vector<uint8_t> trailing = der;
  trailing.push_back(1);
  absl::StatusOr<Crl> bad = Crl::FromDer(trailing);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(bad.status(), "trailing")) << bad.status();
  EXPECT_FALSE(Crl::FromDer(test::B("junk")).ok());
  EXPECT_FALSE(Crl::FromPem("").ok());
}

TEST(X509Test, BuilderValidatesInput) {
  const Pki& pki = TestPki();
  absl::StatusOr<Certificate> c =
      CertificateBuilder().SetSubjectCommonName("x").SetSerial(0).SelfSign(
          pki.root_key);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(c.status(), "serial must be positive")) << c.status();
  c = CertificateBuilder()
          .SetSubjectCommonName("x")
          .SetValidity(Date(2026, 1, 1), Date(2026, 1, 1))
          .SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(),
                       "not_after 2026-01-01T00:00:00Z must be "
                       "after not_before"))
      << c.status();
  c = CertificateBuilder()
          .SetSubjectCommonName("x")
          .AddIpAddress({1, 2, 3})
          .SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(), "4 or 16 bytes, got 3")) << c.status();
  c = CertificateBuilder().SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(), "neither a subject")) << c.status();
  c = CertificateBuilder()
          .SetSubjectCommonName("x")
          .AddDnsName("bad\nname")
          .SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(), "DNS name \"bad\\nname\"")) << c.status();
  c = CertificateBuilder()
          .SetSubjectCommonName("x")
          .AddEmailAddress("")
          .SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(), "email address is empty")) << c.status();
  c = CertificateBuilder()
          .SetSubjectCommonName("x")
          .SetValidity(Date(2026, 1, 1), Date(10000, 1, 1))
          .SelfSign(pki.root_key);
  EXPECT_TRUE(Contains(c.status(), "outside the X.509 range")) << c.status();
  // Issuer key must be the issuer certificate's key.
  c = CertificateBuilder().SetSubjectCommonName("x").Issue(
      pki.leaf_key.public_key(), pki.root, pki.intermediate_key);
  EXPECT_TRUE(Contains(c.status(), "issuer_key does not match")) << c.status();
  absl::StatusOr<Crl> crl = CrlBuilder().Sign(pki.root, pki.leaf_key);
  EXPECT_TRUE(Contains(crl.status(), "issuer_key does not match"))
      << crl.status();
  crl = CrlBuilder()
            .SetUpdateTimes(Date(2026, 1, 2), Date(2026, 1, 1))
            .Sign(pki.root, pki.root_key);
  EXPECT_TRUE(Contains(crl.status(), "next_update")) << crl.status();
  crl = CrlBuilder().Revoke(0, Date(2026, 1, 1)).Sign(pki.root, pki.root_key);
  EXPECT_TRUE(Contains(crl.status(), "serial must be positive"))
      << crl.status();
}

TEST(X509Test, SanOnlyCertificate) {
  DeterministicRandom random(9);
  PrivateKey key = *PrivateKey::GenerateEc(KeyType::kEcdsaP521, random);
  absl::StatusOr<Certificate> c =
      CertificateBuilder()
          .AddDnsName("only.example")
          .SetValidity(Date(2026, 1, 1), Date(2027, 1, 1))
          .SelfSign(key);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subject(), "");
  EXPECT_EQ(c->common_name(), "");
  EXPECT_EQ(c->dns_names(), std::vector<std::string>{"only.example"});
  EXPECT_EQ(c->public_key().type(), KeyType::kEcdsaP521);
  EXPECT_TRUE(VerifyCertificateChain(*c, {}, {*c}, kNow).ok());
}

std::vector<uint8_t> ReadFixture(const std::string& name) {
  std::ifstream in("crypto/testdata/x509/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

// A P-256 CA, an RSA-2048 leaf and a CRL revoking the leaf, generated once
// with Python's `cryptography` package: no keyUsage or key identifiers, names
// in O-then-CN order, so parsing and verification do not rely on our own
// builder's conventions.
TEST(X509Test, ForeignCertificatesAndCrl) {
  absl::StatusOr<Certificate> ca = Certificate::FromDer(ReadFixture("ca.der"));
  absl::StatusOr<Certificate> leaf =
      Certificate::FromDer(ReadFixture("leaf.der"));
  absl::StatusOr<Crl> crl = Crl::FromDer(ReadFixture("crl.der"));
  ASSERT_TRUE(ca.ok()) << ca.status();
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_EQ(ca->subject(), "CN=Fuzz CA,O=Fuzz");
  EXPECT_EQ(ca->common_name(), "Fuzz CA");
  EXPECT_EQ(ca->public_key().type(), KeyType::kEcdsaP256);
  EXPECT_EQ(leaf->subject(), "CN=leaf.example");
  EXPECT_EQ(leaf->issuer(), "CN=Fuzz CA,O=Fuzz");
  EXPECT_EQ(leaf->dns_names(), std::vector<std::string>{"leaf.example"});
  EXPECT_EQ(leaf->email_addresses(), std::vector<std::string>{"a@example"});
  ASSERT_EQ(leaf->ip_addresses().size(), 1u);
  EXPECT_EQ(leaf->ip_addresses()[0], (std::vector<uint8_t>{192, 0, 2, 7}));
  EXPECT_EQ(leaf->serial(), test::H("1234"));
  EXPECT_EQ(leaf->not_before(), Date(2025, 1, 1));
  EXPECT_EQ(leaf->not_after(), Date(2030, 1, 1));
  EXPECT_EQ(leaf->public_key().rsa_bits(), 2048u);
  EXPECT_EQ(crl->issuer(), "CN=Fuzz CA,O=Fuzz");
  EXPECT_TRUE(crl->IsRevoked(leaf->serial()));
  EXPECT_EQ(crl->next_update(), Date(2030, 1, 1));

  EXPECT_TRUE(VerifyCertificateChain(*leaf, {}, {*ca}, kNow).ok());
  absl::Status s = VerifyCertificateChain(*leaf, {}, {*ca}, kNow, {*crl});
  EXPECT_TRUE(Contains(s, "revoked: serial 0x1234")) << s;
  s = VerifyCertificateChain(*leaf, {}, {*ca}, Date(2030, 6, 1));
  EXPECT_TRUE(Contains(s, "certificate expired at 2030-01-01T00:00:00Z")) << s;
  // Our CRL for our PKI does not cover a foreign issuer.
  s = VerifyCertificateChain(
      *leaf, {}, {*ca}, kNow,
      {*CrlBuilder().Sign(TestPki().root, TestPki().root_key)});
  EXPECT_TRUE(Contains(s, "no CRL from issuer CN=Fuzz CA,O=Fuzz")) << s;
}

TEST(X509Test, UnsupportedKeyTypeIsRejectedAtParse) {
  // Self-signed Ed25519 certificate from Python's `cryptography`.
  absl::StatusOr<Certificate> c =
      Certificate::FromDer(ReadFixture("ed25519.der"));
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(c.status(), "certificate CN=ed: key type"))
      << c.status();
  EXPECT_TRUE(Contains(c.status(), "is not supported")) << c.status();
}

}  // namespace
}  // namespace cygnet::crypto
