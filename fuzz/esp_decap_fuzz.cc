// Fuzzes ESP decapsulation (ipsec/esp.h) against a fixed set of SAs that
// covers every code path: AES-GCM-256 tunnel over IPv4, AES-CBC-256 +
// HMAC-SHA-256-128 transport over IPv6 with ESN, ChaCha20-Poly1305 tunnel over
// IPv6 in UDP with traffic selectors, NULL + HMAC-SHA1-96 transport over IPv4
// in UDP without anti-replay.
//
// Input: byte 0 picks the mode, byte 1 an SA, byte 2 a next header; the rest
// is data.
//   mode even: data is an outer packet for Decapsulate (the SA set answers
//              lookups), and also raw SPI..ICV bytes for EspOpen on SA[byte 1].
//   mode odd:  data is a payload sealed by the outbound twin of SA[byte 1]
//              (Encapsulate, next header byte 2 in transport mode) and then
//              decapsulated, which reaches the checks behind the ICV (inner
//              packet, selectors, padding of real packets) that forged bytes
//              cannot.
// Keys are fixed (encryption key bytes 0, 1, 2, ...; integrity key bytes
// 0x40, 0x41, ...) so the seed corpus can hold valid packets.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ipsec/esp.h"
#include "ipsec/security_association.h"
#include "ipsec/traffic_selector.h"

namespace cygnet::ipsec {
namespace {

struct Spec {
  uint32_t spi;
  EspCipher cipher;
  EspIntegrity integrity;
  SaMode mode;
  bool v4;
  bool udp;
  bool esn;
  uint32_t window;
  bool selectors;
};

constexpr Spec kSpecs[] = {
    {0x1001, EspCipher::kAesGcm256, EspIntegrity::kNone, SaMode::kTunnel, true,
     false, false, 64, false},
    {0x1002, EspCipher::kAesCbc256, EspIntegrity::kHmacSha256_128,
     SaMode::kTransport, false, false, true, 32, false},
    {0x1003, EspCipher::kChaCha20Poly1305, EspIntegrity::kNone, SaMode::kTunnel,
     false, true, false, 64, true},
    {0x1004, EspCipher::kNull, EspIntegrity::kHmacSha1_96, SaMode::kTransport,
     true, true, false, 0, false},
};
constexpr size_t kSaCount = sizeof(kSpecs) / sizeof(kSpecs[0]);

crypto::SecretBytes Key(size_t size, uint8_t first) {
  crypto::SecretBytes key(size);
  for (size_t i = 0; i < size; ++i) {
    key.mutable_data()[i] = static_cast<uint8_t>(first + i);
  }
  return key;
}

SecurityAssociation Make(const Spec& spec, SaDirection direction) {
  SaConfig config;
  config.spi = spec.spi;
  config.direction = direction;
  config.mode = spec.mode;
  const IpAddress a = *IpAddress::Parse(spec.v4 ? "192.0.2.1" : "2001:db8::1");
  const IpAddress b = *IpAddress::Parse(spec.v4 ? "192.0.2.2" : "2001:db8::2");
  config.local_address = direction == SaDirection::kOutbound ? a : b;
  config.remote_address = direction == SaDirection::kOutbound ? b : a;
  config.cipher = spec.cipher;
  config.integrity = spec.integrity;
  config.encryption_key = Key(EspEncryptionKeySize(spec.cipher), 0);
  config.integrity_key = Key(EspIntegrityKeySize(spec.integrity), 0x40);
  config.extended_sequence_numbers = spec.esn;
  config.replay_window_size = spec.window;
  if (spec.udp) config.udp_encapsulation = UdpEncapsulation{};
  if (spec.selectors) {
    config.local_selectors = {*TrafficSelector::ParseAddresses("fd00::/64")};
    config.remote_selectors = {*TrafficSelector::ParseAddresses("any6")};
  }
  return *SecurityAssociation::Create(std::move(config), absl::UnixEpoch());
}

}  // namespace
}  // namespace cygnet::ipsec

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::ipsec;  // NOLINT
  if (size < 3 || size > 70000) return 0;
  std::vector<SecurityAssociation> inbound;
  for (const Spec& spec : kSpecs) {
    inbound.push_back(Make(spec, SaDirection::kInbound));
  }
  auto lookup = [&inbound](uint32_t spi,
                           const IpAddress&) -> SecurityAssociation* {
    for (SecurityAssociation& sa : inbound) {
      if (sa.spi() == spi) return &sa;
    }
    return nullptr;
  };
  const uint8_t mode = data[0];
  const size_t index = data[1] % kSaCount;
  const uint8_t next_header = data[2];
  data += 3;
  size -= 3;

  std::vector<uint8_t> storage(kMaxEncapsulationHeadroom + size +
                               kMaxEncapsulationTailroom);
  if (size > 0) {
    std::memcpy(storage.data() + kMaxEncapsulationHeadroom, data, size);
  }
  PacketBuffer packet{absl::MakeSpan(storage), kMaxEncapsulationHeadroom, size};
  DecapsulationCounters counters;
  Decapsulated out;
  if (mode % 2 == 0) {
    (void)Decapsulate(lookup, packet, counters, &out);
    std::memcpy(storage.data() + kMaxEncapsulationHeadroom, data, size);
    PacketBuffer esp{absl::MakeSpan(storage), kMaxEncapsulationHeadroom, size};
    uint8_t opened_next_header = 0;
    (void)EspOpen(inbound[index], esp, &opened_next_header);
    return 0;
  }
  SecurityAssociation outbound = Make(kSpecs[index], SaDirection::kOutbound);
  cygnet::crypto::DeterministicRandom random(1);
  if (!Encapsulate(outbound, packet, random, next_header).ok()) return 0;
  const absl::Status status = Decapsulate(lookup, packet, counters, &out);
  // A packet sealed on the twin SA must come back unless its contents are
  // unusable (inner packet checks, selectors): never a failed ICV or padding.
  if (status.code() == absl::StatusCode::kDataLoss ||
      status.message() == "integrity check failed") {
    __builtin_trap();
  }
  return 0;
}
