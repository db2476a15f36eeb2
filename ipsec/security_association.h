// SecurityAssociation: one direction of one ESP SA (RFC 4301 section 4.4.2):
// its identity (SPI, outer endpoints, mode), its EspTransform, its sequence
// number state, anti-replay window (inbound), lifetimes and counters.
//
// Who drives it: IKE, pairwise-key code and tests build an SaConfig and call
// Create; the SAD (sa_database.h) stores SAs; the ESP packet path (esp.h)
// calls the per-packet methods; the integrator's timer calls AdvanceTime and
// collects TakeEvents() (rekey wanted / SA dead) to hand to the control
// plane.
//
// Threading: an SA is NOT thread-safe. One thread drives one SA at a time
// (sequence numbers, replay window, lifetime and counters are plain fields);
// a driver that spreads packets over threads gives each thread its own SAs,
// or serialises per SA. The SAD handles concurrent lookup, not this class.
//
// Invariants:
// - Outbound sequence numbers start at 1 (or SaConfig::first_sequence_number)
//   and never repeat: NextSequenceNumber refuses once the counter would wrap
//   (2^32 - 1 is the last without ESN, 2^64 - 1 with ESN), which is also
//   what keeps counter-mode AEAD IVs unique: for AES-GCM and
//   ChaCha20-Poly1305 the 8-byte IV is the 64-bit sequence number (RFC 4106
//   section 3.1, RFC 7634 section 2), so an IV never repeats under one key.
// - A rekey event is raised once: at the first soft lifetime crossing or when
//   the sequence number passes sequence_soft_limit, whichever comes first.
//   An expiry event is raised once, at the hard lifetime or sequence
//   exhaustion; afterwards the SA refuses all traffic (counted in
//   expired_drops).
// - The replay window moves only after an ICV verified (esp.cc calls
//   CheckReplay before and AcceptSequence after).
#ifndef CYGNET_IPSEC_SECURITY_ASSOCIATION_H_
#define CYGNET_IPSEC_SECURITY_ASSOCIATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/secret_bytes.h"
#include "ipsec/esp_transform.h"
#include "ipsec/ip_address.h"
#include "ipsec/lifetime.h"
#include "ipsec/replay_window.h"
#include "ipsec/traffic_selector.h"

