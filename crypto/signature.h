// Public and private keys for signatures: RSA PKCS#1 v1.5, RSA-PSS and ECDSA
// (P-256, P-384, P-521), as IKEv2 authentication (RFC 7296 method 1, RFC 7427
// method 14) and SVR certificate keys need them.
//
// ECDSA signatures come in two encodings: DER (X.509, RFC 7427) and IEEE
// P1363 r || s (IKEv2 methods 9-11). RSA-PSS uses MGF1 with the same hash and
// a salt as long as the hash. Keys are immutable after creation and
// thread-safe; a bad signature is "signature verification failed", never a
// crash, whatever the input.
//
// Status codes: a signature that does not verify (including a P1363
// signature of the wrong length) is Unauthenticated; a scheme that does not
// suit the key (RSA scheme on an EC key, or the reverse), unparsable keys and
// bad generation parameters are InvalidArgument. Signing randomness (ECDSA
// nonces, PSS salts) comes from BoringSSL, so only key generation is
// reproducible from the injected Random.
#ifndef CYGNET_CRYPTO_SIGNATURE_H_
#define CYGNET_CRYPTO_SIGNATURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/hash.h"
#include "crypto/random.h"

struct evp_pkey_st;

namespace cygnet::crypto {

enum class SignatureScheme {
  kRsaPkcs1Sha1,
  kRsaPkcs1Sha256,
  kRsaPkcs1Sha384,
  kRsaPkcs1Sha512,
  kRsaPssSha256,
  kRsaPssSha384,
  kRsaPssSha512,
  kEcdsaSha256,  // the curve comes from the key
  kEcdsaSha384,
  kEcdsaSha512,
};

enum class EcdsaEncoding { kDer, kP1363 };
enum class KeyType { kRsa, kEcdsaP256, kEcdsaP384, kEcdsaP521 };

class PublicKey {
 public:
  // SubjectPublicKeyInfo, DER.
  static absl::StatusOr<PublicKey> FromDer(absl::Span<const uint8_t> der);
  absl::StatusOr<std::vector<uint8_t>> ToDer() const;
  KeyType type() const { return type_; }
  size_t rsa_bits() const;  // 0 for EC keys

  absl::Status Verify(SignatureScheme scheme, absl::Span<const uint8_t> message,
                      absl::Span<const uint8_t> signature,
                      EcdsaEncoding encoding = EcdsaEncoding::kDer) const;

  evp_pkey_st* raw() const { return key_.get(); }  // for crypto/ only
  explicit PublicKey(std::shared_ptr<evp_pkey_st> key, KeyType type)
      : key_(std::move(key)), type_(type) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
  KeyType type_;
};

class PrivateKey {
 public:
  // PKCS#8 or the traditional RSA/EC forms, DER or PEM.
  static absl::StatusOr<PrivateKey> FromDer(absl::Span<const uint8_t> der);
  static absl::StatusOr<PrivateKey> FromPem(absl::string_view pem);
  // EC keys draw their scalar from `random` (reproducible in tests); RSA keys
  // use BoringSSL's generator (bits 2048..4096).
  static absl::StatusOr<PrivateKey> GenerateEc(KeyType type, Random& random);
  static absl::StatusOr<PrivateKey> GenerateRsa(int bits);

  absl::StatusOr<std::vector<uint8_t>> ToPkcs8Der() const;
  KeyType type() const { return type_; }
  PublicKey public_key() const;

  absl::StatusOr<std::vector<uint8_t>> Sign(
      SignatureScheme scheme, absl::Span<const uint8_t> message,
      EcdsaEncoding encoding = EcdsaEncoding::kDer) const;

  evp_pkey_st* raw() const { return key_.get(); }  // for crypto/ only
  explicit PrivateKey(std::shared_ptr<evp_pkey_st> key, KeyType type)
      : key_(std::move(key)), type_(type) {}

 private:
  std::shared_ptr<evp_pkey_st> key_;
  KeyType type_;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_SIGNATURE_H_
