#include "ipsec/lifetime.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cygnet::ipsec {
namespace {

// Far beyond any SA lifetime, and well inside int64 nanoseconds (292 years).
constexpr absl::Duration kLongestTime = absl::Hours(24 * 365 * 100);

absl::Status CheckDuration(absl::string_view field, absl::Duration value) {
  if (value < absl::ZeroDuration() || value > kLongestTime) {
    return absl::InvalidArgumentError(absl::StrCat(
        "lifetime ", field, " ", absl::FormatDuration(value),
        ": must be 0 (no limit) up to 100 years, not negative or infinite"));
  }
  return absl::OkStatus();
}

absl::Status CheckOrder(absl::string_view soft_field, absl::string_view value_s,
                        absl::string_view hard_field, absl::string_view value_h,
                        bool soft_set, bool hard_set, bool soft_greater) {
  if (soft_set && hard_set && soft_greater) {
    return absl::InvalidArgumentError(absl::StrCat("lifetime ", soft_field, " ",
                                                   value_s, " exceeds ",
                                                   hard_field, " ", value_h));
  }
  return absl::OkStatus();
}

}  // namespace

const char* LifetimeEventName(LifetimeEvent event) {
  switch (event) {
    case LifetimeEvent::kNone:
      return "none";
    case LifetimeEvent::kSoftExpired:
      return "soft-expired";
    case LifetimeEvent::kHardExpired:
      return "hard-expired";
  }
  return "unknown";
}

Lifetime::Lifetime(LifetimeLimits limits, absl::Time created)
    : limits_{limits.soft_bytes, limits.hard_bytes, limits.soft_packets,
              limits.hard_packets},
      soft_time_ns_(absl::ToInt64Nanoseconds(limits.soft_time)),
      hard_time_ns_(absl::ToInt64Nanoseconds(limits.hard_time)),
      created_ns_(absl::ToUnixNanos(created)) {}

LifetimeLimits Lifetime::limits() const {
  LifetimeLimits limits;
  limits.soft_time = absl::Nanoseconds(soft_time_ns_);
  limits.hard_time = absl::Nanoseconds(hard_time_ns_);
  limits.soft_bytes = limits_.soft_bytes;
  limits.hard_bytes = limits_.hard_bytes;
  limits.soft_packets = limits_.soft_packets;
  limits.hard_packets = limits_.hard_packets;
  return limits;
}

absl::Status Lifetime::Validate(const LifetimeLimits& limits) {
  if (absl::Status s = CheckDuration("soft_time", limits.soft_time); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckDuration("hard_time", limits.hard_time); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckOrder("soft_time", absl::FormatDuration(limits.soft_time),
                     "hard_time", absl::FormatDuration(limits.hard_time),
                     limits.soft_time != absl::ZeroDuration(),
                     limits.hard_time != absl::ZeroDuration(),
                     limits.soft_time > limits.hard_time);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckOrder(
          "soft_bytes", absl::StrCat(limits.soft_bytes), "hard_bytes",
          absl::StrCat(limits.hard_bytes), limits.soft_bytes != 0,
          limits.hard_bytes != 0, limits.soft_bytes > limits.hard_bytes);
      !s.ok()) {
    return s;
  }
  return CheckOrder("soft_packets", absl::StrCat(limits.soft_packets),
                    "hard_packets", absl::StrCat(limits.hard_packets),
                    limits.soft_packets != 0, limits.hard_packets != 0,
                    limits.soft_packets > limits.hard_packets);
}

LifetimeEvent Lifetime::Transition(bool soft_crossed, bool hard_crossed) {
  if (hard_crossed && !hard_expired_) {
    hard_expired_ = true;
    soft_expired_ = true;
    return LifetimeEvent::kHardExpired;
  }
  if (soft_crossed && !soft_expired_) {
    soft_expired_ = true;
    return LifetimeEvent::kSoftExpired;
  }
  return LifetimeEvent::kNone;
}

LifetimeEvent Lifetime::Check(absl::Time now) {
  const absl::Duration age = now - created();
  const bool hard =
      hard_time_ns_ != 0 && age >= absl::Nanoseconds(hard_time_ns_);
  const bool soft =
      soft_time_ns_ != 0 && age >= absl::Nanoseconds(soft_time_ns_);
  return Transition(soft, hard);
}

namespace {

absl::Duration Remaining(int64_t limit_ns, absl::Time created, absl::Time now) {
  if (limit_ns == 0) return absl::InfiniteDuration();
  return std::max(absl::ZeroDuration(),
                  created + absl::Nanoseconds(limit_ns) - now);
}

}  // namespace

absl::Duration Lifetime::SoftTimeRemaining(absl::Time now) const {
  return Remaining(soft_time_ns_, created(), now);
}

absl::Duration Lifetime::HardTimeRemaining(absl::Time now) const {
  return Remaining(hard_time_ns_, created(), now);
}

}  // namespace cygnet::ipsec
