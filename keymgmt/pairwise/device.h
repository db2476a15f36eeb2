// DeviceEngine: the device side of SD-WAN pairwise IPsec keys (seed 000).
// Sans-I/O: the integrator feeds it controller messages, data-plane signals
// (a packet authenticated under an inbound SPI; an SA's rekey event), manual
// commands and timer expiries, with `now` always a parameter, and carries out
// the returned actions in order: send bytes to the controller, install or
// remove an SA (SaDatabaseApplier in sad_applier.h does that for an
// ipsec::SaDatabase), report an event. Randomness only from the injected
// crypto::Random.
//
// Keys. Each local TLOC (slot 0..7) owns a generation: a Diffie-Hellman key
// pair and a 32-byte nonce, published through the controller with a
// symmetric key for peers that do not do pairwise keys. For each authorized
// (local TLOC, remote TLOC) pair whose both ends are pairwise-capable, the
// engine holds one "SA pair" per combination (own generation, peer
// generation) that is alive: an inbound SA with the key derived by kdf.h,
// and the encrypt key of the same combination ready for the outbound
// direction. Pairs with a non-pairwise peer use the classic scheme: the
// sender encrypts with the receiver's symmetric key.
//
// Rekey (the seed's rules):
//  - A rekey of a local TLOC generates a new key pair and nonce, installs the
//    inbound SAs of the new generation with every peer first, then publishes
//    the new public value (Advertise) to the controller.
//  - A device that learns a peer's new generation installs the inbound SAs
//    for it and moves its outbound SA to the peer's new generation at once
//    (the peer installed its inbound before publishing): the peer's inbound
//    rekey triggers this device's outbound and inbound rekey.
//  - A device moves its outbound SA to its OWN new generation only after the
//    first packet from that peer under an SPI of the new generation (proof
//    that the peer knows it); until then it keeps sending on the old SA.
//  - Each end keeps at most two generations of itself and of each peer
//    alive, so a TLOC pair never has more than four SA pairs (both ends
//    rekeying at once) and converges to one: an old generation of the pair
//    is retired grace_period after the first packet under the newer one
//    (in-flight packets), and at the latest hold_time after the rekey. A
//    rekey requested while the previous one is still converging waits.
//  - Triggers: time (SecurityConfig::rekey_interval after the generation
//    was created), volume and the AES-GCM counter (the SA's soft byte
//    lifetime and sequence soft limit, reported with OnSaRekeyEvent), and
//    the Rekey command. With pwk-sym-rekey a rekey also replaces the
//    symmetric key; a non-pairwise device's rekey replaces only that.
//
// Control-plane reliability: Advertise is retransmitted every
// retransmit_interval until the controller acknowledges that generation;
// controller relays are applied only when their version is newer than the
// last one seen for that TLOC and are always acknowledged.
#ifndef CYGNET_KEYMGMT_PAIRWISE_DEVICE_H_
#define CYGNET_KEYMGMT_PAIRWISE_DEVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ipsec/ip_address.h"
#include "ipsec/security_association.h"
#include "keymgmt/pairwise/config.h"
#include "keymgmt/pairwise/message.h"
#include "keymgmt/pairwise/tloc.h"

