// SVR router identity and peer certificate validation.
//
// A router proves who it is with an X.509 certificate whose subject common
// name is its peering-common-name: either generated automatically
// (self-signed, the seed's quick start) or issued by a CA the peers trust.
// CertificateValidator is the peer side: it checks a received chain against
// the trusted CA list (or, with no list configured, accepts a self-signed
// certificate that verifies under its own key), checks the name, and grades
// the expiry for alarms. Results are cached per chain and expected name and
// reused until the time crosses the next expiry threshold or the trust
// configuration changes, as the seed's "cached validation response" asks.
// Pure: time is a parameter, randomness injected.
#ifndef CYGNET_KEYMGMT_SVR_IDENTITY_H_
#define CYGNET_KEYMGMT_SVR_IDENTITY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace cygnet::keymgmt::svr {

struct RouterIdentity {
  std::string peering_common_name;
  crypto::PrivateKey key;
  std::vector<crypto::Certificate> chain;  // leaf first
  bool self_signed = false;

  const crypto::Certificate& leaf() const { return chain.front(); }
  std::vector<std::vector<uint8_t>> ChainDer() const;
};

// A fresh ECDSA key (P-256 or P-384) and a self-signed certificate with
// CN = peering_common_name valid [now, now + validity).
absl::StatusOr<RouterIdentity> GenerateSelfSignedIdentity(
    absl::string_view peering_common_name, crypto::KeyType key_type,
    crypto::Random& random, absl::Time now, absl::Duration validity);

// A CA-issued identity: the leaf's common name must equal
// peering_common_name and its public key must be key's.
absl::StatusOr<RouterIdentity> MakeIdentity(
    absl::string_view peering_common_name, crypto::PrivateKey key,
    std::vector<crypto::Certificate> chain);

enum class CertificateGrade {
  kValid,
  kExpiringWithinMonth,  // still valid, alarm MINOR
  kExpiringWithinWeek,   // still valid, alarm MAJOR
  kExpired,              // invalid, CRITICAL
  kRevoked,              // invalid, CRITICAL
  kNotYetValid,          // invalid
  kUntrusted,            // invalid: chain, signature or name
};

const char* CertificateGradeName(CertificateGrade grade);
// Usable for authentication (valid or merely expiring soon).
bool IsUsable(CertificateGrade grade);

struct CertificateCheck {
  CertificateGrade grade = CertificateGrade::kUntrusted;
  std::string detail;  // why, from the X.509 layer or the name check
  absl::Time not_after = absl::InfinitePast();
};

// Grades expiry alone (used for this router's own certificate too).
CertificateGrade GradeExpiry(const crypto::Certificate& leaf, absl::Time now);

class CertificateValidator {
 public:
  CertificateValidator() = default;
  CertificateValidator(std::vector<crypto::Certificate> trust_anchors,
                       std::vector<crypto::Crl> crls);

  // Replaces the CRLs (revocation news) and drops every cached result.
  void SetCrls(std::vector<crypto::Crl> crls);

  CertificateCheck Validate(absl::Span<const crypto::Certificate> chain,
                            absl::string_view expected_common_name,
                            absl::Time now);

  size_t cache_hits() const { return cache_hits_; }
  size_t cache_misses() const { return cache_misses_; }

 private:
  struct Entry {
    CertificateCheck check;
    absl::Time valid_until;  // next threshold at which the grade may change
    absl::Time valid_from;
  };
  CertificateCheck Compute(absl::Span<const crypto::Certificate> chain,
                           absl::string_view expected_common_name,
                           absl::Time now) const;

  std::vector<crypto::Certificate> trust_anchors_;
  std::vector<crypto::Crl> crls_;
  std::map<std::string, Entry> cache_;  // key: hash of chain and name
  size_t cache_hits_ = 0;
  size_t cache_misses_ = 0;
};

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_IDENTITY_H_
