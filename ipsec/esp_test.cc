#include "ipsec/esp.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

struct Algorithms {
  EspCipher cipher;
  EspIntegrity integrity;
};

constexpr Algorithms kAlgorithms[] = {
    {EspCipher::kAesGcm128, EspIntegrity::kNone},
    {EspCipher::kAesGcm256, EspIntegrity::kNone},
    {EspCipher::kChaCha20Poly1305, EspIntegrity::kNone},
    {EspCipher::kAesCbc128, EspIntegrity::kHmacSha1_96},
    {EspCipher::kAesCbc192, EspIntegrity::kHmacSha256_128},
    {EspCipher::kAesCbc256, EspIntegrity::kHmacSha256_128},
    {EspCipher::kAesCbc256, EspIntegrity::kHmacSha384_192},
    {EspCipher::kAesCbc256, EspIntegrity::kHmacSha512_256},
    {EspCipher::kNull, EspIntegrity::kHmacSha256_128},
};

struct PairOptions {
  Algorithms algorithms = {EspCipher::kAesGcm256, EspIntegrity::kNone};
  SaMode mode = SaMode::kTunnel;
  bool v4 = true;
  bool udp = false;
  bool esn = false;
  uint32_t window = 64;
  uint64_t first_sequence = 1;
  LifetimeLimits lifetime;
};

// An outbound SA on host A and the matching inbound SA on host B.
struct SaPair {
  SecurityAssociation out;
  SecurityAssociation in;
};

SaPair MakePair(const PairOptions& o) {
  crypto::DeterministicRandom random(42);
  crypto::SecretBytes enc =
      random.Secret(EspEncryptionKeySize(o.algorithms.cipher));
  crypto::SecretBytes integ =
      random.Secret(EspIntegrityKeySize(o.algorithms.integrity));
  const IpAddress a = *IpAddress::Parse(o.v4 ? "192.0.2.1" : "2001:db8::1");
  const IpAddress b =
      *IpAddress::Parse(o.v4 ? "198.51.100.7" : "2001:db8:1::7");
  auto make = [&](SaDirection direction) {
    SaConfig config;
    config.spi = 0x1000abcd;
    config.direction = direction;
    config.mode = o.mode;
    config.local_address = direction == SaDirection::kOutbound ? a : b;
    config.remote_address = direction == SaDirection::kOutbound ? b : a;
    config.cipher = o.algorithms.cipher;
    config.integrity = o.algorithms.integrity;
    config.encryption_key = enc.Clone();
    config.integrity_key = integ.Clone();
    config.extended_sequence_numbers = o.esn;
    config.replay_window_size = o.window;
    config.first_sequence_number = o.first_sequence;
    config.lifetime = o.lifetime;
    if (o.udp) config.udp_encapsulation = UdpEncapsulation{4500, 4500};
    auto sa = SecurityAssociation::Create(std::move(config), kStart);
    EXPECT_TRUE(sa.ok()) << sa.status();
    return *std::move(sa);
  };
  return SaPair{make(SaDirection::kOutbound), make(SaDirection::kInbound)};
}

// An inner IPv4/UDP or IPv6/UDP packet with `payload_size` bytes of data.
std::vector<uint8_t> InnerPacket(bool v4, size_t payload_size,
                                 uint8_t fill = 0x5a) {
  const size_t ip = v4 ? 20 : 40;
  std::vector<uint8_t> p(ip + 8 + payload_size, fill);
  const size_t total = p.size();
  if (v4) {
    const uint8_t header[20] = {0x45,
                                0x10,
                                static_cast<uint8_t>(total >> 8),
                                static_cast<uint8_t>(total),
                                0,
                                1,
                                0,
                                0,
                                64,
                                17,
                                0,
                                0,
                                10,
                                0,
                                0,
                                1,
                                10,
                                0,
                                0,
                                2};
    std::memcpy(p.data(), header, 20);
  } else {
    std::memset(p.data(), 0, 40);
    p[0] = 0x60;
    p[4] = static_cast<uint8_t>((total - 40) >> 8);
    p[5] = static_cast<uint8_t>(total - 40);
    p[6] = 17;
    p[7] = 64;
    p[23] = 1;
    p[39] = 2;
  }
  p[ip] = 0x30;  // source port 12345
  p[ip + 1] = 0x39;
  p[ip + 2] = 0x00;  // destination port 53
  p[ip + 3] = 53;
  p[ip + 4] = static_cast<uint8_t>((8 + payload_size) >> 8);
  p[ip + 5] = static_cast<uint8_t>(8 + payload_size);
  return p;
}

// A caller buffer with the usual head- and tailroom.
struct Buffer {
  std::vector<uint8_t> storage;
  PacketBuffer packet;

  explicit Buffer(const std::vector<uint8_t>& data,
                  size_t headroom = kMaxEncapsulationHeadroom,
                  size_t tailroom = kMaxEncapsulationTailroom)
      : storage(headroom + data.size() + tailroom) {
    // memcpy from an empty vector's null data() is undefined (UBSan).
    if (!data.empty()) {
      std::memcpy(storage.data() + headroom, data.data(), data.size());
    }
    packet = PacketBuffer{absl::MakeSpan(storage), headroom, data.size()};
  }
  std::vector<uint8_t> bytes() const {
    return std::vector<uint8_t>(packet.span().begin(), packet.span().end());
  }
};

