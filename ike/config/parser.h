// The running-config parser: turns the configuration text of seeds 001, 002
// and 003 into a config::Config.
//
// Accepted text, as the seeds write it:
//   * block form ("ikev2 proposal P" then "prf sha-256" ... "exit"), with
//     "exit" leaving one level, "end" leaving all, "!" lines as separators;
//   * one-line form ("ikev2 proposal P prf sha-256",
//     "keyring K peer X pre-shared-key S"), which, as on IOS XR, also leaves
//     the submode entered so that the next lines ("identity fqdn ...")
//     configure the same peer;
//   * IOS XE "crypto ..." prefixes and indentation-only blocks: a line that
//     the current block does not know is tried in the enclosing blocks and
//     then at top level (IOS's mode fall-back), so "ip route ..." indented
//     under an interface is still a global route;
//   * CLI transcripts: leading prompts ("Router (config)#",
//     "RP/0/RP0/CPU0:router(config-ikev2-proposal)#", "Router#", and
//     "Router(config-x)" without its "#") are removed; exec commands
//     "config"/"configure [terminal]" and "commit" are accepted and ignored.
//     In a transcript, a line without a prompt right after a prompted line
//     continues it (the seeds wrap long commands that way), and ">>>" starts
//     an annotation that runs to the end of the joined line.
//   * pre-shared keys and PPKs in clear, "0 KEY", "7 HEX", "password HEX"
//     (IOS XR's type 7 form) and "6 VALUE" (type 6, decrypted with the master
//     key given in ParseOptions or by an earlier `key config-key
//     password-encryption KEY` line).
//
// Errors are kInvalidArgument "line N: ..." naming the offending token, e.g.
// "line 12: unknown keyword 'encryptoin' in ikev2 proposal". In lenient mode
// a line that fails becomes a warning and is skipped; type 6 decryption
// failures stay errors (kPermissionDenied) in both modes, because silently
// dropping a key is worse than refusing the configuration.
//
// The parser is a pure function of its input: no I/O, no clock, bounded
// work per input byte. References between objects are not checked here; the
// validator (validator.h) does that.
#ifndef CYGNET_IKE_CONFIG_PARSER_H_
#define CYGNET_IKE_CONFIG_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"
#include "ike/config/model.h"

namespace cygnet::ike::config {

struct ParseOptions {
  // Skip (and report as warnings) lines that fail to parse.
  bool lenient = false;
  // The type 6 master key, when the configuration text does not carry a
  // `key config-key password-encryption KEY` line (IOS never shows it in
  // running-config). Not owned; may be null.
  const crypto::SecretBytes* master_key = nullptr;
};

struct ParseWarning {
  int line = 0;
  std::string message;  // "line N: ..."
};

struct ParseResult {
  Config config;
  std::vector<ParseWarning> warnings;
};

absl::StatusOr<ParseResult> ParseConfig(absl::string_view text,
                                        const ParseOptions& options = {});

// Parses lines as the body of one `ikev2 proposal NAME` block: the form in
// which seed 002 prints its default proposal ("encryption aes-cbc-128 3des"
// / "integrity sha1 md5" / "group 5 2").
absl::StatusOr<Ikev2Proposal> ParseIkev2ProposalBody(absl::string_view name,
                                                     absl::string_view text);

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_PARSER_H_
