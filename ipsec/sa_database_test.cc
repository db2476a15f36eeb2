#include "ipsec/sa_database.h"

#include <atomic>
#include <random>
#include <thread>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

// An AES-GCM-256 SA whose remote address encodes `tag`, so a reader can check
// that what it found belongs to the policy it asked for.
std::shared_ptr<SecurityAssociation> MakeSa(uint32_t spi, SaDirection direction,
                                            IpAddress local, uint32_t tag) {
  SaConfig config;
  config.spi = spi;
  config.direction = direction;
  config.local_address = local;
  config.remote_address = IpAddress::V4(tag);
  config.cipher = EspCipher::kAesGcm256;
  config.integrity = EspIntegrity::kNone;
  config.encryption_key = crypto::SecretBytes(36);
  absl::StatusOr<SecurityAssociation> sa =
      SecurityAssociation::Create(std::move(config), kNow);
  EXPECT_TRUE(sa.ok()) << sa.status();
  if (!sa.ok()) return nullptr;
  return std::make_shared<SecurityAssociation>(*std::move(sa));
}

const IpAddress kLocal = IpAddress::V4(0x0a000001);   // 10.0.0.1
const IpAddress kLocal2 = IpAddress::V4(0x0a000002);  // 10.0.0.2

TEST(SaDatabaseTest, InboundBySpiAndDestination) {
  SaDatabase sad;
  auto a = MakeSa(0x1000, SaDirection::kInbound, kLocal, 1);
  auto b = MakeSa(0x1000, SaDirection::kInbound, kLocal2, 2);
  ASSERT_TRUE(sad.AddInbound(1, a).ok());
  ASSERT_TRUE(sad.AddInbound(2, b).ok());  // same SPI, other destination
  EXPECT_EQ(sad.LookupInbound(0x1000, kLocal), a);
  EXPECT_EQ(sad.LookupInbound(0x1000, kLocal2), b);
  EXPECT_EQ(sad.LookupInbound(0x1001, kLocal), nullptr);
  EXPECT_EQ(sad.LookupInbound(0x1000, IpAddress::V4(0x0a000003)), nullptr);
  EXPECT_EQ(sad.inbound_size(), 2u);

  absl::Status dup =
      sad.AddInbound(3, MakeSa(0x1000, SaDirection::kInbound, kLocal, 3));
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(),
            "inbound SA 0x00001000 to 10.0.0.1: already present (policy 1)");

  ASSERT_TRUE(sad.RemoveInbound(0x1000, kLocal).ok());
  EXPECT_EQ(sad.LookupInbound(0x1000, kLocal), nullptr);
  EXPECT_EQ(sad.LookupInbound(0x1000, kLocal2), b);
  EXPECT_EQ(sad.RemoveInbound(0x1000, kLocal).message(),
            "inbound SA 0x00001000 to 10.0.0.1: not found");
}

TEST(SaDatabaseTest, Ipv6Destinations) {
  SaDatabase sad;
  IpAddress v6 = *IpAddress::Parse("2001:db8::1");
  SaConfig config;
  config.spi = 0x2000;
  config.direction = SaDirection::kInbound;
  config.local_address = v6;
  config.remote_address = *IpAddress::Parse("2001:db8::2");
  config.cipher = EspCipher::kAesGcm128;
  config.encryption_key = crypto::SecretBytes(20);
  auto sa = std::make_shared<SecurityAssociation>(
      *SecurityAssociation::Create(std::move(config), kNow));
  ASSERT_TRUE(sad.AddInbound(9, sa).ok());
  EXPECT_EQ(sad.LookupInbound(0x2000, v6), sa);
  EXPECT_EQ(sad.LookupInbound(0x2000, *IpAddress::Parse("::ffff:10.0.0.1")),
            nullptr);
}

