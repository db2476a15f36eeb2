#include "crypto/aead.h"

#include <string>

#include "crypto/hex.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::B;
using test::H;

struct KnownAnswer {
  AeadAlgorithm algorithm;
  const char* key;
  const char* nonce;
  const char* aad;
  const char* plaintext;
  const char* ciphertext;
  const char* tag;
};

// GCM specification (McGrew/Viega) test cases 2, 4 and 16; RFC 8439 2.8.2.
const KnownAnswer kKnownAnswers[] = {
    {AeadAlgorithm::kAesGcm128, "00000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
    {AeadAlgorithm::kAesGcm128, "feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {AeadAlgorithm::kAesGcm256,
     "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
     "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    {AeadAlgorithm::kChaCha20Poly1305,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
     "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
     "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
     "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
     "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
     "637265656e20776f756c642062652069742e",
     "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
     "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
     "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
     "3ff4def08e4b7a9de576d26586cec64b6116",
     "1ae10b594f09e26a7e902ecbd0600691"},
};

TEST(AeadTest, KnownAnswers) {
  for (const KnownAnswer& k : kKnownAnswers) {
    SCOPED_TRACE(AeadName(k.algorithm));
    absl::StatusOr<Aead> aead = Aead::Create(k.algorithm, H(k.key));
    ASSERT_TRUE(aead.ok()) << aead.status();
    std::vector<uint8_t> data = H(k.plaintext);
    std::vector<uint8_t> tag(16);
    ASSERT_TRUE(aead->Seal(H(k.nonce), H(k.aad), absl::MakeSpan(data),
                           absl::MakeSpan(tag))
                    .ok());
    EXPECT_EQ(HexEncode(data), k.ciphertext);
    EXPECT_EQ(HexEncode(tag), k.tag);
    ASSERT_TRUE(
        aead->Open(H(k.nonce), H(k.aad), absl::MakeSpan(data), tag).ok());
    EXPECT_EQ(HexEncode(data), k.plaintext);
  }
}

TEST(AeadTest, TruncatedGcmTagsArePrefixes) {
  const std::vector<uint8_t> key = H("feffe9928665731c6d6a8f9467308308");
  const std::vector<uint8_t> nonce = H("cafebabefacedbaddecaf888");
  for (size_t tag_size : {8u, 12u, 16u}) {
    absl::StatusOr<Aead> aead =
        Aead::Create(AeadAlgorithm::kAesGcm128, key, tag_size);
    ASSERT_TRUE(aead.ok()) << aead.status();
    EXPECT_EQ(aead->tag_size(), tag_size);
    std::vector<uint8_t> data = B("truncated");
    std::vector<uint8_t> tag(tag_size);
    ASSERT_TRUE(
        aead->Seal(nonce, {}, absl::MakeSpan(data), absl::MakeSpan(tag)).ok());
    absl::StatusOr<Aead> full = Aead::Create(AeadAlgorithm::kAesGcm128, key);
    std::vector<uint8_t> data2 = B("truncated");
    std::vector<uint8_t> full_tag(16);
    ASSERT_TRUE(
        full->Seal(nonce, {}, absl::MakeSpan(data2), absl::MakeSpan(full_tag))
            .ok());
    EXPECT_EQ(tag, std::vector<uint8_t>(full_tag.begin(),
                                        full_tag.begin() + tag_size));
    EXPECT_TRUE(aead->Open(nonce, {}, absl::MakeSpan(data), tag).ok());
    EXPECT_EQ(data, B("truncated"));
  }
}

TEST(AeadTest, RoundTripAllAlgorithmsEmptyAndLarge) {
  for (AeadAlgorithm alg :
       {AeadAlgorithm::kAesGcm128, AeadAlgorithm::kAesGcm192,
        AeadAlgorithm::kAesGcm256, AeadAlgorithm::kChaCha20Poly1305}) {
    SCOPED_TRACE(AeadName(alg));
    absl::StatusOr<Aead> aead =
        Aead::Create(alg, std::vector<uint8_t>(AeadKeySize(alg), 0x42));
    ASSERT_TRUE(aead.ok()) << aead.status();
    EXPECT_EQ(aead->algorithm(), alg);
    const std::vector<uint8_t> nonce(12, 9);
    for (size_t size : {0u, 1u, 15u, 16u, 17u, 1400u}) {
      std::vector<uint8_t> plain(size);
      for (size_t i = 0; i < size; ++i) plain[i] = static_cast<uint8_t>(i);
      std::vector<uint8_t> data = plain, tag(16);
      ASSERT_TRUE(
          aead->Seal(nonce, B("aad"), absl::MakeSpan(data), absl::MakeSpan(tag))
              .ok());
      if (size > 0) {
        EXPECT_NE(data, plain);
      }
      ASSERT_TRUE(aead->Open(nonce, B("aad"), absl::MakeSpan(data), tag).ok());
      EXPECT_EQ(data, plain);
    }
  }
}

TEST(AeadTest, OpenRejectsTampering) {
  absl::StatusOr<Aead> aead =
      Aead::Create(AeadAlgorithm::kAesGcm256, std::vector<uint8_t>(32, 1));
  ASSERT_TRUE(aead.ok());
  const std::vector<uint8_t> nonce(12, 2);
  std::vector<uint8_t> data = B("payload"), tag(16);
  ASSERT_TRUE(
      aead->Seal(nonce, B("hdr"), absl::MakeSpan(data), absl::MakeSpan(tag))
          .ok());
  auto expect_fail = [&](absl::Span<const uint8_t> n,
                         absl::Span<const uint8_t> a, std::vector<uint8_t> d,
                         std::vector<uint8_t> t) {
    absl::Status s = aead->Open(n, a, absl::MakeSpan(d), t);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(s.message(), "integrity check failed");
  };
  std::vector<uint8_t> bad = data;
  bad[0] ^= 1;
  expect_fail(nonce, B("hdr"), bad, tag);
  bad = tag;
  bad[15] ^= 0x80;
  expect_fail(nonce, B("hdr"), data, bad);
  expect_fail(nonce, B("hdx"), data, tag);
  std::vector<uint8_t> other_nonce = nonce;
  other_nonce[11] ^= 1;
  expect_fail(other_nonce, B("hdr"), data, tag);
}

TEST(AeadTest, CreateErrors) {
  absl::StatusOr<Aead> r =
      Aead::Create(AeadAlgorithm::kAesGcm128, std::vector<uint8_t>(15));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "AES-GCM-128 key must be 16 bytes, got 15");
  r = Aead::Create(AeadAlgorithm::kAesGcm256, std::vector<uint8_t>(16));
  EXPECT_EQ(r.status().message(), "AES-GCM-256 key must be 32 bytes, got 16");
  r = Aead::Create(AeadAlgorithm::kChaCha20Poly1305, std::vector<uint8_t>(31));
  EXPECT_EQ(r.status().message(),
            "ChaCha20-Poly1305 key must be 32 bytes, got 31");
  r = Aead::Create(AeadAlgorithm::kAesGcm128, std::vector<uint8_t>(16), 10);
  EXPECT_EQ(r.status().message(),
            "AES-GCM-128 tag size must be 8, 12 or 16 bytes, got 10");
  r = Aead::Create(AeadAlgorithm::kChaCha20Poly1305, std::vector<uint8_t>(32),
                   12);
  EXPECT_EQ(r.status().message(),
            "ChaCha20-Poly1305 tag size must be 16 bytes, got 12");
  r = Aead::Create(static_cast<AeadAlgorithm>(99), std::vector<uint8_t>(16));
  EXPECT_EQ(r.status().message(), "AEAD algorithm 99 is not supported");
}