namespace cygnet::keymgmt::pairwise {

struct DeviceTlocConfig {
  Color color = Color::kDefault;
  Encapsulation encapsulation = Encapsulation::kIpsec;
  TransportEndpoint transport;
};

struct DeviceConfig {
  uint32_t system_ip = 0;
  uint32_t site_id = 0;
  std::vector<DeviceTlocConfig> tlocs;  // slot = position, at most 8
  SecurityConfig security;
  crypto::KeyExchangeGroup group = crypto::KeyExchangeGroup::kCurve25519;
  absl::Duration retransmit_interval = absl::Seconds(2);
  absl::Duration grace_period = absl::Seconds(10);
  absl::Duration hold_time = absl::Seconds(120);
  // Volume trigger: soft byte lifetime of every SA (0 = none).
  uint64_t rekey_bytes = 0;
  // AES-GCM counter trigger: passed to SaConfig::sequence_soft_limit
  // (0 = the SA's default, 2^32 - 2^24 without ESN).
  uint64_t sequence_soft_limit = 0;
  ipsec::SaMode sa_mode = ipsec::SaMode::kTunnel;
};

// One SA for the SAD. Pairwise and symmetric SAs both use AES-GCM-256 with
// key || 4-byte salt.
struct SaInstall {
  ipsec::SaDirection direction = ipsec::SaDirection::kInbound;
  uint64_t policy_id = 0;  // the TLOC pair (PairPolicyId)
  uint32_t spi = 0;
  ipsec::IpAddress local_address;
  ipsec::IpAddress remote_address;
  uint16_t local_port = 0;
  uint16_t remote_port = 0;
  crypto::SecretBytes key;
  uint32_t replay_window = 0;
  uint64_t rekey_bytes = 0;
  uint64_t sequence_soft_limit = 0;
  bool pairwise = false;
};

struct SaRemoval {
  ipsec::SaDirection direction = ipsec::SaDirection::kInbound;
  uint64_t policy_id = 0;
  uint32_t spi = 0;
  ipsec::IpAddress local_address;  // the inbound key's destination
};

struct DeviceAction {
  enum class Kind {
    kSendToController,
    kInstallSa,
    // Outbound only: the installed outbound SA `switch_spi` of `policy_id`
    // becomes the one traffic uses.
    kSwitchOutbound,
    kRemoveSa,
    kEvent,
  };
  Kind kind = Kind::kEvent;
  std::vector<uint8_t> message;
  SaInstall install;
  SaRemoval removal;
  uint64_t policy_id = 0;
  uint32_t switch_spi = 0;
  std::string event;
};

struct DeviceOutput {
  std::vector<DeviceAction> actions;
  absl::Time next_timer = absl::InfiniteFuture();
};

struct DeviceCounters {
  uint64_t malformed = 0;
  uint64_t stale = 0;
  uint64_t unexpected = 0;
  uint64_t derivation_errors = 0;
  uint64_t rekeys_started = 0;
  uint64_t rekeys_completed = 0;  // previous generation fully retired
  uint64_t rekeys_deferred = 0;
  uint64_t outbound_switches = 0;
  uint64_t sa_pairs_installed = 0;
  uint64_t sa_pairs_removed = 0;
  uint64_t unknown_spi_signals = 0;
};

// The SAD lineage of one (local slot, remote TLOC) pair.
uint64_t PairPolicyId(uint8_t local_slot, const TlocId& remote);

enum class RekeyReason { kTime, kVolume, kManual, kPeerRequest };

class DeviceEngine {
 public:
  DeviceEngine(DeviceConfig config, crypto::Random& random);
  DeviceEngine(const DeviceEngine&) = delete;
  DeviceEngine& operator=(const DeviceEngine&) = delete;
  ~DeviceEngine();

  // Generates the first generation of every TLOC and advertises it. Errors:
  // no TLOC, more than 8, duplicate colors, key generation failure.
  absl::StatusOr<DeviceOutput> Start(absl::Time now);
  DeviceOutput OnControllerMessage(absl::Span<const uint8_t> bytes,
                                   absl::Time now);
  // The data plane authenticated a packet under inbound `spi`. Cheap (one
  // hash lookup) when nothing changes, so calling it per packet is fine.
  DeviceOutput OnInboundPacket(uint32_t spi, absl::Time now);
  // An SA raised its rekey event (soft bytes / sequence soft limit):
  // outbound SAs are named by policy id, inbound SAs by SPI.
  DeviceOutput OnOutboundSaRekeyEvent(uint64_t policy_id, absl::Time now);
  DeviceOutput OnInboundSaRekeyEvent(uint32_t spi, absl::Time now);
  // Manual rekey of one slot, or of every TLOC when `slot` is empty.
  DeviceOutput Rekey(std::optional<uint8_t> slot, absl::Time now);
  // Takes every TLOC out of service: removes all SAs and withdraws the TLOCs
  // from the controller (retransmitted until acknowledged). Afterwards the
  // engine ignores relays and commands.
  DeviceOutput Shutdown(absl::Time now);
  // Asks the controller for an on-demand tunnel (dynamic full mesh).
  DeviceOutput Demand(uint32_t peer_system_ip, absl::Time now);
  DeviceOutput OnTimer(absl::Time now);

