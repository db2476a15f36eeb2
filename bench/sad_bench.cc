// SAD benchmarks: inbound lookup latency with 10k, 100k and 1M SAs, and the
// memory one SA costs (the SecurityAssociation with its cipher contexts, plus
// the SAD's index entries), measured with mallinfo2() deltas.
//
// Also compares the SAD's read path (sharded absl::Mutex reader locks) with
// the alternative it was chosen over: a read-copy-update snapshot (one
// immutable hash map behind a std::shared_ptr swapped atomically), whose
// readers pay an atomic shared_ptr load per lookup.
//
// Run optimised: bazel run -c opt //bench:sad_bench
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "ipsec/esp_transform.h"
#include "ipsec/ip_address.h"
#include "ipsec/replay_window.h"
#include "ipsec/sa_database.h"
#include "ipsec/security_association.h"
#include "ipsec/traffic_selector.h"

namespace cygnet::ipsec {
namespace {

const IpAddress kLocal = IpAddress::V4(0xc0000201);  // 192.0.2.1
const absl::Time kNow = absl::FromUnixSeconds(1700000000);

std::vector<uint32_t> UniqueSpis(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  absl::flat_hash_set<uint32_t> seen;
  std::vector<uint32_t> spis;
  spis.reserve(count);
  while (spis.size() < count) {
    uint32_t spi = static_cast<uint32_t>(random());
    if (spi < 256 || !seen.insert(spi).second) continue;
    spis.push_back(spi);
  }
  return spis;
}

std::shared_ptr<SecurityAssociation> MakeInboundSa(
    uint32_t spi, EspCipher cipher, EspIntegrity integrity,
    uint32_t replay_window_size = 1024, bool with_selectors = false) {
  SaConfig config;
  config.spi = spi;
  config.direction = SaDirection::kInbound;
  config.local_address = kLocal;
  config.remote_address = IpAddress::V4(0xc6336400 | (spi & 0xff));
  config.cipher = cipher;
  config.integrity = integrity;
  const bool aead = integrity == EspIntegrity::kNone;
  config.encryption_key = crypto::SecretBytes(aead ? 36 : 32);
  for (size_t i = 0; i < config.encryption_key.size(); ++i) {
    config.encryption_key.mutable_data()[i] =
        static_cast<uint8_t>(spi >> (i % 4 * 8));
  }
  if (!aead) config.integrity_key = crypto::SecretBytes(32);
  config.replay_window_size = replay_window_size;
  if (with_selectors) {
    // What an IKE CHILD_SA carries: one subnet pair.
    config.local_selectors.push_back(
        *TrafficSelector::FromPrefix(IpAddress::V4(0x0a000000), 24));
    config.remote_selectors.push_back(*TrafficSelector::FromPrefix(
        IpAddress::V4(0x0a000100 | (spi & 0xff) << 8), 24));
  }
  absl::StatusOr<SecurityAssociation> sa =
      SecurityAssociation::Create(std::move(config), kNow);
  if (!sa.ok()) return nullptr;
  return std::make_shared<SecurityAssociation>(*std::move(sa));
}

struct Fixture {
  SaDatabase sad;
  std::vector<uint32_t> spis;    // installed
  std::vector<uint32_t> order;   // lookup order: installed, shuffled
  std::vector<uint32_t> misses;  // never installed
  // The RCU alternative, holding the same SAs.
  using Map =
      absl::flat_hash_map<uint32_t, std::shared_ptr<SecurityAssociation>>;
  std::shared_ptr<const Map> snapshot;
};

Fixture& GetFixture(size_t count) {
  static auto* cache = new std::map<size_t, std::unique_ptr<Fixture>>();
  std::unique_ptr<Fixture>& slot = (*cache)[count];
  if (slot == nullptr) {
    slot = std::make_unique<Fixture>();
    std::vector<uint32_t> all = UniqueSpis(count + 4096, 7);
    slot->spis.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(count));
    slot->misses.assign(all.begin() + static_cast<ptrdiff_t>(count), all.end());
    auto map = std::make_shared<Fixture::Map>();
    map->reserve(count);
    for (size_t i = 0; i < count; ++i) {
      auto sa = MakeInboundSa(slot->spis[i], EspCipher::kAesGcm256,
                              EspIntegrity::kNone);
      (*map)[slot->spis[i]] = sa;
      // One lineage per peer pair of SAs.
      (void)slot->sad.AddInbound(1 + i / 2, std::move(sa));
    }
    slot->snapshot = std::move(map);
    slot->order = slot->spis;
    std::shuffle(slot->order.begin(), slot->order.end(), std::mt19937(11));
  }
  return *slot;
}

void BM_SadLookupInbound(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    std::shared_ptr<SecurityAssociation> sa =
        f.sad.LookupInbound(f.order[i], kLocal);
    benchmark::DoNotOptimize(sa.get());
    if (++i == f.order.size()) i = 0;
  }
  state.counters["sas"] = static_cast<double>(f.spis.size());
}
BENCHMARK(BM_SadLookupInbound)->Arg(10000)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_SadLookupInbound)->Arg(100000)->Threads(2);

