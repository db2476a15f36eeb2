#include "ipsec/esp.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::ipsec {
namespace {

constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kIpv6HeaderSize = 40;
constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kMaxIpLength = 65535;

// Network byte order loads as one load and a byte swap (the byte-by-byte
// form was not folded into one by GCC here, and the checksum adds five).
inline uint16_t Load16(const uint8_t* p) {
  uint16_t value;
  std::memcpy(&value, p, sizeof(value));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  value = __builtin_bswap16(value);
#endif
  return value;
}
inline uint32_t Load32(const uint8_t* p) {
  uint32_t value;
  std::memcpy(&value, p, sizeof(value));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  value = __builtin_bswap32(value);
#endif
  return value;
}
inline void Store16(uint16_t value, uint8_t* p) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  value = __builtin_bswap16(value);
#endif
  std::memcpy(p, &value, sizeof(value));
}
inline void Store32(uint32_t value, uint8_t* p) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  value = __builtin_bswap32(value);
#endif
  std::memcpy(p, &value, sizeof(value));
}

// RFC 1071 one's complement sum of the 16-bit words, not yet folded (the
// caller adds what it needs and folds once). Adds 32 bits at a time (RFC 1071
// section 2(B): 2^16 = 1 in one's complement arithmetic, so the two halves of
// a 32-bit word land in the same sum); 64 bits cannot overflow for any IP
// packet.
uint64_t SumWords(const uint8_t* data, size_t size, uint64_t sum) {
  size_t i = 0;
  for (; i + 4 <= size; i += 4) sum += Load32(data + i);
  if (i + 2 <= size) {
    sum += Load16(data + i);
    i += 2;
  }
  if (i < size) sum += static_cast<uint32_t>(data[i]) << 8;
  return sum;
}
uint16_t FoldChecksum(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// The default padding bytes 1, 2, ..., 255 (RFC 4303 section 2.4).
constexpr std::array<uint8_t, 255> MakePadPattern() {
  std::array<uint8_t, 255> pattern = {};
  for (size_t i = 0; i < pattern.size(); ++i) {
    pattern[i] = static_cast<uint8_t>(i + 1);
  }
  return pattern;
}
constexpr std::array<uint8_t, 255> kPadPattern = MakePadPattern();

absl::Status TooShort(size_t size) {
  return absl::InvalidArgumentError(
      absl::StrCat("packet too short: ", size, " bytes"));
}

absl::Status NoRoom(absl::string_view where, size_t need, size_t have) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "no room: ", where, " needs ", need, " bytes, buffer has ", have));
}

// Maps an open/decapsulation status to the SA counter of its cause.
void CountInboundError(const absl::Status& status, SaCounters& counters) {
  switch (status.code()) {
    case absl::StatusCode::kPermissionDenied:
      ++counters.integrity_failures;
      break;
    case absl::StatusCode::kDataLoss:
      ++counters.padding_errors;
      break;
    case absl::StatusCode::kInvalidArgument:
      ++counters.malformed;
      break;
    default:  // replay and expiry are counted where they are detected
      break;
  }
}

}  // namespace

absl::Status ReadEspHeader(absl::Span<const uint8_t> esp, uint32_t* spi,
                           uint32_t* sequence_low) {
  if (esp.size() < kEspHeaderSize) return TooShort(esp.size());
  *spi = Load32(esp.data());
  *sequence_low = Load32(esp.data() + 4);
  return absl::OkStatus();
}