// Copies an outer packet into a fresh buffer (as a receiver would get it).
Buffer Received(const Buffer& sent) { return Buffer(sent.bytes(), 0, 0); }

uint16_t Sum(const uint8_t* data, size_t size) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < size; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (size % 2) sum += data[size - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

class Receiver {
 public:
  explicit Receiver(SecurityAssociation* sa) : sa_(sa) {}
  absl::Status Receive(Buffer& buffer, Decapsulated* out) {
    return Decapsulate(
        [this](uint32_t spi, const IpAddress&) -> SecurityAssociation* {
          return spi == sa_->spi() ? sa_ : nullptr;
        },
        buffer.packet, counters_, out);
  }
  DecapsulationCounters& counters() { return counters_; }

 private:
  SecurityAssociation* sa_;
  DecapsulationCounters counters_;
};

struct RoundTripCase {
  Algorithms algorithms;
  SaMode mode;
  bool v4;
  bool udp;
  bool esn;
};

std::string CaseName(const testing::TestParamInfo<RoundTripCase>& info) {
  const RoundTripCase& c = info.param;
  std::string name = absl::StrCat(EspCipherName(c.algorithms.cipher), "_",
                                  EspIntegrityName(c.algorithms.integrity), "_",
                                  SaModeName(c.mode), c.v4 ? "_v4" : "_v6",
                                  c.udp ? "_udp" : "", c.esn ? "_esn" : "");
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

std::vector<RoundTripCase> AllCases() {
  std::vector<RoundTripCase> cases;
  for (const Algorithms& a : kAlgorithms) {
    for (SaMode mode : {SaMode::kTunnel, SaMode::kTransport}) {
      for (bool v4 : {true, false}) {
        for (bool udp : {false, true}) {
          cases.push_back({a, mode, v4, udp, /*esn=*/udp && !v4});
        }
      }
    }
  }
  return cases;
}

class EspRoundTripTest : public testing::TestWithParam<RoundTripCase> {};

TEST_P(EspRoundTripTest, SealsAndOpensEverySize) {
  const RoundTripCase& c = GetParam();
  PairOptions options;
  options.algorithms = c.algorithms;
  options.mode = c.mode;
  options.v4 = c.v4;
  options.udp = c.udp;
  options.esn = c.esn;
  SaPair pair = MakePair(options);
  crypto::DeterministicRandom random(7);
  Receiver receiver(&pair.in);
  uint64_t bytes = 0;
  for (size_t size = 0; size < 40; ++size) {
    // Tunnel: an inner packet (of the other family half of the time);
    // transport: a bare UDP-like payload.
    const std::vector<uint8_t> inner = c.mode == SaMode::kTunnel
                                           ? InnerPacket(size % 2 == 0, size)
                                           : std::vector<uint8_t>(size, 0xa5);
    Buffer buffer(inner);
    ASSERT_TRUE(Encapsulate(pair.out, buffer.packet, random, 17).ok());
    const std::vector<uint8_t> outer = buffer.bytes();
    // Outer header: family, protocol, addresses, lengths, checksum.
    const size_t ip = c.v4 ? 20 : 40;
    ASSERT_GT(outer.size(), ip);
    if (c.v4) {
      EXPECT_EQ(outer[0], 0x45);
      EXPECT_EQ((outer[2] << 8) | outer[3], static_cast<int>(outer.size()));
      EXPECT_EQ(outer[9], c.udp ? 17 : 50);
      EXPECT_EQ(Sum(outer.data(), 20), 0xffff);
      EXPECT_EQ(IpAddress::FromBytes(absl::MakeConstSpan(&outer[12], 4)),
                pair.out.local_address());
    } else {
      EXPECT_EQ(outer[0] >> 4, 6);
      EXPECT_EQ((outer[4] << 8) | outer[5],
                static_cast<int>(outer.size() - 40));
      EXPECT_EQ(outer[6], c.udp ? 17 : 50);
    }
    size_t esp_offset = ip;
    if (c.udp) {
      EXPECT_EQ((outer[ip] << 8) | outer[ip + 1], 4500);
      EXPECT_EQ((outer[ip + 2] << 8) | outer[ip + 3], 4500);
      EXPECT_EQ((outer[ip + 4] << 8) | outer[ip + 5],
                static_cast<int>(outer.size() - ip));
      esp_offset += 8;
    }
    // SPI and sequence number; AEAD IV = 64-bit sequence number.
    const uint64_t sequence = size + 1;
    EXPECT_EQ(outer[esp_offset + 3], 0xcd);
    EXPECT_EQ(outer[esp_offset + 7], static_cast<uint8_t>(sequence));
    if (pair.out.transform().is_aead()) {
      for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(outer[esp_offset + 8 + i],
                  static_cast<uint8_t>(sequence >> (56 - 8 * i)));
      }
    }
    const size_t text =
        outer.size() - esp_offset - pair.out.transform().overhead();
    EXPECT_EQ(text % pair.out.transform().block_size(), 0u);

    Buffer received = Received(buffer);
    Decapsulated result;
    absl::Status status = receiver.Receive(received, &result);
    ASSERT_TRUE(status.ok()) << status << " size " << size;
    EXPECT_EQ(result.kind, DecapsulatedKind::kPacket);
    EXPECT_EQ(result.sa, &pair.in);
    EXPECT_EQ(result.udp_encapsulated, c.udp);
    EXPECT_EQ(result.outer_source, pair.out.local_address());
    EXPECT_EQ(result.outer_destination, pair.out.remote_address());
    EXPECT_EQ(result.next_header, c.mode == SaMode::kTransport ? 17
                                  : size % 2 == 0              ? kProtocolIpv4
                                                               : kProtocolIpv6);
    EXPECT_EQ(received.bytes(), inner);
    bytes += inner.size();
  }
  EXPECT_EQ(pair.out.counters().packets, 40u);
  EXPECT_EQ(pair.in.counters().packets, 40u);
  EXPECT_EQ(pair.in.counters().bytes, bytes);
  EXPECT_EQ(pair.out.counters().bytes, bytes);
  EXPECT_EQ(pair.in.replay_window().highest(), 40u);
}

INSTANTIATE_TEST_SUITE_P(All, EspRoundTripTest, testing::ValuesIn(AllCases()),
                         CaseName);

// ---- Helpers for the error tests: one sealed ESP packet (SPI..ICV). ----

std::vector<uint8_t> SealEsp(SecurityAssociation& sa,
                             const std::vector<uint8_t>& payload,
                             uint8_t next_header) {
  crypto::DeterministicRandom random(3);
  Buffer buffer(payload);
  EXPECT_TRUE(EspSeal(sa, next_header, buffer.packet, random).ok());
  return buffer.bytes();
}

absl::Status OpenEsp(SecurityAssociation& sa, const std::vector<uint8_t>& esp,
                     std::vector<uint8_t>* payload = nullptr) {
  Buffer buffer(esp, 0, 0);
  uint8_t next_header = 0;
  absl::Status status = EspOpen(sa, buffer.packet, &next_header);
  if (payload != nullptr) *payload = buffer.bytes();
  return status;
}

TEST(EspErrors, TruncatedAtEveryLength) {
  for (const Algorithms& a : kAlgorithms) {
    PairOptions options;
    options.algorithms = a;
    SaPair pair = MakePair(options);
    const std::vector<uint8_t> esp =
        SealEsp(pair.out, InnerPacket(true, 30), kProtocolIpv4);
    for (size_t length = 0; length < esp.size(); ++length) {
      std::vector<uint8_t> cut(esp.begin(), esp.begin() + length);
      absl::Status status = OpenEsp(pair.in, cut);
      EXPECT_FALSE(status.ok()) << length;
      if (length < 8) {
        EXPECT_EQ(status.message(),
                  absl::StrCat("packet too short: ", length, " bytes"));
      }
    }
    EXPECT_TRUE(OpenEsp(pair.in, esp).ok());
    EXPECT_EQ(pair.in.counters().packets, 1u);
    EXPECT_EQ(
        pair.in.counters().malformed + pair.in.counters().integrity_failures,
        esp.size());
  }
}

TEST(EspErrors, UnknownSpi) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  Buffer buffer(InnerPacket(true, 10));
  ASSERT_TRUE(Encapsulate(pair.out, buffer.packet, random).ok());
  Buffer received = Received(buffer);
  received.storage[20 + 3] ^= 0x01;  // SPI 0x1000abcc
  Receiver receiver(&pair.in);
  Decapsulated result;
  absl::Status status = receiver.Receive(received, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "unknown SPI 0x1000abcc");
  EXPECT_EQ(receiver.counters().unknown_spi, 1u);
  // Directly on the wrong SA too.
  std::vector<uint8_t> esp = SealEsp(pair.out, InnerPacket(true, 10), 4);
  esp[0] = 0x20;
  EXPECT_EQ(OpenEsp(pair.in, esp).message(), "unknown SPI 0x2000abcd");
}

