#include "ike/key_derivation.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cygnet::ike {
namespace {

using crypto::SecretBytes;

// Concatenation of possibly secret parts into one wiped-on-destruction buffer.
SecretBytes ConcatSecret(
    std::initializer_list<absl::Span<const uint8_t>> parts) {
  size_t total = 0;
  for (const auto& part : parts) total += part.size();
  SecretBytes out(total);
  size_t offset = 0;
  for (const auto& part : parts) {
    if (!part.empty()) {
      std::memcpy(out.mutable_data() + offset, part.data(), part.size());
    }
    offset += part.size();
  }
  return out;
}

void PutUint64(uint64_t value, uint8_t* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
}

absl::Status CheckNonces(absl::Span<const uint8_t> nonce_i,
                         absl::Span<const uint8_t> nonce_r) {
  if (nonce_i.empty()) return absl::InvalidArgumentError("Ni is empty");
  if (nonce_r.empty()) return absl::InvalidArgumentError("Nr is empty");
  return absl::OkStatus();
}

// Cuts `material` into consecutive pieces of the given lengths.
class Splitter {
 public:
  explicit Splitter(const SecretBytes& material) : material_(material) {}
  SecretBytes Take(size_t length) {
    SecretBytes out =
        length == 0 ? SecretBytes() : material_.Slice(offset_, length);
    offset_ += length;
    return out;
  }

 private:
  const SecretBytes& material_;
  size_t offset_ = 0;
};

}  // namespace

absl::StatusOr<SecretBytes> PseudorandomFunction::Plus(
    absl::Span<const uint8_t> key, absl::Span<const uint8_t> seed,
    size_t length) const {
  const size_t block = output_size();
  if (block == 0) return absl::InternalError("prf output size is 0");
  const size_t blocks = (length + block - 1) / block;
  if (blocks > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("prf+ length ", length, " needs ", blocks,
                     " blocks; the one-octet counter allows at most 255"));
  }
  SecretBytes out(length);
  SecretBytes previous;
  for (size_t n = 1; n <= blocks; ++n) {
    const uint8_t counter = static_cast<uint8_t>(n);
    SecretBytes t = Compute(key, {previous.span(), seed, {&counter, 1}});
    const size_t offset = (n - 1) * block;
    const size_t take = std::min(block, length - offset);
    std::memcpy(out.mutable_data() + offset, t.data(), take);
    previous = std::move(t);
  }
  return out;
}

size_t HmacPrf::output_size() const {
  return crypto::PrfOutputSize(algorithm_);
}

SecretBytes HmacPrf::Compute(
    absl::Span<const uint8_t> key,
    std::initializer_list<absl::Span<const uint8_t>> data) const {
  if (data.size() == 1) return crypto::Prf(algorithm_, key, *data.begin());
  SecretBytes joined = ConcatSecret(data);
  return crypto::Prf(algorithm_, key, joined.span());
}

absl::StatusOr<SecretBytes> HmacPrf::Plus(absl::Span<const uint8_t> key,
                                          absl::Span<const uint8_t> seed,
                                          size_t length) const {
  return crypto::PrfPlus(algorithm_, key, seed, length);
}

absl::StatusOr<SecretBytes> ComputeSkeyseed(const PseudorandomFunction& prf,
                                            absl::Span<const uint8_t> nonce_i,
                                            absl::Span<const uint8_t> nonce_r,
                                            const SecretBytes& shared_secret) {
  if (absl::Status s = CheckNonces(nonce_i, nonce_r); !s.ok()) return s;
  if (shared_secret.empty()) {
    return absl::InvalidArgumentError("g^ir (shared secret) is empty");
  }
  // Nonces are public, but the key they form is the PRF key: keep it in a
  // SecretBytes like every other key.
  SecretBytes key = ConcatSecret({nonce_i, nonce_r});
  return prf.Compute(key.span(), {shared_secret.span()});
}

absl::StatusOr<SecretBytes> ComputeRekeySkeyseed(
    const PseudorandomFunction& prf, const SecretBytes& old_sk_d,
    const SecretBytes& new_shared_secret, absl::Span<const uint8_t> nonce_i,
    absl::Span<const uint8_t> nonce_r) {
  if (absl::Status s = CheckNonces(nonce_i, nonce_r); !s.ok()) return s;
  if (old_sk_d.empty()) return absl::InvalidArgumentError("old SK_d is empty");
  if (new_shared_secret.empty()) {
    return absl::InvalidArgumentError("new g^ir (shared secret) is empty");
  }
  return prf.Compute(old_sk_d.span(),
                     {new_shared_secret.span(), nonce_i, nonce_r});
}

