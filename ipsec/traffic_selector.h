// TrafficSelector: one side of an IPsec selector (RFC 4301 section 4.4.1,
// RFC 7296 section 3.13.1): an inclusive address range of one family, an IP
// protocol (0 = any) and an inclusive port range.
//
// Used by the SPD (policy_database.h) to classify packets and by the IKE
// state machine to propose and narrow TSi/TSr (RFC 7296 section 2.9) with
// Intersect / Narrow. A value type; immutable after Create.
//
// Invariants: start_address() <= end_address(), both of the same family;
// start_port() <= end_port(). Ports are compared against whatever the caller
// puts in FiveTuple: for ICMP that is type/code as RFC 4301 section 4.4.1.1
// packs them, for protocols without ports 0; a selector with the full port
// range 0..65535 matches any packet of its protocol. OPAQUE port selectors
// (start 65535, end 0) are not supported and are rejected by Create.
#ifndef CYGNET_IPSEC_TRAFFIC_SELECTOR_H_
#define CYGNET_IPSEC_TRAFFIC_SELECTOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ipsec/ip_address.h"

namespace cygnet::ipsec {

// The selector-relevant fields of one packet. For an outbound packet the
// source is local; for an inbound (decapsulated) packet the source is remote.
struct FiveTuple {
  IpAddress source;
  IpAddress destination;
  uint8_t protocol = 0;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
};

class TrafficSelector {
 public:
  // Any IPv4 address, any protocol, any port.
  TrafficSelector() : TrafficSelector(Any(/*v4=*/true)) {}

  // Errors name the field and the value: family mismatch, start > end.
  static absl::StatusOr<TrafficSelector> Create(IpAddress start_address,
                                                IpAddress end_address,
                                                uint8_t protocol = 0,
                                                uint16_t start_port = 0,
                                                uint16_t end_port = 65535);
  // address/prefix_length; host bits of `address` must be zero.
  static absl::StatusOr<TrafficSelector> FromPrefix(IpAddress address,
                                                    int prefix_length,
                                                    uint8_t protocol = 0,
                                                    uint16_t start_port = 0,
                                                    uint16_t end_port = 65535);
  // Everything of one family.
  static TrafficSelector Any(bool v4);

  // Address part only (protocol any, all ports): "10.0.0.0/24",
  // "10.0.0.1-10.0.0.9", "2001:db8::/32", "192.0.2.7" (a single host), or
  // "any4" / "any6".
  static absl::StatusOr<TrafficSelector> ParseAddresses(absl::string_view text);

  bool is_v4() const { return start_address_.is_v4(); }
  const IpAddress& start_address() const { return start_address_; }
  const IpAddress& end_address() const { return end_address_; }
  uint8_t protocol() const { return protocol_; }
  uint16_t start_port() const { return start_port_; }
  uint16_t end_port() const { return end_port_; }
  bool any_port() const { return start_port_ == 0 && end_port_ == 65535; }

  // The prefix length when the address range is exactly one prefix.
  std::optional<int> PrefixLength() const;

  bool MatchesAddress(const IpAddress& address) const;
  // Address, protocol (selector 0 = any) and port all match.
  bool Matches(const IpAddress& address, uint8_t protocol, uint16_t port) const;
  // Every packet `other` matches, this matches too.
  bool Contains(const TrafficSelector& other) const;
  // The packets both match; nullopt when disjoint (or families differ, or
  // the protocols are two different specific ones).
  std::optional<TrafficSelector> Intersect(const TrafficSelector& other) const;

  // "10.0.0.0/24" or "10.0.0.1-10.0.0.9", then " proto 6" unless any
  // protocol, then " port 80" / " port 1000-2000" unless any port.
  std::string ToString() const;
  // The IKEv2 `show` form of seed 001: "1.1.1.1/1000 - 1.1.1.1/1000",
  // "0.0.0.0/0 - 255.255.255.255/65535" (start address/start port - end
  // address/end port).
  std::string ToStartEndString() const;

  friend bool operator==(const TrafficSelector& a, const TrafficSelector& b) {
    return a.start_address_ == b.start_address_ &&
           a.end_address_ == b.end_address_ && a.protocol_ == b.protocol_ &&
           a.start_port_ == b.start_port_ && a.end_port_ == b.end_port_;
  }
  friend bool operator!=(const TrafficSelector& a, const TrafficSelector& b) {
    return !(a == b);
  }

 private:
  TrafficSelector(IpAddress start, IpAddress end, uint8_t protocol,
                  uint16_t start_port, uint16_t end_port)
      : start_address_(start),
        end_address_(end),
        protocol_(protocol),
        start_port_(start_port),
        end_port_(end_port) {}

  IpAddress start_address_;
  IpAddress end_address_;
  uint8_t protocol_ = 0;
  uint16_t start_port_ = 0;
  uint16_t end_port_ = 65535;
};

// True when some selector of `local` matches the local side of `packet` and
// some selector of `remote` matches its remote side (the IKEv2 reading of
// TSi/TSr lists: any combination). `outbound` says which side of the packet
// is local: the source for outbound packets, the destination for inbound.
bool SelectorsMatch(absl::Span<const TrafficSelector> local,
                    absl::Span<const TrafficSelector> remote,
                    const FiveTuple& packet, bool outbound);

// RFC 7296 section 2.9 narrowing: every non-empty intersection of a proposed
// selector with an allowed one, in the order of `proposed` (then `allowed`),
// dropping results contained in an earlier one. Empty means "no acceptable
// subset" (TS_UNACCEPTABLE).
std::vector<TrafficSelector> Narrow(
    const std::vector<TrafficSelector>& proposed,
    const std::vector<TrafficSelector>& allowed);

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_TRAFFIC_SELECTOR_H_
