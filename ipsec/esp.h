// ESP encapsulation and decapsulation (RFC 4303) on caller buffers.
//
// Who drives it: the integrator's packet path (or a driver's burst loop) hands
// a packet in a PacketBuffer and an SA (outbound) or an SA lookup (inbound).
// Everything works in place: sealing grows the packet into the buffer's
// headroom (outer IP header, UDP header, ESP header, IV) and tailroom
// (padding, trailer, ICV); opening shrinks it to the inner packet. On the
// success path nothing is allocated; error statuses carry a message.
//
// Layers, each usable on its own:
//  - SealEspPayload / OpenEspPayload: stateless ESP framing (SPI..ICV) around
//    a payload with an explicit sequence number and IV; used by the SA-level
//    functions, by tools and by published-vector tests.
//  - EspSeal / EspOpen: the same on an SA: sequence numbers, IV policy (random
//    for CBC, the 64-bit sequence number for counter-mode AEADs), replay
//    check before the ICV and window update after it, lifetimes, counters.
//  - Encapsulate / Decapsulate: whole outer packets: IPv4 or IPv6 outer header
//    built from the SA endpoints, optional RFC 3948 UDP encapsulation; on
//    receive, outer header parsing, NAT-keepalive (one 0xFF byte) and
//    non-ESP-marker (IKE on port 4500) recognition, and SA lookup by SPI.
//
// Errors: absl::Status with one clear message; the code tells the class:
//   kInvalidArgument  malformed ("packet too short: 7 bytes", lengths, inner
//                     packet, next header) -> SaCounters::malformed
//   kPermissionDenied "integrity check failed" -> integrity_failures, or an
//                     inner packet outside the SA's traffic selectors ->
//                     selector_mismatches
//   kDataLoss         "bad padding: ..." -> padding_errors
//   kAlreadyExists / kOutOfRange  replayed / too old -> replay_drops
//   kNotFound         "unknown SPI 0x..." -> DecapsulationCounters
//   kFailedPrecondition / kResourceExhausted  SA expired / sequence exhausted
//                     (kFailedPrecondition also: sealing on an inbound SA
//                     or opening on an outbound one)
//   kResourceExhausted "no room: ..." when head/tailroom is short -> no_room
// Malformed input never crashes and is always counted.
//
// Threading: the functions are reentrant; an SA must be driven by one thread
// at a time (see security_association.h).
#ifndef CYGNET_IPSEC_ESP_H_
#define CYGNET_IPSEC_ESP_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "ipsec/esp_transform.h"
#include "ipsec/ip_address.h"
#include "ipsec/security_association.h"

namespace cygnet::ipsec {

// A packet inside a caller-owned buffer: the bytes
// storage[offset, offset + length); headroom before, tailroom after.
struct PacketBuffer {
  absl::Span<uint8_t> storage;
  size_t offset = 0;
  size_t length = 0;