TEST(EspErrors, BadIcvOnEveryByteAndTheWindowStaysPut) {
  for (const Algorithms& a : kAlgorithms) {
    PairOptions options;
    options.algorithms = a;
    SaPair pair = MakePair(options);
    const std::vector<uint8_t> esp =
        SealEsp(pair.out, InnerPacket(false, 21), kProtocolIpv6);
    size_t failures = 0;
    for (size_t i = 8; i < esp.size(); ++i) {
      std::vector<uint8_t> bad = esp;
      bad[i] ^= 0x80;
      absl::Status status = OpenEsp(pair.in, bad);
      EXPECT_EQ(status.message(), "integrity check failed") << i;
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
      ++failures;
    }
    // A changed sequence number (in the header) fails the ICV as well.
    std::vector<uint8_t> moved = esp;
    moved[7] = 0x44;
    EXPECT_EQ(OpenEsp(pair.in, moved).message(), "integrity check failed");
    ++failures;
    EXPECT_EQ(pair.in.counters().integrity_failures, failures);
    EXPECT_EQ(pair.in.replay_window().highest(), 0u);
    EXPECT_TRUE(OpenEsp(pair.in, esp).ok());
    EXPECT_EQ(pair.in.replay_window().highest(), 1u);
  }
}

// Seals a hand-made plaintext (payload, padding, trailer) so the padding can
// be wrong under a valid ICV.
std::vector<uint8_t> SealRawText(SecurityAssociation& sa,
                                 const std::vector<uint8_t>& text) {
  const EspTransform& t = sa.transform();
  std::vector<uint8_t> esp(t.overhead() + text.size());
  const uint64_t sequence = *sa.NextSequenceNumber();
  const uint8_t header[8] = {0x10, 0x00, 0xab, 0xcd,
                             0,    0,    0,    static_cast<uint8_t>(sequence)};
  std::memcpy(esp.data(), header, 8);
  for (size_t i = 0; i < t.iv_size(); ++i) esp[8 + i] = 0;
  if (t.is_aead()) esp[8 + 7] = static_cast<uint8_t>(sequence);
  std::memcpy(esp.data() + 8 + t.iv_size(), text.data(), text.size());
  EXPECT_TRUE(t.Seal(absl::MakeSpan(esp), false, 0).ok());
  return esp;
}

