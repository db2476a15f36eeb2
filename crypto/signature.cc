#include "crypto/signature.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cygnet::crypto {
namespace {

// Scalar draws are retried this often before giving up; a working Random
// needs more than one draw with probability below 2^-32 on every curve.
constexpr int kMaxScalarDraws = 64;

struct Deleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
  void operator()(EC_KEY* p) const { EC_KEY_free(p); }
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
  void operator()(RSA* p) const { RSA_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Deleter>;

std::shared_ptr<evp_pkey_st> Share(EVP_PKEY* key) {
  return std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free);
}

absl::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcdsaP256:
      return "ECDSA-P256";
    case KeyType::kEcdsaP384:
      return "ECDSA-P384";
    case KeyType::kEcdsaP521:
      return "ECDSA-P521";
  }
  return "unknown";
}

absl::string_view SchemeName(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1:
      return "RSA-PKCS1-SHA1";
    case SignatureScheme::kRsaPkcs1Sha256:
      return "RSA-PKCS1-SHA256";
    case SignatureScheme::kRsaPkcs1Sha384:
      return "RSA-PKCS1-SHA384";
    case SignatureScheme::kRsaPkcs1Sha512:
      return "RSA-PKCS1-SHA512";
    case SignatureScheme::kRsaPssSha256:
      return "RSA-PSS-SHA256";
    case SignatureScheme::kRsaPssSha384:
      return "RSA-PSS-SHA384";
    case SignatureScheme::kRsaPssSha512:
      return "RSA-PSS-SHA512";
    case SignatureScheme::kEcdsaSha256:
      return "ECDSA-SHA256";
    case SignatureScheme::kEcdsaSha384:
      return "ECDSA-SHA384";
    case SignatureScheme::kEcdsaSha512:
      return "ECDSA-SHA512";
  }
  return "unknown";
}

enum class Family { kPkcs1, kPss, kEcdsa, kUnknown };

struct SchemeInfo {
  Family family;
  const EVP_MD* md;
};

SchemeInfo Info(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::kRsaPkcs1Sha1:
      return {Family::kPkcs1, EVP_sha1()};
    case SignatureScheme::kRsaPkcs1Sha256:
      return {Family::kPkcs1, EVP_sha256()};
    case SignatureScheme::kRsaPkcs1Sha384:
      return {Family::kPkcs1, EVP_sha384()};
    case SignatureScheme::kRsaPkcs1Sha512:
      return {Family::kPkcs1, EVP_sha512()};
    case SignatureScheme::kRsaPssSha256:
      return {Family::kPss, EVP_sha256()};
    case SignatureScheme::kRsaPssSha384:
      return {Family::kPss, EVP_sha384()};
    case SignatureScheme::kRsaPssSha512:
      return {Family::kPss, EVP_sha512()};
    case SignatureScheme::kEcdsaSha256:
      return {Family::kEcdsa, EVP_sha256()};
    case SignatureScheme::kEcdsaSha384:
      return {Family::kEcdsa, EVP_sha384()};
    case SignatureScheme::kEcdsaSha512:
      return {Family::kEcdsa, EVP_sha512()};
  }
  return {Family::kUnknown, nullptr};
}

// The scheme must suit the key: RSA schemes need an RSA key, ECDSA an EC key.
absl::StatusOr<SchemeInfo> CheckScheme(SignatureScheme scheme, KeyType type) {
  SchemeInfo info = Info(scheme);
  if (info.family == Family::kUnknown) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature scheme ", static_cast<int>(scheme), " is not supported"));
  }
  const bool rsa_key = type == KeyType::kRsa;
  const bool rsa_scheme = info.family != Family::kEcdsa;
  if (rsa_key != rsa_scheme) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature scheme ", SchemeName(scheme), " needs ",
                     rsa_scheme ? "an RSA" : "an ECDSA", " key, got a ",
                     KeyTypeName(type), " key"));
  }
  return info;
}

absl::StatusOr<KeyType> TypeOf(const EVP_PKEY* key) {
  switch (EVP_PKEY_id(key)) {
    case EVP_PKEY_RSA:
      return KeyType::kRsa;
    case EVP_PKEY_EC: {
      const EC_GROUP* group = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
      const int nid =
          group == nullptr ? NID_undef : EC_GROUP_get_curve_name(group);
      switch (nid) {
        case NID_X9_62_prime256v1:
          return KeyType::kEcdsaP256;
        case NID_secp384r1:
          return KeyType::kEcdsaP384;
        case NID_secp521r1:
          return KeyType::kEcdsaP521;
        default:
          return absl::InvalidArgumentError(
              absl::StrCat("EC key curve ", OBJ_nid2sn(nid),
                           " is not supported (P-256, P-384, P-521 are)"));
      }
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("key type ", EVP_PKEY_id(key),
                       " is not supported (RSA and EC keys are)"));
  }
}

