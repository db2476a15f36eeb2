#include "crypto/key_exchange.h"

#include <openssl/bn.h>
#include <openssl/curve25519.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "crypto/hex.h"

namespace cygnet::crypto {
namespace {

// Draws are retried this often before giving up; with a working Random the
// chance of even two rejections in a row is below 2^-32 for every group.
constexpr int kMaxDraws = 64;
// Generated MODP exponents: 256 bits, twice the group's ~112-bit strength
// (RFC 3526 section 8 asks for at least twice the strength).
constexpr size_t kModpExponentSize = 32;

// RFC 3526 section 3, the 2048-bit MODP group; generator 2.
constexpr char kModp2048Prime[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct MontDeleter {
  void operator()(BN_MONT_CTX* mont) const { BN_MONT_CTX_free(mont); }
};
struct EcGroupDeleter {
  void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
};
struct EcPointDeleter {
  void operator()(EC_POINT* point) const { EC_POINT_free(point); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;
using Mont = std::unique_ptr<BN_MONT_CTX, MontDeleter>;
using EcGroup = std::unique_ptr<EC_GROUP, EcGroupDeleter>;
using EcPoint = std::unique_ptr<EC_POINT, EcPointDeleter>;

std::string GroupLabel(KeyExchangeGroup group) {
  return absl::StrCat(KeyExchangeGroupName(group), " (group ",
                      static_cast<int>(group), ")");
}

absl::Status InternalFailure(KeyExchangeGroup group, absl::string_view what) {
  ERR_clear_error();
  return absl::InternalError(
      absl::StrCat(GroupLabel(group), ": ", what, " failed"));
}

Bn BnFromBytes(absl::Span<const uint8_t> bytes) {
  static const uint8_t kZero = 0;
  return Bn(
      BN_bin2bn(bytes.empty() ? &kZero : bytes.data(), bytes.size(), nullptr));
}

// ---------------------------------------------------------------- MODP

class ModpKeyExchange final : public KeyExchange {
 public:
  static absl::StatusOr<std::unique_ptr<KeyExchange>> Create(Bn exponent) {
    const KeyExchangeGroup group = KeyExchangeGroup::kModp2048;
    auto ke = std::unique_ptr<ModpKeyExchange>(new ModpKeyExchange());
    BnCtx ctx(BN_CTX_new());
    std::vector<uint8_t> prime_bytes = *HexDecode(kModp2048Prime);
    ke->prime_ = BnFromBytes(prime_bytes);
    if (ctx == nullptr || ke->prime_ == nullptr) {
      return InternalFailure(group, "allocation");
    }
    ke->mont_.reset(BN_MONT_CTX_new_consttime(ke->prime_.get(), ctx.get()));
    if (ke->mont_ == nullptr) return InternalFailure(group, "Montgomery setup");
    // The exponent must be in [2, p-2]: 0 and 1 (and p-1) give public values
    // an observer recognises and shared secrets independent of the peer.
    Bn p_minus_2(BN_dup(ke->prime_.get()));
    if (p_minus_2 == nullptr || !BN_sub_word(p_minus_2.get(), 2)) {
      return InternalFailure(group, "bound computation");
    }
    if (BN_cmp_word(exponent.get(), 2) < 0 ||
        BN_cmp(exponent.get(), p_minus_2.get()) > 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          GroupLabel(group), " private exponent must be in [2, p-2]"));
    }
    ke->exponent_ = std::move(exponent);
    Bn generator(BN_new());
    Bn public_bn(BN_new());
    if (generator == nullptr || public_bn == nullptr ||
        !BN_set_word(generator.get(), 2) ||
        !BN_mod_exp_mont_consttime(public_bn.get(), generator.get(),
                                   ke->exponent_.get(), ke->prime_.get(),
                                   ctx.get(), ke->mont_.get())) {
      return InternalFailure(group, "public value computation");
    }
    ke->public_value_.resize(PublicValueSize(group));
    if (!BN_bn2bin_padded(ke->public_value_.data(), ke->public_value_.size(),
                          public_bn.get())) {
      return InternalFailure(group, "public value encoding");
    }
    return std::unique_ptr<KeyExchange>(std::move(ke));
  }

  KeyExchangeGroup group() const override {
    return KeyExchangeGroup::kModp2048;
  }
  const std::vector<uint8_t>& public_value() const override {
    return public_value_;
  }

  absl::StatusOr<SecretBytes> ComputeSharedSecret(
      absl::Span<const uint8_t> peer) const override {
    const KeyExchangeGroup g = group();
    const size_t size = PublicValueSize(g);
    if (peer.size() != size) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(g), " public value must be ", size,
                       " bytes, got ", peer.size()));
    }
    BnCtx ctx(BN_CTX_new());
    Bn y = BnFromBytes(peer);
    Bn p_minus_1(BN_dup(prime_.get()));
    Bn shared(BN_new());
    if (ctx == nullptr || y == nullptr || p_minus_1 == nullptr ||
        shared == nullptr || !BN_sub_word(p_minus_1.get(), 1)) {
      return InternalFailure(g, "allocation");
    }
    // 1 < y < p-1 (RFC 7296 section 5 / NIST SP 800-56A partial validation).
    if (BN_cmp_word(y.get(), 1) <= 0 || BN_cmp(y.get(), p_minus_1.get()) >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(g), " public value is outside (1, p-1)"));
    }
    if (!BN_mod_exp_mont_consttime(shared.get(), y.get(), exponent_.get(),
                                   prime_.get(), ctx.get(), mont_.get())) {
      return InternalFailure(g, "shared secret computation");
    }
    SecretBytes out(size);
    if (!BN_bn2bin_padded(out.mutable_data(), out.size(), shared.get())) {
      return InternalFailure(g, "shared secret encoding");
    }
    return out;
  }

 private:
  ModpKeyExchange() = default;
  Bn prime_;
  Bn exponent_;
  Mont mont_;
  std::vector<uint8_t> public_value_;
};

