// `show` renderings of the SVR key manager, reproducing the layout of the
// seed's outputs (seed 004): `show security key-status`, `show peers
// security`, `show security security-associations [PEER] [detail]`.
//
// Pure functions of the router's status snapshots and `now` (for the date
// line and the relative times). Keys never appear; salts do, as the seed
// shows them. Field choices where the seed is silent:
// - `show peers security` prints the salt as the unsigned decimal of the
//   salt's first 32 bits (the seed shows 10-digit decimals there, 64-bit hex
//   in the security-associations detail), Key Index / Peer Ki as the local /
//   peer metadata key index.
// - the security-associations "Peer" column is the first 6 bytes of
//   SHA-256(peering-common-name) in hex, a stable id that does not reveal
//   the router name.
// - "Local Metadata Key Index: 12 (2)": index and, in parentheses, how many
//   keys of that side are live (current plus the previous one still accepted
//   during a rotation).
#ifndef CYGNET_KEYMGMT_SVR_SHOW_H_
#define CYGNET_KEYMGMT_SVR_SHOW_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "keymgmt/svr/router.h"

namespace cygnet::keymgmt::svr {

// "1 hrs 2 min 56 sec"; "never" for an infinite duration.
std::string FormatHms(absl::Duration d);

std::string ShowSecurityKeyStatus(const SvrRouter& router, absl::Time now);
std::string ShowPeersSecurity(const SvrRouter& router, absl::Time now);
// peer empty: every peer. detail: the per-peer detail block.
std::string ShowSecurityAssociations(const SvrRouter& router,
                                     absl::string_view peer, bool detail,
                                     absl::Time now);

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_SHOW_H_
