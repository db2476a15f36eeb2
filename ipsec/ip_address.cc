#include "ipsec/ip_address.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace cygnet::ipsec {
namespace {

absl::Status ParseError(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("address \"", absl::CHexEscape(text), "\": ", why));
}

// Dotted quad into out[0..3]; false on anything else.
bool ParseV4(absl::string_view text, uint8_t* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) return false;
  for (int i = 0; i < 4; ++i) {
    absl::string_view part = parts[i];
    if (part.empty() || part.size() > 3) return false;
    if (part.size() > 1 && part[0] == '0') return false;  // no octal ambiguity
    int value = 0;
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    out[i] = static_cast<uint8_t>(value);
  }
  return true;
}

bool ParseHexGroup(absl::string_view group, uint16_t* out) {
  if (group.empty() || group.size() > 4) return false;
  uint32_t value = 0;
  for (char c : group) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
    int digit =
        absl::ascii_isdigit(static_cast<unsigned char>(c))
            ? c - '0'
            : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    value = value * 16 + static_cast<uint32_t>(digit);
  }
  *out = static_cast<uint16_t>(value);
  return true;
}

// Groups of one side of "::" into 16-bit words; an embedded dotted quad is
// allowed as the last element when `allow_v4_tail`.
bool ParseV6Side(absl::string_view side, bool allow_v4_tail,
                 std::vector<uint16_t>* words) {
  if (side.empty()) return true;
  std::vector<absl::string_view> groups = absl::StrSplit(side, ':');
  for (size_t i = 0; i < groups.size(); ++i) {
    if (allow_v4_tail && i + 1 == groups.size() &&
        groups[i].find('.') != absl::string_view::npos) {
      uint8_t v4[4];
      if (!ParseV4(groups[i], v4)) return false;
      words->push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
      words->push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
      continue;
    }
    uint16_t word;
    if (!ParseHexGroup(groups[i], &word)) return false;
    words->push_back(word);
  }
  return true;
}

bool ParseV6(absl::string_view text, uint8_t* out) {
  if (text.size() > 45) return false;
  std::vector<uint16_t> head, tail;
  size_t gap = text.find("::");
  if (gap == absl::string_view::npos) {
    if (!ParseV6Side(text, /*allow_v4_tail=*/true, &head)) return false;
    if (head.size() != 8) return false;
  } else {
    absl::string_view left = text.substr(0, gap);
    absl::string_view right = text.substr(gap + 2);
    if (right.find("::") != absl::string_view::npos) return false;
    if (!ParseV6Side(left, /*allow_v4_tail=*/false, &head)) return false;
    if (!ParseV6Side(right, /*allow_v4_tail=*/true, &tail)) return false;
    // "::" stands for at least one zero group.
    if (head.size() + tail.size() > 7) return false;
  }
  std::memset(out, 0, 16);
  for (size_t i = 0; i < head.size(); ++i) {
    out[2 * i] = static_cast<uint8_t>(head[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(head[i]);
  }
  size_t start = 8 - tail.size();
  for (size_t i = 0; i < tail.size(); ++i) {
    out[2 * (start + i)] = static_cast<uint8_t>(tail[i] >> 8);
    out[2 * (start + i) + 1] = static_cast<uint8_t>(tail[i]);
  }
  return true;
}

}  // namespace

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.empty()) return ParseError(text, "empty");
  IpAddress address;
  if (text.find(':') != absl::string_view::npos) {
    if (!ParseV6(text, address.storage_.data())) {
      return ParseError(text, "not an IPv6 address");
    }
    address.v4_ = false;
    return address;
  }
  if (!ParseV4(text, address.storage_.data())) {
    return ParseError(text, "not an IPv4 dotted quad");
  }
  return address;
}

IpAddress IpAddress::V4(uint32_t host_order) {
  IpAddress address;
  address.storage_[0] = static_cast<uint8_t>(host_order >> 24);
  address.storage_[1] = static_cast<uint8_t>(host_order >> 16);
  address.storage_[2] = static_cast<uint8_t>(host_order >> 8);
  address.storage_[3] = static_cast<uint8_t>(host_order);
  return address;
}

