#include "ipsec/replay_window.h"

#include <cstdint>
#include <random>
#include <set>

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

ReplayWindow Make(uint32_t size, bool esn = false) {
  absl::StatusOr<ReplayWindow> window = ReplayWindow::Create(size, esn);
  EXPECT_TRUE(window.ok()) << window.status();
  return *std::move(window);
}

// Check then Accept, as the ESP path does when the ICV verifies.
absl::StatusOr<uint64_t> Receive(ReplayWindow& window, uint32_t low) {
  absl::StatusOr<uint64_t> full = window.Check(low);
  if (full.ok()) window.Accept(*full);
  return full;
}

TEST(ReplayWindowTest, RejectsInvalidSizesClearly) {
  for (uint32_t size : {1u, 16u, 31u, 65537u, 100000u, UINT32_MAX}) {
    absl::StatusOr<ReplayWindow> window = ReplayWindow::Create(size, false);
    ASSERT_FALSE(window.ok()) << size;
    EXPECT_EQ(window.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(window.status().message(),
              absl::StrCat("replay window size ", size,
                           ": must be 0 (disabled) or 32..65536 packets"));
  }
  for (uint32_t size : {32u, 33u, 64u, 100u, 512u, 1024u, 4096u, 65536u}) {
    EXPECT_TRUE(ReplayWindow::Create(size, false).ok()) << size;
  }
}

TEST(ReplayWindowTest, InOrder) {
  ReplayWindow window = Make(64);
  EXPECT_TRUE(window.enabled());
  EXPECT_EQ(window.size(), 64u);
  for (uint32_t i = 1; i <= 1000; ++i) {
    absl::StatusOr<uint64_t> full = Receive(window, i);
    ASSERT_TRUE(full.ok()) << i << ": " << full.status();
    EXPECT_EQ(*full, i);
    EXPECT_EQ(window.highest(), i);
  }
}

TEST(ReplayWindowTest, SequenceZeroNeverValidWithoutEsn) {
  ReplayWindow window = Make(64);
  absl::StatusOr<uint64_t> zero = window.Check(0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(zero.status().message().find("sequence 0"),
            absl::string_view::npos);
  ASSERT_TRUE(Receive(window, 100).ok());
  EXPECT_FALSE(window.Check(0).ok());
  ReplayWindow disabled = Make(0);
  EXPECT_FALSE(disabled.Check(0).ok());
}

TEST(ReplayWindowTest, DuplicateAndTooOldMessages) {
  ReplayWindow window = Make(64);
  ASSERT_TRUE(Receive(window, 100).ok());
  absl::StatusOr<uint64_t> again = window.Check(100);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "replayed packet: sequence 100");

  // 37 is the oldest number still inside [highest - 63, highest].
  EXPECT_TRUE(window.Check(37).ok());
  absl::StatusOr<uint64_t> old = window.Check(36);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(old.status().message(),
            "sequence 36 too old (window 64, highest 100)");
}

TEST(ReplayWindowTest, ReorderedWithinWindow) {
  ReplayWindow window = Make(64);
  ASSERT_TRUE(Receive(window, 64).ok());
  for (uint32_t i = 63; i >= 1; --i) {
    ASSERT_TRUE(Receive(window, i).ok()) << i;
  }
  for (uint32_t i = 1; i <= 64; ++i) {
    EXPECT_FALSE(window.Check(i).ok()) << i;
    EXPECT_TRUE(window.Seen(i)) << i;
  }
  EXPECT_TRUE(Receive(window, 65).ok());
  EXPECT_FALSE(window.Seen(1));  // slid out
  EXPECT_EQ(window.Check(1).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ReplayWindowTest, CheckDoesNotModifyAndAcceptIsIdempotent) {
  ReplayWindow window = Make(32);
  ASSERT_TRUE(window.Check(500).ok());
  EXPECT_EQ(window.highest(), 0u);  // Check alone: a forgery moves nothing
  EXPECT_TRUE(window.Check(500).ok());
  window.Accept(500);
  window.Accept(500);
  EXPECT_EQ(window.highest(), 500u);
  window.Accept(10);  // too old by now: ignored
  EXPECT_FALSE(window.Seen(10));
  EXPECT_TRUE(window.Seen(500));
}

TEST(ReplayWindowTest, LargeJumpClearsWholeRing) {
  ReplayWindow window = Make(128);
  for (uint32_t i = 1; i <= 128; ++i) ASSERT_TRUE(Receive(window, i).ok());
  ASSERT_TRUE(Receive(window, 1000000).ok());
  // Numbers that alias the old bits in the ring must read as unseen.
  for (uint32_t i = 1000000 - 127; i < 1000000; ++i) {
    EXPECT_TRUE(window.Check(i).ok()) << i;
  }
}

// Compares against a plain set-based model of RFC 4303 section 3.4.3 on a
// random mix of in-order, reordered, duplicate, old and far-ahead numbers.
void CheckAgainstModel(uint32_t size, uint32_t seed) {
  ReplayWindow window = Make(size);
  std::set<uint64_t> seen;
  uint64_t highest = 0;
  std::mt19937 random(seed);
  uint64_t next = 1;
  for (int i = 0; i < 20000; ++i) {
    uint64_t sequence;
    switch (random() % 6) {
      case 0:  // duplicate of something recent
        sequence = highest == 0 ? 1
                                : highest - random() % std::min<uint64_t>(
                                                           highest, 2 * size);
        break;
      case 1:  // jump ahead (sometimes beyond the window)
        next += random() % (3 * size);
        sequence = next;
        break;
      case 2:  // reordered within / just outside the window
        sequence = highest > size + 2
                       ? highest - size - 1 + random() % (size + 3)
                       : next;
        break;
      default:
        sequence = next++;
    }
    if (sequence == 0 || sequence > UINT32_MAX) sequence = 1;
    bool model_ok;
    if (sequence > highest) {
      model_ok = true;
    } else {
      model_ok = highest - sequence < size && !seen.count(sequence);
    }
    absl::StatusOr<uint64_t> got =
        window.Check(static_cast<uint32_t>(sequence));
    ASSERT_EQ(got.ok(), model_ok)
        << "size " << size << " sequence " << sequence << " highest " << highest
        << " " << got.status();
    if (model_ok) {
      EXPECT_EQ(*got, sequence);
      // Drop one in seven as an ICV failure: no Accept, nothing recorded.
      if (random() % 7 != 0) {
        window.Accept(sequence);
        seen.insert(sequence);
        highest = std::max(highest, sequence);
      }
    }
    ASSERT_EQ(window.highest(), highest);
  }
}

TEST(ReplayWindowTest, MatchesModelForAllSizes) {
  for (uint32_t size : {32u, 64u, 100u, 512u, 1024u, 4096u, 65536u}) {
    CheckAgainstModel(size, size);
  }
}

TEST(ReplayWindowTest, FullWindowEdgesForAllSizes) {
  for (uint32_t size : {32u, 64u, 512u, 1024u, 4096u, 65536u}) {
    ReplayWindow window = Make(size);
    const uint32_t top = 3 * size + 17;
    ASSERT_TRUE(Receive(window, top).ok());
    // Every number in the window is accepted once, in reverse order.
    for (uint32_t s = top - 1; s > top - size; --s) {
      ASSERT_TRUE(Receive(window, s).ok()) << size << " " << s;
    }
    for (uint32_t s = top - size + 1; s <= top; ++s) {
      ASSERT_EQ(window.Check(s).status().code(),
                absl::StatusCode::kAlreadyExists)
          << size << " " << s;
    }
    EXPECT_EQ(window.Check(top - size).status().code(),
              absl::StatusCode::kOutOfRange);
    // One 64-bit word more than the window needs.
    EXPECT_EQ(window.bitmap_bytes(), 8 * ((size + 63) / 64 + 1));
  }
}

TEST(ReplayWindowTest, DisabledAcceptsEverythingButZero) {
  ReplayWindow window = Make(0);
  EXPECT_FALSE(window.enabled());
  EXPECT_EQ(window.bitmap_bytes(), 0u);
  ASSERT_TRUE(Receive(window, 1000).ok());
  EXPECT_TRUE(Receive(window, 1000).ok());  // duplicate not detected
  EXPECT_TRUE(Receive(window, 1).ok());     // nor old
  EXPECT_EQ(window.highest(), 1000u);
  EXPECT_FALSE(window.Seen(1000));
}

// RFC 4303 Appendix A.2, Case A: the window lies within one epoch.
TEST(ReplayWindowTest, EsnCaseA) {
  ReplayWindow window = Make(64, /*esn=*/true);
  const uint64_t base = uint64_t{5} << 32;
  window.Accept(base + 1000);
  // Low half at or above Tl - W + 1 = 937: same epoch.
  EXPECT_EQ(*window.Check(937), base + 937);
  EXPECT_EQ(*window.Check(5000), base + 5000);
  // Below 937: interpreted as the next epoch (the ICV decides).
  EXPECT_EQ(*window.Check(936), base + (uint64_t{1} << 32) + 936);
  EXPECT_EQ(*window.Check(1), base + (uint64_t{1} << 32) + 1);
  EXPECT_EQ(window.Check(1000).status().message(),
            absl::StrCat("replayed packet: sequence ", base + 1000));
}

// Case B: the window straddles the epoch boundary.
TEST(ReplayWindowTest, EsnCaseBAndWrapAcross2To32) {
  ReplayWindow window = Make(64, /*esn=*/true);
  const uint64_t wrap = uint64_t{1} << 32;
  for (uint64_t s = wrap - 40; s < wrap; ++s) window.Accept(s);
  EXPECT_EQ(window.highest(), wrap - 1);
  // The next low numbers 0, 1, ... continue into epoch 1.
  absl::StatusOr<uint64_t> full = Receive(window, 0);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, wrap);  // 0 is valid as the low half of 2^32 with ESN
  for (uint32_t low = 1; low <= 10; ++low) {
    full = Receive(window, low);
    ASSERT_TRUE(full.ok()) << low;
    EXPECT_EQ(*full, wrap + low);
  }
  // Tl = 10 < W - 1: low halves >= Tl - W + 1 (mod 2^32) are the old epoch.
  full = window.Check(0xFFFFFFCEu);  // 2^32 - 50: in the window, not seen
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, 0xFFFFFFCEu);
  EXPECT_EQ(window.Check(0xFFFFFFFFu).status().code(),
            absl::StatusCode::kAlreadyExists);  // accepted before the wrap
  const uint32_t boundary = static_cast<uint32_t>(10 - 64 + 1);
  EXPECT_EQ(*window.Check(boundary), boundary);  // oldest in window, unseen
  // Just below the boundary: same (new) epoch, far ahead.
  EXPECT_EQ(*window.Check(boundary - 1), wrap + boundary - 1);
  EXPECT_EQ(window.Check(5).status().message(),
            absl::StrCat("replayed packet: sequence ", wrap + 5));
}

