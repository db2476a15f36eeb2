// SvrRouter: the sans-I/O SVR enhanced-security key manager of one router.
//
// Driven by the integrator (router firmware, the simulation in tests, the
// svr_sim example) with exactly these inputs: BFD metadata received on a peer
// path, the passage of time (`now`, an absl::Time, never read from a clock),
// interface state changes, and operator commands (`security metadata-key
// regenerate`, new CRLs). Every input returns the actions to carry out: send
// these bytes in BFD metadata on that path, path in/out of service, key
// installed, alarm raised/cleared, peering removed, node sync for the
// redundant node. NextTimer() says when to call OnTimer() again. The data
// plane (per-session payload keys, SVR packets) goes through OpenSession /
// SendPacket / ReceivePacket / ForwardPacket.
//
// Key hierarchy (see README.md and key_schedule.h, messages.h, packet.h):
// - peer key: one per router pair, from an ECDH exchange (KEY_REQUEST /
//   KEY_RESPONSE) signed with both certificate keys and mixed with both
//   salts; survives path outages; replaced only when a new exchange
//   completes; the old key keeps decrypting, and a new key is used for
//   sending only 30 s after it was computed (the first key at once).
// - metadata key: one per router, the same for every peer, with a rekey
//   index; pushed to each peer on each path under the peer key (METADATA_KEY)
//   until acknowledged; regenerated with index + 1 on command or every
//   peer-key-rekey-interval (the seed has no separate attribute for it).
// - payload key: one per session, carried in the metadata TLV under the
//   receiving router's metadata key; replaced every
//   payload-key-rekey-interval.
//
// Per peer path the security state machine walks
//   INIT -> CERT_EXCH -> SALT_EXCH -> PKEY_EXCH -> MKEY_EXCH -> MKEY_EXCH_COMP
// with the flags Cert Rec/Ack, Salt Rec/Ack, Key Rec/Ack of `show peers
// security`; KEY_TIMEOUT when nothing valid came back for peer-key-timeout
// while something was outstanding (path out of service, retries continue
// every peer-key-timeout or at once on an interface state change), and
// CERT_INVALID when fail-hard removed the peering. Unacknowledged messages
// are retransmitted every peer-key-retransmit-interval.
//
// Exchange collisions: when both routers start a key exchange at once, the
// one whose peering-common-name sorts lower (byte-wise) keeps its request;
// the other answers it. Only the lower router runs the periodic peer-key
// rekey timer; the higher one falls back after rekey interval + timeout.
//
// Redundant node pairs: options.nodes[0] is the Active-Leader, the others
// Redundant-Peers. On every metadata key change the leader emits a kNodeSync
// action per redundant node carrying NODE_SYNC (the key wrapped under the
// inter-node key, HKDF-SHA-384 of the router's private key, see
// InterNodeKey); RedundantNodeKeyStore on the redundant node unwraps it and
// the integrator reports the installed index back with OnNodeSyncAck.
//
// Single-threaded; all randomness from the injected crypto::Random.
#ifndef CYGNET_KEYMGMT_SVR_ROUTER_H_
#define CYGNET_KEYMGMT_SVR_ROUTER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "keymgmt/svr/alarms.h"
#include "keymgmt/svr/config.h"
#include "keymgmt/svr/identity.h"
#include "keymgmt/svr/key_schedule.h"
#include "keymgmt/svr/packet.h"

