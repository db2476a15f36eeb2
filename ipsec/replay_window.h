// ReplayWindow: ESP anti-replay for one inbound SA (RFC 4303 section 3.4.3,
// extended sequence numbers per RFC 4303 Appendix A).
//
// Driven by the ESP decapsulation path of one inbound SA, in two steps:
//   1. Check(low 32 bits from the wire), BEFORE the ICV: rejects replays and
//      packets left of the window cheaply, and for ESN returns the inferred
//      full 64-bit number whose high half goes into the ICV computation;
//   2. Accept(full number), only AFTER the ICV verified, so a forged packet
//      can never move the window.
// Not thread-safe: one SA's inbound packets are processed by one thread at a
// time (the caller serialises Check..Accept for an SA).
//
// Representation (in the spirit of RFC 6479): a ring of ceil(size / 64) + 1
// 64-bit words; head is the ring slot of the word holding highest(), and the
// word of an older number n sits (highest / 64 - n / 64) slots behind it.
// Advancing the window moves head forward, clearing only the words the new
// highest number skips over; nothing is shifted and nothing is divided, so
// the per-packet cost does not depend on the window size. Bit (n mod 64) of
// n's word is set when n was accepted. The extra word keeps the word of the
// oldest number in the window apart from the word of the newest. Memory:
// 8 * (ceil(size / 64) + 1) bytes (136 for the recommended 1024).
//
// Invariants: highest() is the largest accepted number (0 before the first);
// a number n is inside the window when highest() - size() < n <= highest();
// numbers above highest() are always new. Sequence number 0 is never valid
// without ESN (the first packet of an SA carries 1); with ESN the 64-bit
// number 0 is never valid either.
//
// Disabled window (size 0): nothing is rejected as replayed or too old, but
// the ESN high half is still inferred (with a nominal window of 2^31, i.e.
// the interpretation closest to highest()), because the ICV needs it.
#ifndef CYGNET_IPSEC_REPLAY_WINDOW_H_
#define CYGNET_IPSEC_REPLAY_WINDOW_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"

namespace cygnet::ipsec {

class ReplayWindow {
 public:
  static constexpr uint32_t kMinSize = 32;
  static constexpr uint32_t kMaxSize = 65536;

  // size: 0 disables anti-replay; otherwise kMinSize..kMaxSize packets (any
  // value in that range, not only powers of two). Errors name the size.
  static absl::StatusOr<ReplayWindow> Create(uint32_t size,
                                             bool extended_sequence_numbers);

  // Before the ICV. Returns the full 64-bit sequence number (the low 32 bits
  // as given; with ESN the high 32 bits inferred per RFC 4303 Appendix A), or
  // kAlreadyExists "replayed packet: sequence N" / kOutOfRange "sequence N too
  // old (window W, highest H)" / kInvalidArgument for sequence 0 (N and H are
  // full 64-bit numbers). Does not modify the window.
  absl::StatusOr<uint64_t> Check(uint32_t sequence_low) const {
    // Fast path, inline because it is most packets: a number above
    // highest() in highest()'s epoch is new and, with ESN, its high half is
    // Th (RFC 4303 Appendix A: case A with Seq > Tl, or case B with
    // Tl < Seq < Bl, where Bl = Tl - W + 1 has wrapped above Tl).
    const uint32_t top_low = static_cast<uint32_t>(highest_);
    const uint32_t window_minus_one =
        static_cast<uint32_t>(InferenceWindow() - 1);
    if (sequence_low > top_low && (!esn_ || top_low >= window_minus_one ||
                                   sequence_low < top_low - window_minus_one)) {
      return (esn_ ? highest_ & kHighHalf : 0) | sequence_low;
    }
    return CheckSlow(sequence_low);
  }

  // After the ICV verified: marks `sequence` (as returned by Check) received
  // and advances the window if it is the new highest. A number that became
  // too old or was marked in the meantime is ignored, so Accept is safe to
  // call twice.
  void Accept(uint64_t sequence) {
    // Fast path: the next number in highest()'s word, nothing to clear.
    if (sequence > highest_ && (sequence >> 6) == (highest_ >> 6) &&
        enabled()) {
      highest_ = sequence;
      words_[head_] |= uint64_t{1} << (sequence & 63);
      return;
    }
    AcceptSlow(sequence);
  }

  uint32_t size() const { return size_; }
  bool enabled() const { return size_ != 0; }
  bool extended_sequence_numbers() const { return esn_; }
  uint64_t highest() const { return highest_; }

  // For tests and `show`: was `sequence` accepted and is it still inside the
  // window (always false when disabled).
  bool Seen(uint64_t sequence) const;
  // Heap bytes used by the bitmap (for the SAD memory budget).
  size_t bitmap_bytes() const { return word_count_ * sizeof(uint64_t); }

 private:
  ReplayWindow(uint32_t size, bool esn, uint32_t number_of_words);

  static constexpr uint64_t kHighHalf = 0xffffffff00000000;
  // With anti-replay disabled the ESN high half is still needed for the ICV;
  // a window of half the 32-bit space picks the interpretation nearest
  // highest().
  static constexpr uint64_t kNominalInferenceWindow = uint64_t{1} << 31;
  uint64_t InferenceWindow() const {
    return enabled() ? size_ : kNominalInferenceWindow;
  }
  absl::StatusOr<uint64_t> CheckSlow(uint32_t sequence_low) const;
  void AcceptSlow(uint64_t sequence);
  // Full 64-bit number for the low half, or an error when the inference falls
  // outside 1..2^64-1.
  absl::StatusOr<uint64_t> Infer(uint32_t sequence_low) const;
  // Ring slot of a number inside the window.
  size_t WordIndex(uint64_t sequence) const;
  bool TestBit(uint64_t sequence) const;

  uint64_t highest_ = 0;
  // ceil(size / 64) + 1 words; null when disabled. A plain array rather than
  // a vector (every SA carries one); word_count_ caches the count in what
  // would be padding, so the packet path never divides.
  std::unique_ptr<uint64_t[]> words_;
  uint32_t size_ = 0;
  uint32_t word_count_ = 0;
  uint32_t head_ = 0;
  bool esn_ = false;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_REPLAY_WINDOW_H_
