#include "keymgmt/pairwise/kdf.h"

#include <memory>
#include <set>
#include <vector>

#include "absl/strings/string_view.h"
#include "crypto/hex.h"
#include "crypto/key_exchange.h"
#include "gtest/gtest.h"
#include "keymgmt/pairwise/message.h"

namespace cygnet::keymgmt::pairwise {
namespace {

std::vector<uint8_t> H(absl::string_view hex) {
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(hex);
  return bytes.ok() ? *bytes : std::vector<uint8_t>(1, 0xee);
}

// Vector 1. Inputs were drawn once from DeterministicRandom(0x50574b31):
// two X25519 private keys and two nonces, in that order; the outputs were
// computed by this implementation and cross-checked with an independent
// HKDF (Python hmac/hashlib) following the construction in kdf.h.
constexpr absl::string_view kPrivateA =
    "433401e7527129c2d76ead719dfdcefaa62c682b3d9726d42cc776beb395971a";
constexpr absl::string_view kPrivateB =
    "70c8e542e8dca630492c24ca080e128c87164dcd18c348c5608c50cc9ac0a1bc";
constexpr absl::string_view kNonceA =
    "a1095ce958991c87c18c47646f9a4b41456123a717eb81127a8e060fefd65f91";
constexpr absl::string_view kNonceB =
    "61ee1600d006882556b697c871181599b1e97164a28dd771a48bc40db58b1147";
constexpr absl::string_view kPublicA =
    "f2799b22d6a7d3b782729134a8f3866615cf3c3916bf9a77ec4b9b1bd1379c00";
constexpr absl::string_view kPublicB =
    "154b1eca6a258fce2b02792c881e8141f5e937f6bc6e15a84ebded696a217257";
constexpr absl::string_view kSharedSecret =
    "f81068708c48b373acc085219d6301c499b0bcd25dfd1367a50a8786de68da10";
constexpr absl::string_view kKeyAToB =
    "c06102a036e0fb7398671515b15c999a0711844c4582f18fabaa5fbc8204dde0213ddb30";
constexpr absl::string_view kKeyBToA =
    "43a1ea049d08b6ee77388124af20d5050071f25f58109f5c1c4a4a2a26d2f8ab26a6092d";
constexpr absl::string_view kMulticastKeyAToB =
    "2de41727311abf432dd0cf06c3690b2525f8c8801c7be938fb2c0c055e785930"
    "f774ef22af1b24068bafd0a6c6be460a78076934c8d359dbcaf1636ce0ef7915";

class KdfVectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = *crypto::KeyExchange::FromPrivateKey(
        crypto::KeyExchangeGroup::kCurve25519, H(kPrivateA));
    b_ = *crypto::KeyExchange::FromPrivateKey(
        crypto::KeyExchangeGroup::kCurve25519, H(kPrivateB));
    nonce_a_ = H(kNonceA);
    nonce_b_ = H(kNonceB);
    end_a_ = KdfEndpoint{TlocId{0x0a010002, Color::kLte, Encapsulation::kIpsec},
                         0, 257, 1, nonce_a_};
    end_b_ =
        KdfEndpoint{TlocId{0x0a010006, Color::kDefault, Encapsulation::kIpsec},
                    1, 300, 2, nonce_b_};
  }
  std::unique_ptr<crypto::KeyExchange> a_, b_;
  std::vector<uint8_t> nonce_a_, nonce_b_;
  KdfEndpoint end_a_, end_b_;
};

