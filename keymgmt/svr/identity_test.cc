#include "keymgmt/svr/identity.h"

#include <string>

#include "gtest/gtest.h"

namespace cygnet::keymgmt::svr {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

struct Pki {
  crypto::PrivateKey ca_key;
  crypto::Certificate ca;
};

Pki MakePki(crypto::Random& random) {
  auto key =
      crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  EXPECT_TRUE(key.ok()) << key.status();
  crypto::CertificateBuilder b;
  b.SetSubjectCommonName("root").SetIsCa(true).SetSerial(1).SetValidity(
      kNow - absl::Hours(24 * 365), kNow + absl::Hours(24 * 3650));
  auto cert = b.SelfSign(*key);
  EXPECT_TRUE(cert.ok()) << cert.status();
  return Pki{std::move(*key), std::move(*cert)};
}

crypto::Certificate Issue(const Pki& pki, const crypto::PrivateKey& key,
                          const std::string& cn, uint64_t serial,
                          absl::Time not_after) {
  crypto::CertificateBuilder b;
  b.SetSubjectCommonName(cn).SetSerial(serial).SetValidity(
      kNow - absl::Hours(24), not_after);
  auto cert = b.Issue(key.public_key(), pki.ca, pki.ca_key);
  EXPECT_TRUE(cert.ok()) << cert.status();
  return *cert;
}

TEST(IdentityTest, SelfSignedIdentityCarriesThePeeringCommonName) {
  crypto::DeterministicRandom random(1);
  auto id = GenerateSelfSignedIdentity("alias-1", crypto::KeyType::kEcdsaP256,
                                       random, kNow, absl::Hours(24 * 365));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_TRUE(id->self_signed);
  EXPECT_EQ(id->leaf().common_name(), "alias-1");
  EXPECT_EQ(id->peering_common_name, "alias-1");
  // A peer without a trusted CA list accepts it; a wrong name does not.
  CertificateValidator v;
  EXPECT_EQ(v.Validate(id->chain, "alias-1", kNow).grade,
            CertificateGrade::kValid);
  CertificateCheck wrong = v.Validate(id->chain, "alias-2", kNow);
  EXPECT_EQ(wrong.grade, CertificateGrade::kUntrusted);
  EXPECT_NE(wrong.detail.find("alias-2"), std::string::npos);
}

TEST(IdentityTest, CaIssuedIdentityMustMatchNameAndKey) {
  crypto::DeterministicRandom random(2);
  Pki pki = MakePki(random);
  auto key =
      crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  auto other =
      crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  ASSERT_TRUE(key.ok() && other.ok());
  crypto::Certificate cert =
      Issue(pki, *key, "hub", 10, kNow + absl::Hours(24 * 365));
  auto bad_name = MakeIdentity("spoke", *key, {cert});
  EXPECT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.status().message().find("'spoke'"), std::string::npos);
  EXPECT_FALSE(MakeIdentity("hub", *other, {cert}).ok());
  EXPECT_FALSE(MakeIdentity("hub", *key, {}).ok());
  auto id = MakeIdentity("hub", *key, {cert});
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_FALSE(id->self_signed);
}

TEST(CertificateValidatorTest, GradesTrustExpiryAndRevocation) {
  crypto::DeterministicRandom random(3);
  Pki pki = MakePki(random);
  Pki rogue = MakePki(random);
  auto key =
      crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  ASSERT_TRUE(key.ok());
  CertificateValidator v({pki.ca}, {});
  crypto::Certificate year =
      Issue(pki, *key, "r", 11, kNow + absl::Hours(24 * 365));
  crypto::Certificate month =
      Issue(pki, *key, "r", 12, kNow + absl::Hours(24 * 20));
  crypto::Certificate week =
      Issue(pki, *key, "r", 13, kNow + absl::Hours(24 * 3));
  crypto::Certificate past = Issue(pki, *key, "r", 14, kNow - absl::Hours(1));
  crypto::Certificate untrusted =
      Issue(rogue, *key, "r", 15, kNow + absl::Hours(24 * 365));
  EXPECT_EQ(v.Validate({year}, "r", kNow).grade, CertificateGrade::kValid);
  EXPECT_EQ(v.Validate({month}, "r", kNow).grade,
            CertificateGrade::kExpiringWithinMonth);
  EXPECT_EQ(v.Validate({week}, "r", kNow).grade,
            CertificateGrade::kExpiringWithinWeek);
  EXPECT_EQ(v.Validate({past}, "r", kNow).grade, CertificateGrade::kExpired);
  EXPECT_EQ(v.Validate({untrusted}, "r", kNow).grade,
            CertificateGrade::kUntrusted);
  // The month-old certificate turns into a week one, then expires.
  EXPECT_EQ(v.Validate({month}, "r", kNow + absl::Hours(24 * 14)).grade,
            CertificateGrade::kExpiringWithinWeek);
  EXPECT_EQ(v.Validate({month}, "r", kNow + absl::Hours(24 * 21)).grade,
            CertificateGrade::kExpired);
  auto crl = crypto::CrlBuilder()
                 .Revoke(11, kNow - absl::Hours(1))
                 .SetUpdateTimes(kNow - absl::Hours(2), kNow + absl::Hours(48))
                 .Sign(pki.ca, pki.ca_key);
  ASSERT_TRUE(crl.ok()) << crl.status();
  v.SetCrls({*crl});
  CertificateCheck revoked = v.Validate({year}, "r", kNow);
  EXPECT_EQ(revoked.grade, CertificateGrade::kRevoked) << revoked.detail;
  EXPECT_FALSE(IsUsable(revoked.grade));
  EXPECT_TRUE(IsUsable(CertificateGrade::kExpiringWithinWeek));
}

TEST(CertificateValidatorTest, CachesUntilTheNextThreshold) {
  crypto::DeterministicRandom random(4);
  Pki pki = MakePki(random);
  auto key =
      crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random);
  ASSERT_TRUE(key.ok());
  crypto::Certificate cert =
      Issue(pki, *key, "r", 11, kNow + absl::Hours(24 * 60));
  CertificateValidator v({pki.ca}, {});
  v.Validate({cert}, "r", kNow);
  v.Validate({cert}, "r", kNow + absl::Hours(1));
  v.Validate({cert}, "r", kNow + absl::Hours(24 * 10));
  EXPECT_EQ(v.cache_misses(), 1u);
  EXPECT_EQ(v.cache_hits(), 2u);
  // 60 - 30 days: the month threshold invalidates the entry.
  EXPECT_EQ(v.Validate({cert}, "r", kNow + absl::Hours(24 * 31)).grade,
            CertificateGrade::kExpiringWithinMonth);
  EXPECT_EQ(v.cache_misses(), 2u);
  // A different expected name is a different entry.
  EXPECT_EQ(v.Validate({cert}, "x", kNow).grade, CertificateGrade::kUntrusted);
  EXPECT_EQ(v.cache_misses(), 3u);
}

TEST(CertificateGradeTest, Names) {
  EXPECT_STREQ(CertificateGradeName(CertificateGrade::kExpired), "expired");
  EXPECT_STREQ(CertificateGradeName(CertificateGrade::kRevoked), "revoked");
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
