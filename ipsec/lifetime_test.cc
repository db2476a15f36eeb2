#include "ipsec/lifetime.h"

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(LifetimeTest, ValidateAcceptsUnlimitedAndOrderedLimits) {
  EXPECT_TRUE(Lifetime::Validate(LifetimeLimits{}).ok());
  LifetimeLimits limits;
  limits.soft_time = absl::Seconds(3000);
  limits.hard_time = absl::Seconds(3600);
  limits.soft_bytes = 900;
  limits.hard_bytes = 1000;
  limits.soft_packets = 10;
  limits.hard_packets = 10;
  EXPECT_TRUE(Lifetime::Validate(limits).ok());
  // Soft without hard (and hard without soft) are meaningful.
  EXPECT_TRUE(
      Lifetime::Validate({absl::Seconds(5), absl::ZeroDuration(), 0, 100, 7, 0})
          .ok());
}

TEST(LifetimeTest, ValidateRejectsWithFieldAndValues) {
  LifetimeLimits limits;
  limits.soft_bytes = 2000;
  limits.hard_bytes = 1000;
  absl::Status s = Lifetime::Validate(limits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "lifetime soft_bytes 2000 exceeds hard_bytes 1000");

  limits = {};
  limits.soft_time = absl::Seconds(700);
  limits.hard_time = absl::Seconds(600);
  EXPECT_EQ(Lifetime::Validate(limits).message(),
            "lifetime soft_time 11m40s exceeds hard_time 10m");

  limits = {};
  limits.soft_packets = 11;
  limits.hard_packets = 10;
  EXPECT_EQ(Lifetime::Validate(limits).message(),
            "lifetime soft_packets 11 exceeds hard_packets 10");

  limits = {};
  limits.hard_time = absl::Seconds(-1);
  s = Lifetime::Validate(limits);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("hard_time -1s"), absl::string_view::npos);

  limits = {};
  limits.soft_time = absl::InfiniteDuration();
  EXPECT_FALSE(Lifetime::Validate(limits).ok());

  // Times are kept as int64 nanoseconds, so they are bounded: 100 years.
  limits = {};
  limits.hard_time = absl::Hours(24 * 365 * 100);
  EXPECT_TRUE(Lifetime::Validate(limits).ok());
  limits.hard_time += absl::Seconds(1);
  s = Lifetime::Validate(limits);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lifetime hard_time 876000h1s"),
            absl::string_view::npos)
      << s.message();
}

TEST(LifetimeTest, LimitsAndCreationReadBack) {
  LifetimeLimits limits;
  limits.soft_time = absl::Milliseconds(2500);
  limits.hard_time = absl::Seconds(3);
  limits.soft_bytes = 10;
  limits.hard_bytes = 20;
  limits.soft_packets = 1;
  limits.hard_packets = 2;
  const absl::Time created = absl::FromUnixSeconds(1700000000);
  Lifetime lifetime(limits, created);
  EXPECT_EQ(lifetime.created(), created);
  const LifetimeLimits back = lifetime.limits();
  EXPECT_EQ(back.soft_time, limits.soft_time);
  EXPECT_EQ(back.hard_time, limits.hard_time);
  EXPECT_EQ(back.soft_bytes, 10u);
  EXPECT_EQ(back.hard_bytes, 20u);
  EXPECT_EQ(back.soft_packets, 1u);
  EXPECT_EQ(back.hard_packets, 2u);
  EXPECT_EQ(lifetime.HardTimeRemaining(created + absl::Seconds(1)),
            absl::Seconds(2));
}

TEST(LifetimeTest, NoLimitsNeverExpire) {
  Lifetime lifetime(LifetimeLimits{}, kStart);
  EXPECT_EQ(lifetime.Consume(UINT64_MAX, UINT64_MAX), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.Consume(UINT64_MAX, 1), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.bytes(), UINT64_MAX);  // saturates
  EXPECT_EQ(lifetime.Check(kStart + absl::Hours(1e6)), LifetimeEvent::kNone);
  EXPECT_FALSE(lifetime.soft_expired());
  EXPECT_FALSE(lifetime.hard_expired());
  EXPECT_EQ(lifetime.SoftTimeRemaining(kStart), absl::InfiniteDuration());
}

