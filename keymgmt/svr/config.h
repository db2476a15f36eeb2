// SVR enhanced security key management configuration: the typed model of the
// authority-level `enhanced-security-key-management` switch, the
// `security-key-management` block and each router's `peering-common-name`,
// with the text parser for the seed's configuration syntax.
//
// Pure; the integrator parses the conductor's text and hands each router's
// slice to its SVR engine. Parse errors and validation errors name the line,
// the field and the value. Defaults are the seed's: rekey intervals 24 hours
// (1-720 or `never`), retransmit 30 s (5-3600), timeout 3600 s, fail-soft.
//
// Syntax (indentation is optional, as in the seed's flattened samples): a
// keyword that the current block does not know closes blocks until one
// knows it, so `router b` right after router a's attributes starts a new
// router; `exit` closes a block explicitly. Blocks:
//   config / authority
//     enhanced-security-key-management true|false
//     security-key-management
//       key-exchange-algorithm ecdh-p256|ecdh-p384|ecdh-p521|x25519|modp-2048
//       payload-key-rekey-interval 1..720|never
//       peer-key-rekey-interval 1..720|never
//       peer-key-retransmit-interval 5..3600
//       peer-key-timeout 10..86400 (not below the retransmit interval)
//       invalid-certificate-behavior fail-soft|fail-hard
//       trusted-ca-certificate NAME        (repeatable)
//     router NAME
//       name NAME (must equal the block's NAME)
//       peering-common-name ALIAS   1..64 of [A-Za-z0-9._-], unique
//       location TEXT / description TEXT / inter-node-security TEXT
//       neighborhood NAME                  (repeatable)
//       node NAME / name NAME / exit
//       peer NAME
//         name NAME / router-name ROUTER / peering-common-name ALIAS / exit
// A manual peer's peering-common-name must equal the one configured on the
// router it names. Without manual peers, a router's peers are the other
// routers sharing one of its neighborhoods. With the feature enabled, every
// router that has peers needs a peering-common-name.
#ifndef CYGNET_KEYMGMT_SVR_CONFIG_H_
#define CYGNET_KEYMGMT_SVR_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cygnet::keymgmt::svr {

enum class InvalidCertificateBehavior { kFailSoft, kFailHard };

// Values are the IKEv2 group numbers (crypto::KeyExchangeGroup).
enum class KeyExchangeAlgorithm : uint16_t {
  kModp2048 = 14,
  kEcdhP256 = 19,
  kEcdhP384 = 20,
  kEcdhP521 = 21,
  kX25519 = 31,
};

struct SecurityKeyManagementConfig {
  KeyExchangeAlgorithm key_exchange_algorithm = KeyExchangeAlgorithm::kEcdhP384;
  // nullopt = never.
  std::optional<int> payload_key_rekey_interval_hours = 24;
  std::optional<int> peer_key_rekey_interval_hours = 24;
  int peer_key_retransmit_interval_seconds = 30;
  int peer_key_timeout_seconds = 3600;
  InvalidCertificateBehavior invalid_certificate_behavior =
      InvalidCertificateBehavior::kFailSoft;
  std::vector<std::string> trusted_ca_certificates;

  absl::Duration retransmit_interval() const {
    return absl::Seconds(peer_key_retransmit_interval_seconds);
  }
  absl::Duration timeout() const {
    return absl::Seconds(peer_key_timeout_seconds);
  }
  // InfiniteDuration for never.
  absl::Duration peer_key_rekey_interval() const;
  absl::Duration payload_key_rekey_interval() const;
};

struct PeerConfig {
  std::string name;
  std::string router_name;
  std::string peering_common_name;
  int line = 0;
};

struct NodeConfig {
  std::string name;
  int line = 0;
};

struct RouterConfig {
  std::string name;
  std::string peering_common_name;
  std::string location;
  std::string description;
  std::string inter_node_security;
  std::vector<std::string> neighborhoods;
  std::vector<NodeConfig> nodes;
  std::vector<PeerConfig> peers;
  int line = 0;
};

struct AuthorityConfig {
  bool enhanced_security_key_management = false;
  SecurityKeyManagementConfig security_key_management;
  std::vector<RouterConfig> routers;

  const RouterConfig* FindRouter(absl::string_view name) const;
  // The configured peers, or those derived from shared neighborhoods.
  std::vector<PeerConfig> EffectivePeers(const RouterConfig& router) const;
};

absl::StatusOr<AuthorityConfig> ParseAuthorityConfig(absl::string_view text);

std::string InvalidCertificateBehaviorName(InvalidCertificateBehavior b);

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_CONFIG_H_