TEST_F(KdfVectorTest, PinnedValues) {
  EXPECT_EQ(crypto::HexEncode(a_->public_value()), kPublicA);
  EXPECT_EQ(crypto::HexEncode(b_->public_value()), kPublicB);
  absl::StatusOr<crypto::SecretBytes> ss =
      a_->ComputeSharedSecret(b_->public_value());
  ASSERT_TRUE(ss.ok());
  EXPECT_EQ(crypto::HexEncode(ss->span()), kSharedSecret);
  absl::StatusOr<DirectionalKeys> keys =
      DerivePairwiseKeys(*ss, end_a_, end_b_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(crypto::HexEncode(keys->encrypt_key.span()), kKeyAToB);
  EXPECT_EQ(crypto::HexEncode(keys->decrypt_key.span()), kKeyBToA);
  EXPECT_EQ(keys->outbound_spi, 0xC9000101u);
  EXPECT_EQ(keys->inbound_spi, 0xB000012Cu);
  absl::StatusOr<crypto::SecretBytes> multicast =
      DeriveDirectionKey(*ss, end_a_, end_b_, KeySuite::kAesCbc256HmacSha256);
  ASSERT_TRUE(multicast.ok());
  EXPECT_EQ(crypto::HexEncode(multicast->span()), kMulticastKeyAToB);
}

TEST_F(KdfVectorTest, MirroredAtTheOtherEnd) {
  crypto::SecretBytes ss_a = *a_->ComputeSharedSecret(b_->public_value());
  crypto::SecretBytes ss_b = *b_->ComputeSharedSecret(a_->public_value());
  DirectionalKeys at_a = *DerivePairwiseKeys(ss_a, end_a_, end_b_);
  DirectionalKeys at_b = *DerivePairwiseKeys(ss_b, end_b_, end_a_);
  EXPECT_TRUE(at_a.encrypt_key.Equals(at_b.decrypt_key));
  EXPECT_TRUE(at_a.decrypt_key.Equals(at_b.encrypt_key));
  EXPECT_FALSE(at_a.encrypt_key.Equals(at_a.decrypt_key));
  EXPECT_EQ(at_a.outbound_spi, at_b.inbound_spi);
  EXPECT_EQ(at_a.inbound_spi, at_b.outbound_spi);
}

TEST_F(KdfVectorTest, EveryInputChangesTheKey) {
  crypto::SecretBytes ss = *a_->ComputeSharedSecret(b_->public_value());
  const crypto::SecretBytes base =
      *DeriveDirectionKey(ss, end_a_, end_b_, KeySuite::kAesGcm256);
  auto differs = [&](KdfEndpoint s, KdfEndpoint r) {
    absl::StatusOr<crypto::SecretBytes> k =
        DeriveDirectionKey(ss, s, r, KeySuite::kAesGcm256);
    return k.ok() && !k->Equals(base);
  };
  KdfEndpoint s = end_a_;
  s.generation = 5;
  EXPECT_TRUE(differs(s, end_b_));
  KdfEndpoint r = end_b_;
  r.generation = 3;
  EXPECT_TRUE(differs(end_a_, r));
  s = end_a_;
  s.id.color = Color::kBlue;
  EXPECT_TRUE(differs(s, end_b_));
  s = end_a_;
  s.tloc_index = 258;  // changes the SPI, which is bound
  EXPECT_TRUE(differs(s, end_b_));
  s = end_a_;
  std::vector<uint8_t> other_nonce = nonce_a_;
  other_nonce[31] ^= 1;
  s.nonce = other_nonce;
  EXPECT_TRUE(differs(s, end_b_));
  crypto::SecretBytes ss2 = ss.Clone();
  ss2.mutable_data()[0] ^= 1;
  EXPECT_FALSE(DeriveDirectionKey(ss2, end_a_, end_b_, KeySuite::kAesGcm256)
                   ->Equals(base));
}

TEST_F(KdfVectorTest, Errors) {
  crypto::SecretBytes ss = *a_->ComputeSharedSecret(b_->public_value());
  KdfEndpoint same = end_b_;
  same.id = end_a_.id;
  EXPECT_FALSE(DerivePairwiseKeys(ss, end_a_, same).ok());
  KdfEndpoint bad = end_a_;
  bad.slot = 8;
  EXPECT_FALSE(DerivePairwiseKeys(ss, bad, end_b_).ok());
  bad = end_a_;
  bad.tloc_index = 255;
  EXPECT_FALSE(DerivePairwiseKeys(ss, bad, end_b_).ok());
  bad = end_a_;
  bad.tloc_index = 1u << 24;
  EXPECT_FALSE(DerivePairwiseKeys(ss, bad, end_b_).ok());
  bad = end_a_;
  bad.nonce = absl::MakeConstSpan(nonce_a_).subspan(0, 31);
  absl::StatusOr<DirectionalKeys> k = DerivePairwiseKeys(ss, bad, end_b_);
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("nonce is 31 bytes"),
            absl::string_view::npos);
  EXPECT_FALSE(
      DeriveDirectionKey(ss, end_a_, end_b_, static_cast<KeySuite>(9)).ok());
}

TEST(SpiLayoutTest, FieldsAndRanges) {
  KdfEndpoint sender{
      TlocId{1, Color::kLte, Encapsulation::kIpsec}, 2, 0xabcdef, 7, {}};
  KdfEndpoint receiver{
      TlocId{2, Color::kLte, Encapsulation::kIpsec}, 5, 300, 6, {}};
  // 1 | rgen 6&3=2 | sgen 7&3=3 | rslot 5 | index 0xabcdef
  EXPECT_EQ(PairwiseSpi(sender, receiver), 0xDDABCDEFu);
  EXPECT_TRUE(IsPairwiseSpi(PairwiseSpi(sender, receiver)));
  // 0 | sym gen 6&3=2 | 0 | rslot 5 | index
  EXPECT_EQ(SymmetricSpi(sender, receiver), 0x45ABCDEFu);
  EXPECT_FALSE(IsPairwiseSpi(SymmetricSpi(sender, receiver)));
  // The smallest index keeps every SPI out of RFC 4303's reserved 0..255.
  sender.tloc_index = kMinTlocIndex;
  receiver.generation = 0;
  receiver.slot = 0;
  EXPECT_GE(SymmetricSpi(sender, receiver), 256u);
}

TEST(SpiLayoutTest, UniqueWithinOneReceiver) {
  // All SPIs one receiver TLOC slot can see from 50 senders, two generations
  // of each end alive, pairwise and symmetric: no two collide.
  std::set<uint32_t> seen;
  size_t count = 0;
  for (uint8_t slot = 0; slot < 2; ++slot) {
    for (uint32_t index = 256; index < 306; ++index) {
      for (uint32_t rgen = 7; rgen <= 8; ++rgen) {
        for (uint32_t sgen = 3; sgen <= 4; ++sgen) {
          KdfEndpoint s{TlocId{index, Color::kLte, Encapsulation::kIpsec},
                        0,
                        index,
                        sgen,
                        {}};
          KdfEndpoint r{TlocId{1, Color::kBlue, Encapsulation::kIpsec},
                        slot,
                        999,
                        rgen,
                        {}};
          seen.insert(PairwiseSpi(s, r));
          seen.insert(SymmetricSpi(s, r));
          count += 2;
        }
      }
    }
  }
  // Symmetric SPIs ignore the sender generation: half of them repeat.
  EXPECT_EQ(seen.size(), count - count / 4);
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