TEST(EspErrors, BadPadding) {
  for (const Algorithms& a : kAlgorithms) {
    PairOptions options;
    options.algorithms = a;
    options.mode = SaMode::kTransport;
    SaPair pair = MakePair(options);
    // 10 payload bytes, 4 pad bytes that are not 1, 2, 3, 4.
    std::vector<uint8_t> text(16, 0x77);
    text[10] = 1;
    text[11] = 2;
    text[12] = 9;
    text[13] = 4;
    text[14] = 4;   // pad length
    text[15] = 17;  // next header
    absl::Status status = OpenEsp(pair.in, SealRawText(pair.out, text));
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(status.message(), "bad padding: pad bytes are not 1..4");
    // Pad length beyond the payload.
    text[14] = 15;
    status = OpenEsp(pair.in, SealRawText(pair.out, text));
    EXPECT_EQ(status.message(),
              "bad padding: pad length 15 exceeds the 16-byte payload");
    EXPECT_EQ(pair.in.counters().padding_errors, 2u);
    // The right padding opens.
    text[12] = 3;
    text[14] = 4;
    std::vector<uint8_t> payload;
    EXPECT_TRUE(OpenEsp(pair.in, SealRawText(pair.out, text), &payload).ok());
    EXPECT_EQ(payload, std::vector<uint8_t>(10, 0x77));
  }
}

TEST(EspErrors, InnerPacketMustBeWhatNextHeaderSays) {
  SaPair pair = MakePair({});
  // Next header 4 but an IPv6 packet inside.
  absl::Status status =
      OpenEsp(pair.in, SealEsp(pair.out, InnerPacket(false, 4), kProtocolIpv4));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // IPv4 total length longer than what arrived.
  std::vector<uint8_t> inner = InnerPacket(true, 4);
  inner[3] += 1;
  status = OpenEsp(pair.in, SealEsp(pair.out, inner, kProtocolIpv4));
  EXPECT_EQ(status.message(),
            "inner packet: IPv4 total length 33 does not fit the 32-byte "
            "payload");
  // Next header 6 (TCP) in tunnel mode.
  status = OpenEsp(pair.in, SealEsp(pair.out, InnerPacket(true, 4), 6));
  EXPECT_EQ(status.message(),
            "next header 6 is not IPv4 (4) or IPv6 (41) in tunnel mode");
  EXPECT_EQ(pair.in.counters().malformed, 3u);
  // TFC padding after the inner packet is trimmed (RFC 4303 section 2.7).
  std::vector<uint8_t> padded = InnerPacket(true, 4);
  const std::vector<uint8_t> original = padded;
  padded.resize(padded.size() + 11, 0);
  std::vector<uint8_t> payload;
  EXPECT_TRUE(
      OpenEsp(pair.in, SealEsp(pair.out, padded, kProtocolIpv4), &payload)
          .ok());
  EXPECT_EQ(payload, original);
}

TEST(EspErrors, DirectionIsEnforced) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  Buffer buffer(InnerPacket(true, 8));
  EXPECT_EQ(Encapsulate(pair.in, buffer.packet, random).message(),
            "SA 0x1000abcd is inbound: it cannot seal");
  const std::vector<uint8_t> esp = SealEsp(pair.out, InnerPacket(true, 8), 4);
  EXPECT_EQ(OpenEsp(pair.out, esp).message(),
            "SA 0x1000abcd is outbound: it cannot open");
  EXPECT_TRUE(OpenEsp(pair.in, esp).ok());
}

TEST(EspErrors, DummyPacketIsRecognised) {
  SaPair pair = MakePair({});
  Receiver receiver(&pair.in);
  crypto::DeterministicRandom random(1);
  Buffer buffer(std::vector<uint8_t>(13, 0));
  ASSERT_TRUE(
      EspSeal(pair.out, kProtocolNoNextHeader, buffer.packet, random).ok());
  // Wrap it in an outer IPv4 header by hand.
  std::vector<uint8_t> outer = {0x45, 0, 0,   0, 0, 0, 0,   0,  64,  50,
                                0,    0, 192, 0, 2, 1, 198, 51, 100, 7};
  const std::vector<uint8_t> esp = buffer.bytes();
  outer.insert(outer.end(), esp.begin(), esp.end());
  outer[2] = static_cast<uint8_t>(outer.size() >> 8);
  outer[3] = static_cast<uint8_t>(outer.size());
  const uint16_t checksum = static_cast<uint16_t>(~Sum(outer.data(), 20));
  outer[10] = static_cast<uint8_t>(checksum >> 8);
  outer[11] = static_cast<uint8_t>(checksum);
  Buffer received(outer, 0, 0);
  Decapsulated result;
  ASSERT_TRUE(receiver.Receive(received, &result).ok());
  EXPECT_EQ(result.kind, DecapsulatedKind::kDummy);
}

