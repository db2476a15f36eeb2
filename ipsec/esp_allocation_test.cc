// The per-packet ESP path allocates nothing on success (ARCHITECTURE.md):
// this binary counts every operator new while packets are sealed and opened.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"
#include "ipsec/buffered_random.h"
#include "ipsec/esp.h"
#include "ipsec/security_association.h"

namespace {
size_t allocations = 0;
}  // namespace

void* operator new(size_t size) {
  ++allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace cygnet::ipsec {
namespace {

SecurityAssociation Make(EspCipher cipher, EspIntegrity integrity,
                         SaDirection direction, bool udp, bool v4) {
  SaConfig config;
  config.spi = 0x4242;
  config.direction = direction;
  config.local_address = *IpAddress::Parse(v4 ? "192.0.2.1" : "2001:db8::1");
  config.remote_address = *IpAddress::Parse(v4 ? "192.0.2.2" : "2001:db8::2");
  if (direction == SaDirection::kInbound) {
    std::swap(config.local_address, config.remote_address);
  }
  config.cipher = cipher;
  config.integrity = integrity;
  crypto::DeterministicRandom random(5);
  config.encryption_key = random.Secret(EspEncryptionKeySize(cipher));
  config.integrity_key = random.Secret(EspIntegrityKeySize(integrity));
  config.extended_sequence_numbers = true;
  config.replay_window_size = 1024;
  config.lifetime.soft_packets = 1000000;
  config.lifetime.hard_packets = 2000000;
  if (udp) config.udp_encapsulation = UdpEncapsulation{};
  return *SecurityAssociation::Create(std::move(config), absl::UnixEpoch());
}

TEST(EspAllocation, SealAndOpenAllocateNothing) {
  for (auto [cipher, integrity] :
       {std::pair{EspCipher::kAesGcm256, EspIntegrity::kNone},
        std::pair{EspCipher::kChaCha20Poly1305, EspIntegrity::kNone},
        std::pair{EspCipher::kAesCbc256, EspIntegrity::kHmacSha256_128}}) {
    for (bool v4 : {true, false}) {
      // The hook works: building an SA allocates (replay window bitmap).
      const size_t at_start = allocations;
      SecurityAssociation out =
          Make(cipher, integrity, SaDirection::kOutbound, !v4, v4);
      SecurityAssociation in =
          Make(cipher, integrity, SaDirection::kInbound, !v4, v4);
      ASSERT_GT(allocations, at_start);
      crypto::DeterministicRandom source(1);
      BufferedRandom random(source);
      std::vector<uint8_t> storage(2048);
      std::vector<uint8_t> inner(300, 0x11);
      const uint8_t header[20] = {0x45, 0, 1,  44, 0, 0, 0,  0, 64, 17,
                                  0,    0, 10, 0,  0, 1, 10, 0, 0,  2};
      std::memcpy(inner.data(), header, 20);
      DecapsulationCounters counters;
      SecurityAssociation* inbound = &in;
      auto lookup = [inbound](uint32_t, const IpAddress&) { return inbound; };
      // Warm up (lazy state in the crypto library, the random buffer).
      for (int i = 0; i < 2; ++i) {
        std::memcpy(storage.data() + 100, inner.data(), inner.size());
        PacketBuffer packet{absl::MakeSpan(storage), 100, inner.size()};
        ASSERT_TRUE(Encapsulate(out, packet, random).ok());
        Decapsulated result;
        ASSERT_TRUE(Decapsulate(lookup, packet, counters, &result).ok());
      }
      const size_t before = allocations;
      for (int i = 0; i < 200; ++i) {
        std::memcpy(storage.data() + 100, inner.data(), inner.size());
        PacketBuffer packet{absl::MakeSpan(storage), 100, inner.size()};
        const bool sealed = Encapsulate(out, packet, random).ok();
        Decapsulated result;
        const bool opened = Decapsulate(lookup, packet, counters, &result).ok();
        if (!sealed || !opened) FAIL() << "packet " << i;
      }
      EXPECT_EQ(allocations, before)
          << EspCipherName(cipher) << (v4 ? " v4" : " v6");
    }
  }
}

}  // namespace
}  // namespace cygnet::ipsec
