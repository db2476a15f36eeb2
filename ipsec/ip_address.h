// IpAddress: an IPv4 or IPv6 address as a small value type.
//
// Used for SA endpoints, SAD inbound keys, traffic selectors and policies. It
// is a plain value (16 bytes of storage plus the family), cheap to copy, with
// no heap allocation, so the SAD can embed it in lookup keys. Invariants: an
// IPv4 address keeps bytes 4..15 of its storage zero, so equality and hashing
// can work on the raw storage; IPv4 orders before IPv6; within a family the
// order is numeric (network byte order, most significant byte first).
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv6 addresses here: the
// family seen on the wire is what counts for ESP and traffic selectors.
#ifndef CYGNET_IPSEC_IP_ADDRESS_H_
#define CYGNET_IPSEC_IP_ADDRESS_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::ipsec {

class IpAddress {
 public:
  // 0.0.0.0.
  IpAddress() = default;

  // Dotted quad ("192.0.2.1", no leading zeros, no shorthand) or RFC 4291
  // text ("2001:db8::1", "::ffff:192.0.2.1"). No zone ids, no brackets, no
  // prefix lengths. Errors name the text.
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);
  static IpAddress V4(uint32_t host_order);
  // 4 bytes: IPv4; 16 bytes: IPv6 (network byte order). Any other size is a
  // programming error and yields 0.0.0.0; use FromBytesChecked on input that
  // comes from the network.
  static IpAddress FromBytes(absl::Span<const uint8_t> bytes) {
    IpAddress address;
    address.AssignBytes(bytes);
    return address;
  }
  static absl::StatusOr<IpAddress> FromBytesChecked(
      absl::Span<const uint8_t> bytes);
  // The unspecified address of a family: 0.0.0.0 or ::.
  static IpAddress Zero(bool v4);
  // All ones: 255.255.255.255 or ffff:...:ffff.
  static IpAddress Max(bool v4);

  // FromBytes in place. For the packet path, which fills two addresses per
  // received packet: assigning a returned address goes through a temporary
  // that is stored in narrow pieces and reloaded in one wide load, a
  // store-forwarding stall (about 15 cycles) each time.
  void AssignBytes(absl::Span<const uint8_t> bytes) {
    storage_ = {};
    v4_ = bytes.size() != 16;
    if (bytes.size() == 4 || bytes.size() == 16) {
      std::memcpy(storage_.data(), bytes.data(), bytes.size());
    }
  }

  bool is_v4() const { return v4_; }
  bool is_v6() const { return !v4_; }
  // 32 or 128.
  int bit_length() const { return v4_ ? 32 : 128; }
  // 4 or 16 bytes, network byte order.
  absl::Span<const uint8_t> bytes() const {
    return absl::Span<const uint8_t>(storage_.data(), v4_ ? 4 : 16);
  }
  // Host-order value of an IPv4 address; 0 for IPv6.
  uint32_t v4_host_order() const;

  // Dotted quad, or RFC 5952 canonical IPv6 text (lowercase, longest run of
  // two or more zero groups compressed, IPv4-mapped shown as ::ffff:a.b.c.d).
  std::string ToString() const;

  // The address with all bits after the first `prefix_length` cleared
  // (prefix_length clamped to [0, bit_length()]).
  IpAddress Masked(int prefix_length) const;
  // The address with all bits after the first `prefix_length` set.
  IpAddress LastInPrefix(int prefix_length) const;
  // True when this address and `other` have the same family and agree on the
  // first `prefix_length` bits.
  bool SharesPrefix(const IpAddress& other, int prefix_length) const;
  // Numeric successor / predecessor within the family; saturate at Max / Zero
  // (check IsMax / IsZero first when that matters).
  IpAddress Next() const;
  IpAddress Previous() const;
  bool IsZero() const;
  bool IsMax() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.v4_ == b.v4_ && a.storage_ == b.storage_;
  }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) {
    return !(a == b);
  }
  friend bool operator<(const IpAddress& a, const IpAddress& b) {
    if (a.v4_ != b.v4_) return a.v4_;
    return a.storage_ < b.storage_;
  }
  friend bool operator>(const IpAddress& a, const IpAddress& b) {
    return b < a;
  }
  friend bool operator<=(const IpAddress& a, const IpAddress& b) {
    return !(b < a);
  }
  friend bool operator>=(const IpAddress& a, const IpAddress& b) {
    return !(a < b);
  }

  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine(H::combine_contiguous(std::move(h), a.storage_.data(),
                                            a.storage_.size()),
                      a.v4_);
  }

 private:
  std::array<uint8_t, 16> storage_{};
  bool v4_ = true;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_IP_ADDRESS_H_
