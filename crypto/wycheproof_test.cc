// Drives the crypto/ wrappers with the Wycheproof vectors checked in under
// crypto/testdata/wycheproof/: every "valid" vector must be accepted with the
// expected output, every "invalid" one rejected. "acceptable" vectors (legal
// but discouraged inputs) follow a documented per-family policy, and each
// family asserts how many vectors it ran and skipped, so a parser or filter
// bug cannot silently skip the file.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hash.h"
#include "crypto/hex.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "crypto/key_exchange.h"
#include "crypto/signature.h"
#include "gtest/gtest.h"
#include "testing/json_reader.h"

namespace cygnet::crypto {
namespace {

using ::cygnet::testing::Int;
using ::cygnet::testing::JsonValue;

enum class Verdict { kAccepted, kRejected, kSkipped };

struct Tally {
  int valid = 0;
  int invalid = 0;
  int acceptable_accepted = 0;
  int acceptable_rejected = 0;
  int skipped = 0;
  int total() const {
    return valid + invalid + acceptable_accepted + acceptable_rejected +
           skipped;
  }
};

std::vector<uint8_t> Hex(const JsonValue& value) {
  absl::StatusOr<std::vector<uint8_t>> bytes = HexDecode(value.string_value());
  EXPECT_TRUE(value.is_string() && bytes.ok())
      << "bad hex field: " << value.string_value();
  return bytes.ok() ? *std::move(bytes) : std::vector<uint8_t>();
}

std::string Label(const JsonValue& test) {
  return absl::StrCat("tcId ", test["tcId"].number_text(), " (",
                      test["comment"].string_value(), ")");
}

// Runs `fn` on every test of `file`. `acceptable_ok` decides whether a
// verdict on an "acceptable" vector is allowed (default: either is).
using CaseFn =
    std::function<Verdict(const JsonValue& group, const JsonValue& test)>;
using AcceptableFn =
    std::function<bool(const JsonValue& group, const JsonValue& test, Verdict)>;

Tally RunFile(const std::string& file, const CaseFn& fn,
              const AcceptableFn& acceptable_ok = nullptr) {
  Tally tally;
  absl::StatusOr<JsonValue> root =
      ::cygnet::testing::ParseJsonFile("crypto/testdata/wycheproof/" + file);
  EXPECT_TRUE(root.ok()) << root.status();
  if (!root.ok()) return tally;
  for (const JsonValue& group : (*root)["testGroups"].items()) {
    for (const JsonValue& test : group["tests"].items()) {
      SCOPED_TRACE(absl::StrCat(file, " ", Label(test)));
      const std::string& result = test["result"].string_value();
      const Verdict verdict = fn(group, test);
      if (verdict == Verdict::kSkipped) {
        ++tally.skipped;
      } else if (result == "valid") {
        EXPECT_EQ(verdict, Verdict::kAccepted) << "valid vector rejected";
        ++tally.valid;
      } else if (result == "invalid") {
        EXPECT_EQ(verdict, Verdict::kRejected) << "invalid vector accepted";
        ++tally.invalid;
      } else if (result == "acceptable") {
        if (acceptable_ok) {
          EXPECT_TRUE(acceptable_ok(group, test, verdict))
              << "acceptable vector "
              << (verdict == Verdict::kAccepted ? "accepted" : "rejected")
              << " against the documented policy";
        }
        ++(verdict == Verdict::kAccepted ? tally.acceptable_accepted
                                         : tally.acceptable_rejected);
      } else {
        ADD_FAILURE() << "unknown result \"" << result << "\"";
      }
    }
  }
  absl::StatusOr<int64_t> expected = Int((*root)["numberOfTests"]);
  EXPECT_TRUE(expected.ok());
  if (expected.ok()) {
    EXPECT_EQ(tally.total(), *expected) << file;
  }
  EXPECT_GT(tally.valid, 0) << file;
  return tally;
}

// ------------------------------------------------------------------ AEAD

Verdict AeadCase(AeadAlgorithm algorithm, const JsonValue& group,
                 const JsonValue& test) {
  const std::vector<uint8_t> key = Hex(test["key"]);
  const std::vector<uint8_t> iv = Hex(test["iv"]);
  const std::vector<uint8_t> aad = Hex(test["aad"]);
  const std::vector<uint8_t> msg = Hex(test["msg"]);
  const std::vector<uint8_t> ct = Hex(test["ct"]);
  const std::vector<uint8_t> tag = Hex(test["tag"]);
  EXPECT_EQ(*Int(group["tagSize"]), 128);
  const bool valid = test["result"].string_value() == "valid";
  // cygnet's Aead takes the 12-byte nonces of ESP and IKEv2 only. A valid
  // vector with another IV size cannot be expressed: skipped (and counted).
  // An invalid one must still be rejected.
  if (iv.size() != kAeadNonceSize && valid) return Verdict::kSkipped;
  absl::StatusOr<Aead> aead = Aead::Create(algorithm, key, 16);
  if (!aead.ok()) return Verdict::kRejected;
  if (valid) {
    // Sealing reproduces the vector at every ICV length the Aead offers:
    // 16, 12 and 8 bytes for AES-GCM (RFC 4106; a truncated tag is a prefix
    // of the full one), 16 only for ChaCha20-Poly1305 (RFC 7634).
    const std::vector<size_t> tag_sizes =
        algorithm == AeadAlgorithm::kChaCha20Poly1305
            ? std::vector<size_t>{16}
            : std::vector<size_t>{16, 12, 8};
    for (size_t tag_size : tag_sizes) {
      absl::StatusOr<Aead> truncated = Aead::Create(algorithm, key, tag_size);
      EXPECT_TRUE(truncated.ok());
      if (!truncated.ok()) continue;
      std::vector<uint8_t> buffer = msg;
      std::vector<uint8_t> out_tag(tag_size);
      EXPECT_TRUE(
          truncated
              ->Seal(iv, aad, absl::MakeSpan(buffer), absl::MakeSpan(out_tag))
              .ok());
      EXPECT_EQ(buffer, ct);
      EXPECT_EQ(out_tag,
                std::vector<uint8_t>(tag.begin(), tag.begin() + tag_size));
      buffer = ct;
      EXPECT_TRUE(truncated
                      ->Open(iv, aad, absl::MakeSpan(buffer),
                             absl::MakeConstSpan(tag).first(tag_size))
                      .ok())
          << "tag size " << tag_size;
      EXPECT_EQ(buffer, msg);
    }
  }
  std::vector<uint8_t> buffer = ct;
  if (!aead->Open(iv, aad, absl::MakeSpan(buffer), tag).ok()) {
    return Verdict::kRejected;
  }
  return buffer == msg ? Verdict::kAccepted : Verdict::kRejected;
}

TEST(WycheproofTest, AesGcm) {
  Tally t = RunFile("aes_gcm_test.json",
                    [](const JsonValue& group, const JsonValue& test) {
                      AeadAlgorithm algorithm = AeadAlgorithm::kAesGcm128;
                      const int64_t bits = *Int(group["keySize"]);
                      if (bits == 192) algorithm = AeadAlgorithm::kAesGcm192;
                      if (bits == 256) algorithm = AeadAlgorithm::kAesGcm256;
                      return AeadCase(algorithm, group, test);
                    });
  // 113 valid vectors use IV sizes other than 96 bits; the 6 invalid ones
  // with such sizes (empty IVs) are run and rejected.
  EXPECT_EQ(t.skipped, 113);
  EXPECT_EQ(t.valid, 229 - 113);
  EXPECT_EQ(t.invalid, 87);
}

TEST(WycheproofTest, ChaCha20Poly1305) {
  Tally t = RunFile("chacha20_poly1305_test.json", [](const JsonValue& group,
                                                      const JsonValue& test) {
    return AeadCase(AeadAlgorithm::kChaCha20Poly1305, group, test);
  });
  EXPECT_EQ(t.skipped, 0);
  EXPECT_EQ(t.valid, 256);
  EXPECT_EQ(t.invalid, 69);
}

// --------------------------------------------------------------- AES-CBC

TEST(WycheproofTest, AesCbcPkcs5) {
  // AesCbc is unpadded (ESP and IKE pad themselves); PKCS#5 padding is
  // applied and checked here.
  Tally t = RunFile(
      "aes_cbc_pkcs5_test.json", [](const JsonValue&, const JsonValue& test) {
        const std::vector<uint8_t> key = Hex(test["key"]);
        const std::vector<uint8_t> iv = Hex(test["iv"]);
        const std::vector<uint8_t> msg = Hex(test["msg"]);
        const std::vector<uint8_t> ct = Hex(test["ct"]);
        absl::StatusOr<AesCbc> cbc = AesCbc::Create(key);
        if (!cbc.ok()) return Verdict::kRejected;
        if (test["result"].string_value() == "valid") {
          std::vector<uint8_t> padded = msg;
          const size_t pad = kAesBlockSize - msg.size() % kAesBlockSize;
          padded.insert(padded.end(), pad, static_cast<uint8_t>(pad));
          EXPECT_TRUE(cbc->Encrypt(iv, absl::MakeSpan(padded)).ok());
          EXPECT_EQ(padded, ct);
        }
        std::vector<uint8_t> buffer = ct;
        if (buffer.empty() || !cbc->Decrypt(iv, absl::MakeSpan(buffer)).ok()) {
          return Verdict::kRejected;
        }
        const size_t pad = buffer.back();
        if (pad == 0 || pad > kAesBlockSize || pad > buffer.size()) {
          return Verdict::kRejected;
        }
        for (size_t i = buffer.size() - pad; i < buffer.size(); ++i) {
          if (buffer[i] != pad) return Verdict::kRejected;
        }
        buffer.resize(buffer.size() - pad);
        return buffer == msg ? Verdict::kAccepted : Verdict::kRejected;
      });
  EXPECT_EQ(t.valid, 72);
  EXPECT_EQ(t.invalid, 144);
}

// ------------------------------------------------------------------ HMAC

Tally RunHmac(const std::string& file, HashAlgorithm hash) {
  return RunFile(file, [hash](const JsonValue& group, const JsonValue& test) {
    const std::vector<uint8_t> key = Hex(test["key"]);
    const std::vector<uint8_t> msg = Hex(test["msg"]);
    const std::vector<uint8_t> tag = Hex(test["tag"]);
    absl::StatusOr<Hmac> hmac = Hmac::Create(hash, key);
    if (!hmac.ok()) return Verdict::kRejected;
    if (test["result"].string_value() == "valid") {
      const size_t size = static_cast<size_t>(*Int(group["tagSize"]) / 8);
      std::vector<uint8_t> out(size);
      EXPECT_TRUE(hmac->Compute(msg, absl::MakeSpan(out)).ok());
      EXPECT_EQ(out, tag);
    }
    return hmac->Verify(msg, tag).ok() ? Verdict::kAccepted
                                       : Verdict::kRejected;
  });
}

TEST(WycheproofTest, HmacSha1) {
  Tally t = RunHmac("hmac_sha1_test.json", HashAlgorithm::kSha1);
  EXPECT_EQ(t.valid, 66);
  EXPECT_EQ(t.invalid, 104);
}

TEST(WycheproofTest, HmacSha256) {
  Tally t = RunHmac("hmac_sha256_test.json", HashAlgorithm::kSha256);
  EXPECT_EQ(t.valid, 66);
  EXPECT_EQ(t.invalid, 108);
}

TEST(WycheproofTest, HmacSha384) {
  Tally t = RunHmac("hmac_sha384_test.json", HashAlgorithm::kSha384);
  EXPECT_EQ(t.valid, 66);
  EXPECT_EQ(t.invalid, 108);
}

TEST(WycheproofTest, HmacSha512) {
  Tally t = RunHmac("hmac_sha512_test.json", HashAlgorithm::kSha512);
  EXPECT_EQ(t.valid, 66);
  EXPECT_EQ(t.invalid, 108);
}

// ------------------------------------------------------------------ HKDF

Tally RunHkdf(const std::string& file, HashAlgorithm hash) {
  return RunFile(file, [hash](const JsonValue&, const JsonValue& test) {
    absl::StatusOr<int64_t> size = Int(test["size"]);
    EXPECT_TRUE(size.ok());
    absl::StatusOr<SecretBytes> okm =
        Hkdf(hash, Hex(test["ikm"]), Hex(test["salt"]), Hex(test["info"]),
             static_cast<size_t>(*size));
    if (!okm.ok()) return Verdict::kRejected;
    const std::vector<uint8_t> expected = Hex(test["okm"]);
    return std::vector<uint8_t>(okm->data(), okm->data() + okm->size()) ==
                   expected
               ? Verdict::kAccepted
               : Verdict::kRejected;
  });
}

TEST(WycheproofTest, HkdfSha256) {
  Tally t = RunHkdf("hkdf_sha256_test.json", HashAlgorithm::kSha256);
  EXPECT_EQ(t.valid, 83);
  EXPECT_EQ(t.invalid, 3);
}

TEST(WycheproofTest, HkdfSha384) {
  Tally t = RunHkdf("hkdf_sha384_test.json", HashAlgorithm::kSha384);
  EXPECT_EQ(t.valid, 80);
  EXPECT_EQ(t.invalid, 3);
}

// ---------------------------------------------------------- key exchange

std::vector<uint8_t> StripLeadingZeros(std::vector<uint8_t> bytes) {
  size_t zeros = 0;
  while (zeros + 1 < bytes.size() && bytes[zeros] == 0) ++zeros;
  bytes.erase(bytes.begin(), bytes.begin() + zeros);
  return bytes;
}

Tally RunEcdh(const std::string& file, KeyExchangeGroup group_id) {
  const size_t size = PublicValueSize(group_id);
  // Policy for "acceptable": the only such vectors are compressed points,
  // which the IKEv2 x || y encoding (RFC 5903) cannot carry: rejected.
  return RunFile(
      file,
      [group_id, size](const JsonValue&, const JsonValue& test) {
        absl::StatusOr<std::unique_ptr<KeyExchange>> ke =
            KeyExchange::FromPrivateKey(
                group_id, StripLeadingZeros(Hex(test["private"])));
        EXPECT_TRUE(ke.ok()) << ke.status();
        if (!ke.ok()) return Verdict::kRejected;
        // Wycheproof gives SEC1 points; IKEv2 carries the uncompressed form
        // without its 0x04 octet. Anything else goes in as is, to be
        // rejected by the length check.
        std::vector<uint8_t> peer = Hex(test["public"]);
        if (peer.size() == size + 1 && peer[0] == 0x04) {
          peer.erase(peer.begin());
        }
        absl::StatusOr<SecretBytes> shared = (*ke)->ComputeSharedSecret(peer);
        if (!shared.ok()) return Verdict::kRejected;
        return std::vector<uint8_t>(shared->data(),
                                    shared->data() + shared->size()) ==
                       Hex(test["shared"])
                   ? Verdict::kAccepted
                   : Verdict::kRejected;
      },
      [](const JsonValue&, const JsonValue& test, Verdict verdict) {
        bool compressed = false;
        for (const JsonValue& flag : test["flags"].items()) {
          compressed |= flag.string_value() == "CompressedPoint";
        }
        return compressed && verdict == Verdict::kRejected;
      });
}

TEST(WycheproofTest, EcdhP256) {
  Tally t =
      RunEcdh("ecdh_secp256r1_ecpoint_test.json", KeyExchangeGroup::kEcp256);
  EXPECT_EQ(t.valid, 330);
  EXPECT_EQ(t.invalid, 24);
  EXPECT_EQ(t.acceptable_rejected, 1);
}

TEST(WycheproofTest, EcdhP384) {
  Tally t =
      RunEcdh("ecdh_secp384r1_ecpoint_test.json", KeyExchangeGroup::kEcp384);
  EXPECT_EQ(t.valid, 771);
  EXPECT_EQ(t.invalid, 18);
  EXPECT_EQ(t.acceptable_rejected, 1);
}

TEST(WycheproofTest, EcdhP521) {
  Tally t =
      RunEcdh("ecdh_secp521r1_ecpoint_test.json", KeyExchangeGroup::kEcp521);
  EXPECT_EQ(t.valid, 632);
  EXPECT_EQ(t.invalid, 28);
  EXPECT_EQ(t.acceptable_rejected, 1);
}

TEST(WycheproofTest, X25519) {
  // Policy for "acceptable" (twist points, non-canonical and low-order
  // public values): accepted with the expected result, except that an
  // all-zero shared secret is rejected (RFC 7748 section 6.1, RFC 8031).
  Tally t = RunFile(
      "x25519_test.json",
      [](const JsonValue&, const JsonValue& test) {
        absl::StatusOr<std::unique_ptr<KeyExchange>> ke =
            KeyExchange::FromPrivateKey(KeyExchangeGroup::kCurve25519,
                                        Hex(test["private"]));
        EXPECT_TRUE(ke.ok()) << ke.status();
        if (!ke.ok()) return Verdict::kRejected;
        absl::StatusOr<SecretBytes> shared =
            (*ke)->ComputeSharedSecret(Hex(test["public"]));
        if (!shared.ok()) return Verdict::kRejected;
        return std::vector<uint8_t>(shared->data(),
                                    shared->data() + shared->size()) ==
                       Hex(test["shared"])
                   ? Verdict::kAccepted
                   : Verdict::kRejected;
      },
      [](const JsonValue&, const JsonValue& test, Verdict verdict) {
        const bool zero = Hex(test["shared"]) == std::vector<uint8_t>(32, 0);
        return zero ? verdict == Verdict::kRejected
                    : verdict == Verdict::kAccepted;
      });
  EXPECT_EQ(t.valid, 264);
  EXPECT_EQ(t.acceptable_rejected, 31);  // the ZeroSharedSecret vectors
  EXPECT_EQ(t.acceptable_accepted, 254 - 31);
}

// ------------------------------------------------------------ signatures

// Verifies every test of a signature file with the group's DER public key.
Tally RunSignature(const std::string& file, SignatureScheme scheme,
                   EcdsaEncoding encoding,
                   const AcceptableFn& acceptable_ok = nullptr) {
  return RunFile(
      file,
      [scheme, encoding](const JsonValue& group, const JsonValue& test) {
        absl::StatusOr<PublicKey> key =
            PublicKey::FromDer(Hex(group["publicKeyDer"]));
        EXPECT_TRUE(key.ok()) << key.status();
        if (!key.ok()) return Verdict::kRejected;
        return key->Verify(scheme, Hex(test["msg"]), Hex(test["sig"]), encoding)
                       .ok()
                   ? Verdict::kAccepted
                   : Verdict::kRejected;
      },
      acceptable_ok);
}

TEST(WycheproofTest, EcdsaDer) {
  struct File {
    const char* name;
    SignatureScheme scheme;
    int valid;
  };
  for (const File& f : {
           File{"ecdsa_secp256r1_sha256_test.json",
                SignatureScheme::kEcdsaSha256, 174},
           File{"ecdsa_secp384r1_sha256_test.json",
                SignatureScheme::kEcdsaSha256, 162},
           File{"ecdsa_secp384r1_sha384_test.json",
                SignatureScheme::kEcdsaSha384, 194},
           File{"ecdsa_secp521r1_sha512_test.json",
                SignatureScheme::kEcdsaSha512, 232},
       }) {
    Tally t = RunSignature(f.name, f.scheme, EcdsaEncoding::kDer);
    EXPECT_EQ(t.valid, f.valid) << f.name;
    EXPECT_EQ(t.invalid, 310) << f.name;
  }
}

TEST(WycheproofTest, EcdsaP1363) {
  struct File {
    const char* name;
    SignatureScheme scheme;
    int valid;
  };
  for (const File& f : {
           File{"ecdsa_secp256r1_sha256_p1363_test.json",
                SignatureScheme::kEcdsaSha256, 173},
           File{"ecdsa_secp384r1_sha384_p1363_test.json",
                SignatureScheme::kEcdsaSha384, 193},
           File{"ecdsa_secp521r1_sha512_p1363_test.json",
                SignatureScheme::kEcdsaSha512, 231},
       }) {
    Tally t = RunSignature(f.name, f.scheme, EcdsaEncoding::kP1363);
    EXPECT_EQ(t.valid, f.valid) << f.name;
    EXPECT_GT(t.invalid, 80) << f.name;
  }
}

TEST(WycheproofTest, RsaPkcs1) {
  // Policy for "acceptable": the one such vector per file omits the NULL
  // parameters in DigestInfo (flag MissingNull). BoringSSL, and so cygnet,
  // rejects it; RFC 8017 section 9.2 note 2 allows either.
  const AcceptableFn missing_null_rejected =
      [](const JsonValue&, const JsonValue& test, Verdict verdict) {
        bool missing_null = false;
        for (const JsonValue& flag : test["flags"].items()) {
          missing_null |= flag.string_value() == "MissingNull";
        }
        return missing_null && verdict == Verdict::kRejected;
      };
  struct File {
    const char* name;
    SignatureScheme scheme;
  };
  int total = 0;
  for (const File& f : {
           File{"rsa_signature_2048_sha256_test.json",
                SignatureScheme::kRsaPkcs1Sha256},
           File{"rsa_signature_2048_sha384_test.json",
                SignatureScheme::kRsaPkcs1Sha384},
           File{"rsa_signature_2048_sha512_test.json",
                SignatureScheme::kRsaPkcs1Sha512},
           File{"rsa_signature_3072_sha256_test.json",
                SignatureScheme::kRsaPkcs1Sha256},
           File{"rsa_signature_3072_sha384_test.json",
                SignatureScheme::kRsaPkcs1Sha384},
           File{"rsa_signature_3072_sha512_test.json",
                SignatureScheme::kRsaPkcs1Sha512},
       }) {
    Tally t = RunSignature(f.name, f.scheme, EcdsaEncoding::kDer,
                           missing_null_rejected);
    EXPECT_EQ(t.acceptable_rejected, 1) << f.name;
    EXPECT_GT(t.invalid, 240) << f.name;
    total += t.total();
  }
  EXPECT_EQ(total, 259 + 258 + 259 + 259 + 259 + 260);
}

TEST(WycheproofTest, RsaPss) {
  for (const char* name : {"rsa_pss_2048_sha256_mgf1_32_test.json",
                           "rsa_pss_3072_sha256_mgf1_32_test.json"}) {
    Tally t = RunFile(name, [](const JsonValue& group, const JsonValue& test) {
      // cygnet's PSS is MGF1 with the message hash and a hash-long salt.
      EXPECT_EQ(group["sha"].string_value(), "SHA-256");
      EXPECT_EQ(group["mgfSha"].string_value(), "SHA-256");
      EXPECT_EQ(*Int(group["sLen"]), 32);
      absl::StatusOr<PublicKey> key =
          PublicKey::FromDer(Hex(group["publicKeyDer"]));
      EXPECT_TRUE(key.ok()) << key.status();
      if (!key.ok()) return Verdict::kRejected;
      return key->Verify(SignatureScheme::kRsaPssSha256, Hex(test["msg"]),
                         Hex(test["sig"]))
                     .ok()
                 ? Verdict::kAccepted
                 : Verdict::kRejected;
    });
    EXPECT_EQ(t.valid, 63) << name;
    EXPECT_EQ(t.invalid, 45) << name;
  }
}

}  // namespace
}  // namespace cygnet::crypto