TEST(EspErrors, NoRoomDoesNotSpendASequenceNumber) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  Buffer no_head(InnerPacket(true, 10), 20, kMaxEncapsulationTailroom);
  absl::Status status = Encapsulate(pair.out, no_head.packet, random);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  Buffer no_tail(InnerPacket(true, 10), kMaxEncapsulationHeadroom, 3);
  status = Encapsulate(pair.out, no_tail.packet, random);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pair.out.counters().no_room, 2u);
  EXPECT_EQ(pair.out.last_sequence_number(), 0u);
  EXPECT_EQ(no_head.bytes(), InnerPacket(true, 10));
}

TEST(EspErrors, OverlongAndNonIpInnerPackets) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  std::vector<uint8_t> huge = InnerPacket(true, 65507);
  Buffer buffer(huge);
  absl::Status status = Encapsulate(pair.out, buffer.packet, random);
  EXPECT_EQ(status.message(),
            "packet too long: 65535 bytes do not fit one IPv4 packet after "
            "ESP");
  Buffer garbage(std::vector<uint8_t>(30, 0x12));
  EXPECT_FALSE(Encapsulate(pair.out, garbage.packet, random).ok());
  Buffer empty(std::vector<uint8_t>{});
  EXPECT_FALSE(Encapsulate(pair.out, empty.packet, random).ok());
  EXPECT_EQ(pair.out.counters().malformed, 3u);
}

TEST(EspErrors, OuterHeaderProblems) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  Buffer buffer(InnerPacket(true, 10));
  ASSERT_TRUE(Encapsulate(pair.out, buffer.packet, random).ok());
  const std::vector<uint8_t> good = buffer.bytes();
  Receiver receiver(&pair.in);
  Decapsulated result;
  auto receive = [&](std::vector<uint8_t> bytes) {
    Buffer b(bytes, 0, 0);
    return receiver.Receive(b, &result);
  };
  std::vector<uint8_t> bad_checksum = good;
  bad_checksum[10] ^= 1;
  EXPECT_EQ(receive(bad_checksum).message(),
            "outer IPv4: header checksum wrong");
  std::vector<uint8_t> fragment = good;
  fragment[6] = 0x20;  // more fragments
  fragment[10] = fragment[11] = 0;
  const uint16_t checksum = static_cast<uint16_t>(~Sum(fragment.data(), 20));
  fragment[10] = static_cast<uint8_t>(checksum >> 8);
  fragment[11] = static_cast<uint8_t>(checksum);
  EXPECT_EQ(receive(fragment).message(),
            "outer IPv4: fragment (reassemble before ESP)");
  std::vector<uint8_t> short_total = good;
  short_total.resize(good.size() - 1);
  EXPECT_FALSE(receive(short_total).ok());
  EXPECT_FALSE(receive({}).ok());
  EXPECT_FALSE(receive({0x45}).ok());
  EXPECT_FALSE(receive({0x75, 0, 0, 0}).ok());
  EXPECT_EQ(receiver.counters().malformed, 6u);
  // Link-layer padding after the IP packet is ignored.
  std::vector<uint8_t> trailing = good;
  trailing.push_back(0);
  EXPECT_TRUE(receive(trailing).ok());
}

TEST(EspErrors, Ipv6ExtensionHeadersBeforeEspAreSkipped) {
  PairOptions options;
  options.v4 = false;
  SaPair pair = MakePair(options);
  crypto::DeterministicRandom random(1);
  Buffer buffer(InnerPacket(false, 10));
  ASSERT_TRUE(Encapsulate(pair.out, buffer.packet, random).ok());
  std::vector<uint8_t> packet = buffer.bytes();
  // Insert an 8-byte hop-by-hop header (next header ESP, PadN).
  const uint8_t hop_by_hop[8] = {50, 0, 1, 4, 0, 0, 0, 0};
  packet.insert(packet.begin() + 40, hop_by_hop, hop_by_hop + 8);
  packet[6] = 0;
  const size_t payload = packet.size() - 40;
  packet[4] = static_cast<uint8_t>(payload >> 8);
  packet[5] = static_cast<uint8_t>(payload);
  Receiver receiver(&pair.in);
  Decapsulated result;
  Buffer received(packet, 0, 0);
  ASSERT_TRUE(receiver.Receive(received, &result).ok());
  EXPECT_EQ(received.bytes(), InnerPacket(false, 10));
  // A hop-by-hop header that claims to run past the packet.
  packet[41] = 200;
  Buffer overrun(packet, 0, 0);
  EXPECT_FALSE(receiver.Receive(overrun, &result).ok());
}

