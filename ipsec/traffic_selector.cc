#include "ipsec/traffic_selector.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::ipsec {

absl::StatusOr<TrafficSelector> TrafficSelector::Create(IpAddress start_address,
                                                        IpAddress end_address,
                                                        uint8_t protocol,
                                                        uint16_t start_port,
                                                        uint16_t end_port) {
  if (start_address.is_v4() != end_address.is_v4()) {
    return absl::InvalidArgumentError(
        absl::StrCat("traffic selector addresses ", start_address.ToString(),
                     " and ", end_address.ToString(), ": families differ"));
  }
  if (end_address < start_address) {
    return absl::InvalidArgumentError(absl::StrCat(
        "traffic selector start address ", start_address.ToString(),
        " is above end address ", end_address.ToString()));
  }
  if (end_port < start_port) {
    return absl::InvalidArgumentError(absl::StrCat(
        "traffic selector start port ", start_port, " is above end port ",
        end_port, " (OPAQUE port selectors are not supported)"));
  }
  return TrafficSelector(start_address, end_address, protocol, start_port,
                         end_port);
}

absl::StatusOr<TrafficSelector> TrafficSelector::FromPrefix(IpAddress address,
                                                            int prefix_length,
                                                            uint8_t protocol,
                                                            uint16_t start_port,
                                                            uint16_t end_port) {
  if (prefix_length < 0 || prefix_length > address.bit_length()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "prefix length ", prefix_length, " for ", address.ToString(),
        ": must be 0..", address.bit_length()));
  }
  if (address.Masked(prefix_length) != address) {
    return absl::InvalidArgumentError(absl::StrCat(
        "prefix ", address.ToString(), "/", prefix_length,
        ": host bits are set (did you mean ",
        address.Masked(prefix_length).ToString(), "/", prefix_length, "?)"));
  }
  return Create(address, address.LastInPrefix(prefix_length), protocol,
                start_port, end_port);
}

TrafficSelector TrafficSelector::Any(bool v4) {
  return TrafficSelector(IpAddress::Zero(v4), IpAddress::Max(v4), 0, 0, 65535);
}

absl::StatusOr<TrafficSelector> TrafficSelector::ParseAddresses(
    absl::string_view text) {
  if (text == "any4") return Any(true);
  if (text == "any6") return Any(false);
  if (size_t slash = text.find('/'); slash != absl::string_view::npos) {
    absl::StatusOr<IpAddress> address = IpAddress::Parse(text.substr(0, slash));
    if (!address.ok()) return address.status();
    int length;
    if (!absl::SimpleAtoi(text.substr(slash + 1), &length)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "traffic selector \"", text, "\": prefix length is not a number"));
    }
    return FromPrefix(*address, length);
  }
  if (size_t dash = text.find('-'); dash != absl::string_view::npos) {
    absl::StatusOr<IpAddress> start = IpAddress::Parse(text.substr(0, dash));
    if (!start.ok()) return start.status();
    absl::StatusOr<IpAddress> end = IpAddress::Parse(text.substr(dash + 1));
    if (!end.ok()) return end.status();
    return Create(*start, *end);
  }
  absl::StatusOr<IpAddress> host = IpAddress::Parse(text);
  if (!host.ok()) return host.status();
  return Create(*host, *host);
}

std::optional<int> TrafficSelector::PrefixLength() const {
  for (int length = 0; length <= start_address_.bit_length(); ++length) {
    if (start_address_.Masked(length) == start_address_ &&
        start_address_.LastInPrefix(length) == end_address_) {
      return length;
    }
  }
  return std::nullopt;
}

bool TrafficSelector::MatchesAddress(const IpAddress& address) const {
  return address.is_v4() == is_v4() && start_address_ <= address &&
         address <= end_address_;
}

bool TrafficSelector::Matches(const IpAddress& address, uint8_t protocol,
                              uint16_t port) const {
  return MatchesAddress(address) && (protocol_ == 0 || protocol_ == protocol) &&
         start_port_ <= port && port <= end_port_;
}

bool TrafficSelector::Contains(const TrafficSelector& other) const {
  return is_v4() == other.is_v4() && start_address_ <= other.start_address_ &&
         other.end_address_ <= end_address_ &&
         (protocol_ == 0 || protocol_ == other.protocol_) &&
         start_port_ <= other.start_port_ && other.end_port_ <= end_port_;
}

std::optional<TrafficSelector> TrafficSelector::Intersect(
    const TrafficSelector& other) const {
  if (is_v4() != other.is_v4()) return std::nullopt;
  if (protocol_ != 0 && other.protocol_ != 0 && protocol_ != other.protocol_) {
    return std::nullopt;
  }
  IpAddress start = std::max(start_address_, other.start_address_);
  IpAddress end = std::min(end_address_, other.end_address_);
  uint16_t start_port = std::max(start_port_, other.start_port_);
  uint16_t end_port = std::min(end_port_, other.end_port_);
  if (end < start || end_port < start_port) return std::nullopt;
  return TrafficSelector(start, end,
                         protocol_ != 0 ? protocol_ : other.protocol_,
                         start_port, end_port);
}

std::string TrafficSelector::ToString() const {
  std::string out;
  if (std::optional<int> length = PrefixLength(); length.has_value()) {
    out = absl::StrCat(start_address_.ToString(), "/", *length);
  } else {
    out = absl::StrCat(start_address_.ToString(), "-", end_address_.ToString());
  }
  if (protocol_ != 0) absl::StrAppend(&out, " proto ", protocol_);
  if (!any_port()) {
    if (start_port_ == end_port_) {
      absl::StrAppend(&out, " port ", start_port_);
    } else {
      absl::StrAppend(&out, " port ", start_port_, "-", end_port_);
    }
  }
  return out;
}

std::string TrafficSelector::ToStartEndString() const {
  return absl::StrFormat("%s/%d - %s/%d", start_address_.ToString(),
                         start_port_, end_address_.ToString(), end_port_);
}

bool SelectorsMatch(absl::Span<const TrafficSelector> local,
                    absl::Span<const TrafficSelector> remote,
                    const FiveTuple& packet, bool outbound) {
  const IpAddress& local_address =
      outbound ? packet.source : packet.destination;
  const IpAddress& remote_address =
      outbound ? packet.destination : packet.source;
  const uint16_t local_port =
      outbound ? packet.source_port : packet.destination_port;
  const uint16_t remote_port =
      outbound ? packet.destination_port : packet.source_port;
  bool local_ok = std::any_of(
      local.begin(), local.end(), [&](const TrafficSelector& selector) {
        return selector.Matches(local_address, packet.protocol, local_port);
      });
  if (!local_ok) return false;
  return std::any_of(
      remote.begin(), remote.end(), [&](const TrafficSelector& selector) {
        return selector.Matches(remote_address, packet.protocol, remote_port);
      });
}

std::vector<TrafficSelector> Narrow(
    const std::vector<TrafficSelector>& proposed,
    const std::vector<TrafficSelector>& allowed) {
  std::vector<TrafficSelector> out;
  for (const TrafficSelector& p : proposed) {
    for (const TrafficSelector& a : allowed) {
      std::optional<TrafficSelector> both = p.Intersect(a);
      if (!both.has_value()) continue;
      bool covered = std::any_of(out.begin(), out.end(),
                                 [&](const TrafficSelector& earlier) {
                                   return earlier.Contains(*both);
                                 });
      if (!covered) out.push_back(*both);
    }
  }
  return out;
}

}  // namespace cygnet::ipsec
