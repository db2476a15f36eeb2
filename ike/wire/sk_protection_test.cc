#include "ike/wire/sk_protection.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/wire/message.h"
#include "ike/wire/test_messages.h"

namespace cygnet::ike::wire {
namespace {

using ::testing::HasSubstr;

struct SuiteCase {
  EncryptionId encryption;
  uint16_t key_bits;
  IntegrityId integrity;
};

std::string SuiteName(const SuiteCase& c) {
  return absl::StrCat(ToString(c.encryption), "_", c.key_bits, "_",
                      ToString(c.integrity));
}

struct Keys {
  crypto::SecretBytes e;
  crypto::SecretBytes a;
};

Keys MakeKeys(const SuiteCase& c, uint64_t seed) {
  auto sizes = SkKeySizesFor(c.encryption, c.key_bits, c.integrity);
  EXPECT_TRUE(sizes.ok()) << sizes.status();
  crypto::DeterministicRandom random(seed);
  return {random.Secret(sizes->encryption_key),
          random.Secret(sizes->integrity_key)};
}

SkCipher MakeCipher(const SuiteCase& c, uint64_t seed = 1) {
  Keys keys = MakeKeys(c, seed);
  auto cipher =
      SkCipher::Create(c.encryption, c.key_bits, c.integrity, keys.e, keys.a);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return *std::move(cipher);
}

class SkSuiteTest : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SkSuiteTest, ProtectThenUnprotectRoundTrips) {
  const SkCipher cipher = MakeCipher(GetParam());
  crypto::DeterministicRandom random(7);
  const Header header = testing::IkeAuthHeader(false);
  const std::vector<Payload> inner = testing::IkeAuthRequestInner();
  auto bytes = cipher.Protect(header, inner, random);
  ASSERT_TRUE(bytes.ok()) << bytes.status();

  auto opened = cipher.Unprotect(*bytes);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->payloads, inner);
  EXPECT_TRUE(opened->unprotected.empty());
  EXPECT_EQ(opened->header.message_id, 1u);
  EXPECT_EQ(opened->header.next_payload, PayloadType::kEncrypted);
  EXPECT_EQ(opened->header.length, bytes->size());

  // The outer message is an ordinary codec message that round-trips.
  auto outer = Decode(*bytes);
  ASSERT_TRUE(outer.ok());
  auto reencoded = Encode(*outer);
  ASSERT_TRUE(reencoded.ok());
  EXPECT_EQ(*reencoded, *bytes);

  // Fresh IVs: protecting twice gives different bytes.
  auto second = cipher.Protect(header, inner, random);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *bytes);

  // An empty inner chain (e.g. an INFORMATIONAL liveness check) works too.
  auto empty = cipher.Protect(header, {}, random);
  ASSERT_TRUE(empty.ok());
  auto opened_empty = cipher.Unprotect(*empty);
  ASSERT_TRUE(opened_empty.ok()) << opened_empty.status();
  EXPECT_TRUE(opened_empty->payloads.empty());
}

TEST_P(SkSuiteTest, EveryTamperedByteIsDetected) {
  const SkCipher cipher = MakeCipher(GetParam());
  crypto::DeterministicRandom random(8);
  std::vector<Payload> inner = {Payload::Of(
      Notify{ProtocolId::kNone, {}, NotifyType::kInitialContact, {}})};
  auto bytes = cipher.Protect(testing::IkeAuthHeader(true), inner, random);
  ASSERT_TRUE(bytes.ok());
  // Flip one bit in every byte in turn: header, SK header, IV, ciphertext,
  // ICV. Either the codec refuses the outer message or the ICV fails; never
  // does a tampered message open.
  for (size_t i = 0; i < bytes->size(); ++i) {
    Bytes tampered = *bytes;
    tampered[i] ^= 0x01;
    auto opened = cipher.Unprotect(tampered);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    if (i >= kHeaderSize + kGenericPayloadHeaderSize) {
      EXPECT_THAT(std::string(opened.status().message()),
                  HasSubstr("SK payload: integrity check failed"))
          << "byte " << i;
    }
  }
}

TEST_P(SkSuiteTest, WrongKeysFailIntegrity) {
  const SkCipher sender = MakeCipher(GetParam(), 1);
  const SkCipher receiver = MakeCipher(GetParam(), 2);
  crypto::DeterministicRandom random(9);
  auto bytes = sender.Protect(testing::IkeAuthHeader(false),
                              testing::IkeAuthResponseInner(), random);
  ASSERT_TRUE(bytes.ok());
  auto opened = receiver.Unprotect(*bytes);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("integrity check failed"));
}