namespace {

// The body of SealEspPayload and EspSeal. `write_iv(field)` fills the
// iv_size() bytes of the packet's IV field in place. A template so that each
// caller's IV step is inlined: EspSeal writes the sequence number or random
// bytes straight into the packet (no staging copy, whose variable length GCC
// emits as `rep movsq`, and no IV span passed through memory).
template <typename WriteIv>
absl::Status SealInPlace(const EspTransform& transform, uint32_t spi,
                         uint64_t sequence, bool esn, uint8_t next_header,
                         WriteIv write_iv, PacketBuffer& packet) {
  const size_t unpadded = packet.length + kEspTrailerSize;
  const size_t padded = transform.RoundUpToBlocks(unpadded);
  const size_t pad = padded - unpadded;
  const size_t head = kEspHeaderSize + transform.iv_size();
  const size_t tail = pad + kEspTrailerSize + transform.icv_size();
  if (packet.offset > packet.storage.size() ||
      packet.length > packet.storage.size() - packet.offset) {
    return absl::InvalidArgumentError("packet buffer: length past storage");
  }
  if (packet.headroom() < head) {
    return NoRoom("ESP header and IV headroom", head, packet.headroom());
  }
  if (packet.tailroom() < tail) {
    return NoRoom("ESP trailer and ICV tailroom", tail, packet.tailroom());
  }
  uint8_t* payload_end = packet.data() + packet.length;
  // When the trailer and ICV cover them, the pattern goes in as one fixed
  // 16-byte copy (pad is at most 15; the trailer and ICV overwrite the rest):
  // GCC turns a variable-length copy into `rep movsq` and its start-up cost.
  static_assert(crypto::kAesBlockSize == 16, "the largest pad is 15 bytes");
  if (tail >= crypto::kAesBlockSize) {
    std::memcpy(payload_end, kPadPattern.data(), crypto::kAesBlockSize);
  } else {
    std::memcpy(payload_end, kPadPattern.data(), pad);
  }
  payload_end[pad] = static_cast<uint8_t>(pad);
  payload_end[pad + 1] = next_header;
  packet.offset -= head;
  packet.length += head + tail;
  uint8_t* esp = packet.data();
  Store32(spi, esp);
  Store32(static_cast<uint32_t>(sequence), esp + 4);
  write_iv(esp + kEspHeaderSize);
  return transform.Seal(packet.span(), esn,
                        static_cast<uint32_t>(sequence >> 32));
}

}  // namespace

absl::Status SealEspPayload(const EspTransform& transform, uint32_t spi,
                            uint64_t sequence, bool esn, uint8_t next_header,
                            absl::Span<const uint8_t> iv,
                            PacketBuffer& packet) {
  if (iv.size() != transform.iv_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("iv: ", EspCipherName(transform.cipher()), " needs ",
                     transform.iv_size(), " bytes, got ", iv.size()));
  }
  return SealInPlace(
      transform, spi, sequence, esn, next_header,
      [iv](uint8_t* field) {
        if (!iv.empty()) std::memcpy(field, iv.data(), iv.size());
      },
      packet);
}

absl::Status OpenEspPayload(const EspTransform& transform, bool esn,
                            uint32_t sequence_high, PacketBuffer& packet,
                            uint8_t* next_header) {
  const size_t minimum =
      transform.overhead() + std::max<size_t>(transform.block_size(), 4);
  if (packet.length < minimum) return TooShort(packet.length);
  const size_t text_size = packet.length - transform.overhead();
  if (!transform.IsWholeBlocks(text_size)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad length: ", text_size, " bytes of ciphertext is not a multiple of ",
        transform.block_size()));
  }
  absl::Status status = transform.Open(packet.span(), esn, sequence_high);
  if (!status.ok()) return status;
  const size_t head = kEspHeaderSize + transform.iv_size();
  const uint8_t* text = packet.data() + head;
  const uint8_t pad = text[text_size - 2];
  if (static_cast<size_t>(pad) + kEspTrailerSize > text_size) {
    return absl::DataLossError(absl::StrCat("bad padding: pad length ", pad,
                                            " exceeds the ", text_size,
                                            "-byte payload"));
  }
  // The ICV has verified, so nothing secret hangs on this comparison's
  // timing: a plain memcmp against 1, 2, 3, ... (RFC 4303 section 2.4).
  const uint8_t* pad_bytes = text + text_size - kEspTrailerSize - pad;
  if (std::memcmp(pad_bytes, kPadPattern.data(), pad) != 0) {
    return absl::DataLossError(
        absl::StrCat("bad padding: pad bytes are not 1..", pad));
  }
  *next_header = text[text_size - 1];
  packet.offset += head;
  packet.length = text_size - kEspTrailerSize - pad;
  return absl::OkStatus();
}