int CurveNid(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP256:
      return NID_X9_62_prime256v1;
    case KeyType::kEcdsaP384:
      return NID_secp384r1;
    case KeyType::kEcdsaP521:
      return NID_secp521r1;
    case KeyType::kRsa:
      break;
  }
  return NID_undef;
}

// Bytes of the group order: the width of r and s in P1363 r || s.
size_t OrderSize(const EVP_PKEY* key) {
  const EC_GROUP* group = EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key));
  return BN_num_bytes(EC_GROUP_get0_order(group));
}

absl::Status Internal(absl::string_view what) {
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, " failed"));
}

absl::StatusOr<std::vector<uint8_t>> Marshal(int (*marshal)(CBB*,
                                                            const EVP_PKEY*),
                                             const EVP_PKEY* key,
                                             absl::string_view what) {
  CBB cbb;
  uint8_t* data = nullptr;
  size_t size = 0;
  if (!CBB_init(&cbb, 0) || !marshal(&cbb, key) ||
      !CBB_finish(&cbb, &data, &size)) {
    CBB_cleanup(&cbb);
    return Internal(what);
  }
  std::vector<uint8_t> out(data, data + size);
  OPENSSL_cleanse(data, size);
  OPENSSL_free(data);
  return out;
}

// Sets the padding for the RSA schemes on a DigestSign/DigestVerify context.
bool ConfigurePadding(EVP_PKEY_CTX* pctx, const SchemeInfo& info) {
  if (info.family == Family::kPkcs1) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  }
  if (info.family == Family::kPss) {
    // Salt as long as the hash (-1), MGF1 with the same hash.
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, -1) &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, info.md);
  }
  return true;
}

// P1363 r || s to DER; nullopt-like error when the length is wrong.
absl::StatusOr<std::vector<uint8_t>> P1363ToDer(
    absl::Span<const uint8_t> signature, size_t order_size) {
  if (signature.size() != 2 * order_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("ECDSA P1363 signature must be ", 2 * order_size,
                     " bytes, got ", signature.size()));
  }
  Ptr<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (sig == nullptr) return Internal("ECDSA_SIG allocation");
  BIGNUM* r = BN_bin2bn(signature.data(), order_size, nullptr);
  BIGNUM* s = BN_bin2bn(signature.data() + order_size, order_size, nullptr);
  if (r == nullptr || s == nullptr || !ECDSA_SIG_set0(sig.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return Internal("ECDSA signature conversion");
  }
  uint8_t* der = nullptr;
  size_t der_size = 0;
  if (!ECDSA_SIG_to_bytes(&der, &der_size, sig.get())) {
    return Internal("ECDSA signature encoding");
  }
  std::vector<uint8_t> out(der, der + der_size);
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<std::vector<uint8_t>> DerToP1363(absl::Span<const uint8_t> der,
                                                size_t order_size) {
  Ptr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(der.data(), der.size()));
  if (sig == nullptr) return Internal("ECDSA signature decoding");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::vector<uint8_t> out(2 * order_size);
  if (!BN_bn2bin_padded(out.data(), order_size, r) ||
      !BN_bn2bin_padded(out.data() + order_size, order_size, s)) {
    return Internal("ECDSA P1363 encoding");
  }
  return out;
}

absl::StatusOr<PrivateKey> WrapPrivate(EVP_PKEY* raw) {
  std::shared_ptr<evp_pkey_st> key = Share(raw);
  absl::StatusOr<KeyType> type = TypeOf(raw);
  if (!type.ok()) return type.status();
  return PrivateKey(std::move(key), *type);
}

}  // namespace

absl::StatusOr<PublicKey> PublicKey::FromDer(absl::Span<const uint8_t> der) {
  CBS cbs;
  CBS_init(&cbs, der.data(), der.size());
  EVP_PKEY* raw = EVP_parse_public_key(&cbs);
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "public key: ", der.size(),
        " bytes are not a DER SubjectPublicKeyInfo of an RSA or EC key"));
  }
  std::shared_ptr<evp_pkey_st> key = Share(raw);
  if (CBS_len(&cbs) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("public key: ", CBS_len(&cbs),
                     " trailing bytes after the SubjectPublicKeyInfo"));
  }
  absl::StatusOr<KeyType> type = TypeOf(raw);
  if (!type.ok()) return type.status();
  return PublicKey(std::move(key), *type);
}

absl::StatusOr<std::vector<uint8_t>> PublicKey::ToDer() const {
  return Marshal(EVP_marshal_public_key, key_.get(),
                 "SubjectPublicKeyInfo encoding");
}