TEST(LifetimeTest, PacketLimitsSoftOnceThenHard) {
  LifetimeLimits limits;
  limits.soft_packets = 3;
  limits.hard_packets = 5;
  Lifetime lifetime(limits, kStart);
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kSoftExpired);
  EXPECT_TRUE(lifetime.soft_expired());
  EXPECT_FALSE(lifetime.hard_expired());
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kNone);  // only once
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kHardExpired);
  EXPECT_TRUE(lifetime.hard_expired());
  EXPECT_EQ(lifetime.Consume(100, 1), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.Check(kStart + absl::Hours(1)), LifetimeEvent::kNone);
  EXPECT_TRUE(lifetime.hard_expired());  // forever
  EXPECT_EQ(lifetime.packets(), 6u);
  EXPECT_EQ(lifetime.bytes(), 600u);
}

TEST(LifetimeTest, ByteLimits) {
  LifetimeLimits limits;
  limits.soft_bytes = 1000;
  limits.hard_bytes = 1500;
  Lifetime lifetime(limits, kStart);
  EXPECT_EQ(lifetime.Consume(999, 1), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.Consume(1, 1), LifetimeEvent::kSoftExpired);
  EXPECT_EQ(lifetime.Consume(499, 1), LifetimeEvent::kNone);
  EXPECT_FALSE(lifetime.hard_expired());
  EXPECT_EQ(lifetime.Consume(1, 1), LifetimeEvent::kHardExpired);
}

TEST(LifetimeTest, CrossingBothAtOnceReportsHardAndMarksSoft) {
  LifetimeLimits limits;
  limits.soft_bytes = 10;
  limits.hard_bytes = 20;
  Lifetime lifetime(limits, kStart);
  EXPECT_EQ(lifetime.Consume(50, 1), LifetimeEvent::kHardExpired);
  EXPECT_TRUE(lifetime.soft_expired());
  EXPECT_EQ(lifetime.Consume(1, 1), LifetimeEvent::kNone);
}

TEST(LifetimeTest, TimeLimits) {
  LifetimeLimits limits;
  limits.soft_time = absl::Seconds(540);
  limits.hard_time = absl::Seconds(600);
  Lifetime lifetime(limits, kStart);
  EXPECT_EQ(lifetime.created(), kStart);
  EXPECT_EQ(lifetime.limits().hard_time, absl::Seconds(600));
  EXPECT_EQ(lifetime.Check(kStart + absl::Seconds(539)), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.SoftTimeRemaining(kStart + absl::Seconds(503)),
            absl::Seconds(37));
  EXPECT_EQ(lifetime.Check(kStart + absl::Seconds(540)),
            LifetimeEvent::kSoftExpired);
  EXPECT_EQ(lifetime.Check(kStart + absl::Seconds(560)), LifetimeEvent::kNone);
  EXPECT_EQ(lifetime.HardTimeRemaining(kStart + absl::Seconds(560)),
            absl::Seconds(40));
  EXPECT_EQ(lifetime.Check(kStart + absl::Seconds(600)),
            LifetimeEvent::kHardExpired);
  EXPECT_EQ(lifetime.HardTimeRemaining(kStart + absl::Seconds(900)),
            absl::ZeroDuration());
  EXPECT_EQ(lifetime.Check(kStart + absl::Seconds(900)), LifetimeEvent::kNone);
  EXPECT_TRUE(lifetime.hard_expired());
}

TEST(LifetimeTest, TimeBeforeCreationIsNotExpiry) {
  LifetimeLimits limits;
  limits.hard_time = absl::Seconds(10);
  Lifetime lifetime(limits, kStart);
  EXPECT_EQ(lifetime.Check(kStart - absl::Hours(1)), LifetimeEvent::kNone);
}

TEST(LifetimeTest, EventNames) {
  EXPECT_STREQ(LifetimeEventName(LifetimeEvent::kSoftExpired), "soft-expired");
  EXPECT_STREQ(LifetimeEventName(LifetimeEvent::kHardExpired), "hard-expired");
  EXPECT_STREQ(LifetimeEventName(LifetimeEvent::kNone), "none");
}

}  // namespace
}  // namespace cygnet::ipsec
