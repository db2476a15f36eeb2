// Identity matching: which keyring peer (and so which pre-shared key and PPK
// configuration) and which IKEv2 profile belong to a remote identity, with
// the rules seed 001 states for FQDN identities:
//
//   * FQDN and domain names compare case-insensitively ("x.cisco.com" and
//     "X.CISCO.COM" are the same identity);
//   * `identity domain example.com` matches every FQDN with at least one
//     label in front of the domain ("x.example.com", "a.b.example.com") and
//     never "example.com" itself, nor "xexample.com" (labels, not suffixes);
//   * multiple peers cannot share one FQDN or one domain within a keyring
//     (the validator reports it; lookups answer kFailedPrecondition rather
//     than pick one), but one string may be an FQDN in one peer and a domain
//     in another;
//   * address identities and peer addresses match by address/mask;
//   * "The identity is available for key lookup on the IKEv2 responder
//     only": the responder looks peers up by the identity the initiator sent
//     (IDi); the initiator looks them up by the address it is connecting to.
//
// Responder lookup order (the most specific configuration wins):
//   1. FQDN identity: a peer whose `identity fqdn` equals it;
//   2. FQDN identity: the peer whose `identity domain` is the longest domain
//      the FQDN lies under;
//   3. IPv4 identity: the peer whose `identity address` prefix contains it,
//      longest prefix first; then the peer whose `address` prefix contains
//      it, longest prefix first;
//   4. only when no identity of any peer matched: a peer that configures no
//      identity and whose `address` contains the packet's source address
//      (such peers are keyed by where they are, exactly as on the initiator).
// Two candidates equally specific at the winning step are a configuration
// conflict: kFailedPrecondition naming both peers. No match: kNotFound
// naming the keyring, the identity and the address.
//
// Stateless functions over a config::Config; called by the IKE engine
// during IKE_AUTH (responder) and before IKE_SA_INIT (initiator).
#ifndef CYGNET_IKE_CONFIG_IDENTITY_H_
#define CYGNET_IKE_CONFIG_IDENTITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ike/config/model.h"
#include "ipsec/ip_address.h"

namespace cygnet::ike::config {

// An identity as received in an IKEv2 ID payload, reduced to the types the
// seeds configure (ID_IPV4_ADDR and ID_FQDN).
struct PeerIdentity {
  enum class Type { kIpv4Address, kFqdn };
  Type type = Type::kIpv4Address;
  ipsec::IpAddress address;  // kIpv4Address
  std::string fqdn;          // kFqdn

  static PeerIdentity Ipv4(const ipsec::IpAddress& address) {
    return {Type::kIpv4Address, address, ""};
  }
  static PeerIdentity Fqdn(absl::string_view name) {
    return {Type::kFqdn, ipsec::IpAddress(), std::string(name)};
  }
  std::string ToString() const;  // "fqdn X", "address A"
};

// Case-insensitive FQDN equality.
bool FqdnEquals(absl::string_view a, absl::string_view b);
// True when `fqdn` is `domain` with one or more labels in front.
bool FqdnInDomain(absl::string_view fqdn, absl::string_view domain);
// True when a configured identity (peer or profile) accepts `identity`.
bool IdentityMatches(const IdentitySpec& spec, const PeerIdentity& identity);

// Responder: the peer entry whose keys authenticate `identity` arriving from
// `source`. The returned pointer points into `keyring`.
absl::StatusOr<const KeyringPeer*> FindPeerForResponder(
    const Keyring& keyring, const PeerIdentity& identity,
    const ipsec::IpAddress& source);

// Initiator: the peer entry for the destination address (longest `address`
// prefix containing it).
absl::StatusOr<const KeyringPeer*> FindPeerForInitiator(
    const Keyring& keyring, const ipsec::IpAddress& destination);

// True when any `match identity remote` line of the profile accepts it.
bool ProfileMatchesRemote(const Ikev2Profile& profile,
                          const PeerIdentity& identity);
// Every profile that accepts `identity`, in configuration order. Seed 001:
// when several do, "an incoming IKE initiator request can potentially match
// any of these profiles"; the engine tries them in this order.
std::vector<const Ikev2Profile*> FindProfilesForRemote(
    const Config& config, const PeerIdentity& identity);

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_IDENTITY_H_
