// The IKEv2 KDF against the NIST ACVP kdf-components/ikev2 vectors
// (ike/testdata/acvp/SOURCE.md): every record with a known expected result
// must match in all five outputs.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "crypto/hash.h"
#include "gtest/gtest.h"
#include "ike/key_derivation.h"
#include "ike/test_records.h"

namespace cygnet::ike {
namespace {

using crypto::SecretBytes;
using test::Bytes;
using test::Hex;
using test::Record;
using test::Secret;
using test::Uint64;

// ---- SHA-224 (FIPS 180-4 section 6.3), only for the ACVP SHA2-224 groups.
// IKE never negotiates it and crypto/ does not offer it.
class Sha224 {
 public:
  static std::array<uint8_t, 28> Digest(absl::Span<const uint8_t> data) {
    uint32_t h[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                     0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
    std::vector<uint8_t> message(data.begin(), data.end());
    const uint64_t bit_length = static_cast<uint64_t>(data.size()) * 8;
    message.push_back(0x80);
    while (message.size() % 64 != 56) message.push_back(0);
    for (int i = 7; i >= 0; --i) {
      message.push_back(static_cast<uint8_t>(bit_length >> (8 * i)));
    }
    for (size_t block = 0; block < message.size(); block += 64) {
      Compress(h, &message[block]);
    }
    std::array<uint8_t, 28> out;
    for (int i = 0; i < 7; ++i) {
      for (int j = 0; j < 4; ++j) {
        out[4 * i + j] = static_cast<uint8_t>(h[i] >> (24 - 8 * j));
      }
    }
    return out;
  }

 private:
  static uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  static void Compress(uint32_t h[8], const uint8_t* block) {
    static constexpr uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
        0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
        0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) {
      w[t] = (uint32_t{block[4 * t]} << 24) |
             (uint32_t{block[4 * t + 1]} << 16) |
             (uint32_t{block[4 * t + 2]} << 8) | uint32_t{block[4 * t + 3]};
    }
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 =
          Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 =
          Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
             g = h[6], hh = h[7];
    for (int t = 0; t < 64; ++t) {
      const uint32_t t1 = hh + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) +
                          ((e & f) ^ (~e & g)) + k[t] + w[t];
      const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) +
                          ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
};

// HMAC-SHA-224 (RFC 2104, block size 64) over the PseudorandomFunction
// interface; its prf+ is the interface's default, the one IKE code inherits.
class HmacSha224Prf final : public PseudorandomFunction {
 public:
  size_t output_size() const override { return 28; }
  SecretBytes Compute(
      absl::Span<const uint8_t> key,
      std::initializer_list<absl::Span<const uint8_t>> data) const override {
    std::vector<uint8_t> block(64, 0);
    if (key.size() > 64) {
      auto digest = Sha224::Digest(key);
      std::memcpy(block.data(), digest.data(), digest.size());
    } else if (!key.empty()) {
      std::memcpy(block.data(), key.data(), key.size());
    }
    std::vector<uint8_t> inner;
    for (uint8_t b : block) inner.push_back(b ^ 0x36);
    for (const auto& part : data)
      inner.insert(inner.end(), part.begin(), part.end());
    auto inner_digest = Sha224::Digest(inner);
    std::vector<uint8_t> outer;
    for (uint8_t b : block) outer.push_back(b ^ 0x5c);
    outer.insert(outer.end(), inner_digest.begin(), inner_digest.end());
    auto mac = Sha224::Digest(outer);
    return SecretBytes::Copy(mac);
  }
};

// HmacPrf's Compute with the interface's generic prf+, so the default Plus
// is checked against the vectors for the hashes crypto/ provides too.
class GenericPlusPrf final : public PseudorandomFunction {
 public:
  explicit GenericPlusPrf(crypto::PrfAlgorithm algorithm) : hmac_(algorithm) {}
  size_t output_size() const override { return hmac_.output_size(); }
  SecretBytes Compute(
      absl::Span<const uint8_t> key,
      std::initializer_list<absl::Span<const uint8_t>> data) const override {
    return hmac_.Compute(key, data);
  }