absl::StatusOr<IpAddress> IpAddress::FromBytesChecked(
    absl::Span<const uint8_t> bytes) {
  if (bytes.size() != 4 && bytes.size() != 16) {
    return absl::InvalidArgumentError(absl::StrCat(
        "address length ", bytes.size(), " bytes: expected 4 or 16"));
  }
  return FromBytes(bytes);
}

IpAddress IpAddress::Zero(bool v4) {
  IpAddress address;
  address.v4_ = v4;
  return address;
}

IpAddress IpAddress::Max(bool v4) {
  IpAddress address;
  address.v4_ = v4;
  std::fill_n(address.storage_.begin(), v4 ? 4 : 16, uint8_t{0xff});
  return address;
}

uint32_t IpAddress::v4_host_order() const {
  if (!v4_) return 0;
  return uint32_t{storage_[0]} << 24 | uint32_t{storage_[1]} << 16 |
         uint32_t{storage_[2]} << 8 | uint32_t{storage_[3]};
}

std::string IpAddress::ToString() const {
  if (v4_) {
    return absl::StrFormat("%d.%d.%d.%d", storage_[0], storage_[1], storage_[2],
                           storage_[3]);
  }
  uint16_t words[8];
  for (int i = 0; i < 8; ++i) {
    words[i] =
        static_cast<uint16_t>(storage_[2 * i] << 8 | storage_[2 * i + 1]);
  }
  // IPv4-mapped: ::ffff:a.b.c.d (RFC 5952 section 5).
  if (words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0 &&
      words[4] == 0 && words[5] == 0xffff) {
    return absl::StrFormat("::ffff:%d.%d.%d.%d", storage_[12], storage_[13],
                           storage_[14], storage_[15]);
  }
  // Longest run of zero words, first one on ties, only if at least two.
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  if (best_length < 2) best_start = -1;
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    absl::StrAppend(&out, absl::Hex(words[i]));
  }
  return out;
}

IpAddress IpAddress::Masked(int prefix_length) const {
  IpAddress out = *this;
  int bits = bit_length();
  prefix_length = std::clamp(prefix_length, 0, bits);
  for (int i = 0; i < bits / 8; ++i) {
    int keep = std::clamp(prefix_length - 8 * i, 0, 8);
    uint8_t mask = keep == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    out.storage_[i] &= mask;
  }
  return out;
}

IpAddress IpAddress::LastInPrefix(int prefix_length) const {
  IpAddress out = *this;
  int bits = bit_length();
  prefix_length = std::clamp(prefix_length, 0, bits);
  for (int i = 0; i < bits / 8; ++i) {
    int keep = std::clamp(prefix_length - 8 * i, 0, 8);
    uint8_t host = keep == 8 ? 0 : static_cast<uint8_t>(0xff >> keep);
    out.storage_[i] |= host;
  }
  return out;
}

bool IpAddress::SharesPrefix(const IpAddress& other, int prefix_length) const {
  return v4_ == other.v4_ &&
         Masked(prefix_length).storage_ == other.Masked(prefix_length).storage_;
}

IpAddress IpAddress::Next() const {
  if (IsMax()) return *this;
  IpAddress out = *this;
  for (int i = bit_length() / 8 - 1; i >= 0; --i) {
    if (++out.storage_[i] != 0) break;
  }
  return out;
}

IpAddress IpAddress::Previous() const {
  if (IsZero()) return *this;
  IpAddress out = *this;
  for (int i = bit_length() / 8 - 1; i >= 0; --i) {
    if (out.storage_[i]-- != 0) break;
  }
  return out;
}

bool IpAddress::IsZero() const {
  return std::all_of(storage_.begin(), storage_.end(),
                     [](uint8_t b) { return b == 0; });
}

bool IpAddress::IsMax() const { return *this == Max(v4_); }

}  // namespace cygnet::ipsec