absl::Status EspSeal(SecurityAssociation& sa, uint8_t next_header,
                     PacketBuffer& packet, crypto::Random& random,
                     const SealOptions& options) {
  if (sa.direction() != SaDirection::kOutbound) {
    return absl::FailedPreconditionError(
        absl::StrFormat("SA 0x%08x is inbound: it cannot seal", sa.spi()));
  }
  const EspTransform& transform = sa.transform();
  // Check room before spending a sequence number.
  const size_t head = kEspHeaderSize + transform.iv_size();
  const size_t tail = transform.block_size() + 1 + transform.icv_size();
  if (packet.headroom() < head || packet.tailroom() < tail) {
    ++sa.mutable_counters().no_room;
    return NoRoom("ESP", head + tail, packet.headroom() + packet.tailroom());
  }
  absl::StatusOr<uint64_t> sequence = sa.NextSequenceNumber();
  if (!sequence.ok()) return sequence.status();
  const size_t payload_bytes = packet.length;
  absl::Status status;
  if (!options.iv.empty() || transform.iv_size() == 0) {
    status = SealEspPayload(transform, sa.spi(), *sequence,
                            sa.extended_sequence_numbers(), next_header,
                            options.iv, packet);
  } else if (transform.is_aead()) {
    // RFC 4106 section 3.1 / RFC 7634 section 2: the 64-bit sequence number,
    // unique for the key (the SA refuses to wrap it).
    const uint64_t iv = *sequence;
    status = SealInPlace(
        transform, sa.spi(), *sequence, sa.extended_sequence_numbers(),
        next_header,
        [iv](uint8_t* field) {
          Store32(static_cast<uint32_t>(iv >> 32), field);
          Store32(static_cast<uint32_t>(iv), field + 4);
        },
        packet);
  } else {
    // RFC 3602 section 2.1: unpredictable, so random.
    status = SealInPlace(
        transform, sa.spi(), *sequence, sa.extended_sequence_numbers(),
        next_header,
        [&random, size = transform.iv_size()](uint8_t* field) {
          random.Fill(absl::MakeSpan(field, size));
        },
        packet);
  }
  if (!status.ok()) {
    if (status.code() == absl::StatusCode::kResourceExhausted) {
      ++sa.mutable_counters().no_room;
    } else {
      ++sa.mutable_counters().malformed;
    }
    return status;
  }
  sa.RecordPacket(payload_bytes);
  return absl::OkStatus();
}

namespace {

// Tunnel mode: the inner packet must be the IP version the next header says
// and no longer than what arrived; TFC padding after it is trimmed.
absl::Status CheckInnerPacket(uint8_t next_header, PacketBuffer& packet) {
  const uint8_t* p = packet.data();
  if (next_header == kProtocolIpv4) {
    if (packet.length < kIpv4HeaderSize || (p[0] >> 4) != 4 ||
        (p[0] & 0x0f) < 5) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inner packet: not an IPv4 header (", packet.length, " bytes)"));
    }
    const size_t total = Load16(p + 2);
    if (total < static_cast<size_t>(p[0] & 0x0f) * 4 || total > packet.length) {
      return absl::InvalidArgumentError(
          absl::StrCat("inner packet: IPv4 total length ", total,
                       " does not fit the ", packet.length, "-byte payload"));
    }
    packet.length = total;
    return absl::OkStatus();
  }
  if (next_header == kProtocolIpv6) {
    if (packet.length < kIpv6HeaderSize || (p[0] >> 4) != 6) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inner packet: not an IPv6 header (", packet.length, " bytes)"));
    }
    const size_t total = kIpv6HeaderSize + Load16(p + 4);
    if (total > packet.length) {
      return absl::InvalidArgumentError(
          absl::StrCat("inner packet: IPv6 payload length ", total - 40,
                       " does not fit the ", packet.length, "-byte payload"));
    }
    packet.length = total;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("next header ", next_header,
                   " is not IPv4 (4) or IPv6 (41) in tunnel mode"));
}