 private:
  HmacPrf hmac_;
};

TEST(Sha224Test, FipsExample) {
  // FIPS 180-2 appendix: SHA-224("abc").
  const std::string abc = "abc";
  auto digest = Sha224::Digest(
      {reinterpret_cast<const uint8_t*>(abc.data()), abc.size()});
  EXPECT_EQ(Hex(digest),
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
}

TEST(HmacSha224Test, Rfc4231Case2) {
  const std::string key = "Jefe";
  const std::string data = "what do ya want for nothing?";
  HmacSha224Prf prf;
  SecretBytes mac = prf.Compute(
      {reinterpret_cast<const uint8_t*>(key.data()), key.size()},
      {{reinterpret_cast<const uint8_t*>(data.data()), data.size()}});
  EXPECT_EQ(Hex(mac.span()),
            "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44");
}

std::vector<Record> LoadAcvp() {
  return test::ReadRecords("ike/testdata/acvp/ikev2_kdf.txt");
}

// Expected values of non-octet length are ceil(bits/8) octets with the
// unused low-order bits zero: compare the first `bits` bits only.
std::string Truncated(absl::Span<const uint8_t> bytes, size_t bits) {
  std::vector<uint8_t> out(bytes.begin(), bytes.begin() + (bits + 7) / 8);
  if (bits % 8 != 0) out.back() &= static_cast<uint8_t>(0xff << (8 - bits % 8));
  return Hex(out);
}

size_t Bits(const Record& record, const std::string& name) {
  size_t value = 0;
  EXPECT_TRUE(absl::SimpleAtoi(record.at(name), &value)) << name;
  return value;
}

// Runs all five ACVP outputs of one record through `prf`.
void CheckRecord(const PseudorandomFunction& prf, const Record& r) {
  SCOPED_TRACE(r.at("source"));
  const std::vector<uint8_t> ni = Bytes(r.at("ni"));
  const std::vector<uint8_t> nr = Bytes(r.at("nr"));
  const SecretBytes gir = Secret(r.at("gir"));
  const SecretBytes gir_new = Secret(r.at("gir_new"));
  const size_t dkm_bits = Bits(r, "dkm_bits");
  const size_t child_bits = Bits(r, "dkm_child_bits");

  absl::StatusOr<SecretBytes> skeyseed = ComputeSkeyseed(prf, ni, nr, gir);
  ASSERT_TRUE(skeyseed.ok()) << skeyseed.status();
  EXPECT_EQ(Hex(skeyseed->span()), r.at("skeyseed"));

  absl::StatusOr<SecretBytes> dkm =
      ExpandIkeSaKeyMaterial(prf, *skeyseed, ni, nr, Uint64(r.at("spi_i")),
                             Uint64(r.at("spi_r")), (dkm_bits + 7) / 8);
  ASSERT_TRUE(dkm.ok()) << dkm.status();
  EXPECT_EQ(Truncated(dkm->span(), dkm_bits), r.at("dkm"));

  // SK_d is the first prf-output-length octets of the DKM.
  const SecretBytes sk_d = dkm->Slice(0, prf.output_size());

  absl::StatusOr<SecretBytes> child = ExpandChildSaKeyMaterial(
      prf, sk_d, nullptr, ni, nr, (child_bits + 7) / 8);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(Truncated(child->span(), child_bits), r.at("dkm_child"));

  absl::StatusOr<SecretBytes> child_dh = ExpandChildSaKeyMaterial(
      prf, sk_d, &gir_new, ni, nr, (child_bits + 7) / 8);
  ASSERT_TRUE(child_dh.ok()) << child_dh.status();
  EXPECT_EQ(Truncated(child_dh->span(), child_bits), r.at("dkm_dh"));

  absl::StatusOr<SecretBytes> rekey =
      ComputeRekeySkeyseed(prf, sk_d, gir_new, ni, nr);
  ASSERT_TRUE(rekey.ok()) << rekey.status();
  EXPECT_EQ(Hex(rekey->span()), r.at("skeyseed_rekey"));
}

std::unique_ptr<PseudorandomFunction> HmacFor(const std::string& hash) {
  if (hash == "SHA-1")
    return std::make_unique<HmacPrf>(crypto::PrfAlgorithm::kHmacSha1);
  if (hash == "SHA2-256")
    return std::make_unique<HmacPrf>(crypto::PrfAlgorithm::kHmacSha256);
  if (hash == "SHA2-384")
    return std::make_unique<HmacPrf>(crypto::PrfAlgorithm::kHmacSha384);
  if (hash == "SHA2-512")
    return std::make_unique<HmacPrf>(crypto::PrfAlgorithm::kHmacSha512);
  if (hash == "SHA2-224") return std::make_unique<HmacSha224Prf>();
  return nullptr;
}

std::unique_ptr<PseudorandomFunction> GenericFor(const std::string& hash) {
  if (hash == "SHA-1")
    return std::make_unique<GenericPlusPrf>(crypto::PrfAlgorithm::kHmacSha1);
  if (hash == "SHA2-256")
    return std::make_unique<GenericPlusPrf>(crypto::PrfAlgorithm::kHmacSha256);
  if (hash == "SHA2-384")
    return std::make_unique<GenericPlusPrf>(crypto::PrfAlgorithm::kHmacSha384);
  if (hash == "SHA2-512")
    return std::make_unique<GenericPlusPrf>(crypto::PrfAlgorithm::kHmacSha512);
  return nullptr;
}

TEST(IkeKdfAcvpTest, AllRecordsWithExpectedResultsMatch) {
  const std::vector<Record> records = LoadAcvp();
  // 10 SHA-1 (tgId 2), 3 SHA2-224 (tgId 4), 1 SHA2-384 (tgId 11) official
  // cases plus the SHA2-224 and SHA2-256 unit-test KATs.
  ASSERT_EQ(records.size(), 16u);
  std::map<std::string, int> per_hash;
  for (const Record& r : records) {
    std::unique_ptr<PseudorandomFunction> prf = HmacFor(r.at("hash"));
    ASSERT_NE(prf, nullptr) << r.at("hash");
    CheckRecord(*prf, r);
    ++per_hash[r.at("hash")];
  }
  EXPECT_EQ(per_hash["SHA-1"], 10);
  EXPECT_EQ(per_hash["SHA2-224"], 4);
  EXPECT_EQ(per_hash["SHA2-256"], 1);
  EXPECT_EQ(per_hash["SHA2-384"], 1);
}

TEST(IkeKdfAcvpTest, GenericPrfPlusMatchesToo) {
  int checked = 0;
  for (const Record& r : LoadAcvp()) {
    std::unique_ptr<PseudorandomFunction> prf = GenericFor(r.at("hash"));
    if (prf == nullptr) continue;  // SHA2-224 already runs the generic path
    CheckRecord(*prf, r);
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

TEST(IkeKdfAcvpTest, AlteredInputsNoLongerMatch) {
  // Guards the comparison itself: one flipped nonce bit must change SKEYSEED.
  const std::vector<Record> records = LoadAcvp();
  ASSERT_FALSE(records.empty());
  const Record& r = records.front();
  HmacPrf prf(crypto::PrfAlgorithm::kHmacSha1);
  std::vector<uint8_t> ni = Bytes(r.at("ni"));
  ni[0] ^= 1;
  absl::StatusOr<SecretBytes> skeyseed =
      ComputeSkeyseed(prf, ni, Bytes(r.at("nr")), Secret(r.at("gir")));
  ASSERT_TRUE(skeyseed.ok());
  EXPECT_NE(Hex(skeyseed->span()), r.at("skeyseed"));
}

}  // namespace
}  // namespace cygnet::ike