absl::StatusOr<SecretBytes> ExpandIkeSaKeyMaterial(
    const PseudorandomFunction& prf, const SecretBytes& skeyseed,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t spi_i, uint64_t spi_r, size_t length) {
  if (absl::Status s = CheckNonces(nonce_i, nonce_r); !s.ok()) return s;
  if (skeyseed.empty()) return absl::InvalidArgumentError("SKEYSEED is empty");
  uint8_t spis[16];
  PutUint64(spi_i, spis);
  PutUint64(spi_r, spis + 8);
  SecretBytes seed = ConcatSecret({nonce_i, nonce_r, {spis, sizeof(spis)}});
  return prf.Plus(skeyseed.span(), seed.span(), length);
}

absl::StatusOr<SecretBytes> ExpandChildSaKeyMaterial(
    const PseudorandomFunction& prf, const SecretBytes& sk_d,
    const SecretBytes* pfs_shared_secret, absl::Span<const uint8_t> nonce_i,
    absl::Span<const uint8_t> nonce_r, size_t length) {
  if (absl::Status s = CheckNonces(nonce_i, nonce_r); !s.ok()) return s;
  if (sk_d.empty()) return absl::InvalidArgumentError("SK_d is empty");
  if (pfs_shared_secret != nullptr && pfs_shared_secret->empty()) {
    return absl::InvalidArgumentError("PFS g^ir (shared secret) is empty");
  }
  SecretBytes seed =
      ConcatSecret({pfs_shared_secret != nullptr ? pfs_shared_secret->span()
                                                 : absl::Span<const uint8_t>(),
                    nonce_i, nonce_r});
  return prf.Plus(sk_d.span(), seed.span(), length);
}

IkeSaKeys IkeSaKeys::Clone() const {
  IkeSaKeys out;
  out.sk_d = sk_d.Clone();
  out.sk_ai = sk_ai.Clone();
  out.sk_ar = sk_ar.Clone();
  out.sk_ei = sk_ei.Clone();
  out.sk_er = sk_er.Clone();
  out.sk_pi = sk_pi.Clone();
  out.sk_pr = sk_pr.Clone();
  return out;
}

IkeSaKeyLengths IkeSaKeyLengthsFor(const IkeSuite& suite) {
  IkeSaKeyLengths lengths;
  lengths.d = crypto::PrfKeySize(suite.prf);
  lengths.p = crypto::PrfKeySize(suite.prf);
  lengths.a = IntegrityKeySize(suite.integrity);
  lengths.e = EncryptionKeyMaterialSize(suite.encryption);
  return lengths;
}

absl::StatusOr<IkeSaKeys> DeriveIkeSaKeys(const IkeSuite& suite,
                                          const SecretBytes& skeyseed,
                                          absl::Span<const uint8_t> nonce_i,
                                          absl::Span<const uint8_t> nonce_r,
                                          uint64_t spi_i, uint64_t spi_r) {
  if (absl::Status s = ValidateIkeSuite(suite); !s.ok()) return s;
  const IkeSaKeyLengths lengths = IkeSaKeyLengthsFor(suite);
  HmacPrf prf(suite.prf);
  absl::StatusOr<SecretBytes> material = ExpandIkeSaKeyMaterial(
      prf, skeyseed, nonce_i, nonce_r, spi_i, spi_r, lengths.total());
  if (!material.ok()) return material.status();
  Splitter split(*material);
  IkeSaKeys keys;
  keys.sk_d = split.Take(lengths.d);
  keys.sk_ai = split.Take(lengths.a);
  keys.sk_ar = split.Take(lengths.a);
  keys.sk_ei = split.Take(lengths.e);
  keys.sk_er = split.Take(lengths.e);
  keys.sk_pi = split.Take(lengths.p);
  keys.sk_pr = split.Take(lengths.p);
  return keys;
}