namespace cygnet::ipsec {

enum class SaDirection : uint8_t { kInbound, kOutbound };
enum class SaMode : uint8_t { kTunnel, kTransport };

// "Inbound" / "Outbound"; "Tunnel" / "Transport" (seed 001 `show` layout).
absl::string_view SaDirectionName(SaDirection direction);
absl::string_view SaModeName(SaMode mode);

// RFC 3948 UDP encapsulation: the ports this end sends from and to.
struct UdpEncapsulation {
  uint16_t local_port = 4500;
  uint16_t remote_port = 4500;
};

// Per-SA counters. "bytes" counts payload bytes: the inner packet (tunnel)
// or upper-layer payload (transport), which is what lifetimes count too.
struct SaCounters {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t integrity_failures = 0;   // ICV did not verify
  uint64_t replay_drops = 0;         // replayed or left of the window
  uint64_t padding_errors = 0;       // pad length or pad bytes wrong
  uint64_t malformed = 0;            // lengths, inner packet, next header
  uint64_t selector_mismatches = 0;  // inner packet outside the selectors
  uint64_t expired_drops = 0;        // refused: SA hard-expired
  uint64_t sequence_exhausted = 0;   // refused: sequence number would wrap
  uint64_t no_room = 0;              // outbound: not enough head/tailroom
};

struct SaConfig {
  uint32_t spi = 0;
  SaDirection direction = SaDirection::kOutbound;
  SaMode mode = SaMode::kTunnel;
  // Outer endpoints. Outbound packets go local -> remote; inbound packets
  // arrive remote -> local. Both must have the same family.
  IpAddress local_address;
  IpAddress remote_address;
  EspCipher cipher = EspCipher::kAesGcm256;
  EspIntegrity integrity = EspIntegrity::kNone;
  // AEADs: key || 4-byte salt (RFC 4106 section 8.1, RFC 7634 section 2).
  crypto::SecretBytes encryption_key;
  crypto::SecretBytes integrity_key;
  bool extended_sequence_numbers = false;
  // Inbound only: 0 disables anti-replay, else 32..65536 packets.
  uint32_t replay_window_size = 64;
  LifetimeLimits lifetime;
  // RFC 3948 NAT traversal; both ports nonzero.
  std::optional<UdpEncapsulation> udp_encapsulation;
  // The CHILD_SA's traffic selectors (local side, remote side). Inbound
  // tunnel-mode packets whose inner header matches none are dropped after
  // decryption (RFC 4301 section 5.2 step 4); empty lists match everything.
  // At most 65535 per side.
  std::vector<TrafficSelector> local_selectors;
  std::vector<TrafficSelector> remote_selectors;
  // For `show ipsec sa`: "Quantum resistant" (RFC 8784 PPK in the keys) and
  // the PFS group of the CHILD_SA exchange (0 = none; a 16-bit transform
  // ID).
  bool quantum_resistant = false;
  int pfs_group = 0;
  // Outer header hop limit / TTL of outbound packets.
  uint8_t outer_ttl = 64;
  // Outbound: the first sequence number to send (normally 1; tools and tests
  // start elsewhere). Must be at least 1 and within the counter's range.
  uint64_t first_sequence_number = 1;
  // Outbound: a rekey event is raised when a packet is sent with a sequence
  // number at or above this; 0 = 2^32 - 2^24 without ESN, 2^64 - 2^32 with.
  uint64_t sequence_soft_limit = 0;
};

// Events raised since the last TakeEvents(); each is raised at most once in
// the SA's life.
struct SaEvents {
  bool rekey = false;    // soft lifetime or sequence soft limit
  bool expired = false;  // hard lifetime or sequence exhausted
};

class SecurityAssociation {
 public:
  // Validates the config (SPI 0..255 are reserved by RFC 4303 section 2.1,
  // endpoint families, keys via EspTransform::Create, replay window size,
  // lifetime limits, sequence numbers). `now` is the creation time for time
  // lifetimes.
  static absl::StatusOr<SecurityAssociation> Create(SaConfig config,
                                                    absl::Time now);

  SecurityAssociation(SecurityAssociation&&) noexcept = default;
  SecurityAssociation& operator=(SecurityAssociation&&) noexcept = default;

  uint32_t spi() const { return spi_; }
  SaDirection direction() const { return direction_; }
  SaMode mode() const { return mode_; }
  const IpAddress& local_address() const { return local_address_; }
  const IpAddress& remote_address() const { return remote_address_; }
  const EspTransform& transform() const { return transform_; }
  bool extended_sequence_numbers() const { return esn_; }
  std::optional<UdpEncapsulation> udp_encapsulation() const {
    if (udp_encapsulation_.local_port == 0) return std::nullopt;
    return udp_encapsulation_;
  }
  absl::Span<const TrafficSelector> local_selectors() const {
    return absl::MakeConstSpan(selectors_.get(), local_selector_count_);
  }
  absl::Span<const TrafficSelector> remote_selectors() const {
    return absl::MakeConstSpan(selectors_.get() + local_selector_count_,
                               remote_selector_count_);
  }
  bool quantum_resistant() const { return quantum_resistant_; }
  int pfs_group() const { return pfs_group_; }
  uint8_t outer_ttl() const { return outer_ttl_; }
  // Short hashes of the keys (SecretBytes::Fingerprint), for `show`
  // outputs; never the keys. Empty for an SA without an integrity key.
  std::string encryption_key_fingerprint() const;
  std::string integrity_key_fingerprint() const;

  const SaCounters& counters() const { return counters_; }
  // For the packet path (esp.cc) and drivers that count their own drops.
  SaCounters& mutable_counters() { return counters_; }