TEST_P(SkSuiteTest, TruncatedBodyIsRejected) {
  const SkCipher cipher = MakeCipher(GetParam());
  Message m;
  m.header = testing::IkeAuthHeader(false);
  m.payloads.push_back(Payload::Of(Encrypted{
      PayloadType::kNotify, Bytes(cipher.iv_size() + cipher.icv_size(), 0)}));
  auto bytes = Encode(m);
  ASSERT_TRUE(bytes.ok());
  auto opened = cipher.Unprotect(*bytes);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("SK payload: encrypted body of"));
}

INSTANTIATE_TEST_SUITE_P(
    Suites, SkSuiteTest,
    ::testing::Values(
        SuiteCase{EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha1_96},
        SuiteCase{EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha2_256_128},
        SuiteCase{EncryptionId::kAesCbc, 192, IntegrityId::kHmacSha2_384_192},
        SuiteCase{EncryptionId::kAesCbc, 256, IntegrityId::kHmacSha2_256_128},
        SuiteCase{EncryptionId::kAesCbc, 256, IntegrityId::kHmacSha2_384_192},
        SuiteCase{EncryptionId::kAesCbc, 256, IntegrityId::kHmacSha2_512_256},
        SuiteCase{EncryptionId::kAesGcm8, 128, IntegrityId::kNone},
        SuiteCase{EncryptionId::kAesGcm12, 128, IntegrityId::kNone},
        SuiteCase{EncryptionId::kAesGcm16, 128, IntegrityId::kNone},
        SuiteCase{EncryptionId::kAesGcm8, 256, IntegrityId::kNone},
        SuiteCase{EncryptionId::kAesGcm12, 256, IntegrityId::kNone},
        SuiteCase{EncryptionId::kAesGcm16, 256, IntegrityId::kNone}),
    [](const ::testing::TestParamInfo<SuiteCase>& info) {
      return SuiteName(info.param);
    });

// The CBC layout, checked with the crypto primitives directly rather than
// through SkCipher::Unprotect.
TEST(SkLayoutTest, CbcLayoutMatchesRfc7296) {
  const SuiteCase suite{EncryptionId::kAesCbc, 256,
                        IntegrityId::kHmacSha2_256_128};
  Keys keys = MakeKeys(suite, 3);
  auto cipher = SkCipher::Create(suite.encryption, suite.key_bits,
                                 suite.integrity, keys.e, keys.a);
  ASSERT_TRUE(cipher.ok());
  crypto::DeterministicRandom random(4);
  std::vector<Payload> inner = {Payload::Of(Nonce{Bytes(20, 0xab)})};
  auto bytes = cipher->Protect(testing::IkeAuthHeader(false), inner, random);
  ASSERT_TRUE(bytes.ok());
  // 28 header + 4 SK header + 16 IV + 32 (24 Nonce payload + 7 padding + 1)
  // + 16 ICV.
  ASSERT_EQ(bytes->size(), 28u + 4 + 16 + 32 + 16);
  EXPECT_EQ((*bytes)[16], 46);  // Next Payload: SK
  EXPECT_EQ((*bytes)[28], 40);  // SK's Next Payload: the inner Nonce
  auto hmac =
      crypto::Hmac::Create(crypto::HashAlgorithm::kSha256, keys.a.span());
  ASSERT_TRUE(hmac.ok());
  const absl::Span<const uint8_t> all(*bytes);
  EXPECT_TRUE(hmac->Verify(all.subspan(0, all.size() - 16),
                           all.subspan(all.size() - 16))
                  .ok());
  auto aes = crypto::AesCbc::Create(keys.e.span());
  ASSERT_TRUE(aes.ok());
  Bytes text(bytes->begin() + 48, bytes->end() - 16);
  ASSERT_TRUE(aes->Decrypt(all.subspan(32, 16), absl::MakeSpan(text)).ok());
  EXPECT_EQ(text.back(), 7);  // Pad Length
  EXPECT_EQ(text[0], 0);      // inner Nonce: last payload
  EXPECT_EQ(text[3], 24);     // inner Nonce: length
  EXPECT_EQ(text[4], 0xab);
}