namespace cygnet::keymgmt::svr {

enum class SecurityState {
  kInit,
  kCertExchange,
  kSaltExchange,
  kPeerKeyExchange,
  kMetadataKeyExchange,
  kMetadataKeyExchangeComplete,
  kKeyTimeout,
  kCertificateInvalid,
};
// "INIT", "CERT_EXCH", "SALT_EXCH", "PKEY_EXCH", "MKEY_EXCH",
// "MKEY_EXCH_COMP", "KEY_TIMEOUT", "CERT_INVALID".
const char* SecurityStateName(SecurityState state);

struct PathId {
  std::string peer;  // peer router name
  std::string node;  // local node
  std::string interface;
  std::string destination;
  bool operator<(const PathId& o) const {
    return std::tie(peer, node, interface, destination) <
           std::tie(o.peer, o.node, o.interface, o.destination);
  }
  bool operator==(const PathId& o) const {
    return !(*this < o) && !(o < *this);
  }
};

struct PeerSpec {
  std::string router_name;
  std::string peering_common_name;
};

struct RouterOptions {
  std::string router_name;
  std::vector<std::string> nodes;  // [0] Active-Leader, rest Redundant-Peer
  SecurityKeyManagementConfig config;
  std::vector<PeerSpec> peers;
  size_t max_sessions = 65536;  // per direction; beyond: rejected, counted
  // Inbound sessions idle this long are forgotten (checked every minute).
  absl::Duration session_idle_timeout = absl::Hours(1);
  absl::Duration key_activation_delay = absl::Seconds(30);
  // How many packets of a session (and after each payload rekey) carry the
  // metadata TLV; more than one lets the session survive the loss of its
  // first packet at the cost of larger early packets. At least 1.
  int metadata_packets = 1;
  // How often certificates are re-graded (expiry alarms).
  absl::Duration certificate_check_interval = absl::Minutes(10);
};

struct Action {
  enum class Kind {
    kSendBfd,                   // path, bytes
    kPathInService,             // path
    kPathOutOfService,          // path, reason
    kPeerKeyInstalled,          // peer, key_id, fingerprint
    kMetadataKeyGenerated,      // key_id = index, fingerprint
    kPeerMetadataKeyInstalled,  // peer, key_id = index, fingerprint
    kAlarmRaised,               // alarm
    kAlarmCleared,              // alarm
    kPeeringRemoved,            // peer, reason (fail-hard)
    kNodeSync,                  // node, bytes
  };
  Kind kind = Kind::kSendBfd;
  PathId path;
  std::vector<uint8_t> bytes;
  std::string peer;
  std::string node;
  uint32_t key_id = 0;
  std::string fingerprint;
  std::string reason;
  Alarm alarm;
};

struct Counters {
  uint64_t bfd_messages_received = 0;
  uint64_t bfd_messages_sent = 0;
  uint64_t bfd_malformed = 0;
  uint64_t bfd_authentication_failed = 0;  // bad signature or tag
  uint64_t bfd_stale = 0;      // old key ids/indices, unknown exchange
  uint64_t bfd_not_ready = 0;  // arrived before what it depends on
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
  uint64_t packets_forwarded = 0;
  uint64_t packet_malformed = 0;
  uint64_t packet_authentication_failed = 0;
  uint64_t packet_replayed = 0;
  uint64_t packet_unknown_key_index = 0;
  uint64_t packet_unknown_session = 0;
  uint64_t packet_session_limit = 0;
};

// Everything `show` needs, copied out (no secrets, fingerprints only).
struct PathStatus {
  PathId id;
  bool up = false;
  bool in_service = false;
  SecurityState state = SecurityState::kInit;
  bool cert_rec = false, cert_ack = false, salt_rec = false, salt_ack = false,
       key_rec = false, key_ack = false;
};

struct PeerStatus {
  std::string name;
  std::string peering_common_name;
  bool removed = false;
  CertificateCheck certificate;
  bool have_certificate = false;
  bool public_key_valid = false;
  std::vector<uint8_t> local_salt, remote_salt;
  bool have_peer_key = false;
  uint32_t peer_key_id = 0;
  std::string peer_key_fingerprint;
  absl::Time next_peer_rekey = absl::InfiniteFuture();
  uint64_t peer_rekey_count = 0;
  uint32_t local_metadata_index = 0;  // this router's current index
  int local_metadata_keys = 0;        // indices still accepted from us
  uint32_t remote_metadata_index = 0;
  int remote_metadata_keys = 0;  // peer's keys we hold
  uint32_t acked_local_index = 0;
  std::vector<PathStatus> paths;
};

struct NodeKeyStatus {
  std::string node;
  bool leader = false;
  bool enabled = true;
  uint64_t rekey_index = 0;  // peer-key exchanges this router started
  absl::Time last_rekey = absl::InfinitePast();
  absl::Time next_rekey = absl::InfiniteFuture();
  uint64_t key_change_count = 0;         // peer keys installed
  uint64_t config_key_change_count = 0;  // metadata keys by command/config
  std::string key_change_error;          // last failed exchange, or ""
  std::string config_key_change_error;
  uint32_t metadata_rekey_index = 0;  // for a redundant node: synced
  absl::Time metadata_last_rekey = absl::InfinitePast();
  absl::Time metadata_next_rekey = absl::InfiniteFuture();
};

// The engine options of router `router_name` from a parsed authority
// configuration: its security-key-management attributes, its peer list
// (configured or from neighborhoods) and its nodes. Fails when the feature is
// disabled, the router is unknown or has no peering-common-name.
absl::StatusOr<RouterOptions> RouterOptionsFromConfig(
    const AuthorityConfig& config, absl::string_view router_name);

// The inter-node key for NODE_SYNC: HKDF-SHA-384(ikm = PKCS#8 DER of the
// router's private key, salt = empty, info = "cygnet svr inter-node key v1"
// || router name, 64). Both nodes of a router hold the same identity.
absl::StatusOr<crypto::SecretBytes> InterNodeKey(const RouterIdentity& identity,
                                                 absl::string_view router_name);

class SvrRouter {
 public:
  static absl::StatusOr<std::unique_ptr<SvrRouter>> Create(
      RouterOptions options, RouterIdentity identity,
      CertificateValidator validator, crypto::Random& random, absl::Time now);
  ~SvrRouter();