  // --- Outbound ---
  // Reserves the next sequence number. Errors (and counts): the SA is
  // hard-expired ("SA 0x... expired"), or the counter would wrap
  // ("sequence number exhausted"), which also expires the SA.
  absl::StatusOr<uint64_t> NextSequenceNumber() {
    // Inline for the common case: every outbound packet takes a number.
    if (!expired_ && last_sequence_ < sequence_limit() &&
        last_sequence_ + 1 < sequence_soft_limit_) {
      return ++last_sequence_;
    }
    return NextSequenceNumberSlow();
  }
  // The last number handed out (first_sequence_number - 1 before the first).
  uint64_t last_sequence_number() const { return last_sequence_; }
  // The last usable number: 2^32 - 1, or 2^64 - 1 with ESN.
  uint64_t sequence_limit() const {
    return esn_ ? UINT64_MAX : uint64_t{UINT32_MAX};
  }

  // --- Inbound ---
  // Before the ICV: the full sequence number or a replay error (counted).
  absl::StatusOr<uint64_t> CheckReplay(uint32_t sequence_low) {
    absl::StatusOr<uint64_t> sequence = replay_window_.Check(sequence_low);
    if (!sequence.ok()) ++counters_.replay_drops;
    return sequence;
  }
  // After the ICV verified.
  void AcceptSequence(uint64_t sequence) { replay_window_.Accept(sequence); }
  const ReplayWindow& replay_window() const { return replay_window_; }

  // --- Both directions ---
  // Refuses (and counts) when hard-expired: "SA 0x... expired".
  absl::Status CheckUsable() {
    return expired_ ? RefuseExpired() : absl::OkStatus();
  }
  // Counts one processed packet of `payload_bytes` toward counters and
  // lifetimes; may raise events.
  void RecordPacket(uint64_t payload_bytes) {
    ++counters_.packets;
    counters_.bytes += payload_bytes;
    const LifetimeEvent event = lifetime_.Consume(payload_bytes, 1);
    if (event != LifetimeEvent::kNone) OnLifetimeEvent(event);
  }
  // Time-based lifetimes; call from the integrator's timer.
  void AdvanceTime(absl::Time now);
  bool expired() const { return expired_; }
  const Lifetime& lifetime() const { return lifetime_; }
  // Returns and clears the pending events.
  SaEvents TakeEvents();

 private:
  SecurityAssociation(const SaConfig& config, EspTransform transform,
                      ReplayWindow replay_window, absl::Time now);
  // NextSequenceNumber when the SA is expired, exhausted or at its
  // sequence soft limit.
  absl::StatusOr<uint64_t> NextSequenceNumberSlow();
  void OnLifetimeEvent(LifetimeEvent event);
  // Counts the drop and says why (the packet paths are inline above, this
  // rare one is not).
  absl::Status RefuseExpired();
  void RaiseRekey();
  void RaiseExpired();

  // Layout: the fields are ordered and sized so that an SA stays small (the
  // SAD holds up to millions; bench/sad_bench measures bytes per SA): both
  // selector lists share one array (null when both are empty), and "no UDP
  // encapsulation" is port 0, which NAT-T never uses.
  static constexpr size_t kFingerprintSize = 8;  // hex digits

  uint32_t spi_;
  SaDirection direction_;
  SaMode mode_;
  // One byte of flags (set in the constructor: C++17 bit-fields take no
  // default initializers).
  bool esn_ : 1;
  bool quantum_resistant_ : 1;
  bool has_integrity_key_ : 1;
  bool rekey_raised_ : 1;
  bool expired_ : 1;
  uint8_t outer_ttl_;
  SaEvents pending_;
  uint16_t pfs_group_;
  uint16_t local_selector_count_ = 0;
  uint16_t remote_selector_count_ = 0;
  char encryption_key_fingerprint_[kFingerprintSize] = {};
  char integrity_key_fingerprint_[kFingerprintSize] = {};
  IpAddress local_address_;
  IpAddress remote_address_;
  UdpEncapsulation udp_encapsulation_;  // local_port 0: none
  EspTransform transform_;
  // local_selector_count_ local ones, then the remote ones.
  std::unique_ptr<TrafficSelector[]> selectors_;

  uint64_t last_sequence_;  // last number handed out
  uint64_t sequence_soft_limit_;
  ReplayWindow replay_window_;
  Lifetime lifetime_;
  SaCounters counters_;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_SECURITY_ASSOCIATION_H_