absl::StatusOr<IkeSaKeys> DeriveInitialIkeSaKeys(
    const IkeSuite& suite, const SecretBytes& shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t spi_i, uint64_t spi_r) {
  HmacPrf prf(suite.prf);
  absl::StatusOr<SecretBytes> skeyseed =
      ComputeSkeyseed(prf, nonce_i, nonce_r, shared_secret);
  if (!skeyseed.ok()) return skeyseed.status();
  return DeriveIkeSaKeys(suite, *skeyseed, nonce_i, nonce_r, spi_i, spi_r);
}

absl::StatusOr<IkeSaKeys> DeriveRekeyedIkeSaKeys(
    const IkeSuite& new_suite, crypto::PrfAlgorithm old_prf,
    const SecretBytes& old_sk_d, const SecretBytes& new_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t new_spi_i, uint64_t new_spi_r) {
  HmacPrf prf(old_prf);
  absl::StatusOr<SecretBytes> skeyseed =
      ComputeRekeySkeyseed(prf, old_sk_d, new_shared_secret, nonce_i, nonce_r);
  if (!skeyseed.ok()) return skeyseed.status();
  return DeriveIkeSaKeys(new_suite, *skeyseed, nonce_i, nonce_r, new_spi_i,
                         new_spi_r);
}

absl::StatusOr<IkeSaKeys> MixPostQuantumPreSharedKey(crypto::PrfAlgorithm prf,
                                                     const SecretBytes& ppk,
                                                     const IkeSaKeys& keys) {
  if (ppk.empty()) return absl::InvalidArgumentError("PPK is empty");
  const size_t length = crypto::PrfKeySize(prf);
  if (keys.sk_d.size() != length || keys.sk_pi.size() != length ||
      keys.sk_pr.size() != length) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SK_d/SK_pi/SK_pr lengths ", keys.sk_d.size(), "/", keys.sk_pi.size(),
        "/", keys.sk_pr.size(), " do not match the PRF key length ", length));
  }
  HmacPrf hmac(prf);
  IkeSaKeys out = keys.Clone();
  absl::StatusOr<SecretBytes> d =
      hmac.Plus(ppk.span(), keys.sk_d.span(), length);
  if (!d.ok()) return d.status();
  absl::StatusOr<SecretBytes> pi =
      hmac.Plus(ppk.span(), keys.sk_pi.span(), length);
  if (!pi.ok()) return pi.status();
  absl::StatusOr<SecretBytes> pr =
      hmac.Plus(ppk.span(), keys.sk_pr.span(), length);
  if (!pr.ok()) return pr.status();
  out.sk_d = *std::move(d);
  out.sk_pi = *std::move(pi);
  out.sk_pr = *std::move(pr);
  return out;
}

size_t ChildSaKeyMaterialSize(const EspSuite& suite) {
  return 2 * (EncryptionKeyMaterialSize(suite.encryption) +
              IntegrityKeySize(suite.integrity));
}

absl::StatusOr<ChildSaKeys> DeriveChildSaKeys(
    crypto::PrfAlgorithm ike_prf, const SecretBytes& sk_d,
    const EspSuite& suite, const SecretBytes* pfs_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r) {
  if (absl::Status s = ValidateEspSuite(suite); !s.ok()) return s;
  if (suite.pfs_group.has_value() != (pfs_shared_secret != nullptr)) {
    return absl::InvalidArgumentError(
        suite.pfs_group.has_value()
            ? absl::StrCat("ESP suite has PFS group ",
                           GroupNumber(*suite.pfs_group),
                           " but no PFS shared secret was given")
            : std::string("PFS shared secret given but the ESP suite has no "
                          "PFS group"));
  }
  HmacPrf prf(ike_prf);
  absl::StatusOr<SecretBytes> keymat =
      ExpandChildSaKeyMaterial(prf, sk_d, pfs_shared_secret, nonce_i, nonce_r,
                               ChildSaKeyMaterialSize(suite));
  if (!keymat.ok()) return keymat.status();
  const size_t e = EncryptionKeyMaterialSize(suite.encryption);
  const size_t a = IntegrityKeySize(suite.integrity);
  Splitter split(*keymat);
  ChildSaKeys keys;
  keys.initiator_to_responder_encryption = split.Take(e);
  keys.initiator_to_responder_integrity = split.Take(a);
  keys.responder_to_initiator_encryption = split.Take(e);
  keys.responder_to_initiator_integrity = split.Take(a);
  return keys;
}

}  // namespace cygnet::ike