// ---------------------------------------------------------------- ECP

int CurveNid(KeyExchangeGroup group) {
  switch (group) {
    case KeyExchangeGroup::kEcp256:
      return NID_X9_62_prime256v1;
    case KeyExchangeGroup::kEcp384:
      return NID_secp384r1;
    case KeyExchangeGroup::kEcp521:
      return NID_secp521r1;
    default:
      return NID_undef;
  }
}

size_t FieldSize(KeyExchangeGroup group) { return PublicValueSize(group) / 2; }

class EcpKeyExchange final : public KeyExchange {
 public:
  // `scalar`: big-endian, at most the field size.
  static absl::StatusOr<std::unique_ptr<KeyExchange>> Create(
      KeyExchangeGroup group, absl::Span<const uint8_t> scalar) {
    auto ke = std::unique_ptr<EcpKeyExchange>(new EcpKeyExchange(group));
    ke->group_.reset(EC_GROUP_new_by_curve_name(CurveNid(group)));
    BnCtx ctx(BN_CTX_new());
    if (ke->group_ == nullptr || ctx == nullptr) {
      return InternalFailure(group, "curve setup");
    }
    ke->scalar_ = BnFromBytes(scalar);
    if (ke->scalar_ == nullptr) return InternalFailure(group, "allocation");
    const BIGNUM* order = EC_GROUP_get0_order(ke->group_.get());
    if (BN_is_zero(ke->scalar_.get()) ||
        BN_cmp(ke->scalar_.get(), order) >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(group), " private key must be in [1, n-1]"));
    }
    EcPoint point(EC_POINT_new(ke->group_.get()));
    if (point == nullptr ||
        !EC_POINT_mul(ke->group_.get(), point.get(), ke->scalar_.get(), nullptr,
                      nullptr, ctx.get())) {
      return InternalFailure(group, "public value computation");
    }
    absl::StatusOr<std::vector<uint8_t>> encoded =
        ke->EncodeCoordinates(*point, ctx.get(), /*x_only=*/false);
    if (!encoded.ok()) return encoded.status();
    ke->public_value_ = *std::move(encoded);
    return std::unique_ptr<KeyExchange>(std::move(ke));
  }

  KeyExchangeGroup group() const override { return group_id_; }
  const std::vector<uint8_t>& public_value() const override {
    return public_value_;
  }

  absl::StatusOr<SecretBytes> ComputeSharedSecret(
      absl::Span<const uint8_t> peer) const override {
    const size_t size = PublicValueSize(group_id_);
    if (peer.size() != size) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(group_id_), " public value must be ", size,
                       " bytes, got ", peer.size()));
    }
    BnCtx ctx(BN_CTX_new());
    EcPoint point(EC_POINT_new(group_.get()));
    EcPoint shared(EC_POINT_new(group_.get()));
    if (ctx == nullptr || point == nullptr || shared == nullptr) {
      return InternalFailure(group_id_, "allocation");
    }
    // RFC 5903 x || y is the X9.62 uncompressed form without its 0x04 octet.
    std::vector<uint8_t> sec1(size + 1);
    sec1[0] = POINT_CONVERSION_UNCOMPRESSED;
    std::memcpy(sec1.data() + 1, peer.data(), size);
    // oct2point rejects coordinates >= p and points not on the curve; the
    // uncompressed form cannot encode the point at infinity, checked anyway.
    if (!EC_POINT_oct2point(group_.get(), point.get(), sec1.data(), sec1.size(),
                            ctx.get()) ||
        !EC_POINT_is_on_curve(group_.get(), point.get(), ctx.get())) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat(
          GroupLabel(group_id_), " public value is not a point on the curve"));
    }
    if (EC_POINT_is_at_infinity(group_.get(), point.get())) {
      return absl::InvalidArgumentError(absl::StrCat(
          GroupLabel(group_id_), " public value is the point at infinity"));
    }
    if (!EC_POINT_mul(group_.get(), shared.get(), nullptr, point.get(),
                      scalar_.get(), ctx.get())) {
      return InternalFailure(group_id_, "shared secret computation");
    }
    if (EC_POINT_is_at_infinity(group_.get(), shared.get())) {
      return absl::InvalidArgumentError(absl::StrCat(
          GroupLabel(group_id_), " shared point is the point at infinity"));
    }
    absl::StatusOr<std::vector<uint8_t>> x =
        EncodeCoordinates(*shared, ctx.get(), /*x_only=*/true);
    if (!x.ok()) return x.status();
    SecretBytes out = SecretBytes::Copy(*x);
    OPENSSL_cleanse(x->data(), x->size());
    return out;
  }

 private:
  explicit EcpKeyExchange(KeyExchangeGroup group) : group_id_(group) {}

  absl::StatusOr<std::vector<uint8_t>> EncodeCoordinates(const EC_POINT& point,
                                                         BN_CTX* ctx,
                                                         bool x_only) const {
    const size_t field = FieldSize(group_id_);
    Bn x(BN_new()), y(BN_new());
    if (x == nullptr || y == nullptr ||
        !EC_POINT_get_affine_coordinates_GFp(group_.get(), &point, x.get(),
                                             y.get(), ctx)) {
      return InternalFailure(group_id_, "coordinate extraction");
    }
    std::vector<uint8_t> out(x_only ? field : 2 * field);
    if (!BN_bn2bin_padded(out.data(), field, x.get()) ||
        (!x_only && !BN_bn2bin_padded(out.data() + field, field, y.get()))) {
      return InternalFailure(group_id_, "coordinate encoding");
    }
    return out;
  }

  KeyExchangeGroup group_id_;
  EcGroup group_;
  Bn scalar_;
  std::vector<uint8_t> public_value_;
};

