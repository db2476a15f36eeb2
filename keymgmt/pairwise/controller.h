// ControllerEngine: the controller side of SD-WAN pairwise keys (the vSmart
// role). Sans-I/O: the integrator feeds it control-connection events,
// received messages and timer expiries, and carries out the returned sends.
//
// What it does: stores each device's TLOC records (public value, nonce,
// symmetric key), assigns every TLOC a stable index (the SPI layout of
// kdf.h needs it), and relays each record only to the devices whose TLOCs
// the policy (policy.h) authorizes toward it, telling the recipient which
// of its slots are authorized. When the policy, a device's connection or a
// TLOC changes it recomputes the affected pairs and sends PeerUpdate or
// PeerWithdraw.
//
// Reliability over a lossy, reordering channel: every relay to a device
// carries a version from one controller-wide counter that only grows; the
// device keeps the newest version per TLOC and acknowledges it; the
// controller retransmits the current state of every unacknowledged relay
// every retransmit_interval. Advertise/Withdraw from devices are idempotent
// per generation and always acknowledged; older generations are ignored.
//
// Invariants: a device never holds a relay of a TLOC the current policy does
// not authorize once its acknowledgements have arrived (withdrawals are
// retransmitted like updates); the system IP in a device's messages must be
// the one its authenticated connection belongs to.
#ifndef CYGNET_KEYMGMT_PAIRWISE_CONTROLLER_H_
#define CYGNET_KEYMGMT_PAIRWISE_CONTROLLER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "keymgmt/pairwise/message.h"
#include "keymgmt/pairwise/policy.h"
#include "keymgmt/pairwise/tloc.h"

namespace cygnet::keymgmt::pairwise {

struct ControllerConfig {
  absl::Duration retransmit_interval = absl::Seconds(2);
};

struct ControllerSend {
  uint32_t to_system_ip = 0;
  std::vector<uint8_t> bytes;
};

struct ControllerOutput {
  std::vector<ControllerSend> sends;
  std::vector<std::string> events;
  // When OnTimer wants to run next; InfiniteFuture when nothing is pending.
  absl::Time next_timer = absl::InfiniteFuture();
};

struct ControllerCounters {
  uint64_t malformed = 0;         // parse errors
  uint64_t unknown_device = 0;    // message from a device not connected
  uint64_t spoofed = 0;           // system IP / site not the connection's
  uint64_t unexpected = 0;        // message type a controller never receives
  uint64_t stale = 0;             // older generation or version
  uint64_t advertisements = 0;    // new generations accepted
  uint64_t updates_sent = 0;      // PeerUpdate, first transmissions
  uint64_t withdrawals_sent = 0;  // PeerWithdraw, first transmissions
  uint64_t retransmissions = 0;
};

class ControllerEngine {
 public:
  explicit ControllerEngine(ControllerConfig config = {});

  // The integrator's control connection to a device came up (authenticated
  // as `system_ip` at `site_id`) or went down. A reconnecting device starts
  // afresh: its TLOCs are re-learned from its next advertisements.
  ControllerOutput ConnectDevice(uint32_t system_ip, uint32_t site_id,
                                 absl::Time now);
  ControllerOutput DisconnectDevice(uint32_t system_ip, absl::Time now);
  ControllerOutput SetPolicy(Policy policy, absl::Time now);
  ControllerOutput OnMessage(uint32_t from_system_ip,
                             absl::Span<const uint8_t> bytes, absl::Time now);
  ControllerOutput OnTimer(absl::Time now);

  // Whether the current state has `tloc` relayed (not withdrawn) to device
  // `to`, and the authorized slot mask (0 when not relayed).
  uint8_t RelayedSlots(uint32_t to, const TlocId& tloc) const;
  const ControllerCounters& counters() const { return counters_; }
  size_t relay_count() const { return relays_.size(); }
  size_t pending_count() const { return pending_.size(); }
  const Policy& policy() const { return policy_; }

 private:
  struct DeviceState {
    uint32_t site_id = 0;
    std::vector<TlocId> tlocs;  // live TLOCs
    absl::flat_hash_set<uint32_t> demands;
  };
  struct TlocState {
    TlocRecord record;
    uint32_t index = 0;
  };
  struct RelayKey {
    uint32_t to;
    TlocId tloc;
    friend bool operator==(const RelayKey& a, const RelayKey& b) {
      return a.to == b.to && a.tloc == b.tloc;
    }
    friend bool operator<(const RelayKey& a, const RelayKey& b) {
      return a.to != b.to ? a.to < b.to : a.tloc < b.tloc;
    }
    template <typename H>
    friend H AbslHashValue(H h, const RelayKey& k) {
      return H::combine(std::move(h), k.to, k.tloc);
    }
  };
  struct Relay {
    uint64_t version = 0;
    bool withdrawn = false;
    uint8_t slots = 0;
    uint32_t generation = 0;
    absl::Time last_sent;
  };

  void HandleAdvertise(uint32_t from, Message message, absl::Time now,
                       ControllerOutput& out);
  void HandleWithdraw(uint32_t from, const Message& message, absl::Time now,
                      ControllerOutput& out);
  void HandlePeerAck(uint32_t from, const Message& message);
  void HandleDemand(uint32_t from, const Message& message, absl::Time now,
                    ControllerOutput& out);
  // Recomputes what `to` should hold about `tloc` and sends the difference.
  void Reconcile(uint32_t to, const TlocId& tloc, absl::Time now,
                 ControllerOutput& out);
  // Every pair involving a TLOC of `system_ip`, in both directions.
  void ReconcileDevice(uint32_t system_ip, absl::Time now,
                       ControllerOutput& out);
  uint8_t DesiredSlots(uint32_t to, const TlocState& tloc) const;
  void Transmit(const RelayKey& key, const Relay& relay, ControllerOutput& out);
  void Finish(absl::Time now, ControllerOutput& out);
  uint32_t IndexFor(const TlocId& tloc);

  ControllerConfig config_;
  Policy policy_;
  // Ordered where iteration produces sends, so runs are reproducible.
  absl::btree_map<uint32_t, DeviceState> devices_;
  absl::btree_map<TlocId, TlocState> tlocs_;
  absl::flat_hash_map<TlocId, uint32_t> indexes_;
  uint32_t next_index_ = kMinTlocIndex;
  absl::flat_hash_map<RelayKey, Relay> relays_;
  absl::btree_set<RelayKey> pending_;
  uint64_t next_version_ = 1;
  absl::Time timer_ = absl::InfiniteFuture();
  ControllerCounters counters_;
};

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_CONTROLLER_H_