// The selector fields of a checked inner packet (CheckInnerPacket passed).
// Ports are read for TCP, UDP and SCTP first fragments; ICMP and ICMPv6 put
// type and code (type in the high byte) in both ports (RFC 7296 section
// 3.13.1); anything else leaves them 0.
absl::Status CheckSelectors(SecurityAssociation& sa, const FiveTuple& tuple) {
  if (SelectorsMatch(sa.local_selectors(), sa.remote_selectors(), tuple,
                     /*outbound=*/false)) {
    return absl::OkStatus();
  }
  ++sa.mutable_counters().selector_mismatches;
  return absl::PermissionDeniedError(
      absl::StrCat("inner packet ", tuple.source.ToString(), " -> ",
                   tuple.destination.ToString(), " protocol ", tuple.protocol,
                   " is outside the SA's traffic selectors"));
}

FiveTuple InnerFiveTuple(const PacketBuffer& packet, uint8_t next_header) {
  const uint8_t* p = packet.data();
  FiveTuple tuple;
  size_t header_size = 0;
  bool first_fragment = true;
  if (next_header == kProtocolIpv4) {
    tuple.source = IpAddress::FromBytes(absl::MakeConstSpan(p + 12, 4));
    tuple.destination = IpAddress::FromBytes(absl::MakeConstSpan(p + 16, 4));
    tuple.protocol = p[9];
    header_size = static_cast<size_t>(p[0] & 0x0f) * 4;
    first_fragment = (Load16(p + 6) & 0x1fff) == 0;
  } else {
    tuple.source = IpAddress::FromBytes(absl::MakeConstSpan(p + 8, 16));
    tuple.destination = IpAddress::FromBytes(absl::MakeConstSpan(p + 24, 16));
    tuple.protocol = p[6];
    header_size = kIpv6HeaderSize;
    while ((tuple.protocol == 0 || tuple.protocol == 43 ||
            tuple.protocol == 60 || tuple.protocol == 44) &&
           packet.length - header_size >= 8) {
      if (tuple.protocol == 44) {
        first_fragment = (Load16(p + header_size + 2) & 0xfff8) == 0;
        tuple.protocol = p[header_size];
        header_size += 8;
        continue;
      }
      const size_t ext = (static_cast<size_t>(p[header_size + 1]) + 1) * 8;
      if (ext > packet.length - header_size) break;
      tuple.protocol = p[header_size];
      header_size += ext;
    }
  }
  if (!first_fragment || packet.length < header_size + 4) return tuple;
  const uint8_t* l4 = p + header_size;
  switch (tuple.protocol) {
    case 6:    // TCP
    case 17:   // UDP
    case 132:  // SCTP
      tuple.source_port = Load16(l4);
      tuple.destination_port = Load16(l4 + 2);
      break;
    case 1:   // ICMP
    case 58:  // ICMPv6
      tuple.source_port = tuple.destination_port = Load16(l4);
      break;
    default:
      break;
  }
  return tuple;
}

}  // namespace