TEST(SaDatabaseTest, OutboundSwitchOverIsExplicit) {
  SaDatabase sad;
  auto old_sa = MakeSa(0xa001, SaDirection::kOutbound, kLocal, 5);
  auto new_sa = MakeSa(0xb001, SaDirection::kOutbound, kLocal, 5);
  EXPECT_EQ(sad.LookupOutbound(5), nullptr);
  ASSERT_TRUE(sad.AddOutbound(5, old_sa).ok());
  EXPECT_EQ(sad.LookupOutbound(5), old_sa);  // the first becomes current
  ASSERT_TRUE(sad.AddOutbound(5, new_sa).ok());
  EXPECT_EQ(sad.LookupOutbound(5), old_sa);  // not yet switched
  absl::Status busy = sad.RemoveOutbound(5, 0xa001);
  EXPECT_EQ(busy.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(busy.message(),
            "outbound SA 0x0000a001 of policy 5 is current; switch to a newer "
            "SA before removing it");
  ASSERT_TRUE(sad.SwitchOutbound(5, 0xb001).ok());
  EXPECT_EQ(sad.LookupOutbound(5), new_sa);
  ASSERT_TRUE(sad.RemoveOutbound(5, 0xa001).ok());
  EXPECT_EQ(sad.LookupOutbound(5), new_sa);
  EXPECT_EQ(sad.SwitchOutbound(5, 0xa001).message(),
            "outbound SA 0x0000a001: not in policy 5");
  ASSERT_TRUE(sad.RemoveOutbound(5, 0xb001).ok());  // the last one
  EXPECT_EQ(sad.LookupOutbound(5), nullptr);
  EXPECT_EQ(sad.outbound_size(), 0u);
}

TEST(SaDatabaseTest, FourPairsPerPeerDuringRekeyThenLimit) {
  // SD-WAN seed: "During a simultaneous rekey, up to four pairs of IPsec
  // Security Associations (SAs) can be temporarily created."
  SaDatabase sad;
  for (uint32_t g = 0; g < 4; ++g) {
    ASSERT_TRUE(
        sad.AddInbound(7, MakeSa(0x100 + g, SaDirection::kInbound, kLocal, 7))
            .ok());
    ASSERT_TRUE(
        sad.AddOutbound(7, MakeSa(0x200 + g, SaDirection::kOutbound, kLocal, 7))
            .ok());
  }
  // All four inbound generations accept traffic at once.
  for (uint32_t g = 0; g < 4; ++g) {
    EXPECT_NE(sad.LookupInbound(0x100 + g, kLocal), nullptr);
  }
  absl::Status full =
      sad.AddInbound(7, MakeSa(0x104, SaDirection::kInbound, kLocal, 7));
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(full.message(),
            "policy 7: already 4 inbound SAs (limit 4 generations per peer "
            "during rekey); remove an old one first");
  full = sad.AddOutbound(7, MakeSa(0x204, SaDirection::kOutbound, kLocal, 7));
  EXPECT_EQ(full.message(),
            "policy 7: already 4 outbound SAs (limit 4 generations per peer "
            "during rekey); remove an old one first");
  // Other peers are not affected by peer 7's limit.
  EXPECT_TRUE(
      sad.AddInbound(8, MakeSa(0x104, SaDirection::kInbound, kLocal, 8)).ok());
  // Converging: the old generations go away.
  ASSERT_TRUE(sad.SwitchOutbound(7, 0x203).ok());
  for (uint32_t g = 0; g < 3; ++g) {
    ASSERT_TRUE(sad.RemoveInbound(0x100 + g, kLocal).ok());
    ASSERT_TRUE(sad.RemoveOutbound(7, 0x200 + g).ok());
  }
  std::vector<SadEntry> left = sad.ListPolicy(7);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].sa->spi(), 0x103u);
  EXPECT_EQ(left[1].sa->spi(), 0x203u);
  EXPECT_TRUE(left[1].current);
}

TEST(SaDatabaseTest, ConfigurableLimit) {
  SaDatabaseOptions options;
  options.max_generations = 2;
  SaDatabase sad(options);
  ASSERT_TRUE(
      sad.AddInbound(1, MakeSa(0x300, SaDirection::kInbound, kLocal, 1)).ok());
  ASSERT_TRUE(
      sad.AddInbound(1, MakeSa(0x301, SaDirection::kInbound, kLocal, 1)).ok());
  EXPECT_EQ(sad.AddInbound(1, MakeSa(0x302, SaDirection::kInbound, kLocal, 1))
                .message(),
            "policy 1: already 2 inbound SAs (limit 2 generations per peer "
            "during rekey); remove an old one first");
}

