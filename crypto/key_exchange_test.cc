#include "crypto/key_exchange.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/hex.h"
#include "crypto/random.h"
#include "crypto/test_util.h"
#include "gtest/gtest.h"

namespace cygnet::crypto {
namespace {

using test::H;

// Fills every request with one byte value: drives Generate into its
// rejection paths.
class ConstantRandom final : public Random {
 public:
  explicit ConstantRandom(uint8_t value) : value_(value) {}
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) b = value_;
  }

 private:
  uint8_t value_;
};

std::vector<uint8_t> Bytes(const SecretBytes& secret) {
  return std::vector<uint8_t>(secret.data(), secret.data() + secret.size());
}

std::unique_ptr<KeyExchange> MustFromPrivateKey(KeyExchangeGroup group,
                                                absl::string_view hex) {
  absl::StatusOr<std::unique_ptr<KeyExchange>> ke =
      KeyExchange::FromPrivateKey(group, H(hex));
  EXPECT_TRUE(ke.ok()) << ke.status();
  return ke.ok() ? *std::move(ke) : nullptr;
}

// RFC 5903 section 8: initiator i, responder r, their public values g^i and
// g^r as x || y, and the shared x coordinate.
struct Rfc5903Vector {
  KeyExchangeGroup group;
  const char* i;
  const char* gi;
  const char* r;
  const char* gr;
  const char* shared;
};