namespace {

// Transport mode: the outer addresses are the packet's own, the protocol the
// next header, the ports those of the decrypted upper-layer header.
FiveTuple TransportFiveTuple(const PacketBuffer& packet, uint8_t next_header,
                             const IpAddress& source,
                             const IpAddress& destination) {
  FiveTuple tuple;
  tuple.source = source;
  tuple.destination = destination;
  tuple.protocol = next_header;
  if (packet.length >= 4) {
    const uint8_t* l4 = packet.data();
    switch (next_header) {
      case 6:
      case 17:
      case 132:
        tuple.source_port = Load16(l4);
        tuple.destination_port = Load16(l4 + 2);
        break;
      case 1:
      case 58:
        tuple.source_port = tuple.destination_port = Load16(l4);
        break;
      default:
        break;
    }
  }
  return tuple;
}

// EspOpen, plus the transport-mode selector check when the outer addresses
// are known (Decapsulate).
absl::Status OpenOnSa(SecurityAssociation& sa, PacketBuffer& packet,
                      uint8_t* next_header, const IpAddress* outer_source,
                      const IpAddress* outer_destination) {
  SaCounters& counters = sa.mutable_counters();
  uint32_t spi = 0;
  uint32_t sequence_low = 0;
  absl::Status status = ReadEspHeader(packet.span(), &spi, &sequence_low);
  if (!status.ok()) {
    ++counters.malformed;
    return status;
  }
  if (spi != sa.spi()) {
    ++counters.malformed;
    return absl::NotFoundError(absl::StrFormat("unknown SPI 0x%08x", spi));
  }
  if (sa.direction() != SaDirection::kInbound) {
    return absl::FailedPreconditionError(
        absl::StrFormat("SA 0x%08x is outbound: it cannot open", spi));
  }
  status = sa.CheckUsable();
  if (!status.ok()) return status;
  absl::StatusOr<uint64_t> sequence = sa.CheckReplay(sequence_low);
  if (!sequence.ok()) return sequence.status();
  status = OpenEspPayload(sa.transform(), sa.extended_sequence_numbers(),
                          static_cast<uint32_t>(*sequence >> 32), packet,
                          next_header);
  if (!status.ok()) {
    CountInboundError(status, counters);
    return status;
  }
  // The ICV verified: the packet is authentic, so it may move the window,
  // even if its contents turn out to be unusable below.
  sa.AcceptSequence(*sequence);
  const bool has_selectors =
      !sa.local_selectors().empty() || !sa.remote_selectors().empty();
  if (*next_header == kProtocolNoNextHeader) {
    // A dummy packet (RFC 4303 section 2.6) carries nothing to check.
  } else if (sa.mode() == SaMode::kTunnel) {
    status = CheckInnerPacket(*next_header, packet);
    if (!status.ok()) {
      ++counters.malformed;
      return status;
    }
    if (has_selectors) {
      status = CheckSelectors(sa, InnerFiveTuple(packet, *next_header));
      if (!status.ok()) return status;
    }
  } else if (has_selectors && outer_source != nullptr) {
    status = CheckSelectors(
        sa, TransportFiveTuple(packet, *next_header, *outer_source,
                               *outer_destination));
    if (!status.ok()) return status;
  }
  sa.RecordPacket(packet.length);
  return absl::OkStatus();
}

}  // namespace

absl::Status EspOpen(SecurityAssociation& sa, PacketBuffer& packet,
                     uint8_t* next_header) {
  return OpenOnSa(sa, packet, next_header, nullptr, nullptr);
}

