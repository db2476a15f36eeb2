#include "crypto/signature.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "crypto/random.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::B;

class ConstantRandom final : public Random {
 public:
  explicit ConstantRandom(uint8_t value) : value_(value) {}
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) b = value_;
  }

 private:
  uint8_t value_;
};

// One RSA key for the whole binary: generation takes a noticeable fraction of
// a second.
const PrivateKey& RsaKey() {
  static const PrivateKey* key = [] {
    absl::StatusOr<PrivateKey> k = PrivateKey::GenerateRsa(2048);
    return k.ok() ? new PrivateKey(*std::move(k)) : nullptr;
  }();
  return *key;
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

TEST(SignatureTest, RsaRoundTripsEveryScheme) {
  const PrivateKey& key = RsaKey();
  ASSERT_EQ(key.type(), KeyType::kRsa);
  PublicKey pub = key.public_key();
  EXPECT_EQ(pub.rsa_bits(), 2048u);
  const std::vector<uint8_t> message = B("IKE_AUTH signed octets");
  for (SignatureScheme scheme :
       {SignatureScheme::kRsaPkcs1Sha1, SignatureScheme::kRsaPkcs1Sha256,
        SignatureScheme::kRsaPkcs1Sha384, SignatureScheme::kRsaPkcs1Sha512,
        SignatureScheme::kRsaPssSha256, SignatureScheme::kRsaPssSha384,
        SignatureScheme::kRsaPssSha512}) {
    SCOPED_TRACE(static_cast<int>(scheme));
    absl::StatusOr<std::vector<uint8_t>> sig = key.Sign(scheme, message);
    ASSERT_TRUE(sig.ok()) << sig.status();
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(pub.Verify(scheme, message, *sig).ok());
    std::vector<uint8_t> tampered = message;
    tampered[0] ^= 1;
    absl::Status bad = pub.Verify(scheme, tampered, *sig);
    EXPECT_EQ(bad.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_NE(bad.message().find("signature verification failed"),
              std::string::npos)
        << bad;
    std::vector<uint8_t> bad_sig = *sig;
    bad_sig[100] ^= 0x40;
    EXPECT_FALSE(pub.Verify(scheme, message, bad_sig).ok());
    EXPECT_FALSE(pub.Verify(scheme, message, {}).ok());
  }
}

TEST(SignatureTest, PkcsAndPssAreNotInterchangeable) {
  const PrivateKey& key = RsaKey();
  const std::vector<uint8_t> message = B("message");
  absl::StatusOr<std::vector<uint8_t>> pkcs1 =
      key.Sign(SignatureScheme::kRsaPkcs1Sha256, message);
  absl::StatusOr<std::vector<uint8_t>> pss =
      key.Sign(SignatureScheme::kRsaPssSha256, message);
  ASSERT_TRUE(pkcs1.ok() && pss.ok());
  PublicKey pub = key.public_key();
  EXPECT_FALSE(
      pub.Verify(SignatureScheme::kRsaPssSha256, message, *pkcs1).ok());
  EXPECT_FALSE(
      pub.Verify(SignatureScheme::kRsaPkcs1Sha256, message, *pss).ok());
  EXPECT_FALSE(
      pub.Verify(SignatureScheme::kRsaPkcs1Sha384, message, *pkcs1).ok());
  // PKCS#1 v1.5 is deterministic, PSS is salted.
  EXPECT_EQ(*pkcs1, *key.Sign(SignatureScheme::kRsaPkcs1Sha256, message));
  EXPECT_NE(*pss, *key.Sign(SignatureScheme::kRsaPssSha256, message));
}

TEST(SignatureTest, EcdsaRoundTripsInBothEncodings) {
  DeterministicRandom random(11);
  const std::vector<uint8_t> message = B("SVR metadata");
  for (auto [type, order_size] :
       std::vector<std::pair<KeyType, size_t>>{{KeyType::kEcdsaP256, 32},
                                               {KeyType::kEcdsaP384, 48},
                                               {KeyType::kEcdsaP521, 66}}) {
    SCOPED_TRACE(static_cast<int>(type));
    absl::StatusOr<PrivateKey> key = PrivateKey::GenerateEc(type, random);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->type(), type);
    PublicKey pub = key->public_key();
    EXPECT_EQ(pub.type(), type);
    EXPECT_EQ(pub.rsa_bits(), 0u);
    for (SignatureScheme scheme :
         {SignatureScheme::kEcdsaSha256, SignatureScheme::kEcdsaSha384,
          SignatureScheme::kEcdsaSha512}) {
      absl::StatusOr<std::vector<uint8_t>> der = key->Sign(scheme, message);
      absl::StatusOr<std::vector<uint8_t>> p1363 =
          key->Sign(scheme, message, EcdsaEncoding::kP1363);
      ASSERT_TRUE(der.ok()) << der.status();
      ASSERT_TRUE(p1363.ok()) << p1363.status();
      EXPECT_EQ((*der)[0], 0x30);  // DER SEQUENCE
      EXPECT_EQ(p1363->size(), 2 * order_size);
      EXPECT_TRUE(pub.Verify(scheme, message, *der).ok());
      EXPECT_TRUE(
          pub.Verify(scheme, message, *p1363, EcdsaEncoding::kP1363).ok());
      // Encodings are not accepted in place of each other.
      EXPECT_FALSE(
          pub.Verify(scheme, message, *der, EcdsaEncoding::kP1363).ok());
      EXPECT_FALSE(pub.Verify(scheme, message, *p1363).ok());
      std::vector<uint8_t> tampered = message;
      tampered.back() ^= 0x80;
      EXPECT_EQ(pub.Verify(scheme, tampered, *der).code(),
                absl::StatusCode::kUnauthenticated);
      EXPECT_EQ(
          pub.Verify(scheme, tampered, *p1363, EcdsaEncoding::kP1363).code(),
          absl::StatusCode::kUnauthenticated);
    }
  }
}

TEST(SignatureTest, P1363WrongLengthNamesTheSize) {
  DeterministicRandom random(12);
  absl::StatusOr<PrivateKey> key =
      PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
  ASSERT_TRUE(key.ok());
  absl::Status s = key->public_key().Verify(SignatureScheme::kEcdsaSha256,
                                            B("m"), std::vector<uint8_t>(63, 1),
                                            EcdsaEncoding::kP1363);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("must be 64 bytes, got 63"), std::string::npos)
      << s;
  // r = s = 0 is never a valid signature.
  EXPECT_FALSE(key->public_key()
                   .Verify(SignatureScheme::kEcdsaSha256, B("m"),
                           std::vector<uint8_t>(64, 0), EcdsaEncoding::kP1363)
                   .ok());
}

