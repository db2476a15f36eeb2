// IkePolicy: everything one IKEv2 peering needs to negotiate, resolved from
// the configuration model (ike/config) by config_binding.h or built directly
// by an integrator or test.
//
// The engine (ike_engine.h) holds a list of policies. As initiator it uses the
// named policy; as responder it picks the first policy whose local address
// matches the address the IKE_SA_INIT arrived on and whose remote prefix
// contains the sender, then, once IDi is known, asks the policy's
// credential lookup for the pre-shared key of that identity (seed 001: "the
// identity is available for key lookup on the IKEv2 responder only").
// Invariants checked by ValidateIkePolicy: at least one IKE and one ESP
// proposal, every suite valid (ike/algorithms.h), a local identity, a way to
// find credentials, lifetimes positive, selectors of one family.
#ifndef CYGNET_IKE_ENGINE_IKE_POLICY_H_
#define CYGNET_IKE_ENGINE_IKE_POLICY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/secret_bytes.h"
#include "crypto/signature.h"
#include "crypto/x509.h"
#include "ike/algorithms.h"
#include "ike/proposal_negotiation.h"
#include "ike/wire/constants.h"
#include "ipsec/ip_address.h"
#include "ipsec/security_association.h"
#include "ipsec/traffic_selector.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::ike {

// An IKE identity as carried in IDi / IDr.
struct Identity {
  wire::IdType type = wire::IdType::kIpv4Address;
  std::vector<uint8_t> data;

  static Identity Address(const ipsec::IpAddress& address);
  static Identity Fqdn(std::string_view name);
  // "198.51.100.5", "RouterA.example.com", "user@example.com", or
  // "KEY_ID:0a0b" for other types.
  std::string ToString() const;

  friend bool operator==(const Identity& a, const Identity& b) {
    return a.type == b.type && a.data == b.data;
  }
};

// What the local side expects the peer's identity to be (the profile's
// `match identity remote ...`), with seed 001's rules: FQDN and domain are
// case-insensitive; a domain matches names strictly below it ("example.com"
// matches "x.example.com", not "example.com"); an address matches within its
// prefix.
struct RemoteIdentityRule {
  enum class Kind { kAny, kAddress, kFqdn, kDomain };
  Kind kind = Kind::kAny;
  ipsec::IpAddress address;
  int prefix_length = 32;
  std::string name;

  bool Matches(const Identity& identity) const;
  std::string ToString() const;
};

struct DpdSettings {
  // Zero disables DPD.
  absl::Duration interval = absl::ZeroDuration();
  // Wait between retries of an unanswered liveness check.
  absl::Duration retry = absl::Seconds(2);
  // Periodic: a liveness check every `interval` whatever the traffic.
  // On-demand (seed 002's default): only when ESP was sent during the last
  // interval and nothing came back from the peer.
  bool periodic = false;
};

struct RetransmitSettings {
  absl::Duration initial_timeout = absl::Milliseconds(500);
  double backoff = 2.0;
  absl::Duration max_timeout = absl::Seconds(8);
  // Transmissions of one request in all, the first included.
  int max_transmissions = 6;
};

// The credential lookup: the PSK this side uses with a peer that presents
// `peer_identity` from `peer_address`, or an error naming why there is none.
using PskLookup = std::function<absl::StatusOr<crypto::SecretBytes>(
    const Identity& peer_identity, const ipsec::IpAddress& peer_address)>;

// How one side proves its identity (seed 001: "authentication local
// pre-shared / rsa-signature").
enum class AuthenticationKind { kPreSharedKey, kCertificate };

// Certificate authentication: this side's key and chain (leaf first), and
// what a peer's chain must verify to.
struct CertificateCredentials {
  std::optional<crypto::PrivateKey> private_key;
  std::vector<crypto::Certificate> chain;
  std::vector<crypto::Certificate> trust_anchors;
  std::vector<crypto::Crl> crls;
  // RSA keys sign with RSA-PSS (RFC 7427) instead of PKCS#1 v1.5.
  bool rsa_pss = false;
};

// RFC 8784 post-quantum preshared keys (seed 001 `ppk manual ...` /
// `ppk dynamic SKS-PROFILE` [required]).
struct PpkSettings {
  enum class Kind { kNone, kManual, kDynamic };
  Kind kind = Kind::kNone;
  // Without `required` any failure in the PPK path falls back to normal
  // authentication; with it the SA fails with the reason.
  bool required = false;
  // Where keys come from; not owned, must outlive the engine. Manual PPKs
  // use keymgmt::ManualPpkSource, dynamic ones a SKIP or QKD 014 source.
  keymgmt::PpkSource* source = nullptr;
  // Keeps a source alive when the policy owns it (config_binding makes a
  // keymgmt::ManualPpkSource for `ppk manual` lines).
  std::shared_ptr<keymgmt::PpkSource> owned_source;
  // The peer as the source knows it (keyring peer / remote system ID).
  std::string peer;
  // Longest wait for the source before the PPK path counts as failed.
  absl::Duration timeout = absl::Seconds(10);
};

struct IkePolicy {
  std::string name;  // for logs and status: the IKEv2 profile name

  ipsec::IpAddress local_address;
  uint16_t local_port = 500;
  // Initiator: where to send. Responder: which senders this policy accepts.
  ipsec::IpAddress remote_address;
  int remote_prefix_length = 32;
  uint16_t remote_port = 500;

  std::vector<IkeProposalConfig> ike_proposals;
  // pfs_groups are offered in CREATE_CHILD_SA only (IKE_AUTH carries no KE,
  // RFC 7296 1.2).
  std::vector<EspProposalConfig> esp_proposals;

  Identity local_identity;
  RemoteIdentityRule remote_identity;
  AuthenticationKind local_authentication = AuthenticationKind::kPreSharedKey;
  AuthenticationKind remote_authentication = AuthenticationKind::kPreSharedKey;
  // Needed when either side uses pre-shared keys.
  PskLookup psk_lookup;
  // Needed when either side uses certificates.
  CertificateCredentials certificates;
  PpkSettings ppk;

  absl::Duration ike_lifetime = absl::Hours(24);
  absl::Duration child_lifetime = absl::Hours(1);
  // Rekey this long before expiry, minus up to `rekey_jitter` (randomised so
  // two peers with one config do not collide every time).
  absl::Duration rekey_margin = absl::Seconds(60);
  absl::Duration rekey_jitter = absl::Seconds(20);

  // After a child SA rekey the old inbound SA keeps accepting packets this
  // long, so packets the peer sent just before switching are not lost.
  absl::Duration inbound_linger = absl::Seconds(2);

  ipsec::SaMode mode = ipsec::SaMode::kTunnel;
  std::vector<ipsec::TrafficSelector> local_selectors;
  std::vector<ipsec::TrafficSelector> remote_selectors;
  uint32_t replay_window_size = 64;

  bool responder_only = false;
  DpdSettings dpd;
  RetransmitSettings retransmit;
};

absl::Status ValidateIkePolicy(const IkePolicy& policy);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_IKE_POLICY_H_