absl::Status Encapsulate(SecurityAssociation& sa, PacketBuffer& packet,
                         crypto::Random& random, uint8_t transport_protocol) {
  uint8_t next_header = transport_protocol;
  uint8_t traffic_class = 0;
  if (sa.mode() == SaMode::kTunnel) {
    if (packet.length == 0) {
      ++sa.mutable_counters().malformed;
      return absl::InvalidArgumentError("inner packet: empty");
    }
    const uint8_t* p = packet.data();
    const uint8_t version = p[0] >> 4;
    if (version == 4 && packet.length >= kIpv4HeaderSize) {
      next_header = kProtocolIpv4;
      // RFC 4301 section 5.1.2.1: the outer DS field copies the inner one.
      traffic_class = p[1];
    } else if (version == 6 && packet.length >= kIpv6HeaderSize) {
      next_header = kProtocolIpv6;
      traffic_class = static_cast<uint8_t>(((p[0] & 0x0f) << 4) | (p[1] >> 4));
    } else {
      ++sa.mutable_counters().malformed;
      return absl::InvalidArgumentError(
          absl::StrCat("inner packet: IP version ", version, " in ",
                       packet.length, " bytes is not IPv4 or IPv6"));
    }
  }
  const bool v4 = sa.local_address().is_v4();
  const size_t ip_size = v4 ? kIpv4HeaderSize : kIpv6HeaderSize;
  const bool udp = sa.udp_encapsulation().has_value();
  const size_t outer = ip_size + (udp ? kUdpHeaderSize : 0);
  const EspTransform& transform = sa.transform();
  const size_t max_esp =
      packet.length + transform.overhead() + transform.block_size() + 1;
  if (outer + max_esp > kMaxIpLength + (v4 ? 0 : kIpv6HeaderSize)) {
    ++sa.mutable_counters().malformed;
    return absl::InvalidArgumentError(absl::StrCat(
        "packet too long: ", packet.length, " bytes do not fit one ",
        v4 ? "IPv4" : "IPv6", " packet after ESP"));
  }
  if (packet.headroom() < outer + kEspHeaderSize + transform.iv_size()) {
    ++sa.mutable_counters().no_room;
    return NoRoom("outer headers and ESP header headroom",
                  outer + kEspHeaderSize + transform.iv_size(),
                  packet.headroom());
  }
  // A static default, not the `= {}` argument: that temporary is stored just
  // before EspSeal reloads it wider (a store-forwarding stall per packet).
  static constexpr SealOptions kNoOptions;
  absl::Status status = EspSeal(sa, next_header, packet, random, kNoOptions);
  if (!status.ok()) return status;
  const size_t esp_length = packet.length;
  packet.offset -= outer;
  packet.length += outer;
  uint8_t* p = packet.data();
  const uint8_t protocol = udp ? kProtocolUdp : kProtocolEsp;
  if (v4) {
    const uint16_t first_word = static_cast<uint16_t>(0x4500 | traffic_class);
    const uint16_t total_length = static_cast<uint16_t>(packet.length);
    // The identification only matters if the packet gets fragmented; the
    // sequence number is unique per SA, which is all RFC 6864 asks.
    const uint16_t identification =
        static_cast<uint16_t>(sa.last_sequence_number());
    const uint16_t ttl_protocol =
        static_cast<uint16_t>((sa.outer_ttl() << 8) | protocol);
    const uint8_t* source = sa.local_address().bytes().data();
    const uint8_t* destination = sa.remote_address().bytes().data();
    // The checksum is summed from the values, not read back from the
    // header just written (that read stalls on store forwarding).
    uint64_t sum =
        uint64_t{first_word} + total_length + identification + ttl_protocol;
    sum = SumWords(source, 4, sum);
    sum = SumWords(destination, 4, sum);
    Store16(first_word, p);
    Store16(total_length, p + 2);
    Store16(identification, p + 4);
    Store16(0, p + 6);
    Store16(ttl_protocol, p + 8);
    Store16(FoldChecksum(sum), p + 10);
    std::memcpy(p + 12, source, 4);
    std::memcpy(p + 16, destination, 4);
  } else {
    Store32(0x60000000u | (static_cast<uint32_t>(traffic_class) << 20), p);
    Store16(static_cast<uint16_t>(packet.length - kIpv6HeaderSize), p + 4);
    p[6] = protocol;
    p[7] = sa.outer_ttl();
    std::memcpy(p + 8, sa.local_address().bytes().data(), 16);
    std::memcpy(p + 24, sa.remote_address().bytes().data(), 16);
  }
  if (udp) {
    uint8_t* u = p + ip_size;
    const uint16_t udp_length =
        static_cast<uint16_t>(kUdpHeaderSize + esp_length);
    Store16(sa.udp_encapsulation()->local_port, u);
    Store16(sa.udp_encapsulation()->remote_port, u + 2);
    Store16(udp_length, u + 4);
    Store16(0, u + 6);
    if (!v4) {
      // RFC 8200 section 8.1: IPv6 UDP needs a checksum (RFC 3948 section
      // 2.1's zero checksum is an IPv4 allowance).
      uint64_t sum = SumWords(p + 8, 32, 0);
      sum += kProtocolUdp;
      sum += udp_length;
      sum = SumWords(u, udp_length, sum);
      uint16_t checksum = FoldChecksum(sum);
      if (checksum == 0) checksum = 0xffff;
      Store16(checksum, u + 6);
    }
  }
  return absl::OkStatus();
}