TEST(AeadTest, SealOpenArgumentErrors) {
  absl::StatusOr<Aead> aead =
      Aead::Create(AeadAlgorithm::kAesGcm128, std::vector<uint8_t>(16), 12);
  ASSERT_TRUE(aead.ok());
  std::vector<uint8_t> data(4), tag12(12), tag16(16), nonce(12), nonce8(8);
  absl::Status s =
      aead->Seal(nonce8, {}, absl::MakeSpan(data), absl::MakeSpan(tag12));
  EXPECT_EQ(s.message(), "AES-GCM-128 nonce must be 12 bytes, got 8");
  s = aead->Seal(nonce, {}, absl::MakeSpan(data), absl::MakeSpan(tag16));
  EXPECT_EQ(s.message(), "AES-GCM-128 tag buffer must be 12 bytes, got 16");
  s = aead->Open(nonce8, {}, absl::MakeSpan(data), tag12);
  EXPECT_EQ(s.message(), "AES-GCM-128 nonce must be 12 bytes, got 8");
  s = aead->Open(nonce, {}, absl::MakeSpan(data), tag16);
  EXPECT_EQ(s.message(), "AES-GCM-128 tag must be 12 bytes, got 16");
  Aead moved = std::move(*aead);
  s = aead->Seal(nonce, {}, absl::MakeSpan(data),  // NOLINT: use after move
                 absl::MakeSpan(tag12));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      moved.Seal(nonce, {}, absl::MakeSpan(data), absl::MakeSpan(tag12)).ok());
}

TEST(AeadTest, SizesAndNames) {
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAesGcm128), 16u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAesGcm192), 24u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kAesGcm256), 32u);
  EXPECT_EQ(AeadKeySize(AeadAlgorithm::kChaCha20Poly1305), 32u);
  EXPECT_EQ(AeadName(AeadAlgorithm::kAesGcm192), "AES-GCM-192");
}

}  // namespace
}  // namespace cygnet::crypto