TEST(SaDatabaseTest, ReplaceKeepsPositionAndCurrent) {
  SaDatabase sad;
  auto in = MakeSa(0x400, SaDirection::kInbound, kLocal, 1);
  auto out = MakeSa(0x500, SaDirection::kOutbound, kLocal, 1);
  ASSERT_TRUE(sad.AddInbound(1, in).ok());
  ASSERT_TRUE(sad.AddOutbound(1, out).ok());
  auto in2 = MakeSa(0x400, SaDirection::kInbound, kLocal, 2);
  auto out2 = MakeSa(0x500, SaDirection::kOutbound, kLocal, 2);
  ASSERT_TRUE(sad.Replace(1, in2).ok());
  ASSERT_TRUE(sad.Replace(1, out2).ok());
  EXPECT_EQ(sad.LookupInbound(0x400, kLocal), in2);
  EXPECT_EQ(sad.LookupOutbound(1), out2);
  EXPECT_EQ(
      sad.Replace(1, MakeSa(0x401, SaDirection::kInbound, kLocal, 2)).message(),
      "inbound SA 0x00000401 to 10.0.0.1: not in policy 1");
  EXPECT_EQ(sad.Replace(2, out2).message(), "policy 2: no SAs");
  EXPECT_EQ(sad.Replace(1, nullptr).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SaDatabaseTest, RejectsBadAdds) {
  SaDatabase sad;
  auto out = MakeSa(0x600, SaDirection::kOutbound, kLocal, 1);
  EXPECT_EQ(sad.AddInbound(1, out).message(),
            "SA 0x00000600: is Outbound, expected Inbound");
  EXPECT_EQ(sad.AddOutbound(0, out).message(),
            "SA 0x00000600: policy id 0 is reserved");
  EXPECT_EQ(sad.AddOutbound(1, nullptr).message(), "policy 1: SA is null");
  ASSERT_TRUE(sad.AddOutbound(1, out).ok());
  EXPECT_EQ(sad.AddOutbound(1, out).message(),
            "outbound SA 0x00000600: already present (policy 1)");
}

TEST(SaDatabaseTest, RemovePolicyAndList) {
  SaDatabase sad;
  ASSERT_TRUE(
      sad.AddInbound(2, MakeSa(0x700, SaDirection::kInbound, kLocal, 2)).ok());
  ASSERT_TRUE(
      sad.AddOutbound(2, MakeSa(0x701, SaDirection::kOutbound, kLocal, 2))
          .ok());
  ASSERT_TRUE(
      sad.AddInbound(1, MakeSa(0x702, SaDirection::kInbound, kLocal, 1)).ok());
  std::vector<SadEntry> all = sad.List();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].policy, 1u);
  EXPECT_EQ(all[1].policy, 2u);
  EXPECT_EQ(all[2].sa->spi(), 0x701u);
  EXPECT_TRUE(all[2].current);
  EXPECT_EQ(sad.RemovePolicy(2), 2u);
  EXPECT_EQ(sad.LookupInbound(0x700, kLocal), nullptr);
  EXPECT_EQ(sad.LookupOutbound(2), nullptr);
  EXPECT_EQ(sad.RemovePolicy(2), 0u);
  EXPECT_EQ(sad.inbound_size(), 1u);
  // The key is free again.
  EXPECT_TRUE(
      sad.AddInbound(3, MakeSa(0x700, SaDirection::kInbound, kLocal, 3)).ok());
}

// A lineage keeps both directions in one list: an outbound SA and an
// inbound SA with the same SPI (possible: each end picks the SPIs it
// receives on) must never be taken for each other.
TEST(SaDatabaseTest, SameSpiInBothDirectionsStaysApart) {
  SaDatabase sad;
  auto out = MakeSa(0x900, SaDirection::kOutbound, kLocal, 1);
  auto in = MakeSa(0x900, SaDirection::kInbound, kLocal, 1);
  ASSERT_TRUE(sad.AddOutbound(1, out).ok());
  ASSERT_TRUE(sad.AddInbound(1, in).ok());
  // Inbound entries list first whatever the order they came in.
  std::vector<SadEntry> listed = sad.ListPolicy(1);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].sa, in);
  EXPECT_EQ(listed[1].sa, out);
  EXPECT_TRUE(listed[1].current);
  EXPECT_EQ(sad.inbound_size(), 1u);
  EXPECT_EQ(sad.outbound_size(), 1u);

  auto in2 = MakeSa(0x900, SaDirection::kInbound, kLocal, 2);
  ASSERT_TRUE(sad.Replace(1, in2).ok());
  EXPECT_EQ(sad.LookupInbound(0x900, kLocal), in2);
  EXPECT_EQ(sad.LookupOutbound(1), out);

  ASSERT_TRUE(sad.RemoveOutbound(1, 0x900).ok());
  EXPECT_EQ(sad.LookupOutbound(1), nullptr);
  EXPECT_EQ(sad.LookupInbound(0x900, kLocal), in2);
  EXPECT_EQ(sad.RemoveOutbound(1, 0x900).message(),
            "outbound SA 0x00000900: not in policy 1");
  ASSERT_TRUE(sad.RemoveInbound(0x900, kLocal).ok());
  EXPECT_TRUE(sad.ListPolicy(1).empty());
  EXPECT_TRUE(sad.List().empty());
}

