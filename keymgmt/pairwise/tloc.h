// TLOC identity for SD-WAN pairwise keys: the transport locator a device
// terminates tunnels on, named by (system IP, color, encapsulation).
//
// Both the device engine and the controller engine name TLOCs this way; the
// 6-byte encoding (system IP, color, encapsulation) is what enters the key
// derivation (kdf.h) and the wire format (message.h), and its byte order is
// the canonical order of two TLOCs. Invariant: a TlocId is a plain value; two
// TLOCs of one device differ by color or encapsulation.
#ifndef CYGNET_KEYMGMT_PAIRWISE_TLOC_H_
#define CYGNET_KEYMGMT_PAIRWISE_TLOC_H_

#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipsec/ip_address.h"

namespace cygnet::keymgmt::pairwise {

// The SD-WAN transport colors; numbers are ours (wire format).
enum class Color : uint8_t {
  kDefault = 1,
  kMpls = 2,
  kMetroEthernet = 3,
  kBizInternet = 4,
  kPublicInternet = 5,
  kLte = 6,
  k3g = 7,
  kRed = 8,
  kGreen = 9,
  kBlue = 10,
  kGold = 11,
  kSilver = 12,
  kBronze = 13,
  kCustom1 = 14,
  kCustom2 = 15,
  kCustom3 = 16,
  kPrivate1 = 17,
  kPrivate2 = 18,
  kPrivate3 = 19,
  kPrivate4 = 20,
  kPrivate5 = 21,
  kPrivate6 = 22,
};
constexpr uint8_t kMaxColor = 22;

enum class Encapsulation : uint8_t { kIpsec = 1, kGre = 2 };

// "default", "mpls", "metro-ethernet", ..., "private6" (the CLI spelling).
absl::string_view ColorName(Color color);
absl::StatusOr<Color> ParseColor(absl::string_view name);
absl::StatusOr<Color> ColorFromNumber(uint8_t number);
absl::string_view EncapsulationName(Encapsulation encapsulation);
absl::StatusOr<Encapsulation> EncapsulationFromNumber(uint8_t number);

// System IPs are IPv4 addresses kept in host order.
std::string SystemIpString(uint32_t system_ip);

struct TlocId {
  uint32_t system_ip = 0;
  Color color = Color::kDefault;
  Encapsulation encapsulation = Encapsulation::kIpsec;

  static constexpr size_t kEncodedSize = 6;
  // system IP (4 bytes, network order) || color (1) || encapsulation (1).
  std::array<uint8_t, kEncodedSize> Encode() const;
  // "10.1.0.2/lte/ipsec".
  std::string ToString() const;

  friend bool operator==(const TlocId& a, const TlocId& b) {
    return a.system_ip == b.system_ip && a.color == b.color &&
           a.encapsulation == b.encapsulation;
  }
  friend bool operator!=(const TlocId& a, const TlocId& b) { return !(a == b); }
  // The canonical order: that of Encode() compared bytewise.
  friend bool operator<(const TlocId& a, const TlocId& b) {
    return std::make_tuple(a.system_ip, a.color, a.encapsulation) <
           std::make_tuple(b.system_ip, b.color, b.encapsulation);
  }
  template <typename H>
  friend H AbslHashValue(H h, const TlocId& t) {
    return H::combine(std::move(h), t.system_ip, t.color, t.encapsulation);
  }
};

// The underlay address and UDP port a TLOC's tunnels use.
struct TransportEndpoint {
  ipsec::IpAddress address;
  uint16_t port = 12346;
  friend bool operator==(const TransportEndpoint& a,
                         const TransportEndpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
};

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_TLOC_H_