// Attack traffic: random SPIs that match nothing.
void BM_SadLookupInboundMiss(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    std::shared_ptr<SecurityAssociation> sa =
        f.sad.LookupInbound(f.misses[i], kLocal);
    benchmark::DoNotOptimize(sa.get());
    if (++i == f.misses.size()) i = 0;
  }
}
BENCHMARK(BM_SadLookupInboundMiss)->Arg(1000000);

void BM_SadLookupOutbound(benchmark::State& state) {
  static SaDatabase* sad = [] {
    auto* db = new SaDatabase();
    std::vector<uint32_t> spis = UniqueSpis(10000, 3);
    for (size_t i = 0; i < spis.size(); ++i) {
      SaConfig config;
      config.spi = spis[i];
      config.direction = SaDirection::kOutbound;
      config.local_address = kLocal;
      config.remote_address = IpAddress::V4(0xc6336400);
      config.encryption_key = crypto::SecretBytes(36);
      auto sa = SecurityAssociation::Create(std::move(config), kNow);
      if (sa.ok()) {
        (void)db->AddOutbound(
            1 + i, std::make_shared<SecurityAssociation>(*std::move(sa)));
      }
    }
    return db;
  }();
  uint64_t policy = 1;
  for (auto _ : state) {
    std::shared_ptr<SecurityAssociation> sa = sad->LookupOutbound(policy);
    benchmark::DoNotOptimize(sa.get());
    if (++policy > 10000) policy = 1;
  }
}
BENCHMARK(BM_SadLookupOutbound);

// The read-copy-update alternative: every lookup loads the current snapshot
// (std::atomic_load on a shared_ptr, which libstdc++ implements with a
// spin-lock pool and a reference count increment on one shared control
// block) and probes one big map.
void BM_RcuSnapshotLookupInbound(benchmark::State& state) {
  Fixture& f = GetFixture(static_cast<size_t>(state.range(0)));
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    std::shared_ptr<const Fixture::Map> snapshot =
        std::atomic_load(&f.snapshot);
    auto it = snapshot->find(f.order[i]);
    std::shared_ptr<SecurityAssociation> sa =
        it == snapshot->end() ? nullptr : it->second;
    benchmark::DoNotOptimize(sa.get());
    if (++i == f.order.size()) i = 0;
  }
}
BENCHMARK(BM_RcuSnapshotLookupInbound)->Arg(100000);
BENCHMARK(BM_RcuSnapshotLookupInbound)->Arg(100000)->Threads(2);

// Anti-replay per packet (Check before the ICV, Accept after): the cost must
// not grow with the window. Traffic: mostly in order; one packet in 8 comes
// 5 positions early (so its predecessors arrive late, inside the window) and
// one in 8 repeats a recent number (a replay, rejected with a Status).
void BM_ReplayCheckAccept(benchmark::State& state) {
  absl::StatusOr<ReplayWindow> window =
      ReplayWindow::Create(static_cast<uint32_t>(state.range(0)),
                           /*extended_sequence_numbers=*/true);
  if (!window.ok()) {
    state.SkipWithError("bad window size");
    return;
  }
  uint64_t next = 1;
  for (auto _ : state) {
    uint64_t sequence = next % 8 == 0 ? next - 3 : next;
    if (next % 8 == 3) sequence = next - 3 + 8;  // the early one
    absl::StatusOr<uint64_t> full =
        window->Check(static_cast<uint32_t>(sequence));
    if (full.ok()) window->Accept(*full);
    benchmark::DoNotOptimize(full.ok());
    ++next;
  }
}
BENCHMARK(BM_ReplayCheckAccept)->Arg(64)->Arg(1024)->Arg(65536);