  uint8_t* data() const { return storage.data() + offset; }
  absl::Span<uint8_t> span() const { return storage.subspan(offset, length); }
  size_t headroom() const { return offset; }
  size_t tailroom() const { return storage.size() - offset - length; }
};

// IP protocol numbers used here.
constexpr uint8_t kProtocolIpv4 = 4;
constexpr uint8_t kProtocolIpv6 = 41;
constexpr uint8_t kProtocolUdp = 17;
constexpr uint8_t kProtocolEsp = 50;
// RFC 4303 section 2.6: a dummy packet (traffic flow confidentiality).
constexpr uint8_t kProtocolNoNextHeader = 59;
constexpr uint16_t kNatTraversalPort = 4500;

// Enough headroom and tailroom for any SA: IPv6 header (40) + UDP (8) + ESP
// header (8) + IV (16); padding (15) + trailer (2) + ICV (32).
constexpr size_t kMaxEncapsulationHeadroom = 72;
constexpr size_t kMaxEncapsulationTailroom = 49;

// ---- Stateless ESP framing ----

// Turns packet (the payload) into SPI..ICV: prepends header and `iv`
// (exactly transform.iv_size() bytes), appends RFC 4303 padding (1, 2, 3,
// ...), pad length, next header and the ICV, then seals. `sequence` is the
// full number: its low half is sent, its high half enters the ICV when
// `extended_sequence_numbers`.
absl::Status SealEspPayload(const EspTransform& transform, uint32_t spi,
                            uint64_t sequence, bool extended_sequence_numbers,
                            uint8_t next_header, absl::Span<const uint8_t> iv,
                            PacketBuffer& packet);

// packet holds SPI..ICV. Verifies the ICV (with `sequence_high` when
// `extended_sequence_numbers`), decrypts, checks pad length and every
// padding byte, and shrinks packet to the payload. Does not look at the SPI.
absl::Status OpenEspPayload(const EspTransform& transform,
                            bool extended_sequence_numbers,
                            uint32_t sequence_high, PacketBuffer& packet,
                            uint8_t* next_header);

// Reads SPI and low sequence number of SPI..ICV bytes ("packet too short").
absl::Status ReadEspHeader(absl::Span<const uint8_t> esp, uint32_t* spi,
                           uint32_t* sequence_low);

// ---- On an SA ----

struct SealOptions {
  // Explicit IV (tools, vectors). Empty: a random IV from `random` for CBC,
  // the 64-bit sequence number for AEADs (unique per key, see
  // security_association.h), nothing for NULL.
  absl::Span<const uint8_t> iv;
};

// Outbound SA: payload -> SPI..ICV with the SA's next sequence number.
absl::Status EspSeal(SecurityAssociation& sa, uint8_t next_header,
                     PacketBuffer& packet, crypto::Random& random,
                     const SealOptions& options = {});

// Inbound SA: SPI..ICV -> payload. Order: SPI matches, replay check, ICV,
// decrypt, padding, then the window and lifetime are updated and the packet
// counted. In tunnel mode the next header must be 4 or 41 (or 59, a dummy
// packet, reported as such), the inner packet's own length is checked (and
// TFC padding after it trimmed), and its addresses, protocol and ports must
// match the SA's traffic selectors when it has any (RFC 4301 section 5.2).
// In transport mode the selectors are checked by Decapsulate, which knows
// the outer addresses (EspOpen alone does not).
absl::Status EspOpen(SecurityAssociation& sa, PacketBuffer& packet,
                     uint8_t* next_header);

// ---- Whole packets ----

// Outbound. Tunnel mode: packet is the inner IPv4/IPv6 packet (next header
// 4/41 from its version nibble). Transport mode: packet is the upper-layer
// payload and `transport_protocol` its IP protocol number. On success packet
// is the complete outer IP packet (with UDP header when the SA has UDP
// encapsulation).
absl::Status Encapsulate(SecurityAssociation& sa, PacketBuffer& packet,
                         crypto::Random& random,
                         uint8_t transport_protocol = 0);

enum class DecapsulatedKind {
  kPacket,        // packet holds the inner packet / upper-layer payload
  kDummy,         // RFC 4303 TFC dummy packet (next header 59): drop it
  kNatKeepalive,  // RFC 3948 section 2.3 keepalive: drop it
  kIke,           // non-ESP marker: packet holds the IKE message after it
};

struct Decapsulated {
  DecapsulatedKind kind = DecapsulatedKind::kPacket;
  SecurityAssociation* sa = nullptr;  // for kPacket / kDummy
  uint8_t next_header = 0;            // 4/41 in tunnel mode
  IpAddress outer_source;
  IpAddress outer_destination;
  bool udp_encapsulated = false;
  uint16_t udp_source_port = 0;  // the peer's (maybe NAT-mapped) port
  uint16_t udp_destination_port = 0;
};

// Drops that have no SA to be counted on.
struct DecapsulationCounters {
  uint64_t unknown_spi = 0;
  uint64_t malformed = 0;  // outer headers, truncated ESP
  uint64_t nat_keepalives = 0;
  uint64_t ike_packets = 0;
};

// Returns the inbound SA for (SPI, outer destination) or nullptr. The
// pointer is used only during the Decapsulate call.
using SaLookup = absl::FunctionRef<SecurityAssociation*(
    uint32_t spi, const IpAddress& destination)>;

// Inbound: packet is a whole outer IPv4/IPv6 packet carrying ESP (protocol
// 50) or UDP from port 4500 (the caller passes only UDP packets received on
// its NAT-T socket). Fragments are refused (reassembly is the caller's).
absl::Status Decapsulate(SaLookup lookup, PacketBuffer& packet,
                         DecapsulationCounters& counters, Decapsulated* out);

// ---- Bursts (drivers) ----

// Encapsulates every packet on one SA; results[i] is packet i's status
// (results.size() >= packets.size()). Returns how many succeeded.
size_t EncapsulateBurst(SecurityAssociation& sa,
                        absl::Span<PacketBuffer> packets,
                        crypto::Random& random,
                        absl::Span<absl::Status> results,
                        uint8_t transport_protocol = 0);

// Decapsulates every packet; out[i] and results[i] describe packet i.
size_t DecapsulateBurst(SaLookup lookup, absl::Span<PacketBuffer> packets,
                        DecapsulationCounters& counters,
                        absl::Span<Decapsulated> out,
                        absl::Span<absl::Status> results);

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_ESP_H_
