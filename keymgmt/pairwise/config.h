// SecurityConfig: the `security ipsec` configuration of an SD-WAN device that
// the pairwise-key engine reads, and its text parser; plus the
// `show sdwan security-info` rendering of it.
//
// Accepted syntax (seed 000 and the SD-WAN CLI), either flat or nested:
//
//   security ipsec pairwise-keying
//   security ipsec pwk-sym-rekey
//   security ipsec rekey 3600                  (seconds, 10..1209600)
//   security ipsec replay-window 512           (64, 128, ..., 8192)
//   security ipsec authentication-type ah-sha1-hmac sha1-hmac
//
//   security
//    ipsec
//     pairwise-keying
//     rekey 3600
//
// `no <line>` restores the default of that line. Defaults: pairwise-keying
// off, pwk-sym-rekey off, rekey 3600 s (the seed: "by default, a key is valid
// for 3600 seconds"), replay-window 512, authentication-type ah-sha1-hmac
// sha1-hmac. Authentication types are config-model and show only: the data
// plane authenticates with AES-GCM (the SA's integrity), and AUTH in the
// pwk show outputs is true when any type other than `none` is configured.
//
// pwk-sym-rekey: a pairwise device also owns one symmetric key per TLOC for
// peers without pairwise keys; with pwk-sym-rekey a pairwise rekey also
// replaces that symmetric key (without it, the symmetric key is replaced only
// by its own volume / counter triggers or a manual symmetric rekey).
#ifndef CYGNET_KEYMGMT_PAIRWISE_CONFIG_H_
#define CYGNET_KEYMGMT_PAIRWISE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cygnet::keymgmt::pairwise {

enum class AuthenticationType {
  kAhSha1Hmac,  // "ah-sha1-hmac", shown AH_SHA1_HMAC
  kSha1Hmac,    // "sha1-hmac", shown SHA1_HMAC
  kAhNoId,      // "ah-no-id", shown AH_NO_ID
  kNone,        // "none", shown NONE
};

struct SecurityConfig {
  bool pairwise_keying = false;
  bool pwk_sym_rekey = false;
  absl::Duration rekey_interval = absl::Seconds(3600);
  uint32_t replay_window = 512;
  std::vector<AuthenticationType> authentication_types = {
      AuthenticationType::kAhSha1Hmac, AuthenticationType::kSha1Hmac};
  bool fips_mode = true;

  bool authenticated() const;
};

// Parses the lines of a configuration; lines outside `security ipsec` are
// ignored, unknown keywords inside it are errors naming the line number and
// the keyword.
absl::StatusOr<SecurityConfig> ParseSecurityConfig(absl::string_view text);

// `show sdwan security-info`, six lines as in seed 000.
std::string RenderSecurityInfo(const SecurityConfig& config);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_CONFIG_H_