TEST(ReplayWindowTest, EsnStartOfSpace) {
  ReplayWindow window = Make(64, /*esn=*/true);
  // Before anything: highest 0, case B with no previous epoch.
  EXPECT_EQ(window.Check(0).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<uint64_t> old = window.Check(0xFFFFFFFFu);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(*window.Check(1), 1u);
}

TEST(ReplayWindowTest, EsnSequencesInOrderAcrossSeveralWraps) {
  for (uint32_t size : {32u, 1024u}) {
    ReplayWindow window = Make(size, /*esn=*/true);
    uint64_t s = (uint64_t{3} << 32) - 5000;
    window.Accept(s);
    for (int i = 0; i < 20000; ++i) {
      s += 1 + i % 3;  // gaps too
      absl::StatusOr<uint64_t> full = Receive(window, static_cast<uint32_t>(s));
      ASSERT_TRUE(full.ok()) << s << " " << full.status();
      ASSERT_EQ(*full, s);
    }
  }
}

TEST(ReplayWindowTest, EsnRefusesToWrap64Bits) {
  ReplayWindow window = Make(64, /*esn=*/true);
  window.Accept(UINT64_MAX - 1);
  EXPECT_EQ(*window.Check(0xFFFFFFFFu), UINT64_MAX);
  absl::StatusOr<uint64_t> wrapped = window.Check(3);
  ASSERT_FALSE(wrapped.ok());
  EXPECT_EQ(wrapped.status().code(), absl::StatusCode::kOutOfRange);
}

TEST(ReplayWindowTest, DisabledStillInfersEsnHighHalf) {
  ReplayWindow window = Make(0, /*esn=*/true);
  const uint64_t wrap = uint64_t{1} << 32;
  window.Accept(wrap - 10);
  EXPECT_EQ(*window.Check(5), wrap + 5);
  EXPECT_EQ(*window.Check(0xFFFFFFF0u), wrap - 16);
  ASSERT_TRUE(Receive(window, 5).ok());
  EXPECT_EQ(*window.Check(0xFFFFFFF0u), wrap - 16);  // old, not rejected
}

}  // namespace
}  // namespace cygnet::ipsec