  // --- Introspection for tests, the simulation and `show` ---
  struct ComboView {
    uint32_t own_generation;
    uint32_t peer_generation;
    uint32_t inbound_spi;
    uint32_t outbound_spi;
    uint32_t sa_index;
    std::string shared_secret_hash;
    std::string encrypt_key_hash;
    std::string decrypt_key_hash;
  };
  struct PairView {
    uint8_t slot;
    TlocId local;
    TlocId remote;
    TransportEndpoint local_transport;
    TransportEndpoint remote_transport;
    bool pairwise;
    std::vector<ComboView> combos;  // pairwise: inbound SA pairs
    // The SA traffic to the peer uses (0 when none yet).
    uint32_t outbound_spi;
    std::optional<ComboView> outbound;  // pairwise
    uint32_t outbound_sa_index;
    uint32_t peer_public_generation;
    std::string peer_public_hash;
    std::string peer_nonce_hash;
    std::string peer_symmetric_key_hash;  // non-pairwise peer
    std::vector<uint32_t> symmetric_inbound_spis;
    std::string own_symmetric_key_hash;
    uint32_t symmetric_sa_index;
  };
  struct LocalView {
    uint8_t slot;
    TlocId id;
    TransportEndpoint transport;
    uint32_t tloc_index;  // 0 until acknowledged
    uint32_t generation;
    bool has_previous;
    std::string public_hash;
    std::string nonce_hash;
    uint8_t symmetric_generation;
    std::string symmetric_key_hash;
    uint32_t sa_index;
  };
  std::vector<PairView> Pairs() const;
  std::vector<LocalView> Locals() const;
  size_t pair_count() const { return pairs_.size(); }
  // The largest number of SA pairs any one TLOC pair holds right now.
  size_t MaxSaPairsPerPair() const;
  // (local slot, remote TLOC) of every pair that has keys.
  std::vector<std::pair<uint8_t, TlocId>> PairKeys() const;
  size_t peer_count() const { return peers_.size(); }
  bool converged() const;  // every pair: one combo, outbound on it, no
                           // previous generation, nothing unacknowledged
  const DeviceCounters& counters() const { return counters_; }
  const DeviceConfig& config() const { return config_; }

 private:
  struct OwnGeneration;
  struct LocalTloc;
  struct PeerGeneration;
  struct PeerTloc;
  struct Combo;
  struct Pair;
  struct PairKey {
    uint8_t slot;
    TlocId remote;
    friend bool operator==(const PairKey& a, const PairKey& b) {
      return a.slot == b.slot && a.remote == b.remote;
    }
    friend bool operator<(const PairKey& a, const PairKey& b) {
      return a.slot != b.slot ? a.slot < b.slot : a.remote < b.remote;
    }
    template <typename H>
    friend H AbslHashValue(H h, const PairKey& k) {
      return H::combine(std::move(h), k.slot, k.remote);
    }
  };

  absl::Status NewGeneration(LocalTloc& local, absl::Time now);
  void NewSymmetricKey(LocalTloc& local, absl::Time now);
  bool RekeyBlocked(const LocalTloc& local, bool symmetric) const;
  void StartRekey(LocalTloc& local, RekeyReason reason, bool symmetric,
                  absl::Time now, DeviceOutput& out);
  void Advertise(LocalTloc& local, absl::Time now, DeviceOutput& out);
  void SendWithdrawals(absl::Time now, DeviceOutput& out);
  void HandleAdvertiseAck(const Message& m, absl::Time now, DeviceOutput& out);
  void HandlePeerUpdate(Message m, absl::Time now, DeviceOutput& out);
  void HandlePeerWithdraw(const Message& m, absl::Time now, DeviceOutput& out);
  void SendPeerAck(const TlocId& tloc, uint64_t version, DeviceOutput& out);
  // Brings the pair's SAs in line with the live generations.
  void SyncPair(Pair& pair, absl::Time now, DeviceOutput& out);
  void SyncPairsOfSlot(uint8_t slot, absl::Time now, DeviceOutput& out);
  void SyncPairsOfPeer(const TlocId& peer, absl::Time now, DeviceOutput& out);
  void RemovePair(const PairKey& key, DeviceOutput& out);
  void ClearPairSas(Pair& pair, DeviceOutput& out);
  void ReleasePreviousOwn(LocalTloc& local, absl::Time now, DeviceOutput& out);
  void ReleasePreviousSymmetric(LocalTloc& local, absl::Time now,
                                DeviceOutput& out);
  void MaybeReleasePreviousPeer(PeerTloc& peer);
  void Finish(absl::Time now, DeviceOutput& out);
  void Event(DeviceOutput& out, std::string text);

  DeviceConfig config_;
  crypto::Random& random_;
  std::vector<std::unique_ptr<LocalTloc>> locals_;
  // Ordered containers where iteration produces actions, so that a run is
  // reproducible (hash iteration order varies between processes).
  absl::btree_map<TlocId, std::unique_ptr<PeerTloc>> peers_;
  // Newest relay version per remote TLOC, kept after a withdrawal too so a
  // reordered older update cannot resurrect it.
  absl::flat_hash_map<TlocId, uint64_t> versions_;
  absl::btree_map<PairKey, std::unique_ptr<Pair>> pairs_;
  absl::flat_hash_map<uint32_t, PairKey> inbound_index_;
  absl::flat_hash_map<uint64_t, PairKey> policy_index_;
  absl::Time earliest_pair_deadline_ = absl::InfiniteFuture();
  uint32_t next_sa_index_ = 1;
  bool started_ = false;
  bool shut_down_ = false;
  // TLOCs whose Withdraw the controller has not acknowledged.
  std::vector<TlocId> withdraw_pending_;
  absl::Time last_withdraw_;
  DeviceCounters counters_;
};

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_DEVICE_H_
