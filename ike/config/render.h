// Renders a Config back to running-config text, in the IOS XR block form of
// the seeds' "Running Configuration" sections (`ikev2 proposal P` ... `exit`
// / `!`), with IOS XE-only objects (crypto keyring, isakmp policy/profile,
// pki) in their `crypto ...` form.
//
// Invariant (tested over every seed example and fuzzed): ParseConfig of the
// rendered text yields a Config that renders to the same text, given the
// same type 6 master key. Line numbers are not preserved.
//
// Secrets are rendered in their stored form: `6 VALUE` and `7 VALUE` as
// parsed or re-keyed. Secrets held in clear are NOT rendered unless
// RenderOptions::include_clear_secrets is set; instead a comment line names
// the peer and the key's SecretBytes fingerprint, so that a rendering can be
// shown or logged. To store a configuration without clear keys, convert them
// first (stored_secrets.h: EncryptSecretsAsType6). The type 6 master key is
// never rendered (`key config-key password-encryption` appears bare, as IOS
// shows it).
//
// Stateless; used by integrators for `show running-config`-style output and
// to persist a re-keyed configuration.
#ifndef CYGNET_IKE_CONFIG_RENDER_H_
#define CYGNET_IKE_CONFIG_RENDER_H_

#include <string>

#include "ike/config/model.h"

namespace cygnet::ike::config {

struct RenderOptions {
  bool include_clear_secrets = false;
};

std::string RenderRunningConfig(const Config& config,
                                const RenderOptions& options = {});

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_RENDER_H_
