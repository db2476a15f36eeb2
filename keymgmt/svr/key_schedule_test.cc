#include "keymgmt/svr/key_schedule.h"

#include <string>
#include <vector>

#include "crypto/hex.h"
#include "crypto/hkdf.h"
#include "crypto/random.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt::svr {
namespace {

struct Inputs {
  std::vector<uint8_t> secret;
  std::vector<uint8_t> salt_a;
  std::vector<uint8_t> salt_b;
};

Inputs MakeInputs() {
  crypto::DeterministicRandom random(4);
  Inputs in;
  in.secret = random.Bytes(48);
  in.salt_a = random.Bytes(8);
  in.salt_b = random.Bytes(8);
  return in;
}

TEST(DerivePeerKeyTest, BothRoutersDeriveTheSameKey) {
  Inputs in = MakeInputs();
  auto a = DerivePeerKey(in.secret, "hub-alias", in.salt_a, "spoke-alias",
                         in.salt_b, 7);
  auto b = DerivePeerKey(in.secret, "spoke-alias", in.salt_b, "hub-alias",
                         in.salt_a, 7);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->size(), kSvrKeySize);
  EXPECT_TRUE(a->Equals(*b));
}

TEST(DerivePeerKeyTest, MatchesTheDocumentedHkdf) {
  Inputs in = MakeInputs();
  // "hub-alias" < "spoke-alias": the hub's salt comes first.
  std::vector<uint8_t> salt = in.salt_a;
  salt.insert(salt.end(), in.salt_b.begin(), in.salt_b.end());
  std::string info = "cygnet svr peer key v1";
  info += static_cast<char>(9);
  info += "hub-alias";
  info += static_cast<char>(11);
  info += "spoke-alias";
  info += std::string("\x00\x00\x00\x07", 4);
  auto expected = crypto::Hkdf(
      crypto::HashAlgorithm::kSha384, in.secret, salt,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(info.data()),
                          info.size()),
      64);
  ASSERT_TRUE(expected.ok());
  auto key = DerivePeerKey(in.secret, "spoke-alias", in.salt_b, "hub-alias",
                           in.salt_a, 7);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->Equals(*expected));
}

TEST(DerivePeerKeyTest, PinnedVector) {
  Inputs in = MakeInputs();
  auto key = DerivePeerKey(in.secret, "hub-alias", in.salt_a, "spoke-alias",
                           in.salt_b, 7);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(crypto::HexEncode(key->span()),
            "9dff0b1fbe86656adec412bb1aca9d4a2f976979b402f8dd2de53810a20175c69e"
            "5ce437e5a652b5fc01eb907983b98605255b4211d35ccea8ebadfe85c4981e");
}

TEST(DerivePeerKeyTest, KeyIdNamesAndSaltsAllMatter) {
  Inputs in = MakeInputs();
  auto base = DerivePeerKey(in.secret, "a", in.salt_a, "b", in.salt_b, 1);
  auto id = DerivePeerKey(in.secret, "a", in.salt_a, "b", in.salt_b, 2);
  auto name = DerivePeerKey(in.secret, "a", in.salt_a, "c", in.salt_b, 1);
  auto salt = DerivePeerKey(in.secret, "a", in.salt_b, "b", in.salt_a, 1);
  ASSERT_TRUE(base.ok() && id.ok() && name.ok() && salt.ok());
  EXPECT_FALSE(base->Equals(*id));
  EXPECT_FALSE(base->Equals(*name));
  EXPECT_FALSE(base->Equals(*salt));
}

TEST(DerivePeerKeyTest, RejectsBadInputs) {
  Inputs in = MakeInputs();
  EXPECT_FALSE(DerivePeerKey(in.secret, "", in.salt_a, "b", in.salt_b, 1).ok());
  EXPECT_FALSE(DerivePeerKey(in.secret, std::string(65, 'x'), in.salt_a, "b",
                             in.salt_b, 1)
                   .ok());
  EXPECT_FALSE(
      DerivePeerKey(in.secret, "a", in.salt_a, "a", in.salt_b, 1).ok());
  EXPECT_FALSE(DerivePeerKey(in.secret, "a", {1, 2}, "b", in.salt_b, 1).ok());
  EXPECT_FALSE(DerivePeerKey({}, "a", in.salt_a, "b", in.salt_b, 1).ok());
}

TEST(WrapKeyTest, PinnedVectorAndRoundTrip) {
  crypto::DeterministicRandom random(5);
  auto wrapping = SvrKey::Create(random.Secret(64));
  ASSERT_TRUE(wrapping.ok());
  crypto::SecretBytes key = random.Secret(64);
  std::vector<uint8_t> iv = random.Bytes(16);
  const std::vector<uint8_t> aad = {'a', 'a', 'd'};
  auto wrapped = WrapKey(*wrapping, aad, iv, key);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  EXPECT_EQ(crypto::HexEncode(*wrapped),
            "5a8fb233abb572993b283908067c48e281189d572df18ea0d78bf20768d7147a27"
            "514a4896a19f8a507ed693045e5348ad12e5d47836ffc1b643e288131c0b25cdb6"
            "c0e2aa25123efbd78a601753130f797f7f7b282eb1f6879dac7e1d9c2f61e507ed"
            "784a587e26c40429e88180b645");
  auto unwrapped = UnwrapKey(*wrapping, aad, iv, *wrapped);
  ASSERT_TRUE(unwrapped.ok()) << unwrapped.status();
  EXPECT_TRUE(unwrapped->Equals(key));
}

TEST(WrapKeyTest, EveryBitOfCiphertextTagIvAndAadIsAuthenticated) {
  crypto::DeterministicRandom random(6);
  auto wrapping = SvrKey::Create(random.Secret(64));
  ASSERT_TRUE(wrapping.ok());
  crypto::SecretBytes key = random.Secret(64);
  std::vector<uint8_t> iv = random.Bytes(16);
  std::vector<uint8_t> aad = {1, 2, 3};
  auto wrapped = WrapKey(*wrapping, aad, iv, key);
  ASSERT_TRUE(wrapped.ok());
  for (size_t bit = 0; bit < wrapped->size() * 8; bit += 7) {
    std::vector<uint8_t> bad = *wrapped;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    auto r = UnwrapKey(*wrapping, aad, iv, bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << bit;
  }
  std::vector<uint8_t> bad_iv = iv;
  bad_iv[3] ^= 1;
  EXPECT_FALSE(UnwrapKey(*wrapping, aad, bad_iv, *wrapped).ok());
  std::vector<uint8_t> bad_aad = {1, 2, 4};
  EXPECT_FALSE(UnwrapKey(*wrapping, bad_aad, iv, *wrapped).ok());
  EXPECT_FALSE(
      UnwrapKey(*wrapping, aad, iv, absl::MakeConstSpan(*wrapped).subspan(1))
          .ok());
}

TEST(SvrKeyTest, RejectsWrongSize) {
  EXPECT_FALSE(SvrKey::Create(crypto::SecretBytes(32)).ok());
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