TEST(SaDatabaseTest, LookupKeepsRemovedSaAlive) {
  SaDatabase sad;
  ASSERT_TRUE(
      sad.AddInbound(1, MakeSa(0x800, SaDirection::kInbound, kLocal, 1)).ok());
  std::shared_ptr<SecurityAssociation> held = sad.LookupInbound(0x800, kLocal);
  ASSERT_NE(held, nullptr);
  ASSERT_TRUE(sad.RemoveInbound(0x800, kLocal).ok());
  EXPECT_EQ(held->spi(), 0x800u);  // still valid for the packet in flight
  EXPECT_EQ(held.use_count(), 1);
}

// Readers on several threads look up while one writer keeps rekeying every
// peer: add a new generation (inbound + outbound), switch outbound to it,
// remove the oldest. Every lookup must return either nothing (inbound SPI not
// yet installed or already removed) or an SA whose SPI, direction, local
// address and peer tag are the ones asked for; an outbound lookup of a live
// peer must always find an SA. Run under TSan by the robustness issue.
TEST(SaDatabaseTest, StressReadersAndWriterStayConsistent) {
  constexpr uint32_t kPeers = 64;
  constexpr int kRounds = 40;
  constexpr int kReaders = 3;
  SaDatabaseOptions options;
  options.shard_count = 8;  // more readers per lock word than the default
  SaDatabase sad(options);
  // SPI layout: peer << 16 | generation (generation < 65536).
  auto spi_of = [](uint32_t peer, uint32_t generation, bool inbound) {
    return (inbound ? 0x10000000u : 0x20000000u) | peer << 16 | generation;
  };
  for (uint32_t peer = 1; peer <= kPeers; ++peer) {
    ASSERT_TRUE(
        sad.AddInbound(peer, MakeSa(spi_of(peer, 0, true),
                                    SaDirection::kInbound, kLocal, peer))
            .ok());
    ASSERT_TRUE(
        sad.AddOutbound(peer, MakeSa(spi_of(peer, 0, false),
                                     SaDirection::kOutbound, kLocal, peer))
            .ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> lookups{0}, hits{0}, errors{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      std::mt19937 random(r);
      uint64_t local_lookups = 0, local_hits = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        uint32_t peer = 1 + random() % kPeers;
        uint32_t generation = random() % (kRounds + 1);
        uint32_t spi = spi_of(peer, generation, true);
        std::shared_ptr<SecurityAssociation> in =
            sad.LookupInbound(spi, kLocal);
        if (in != nullptr) {
          ++local_hits;
          if (in->spi() != spi || in->direction() != SaDirection::kInbound ||
              in->local_address() != kLocal ||
              in->remote_address() != IpAddress::V4(peer)) {
            errors.fetch_add(1);
          }
        }
        std::shared_ptr<SecurityAssociation> out = sad.LookupOutbound(peer);
        if (out == nullptr || out->direction() != SaDirection::kOutbound ||
            out->remote_address() != IpAddress::V4(peer) ||
            (out->spi() & 0xffff0000u) != (spi_of(peer, 0, false))) {
          errors.fetch_add(1);
        }
        local_lookups += 2;
        if (local_lookups % 4096 == 0) {
          for (const SadEntry& entry : sad.ListPolicy(peer)) {
            if (entry.sa->remote_address() != IpAddress::V4(peer)) {
              errors.fetch_add(1);
            }
          }
        }
      }
      lookups += local_lookups;
      hits += local_hits;
    });
  }
  for (uint32_t round = 1; round <= kRounds; ++round) {
    for (uint32_t peer = 1; peer <= kPeers; ++peer) {
      ASSERT_TRUE(
          sad.AddInbound(peer, MakeSa(spi_of(peer, round, true),
                                      SaDirection::kInbound, kLocal, peer))
              .ok());
      ASSERT_TRUE(
          sad.AddOutbound(peer, MakeSa(spi_of(peer, round, false),
                                       SaDirection::kOutbound, kLocal, peer))
              .ok());
      ASSERT_TRUE(sad.SwitchOutbound(peer, spi_of(peer, round, false)).ok());
      if (round >= 2) {  // keep two generations alive, like a real rekey
        ASSERT_TRUE(
            sad.RemoveInbound(spi_of(peer, round - 2, true), kLocal).ok());
        ASSERT_TRUE(
            sad.RemoveOutbound(peer, spi_of(peer, round - 2, false)).ok());
      }
    }
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0u);
  EXPECT_GT(lookups.load(), 0u);
  EXPECT_EQ(sad.inbound_size(), 2 * kPeers);
  EXPECT_EQ(sad.outbound_size(), 2 * kPeers);
  for (uint32_t peer = 1; peer <= kPeers; ++peer) {
    EXPECT_EQ(sad.LookupOutbound(peer)->spi(), spi_of(peer, kRounds, false));
  }
}

}  // namespace
}  // namespace cygnet::ipsec