size_t HeapInUse() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// Bytes per SA: the SA object with its cipher contexts and replay bitmap,
// its shared_ptr control block, and the SAD entries. Measured once over 100k
// inbound SAs (so AES-CBC holds only its decryption schedule). Arguments:
// replay window size (1024 is the seed's recommendation, 64 the default), and
// 1 to give each SA one traffic selector pair as an IKE CHILD_SA has.
void MeasureMemory(benchmark::State& state, EspCipher cipher,
                   EspIntegrity integrity) {
  constexpr size_t kCount = 100000;
  const auto window = static_cast<uint32_t>(state.range(0));
  const bool with_selectors = state.range(1) != 0;
  for (auto _ : state) {
    std::vector<uint32_t> spis = UniqueSpis(kCount, 5);
    std::vector<std::shared_ptr<SecurityAssociation>> sas;
    sas.reserve(kCount);
    auto sad = std::make_unique<SaDatabase>();
    const size_t before = HeapInUse();
    for (uint32_t spi : spis) {
      sas.push_back(
          MakeInboundSa(spi, cipher, integrity, window, with_selectors));
    }
    const size_t after_sas = HeapInUse();
    for (size_t i = 0; i < kCount; ++i) {
      (void)sad->AddInbound(1 + i / 2, sas[i]);
    }
    const size_t after_sad = HeapInUse();
    state.counters["sa_bytes"] =
        static_cast<double>(after_sas - before) / kCount;
    state.counters["sad_index_bytes"] =
        static_cast<double>(after_sad - after_sas) / kCount;
    state.counters["total_bytes_per_sa"] =
        static_cast<double>(after_sad - before) / kCount;
    state.counters["sizeof_sa"] = sizeof(SecurityAssociation);
    state.counters["replay_bitmap_bytes"] =
        static_cast<double>(sas[0]->replay_window().bitmap_bytes());
    sad.reset();
    sas.clear();
    // The cipher contexts alone: the transform's heap part (BoringSSL
    // contexts, key schedules, HMAC states) plus its inline size.
    std::vector<EspTransform> transforms;
    transforms.reserve(kCount);
    const bool aead = integrity == EspIntegrity::kNone;
    std::vector<uint8_t> encryption_key(aead ? 36 : 32, 0x5a);
    std::vector<uint8_t> integrity_key(aead ? 0 : 32, 0xa5);
    const size_t before_transforms = HeapInUse();
    for (size_t i = 0; i < kCount; ++i) {
      absl::StatusOr<EspTransform> transform =
          EspTransform::Create(cipher, integrity, encryption_key, integrity_key,
                               EspTransformUse::kOpenOnly);
      if (transform.ok()) transforms.push_back(*std::move(transform));
    }
    state.counters["cipher_context_bytes"] =
        static_cast<double>(HeapInUse() - before_transforms) / kCount +
        sizeof(EspTransform);
  }
}

void MemoryArguments(benchmark::internal::Benchmark* b) {
  b->ArgNames({"window", "selectors"});
  b->Args({1024, 0})->Args({64, 0})->Args({1024, 1});
  b->Iterations(1)->Unit(benchmark::kMillisecond);
}

void BM_MemoryPerSaAesGcm256(benchmark::State& state) {
  MeasureMemory(state, EspCipher::kAesGcm256, EspIntegrity::kNone);
}
BENCHMARK(BM_MemoryPerSaAesGcm256)->Apply(MemoryArguments);

void BM_MemoryPerSaAesCbc256HmacSha256(benchmark::State& state) {
  MeasureMemory(state, EspCipher::kAesCbc256, EspIntegrity::kHmacSha256_128);
}
BENCHMARK(BM_MemoryPerSaAesCbc256HmacSha256)->Apply(MemoryArguments);

}  // namespace
}  // namespace cygnet::ipsec
