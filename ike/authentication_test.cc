#include "ike/authentication.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "crypto/hex.h"
#include "crypto/prf.h"
#include "crypto/random.h"
#include "gtest/gtest.h"
#include "ike/wire/message.h"

namespace cygnet::ike {
namespace {

using crypto::Certificate;
using crypto::CertificateBuilder;
using crypto::KeyType;
using crypto::PrfAlgorithm;
using crypto::PrivateKey;
using crypto::SecretBytes;
using crypto::SignatureScheme;
using wire::AuthMethod;
using wire::IdType;

std::vector<uint8_t> B(absl::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

std::vector<uint8_t> H(absl::string_view hex) {
  auto bytes = crypto::HexDecode(hex);
  return bytes.ok() ? *bytes : std::vector<uint8_t>(1, 0xEE);
}

std::string Hex(absl::Span<const uint8_t> bytes) {
  return crypto::HexEncode(bytes);
}

std::vector<uint8_t> Counting(size_t n) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i);
  return out;
}

// ---- Signed octets and PSK
// ----------------------------------------------------

TEST(AuthenticationTest, IdPayloadBodyLayout) {
  EXPECT_EQ(Hex(IdPayloadBody(IdType::kIpv4Address, {198, 51, 100, 5})),
            "01000000c6336405");
}

TEST(AuthenticationTest, IdPayloadBodyAgreesWithTheCodec) {
  // The body AUTH covers must be what the codec puts after the generic
  // payload header.
  for (const wire::Identification& id :
       {wire::Identification{IdType::kFqdn, B("RouterA.example.com")},
        wire::Identification{IdType::kIpv4Address, {198, 51, 100, 5}},
        wire::Identification{IdType::kDerAsn1Dn, {0x30, 0x00}}}) {
    EXPECT_EQ(IdPayloadBody(id.type, id.data),
              wire::EncodeIdentificationBody(id));
  }
}

TEST(AuthenticationTest, SignedOctetsAreMessageNonceAndMacedId) {
  const std::vector<uint8_t> message = B("IKE_SA_INIT request bytes");
  const std::vector<uint8_t> nonce_r = Counting(32);
  const SecretBytes sk_pi = SecretBytes::Copy(std::vector<uint8_t>(32, 0x11));
  const std::vector<uint8_t> body =
      IdPayloadBody(IdType::kFqdn, B("RouterA.example.com"));
  std::vector<uint8_t> octets = BuildSignedOctets(
      PrfAlgorithm::kHmacSha256, message, nonce_r, sk_pi, body);
  // prf(SK_pi, IDi body) computed independently with Python's hmac.
  EXPECT_EQ(Hex(octets), Hex(message) + Hex(nonce_r) +
                             "e355d8ef6762000f9f8c3d631d587bbbe0552356d34d610c7"
                             "7d995c3077ea26b");
}

TEST(AuthenticationTest, PskAuthMatchesIndependentComputation) {
  // seed 001: "pre-shared-key cisco123"; values from Python's hmac module.
  const SecretBytes psk = SecretBytes::Copy(B("cisco123"));
  auto auth =
      ComputeSharedKeyAuth(PrfAlgorithm::kHmacSha256, psk, Counting(64));
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(Hex(*auth),
            "ecbe97570ba8ca78c86ae944414a462da967711faf9e58ad0475db8995281f3a");
  auth = ComputeSharedKeyAuth(PrfAlgorithm::kHmacSha1, psk, Counting(64));
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(Hex(*auth), "997fd073a02c4c3434850230f6e32d09791cbb42");
}

TEST(AuthenticationTest, PskRoundTripAndFailures) {
  const SecretBytes psk = SecretBytes::Copy(B("cisco123"));
  const SecretBytes sk_pi = SecretBytes::Copy(std::vector<uint8_t>(48, 3));
  std::vector<uint8_t> octets = BuildSignedOctets(
      PrfAlgorithm::kHmacSha384, B("message 1"), Counting(32), sk_pi,
      IdPayloadBody(IdType::kIpv4Address, {198, 51, 100, 5}));
  auto auth = ComputeSharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, octets);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->size(), 48u);
  EXPECT_TRUE(
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, octets, *auth).ok());

  // Wrong PSK.
  absl::Status wrong =
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384,
                          SecretBytes::Copy(B("cisco124")), octets, *auth);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.message().find("wrong pre-shared key"),
            absl::string_view::npos);
  // Tampered signed octets.
  std::vector<uint8_t> tampered = octets;
  tampered[3] ^= 0x80;
  EXPECT_EQ(VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, tampered, *auth)
                .code(),
            absl::StatusCode::kUnauthenticated);
  // Tampered, truncated and empty AUTH values.
  std::vector<uint8_t> bad = *auth;
  bad.back() ^= 1;
  EXPECT_FALSE(
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, octets, bad).ok());
  bad = *auth;
  bad.pop_back();
  EXPECT_FALSE(
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, octets, bad).ok());
  EXPECT_FALSE(
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha384, psk, octets, {}).ok());
  // Same PSK, other PRF.
  EXPECT_FALSE(
      VerifySharedKeyAuth(PrfAlgorithm::kHmacSha256, psk, octets, *auth).ok());
  // Empty PSK is a configuration error, not a MAC.
  EXPECT_EQ(
      ComputeSharedKeyAuth(PrfAlgorithm::kHmacSha256, SecretBytes(), octets)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

// ---- Signatures
// ------------------------------------------------------------------

class Keys {
 public:
  static const Keys& Get() {
    static const Keys* keys = new Keys();
    return *keys;
  }
  const PrivateKey& rsa() const { return *rsa_; }
  const PrivateKey& rsa_other() const { return *rsa_other_; }
  const PrivateKey& ec(KeyType type) const {
    switch (type) {
      case KeyType::kEcdsaP384:
        return *p384_;
      case KeyType::kEcdsaP521:
        return *p521_;
      default:
        return *p256_;
    }
  }

 private:
  Keys() {
    crypto::DeterministicRandom random(7);
    rsa_ = std::make_unique<PrivateKey>(*PrivateKey::GenerateRsa(2048));
    rsa_other_ = std::make_unique<PrivateKey>(*PrivateKey::GenerateRsa(2048));
    p256_ = std::make_unique<PrivateKey>(
        *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random));
    p384_ = std::make_unique<PrivateKey>(
        *PrivateKey::GenerateEc(KeyType::kEcdsaP384, random));
    p521_ = std::make_unique<PrivateKey>(
        *PrivateKey::GenerateEc(KeyType::kEcdsaP521, random));
  }
  std::unique_ptr<PrivateKey> rsa_, rsa_other_, p256_, p384_, p521_;
};