size_t PublicKey::rsa_bits() const {
  if (type_ != KeyType::kRsa) return 0;
  return RSA_bits(EVP_PKEY_get0_RSA(key_.get()));
}

absl::Status PublicKey::Verify(SignatureScheme scheme,
                               absl::Span<const uint8_t> message,
                               absl::Span<const uint8_t> signature,
                               EcdsaEncoding encoding) const {
  absl::StatusOr<SchemeInfo> info = CheckScheme(scheme, type_);
  if (!info.ok()) return info.status();
  std::vector<uint8_t> converted;
  if (info->family == Family::kEcdsa && encoding == EcdsaEncoding::kP1363) {
    absl::StatusOr<std::vector<uint8_t>> der =
        P1363ToDer(signature, OrderSize(key_.get()));
    if (!der.ok()) {
      if (der.status().code() != absl::StatusCode::kInvalidArgument) {
        return der.status();
      }
      return absl::UnauthenticatedError(absl::StrCat(
          SchemeName(scheme),
          " signature verification failed: ", der.status().message()));
    }
    converted = *std::move(der);
    signature = converted;
  }
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (ctx == nullptr ||
      !EVP_DigestVerifyInit(ctx.get(), &pctx, info->md, nullptr, key_.get()) ||
      !ConfigurePadding(pctx, *info)) {
    return Internal(absl::StrCat(SchemeName(scheme), " verifier setup"));
  }
  if (!EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                        message.data(), message.size())) {
    ERR_clear_error();
    return absl::UnauthenticatedError(absl::StrCat(
        SchemeName(scheme), " signature verification failed (",
        signature.size(), "-byte signature, ", KeyTypeName(type_), " key)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<PrivateKey> PrivateKey::FromDer(absl::Span<const uint8_t> der) {
  // PKCS#8 PrivateKeyInfo, then RSAPrivateKey (RFC 8017), then
  // ECPrivateKey (RFC 5915, which must name its curve). Each must consume
  // the whole input.
  {
    CBS cbs;
    CBS_init(&cbs, der.data(), der.size());
    EVP_PKEY* raw = EVP_parse_private_key(&cbs);
    if (raw != nullptr && CBS_len(&cbs) == 0) return WrapPrivate(raw);
    EVP_PKEY_free(raw);
  }
  {
    CBS cbs;
    CBS_init(&cbs, der.data(), der.size());
    RSA* rsa = RSA_parse_private_key(&cbs);
    if (rsa != nullptr && CBS_len(&cbs) == 0) {
      EVP_PKEY* raw = EVP_PKEY_new();
      if (raw == nullptr || !EVP_PKEY_assign_RSA(raw, rsa)) {
        RSA_free(rsa);
        EVP_PKEY_free(raw);
        return Internal("RSA key wrapping");
      }
      return WrapPrivate(raw);
    }
    RSA_free(rsa);
  }
  {
    CBS cbs;
    CBS_init(&cbs, der.data(), der.size());
    EC_KEY* ec = EC_KEY_parse_private_key(&cbs, nullptr);
    if (ec != nullptr && CBS_len(&cbs) == 0) {
      EVP_PKEY* raw = EVP_PKEY_new();
      if (raw == nullptr || !EVP_PKEY_assign_EC_KEY(raw, ec)) {
        EC_KEY_free(ec);
        EVP_PKEY_free(raw);
        return Internal("EC key wrapping");
      }
      return WrapPrivate(raw);
    }
    EC_KEY_free(ec);
  }
  ERR_clear_error();
  return absl::InvalidArgumentError(absl::StrCat(
      "private key: ", der.size(),
      " bytes are not a DER PKCS#8, RSAPrivateKey or ECPrivateKey"));
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(absl::string_view pem) {
  Ptr<BIO> bio(BIO_new_mem_buf(pem.data(), pem.size()));
  if (bio == nullptr) return Internal("PEM buffer");
  // The password callback refuses, so encrypted keys fail instead of
  // prompting on a terminal.
  auto no_password = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* raw =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr);
  if (raw == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("private key: no unencrypted PRIVATE KEY, RSA PRIVATE KEY "
                     "or EC PRIVATE KEY block in ",
                     pem.size(), " bytes of PEM"));
  }
  return WrapPrivate(raw);
}

absl::StatusOr<PrivateKey> PrivateKey::GenerateEc(KeyType type,
                                                  Random& random) {
  const int nid = CurveNid(type);
  if (nid == NID_undef) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GenerateEc: key type ", KeyTypeName(type), " is not an EC type"));
  }
  Ptr<EC_KEY> ec(EC_KEY_new_by_curve_name(nid));
  Ptr<BN_CTX> ctx(BN_CTX_new());
  if (ec == nullptr || ctx == nullptr) return Internal("EC key allocation");
  const EC_GROUP* group = EC_KEY_get0_group(ec.get());
  const BIGNUM* order = EC_GROUP_get0_order(group);
  const size_t size = BN_num_bytes(order);
  const int top_bits = BN_num_bits(order) % 8;
  // Rejection sampling: draw the order's width, clear the bits above its
  // length, retry until the scalar is in [1, n-1]: uniform, no bias.
  for (int i = 0; i < kMaxScalarDraws; ++i) {
    SecretBytes draw = random.Secret(size);
    if (top_bits != 0) draw.mutable_data()[0] &= (1u << top_bits) - 1;
    Ptr<BIGNUM> scalar(BN_bin2bn(draw.data(), draw.size(), nullptr));
    if (scalar == nullptr) return Internal("scalar allocation");
    if (BN_is_zero(scalar.get()) || BN_cmp(scalar.get(), order) >= 0) {
      continue;
    }
    Ptr<EC_POINT> point(EC_POINT_new(group));
    if (point == nullptr ||
        !EC_POINT_mul(group, point.get(), scalar.get(), nullptr, nullptr,
                      ctx.get()) ||
        !EC_KEY_set_private_key(ec.get(), scalar.get()) ||
        !EC_KEY_set_public_key(ec.get(), point.get())) {
      return Internal("EC key computation");
    }
    EVP_PKEY* raw = EVP_PKEY_new();
    if (raw == nullptr || !EVP_PKEY_assign_EC_KEY(raw, ec.get())) {
      EVP_PKEY_free(raw);
      return Internal("EC key wrapping");
    }
    ec.release();  // owned by raw now
    return PrivateKey(Share(raw), type);
  }
  return absl::InternalError(absl::StrCat("GenerateEc ", KeyTypeName(type),
                                          ": the random source "
                                          "produced ",
                                          kMaxScalarDraws,
                                          " unusable scalars in a row"));
}

