// Binds the parsed running configuration (ike/config) to IkePolicy values the
// engine runs: one policy per tunnel interface with `tunnel protection ipsec
// profile P`, following P -> `set ikev2-profile` -> keyring / lifetime /
// identities / dpd, P -> `set transform-set` / `set pfs group` / lifetime /
// responder-only / replay window, and the `ikev2 policy` whose `match address
// local` holds the tunnel's local address -> its proposals.
//
// Who calls it: integrators and examples after config::ParseConfig and
// config::Validate. The PSK lookup it installs keeps the Config alive (shared
// ownership) and applies seed 001's rules through config/identity.h: the
// responder finds the keyring peer by the identity the initiator sent, the
// initiator by the address it connects to.
//
// Address resolution: `tunnel source` may be an address or an interface name
// (the seeds use MgmtEth0/RP0/CPU0/0); a name resolves to that interface's
// ipv4 address when configured, else to the ikev2 policy's `match address
// local`. The remote address is `tunnel destination`. Overrides replace both
// (the seed's example addresses do not all agree with each other; see
// ike/engine/README.md).
//
// Algorithms refused by RFC 8247 / RFC 8221 (3DES, MD5, groups 2 and 5, as in
// seed 002's default proposal) are dropped from a proposal; a proposal left
// without an algorithm of some kind is an error that cites the RFC.
#ifndef CYGNET_IKE_ENGINE_CONFIG_BINDING_H_
#define CYGNET_IKE_ENGINE_CONFIG_BINDING_H_

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ike/config/model.h"
#include "ike/engine/ike_policy.h"
#include "ipsec/ip_address.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::ike {

struct BindingOverrides {
  // The key source for `ppk dynamic SKS-PROFILE` (a SKIP or QKD 014 client
  // the integrator wired to its transport); not owned. Without it a dynamic
  // PPK line is an error.
  std::function<keymgmt::PpkSource*(const config::SksProfile&)>
      dynamic_ppk_source;
  std::optional<ipsec::IpAddress> local_address;
  std::optional<ipsec::IpAddress> remote_address;
  std::optional<uint16_t> local_port;
  std::optional<uint16_t> remote_port;
};

absl::StatusOr<IkePolicy> BindTunnel(
    std::shared_ptr<const config::Config> config,
    absl::string_view interface_name, const BindingOverrides& overrides = {});

// Every protected tunnel interface, in configuration order.
absl::StatusOr<std::vector<IkePolicy>> BindAllTunnels(
    std::shared_ptr<const config::Config> config,
    const BindingOverrides& overrides = {});

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_CONFIG_BINDING_H_