TEST(EspUdpEncapsulation, KeepaliveAndNonEspMarker) {
  PairOptions options;
  options.udp = true;
  SaPair pair = MakePair(options);
  Receiver receiver(&pair.in);
  auto udp_packet = [](const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> p = {0x45, 0,    0,    0,    0,   0, 0,   0, 64, 17,
                              0,    0,    198,  51,   100, 7, 192, 0, 2,  1,
                              0x11, 0x94, 0x11, 0x94, 0,   0, 0,   0};
    p.insert(p.end(), payload.begin(), payload.end());
    p[3] = static_cast<uint8_t>(p.size());
    p[25] = static_cast<uint8_t>(8 + payload.size());
    const uint16_t checksum = static_cast<uint16_t>(~Sum(p.data(), 20));
    p[10] = static_cast<uint8_t>(checksum >> 8);
    p[11] = static_cast<uint8_t>(checksum);
    return p;
  };
  Decapsulated result;
  Buffer keepalive(udp_packet({0xff}), 0, 0);
  ASSERT_TRUE(receiver.Receive(keepalive, &result).ok());
  EXPECT_EQ(result.kind, DecapsulatedKind::kNatKeepalive);
  EXPECT_EQ(receiver.counters().nat_keepalives, 1u);

  Buffer ike(udp_packet({0, 0, 0, 0, 0xaa, 0xbb, 0xcc}), 0, 0);
  ASSERT_TRUE(receiver.Receive(ike, &result).ok());
  EXPECT_EQ(result.kind, DecapsulatedKind::kIke);
  EXPECT_EQ(result.udp_source_port, 4500);
  EXPECT_EQ(ike.bytes(), (std::vector<uint8_t>{0xaa, 0xbb, 0xcc}));
  EXPECT_EQ(receiver.counters().ike_packets, 1u);

  // A one-byte payload that is not 0xFF, and a 5-byte "ESP" packet.
  Buffer odd(udp_packet({0x12}), 0, 0);
  EXPECT_EQ(receiver.Receive(odd, &result).message(),
            "packet too short: 1 bytes");
  Buffer bad_length(udp_packet({1, 2, 3, 4, 5}), 0, 0);
  bad_length.storage[25] = 200;  // UDP length past the packet
  EXPECT_FALSE(receiver.Receive(bad_length, &result).ok());
}

// ---- Anti-replay through the whole path ----

class EspReplayTest : public testing::TestWithParam<uint32_t> {};

TEST_P(EspReplayTest, InOrderReorderedDuplicateTooOld) {
  const uint32_t window = GetParam();
  PairOptions options;
  options.window = window;
  SaPair pair = MakePair(options);
  const size_t count = window + 40;
  std::vector<std::vector<uint8_t>> packets;
  for (size_t i = 0; i < count; ++i) {
    packets.push_back(SealEsp(pair.out, InnerPacket(true, 8), kProtocolIpv4));
  }
  // Deliver 1..10 in order, then the rest except every third, then the
  // skipped ones that are still inside the window (reordered).
  for (size_t i = 0; i < 10; ++i)
    ASSERT_TRUE(OpenEsp(pair.in, packets[i]).ok());
  std::vector<size_t> skipped;
  for (size_t i = 10; i < count; ++i) {
    if (i % 3 == 0) {
      skipped.push_back(i);
      continue;
    }
    ASSERT_TRUE(OpenEsp(pair.in, packets[i]).ok()) << i;
  }
  const uint64_t highest = pair.in.replay_window().highest();
  EXPECT_EQ(highest, count - (((count - 1) % 3 == 0) ? 1 : 0));
  size_t accepted_late = 0;
  size_t too_old = 0;
  for (size_t i : skipped) {
    const uint64_t sequence = i + 1;
    absl::Status status = OpenEsp(pair.in, packets[i]);
    if (sequence + window > highest) {
      EXPECT_TRUE(status.ok()) << sequence;
      ++accepted_late;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << sequence;
      ++too_old;
    }
  }
  EXPECT_GT(accepted_late, 0u);
  EXPECT_GT(too_old, 0u);
  // Every packet again: all duplicates or too old now.
  const uint64_t drops_before = pair.in.counters().replay_drops;
  for (const auto& packet : packets)
    EXPECT_FALSE(OpenEsp(pair.in, packet).ok());
  EXPECT_EQ(pair.in.counters().replay_drops - drops_before, count);
  EXPECT_EQ(pair.in.counters().integrity_failures, 0u);
}

INSTANTIATE_TEST_SUITE_P(WindowSizes, EspReplayTest,
                         testing::Values(32u, 64u, 512u, 1024u, 4096u));

TEST(EspReplay, DisabledWindowAcceptsDuplicates) {
  PairOptions options;
  options.window = 0;
  SaPair pair = MakePair(options);
  const std::vector<uint8_t> esp = SealEsp(pair.out, InnerPacket(true, 8), 4);
  EXPECT_TRUE(OpenEsp(pair.in, esp).ok());
  EXPECT_TRUE(OpenEsp(pair.in, esp).ok());
}