TEST(SkLayoutTest, GcmLayoutMatchesRfc5282) {
  const SuiteCase suite{EncryptionId::kAesGcm16, 128, IntegrityId::kNone};
  Keys keys = MakeKeys(suite, 5);
  ASSERT_EQ(keys.e.size(), 20u);
  auto cipher = SkCipher::Create(suite.encryption, suite.key_bits,
                                 suite.integrity, keys.e, keys.a);
  ASSERT_TRUE(cipher.ok());
  crypto::DeterministicRandom random(6);
  std::vector<Payload> inner = {Payload::Of(Nonce{Bytes(20, 0xcd)})};
  auto bytes = cipher->Protect(testing::IkeAuthHeader(true), inner, random);
  ASSERT_TRUE(bytes.ok());
  // 28 header + 4 SK header + 8 IV + 25 (24 Nonce payload + Pad Length) + 16.
  ASSERT_EQ(bytes->size(), 28u + 4 + 8 + 25 + 16);
  auto aead = crypto::Aead::Create(crypto::AeadAlgorithm::kAesGcm128,
                                   keys.e.span().subspan(0, 16), 16);
  ASSERT_TRUE(aead.ok());
  const absl::Span<const uint8_t> all(*bytes);
  Bytes nonce(keys.e.data() + 16, keys.e.data() + 20);
  nonce.insert(nonce.end(), bytes->begin() + 32, bytes->begin() + 40);
  Bytes text(bytes->begin() + 40, bytes->end() - 16);
  ASSERT_TRUE(aead->Open(nonce, all.subspan(0, 32), absl::MakeSpan(text),
                         all.subspan(all.size() - 16))
                  .ok());
  EXPECT_EQ(text.back(), 0);  // Pad Length
  EXPECT_EQ(text[3], 24);
  EXPECT_EQ(text[4], 0xcd);
}

// A CBC message with a valid ICV whose decrypted Pad Length is impossible.
TEST(SkLayoutTest, ImpossiblePadLengthIsRejectedAfterVerification) {
  const SuiteCase suite{EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha1_96};
  Keys keys = MakeKeys(suite, 11);
  auto cipher = SkCipher::Create(suite.encryption, suite.key_bits,
                                 suite.integrity, keys.e, keys.a);
  ASSERT_TRUE(cipher.ok());
  const size_t total = 28 + 4 + 16 + 16 + 12;
  Bytes bytes = EncodeHeader(testing::IkeAuthHeader(false),
                             PayloadType::kEncrypted, total);
  const size_t sk_length = total - 28;
  bytes.insert(bytes.end(), {0, 0, 0, static_cast<uint8_t>(sk_length)});
  bytes.resize(total, 0);
  bytes[28 + 4 + 16 + 15] = 16;  // Pad Length 16 in a 16-byte plaintext
  auto aes = crypto::AesCbc::Create(keys.e.span());
  ASSERT_TRUE(aes.ok());
  absl::Span<uint8_t> all = absl::MakeSpan(bytes);
  ASSERT_TRUE(aes->Encrypt(all.subspan(32, 16), all.subspan(48, 16)).ok());
  auto hmac = crypto::Hmac::Create(crypto::HashAlgorithm::kSha1, keys.a.span());
  ASSERT_TRUE(hmac.ok());
  ASSERT_TRUE(
      hmac->Compute(all.subspan(0, total - 12), all.subspan(total - 12)).ok());
  auto opened = cipher->Unprotect(bytes);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("SK payload: Pad Length 16 exceeds the 15 decrypted"));

  // And a ciphertext that is not whole blocks.
  Message m;
  m.header = testing::IkeAuthHeader(false);
  m.payloads.push_back(
      Payload::Of(Encrypted{PayloadType::kNotify, Bytes(16 + 17 + 12, 0)}));
  auto odd = Encode(m);
  ASSERT_TRUE(odd.ok());
  EXPECT_THAT(std::string(cipher->Unprotect(*odd).status().message()),
              HasSubstr("ciphertext of 17 bytes is not a multiple of the "
                        "16-byte block"));
}

TEST(SkCipherTest, InnerDecodeErrorsNameTheInnerPayload) {
  const SkCipher cipher =
      MakeCipher({EncryptionId::kAesGcm16, 256, IntegrityId::kNone});
  crypto::DeterministicRandom random(12);
  // A chunk that claims a Nonce payload but is truncated.
  auto bytes =
      cipher.ProtectFragment(testing::IkeAuthHeader(false), 1, 1,
                             PayloadType::kNonce, Bytes{0, 0, 0, 9}, random);
  ASSERT_TRUE(bytes.ok());
  Bytes plaintext = {0, 0, 0, 9};
  auto fragment = cipher.UnprotectFragment(*bytes);
  ASSERT_TRUE(fragment.ok()) << fragment.status();
  EXPECT_EQ(fragment->plaintext, plaintext);
  auto chain =
      DecodePayloadChain(fragment->first_inner_payload, fragment->plaintext);
  EXPECT_FALSE(chain.ok());

  std::vector<Payload> bad = {Payload::Of(Nonce{Bytes(3, 0)})};
  auto refused = cipher.Protect(testing::IkeAuthHeader(false), bad, random);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("SK inner: payload 1 (Nonce)"));
}