// ---------------------------------------------------------------- X25519

class X25519KeyExchange final : public KeyExchange {
 public:
  explicit X25519KeyExchange(absl::Span<const uint8_t> private_key)
      : private_key_(SecretBytes::Copy(private_key)), public_value_(32) {
    X25519_public_from_private(public_value_.data(), private_key_.data());
  }

  KeyExchangeGroup group() const override {
    return KeyExchangeGroup::kCurve25519;
  }
  const std::vector<uint8_t>& public_value() const override {
    return public_value_;
  }

  absl::StatusOr<SecretBytes> ComputeSharedSecret(
      absl::Span<const uint8_t> peer) const override {
    if (peer.size() != 32) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(group()),
                       " public value must be 32 bytes, got ", peer.size()));
    }
    SecretBytes out(32);
    // X25519 returns 0 exactly when the result is all zero, i.e. the peer
    // sent a low-order point (RFC 7748 section 6.1, RFC 8031 section 2).
    if (!X25519(out.mutable_data(), private_key_.data(), peer.data())) {
      return absl::InvalidArgumentError(
          absl::StrCat(GroupLabel(group()),
                       " shared secret is all zero (low-order public value)"));
    }
    return out;
  }

 private:
  SecretBytes private_key_;
  std::vector<uint8_t> public_value_;
};

}  // namespace

absl::StatusOr<KeyExchangeGroup> KeyExchangeGroupFromNumber(uint16_t number) {
  switch (number) {
    case 14:
    case 19:
    case 20:
    case 21:
    case 31:
      return static_cast<KeyExchangeGroup>(number);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("key exchange group ", number,
                       " is not supported (supported: 14, 19, 20, 21, 31)"));
  }
}