TEST(EspReplay, ForgedPacketDoesNotMoveTheWindow) {
  SaPair pair = MakePair({});
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 3; ++i) {
    packets.push_back(SealEsp(pair.out, InnerPacket(true, 8), 4));
  }
  // A forgery claiming sequence 1000 with a bad ICV.
  std::vector<uint8_t> forged = packets[2];
  forged[6] = 0x03;
  forged[7] = 0xe8;
  EXPECT_EQ(OpenEsp(pair.in, forged).message(), "integrity check failed");
  EXPECT_EQ(pair.in.replay_window().highest(), 0u);
  // A forgery carrying a real sequence number does not burn it either.
  std::vector<uint8_t> tampered = packets[0];
  tampered.back() ^= 1;
  EXPECT_FALSE(OpenEsp(pair.in, tampered).ok());
  for (const auto& packet : packets) EXPECT_TRUE(OpenEsp(pair.in, packet).ok());
}

TEST(EspReplay, EsnAcrossTheFirst32BitWrap) {
  PairOptions options;
  options.esn = true;
  options.first_sequence = 0xfffffffd;
  SaPair pair = MakePair(options);
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 6; ++i) {
    packets.push_back(SealEsp(pair.out, InnerPacket(true, 8), 4));
  }
  EXPECT_EQ(pair.out.last_sequence_number(), 0x100000002u);
  // The low halves on the wire wrap to 0, 1, 2.
  EXPECT_EQ(packets[3][7], 0);
  EXPECT_EQ(packets[3][4], 0);
  // The receiver has been tracking the SA up to just before the wrap.
  pair.in.AcceptSequence(0xfffffffc);
  // Deliver with some reordering across the wrap.
  for (int i : {0, 3, 1, 4, 2, 5}) {
    EXPECT_TRUE(OpenEsp(pair.in, packets[i]).ok()) << i;
  }
  EXPECT_EQ(pair.in.replay_window().highest(), 0x100000002u);
  for (const auto& packet : packets)
    EXPECT_FALSE(OpenEsp(pair.in, packet).ok());
  // Without ESN the 33rd bit does not exist: seal refuses at 2^32 - 1.
  PairOptions plain;
  plain.first_sequence = 0xffffffff;
  SaPair no_esn = MakePair(plain);
  crypto::DeterministicRandom random(1);
  Buffer last(InnerPacket(true, 8));
  EXPECT_TRUE(Encapsulate(no_esn.out, last.packet, random).ok());
  Buffer refused(InnerPacket(true, 8));
  EXPECT_EQ(Encapsulate(no_esn.out, refused.packet, random).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(no_esn.out.TakeEvents().expired);
}

// ---- Lifetimes, selectors, IVs, bursts ----

TEST(EspLifetime, HardPacketLimitRefusesBothDirections) {
  PairOptions options;
  options.lifetime.soft_packets = 2;
  options.lifetime.hard_packets = 3;
  SaPair pair = MakePair(options);
  std::vector<std::vector<uint8_t>> packets;
  for (int i = 0; i < 3; ++i) {
    packets.push_back(SealEsp(pair.out, InnerPacket(true, 8), 4));
  }
  crypto::DeterministicRandom random(1);
  Buffer refused(InnerPacket(true, 8));
  EXPECT_EQ(Encapsulate(pair.out, refused.packet, random).message(),
            "SA 0x1000abcd expired");
  SaEvents events = pair.out.TakeEvents();
  EXPECT_TRUE(events.rekey);
  EXPECT_TRUE(events.expired);
  for (const auto& packet : packets) EXPECT_TRUE(OpenEsp(pair.in, packet).ok());
  EXPECT_TRUE(pair.in.expired());
  EXPECT_EQ(OpenEsp(pair.in, packets[0]).message(), "SA 0x1000abcd expired");
  EXPECT_EQ(pair.in.counters().expired_drops, 1u);
}

TEST(EspSelectors, InnerPacketOutsideTheSelectorsIsDropped) {
  PairOptions options;
  SaPair pair = MakePair(options);
  SaConfig config;
  config.spi = 0x1000abcd;
  config.direction = SaDirection::kInbound;
  config.local_address = pair.in.local_address();
  config.remote_address = pair.in.remote_address();
  config.cipher = EspCipher::kAesGcm256;
  crypto::DeterministicRandom random(42);
  config.encryption_key = random.Secret(36);
  // Inner packets go 10.0.0.1 -> 10.0.0.2 (see InnerPacket): the remote side
  // is the source.
  config.remote_selectors = {*TrafficSelector::ParseAddresses("10.0.0.0/24")};
  config.local_selectors = {*TrafficSelector::ParseAddresses("10.0.0.2")};
  auto inbound = SecurityAssociation::Create(std::move(config), kStart);
  ASSERT_TRUE(inbound.ok());
  EXPECT_TRUE(
      OpenEsp(*inbound, SealEsp(pair.out, InnerPacket(true, 8), 4)).ok());
  std::vector<uint8_t> elsewhere = InnerPacket(true, 8);
  elsewhere[19] = 3;  // destination 10.0.0.3
  absl::Status status = OpenEsp(*inbound, SealEsp(pair.out, elsewhere, 4));
  EXPECT_EQ(status.message(),
            "inner packet 10.0.0.1 -> 10.0.0.3 protocol 17 is outside the "
            "SA's traffic selectors");
  EXPECT_EQ(inbound->counters().selector_mismatches, 1u);
  // An IPv6 inner packet matches no IPv4 selector.
  EXPECT_FALSE(
      OpenEsp(*inbound, SealEsp(pair.out, InnerPacket(false, 8), 41)).ok());
}