TEST(SkCipherTest, CriticalUnknownInnerPayloadCarriesItsNotify) {
  const SkCipher cipher =
      MakeCipher({EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha1_96});
  crypto::DeterministicRandom random(13);
  std::vector<Payload> inner = testing::IkeAuthResponseInner();
  inner.insert(inner.begin() + 1,
               Payload{static_cast<PayloadType>(250), true, Unknown{{1, 2}}});
  auto bytes = cipher.Protect(testing::IkeAuthHeader(true), inner, random);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto opened = cipher.Unprotect(*bytes);
  ASSERT_FALSE(opened.ok());
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("SK inner: payload 2 (UNKNOWN(250)): unsupported "
                        "payload marked critical"));
  auto notify = NotifyForError(opened.status());
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, NotifyType::kUnsupportedCriticalPayload);
  EXPECT_EQ(notify->data, Bytes{250});

  // Not critical: skipped over, kept, and the rest decodes.
  inner[1].critical = false;
  bytes = cipher.Protect(testing::IkeAuthHeader(true), inner, random);
  ASSERT_TRUE(bytes.ok());
  opened = cipher.Unprotect(*bytes);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->payloads, inner);
}

TEST(SkCipherTest, UnprotectNeedsTheRightPayload) {
  const SkCipher cipher =
      MakeCipher({EncryptionId::kAesGcm16, 128, IntegrityId::kNone});
  auto plain = Encode(testing::IkeSaInitRequest());
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(std::string(cipher.Unprotect(*plain).status().message()),
              HasSubstr("SK payload: missing in IKE_SA_INIT request 0"));
  EXPECT_THAT(std::string(cipher.UnprotectFragment(*plain).status().message()),
              HasSubstr("SKF payload: missing"));
}

TEST(SkCipherTest, CreateRejectsBadParameters) {
  crypto::SecretBytes k16(16), k20(20), k32(32), k36(36), none;
  auto status = [](absl::StatusOr<SkCipher> c) {
    return std::string(c.status().message());
  };
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::k3Des, 192,
                                      IntegrityId::kHmacSha1_96, k16, k20)),
              HasSubstr("ENCR_3DES is not supported"));
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::kAesCbc, 128,
                                      IntegrityId::kHmacMd5_96, k16, k16)),
              HasSubstr("AUTH_HMAC_MD5_96 is not supported"));
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::kAesCbc, 100,
                                      IntegrityId::kHmacSha1_96, k16, k20)),
              HasSubstr("key length 100 bits"));
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::kAesCbc, 256,
                                      IntegrityId::kHmacSha1_96, k16, k20)),
              HasSubstr("SK_e of 16 bytes, ENCR_AES_CBC with 256-bit keys "
                        "needs 32"));
  EXPECT_THAT(
      status(SkCipher::Create(EncryptionId::kAesCbc, 128,
                              IntegrityId::kHmacSha2_256_128, k16, k20)),
      HasSubstr("SK_a of 20 bytes, AUTH_HMAC_SHA2_256_128 needs 32"));
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::kAesGcm16, 256,
                                      IntegrityId::kNone, k32, none)),
              HasSubstr("needs 36"));
  EXPECT_THAT(status(SkCipher::Create(EncryptionId::kAesGcm16, 256,
                                      IntegrityId::kHmacSha1_96, k36, k20)),
              HasSubstr("takes no integrity algorithm"));
  EXPECT_TRUE(SkCipher::Create(EncryptionId::kAesGcm16, 256, IntegrityId::kNone,
                               k36, none)
                  .ok());
  auto sizes = SkKeySizesFor(EncryptionId::kAesGcm8, 128, IntegrityId::kNone);
  ASSERT_TRUE(sizes.ok());
  EXPECT_EQ(sizes->encryption_key, 20u);
  EXPECT_EQ(sizes->integrity_key, 0u);
  sizes =
      SkKeySizesFor(EncryptionId::kAesCbc, 192, IntegrityId::kHmacSha2_512_256);
  ASSERT_TRUE(sizes.ok());
  EXPECT_EQ(sizes->encryption_key, 24u);
  EXPECT_EQ(sizes->integrity_key, 64u);
}

TEST(SkCipherTest, MaxPlaintextFor) {
  const SkCipher cbc =
      MakeCipher({EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha2_256_128});
  // body 100: 100 - 16 IV - 16 ICV = 68 -> 64 bytes of blocks -> 63.
  EXPECT_EQ(cbc.MaxPlaintextFor(100), 63u);
  EXPECT_EQ(cbc.MaxPlaintextFor(47), 0u);
  const SkCipher gcm =
      MakeCipher({EncryptionId::kAesGcm8, 128, IntegrityId::kNone});
  EXPECT_EQ(gcm.MaxPlaintextFor(100), 100u - 8 - 8 - 1);
}

}  // namespace
}  // namespace cygnet::ike::wire
