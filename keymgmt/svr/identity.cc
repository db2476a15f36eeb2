#include "keymgmt/svr/identity.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crypto/hash.h"

namespace cygnet::keymgmt::svr {
namespace {

constexpr absl::Duration kMonth = absl::Hours(24 * 30);
constexpr absl::Duration kWeek = absl::Hours(24 * 7);
constexpr size_t kMaxCacheEntries = 1024;

std::string CacheKey(absl::Span<const crypto::Certificate> chain,
                     absl::string_view name) {
  std::vector<uint8_t> all(name.begin(), name.end());
  all.push_back(0);
  for (const crypto::Certificate& c : chain) {
    std::vector<uint8_t> d =
        crypto::Digest(crypto::HashAlgorithm::kSha256, c.der());
    all.insert(all.end(), d.begin(), d.end());
  }
  std::vector<uint8_t> key =
      crypto::Digest(crypto::HashAlgorithm::kSha256, all);
  return std::string(key.begin(), key.end());
}

}  // namespace

std::vector<std::vector<uint8_t>> RouterIdentity::ChainDer() const {
  std::vector<std::vector<uint8_t>> out;
  for (const crypto::Certificate& c : chain) out.push_back(c.der());
  return out;
}

absl::StatusOr<RouterIdentity> GenerateSelfSignedIdentity(
    absl::string_view peering_common_name, crypto::KeyType key_type,
    crypto::Random& random, absl::Time now, absl::Duration validity) {
  if (peering_common_name.empty()) {
    return absl::InvalidArgumentError("peering-common-name: empty");
  }
  auto key = crypto::PrivateKey::GenerateEc(key_type, random);
  if (!key.ok()) return key.status();
  crypto::CertificateBuilder builder;
  builder.SetSubjectCommonName(std::string(peering_common_name))
      .SetSerial(random.Uniform64() >> 1)
      .SetValidity(now, now + validity);
  auto cert = builder.SelfSign(*key);
  if (!cert.ok()) return cert.status();
  RouterIdentity id{std::string(peering_common_name),
                    std::move(*key),
                    {std::move(*cert)},
                    true};
  return id;
}

absl::StatusOr<RouterIdentity> MakeIdentity(
    absl::string_view peering_common_name, crypto::PrivateKey key,
    std::vector<crypto::Certificate> chain) {
  if (chain.empty()) {
    return absl::InvalidArgumentError("certificate chain: empty");
  }
  if (chain.front().common_name() != peering_common_name) {
    return absl::InvalidArgumentError(
        absl::StrCat("peering-common-name: '", peering_common_name,
                     "' does not match certificate common name '",
                     chain.front().common_name(), "'"));
  }
  auto cert_key = chain.front().public_key().ToDer();
  auto own_key = key.public_key().ToDer();
  if (!cert_key.ok()) return cert_key.status();
  if (!own_key.ok()) return own_key.status();
  if (*cert_key != *own_key) {
    return absl::InvalidArgumentError(
        "certificate: public key does not match the router's private key");
  }
  const bool self_signed =
      chain.size() == 1 && chain.front().subject() == chain.front().issuer();
  RouterIdentity id{std::string(peering_common_name), std::move(key),
                    std::move(chain), self_signed};
  return id;
}

const char* CertificateGradeName(CertificateGrade grade) {
  switch (grade) {
    case CertificateGrade::kValid:
      return "valid";
    case CertificateGrade::kExpiringWithinMonth:
      return "expiring within a month";
    case CertificateGrade::kExpiringWithinWeek:
      return "expiring within a week";
    case CertificateGrade::kExpired:
      return "expired";
    case CertificateGrade::kRevoked:
      return "revoked";
    case CertificateGrade::kNotYetValid:
      return "not yet valid";
    case CertificateGrade::kUntrusted:
      return "untrusted";
  }
  return "?";
}

bool IsUsable(CertificateGrade grade) {
  return grade == CertificateGrade::kValid ||
         grade == CertificateGrade::kExpiringWithinMonth ||
         grade == CertificateGrade::kExpiringWithinWeek;
}

CertificateGrade GradeExpiry(const crypto::Certificate& leaf, absl::Time now) {
  if (now < leaf.not_before()) return CertificateGrade::kNotYetValid;
  if (now >= leaf.not_after()) return CertificateGrade::kExpired;
  if (leaf.not_after() - now <= kWeek) {
    return CertificateGrade::kExpiringWithinWeek;
  }
  if (leaf.not_after() - now <= kMonth) {
    return CertificateGrade::kExpiringWithinMonth;
  }
  return CertificateGrade::kValid;
}

CertificateValidator::CertificateValidator(
    std::vector<crypto::Certificate> trust_anchors,
    std::vector<crypto::Crl> crls)
    : trust_anchors_(std::move(trust_anchors)), crls_(std::move(crls)) {}

void CertificateValidator::SetCrls(std::vector<crypto::Crl> crls) {
  crls_ = std::move(crls);
  cache_.clear();
}

CertificateCheck CertificateValidator::Compute(
    absl::Span<const crypto::Certificate> chain,
    absl::string_view expected_common_name, absl::Time now) const {
  CertificateCheck check;
  if (chain.empty()) {
    check.detail = "no certificate";
    return check;
  }
  const crypto::Certificate& leaf = chain.front();
  check.not_after = leaf.not_after();
  if (leaf.common_name() != expected_common_name) {
    check.detail = absl::StrCat("common name '", leaf.common_name(),
                                "' is not peering-common-name '",
                                expected_common_name, "'");
    return check;
  }
  CertificateGrade expiry = GradeExpiry(leaf, now);
  if (expiry == CertificateGrade::kExpired ||
      expiry == CertificateGrade::kNotYetValid) {
    check.grade = expiry;
    check.detail = absl::StrCat(
        expiry == CertificateGrade::kExpired ? "not after " : "not before ",
        absl::FormatTime("%Y-%m-%d %H:%M:%S",
                         expiry == CertificateGrade::kExpired
                             ? leaf.not_after()
                             : leaf.not_before(),
                         absl::UTCTimeZone()));
    return check;
  }
  absl::Status status;
  if (trust_anchors_.empty()) {
    // No trusted CA list: the seed's self-signed mode. The certificate must
    // at least verify under its own key.
    status = crypto::VerifyCertificateChain(leaf, {}, chain.subspan(0, 1), now,
                                            crls_);
  } else {
    status = crypto::VerifyCertificateChain(leaf, chain.subspan(1),
                                            trust_anchors_, now, crls_);
  }
  if (!status.ok()) {
    const bool revoked = absl::StrContains(status.message(), "revoked");
    check.grade =
        revoked ? CertificateGrade::kRevoked : CertificateGrade::kUntrusted;
    check.detail = std::string(status.message());
    return check;
  }
  check.grade = expiry;
  check.detail = absl::StrCat(
      "not after ", absl::FormatTime("%Y-%m-%d %H:%M:%S", leaf.not_after(),
                                     absl::UTCTimeZone()));
  return check;
}

CertificateCheck CertificateValidator::Validate(
    absl::Span<const crypto::Certificate> chain,
    absl::string_view expected_common_name, absl::Time now) {
  const std::string key = CacheKey(chain, expected_common_name);
  auto it = cache_.find(key);
  if (it != cache_.end() && now >= it->second.valid_from &&
      now < it->second.valid_until) {
    ++cache_hits_;
    return it->second.check;
  }
  ++cache_misses_;
  CertificateCheck check = Compute(chain, expected_common_name, now);
  // The grade can only change at the expiry thresholds of the leaf.
  absl::Time until = absl::InfiniteFuture();
  if (!chain.empty()) {
    const absl::Time na = chain.front().not_after();
    for (absl::Time t :
         {chain.front().not_before(), na - kMonth, na - kWeek, na}) {
      if (t > now) until = std::min(until, t);
    }
  }
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key] = Entry{check, until, now};
  return check;
}

}  // namespace cygnet::keymgmt::svr