  // --- control plane inputs -------------------------------------------
  std::vector<Action> AddPath(const PathId& path, absl::Time now);
  std::vector<Action> SetInterfaceState(const PathId& path, bool up,
                                        absl::Time now);
  std::vector<Action> OnBfdMetadata(const PathId& path,
                                    absl::Span<const uint8_t> bytes,
                                    absl::Time now);
  std::vector<Action> OnTimer(absl::Time now);
  absl::Time NextTimer() const;
  // `security metadata-key regenerate`.
  std::vector<Action> RegenerateMetadataKey(absl::Time now);
  // Starts a peer-key exchange with `peer` now (operator or test).
  std::vector<Action> RekeyPeer(absl::string_view peer, absl::Time now);
  // New revocation lists: every peer certificate is checked again.
  std::vector<Action> SetCrls(std::vector<crypto::Crl> crls, absl::Time now);
  void OnNodeSyncAck(absl::string_view node, uint32_t index, absl::Time now);

  // --- data plane -----------------------------------------------------
  // A new session towards `peer` with its own payload key; `metadata` is
  // the SVR session metadata sent (encrypted) in the first packet.
  absl::StatusOr<uint32_t> OpenSession(absl::string_view peer,
                                       absl::Span<const uint8_t> metadata,
                                       absl::Time now);
  absl::StatusOr<std::vector<uint8_t>> SendPacket(
      uint32_t session_id, absl::Span<const uint8_t> payload, absl::Time now);
  void CloseSession(uint32_t session_id);
  struct Received {
    uint32_t session_id = 0;
    std::vector<uint8_t> session_metadata;
    std::vector<uint8_t> payload;
  };
  absl::StatusOr<Received> ReceivePacket(absl::string_view from_peer,
                                         absl::Span<const uint8_t> bytes,
                                         absl::Time now);
  // Multi-hop: authenticates the packet from `from_peer` and returns the one
  // to send to `to_peer` (TLV re-wrapped; payload untouched).
  absl::StatusOr<std::vector<uint8_t>> ForwardPacket(
      absl::string_view from_peer, absl::string_view to_peer,
      absl::Span<const uint8_t> bytes, absl::Time now);
  // Whether `peer` has a path in service (the data plane may use it).
  bool PeerInService(absl::string_view peer) const;

  // --- status ---------------------------------------------------------
  const std::string& router_name() const { return options_.router_name; }
  const std::string& peering_common_name() const;
  const Counters& counters() const { return counters_; }
  std::vector<PeerStatus> Peers(absl::Time now) const;
  std::vector<NodeKeyStatus> KeyStatus(absl::Time now) const;
  std::vector<Alarm> ActiveAlarms() const;
  uint32_t metadata_key_index() const;

 private:
  struct Peer;
  struct Path;
  struct SendSession;
  struct ReceiveSession;
  struct LocalMetadataKey;
  class Impl;

  SvrRouter(RouterOptions options, RouterIdentity identity,
            CertificateValidator validator, crypto::Random& random);

  RouterOptions options_;
  RouterIdentity identity_;
  CertificateValidator validator_;
  crypto::Random& random_;
  Counters counters_;
  std::unique_ptr<Impl> impl_;
};

// The redundant node's side of NODE_SYNC: holds the leader's metadata key.
class RedundantNodeKeyStore {
 public:
  static absl::StatusOr<RedundantNodeKeyStore> Create(
      const RouterIdentity& identity, absl::string_view router_name);
  // Installs the key when its index is newer; returns the installed index.
  absl::StatusOr<uint32_t> OnNodeSync(absl::Span<const uint8_t> bytes);
  uint32_t index() const { return index_; }
  std::string Fingerprint() const { return key_ ? key_->Fingerprint() : ""; }

 private:
  RedundantNodeKeyStore(std::string router_name, SvrKey inter_node_key)
      : router_name_(std::move(router_name)),
        inter_node_key_(std::make_shared<SvrKey>(std::move(inter_node_key))) {}
  std::string router_name_;
  std::shared_ptr<SvrKey> inter_node_key_;
  std::shared_ptr<SvrKey> key_;
  uint32_t index_ = 0;
};

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_ROUTER_H_
