#include "ipsec/replay_window.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cygnet::ipsec {
ReplayWindow::ReplayWindow(uint32_t size, bool esn, uint32_t number_of_words)
    : words_(number_of_words == 0 ? nullptr : new uint64_t[number_of_words]()),
      size_(size),
      word_count_(number_of_words),
      esn_(esn) {}

absl::StatusOr<ReplayWindow> ReplayWindow::Create(
    uint32_t size, bool extended_sequence_numbers) {
  if (size == 0) return ReplayWindow(0, extended_sequence_numbers, 0);
  if (size < kMinSize || size > kMaxSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("replay window size ", size, ": must be 0 (disabled) or ",
                     kMinSize, "..", kMaxSize, " packets"));
  }
  // One word more than the window spans, so that the word holding the oldest
  // live number is never the word being cleared for the newest.
  return ReplayWindow(size, extended_sequence_numbers, (size + 63) / 64 + 1);
}

absl::StatusOr<uint64_t> ReplayWindow::Infer(uint32_t sequence_low) const {
  const uint64_t window = InferenceWindow();
  const uint32_t top_low = static_cast<uint32_t>(highest_);
  const uint32_t top_high = static_cast<uint32_t>(highest_ >> 32);
  uint32_t high;
  if (top_low >= window - 1) {
    // Case A of RFC 4303 Appendix A: the window lies inside one 2^32 epoch.
    if (sequence_low >= top_low - window + 1) {
      high = top_high;
    } else {
      if (top_high == UINT32_MAX) {
        return absl::OutOfRangeError(absl::StrCat(
            "sequence ", sequence_low,
            " would wrap the 64-bit sequence number space (highest ", highest_,
            ")"));
      }
      high = top_high + 1;
    }
  } else {
    // Case B: the window straddles the start of the current epoch.
    const uint32_t boundary = static_cast<uint32_t>(top_low - window + 1);
    if (sequence_low >= boundary) {
      if (top_high == 0) {
        return absl::OutOfRangeError(absl::StrCat("sequence ", sequence_low,
                                                  " too old (window ", size_,
                                                  ", highest ", highest_, ")"));
      }
      high = top_high - 1;
    } else {
      high = top_high;
    }
  }
  return uint64_t{high} << 32 | sequence_low;
}

size_t ReplayWindow::WordIndex(uint64_t sequence) const {
  // Words back from the one holding highest_; less than word_count_ for
  // any number inside the window.
  const size_t back = static_cast<size_t>((highest_ >> 6) - (sequence >> 6));
  return back <= head_ ? head_ - back : head_ + word_count_ - back;
}

bool ReplayWindow::TestBit(uint64_t sequence) const {
  return (words_[WordIndex(sequence)] >> (sequence & 63)) & 1;
}

absl::StatusOr<uint64_t> ReplayWindow::CheckSlow(uint32_t sequence_low) const {
  uint64_t sequence = sequence_low;
  if (esn_) {
    absl::StatusOr<uint64_t> inferred = Infer(sequence_low);
    if (!inferred.ok()) return inferred.status();
    sequence = *inferred;
  }
  if (sequence == 0) {
    return absl::InvalidArgumentError(
        "sequence 0: never sent (the first packet of an SA carries 1)");
  }
  if (!enabled() || sequence > highest_) return sequence;
  if (highest_ - sequence >= size_) {
    return absl::OutOfRangeError(absl::StrCat("sequence ", sequence,
                                              " too old (window ", size_,
                                              ", highest ", highest_, ")"));
  }
  if (TestBit(sequence)) {
    return absl::AlreadyExistsError(
        absl::StrCat("replayed packet: sequence ", sequence));
  }
  return sequence;
}

void ReplayWindow::AcceptSlow(uint64_t sequence) {
  if (!enabled()) {
    highest_ = std::max(highest_, sequence);
    return;
  }
  if (sequence > highest_) {
    const uint64_t skipped = (sequence >> 6) - (highest_ >> 6);
    const size_t count = word_count_;
    if (skipped >= count) {
      std::fill(words_.get(), words_.get() + count, 0);
      head_ = 0;
    } else {
      // Clear the words the new highest number skips over, wrapping the
      // ring index by subtraction: no division on the packet path.
      for (uint64_t i = 0; i < skipped; ++i) {
        if (++head_ == count) head_ = 0;
        words_[head_] = 0;
      }
    }
    highest_ = sequence;
  } else if (highest_ - sequence >= size_) {
    return;
  }
  words_[WordIndex(sequence)] |= uint64_t{1} << (sequence & 63);
}

bool ReplayWindow::Seen(uint64_t sequence) const {
  if (!enabled() || sequence == 0 || sequence > highest_ ||
      highest_ - sequence >= size_) {
    return false;
  }
  return TestBit(sequence);
}

}  // namespace cygnet::ipsec