TEST(SignatureTest, SchemeMustSuitTheKey) {
  DeterministicRandom random(13);
  absl::StatusOr<PrivateKey> ec =
      PrivateKey::GenerateEc(KeyType::kEcdsaP384, random);
  ASSERT_TRUE(ec.ok());
  absl::StatusOr<std::vector<uint8_t>> sig =
      ec->Sign(SignatureScheme::kRsaPssSha256, B("m"));
  EXPECT_EQ(sig.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(sig.status().message().find("RSA-PSS-SHA256 needs an RSA key, got "
                                        "a ECDSA-P384 key"),
            std::string::npos)
      << sig.status();
  absl::Status v = RsaKey().public_key().Verify(SignatureScheme::kEcdsaSha256,
                                                B("m"), B("sig"));
  EXPECT_EQ(v.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(v.message().find("needs an ECDSA key, got a RSA key"),
            std::string::npos)
      << v;
}

TEST(SignatureTest, GenerateEcIsReproducibleAndRejectsBadDraws) {
  DeterministicRandom r1(99), r2(99);
  absl::StatusOr<PrivateKey> a =
      PrivateKey::GenerateEc(KeyType::kEcdsaP521, r1);
  absl::StatusOr<PrivateKey> b =
      PrivateKey::GenerateEc(KeyType::kEcdsaP521, r2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a->ToPkcs8Der(), *b->ToPkcs8Der());
  for (uint8_t fill : {0x00, 0xff}) {
    ConstantRandom constant(fill);
    absl::StatusOr<PrivateKey> k =
        PrivateKey::GenerateEc(KeyType::kEcdsaP256, constant);
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInternal);
    EXPECT_NE(k.status().message().find("unusable scalars"), std::string::npos);
  }
  absl::StatusOr<PrivateKey> rsa = PrivateKey::GenerateEc(KeyType::kRsa, r1);
  EXPECT_EQ(rsa.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SignatureTest, GenerateRsaValidatesBits) {
  for (int bits : {0, 1024, 2047, 2100, 8192}) {
    absl::StatusOr<PrivateKey> k = PrivateKey::GenerateRsa(bits);
    EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(k.status().message().find(absl::StrCat("got ", bits)),
              std::string::npos);
  }
}

TEST(SignatureTest, KeyEncodingsRoundTrip) {
  DeterministicRandom random(14);
  std::vector<PrivateKey> keys = {RsaKey()};
  for (KeyType type :
       {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
    keys.push_back(*PrivateKey::GenerateEc(type, random));
  }
  for (const PrivateKey& key : keys) {
    SCOPED_TRACE(static_cast<int>(key.type()));
    absl::StatusOr<std::vector<uint8_t>> pkcs8 = key.ToPkcs8Der();
    ASSERT_TRUE(pkcs8.ok());
    absl::StatusOr<PrivateKey> from_der = PrivateKey::FromDer(*pkcs8);
    ASSERT_TRUE(from_der.ok()) << from_der.status();
    EXPECT_EQ(from_der->type(), key.type());
    EXPECT_EQ(*from_der->ToPkcs8Der(), *pkcs8);
    absl::StatusOr<PrivateKey> from_pem =
        PrivateKey::FromPem(ToPem("PRIVATE KEY", *pkcs8));
    ASSERT_TRUE(from_pem.ok()) << from_pem.status();
    EXPECT_EQ(*from_pem->ToPkcs8Der(), *pkcs8);

    absl::StatusOr<std::vector<uint8_t>> spki = key.public_key().ToDer();
    ASSERT_TRUE(spki.ok());
    absl::StatusOr<PublicKey> pub = PublicKey::FromDer(*spki);
    ASSERT_TRUE(pub.ok()) << pub.status();
    EXPECT_EQ(pub->type(), key.type());
    EXPECT_EQ(*pub->ToDer(), *spki);
    // A key parsed from its encoding verifies the original's signatures.
    const SignatureScheme scheme = key.type() == KeyType::kRsa
                                       ? SignatureScheme::kRsaPssSha384
                                       : SignatureScheme::kEcdsaSha384;
    absl::StatusOr<std::vector<uint8_t>> sig = from_pem->Sign(scheme, B("x"));
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(pub->Verify(scheme, B("x"), *sig).ok());

    std::vector<uint8_t> trailing = *spki;
    trailing.push_back(0);
    absl::StatusOr<PublicKey> bad = PublicKey::FromDer(trailing);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find("1 trailing bytes"),
              std::string::npos)
        << bad.status();
    std::vector<uint8_t> truncated(pkcs8->begin(), pkcs8->end() - 1);
    EXPECT_EQ(PrivateKey::FromDer(truncated).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

TEST(SignatureTest, RejectsGarbageEncodings) {
  absl::StatusOr<PrivateKey> k = PrivateKey::FromDer(B("not a key"));
  EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(k.status().message().find("9 bytes"), std::string::npos);
  EXPECT_FALSE(PrivateKey::FromDer({}).ok());
  EXPECT_FALSE(PrivateKey::FromPem("").ok());
  EXPECT_FALSE(PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                   "-----END PRIVATE KEY-----\n")
                   .ok());
  absl::StatusOr<PublicKey> p = PublicKey::FromDer(B("\x30\x03\x02\x01\x01"));
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(PublicKey::FromDer({}).ok());
}

// Fixtures generated once with `openssl ecparam -genkey -name prime256v1
// -noout` and `openssl genrsa -traditional 1024`, with the matching public
// keys from `openssl pkey -pubout -outform DER`.
constexpr char kEcPrivateKeyPem[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIAYJW5nh8g5CPDTcDPs/ECOnCHQ5CB9ygcJVmOfXRtj9oAoGCCqGSM49\n"
    "AwEHoUQDQgAEWeu7y3uOki2VCDyLVKfqHTFL7ehOIlBKt1Kmlpt4JNLlt/6bqM1k\n"
    "f7qQ/BFj+mZz2PPLX0tfwW9hc1GQFFuyeg==\n"
    "-----END EC PRIVATE KEY-----\n";
constexpr char kEcPublicKeyDer[] =
    "3059301306072a8648ce3d020106082a8648ce3d0301070342000459ebbbcb7b8e922d"
    "95083c8b54a7ea1d314bede84e22504ab752a6969b7824d2e5b7fe9ba8cd647fba90fc"
    "1163fa6673d8f3cb5f4b5fc16f61735190145bb27a";
constexpr char kRsaPrivateKeyPem[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDlLagAQYgN+nyA646dmuDm8u9IS68qnYx5B+BccXB6qHkeldFW\n"
    "wLuK/Rbl/uv0sT0joMxaTdph4eXmMwVQw8VgvrfZNhfawUXK63KZUc9z7JBlRjC0\n"
    "9kt191QwS3brFIChvcZeLLIICcD32qAW/rKpI1QyspJxGYvuvfTcNV0doQIDAQAB\n"
    "AoGBALP5/eRtkjZAD0SDOJWmypY0FBv3a9GQtn9Z4yVV5No+sheF2kdBxkZpaXEn\n"
    "mA+qnPP81F7aovSZnZ0BVlxN0hMiUzAMrBe4xYHjw/C0n9NGfOa9kC5vHdTfLi7p\n"
    "+iOmSwCEaJ6FjOg4kMlfjiAg7O+y9Xy6LcLLrxWkOPQcGOJBAkEA9pr4Q7DxYTxC\n"
    "rmZazGHztPyWCXLT/t461XPg+42UK9pmYG7dRPi+ncoMwXKzHaYTpOeedYEYx0yF\n"
    "08eZ/hYTWQJBAO3oupFWZAvOKx9ogr4cB/zNkTLPFD9ilihXm3MF6tXQdm325c2b\n"
    "mk12qt8fX/RNrSft5Csb5SZP+g+xc98pe4kCQQC6fnPl7Th+Sm47Kdjc2+7MHoDw\n"
    "4FAGXNWtexbX5jf5+g6WOwFHGb494gFHgpCGiYQtn6QsRNcSUYKbqEWC6/rxAkAs\n"
    "c4BwaVjWD9Zkzu0mwiwH4wzPFnvs/+mYbg4AZsmi24lVMH1tdjZVZOe2OrF9/wls\n"
    "XXl1SIf/KZBKYFiLCMApAkB645WvZ5u2B+lArPpkLmFJ4r9khB0Fcc+IFoU68viC\n"
    "5aKYCYvI4rApeOQ3RUgpvK34vnAKksOIDpAkzM1hnzww\n"
    "-----END RSA PRIVATE KEY-----\n";
constexpr char kRsaPublicKeyDer[] =
    "30819f300d06092a864886f70d010101050003818d0030818902818100e52da8004188"
    "0dfa7c80eb8e9d9ae0e6f2ef484baf2a9d8c7907e05c71707aa8791e95d156c0bb8afd"
    "16e5feebf4b13d23a0cc5a4dda61e1e5e6330550c3c560beb7d93617dac145caeb7299"
    "51cf73ec90654630b4f64b75f754304b76eb1480a1bdc65e2cb20809c0f7daa016feb2"
    "a9235432b29271198beebdf4dc355d1da10203010001";

TEST(SignatureTest, TraditionalPemFormsParse) {
  absl::StatusOr<PrivateKey> ec = PrivateKey::FromPem(kEcPrivateKeyPem);
  ASSERT_TRUE(ec.ok()) << ec.status();
  EXPECT_EQ(ec->type(), KeyType::kEcdsaP256);
  EXPECT_EQ(*ec->public_key().ToDer(), test::H(kEcPublicKeyDer));
  absl::StatusOr<PrivateKey> rsa = PrivateKey::FromPem(kRsaPrivateKeyPem);
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  EXPECT_EQ(rsa->type(), KeyType::kRsa);
  EXPECT_EQ(rsa->public_key().rsa_bits(), 1024u);
  EXPECT_EQ(*rsa->public_key().ToDer(), test::H(kRsaPublicKeyDer));
  // Their PKCS#8 forms parse back to the same keys.
  absl::StatusOr<PrivateKey> again = PrivateKey::FromDer(*rsa->ToPkcs8Der());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->public_key().ToDer(), test::H(kRsaPublicKeyDer));
}

TEST(SignatureTest, UnsupportedKeyTypesAreNamed) {
  // A P-224 key (`openssl ecparam -name secp224r1`) and an Ed25519 key.
  absl::StatusOr<PublicKey> p224 = PublicKey::FromDer(test::H(
      "304e301006072a8648ce3d020106052b81040021033a00047aac327fcfaf01c8acc13f"
      "ee6cc4b46856a594af6d1b8192a04b93945a0413ec212919d1b764c3f816b248d836a4"
      "9c992bb1b7243dac5072"));
  EXPECT_EQ(p224.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(p224.status().message().find("EC key curve secp224r1 is not "
                                         "supported"),
            std::string::npos)
      << p224.status();
  absl::StatusOr<PublicKey> ed25519 = PublicKey::FromDer(
      test::H("302a300506032b6570032100fb0f51f6073ea39e160c35552fc5b06235f1d8"
              "53bfd79d4280436bc4701687d3"));
  EXPECT_EQ(ed25519.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ed25519.status().message().find("is not supported (RSA and EC "
                                            "keys are)"),
            std::string::npos)
      << ed25519.status();
}

}  // namespace
}  // namespace cygnet::crypto