const Rfc5903Vector kRfc5903[] = {
    {KeyExchangeGroup::kEcp256,
     "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
    {KeyExchangeGroup::kEcp384,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
     "E35B538041E649EE3FAEF896783AB194",
     "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
     "DE3AC808ACB4BDB4C88732AEE95F41AA"
     "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
     "EB9FCFF3C2C947DAE69B4C634573A81C",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942"
     "E0308312916B8ED2960E4BD55A7448FC",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
     "0D1AC43A0336DEF96FDA41D0774A3571"
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
     "F83FA40142209DFF5EAAD96DB9E6386C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
     "D603135569B9E9D09CF5D4A270F59746"},
    {KeyExchangeGroup::kEcp521,
     "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
     "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
     "4A52",
     "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
     "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
     "ED3E"
     "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
     "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
     "9582",
     "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E"
     "9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB15168"
     "5EB9",
     "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
     "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
     "460F"
     "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
     "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
     "C56A",
     "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
     "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
     "DDEA"},
};

TEST(KeyExchangeTest, Rfc5903Vectors) {
  for (const Rfc5903Vector& v : kRfc5903) {
    SCOPED_TRACE(KeyExchangeGroupName(v.group));
    std::unique_ptr<KeyExchange> initiator = MustFromPrivateKey(v.group, v.i);
    std::unique_ptr<KeyExchange> responder = MustFromPrivateKey(v.group, v.r);
    ASSERT_NE(initiator, nullptr);
    ASSERT_NE(responder, nullptr);
    EXPECT_EQ(initiator->group(), v.group);
    EXPECT_EQ(initiator->public_value(), H(v.gi));
    EXPECT_EQ(responder->public_value(), H(v.gr));
    absl::StatusOr<SecretBytes> s1 = initiator->ComputeSharedSecret(H(v.gr));
    absl::StatusOr<SecretBytes> s2 = responder->ComputeSharedSecret(H(v.gi));
    ASSERT_TRUE(s1.ok()) << s1.status();
    ASSERT_TRUE(s2.ok()) << s2.status();
    EXPECT_EQ(Bytes(*s1), H(v.shared));
    EXPECT_EQ(Bytes(*s2), H(v.shared));
  }
}

TEST(KeyExchangeTest, Rfc7748X25519ScalarMultiplication) {
  // RFC 7748 section 5.2: scalar, input u coordinate, output u coordinate.
  const char* kVectors[][3] = {
      {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
       "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
       "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
      {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
       "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
       "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
  };
  for (const auto& v : kVectors) {
    std::unique_ptr<KeyExchange> ke =
        MustFromPrivateKey(KeyExchangeGroup::kCurve25519, v[0]);
    ASSERT_NE(ke, nullptr);
    absl::StatusOr<SecretBytes> shared = ke->ComputeSharedSecret(H(v[1]));
    ASSERT_TRUE(shared.ok()) << shared.status();
    EXPECT_EQ(Bytes(*shared), H(v[2]));
  }
}

TEST(KeyExchangeTest, Rfc7748X25519DiffieHellman) {
  // RFC 7748 section 6.1.
  std::unique_ptr<KeyExchange> alice = MustFromPrivateKey(
      KeyExchangeGroup::kCurve25519,
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  std::unique_ptr<KeyExchange> bob = MustFromPrivateKey(
      KeyExchangeGroup::kCurve25519,
      "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  ASSERT_NE(alice, nullptr);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(
      alice->public_value(),
      H("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
  EXPECT_EQ(
      bob->public_value(),
      H("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
  absl::StatusOr<SecretBytes> s1 =
      alice->ComputeSharedSecret(bob->public_value());
  absl::StatusOr<SecretBytes> s2 =
      bob->ComputeSharedSecret(alice->public_value());
  ASSERT_TRUE(s1.ok()) << s1.status();
  ASSERT_TRUE(s2.ok()) << s2.status();
  const std::vector<uint8_t> expected =
      H("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_EQ(Bytes(*s1), expected);
  EXPECT_EQ(Bytes(*s2), expected);
}

TEST(KeyExchangeTest, X25519LowOrderPointsGiveAllZeroAndAreRejected) {
  std::unique_ptr<KeyExchange> ke = MustFromPrivateKey(
      KeyExchangeGroup::kCurve25519,
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  ASSERT_NE(ke, nullptr);
  // u = 0 and u = 1 (order 1 and 4) and the order-8 point from the
  // published low-order list.
  for (const char* u :
       {"0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"}) {
    absl::StatusOr<SecretBytes> shared = ke->ComputeSharedSecret(H(u));
    EXPECT_EQ(shared.status().code(), absl::StatusCode::kInvalidArgument) << u;
    EXPECT_NE(shared.status().message().find("all zero"), std::string::npos)
        << shared.status();
  }
}

TEST(KeyExchangeTest, GeneratedPairsAgreeInEveryGroup) {
  DeterministicRandom random(7);
  for (KeyExchangeGroup group :
       {KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
        KeyExchangeGroup::kEcp384, KeyExchangeGroup::kEcp521,
        KeyExchangeGroup::kCurve25519}) {
    SCOPED_TRACE(KeyExchangeGroupName(group));
    absl::StatusOr<std::unique_ptr<KeyExchange>> a =
        KeyExchange::Generate(group, random);
    absl::StatusOr<std::unique_ptr<KeyExchange>> b =
        KeyExchange::Generate(group, random);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ((*a)->group(), group);
    EXPECT_EQ((*a)->public_value().size(), PublicValueSize(group));
    EXPECT_NE((*a)->public_value(), (*b)->public_value());
    absl::StatusOr<SecretBytes> s1 =
        (*a)->ComputeSharedSecret((*b)->public_value());
    absl::StatusOr<SecretBytes> s2 =
        (*b)->ComputeSharedSecret((*a)->public_value());
    ASSERT_TRUE(s1.ok()) << s1.status();
    ASSERT_TRUE(s2.ok()) << s2.status();
    EXPECT_TRUE(s1->Equals(*s2));
    const size_t expected_size = group == KeyExchangeGroup::kModp2048 ? 256
                                 : group == KeyExchangeGroup::kCurve25519
                                     ? 32
                                     : PublicValueSize(group) / 2;
    EXPECT_EQ(s1->size(), expected_size);
  }
}

TEST(KeyExchangeTest, GenerateIsReproducibleFromTheSeed) {
  for (KeyExchangeGroup group :
       {KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
        KeyExchangeGroup::kEcp521, KeyExchangeGroup::kCurve25519}) {
    DeterministicRandom r1(42), r2(42), r3(43);
    auto a = KeyExchange::Generate(group, r1);
    auto b = KeyExchange::Generate(group, r2);
    auto c = KeyExchange::Generate(group, r3);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_EQ((*a)->public_value(), (*b)->public_value());
    EXPECT_NE((*a)->public_value(), (*c)->public_value());
  }
}

TEST(KeyExchangeTest, GenerateRejectsScalarsOutsideTheOrder) {
  // All-zero draws are never a valid ECP scalar or MODP exponent; all-one
  // draws exceed the ECP group orders. Both exhaust the retries and fail
  // instead of producing a weak key. X25519 clamps, so any draw is usable.
  for (uint8_t fill : {0x00, 0xff}) {
    ConstantRandom random(fill);
    for (KeyExchangeGroup group :
         {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp384,
          KeyExchangeGroup::kEcp521}) {
      auto ke = KeyExchange::Generate(group, random);
      EXPECT_EQ(ke.status().code(), absl::StatusCode::kInternal)
          << KeyExchangeGroupName(group) << " fill " << int{fill};
      EXPECT_NE(ke.status().message().find("unusable private keys"),
                std::string::npos)
          << ke.status();
    }
    EXPECT_TRUE(
        KeyExchange::Generate(KeyExchangeGroup::kCurve25519, random).ok());
  }
  ConstantRandom zeros(0x00);
  EXPECT_EQ(
      KeyExchange::Generate(KeyExchangeGroup::kModp2048, zeros).status().code(),
      absl::StatusCode::kInternal);
  ConstantRandom ones(0xff);
  EXPECT_TRUE(KeyExchange::Generate(KeyExchangeGroup::kModp2048, ones).ok());
}

TEST(KeyExchangeTest, ModpSmallExponentKnownAnswer) {
  // g = 2, so the exponent 2 gives the public value 4 and, against a peer
  // value 3, the shared secret 9: checks encoding and padding.
  std::unique_ptr<KeyExchange> ke =
      MustFromPrivateKey(KeyExchangeGroup::kModp2048, "02");
  ASSERT_NE(ke, nullptr);
  std::vector<uint8_t> four(256, 0);
  four[255] = 4;
  EXPECT_EQ(ke->public_value(), four);
  std::vector<uint8_t> three(256, 0);
  three[255] = 3;
  absl::StatusOr<SecretBytes> shared = ke->ComputeSharedSecret(three);
  ASSERT_TRUE(shared.ok()) << shared.status();
  std::vector<uint8_t> nine(256, 0);
  nine[255] = 9;
  EXPECT_EQ(Bytes(*shared), nine);
}

const char kModp2048PrimeHex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

TEST(KeyExchangeTest, ModpRejectsDegeneratePeerValues) {
  DeterministicRandom random(1);
  auto ke = KeyExchange::Generate(KeyExchangeGroup::kModp2048, random);
  ASSERT_TRUE(ke.ok());
  std::vector<uint8_t> p = H(kModp2048PrimeHex);
  ASSERT_EQ(p.size(), 256u);
  std::vector<uint8_t> zero(256, 0), one(256, 0), p_minus_1 = p,
                                                  all_ones(256, 0xff);
  one[255] = 1;
  p_minus_1[255] = 0xfe;
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::vector<uint8_t>>>{
           {"0", zero},
           {"1", one},
           {"p-1", p_minus_1},
           {"p", p},
           {"2^2048-1", all_ones}}) {
    absl::StatusOr<SecretBytes> shared = (*ke)->ComputeSharedSecret(value);
    EXPECT_EQ(shared.status().code(), absl::StatusCode::kInvalidArgument)
        << name;
    EXPECT_NE(shared.status().message().find("outside (1, p-1)"),
              std::string::npos)
        << shared.status();
  }
  std::vector<uint8_t> p_minus_2 = p;
  p_minus_2[255] = 0xfd;
  EXPECT_TRUE((*ke)->ComputeSharedSecret(p_minus_2).ok());
}

TEST(KeyExchangeTest, ModpRejectsDegeneratePrivateExponents) {
  std::vector<uint8_t> p = H(kModp2048PrimeHex);
  std::vector<uint8_t> p_minus_1 = p;
  p_minus_1[255] = 0xfe;
  for (const std::vector<uint8_t>& exponent :
       {H("00"), H("01"), p_minus_1, p}) {
    auto ke =
        KeyExchange::FromPrivateKey(KeyExchangeGroup::kModp2048, exponent);
    EXPECT_EQ(ke.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(ke.status().message().find("[2, p-2]"), std::string::npos)
        << ke.status();
  }
  EXPECT_EQ(KeyExchange::FromPrivateKey(KeyExchangeGroup::kModp2048, {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyExchange::FromPrivateKey(KeyExchangeGroup::kModp2048,
                                        std::vector<uint8_t>(257, 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(KeyExchangeTest, EcpRejectsInvalidPeerPoints) {
  const Rfc5903Vector& v = kRfc5903[0];
  std::unique_ptr<KeyExchange> ke = MustFromPrivateKey(v.group, v.i);
  ASSERT_NE(ke, nullptr);
  std::vector<uint8_t> off_curve = H(v.gr);
  off_curve.back() ^= 0x01;
  std::vector<uint8_t> zero(64, 0);
  // x = p (the P-256 field prime) is out of range even though x mod p = 0.
  std::vector<uint8_t> x_is_p =
      H("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"
        "0000000000000000000000000000000000000000000000000000000000000000");
  for (const std::vector<uint8_t>& point : {off_curve, zero, x_is_p}) {
    absl::StatusOr<SecretBytes> shared = ke->ComputeSharedSecret(point);
    EXPECT_EQ(shared.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(shared.status().message().find("not a point on the curve"),
              std::string::npos)
        << shared.status();
  }
}

TEST(KeyExchangeTest, EveryGroupRejectsWrongLengths) {
  DeterministicRandom random(3);
  for (KeyExchangeGroup group :
       {KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
        KeyExchangeGroup::kEcp384, KeyExchangeGroup::kEcp521,
        KeyExchangeGroup::kCurve25519}) {
    auto ke = KeyExchange::Generate(group, random);
    ASSERT_TRUE(ke.ok());
    const size_t size = PublicValueSize(group);
    // The uncompressed SEC1 form (0x04 || x || y) is one byte too long.
    for (size_t wrong : {size_t{0}, size - 1, size + 1}) {
      std::vector<uint8_t> value((*ke)->public_value());
      value.resize(wrong, 0x04);
      absl::StatusOr<SecretBytes> shared = (*ke)->ComputeSharedSecret(value);
      EXPECT_EQ(shared.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(shared.status().message().find(
                    absl::StrCat("must be ", size, " bytes, got ", wrong)),
                std::string::npos)
          << shared.status();
    }
  }
}

TEST(KeyExchangeTest, FromPrivateKeyValidatesScalars) {
  // Zero and the group order n are not scalars in [1, n-1].
  const std::vector<uint8_t> p256_order =
      H("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  for (const std::vector<uint8_t>& scalar : {H("00"), p256_order}) {
    auto ke = KeyExchange::FromPrivateKey(KeyExchangeGroup::kEcp256, scalar);
    EXPECT_EQ(ke.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(ke.status().message().find("[1, n-1]"), std::string::npos)
        << ke.status();
  }
  EXPECT_EQ(KeyExchange::FromPrivateKey(KeyExchangeGroup::kEcp256,
                                        std::vector<uint8_t>(33, 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KeyExchange::FromPrivateKey(KeyExchangeGroup::kCurve25519,
                                        std::vector<uint8_t>(31, 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // A short scalar is a smaller number, not an error.
  EXPECT_TRUE(
      KeyExchange::FromPrivateKey(KeyExchangeGroup::kEcp384, H("01")).ok());
}

TEST(KeyExchangeTest, GroupNumbersNamesAndSizes) {
  for (uint16_t number : {14, 19, 20, 21, 31}) {
    absl::StatusOr<KeyExchangeGroup> group = KeyExchangeGroupFromNumber(number);
    ASSERT_TRUE(group.ok());
    EXPECT_EQ(static_cast<uint16_t>(*group), number);
  }
  for (uint16_t number : {0, 2, 5, 15, 32, 65535}) {
    absl::StatusOr<KeyExchangeGroup> group = KeyExchangeGroupFromNumber(number);
    EXPECT_EQ(group.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(group.status().message().find(absl::StrCat("group ", number)),
              std::string::npos);
  }
  EXPECT_EQ(PublicValueSize(KeyExchangeGroup::kModp2048), 256u);
  EXPECT_EQ(PublicValueSize(KeyExchangeGroup::kEcp256), 64u);
  EXPECT_EQ(PublicValueSize(KeyExchangeGroup::kEcp384), 96u);
  EXPECT_EQ(PublicValueSize(KeyExchangeGroup::kEcp521), 132u);
  EXPECT_EQ(PublicValueSize(KeyExchangeGroup::kCurve25519), 32u);
  EXPECT_EQ(KeyExchangeGroupName(KeyExchangeGroup::kEcp384), "ECP-384");
  EXPECT_EQ(KeyExchangeGroupName(KeyExchangeGroup::kCurve25519), "Curve25519");
}

}  // namespace
}  // namespace cygnet::crypto