absl::Status Decapsulate(SaLookup lookup, PacketBuffer& packet,
                         DecapsulationCounters& counters, Decapsulated* out) {
  // From a constant, not `*out = Decapsulated()`: GCC builds that temporary
  // on the stack and copies it with wide loads right behind its narrow
  // stores, a store-forwarding stall on every packet (perf showed it as the
  // hottest spot of Decapsulate).
  static constexpr Decapsulated kFresh;
  *out = kFresh;
  auto malformed = [&counters](absl::Status status) {
    ++counters.malformed;
    return status;
  };
  if (packet.offset > packet.storage.size() ||
      packet.length > packet.storage.size() - packet.offset) {
    return malformed(
        absl::InvalidArgumentError("packet buffer: length past storage"));
  }
  if (packet.length < 1) return malformed(TooShort(packet.length));
  const uint8_t* p = packet.data();
  const uint8_t version = p[0] >> 4;
  size_t header_size = 0;
  uint8_t protocol = 0;
  if (version == 4) {
    if (packet.length < kIpv4HeaderSize)
      return malformed(TooShort(packet.length));
    header_size = static_cast<size_t>(p[0] & 0x0f) * 4;
    const size_t total = Load16(p + 2);
    if (header_size < kIpv4HeaderSize || total < header_size ||
        total > packet.length) {
      return malformed(absl::InvalidArgumentError(absl::StrCat(
          "outer IPv4: header length ", header_size, " / total length ", total,
          " do not fit ", packet.length, " bytes")));
    }
    if (FoldChecksum(SumWords(p, header_size, 0)) != 0) {
      return malformed(
          absl::InvalidArgumentError("outer IPv4: header checksum wrong"));
    }
    if ((Load16(p + 6) & 0x3fff) != 0) {
      return malformed(absl::InvalidArgumentError(
          "outer IPv4: fragment (reassemble before ESP)"));
    }
    protocol = p[9];
    out->outer_source.AssignBytes(absl::MakeConstSpan(p + 12, 4));
    out->outer_destination.AssignBytes(absl::MakeConstSpan(p + 16, 4));
    packet.length = total;  // drop link-layer padding
  } else if (version == 6) {
    if (packet.length < kIpv6HeaderSize)
      return malformed(TooShort(packet.length));
    const size_t total = kIpv6HeaderSize + Load16(p + 4);
    if (total > packet.length || total == kIpv6HeaderSize) {
      return malformed(absl::InvalidArgumentError(
          absl::StrCat("outer IPv6: payload length ", total - kIpv6HeaderSize,
                       " does not fit ", packet.length, " bytes")));
    }
    packet.length = total;
    out->outer_source.AssignBytes(absl::MakeConstSpan(p + 8, 16));
    out->outer_destination.AssignBytes(absl::MakeConstSpan(p + 24, 16));
    protocol = p[6];
    header_size = kIpv6HeaderSize;
    // Skip the extension headers that may precede ESP (RFC 8200 4.1).
    while (protocol == 0 || protocol == 43 || protocol == 60) {
      if (packet.length - header_size < 8) {
        return malformed(absl::InvalidArgumentError(
            "outer IPv6: truncated extension header"));
      }
      const size_t ext = (static_cast<size_t>(p[header_size + 1]) + 1) * 8;
      if (ext > packet.length - header_size) {
        return malformed(absl::InvalidArgumentError(absl::StrCat(
            "outer IPv6: extension header of ", ext, " bytes overruns")));
      }
      protocol = p[header_size];
      header_size += ext;
    }
    if (protocol == 44) {
      return malformed(absl::InvalidArgumentError(
          "outer IPv6: fragment (reassemble before ESP)"));
    }
  } else {
    return malformed(absl::InvalidArgumentError(
        absl::StrCat("outer header: IP version ", version)));
  }
  packet.offset += header_size;
  packet.length -= header_size;
  if (protocol == kProtocolUdp) {
    p = packet.data();
    if (packet.length < kUdpHeaderSize)
      return malformed(TooShort(packet.length));
    const size_t udp_length = Load16(p + 4);
    if (udp_length < kUdpHeaderSize || udp_length > packet.length) {
      return malformed(absl::InvalidArgumentError(
          absl::StrCat("UDP length ", udp_length, " does not fit ",
                       packet.length, " bytes")));
    }
    out->udp_encapsulated = true;
    out->udp_source_port = Load16(p);
    out->udp_destination_port = Load16(p + 2);
    packet.offset += kUdpHeaderSize;
    packet.length = udp_length - kUdpHeaderSize;
    p = packet.data();
    if (packet.length == 1 && p[0] == 0xff) {
      ++counters.nat_keepalives;
      out->kind = DecapsulatedKind::kNatKeepalive;
      packet.length = 0;
      return absl::OkStatus();
    }
    if (packet.length >= 4 && Load32(p) == 0) {
      ++counters.ike_packets;
      out->kind = DecapsulatedKind::kIke;
      packet.offset += 4;
      packet.length -= 4;
      return absl::OkStatus();
    }
  } else if (protocol != kProtocolEsp) {
    return malformed(absl::InvalidArgumentError(
        absl::StrCat("outer header: protocol ", protocol,
                     " is not ESP (50) "
                     "or UDP (17)")));
  }
  uint32_t spi = 0;
  uint32_t sequence_low = 0;
  absl::Status status = ReadEspHeader(packet.span(), &spi, &sequence_low);
  if (!status.ok()) return malformed(status);
  SecurityAssociation* sa = lookup(spi, out->outer_destination);
  if (sa == nullptr) {
    ++counters.unknown_spi;
    return absl::NotFoundError(absl::StrFormat("unknown SPI 0x%08x", spi));
  }
  out->sa = sa;
  status = OpenOnSa(*sa, packet, &out->next_header, &out->outer_source,
                    &out->outer_destination);
  if (!status.ok()) return status;
  out->kind = out->next_header == kProtocolNoNextHeader
                  ? DecapsulatedKind::kDummy
                  : DecapsulatedKind::kPacket;
  return absl::OkStatus();
}

size_t EncapsulateBurst(SecurityAssociation& sa,
                        absl::Span<PacketBuffer> packets,
                        crypto::Random& random,
                        absl::Span<absl::Status> results,
                        uint8_t transport_protocol) {
  size_t sealed = 0;
  const size_t count = std::min(packets.size(), results.size());
  for (size_t i = 0; i < count; ++i) {
    results[i] = Encapsulate(sa, packets[i], random, transport_protocol);
    if (results[i].ok()) ++sealed;
  }
  return sealed;
}

size_t DecapsulateBurst(SaLookup lookup, absl::Span<PacketBuffer> packets,
                        DecapsulationCounters& counters,
                        absl::Span<Decapsulated> out,
                        absl::Span<absl::Status> results) {
  size_t opened = 0;
  const size_t count =
      std::min(packets.size(), std::min(out.size(), results.size()));
  for (size_t i = 0; i < count; ++i) {
    results[i] = Decapsulate(lookup, packets[i], counters, &out[i]);
    if (results[i].ok()) ++opened;
  }
  return opened;
}

}  // namespace cygnet::ipsec
