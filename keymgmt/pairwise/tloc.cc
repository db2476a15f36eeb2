#include "keymgmt/pairwise/tloc.h"

#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt::pairwise {
namespace {

constexpr absl::string_view kColorNames[] = {
    "",
    "default",
    "mpls",
    "metro-ethernet",
    "biz-internet",
    "public-internet",
    "lte",
    "3g",
    "red",
    "green",
    "blue",
    "gold",
    "silver",
    "bronze",
    "custom1",
    "custom2",
    "custom3",
    "private1",
    "private2",
    "private3",
    "private4",
    "private5",
    "private6",
};

}  // namespace

absl::string_view ColorName(Color color) {
  const uint8_t n = static_cast<uint8_t>(color);
  return n >= 1 && n <= kMaxColor ? kColorNames[n] : "unknown";
}

absl::StatusOr<Color> ParseColor(absl::string_view name) {
  for (uint8_t n = 1; n <= kMaxColor; ++n) {
    if (kColorNames[n] == name) return static_cast<Color>(n);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown TLOC color \"", name, "\""));
}

absl::StatusOr<Color> ColorFromNumber(uint8_t number) {
  if (number < 1 || number > kMaxColor) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLOC color number ", number, " is not 1..", kMaxColor));
  }
  return static_cast<Color>(number);
}

absl::string_view EncapsulationName(Encapsulation encapsulation) {
  return encapsulation == Encapsulation::kIpsec ? "ipsec" : "gre";
}

absl::StatusOr<Encapsulation> EncapsulationFromNumber(uint8_t number) {
  if (number != 1 && number != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLOC encapsulation number ", number, " is not 1 (ipsec) or 2 (gre)"));
  }
  return static_cast<Encapsulation>(number);
}

std::string SystemIpString(uint32_t system_ip) {
  return ipsec::IpAddress::V4(system_ip).ToString();
}

std::array<uint8_t, TlocId::kEncodedSize> TlocId::Encode() const {
  return {static_cast<uint8_t>(system_ip >> 24),
          static_cast<uint8_t>(system_ip >> 16),
          static_cast<uint8_t>(system_ip >> 8),
          static_cast<uint8_t>(system_ip),
          static_cast<uint8_t>(color),
          static_cast<uint8_t>(encapsulation)};
}

std::string TlocId::ToString() const {
  return absl::StrCat(SystemIpString(system_ip), "/", ColorName(color), "/",
                      EncapsulationName(encapsulation));
}

}  // namespace cygnet::keymgmt::pairwise