absl::StatusOr<PrivateKey> PrivateKey::GenerateRsa(int bits) {
  if (bits < 2048 || bits > 4096 || bits % 128 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("GenerateRsa: bits must be a multiple of 128 in "
                     "[2048, 4096], got ",
                     bits));
  }
  Ptr<RSA> rsa(RSA_new());
  Ptr<BIGNUM> e(BN_new());
  if (rsa == nullptr || e == nullptr || !BN_set_word(e.get(), RSA_F4) ||
      !RSA_generate_key_ex(rsa.get(), bits, e.get(), nullptr)) {
    return Internal("RSA key generation");
  }
  EVP_PKEY* raw = EVP_PKEY_new();
  if (raw == nullptr || !EVP_PKEY_assign_RSA(raw, rsa.get())) {
    EVP_PKEY_free(raw);
    return Internal("RSA key wrapping");
  }
  rsa.release();  // owned by raw now
  return PrivateKey(Share(raw), KeyType::kRsa);
}

absl::StatusOr<std::vector<uint8_t>> PrivateKey::ToPkcs8Der() const {
  return Marshal(EVP_marshal_private_key, key_.get(), "PKCS#8 encoding");
}

PublicKey PrivateKey::public_key() const {
  // The private EVP_PKEY also serves public operations; sharing it avoids a
  // fallible re-encoding, and PublicKey exposes nothing private.
  return PublicKey(key_, type_);
}

absl::StatusOr<std::vector<uint8_t>> PrivateKey::Sign(
    SignatureScheme scheme, absl::Span<const uint8_t> message,
    EcdsaEncoding encoding) const {
  absl::StatusOr<SchemeInfo> info = CheckScheme(scheme, type_);
  if (!info.ok()) return info.status();
  Ptr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t size = 0;
  if (ctx == nullptr ||
      !EVP_DigestSignInit(ctx.get(), &pctx, info->md, nullptr, key_.get()) ||
      !ConfigurePadding(pctx, *info) ||
      !EVP_DigestSign(ctx.get(), nullptr, &size, message.data(),
                      message.size())) {
    return Internal(absl::StrCat(SchemeName(scheme), " signer setup"));
  }
  std::vector<uint8_t> signature(size);
  if (!EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(),
                      message.size())) {
    return Internal(absl::StrCat(SchemeName(scheme), " signing"));
  }
  signature.resize(size);
  if (info->family == Family::kEcdsa && encoding == EcdsaEncoding::kP1363) {
    return DerToP1363(signature, OrderSize(key_.get()));
  }
  return signature;
}

}  // namespace cygnet::crypto
