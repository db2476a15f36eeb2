// Key derivation against an independent Python implementation
// (ike/testdata/kdf_reference.py -> kdf_reference.txt) for the SK_* split,
// Child SA KEYMAT order with and without PFS, IKE SA rekey and RFC 8784 PPK
// mixing; plus every documented error.
#include "ike/key_derivation.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ike/test_records.h"

namespace cygnet::ike {
namespace {

using crypto::PrfAlgorithm;
using crypto::SecretBytes;
using test::Bytes;
using test::Hex;
using test::Record;
using test::Secret;
using test::Uint64;

std::map<std::string, Record> LoadReference() {
  std::map<std::string, Record> by_case;
  for (Record& r : test::ReadRecords("ike/testdata/kdf_reference.txt")) {
    by_case[r["case"]] = r;
  }
  return by_case;
}

PrfAlgorithm PrfNamed(const std::string& name) {
  if (name == "sha1") return PrfAlgorithm::kHmacSha1;
  if (name == "sha384") return PrfAlgorithm::kHmacSha384;
  if (name == "sha512") return PrfAlgorithm::kHmacSha512;
  return PrfAlgorithm::kHmacSha256;
}

EncryptionAlgorithm EncryptionNamed(const std::string& name) {
  absl::StatusOr<EncryptionAlgorithm> e = IkeEncryptionFromKeyword(name);
  if (e.ok()) return *e;
  EXPECT_EQ(name, "chacha20-poly1305");
  return EncryptionAlgorithm::kChaCha20Poly1305;
}

IntegrityAlgorithm IntegrityNamed(const std::string& name) {
  if (name == "none") return IntegrityAlgorithm::kNone;
  absl::StatusOr<IntegrityAlgorithm> i = IkeIntegrityFromKeyword(name);
  EXPECT_TRUE(i.ok()) << name;
  return i.ok() ? *i : IntegrityAlgorithm::kNone;
}

IkeSuite SuiteOf(const Record& r) {
  IkeSuite suite;
  suite.encryption = EncryptionNamed(r.at("encryption"));
  suite.integrity = IntegrityNamed(r.at("integrity"));
  suite.prf = PrfNamed(r.at("prf"));
  return suite;
}

void ExpectIkeKeys(const IkeSaKeys& keys, const Record& r) {
  EXPECT_EQ(Hex(keys.sk_d.span()), r.at("sk_d"));
  EXPECT_EQ(Hex(keys.sk_ai.span()), r.at("sk_ai"));
  EXPECT_EQ(Hex(keys.sk_ar.span()), r.at("sk_ar"));
  EXPECT_EQ(Hex(keys.sk_ei.span()), r.at("sk_ei"));
  EXPECT_EQ(Hex(keys.sk_er.span()), r.at("sk_er"));
  EXPECT_EQ(Hex(keys.sk_pi.span()), r.at("sk_pi"));
  EXPECT_EQ(Hex(keys.sk_pr.span()), r.at("sk_pr"));
}

absl::StatusOr<IkeSaKeys> InitialKeys(const Record& r) {
  return DeriveInitialIkeSaKeys(SuiteOf(r), Secret(r.at("gir")),
                                Bytes(r.at("ni")), Bytes(r.at("nr")),
                                Uint64(r.at("spi_i")), Uint64(r.at("spi_r")));
}

TEST(KeyDerivationTest, ReferenceFileLoads) {
  EXPECT_EQ(LoadReference().size(), 11u);
}

TEST(KeyDerivationTest, InitialIkeSaKeysMatchReference) {
  int checked = 0;
  for (const auto& [name, r] : LoadReference()) {
    if (r.at("kind") != "ike") continue;
    SCOPED_TRACE(name);
    HmacPrf prf(PrfNamed(r.at("prf")));
    absl::StatusOr<SecretBytes> skeyseed = ComputeSkeyseed(
        prf, Bytes(r.at("ni")), Bytes(r.at("nr")), Secret(r.at("gir")));
    ASSERT_TRUE(skeyseed.ok()) << skeyseed.status();
    EXPECT_EQ(Hex(skeyseed->span()), r.at("skeyseed"));
    absl::StatusOr<IkeSaKeys> keys = InitialKeys(r);
    ASSERT_TRUE(keys.ok()) << keys.status();
    ExpectIkeKeys(*keys, r);
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(KeyDerivationTest, SplitLengthsFollowTheSuite) {
  IkeSuite gcm{EncryptionAlgorithm::kAesGcm16_256, IntegrityAlgorithm::kNone,
               PrfAlgorithm::kHmacSha384, crypto::KeyExchangeGroup::kEcp384};
  IkeSaKeyLengths lengths = IkeSaKeyLengthsFor(gcm);
  EXPECT_EQ(lengths.d, 48u);
  EXPECT_EQ(lengths.a, 0u);
  EXPECT_EQ(lengths.e, 36u);  // 32-octet key + 4-octet salt
  EXPECT_EQ(lengths.p, 48u);
  IkeSuite cbc{EncryptionAlgorithm::kAesCbc128,
               IntegrityAlgorithm::kHmacSha2_256_128, PrfAlgorithm::kHmacSha1,
               crypto::KeyExchangeGroup::kEcp256};
  lengths = IkeSaKeyLengthsFor(cbc);
  EXPECT_EQ(lengths.d, 20u);
  EXPECT_EQ(lengths.a, 32u);
  EXPECT_EQ(lengths.e, 16u);
  EXPECT_EQ(lengths.total(), 20u + 64u + 32u + 40u);
}

TEST(KeyDerivationTest, ChildSaKeysMatchReferenceWithAndWithoutPfs) {
  const auto reference = LoadReference();
  int checked = 0;
  for (const auto& [name, r] : reference) {
    if (r.at("kind") != "child") continue;
    SCOPED_TRACE(name);
    EspSuite suite;
    suite.encryption = EncryptionNamed(r.at("encryption"));
    suite.integrity = IntegrityNamed(r.at("integrity"));
    SecretBytes pfs;
    const bool with_pfs = r.at("pfs_gir") != "none";
    if (with_pfs) {
      suite.pfs_group = crypto::KeyExchangeGroup::kEcp384;
      pfs = Secret(r.at("pfs_gir"));
    }
    // SK_d comes from the parent IKE SA, derived here, not read back.
    absl::StatusOr<IkeSaKeys> parent =
        InitialKeys(reference.at(r.at("parent")));
    ASSERT_TRUE(parent.ok()) << parent.status();
    EXPECT_EQ(Hex(parent->sk_d.span()), r.at("sk_d"));
    absl::StatusOr<ChildSaKeys> keys = DeriveChildSaKeys(
        PrfNamed(r.at("prf")), parent->sk_d, suite, with_pfs ? &pfs : nullptr,
        Bytes(r.at("ni")), Bytes(r.at("nr")));
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_EQ(Hex(keys->initiator_to_responder_encryption.span()),
              r.at("i_to_r_encryption"));
    EXPECT_EQ(Hex(keys->initiator_to_responder_integrity.span()),
              r.at("i_to_r_integrity"));
    EXPECT_EQ(Hex(keys->responder_to_initiator_encryption.span()),
              r.at("r_to_i_encryption"));
    EXPECT_EQ(Hex(keys->responder_to_initiator_integrity.span()),
              r.at("r_to_i_integrity"));
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(KeyDerivationTest, AeadChildKeysCarryTheSalt) {
  SecretBytes sk_d = SecretBytes::Copy(std::vector<uint8_t>(32, 7));
  std::vector<uint8_t> ni(32, 1), nr(32, 2);
  EspSuite gcm{EncryptionAlgorithm::kAesGcm16_256, IntegrityAlgorithm::kNone,
               std::nullopt, false};
  absl::StatusOr<ChildSaKeys> keys =
      DeriveChildSaKeys(PrfAlgorithm::kHmacSha256, sk_d, gcm, nullptr, ni, nr);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->initiator_to_responder_encryption.size(), 36u);
  EXPECT_TRUE(keys->initiator_to_responder_integrity.empty());
  EXPECT_EQ(keys->responder_to_initiator_encryption.size(), 36u);
  EXPECT_EQ(ChildSaKeyMaterialSize(gcm), 72u);
}

TEST(KeyDerivationTest, RekeyMatchesReference) {
  const auto reference = LoadReference();
  const Record& r = reference.at("rekey_sha256_to_gcm256_sha384");
  absl::StatusOr<IkeSaKeys> old_keys =
      InitialKeys(reference.at("ike_cbc256_sha256_prf_sha256"));
  ASSERT_TRUE(old_keys.ok());
  EXPECT_EQ(Hex(old_keys->sk_d.span()), r.at("old_sk_d"));

  HmacPrf old_prf(PrfAlgorithm::kHmacSha256);
  absl::StatusOr<SecretBytes> skeyseed =
      ComputeRekeySkeyseed(old_prf, old_keys->sk_d, Secret(r.at("gir")),
                           Bytes(r.at("ni")), Bytes(r.at("nr")));
  ASSERT_TRUE(skeyseed.ok());
  EXPECT_EQ(Hex(skeyseed->span()), r.at("skeyseed"));

  IkeSuite new_suite = SuiteOf(r);
  absl::StatusOr<IkeSaKeys> keys = DeriveRekeyedIkeSaKeys(
      new_suite, PrfAlgorithm::kHmacSha256, old_keys->sk_d, Secret(r.at("gir")),
      Bytes(r.at("ni")), Bytes(r.at("nr")), Uint64(r.at("spi_i")),
      Uint64(r.at("spi_r")));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ExpectIkeKeys(*keys, r);
}

TEST(KeyDerivationTest, RekeyUsesTheOldPrfNotTheNewOne) {
  const auto reference = LoadReference();
  const Record& r = reference.at("rekey_sha256_to_gcm256_sha384");
  absl::StatusOr<IkeSaKeys> old_keys =
      InitialKeys(reference.at("ike_cbc256_sha256_prf_sha256"));
  ASSERT_TRUE(old_keys.ok());
  // Passing the new PRF as the old one must give different keys.
  absl::StatusOr<IkeSaKeys> wrong = DeriveRekeyedIkeSaKeys(
      SuiteOf(r), PrfAlgorithm::kHmacSha384, old_keys->sk_d,
      Secret(r.at("gir")), Bytes(r.at("ni")), Bytes(r.at("nr")),
      Uint64(r.at("spi_i")), Uint64(r.at("spi_r")));
  ASSERT_TRUE(wrong.ok());
  EXPECT_NE(Hex(wrong->sk_d.span()), r.at("sk_d"));
}

TEST(KeyDerivationTest, PpkMixingMatchesReferenceAndKeepsOtherKeys) {
  const auto reference = LoadReference();
  int checked = 0;
  for (const auto& [name, r] : reference) {
    if (r.at("kind") != "ppk") continue;
    SCOPED_TRACE(name);
    absl::StatusOr<IkeSaKeys> keys = InitialKeys(reference.at(r.at("parent")));
    ASSERT_TRUE(keys.ok());
    absl::StatusOr<IkeSaKeys> mixed = MixPostQuantumPreSharedKey(
        PrfNamed(r.at("prf")), Secret(r.at("ppk")), *keys);
    ASSERT_TRUE(mixed.ok()) << mixed.status();
    EXPECT_EQ(Hex(mixed->sk_d.span()), r.at("sk_d"));
    EXPECT_EQ(Hex(mixed->sk_pi.span()), r.at("sk_pi"));
    EXPECT_EQ(Hex(mixed->sk_pr.span()), r.at("sk_pr"));
    // RFC 8784: SK_a* and SK_e* are not affected.
    EXPECT_TRUE(mixed->sk_ai.Equals(keys->sk_ai));
    EXPECT_TRUE(mixed->sk_ar.Equals(keys->sk_ar));
    EXPECT_TRUE(mixed->sk_ei.Equals(keys->sk_ei));
    EXPECT_TRUE(mixed->sk_er.Equals(keys->sk_er));
    // The input keys stay as they were (for NO_PPK_AUTH).
    EXPECT_FALSE(mixed->sk_pi.Equals(keys->sk_pi));
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST(KeyDerivationTest, Errors) {
  HmacPrf prf(PrfAlgorithm::kHmacSha256);
  const SecretBytes secret = SecretBytes::Copy(std::vector<uint8_t>(32, 9));
  const std::vector<uint8_t> nonce(16, 3);
  const std::vector<uint8_t> empty;

  auto s = ComputeSkeyseed(prf, empty, nonce, secret);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("Ni"), std::string::npos);
  s = ComputeSkeyseed(prf, nonce, empty, secret);
  EXPECT_NE(s.status().message().find("Nr"), std::string::npos);
  s = ComputeSkeyseed(prf, nonce, nonce, SecretBytes());
  EXPECT_NE(s.status().message().find("g^ir"), std::string::npos);
  s = ComputeRekeySkeyseed(prf, SecretBytes(), secret, nonce, nonce);
  EXPECT_NE(s.status().message().find("old SK_d"), std::string::npos);

  // prf+ has a one-octet counter: 255 blocks of 32 octets at most.
  EXPECT_TRUE(
      ExpandIkeSaKeyMaterial(prf, secret, nonce, nonce, 1, 2, 255 * 32).ok());
  s = ExpandIkeSaKeyMaterial(prf, secret, nonce, nonce, 1, 2, 255 * 32 + 1);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  // The interface's generic prf+ enforces the same bound.
  s = prf.PseudorandomFunction::Plus(secret.span(), nonce, 255 * 32 + 1);
  EXPECT_NE(s.status().message().find("255"), std::string::npos);

  const SecretBytes empty_pfs;
  s = ExpandChildSaKeyMaterial(prf, secret, &empty_pfs, nonce, nonce, 64);
  EXPECT_NE(s.status().message().find("PFS"), std::string::npos);

  // PFS secret and suite must agree.
  EspSuite no_pfs;
  auto child = DeriveChildSaKeys(PrfAlgorithm::kHmacSha256, secret, no_pfs,
                                 &secret, nonce, nonce);
  EXPECT_NE(child.status().message().find("no PFS group"), std::string::npos);
  EspSuite with_pfs;
  with_pfs.pfs_group = crypto::KeyExchangeGroup::kEcp256;
  child = DeriveChildSaKeys(PrfAlgorithm::kHmacSha256, secret, with_pfs,
                            nullptr, nonce, nonce);
  EXPECT_NE(child.status().message().find("PFS group 19"), std::string::npos);

  // Invalid suites are rejected before any derivation.
  EspSuite gcm_with_integrity{EncryptionAlgorithm::kAesGcm16_128,
                              IntegrityAlgorithm::kHmacSha2_256_128,
                              std::nullopt, false};
  child = DeriveChildSaKeys(PrfAlgorithm::kHmacSha256, secret,
                            gcm_with_integrity, nullptr, nonce, nonce);
  EXPECT_FALSE(child.ok());
  IkeSuite chacha_ike{EncryptionAlgorithm::kChaCha20Poly1305,
                      IntegrityAlgorithm::kNone, PrfAlgorithm::kHmacSha256,
                      crypto::KeyExchangeGroup::kCurve25519};
  EXPECT_FALSE(
      DeriveInitialIkeSaKeys(chacha_ike, secret, nonce, nonce, 1, 2).ok());

  // PPK: empty refused; keys of the wrong PRF length refused.
  absl::StatusOr<IkeSaKeys> keys =
      DeriveInitialIkeSaKeys(IkeSuite{}, secret, nonce, nonce, 1, 2);
  ASSERT_TRUE(keys.ok());
  auto mixed = MixPostQuantumPreSharedKey(PrfAlgorithm::kHmacSha256,
                                          SecretBytes(), *keys);
  EXPECT_NE(mixed.status().message().find("PPK is empty"), std::string::npos);
  mixed = MixPostQuantumPreSharedKey(PrfAlgorithm::kHmacSha512, secret, *keys);
  EXPECT_NE(mixed.status().message().find("PRF key length 64"),
            std::string::npos);
}

TEST(KeyDerivationTest, InitiatorAndResponderDeriveTheSameKeys) {
  // Both ends run the same function on the same public inputs and the same
  // g^ir; the SPIs' order matters.
  const SecretBytes gir = SecretBytes::Copy(std::vector<uint8_t>(96, 0x42));
  const std::vector<uint8_t> ni(32, 1), nr(32, 2);
  auto a = DeriveInitialIkeSaKeys(IkeSuite{}, gir, ni, nr, 0x1111, 0x2222);
  auto b = DeriveInitialIkeSaKeys(IkeSuite{}, gir, ni, nr, 0x1111, 0x2222);
  auto swapped =
      DeriveInitialIkeSaKeys(IkeSuite{}, gir, ni, nr, 0x2222, 0x1111);
  ASSERT_TRUE(a.ok() && b.ok() && swapped.ok());
  EXPECT_TRUE(a->sk_ei.Equals(b->sk_ei));
  EXPECT_FALSE(a->sk_ei.Equals(swapped->sk_ei));
  EXPECT_FALSE(a->sk_ei.Equals(a->sk_er));
}

}  // namespace
}  // namespace cygnet::ike