struct SignatureCase {
  AuthMethod method;
  SignatureScheme scheme;
  KeyType key;
};

std::string CaseName(const SignatureCase& c) {
  return absl::StrCat("method ", static_cast<int>(c.method), " scheme ",
                      static_cast<int>(c.scheme));
}

const SignatureCase kCases[] = {
    {AuthMethod::kRsaDigitalSignature, SignatureScheme::kRsaPkcs1Sha1,
     KeyType::kRsa},
    {AuthMethod::kEcdsaSha256P256, SignatureScheme::kEcdsaSha256,
     KeyType::kEcdsaP256},
    {AuthMethod::kEcdsaSha384P384, SignatureScheme::kEcdsaSha384,
     KeyType::kEcdsaP384},
    {AuthMethod::kEcdsaSha512P521, SignatureScheme::kEcdsaSha512,
     KeyType::kEcdsaP521},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPkcs1Sha256,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPkcs1Sha384,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPkcs1Sha512,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPssSha256,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPssSha384,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kRsaPssSha512,
     KeyType::kRsa},
    {AuthMethod::kDigitalSignature, SignatureScheme::kEcdsaSha256,
     KeyType::kEcdsaP256},
    {AuthMethod::kDigitalSignature, SignatureScheme::kEcdsaSha384,
     KeyType::kEcdsaP384},
    {AuthMethod::kDigitalSignature, SignatureScheme::kEcdsaSha512,
     KeyType::kEcdsaP521},
    {AuthMethod::kDigitalSignature, SignatureScheme::kEcdsaSha256,
     KeyType::kEcdsaP384},
};

