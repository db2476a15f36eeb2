// Lifetime: soft and hard limits of one SA by time, bytes and packets.
//
// Driven by the owner of an SA: the packet path calls Consume() for every
// packet it processed, the integrator's timer calls Check(now) (time is always
// a parameter; nothing here reads a clock). Crossing a soft limit asks the
// control plane to rekey; crossing a hard limit means the SA must refuse all
// further traffic.
//
// Invariants: a limit of 0 (ZeroDuration for times) means "no limit"; a limit
// is crossed when the consumed amount (or now - created) reaches it (>=), so
// hard_packets = 100 lets exactly 100 packets through. kSoftExpired is
// returned exactly once over the object's life; kHardExpired is returned
// exactly once too, on the transition, and hard_expired() stays true forever
// after. When one call crosses both, it returns kHardExpired and soft_expired()
// becomes true without a separate kSoftExpired. Not thread-safe: the owner
// serialises calls (the SA holds it next to its other per-direction state).
#ifndef CYGNET_IPSEC_LIFETIME_H_
#define CYGNET_IPSEC_LIFETIME_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cygnet::ipsec {

struct LifetimeLimits {
  absl::Duration soft_time = absl::ZeroDuration();
  absl::Duration hard_time = absl::ZeroDuration();
  uint64_t soft_bytes = 0;
  uint64_t hard_bytes = 0;
  uint64_t soft_packets = 0;
  uint64_t hard_packets = 0;
};

enum class LifetimeEvent { kNone, kSoftExpired, kHardExpired };

const char* LifetimeEventName(LifetimeEvent event);

class Lifetime {
 public:
  // Invalid limits (see Validate) are the caller's bug; construct only from
  // validated limits. A Lifetime built from invalid limits still behaves
  // (each limit is checked on its own), it just may report hard before soft.
  Lifetime(LifetimeLimits limits, absl::Time created);

  // Negative or infinite durations, and soft > hard where both are set, are
  // rejected with a message naming the field and both values.
  static absl::Status Validate(const LifetimeLimits& limits);

  // Adds one packet batch to the counters (saturating) and reports the
  // transition it caused, if any.
  // Inline: the packet path calls it for every packet.
  LifetimeEvent Consume(uint64_t bytes, uint64_t packets) {
    bytes_ = SaturatingAdd(bytes_, bytes);
    packets_ = SaturatingAdd(packets_, packets);
    const bool hard = Reached(bytes_, limits_.hard_bytes) ||
                      Reached(packets_, limits_.hard_packets);
    const bool soft = Reached(bytes_, limits_.soft_bytes) ||
                      Reached(packets_, limits_.soft_packets);
    if (!hard && !soft) return LifetimeEvent::kNone;
    return Transition(soft, hard);
  }
  // Reports the time-based transition at `now`, if any.
  LifetimeEvent Check(absl::Time now);

  bool hard_expired() const { return hard_expired_; }
  bool soft_expired() const { return soft_expired_; }
  absl::Time created() const { return absl::FromUnixNanos(created_ns_); }
  // As given to the constructor (times at nanosecond resolution).
  LifetimeLimits limits() const;
  uint64_t bytes() const { return bytes_; }
  uint64_t packets() const { return packets_; }

  // Time left until the soft / hard time limit at `now` (never negative);
  // InfiniteDuration when that limit is not set. For `show` outputs.
  absl::Duration SoftTimeRemaining(absl::Time now) const;
  absl::Duration HardTimeRemaining(absl::Time now) const;

 private:
  static uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
  }
  // A limit of 0 is "no limit".
  static bool Reached(uint64_t amount, uint64_t limit) {
    return limit != 0 && amount >= limit;
  }
  LifetimeEvent Transition(bool soft_crossed, bool hard_crossed);

  // Stored in integers, not absl::Duration / absl::Time (16 bytes each):
  // every SA holds a Lifetime. Validate bounds the times so they fit.
  struct CountLimits {
    uint64_t soft_bytes;
    uint64_t hard_bytes;
    uint64_t soft_packets;
    uint64_t hard_packets;
  };
  CountLimits limits_;
  int64_t soft_time_ns_;  // 0 = no limit
  int64_t hard_time_ns_;
  int64_t created_ns_;  // Unix time
  uint64_t bytes_ = 0;
  uint64_t packets_ = 0;
  bool soft_expired_ = false;
  bool hard_expired_ = false;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_LIFETIME_H_