size_t PublicValueSize(KeyExchangeGroup group) {
  switch (group) {
    case KeyExchangeGroup::kModp2048:
      return 256;
    case KeyExchangeGroup::kEcp256:
      return 64;
    case KeyExchangeGroup::kEcp384:
      return 96;
    case KeyExchangeGroup::kEcp521:
      return 132;
    case KeyExchangeGroup::kCurve25519:
      return 32;
  }
  return 0;
}

absl::string_view KeyExchangeGroupName(KeyExchangeGroup group) {
  switch (group) {
    case KeyExchangeGroup::kModp2048:
      return "MODP-2048";
    case KeyExchangeGroup::kEcp256:
      return "ECP-256";
    case KeyExchangeGroup::kEcp384:
      return "ECP-384";
    case KeyExchangeGroup::kEcp521:
      return "ECP-521";
    case KeyExchangeGroup::kCurve25519:
      return "Curve25519";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<KeyExchange>> KeyExchange::Generate(
    KeyExchangeGroup group, Random& random) {
  switch (group) {
    case KeyExchangeGroup::kModp2048:
      for (int i = 0; i < kMaxDraws; ++i) {
        SecretBytes exponent = random.Secret(kModpExponentSize);
        Bn bn = BnFromBytes(exponent.span());
        if (bn == nullptr) return InternalFailure(group, "allocation");
        if (BN_cmp_word(bn.get(), 2) < 0) continue;  // [2, 2^256) only
        return ModpKeyExchange::Create(std::move(bn));
      }
      break;
    case KeyExchangeGroup::kEcp256:
    case KeyExchangeGroup::kEcp384:
    case KeyExchangeGroup::kEcp521: {
      // Rejection sampling: draw field-size bytes, clear the bits above the
      // order's length (P-521: all but the low bit of the first byte), and
      // retry until the scalar is in [1, n-1]: uniform, no modular bias.
      const size_t field = FieldSize(group);
      for (int i = 0; i < kMaxDraws; ++i) {
        SecretBytes scalar = random.Secret(field);
        if (group == KeyExchangeGroup::kEcp521)
          scalar.mutable_data()[0] &= 0x01;
        absl::StatusOr<std::unique_ptr<KeyExchange>> ke =
            EcpKeyExchange::Create(group, scalar.span());
        if (ke.ok() ||
            ke.status().code() != absl::StatusCode::kInvalidArgument) {
          return ke;
        }
      }
      break;
    }
    case KeyExchangeGroup::kCurve25519: {
      // Every 32-byte string is a valid X25519 scalar (it is clamped).
      SecretBytes scalar = random.Secret(32);
      return std::unique_ptr<KeyExchange>(new X25519KeyExchange(scalar.span()));
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "key exchange group ", static_cast<int>(group), " is not supported"));
  }
  return absl::InternalError(
      absl::StrCat(GroupLabel(group), ": the random source produced ",
                   kMaxDraws, " unusable private keys in a row"));
}

absl::StatusOr<std::unique_ptr<KeyExchange>> KeyExchange::FromPrivateKey(
    KeyExchangeGroup group, absl::Span<const uint8_t> private_key) {
  switch (group) {
    case KeyExchangeGroup::kModp2048: {
      if (private_key.empty() || private_key.size() > 256) {
        return absl::InvalidArgumentError(
            absl::StrCat(GroupLabel(group),
                         " private exponent must be 1..256 "
                         "bytes, got ",
                         private_key.size()));
      }
      Bn bn = BnFromBytes(private_key);
      if (bn == nullptr) return InternalFailure(group, "allocation");
      return ModpKeyExchange::Create(std::move(bn));
    }
    case KeyExchangeGroup::kEcp256:
    case KeyExchangeGroup::kEcp384:
    case KeyExchangeGroup::kEcp521: {
      const size_t field = FieldSize(group);
      if (private_key.empty() || private_key.size() > field) {
        return absl::InvalidArgumentError(
            absl::StrCat(GroupLabel(group), " private key must be 1..", field,
                         " bytes, got ", private_key.size()));
      }
      return EcpKeyExchange::Create(group, private_key);
    }
    case KeyExchangeGroup::kCurve25519:
      if (private_key.size() != 32) {
        return absl::InvalidArgumentError(absl::StrCat(
            GroupLabel(group), " private key must be 32 bytes, got ",
            private_key.size()));
      }
      return std::unique_ptr<KeyExchange>(new X25519KeyExchange(private_key));
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "key exchange group ", static_cast<int>(group), " is not supported"));
  }
}

}  // namespace cygnet::crypto
