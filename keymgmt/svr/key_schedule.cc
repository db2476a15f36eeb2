#include "keymgmt/svr/key_schedule.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "crypto/aes_cbc.h"
#include "crypto/constant_time.h"
#include "crypto/hkdf.h"
#include "crypto/hmac.h"
#include "keymgmt/svr/byte_io.h"

namespace cygnet::keymgmt::svr {
namespace {

constexpr absl::string_view kPeerKeyLabel = "cygnet svr peer key v1";

absl::Status CheckKey(const crypto::SecretBytes& key) {
  if (key.size() != kSvrKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("SVR key: size ", key.size(), ", expected 64"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<crypto::SecretBytes> DerivePeerKey(
    absl::Span<const uint8_t> shared_secret, absl::string_view local_name,
    absl::Span<const uint8_t> local_salt, absl::string_view peer_name,
    absl::Span<const uint8_t> peer_salt, uint32_t key_id) {
  for (absl::string_view name : {local_name, peer_name}) {
    if (name.empty() || name.size() > kMaxPeeringCommonNameSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("peering-common-name: length ", name.size(), " of '",
                       name, "' outside 1..64"));
    }
  }
  if (local_name == peer_name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "peering-common-name: local and peer both '", local_name, "'"));
  }
  if (local_salt.size() != kSvrSaltSize || peer_salt.size() != kSvrSaltSize) {
    return absl::InvalidArgumentError("salt: expected 8 bytes");
  }
  if (shared_secret.empty()) {
    return absl::InvalidArgumentError("shared secret: empty");
  }
  const bool local_low = local_name < peer_name;
  absl::string_view lo = local_low ? local_name : peer_name;
  absl::string_view hi = local_low ? peer_name : local_name;
  absl::Span<const uint8_t> salt_lo = local_low ? local_salt : peer_salt;
  absl::Span<const uint8_t> salt_hi = local_low ? peer_salt : local_salt;
  std::vector<uint8_t> salt;
  salt.insert(salt.end(), salt_lo.begin(), salt_lo.end());
  salt.insert(salt.end(), salt_hi.begin(), salt_hi.end());
  std::vector<uint8_t> info;
  internal::ByteWriter w(info);
  w.Str(kPeerKeyLabel);
  w.Lp8(lo);
  w.Lp8(hi);
  w.U32(key_id);
  crypto::SecretBytes prk =
      crypto::HkdfExtract(crypto::HashAlgorithm::kSha384, shared_secret, salt);
  return crypto::HkdfExpand(crypto::HashAlgorithm::kSha384, prk.span(), info,
                            kSvrKeySize);
}

absl::StatusOr<SvrKey> SvrKey::Create(crypto::SecretBytes key) {
  if (auto s = CheckKey(key); !s.ok()) return s;
  auto cipher = crypto::AesCbc::Create(key.span().subspan(0, kSvrEncKeySize));
  if (!cipher.ok()) return cipher.status();
  auto hmac = crypto::Hmac::Create(crypto::HashAlgorithm::kSha384,
                                   key.span().subspan(kSvrEncKeySize));
  if (!hmac.ok()) return hmac.status();
  return SvrKey(std::move(key), std::move(*cipher), std::move(*hmac));
}

absl::Status SvrKey::Tag(std::initializer_list<absl::Span<const uint8_t>> parts,
                         absl::Span<uint8_t> out) const {
  return hmac_.Compute(parts, out);
}

absl::Status SvrKey::CheckTag(
    std::initializer_list<absl::Span<const uint8_t>> parts,
    absl::Span<const uint8_t> tag) const {
  uint8_t expected[kSvrTagSize];
  if (auto s = hmac_.Compute(parts, absl::MakeSpan(expected)); !s.ok()) {
    return s;
  }
  if (!crypto::ConstantTimeEquals(expected, tag)) {
    return absl::PermissionDeniedError("integrity check failed");
  }
  return absl::OkStatus();
}

absl::Status SvrKey::Encrypt(absl::Span<const uint8_t> iv,
                             absl::Span<uint8_t> in_out) const {
  return cipher_.Encrypt(iv, in_out);
}

absl::Status SvrKey::Decrypt(absl::Span<const uint8_t> iv,
                             absl::Span<uint8_t> in_out) const {
  return cipher_.Decrypt(iv, in_out);
}

absl::StatusOr<std::vector<uint8_t>> WrapKey(const SvrKey& wrapping_key,
                                             absl::Span<const uint8_t> aad,
                                             absl::Span<const uint8_t> iv,
                                             const crypto::SecretBytes& key) {
  if (auto s = CheckKey(key); !s.ok()) return s;
  if (iv.size() != kSvrIvSize) {
    return absl::InvalidArgumentError("iv: expected 16 bytes");
  }
  std::vector<uint8_t> out(key.span().begin(), key.span().end());
  if (auto s = wrapping_key.Encrypt(iv, absl::MakeSpan(out)); !s.ok()) {
    return s;
  }
  out.resize(kSvrKeySize + kSvrTagSize);
  if (auto s = wrapping_key.Tag(
          {aad, iv, absl::MakeConstSpan(out).subspan(0, kSvrKeySize)},
          absl::MakeSpan(out).subspan(kSvrKeySize));
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<crypto::SecretBytes> UnwrapKey(
    const SvrKey& wrapping_key, absl::Span<const uint8_t> aad,
    absl::Span<const uint8_t> iv, absl::Span<const uint8_t> wrapped) {
  if (wrapped.size() != kSvrKeySize + kSvrTagSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("wrapped key: size ", wrapped.size(), ", expected 112"));
  }
  if (iv.size() != kSvrIvSize) {
    return absl::InvalidArgumentError("iv: expected 16 bytes");
  }
  absl::Span<const uint8_t> ct = wrapped.subspan(0, kSvrKeySize);
  if (auto s =
          wrapping_key.CheckTag({aad, iv, ct}, wrapped.subspan(kSvrKeySize));
      !s.ok()) {
    return s;
  }
  crypto::SecretBytes key = crypto::SecretBytes::Copy(ct);
  if (auto s = wrapping_key.Decrypt(iv, key.mutable_span()); !s.ok()) {
    return s;
  }
  return key;
}

}  // namespace cygnet::keymgmt::svr