TEST(EspSelectors, TransportModeUsesOuterAddressesAndPorts) {
  PairOptions options;
  options.mode = SaMode::kTransport;
  SaPair pair = MakePair(options);
  auto inbound_with = [&](TrafficSelector local) {
    SaConfig config;
    config.spi = 0x1000abcd;
    config.direction = SaDirection::kInbound;
    config.mode = SaMode::kTransport;
    config.local_address = pair.in.local_address();
    config.remote_address = pair.in.remote_address();
    config.cipher = EspCipher::kAesGcm256;
    crypto::DeterministicRandom random(42);
    config.encryption_key = random.Secret(36);
    config.local_selectors = {local};
    config.remote_selectors = {
        *TrafficSelector::ParseAddresses("192.0.2.0/24")};
    return *SecurityAssociation::Create(std::move(config), kStart);
  };
  // A UDP datagram from port 1000 to port 53.
  const std::vector<uint8_t> udp = {0x03, 0xe8, 0x00, 53, 0, 12,
                                    0,    0,    1,    2,  3, 4};
  crypto::DeterministicRandom random(1);
  const IpAddress receiver = pair.in.local_address();
  for (uint16_t port : {53, 54}) {
    SecurityAssociation inbound = inbound_with(
        *TrafficSelector::Create(receiver, receiver, 17, port, port));
    Buffer buffer(udp);
    ASSERT_TRUE(Encapsulate(pair.out, buffer.packet, random, 17).ok());
    Buffer received = Received(buffer);
    DecapsulationCounters counters;
    Decapsulated result;
    absl::Status status =
        Decapsulate([&inbound](uint32_t, const IpAddress&) { return &inbound; },
                    received.packet, counters, &result);
    if (port == 53) {
      EXPECT_TRUE(status.ok()) << status;
      EXPECT_EQ(received.bytes(), udp);
    } else {
      EXPECT_EQ(status.message(),
                "inner packet 192.0.2.1 -> 198.51.100.7 protocol 17 is "
                "outside the SA's traffic selectors");
      EXPECT_EQ(inbound.counters().selector_mismatches, 1u);
      EXPECT_EQ(inbound.counters().packets, 0u);
    }
  }
}

TEST(EspIv, CbcIvsAreRandomAndExplicitIvIsUsed) {
  PairOptions options;
  options.algorithms = {EspCipher::kAesCbc256, EspIntegrity::kHmacSha256_128};
  SaPair pair = MakePair(options);
  crypto::DeterministicRandom random(1);
  Buffer a(InnerPacket(true, 8));
  Buffer b(InnerPacket(true, 8));
  ASSERT_TRUE(EspSeal(pair.out, 4, a.packet, random).ok());
  ASSERT_TRUE(EspSeal(pair.out, 4, b.packet, random).ok());
  EXPECT_FALSE(std::equal(a.packet.data() + 8, a.packet.data() + 24,
                          b.packet.data() + 8));
  const std::vector<uint8_t> iv(16, 0x42);
  Buffer buffer(InnerPacket(true, 8));
  SealOptions seal_options;
  seal_options.iv = iv;
  ASSERT_TRUE(EspSeal(pair.out, 4, buffer.packet, random, seal_options).ok());
  EXPECT_TRUE(std::equal(iv.begin(), iv.end(), buffer.packet.data() + 8));
  Buffer wrong(InnerPacket(true, 8));
  seal_options.iv = absl::MakeConstSpan(iv.data(), 8);
  EXPECT_EQ(EspSeal(pair.out, 4, wrong.packet, random, seal_options).message(),
            "iv: aes-cbc-256 needs 16 bytes, got 8");
}

TEST(EspBurst, EncapsulateAndDecapsulateMany) {
  SaPair pair = MakePair({});
  crypto::DeterministicRandom random(1);
  std::vector<Buffer> buffers;
  for (size_t i = 0; i < 16; ++i)
    buffers.emplace_back(InnerPacket(true, i * 10));
  buffers.emplace_back(std::vector<uint8_t>(5, 0x99));  // not an IP packet
  std::vector<PacketBuffer> packets;
  for (Buffer& b : buffers) packets.push_back(b.packet);
  std::vector<absl::Status> results(packets.size());
  EXPECT_EQ(EncapsulateBurst(pair.out, absl::MakeSpan(packets), random,
                             absl::MakeSpan(results)),
            16u);
  EXPECT_FALSE(results.back().ok());
  packets.pop_back();
  std::vector<Decapsulated> out(packets.size());
  std::vector<absl::Status> open_results(packets.size());
  DecapsulationCounters counters;
  auto lookup = [&pair](uint32_t spi, const IpAddress&) {
    return spi == pair.in.spi() ? &pair.in : nullptr;
  };
  EXPECT_EQ(DecapsulateBurst(lookup, absl::MakeSpan(packets), counters,
                             absl::MakeSpan(out), absl::MakeSpan(open_results)),
            16u);
  for (size_t i = 0; i < packets.size(); ++i) {
    EXPECT_TRUE(open_results[i].ok());
    const std::vector<uint8_t> expected = InnerPacket(true, i * 10);
    EXPECT_EQ(std::vector<uint8_t>(packets[i].span().begin(),
                                   packets[i].span().end()),
              expected);
  }
}

}  // namespace
}  // namespace cygnet::ipsec