const PrivateKey& KeyFor(KeyType type) {
  return type == KeyType::kRsa ? Keys::Get().rsa() : Keys::Get().ec(type);
}

std::vector<uint8_t> SampleOctets() {
  const SecretBytes sk_pr = SecretBytes::Copy(std::vector<uint8_t>(32, 0x22));
  return BuildSignedOctets(
      PrfAlgorithm::kHmacSha256, B("IKE_SA_INIT response"), Counting(32), sk_pr,
      IdPayloadBody(IdType::kFqdn, B("RouterB.example.com")));
}

TEST(AuthenticationTest, EveryMethodSignsAndVerifies) {
  const std::vector<uint8_t> octets = SampleOctets();
  for (const SignatureCase& c : kCases) {
    SCOPED_TRACE(CaseName(c));
    const PrivateKey& key = KeyFor(c.key);
    auto auth = ComputeSignatureAuth(c.method, c.scheme, key, octets);
    ASSERT_TRUE(auth.ok()) << auth.status();
    EXPECT_TRUE(
        VerifySignatureAuth(c.method, *auth, key.public_key(), octets).ok());
    // The same through a certificate for the key, as a peer would check it.
    auto cert = CertificateBuilder()
                    .SetSubjectCommonName("peer")
                    .AddDnsName("peer.example.com")
                    .SelfSign(key);
    ASSERT_TRUE(cert.ok()) << cert.status();
    EXPECT_TRUE(
        VerifySignatureAuth(c.method, *auth, cert->public_key(), octets).ok());

    // Tampered signed octets.
    std::vector<uint8_t> tampered = octets;
    tampered[tampered.size() / 2] ^= 0x01;
    absl::Status status =
        VerifySignatureAuth(c.method, *auth, key.public_key(), tampered);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
    // Tampered signature.
    std::vector<uint8_t> bad = *auth;
    bad.back() ^= 0x01;
    EXPECT_EQ(
        VerifySignatureAuth(c.method, bad, key.public_key(), octets).code(),
        absl::StatusCode::kUnauthenticated);
  }
}

TEST(AuthenticationTest, EcdsaMethodsUseP1363AndMethod14UsesDer) {
  const std::vector<uint8_t> octets = SampleOctets();
  auto m9 = ComputeSignatureAuth(AuthMethod::kEcdsaSha256P256,
                                 SignatureScheme::kEcdsaSha256,
                                 Keys::Get().ec(KeyType::kEcdsaP256), octets);
  ASSERT_TRUE(m9.ok());
  EXPECT_EQ(m9->size(), 64u);
  auto m10 = ComputeSignatureAuth(AuthMethod::kEcdsaSha384P384,
                                  SignatureScheme::kEcdsaSha384,
                                  Keys::Get().ec(KeyType::kEcdsaP384), octets);
  ASSERT_TRUE(m10.ok());
  EXPECT_EQ(m10->size(), 96u);
  auto m11 = ComputeSignatureAuth(AuthMethod::kEcdsaSha512P521,
                                  SignatureScheme::kEcdsaSha512,
                                  Keys::Get().ec(KeyType::kEcdsaP521), octets);
  ASSERT_TRUE(m11.ok());
  EXPECT_EQ(m11->size(), 132u);
  auto m14 = ComputeSignatureAuth(AuthMethod::kDigitalSignature,
                                  SignatureScheme::kEcdsaSha256,
                                  Keys::Get().ec(KeyType::kEcdsaP256), octets);
  ASSERT_TRUE(m14.ok());
  // Length octet 12, ecdsa-with-SHA256, then a DER SEQUENCE.
  EXPECT_EQ(Hex(absl::MakeSpan(*m14).subspan(0, 13)),
            "0c300a06082a8648ce3d040302");
  EXPECT_EQ((*m14)[13], 0x30);
  // A method 9 signature presented as method 14 or vice versa fails.
  EXPECT_FALSE(VerifySignatureAuth(
                   AuthMethod::kDigitalSignature, *m9,
                   Keys::Get().ec(KeyType::kEcdsaP256).public_key(), octets)
                   .ok());
}

