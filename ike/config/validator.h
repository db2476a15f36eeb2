// The configuration validator: what the parser cannot see line by line.
//
// Run by the integrator after ParseConfig and before handing a Config to the
// IKE engine. It reports:
//   * dangling references: a policy naming a missing proposal, a profile
//     naming a missing keyring / ppk keyring / certificate map / trustpoint,
//     a PPK naming a missing sks profile, an ipsec profile naming a missing
//     transform-set / ikev2 profile / isakmp profile, a tunnel naming a
//     missing ipsec profile, an isakmp profile naming a missing keyring;
//   * incomplete objects: a proposal without encryption, integrity (non-AEAD
//     ciphers) or a DH group (seed 002: "complete only when it has at least
//     an encryption algorithm, an integrity algorithm, and a Diffie-Hellman
//     (DH) group"), an AEAD proposal without a PRF or with an integrity
//     algorithm, a proposal mixing AEAD and non-AEAD ciphers, a transform-set
//     without a cipher or with a non-AEAD cipher and no integrity, a profile
//     without `authentication local` (or a keyring implying pre-shared),
//     a pre-shared profile without keyring,
//     a keyring peer that can match nothing, an ipsec profile without
//     transform-set;
//   * conflicting identities (seed 001): two peers of one keyring with the
//     same FQDN (case-insensitive), the same domain, or the same address
//     identity / peer address. The same string as FQDN in one peer and as
//     domain in another is allowed, as the seed says;
//   * warnings: algorithms cygnet refuses to negotiate (RFC 8247 / RFC 8221:
//     DES, 3DES, MD5, NULL, MODP groups 1/2/5/22-24), seed 002's "password
//     encryption aes" without a config key, a profile no remote identity can
//     select, a tunnel interface without destination, a manual PPK shorter
//     than 256 bits (RFC 8784 section 6; seed 001's own example PPK is 64
//     bits).
//
// Stateless; findings are ordered by line.
#ifndef CYGNET_IKE_CONFIG_VALIDATOR_H_
#define CYGNET_IKE_CONFIG_VALIDATOR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ike/config/model.h"

namespace cygnet::ike::config {

struct Finding {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  int line = 0;         // the line of the object at fault (0: built-in)
  std::string message;  // "line N: ikev2 profile 'p' names keyring 'k', ..."
};

std::vector<Finding> Validate(const Config& config);

// OK when Validate reports no error (warnings allowed); otherwise
// kFailedPrecondition carrying every error message, one per line.
absl::Status CheckValid(const Config& config);

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_VALIDATOR_H_