TEST(AuthenticationTest, AlgorithmIdentifiersFollowRfc7427) {
  // RFC 7427 appendix A: sha256WithRSAEncryption and ecdsa-with-SHA256/384/512.
  EXPECT_EQ(
      Hex(*SignatureAlgorithmIdentifier(SignatureScheme::kRsaPkcs1Sha256)),
      "300d06092a864886f70d01010b0500");
  EXPECT_EQ(Hex(*SignatureAlgorithmIdentifier(SignatureScheme::kEcdsaSha384)),
            "300a06082a8648ce3d040303");
  EXPECT_EQ(Hex(*SignatureAlgorithmIdentifier(SignatureScheme::kEcdsaSha512)),
            "300a06082a8648ce3d040304");
  // RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (RFC 7427 A.4.2 form).
  const std::string pss256 =
      "3041"
      "06092a864886f70d01010a"
      "3034"
      "a00f300d06096086480165030402010500"
      "a11c301a06092a864886f70d010108300d06096086480165030402010500"
      "a203020120";
  EXPECT_EQ(Hex(*SignatureAlgorithmIdentifier(SignatureScheme::kRsaPssSha256)),
            pss256);
  EXPECT_FALSE(
      SignatureAlgorithmIdentifier(SignatureScheme::kRsaPkcs1Sha1).ok());

  // Parsing: every scheme round-trips.
  for (SignatureScheme s :
       {SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPkcs1Sha384,
        SignatureScheme::kRsaPkcs1Sha512, SignatureScheme::kRsaPssSha256,
        SignatureScheme::kRsaPssSha384, SignatureScheme::kRsaPssSha512,
        SignatureScheme::kEcdsaSha256, SignatureScheme::kEcdsaSha384,
        SignatureScheme::kEcdsaSha512}) {
    auto der = SignatureAlgorithmIdentifier(s);
    ASSERT_TRUE(der.ok());
    auto parsed = ParseSignatureAlgorithmIdentifier(*der);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  // Accepted variants: absent NULL for RSA PKCS#1 and in PSS hash parameters.
  EXPECT_EQ(*ParseSignatureAlgorithmIdentifier(H("300b06092a864886f70d01010b")),
            SignatureScheme::kRsaPkcs1Sha256);
  EXPECT_EQ(*ParseSignatureAlgorithmIdentifier(
                H("303d06092a864886f70d01010a3030a00d300b060960864801650304"
                  "0201a11a301806092a864886f70d010108300b060960864801650304"
                  "0201a203020120")),
            SignatureScheme::kRsaPssSha256);
  // Rejected: trailing octet, ECDSA with NULL parameters, PSS with a salt of
  // 20, PSS with default (SHA-1) parameters, an unknown OID, garbage.
  EXPECT_FALSE(
      ParseSignatureAlgorithmIdentifier(H("300d06092a864886f70d01010b050000"))
          .ok());
  EXPECT_FALSE(
      ParseSignatureAlgorithmIdentifier(H("300c06082a8648ce3d0403020500"))
          .ok());
  std::string salt20 = pss256;
  salt20.replace(salt20.size() - 2, 2, "14");
  EXPECT_FALSE(ParseSignatureAlgorithmIdentifier(H(salt20)).ok());
  EXPECT_FALSE(
      ParseSignatureAlgorithmIdentifier(H("300d06092a864886f70d01010a3000"))
          .ok());
  EXPECT_FALSE(
      ParseSignatureAlgorithmIdentifier(H("300d06092a864886f70d0101050500"))
          .ok());
  auto garbage = ParseSignatureAlgorithmIdentifier(H("deadbeef"));
  EXPECT_NE(garbage.status().message().find("deadbeef"),
            absl::string_view::npos);
}

TEST(AuthenticationTest, Method14FramingAndPolicy) {
  const std::vector<uint8_t> octets = SampleOctets();
  const PrivateKey& rsa = Keys::Get().rsa();
  auto auth = ComputeSignatureAuth(AuthMethod::kDigitalSignature,
                                   SignatureScheme::kRsaPssSha384, rsa, octets);
  ASSERT_TRUE(auth.ok());
  // Local policy that accepts only ECDSA refuses a valid PSS signature.
  const SignatureScheme ecdsa_only[] = {SignatureScheme::kEcdsaSha256};
  absl::Status policy =
      VerifySignatureAuth(AuthMethod::kDigitalSignature, *auth,
                          rsa.public_key(), octets, ecdsa_only);
  EXPECT_EQ(policy.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(policy.message().find("RSA-PSS SHA-384"), absl::string_view::npos);
  const SignatureScheme pss384[] = {SignatureScheme::kRsaPssSha384};
  EXPECT_TRUE(VerifySignatureAuth(AuthMethod::kDigitalSignature, *auth,
                                  rsa.public_key(), octets, pss384)
                  .ok());
  // Framing errors.
  EXPECT_FALSE(VerifySignatureAuth(AuthMethod::kDigitalSignature, {},
                                   rsa.public_key(), octets)
                   .ok());
  EXPECT_FALSE(VerifySignatureAuth(AuthMethod::kDigitalSignature, {0, 1, 2},
                                   rsa.public_key(), octets)
                   .ok());
  std::vector<uint8_t> too_long = {200, 0x30, 0x00};
  EXPECT_NE(VerifySignatureAuth(AuthMethod::kDigitalSignature, too_long,
                                rsa.public_key(), octets)
                .message()
                .find("length 200"),
            absl::string_view::npos);
  // Signature by another RSA key.
  EXPECT_EQ(VerifySignatureAuth(AuthMethod::kDigitalSignature, *auth,
                                Keys::Get().rsa_other().public_key(), octets)
                .code(),
            absl::StatusCode::kUnauthenticated);
  // PSK is not a signature method.
  EXPECT_FALSE(VerifySignatureAuth(AuthMethod::kSharedKeyMessageIntegrityCode,
                                   *auth, rsa.public_key(), octets)
                   .ok());
}

TEST(AuthenticationTest, MethodKeyAndSchemeMustFit) {
  const std::vector<uint8_t> octets = SampleOctets();
  // Method 9 with a P-384 key, method 1 with ECDSA, method 14 ECDSA with RSA.
  EXPECT_FALSE(ComputeSignatureAuth(AuthMethod::kEcdsaSha256P256,
                                    SignatureScheme::kEcdsaSha256,
                                    Keys::Get().ec(KeyType::kEcdsaP384), octets)
                   .ok());
  EXPECT_FALSE(ComputeSignatureAuth(AuthMethod::kRsaDigitalSignature,
                                    SignatureScheme::kEcdsaSha256,
                                    Keys::Get().ec(KeyType::kEcdsaP256), octets)
                   .ok());
  EXPECT_FALSE(ComputeSignatureAuth(AuthMethod::kRsaDigitalSignature,
                                    SignatureScheme::kRsaPkcs1Sha256,
                                    Keys::Get().rsa(), octets)
                   .ok());
  EXPECT_FALSE(ComputeSignatureAuth(AuthMethod::kDigitalSignature,
                                    SignatureScheme::kEcdsaSha256,
                                    Keys::Get().rsa(), octets)
                   .ok());
  EXPECT_FALSE(ComputeSignatureAuth(AuthMethod::kDigitalSignature,
                                    SignatureScheme::kRsaPkcs1Sha1,
                                    Keys::Get().rsa(), octets)
                   .ok());
  // A valid method 9 signature checked against a P-384 key: refused before
  // any cryptography.
  auto m9 = ComputeSignatureAuth(AuthMethod::kEcdsaSha256P256,
                                 SignatureScheme::kEcdsaSha256,
                                 Keys::Get().ec(KeyType::kEcdsaP256), octets);
  ASSERT_TRUE(m9.ok());
  EXPECT_EQ(VerifySignatureAuth(
                AuthMethod::kEcdsaSha256P256, *m9,
                Keys::Get().ec(KeyType::kEcdsaP384).public_key(), octets)
                .code(),
            absl::StatusCode::kUnauthenticated);
}

// ---- Certificates
// ------------------------------------------------------------

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::DeterministicRandom random(11);
    ca_key_ = std::make_unique<PrivateKey>(
        *PrivateKey::GenerateEc(KeyType::kEcdsaP256, random));
    leaf_key_ = std::make_unique<PrivateKey>(
        *PrivateKey::GenerateEc(KeyType::kEcdsaP384, random));
    auto ca = CertificateBuilder()
                  .SetSubjectCommonName("cygnet test CA")
                  .SetIsCa(true)
                  .SetSerial(1)
                  .SetValidity(now_ - absl::Hours(24 * 365),
                               now_ + absl::Hours(24 * 365))
                  .SelfSign(*ca_key_);
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::make_unique<Certificate>(*ca);
    auto leaf = CertificateBuilder()
                    .SetSubjectCommonName("RouterB")
                    .SetSubjectOrganization("Example")
                    .AddDnsName("RouterB.example.com")
                    .AddIpAddress({198, 51, 100, 21})
                    .AddEmailAddress("noc@example.com")
                    .SetSerial(2)
                    .SetValidity(now_ - absl::Hours(24), now_ + absl::Hours(24))
                    .Issue(leaf_key_->public_key(), *ca_, *ca_key_);
    ASSERT_TRUE(leaf.ok()) << leaf.status();
    leaf_ = std::make_unique<Certificate>(*leaf);
  }

  absl::Status Verify(IdType type, absl::Span<const uint8_t> data,
                      absl::Time now) {
    return VerifyPeerCertificate(*leaf_, {}, {ca_.get(), 1}, now, {}, type,
                                 data);
  }

  const absl::Time now_ = absl::FromUnixSeconds(1780000000);
  std::unique_ptr<PrivateKey> ca_key_, leaf_key_;
  std::unique_ptr<Certificate> ca_, leaf_;
};

TEST_F(CertificateTest, IdentityMustMatchTheCertificate) {
  // FQDN, case-insensitive as the seed's FQDN rules require.
  EXPECT_TRUE(Verify(IdType::kFqdn, B("routerb.EXAMPLE.com"), now_).ok());
  absl::Status mismatch = Verify(IdType::kFqdn, B("RouterA.example.com"), now_);
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(mismatch.message().find("identity mismatch: ID_FQDN "
                                    "\"routera.example.com\""),
            absl::string_view::npos)
      << mismatch;
  EXPECT_NE(mismatch.message().find("RouterB.example.com"),
            absl::string_view::npos);
  // No wildcard or suffix matching.
  EXPECT_FALSE(Verify(IdType::kFqdn, B("example.com"), now_).ok());
  // IPv4 against SAN iPAddress.
  EXPECT_TRUE(Verify(IdType::kIpv4Address, {198, 51, 100, 21}, now_).ok());
  absl::Status ip = Verify(IdType::kIpv4Address, {198, 51, 100, 5}, now_);
  EXPECT_EQ(ip.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(ip.message().find("c6336405"), absl::string_view::npos);
  EXPECT_EQ(Verify(IdType::kIpv4Address, {1, 2, 3}, now_).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<uint8_t> v6(16, 0);
  v6[15] = 1;
  EXPECT_FALSE(Verify(IdType::kIpv6Address, v6, now_).ok());
  // RFC822.
  EXPECT_TRUE(Verify(IdType::kRfc822Address, B("NOC@example.com"), now_).ok());
  EXPECT_FALSE(Verify(IdType::kRfc822Address, B("ops@example.com"), now_).ok());
  // DER_ASN1_DN against the subject.
  EXPECT_TRUE(Verify(IdType::kDerAsn1Dn, leaf_->subject_der(), now_).ok());
  EXPECT_FALSE(Verify(IdType::kDerAsn1Dn, ca_->subject_der(), now_).ok());
  // KEY_ID cannot be bound to a certificate.
  EXPECT_NE(
      Verify(IdType::kKeyId, B("key-1"), now_).message().find("ID_KEY_ID"),
      absl::string_view::npos);
}

TEST_F(CertificateTest, ChainIsChecked) {
  // Expired at `now`.
  absl::Status expired =
      Verify(IdType::kFqdn, B("RouterB.example.com"), now_ + absl::Hours(48));
  EXPECT_EQ(expired.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(expired.message().find("peer certificate"),
            absl::string_view::npos);
  // Untrusted: the leaf is not its own anchor, and another CA is not ours.
  crypto::DeterministicRandom random(12);
  auto other_key = PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
  ASSERT_TRUE(other_key.ok());
  auto other_ca = CertificateBuilder()
                      .SetSubjectCommonName("other CA")
                      .SetIsCa(true)
                      .SetValidity(now_ - absl::Hours(24 * 365),
                                   now_ + absl::Hours(24 * 365))
                      .SelfSign(*other_key);
  ASSERT_TRUE(other_ca.ok());
  absl::Status untrusted =
      VerifyPeerCertificate(*leaf_, {}, {&*other_ca, 1}, now_, {},
                            IdType::kFqdn, B("RouterB.example.com"));
  EXPECT_EQ(untrusted.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(untrusted.message().find("expired"), absl::string_view::npos)
      << untrusted;
  // The same chain is fine against the right anchor at `now`.
  EXPECT_TRUE(Verify(IdType::kFqdn, B("RouterB.example.com"), now_).ok());
}

TEST_F(CertificateTest, RevokedCertificateIsRefused) {
  auto crl = crypto::CrlBuilder()
                 .Revoke(2, now_ - absl::Hours(1))
                 .SetUpdateTimes(now_ - absl::Hours(2), now_ + absl::Hours(24))
                 .Sign(*ca_, *ca_key_);
  ASSERT_TRUE(crl.ok()) << crl.status();
  absl::Status revoked =
      VerifyPeerCertificate(*leaf_, {}, {ca_.get(), 1}, now_, {&*crl, 1},
                            IdType::kFqdn, B("RouterB.example.com"));
  EXPECT_EQ(revoked.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(revoked.message().find("revoked"), absl::string_view::npos)
      << revoked;
  // A CRL that does not list the leaf changes nothing.
  auto other =
      crypto::CrlBuilder()
          .Revoke(99, now_ - absl::Hours(1))
          .SetUpdateTimes(now_ - absl::Hours(2), now_ + absl::Hours(24))
          .Sign(*ca_, *ca_key_);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(VerifyPeerCertificate(*leaf_, {}, {ca_.get(), 1}, now_,
                                    {&*other, 1}, IdType::kFqdn,
                                    B("RouterB.example.com"))
                  .ok());
}

TEST_F(CertificateTest, EndToEndSignatureWithCertificate) {
  // The responder signs its octets with the leaf key; the initiator verifies
  // the chain and identity, then the AUTH with the certificate's key.
  const std::vector<uint8_t> octets = SampleOctets();
  auto auth =
      ComputeSignatureAuth(AuthMethod::kDigitalSignature,
                           SignatureScheme::kEcdsaSha384, *leaf_key_, octets);
  ASSERT_TRUE(auth.ok());
  ASSERT_TRUE(Verify(IdType::kFqdn, B("RouterB.example.com"), now_).ok());
  EXPECT_TRUE(VerifySignatureAuth(AuthMethod::kDigitalSignature, *auth,
                                  leaf_->public_key(), octets)
                  .ok());
  // The CA's certificate key does not verify it.
  EXPECT_FALSE(VerifySignatureAuth(AuthMethod::kDigitalSignature, *auth,
                                   ca_->public_key(), octets)
                   .ok());
}

TEST(RsaCertificateTest, Method1WithAnRsaCertificate) {
  const PrivateKey& key = Keys::Get().rsa();
  auto cert = CertificateBuilder()
                  .SetSubjectCommonName("RouterA")
                  .AddIpAddress({198, 51, 100, 5})
                  .SelfSign(key);
  ASSERT_TRUE(cert.ok()) << cert.status();
  const std::vector<uint8_t> octets = SampleOctets();
  auto auth = ComputeSignatureAuth(AuthMethod::kRsaDigitalSignature,
                                   SignatureScheme::kRsaPkcs1Sha1, key, octets);
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(CheckIdentityMatchesCertificate(*cert, IdType::kIpv4Address,
                                              {198, 51, 100, 5})
                  .ok());
  EXPECT_TRUE(VerifySignatureAuth(AuthMethod::kRsaDigitalSignature, *auth,
                                  cert->public_key(), octets)
                  .ok());
}

// ---- SIGNATURE_HASH_ALGORITHMS
// -------------------------------------------------

TEST(SignatureHashAlgorithmsTest, BuildParseAndChoose) {
  std::vector<uint8_t> data =
      BuildSignatureHashAlgorithmsData(SupportedSignatureHashAlgorithms());
  EXPECT_EQ(Hex(data), "000200030004");
  auto parsed = ParseSignatureHashAlgorithmsData(data);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, SupportedSignatureHashAlgorithms());
  // Unknown identifiers are kept for the caller to ignore.
  parsed = ParseSignatureHashAlgorithmsData({0x00, 0x01, 0x12, 0x34});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(static_cast<uint16_t>((*parsed)[1]), 0x1234);
  EXPECT_FALSE(ParseSignatureHashAlgorithmsData({0x00}).ok());
  EXPECT_FALSE(ParseSignatureHashAlgorithmsData({}).ok());

  using H = wire::SignatureHashAlgorithm;
  const H only_256[] = {H::kSha2_256};
  const H all[] = {H::kSha1, H::kSha2_256, H::kSha2_384, H::kSha2_512};
  EXPECT_EQ(*ChooseSignatureScheme(KeyType::kRsa, true, only_256),
            SignatureScheme::kRsaPssSha256);
  EXPECT_EQ(*ChooseSignatureScheme(KeyType::kRsa, false, all),
            SignatureScheme::kRsaPkcs1Sha512);
  EXPECT_EQ(*ChooseSignatureScheme(KeyType::kEcdsaP384, false, all),
            SignatureScheme::kEcdsaSha384);
  EXPECT_EQ(*ChooseSignatureScheme(KeyType::kEcdsaP256, false, all),
            SignatureScheme::kEcdsaSha256);
  const H sha1_only[] = {H::kSha1};
  EXPECT_EQ(ChooseSignatureScheme(KeyType::kEcdsaP256, false, sha1_only)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cygnet::ike
