// SD-WAN pairwise keys at scale (keymgmt/pairwise): a full mesh of 1,000
// devices with 2 TLOCs each (2,000 TLOCs, 3,996 TLOC pairs per device).
//
//   BM_RawX25519              baseline: one X25519 shared secret
//   BM_RawPairKeys            baseline: DerivePairwiseKeys (2 HKDF expands)
//   BM_ControllerFanout       the controller takes all 2,000 advertisements
//                             and relays each to the 999 other devices
//                             (~2 M encoded PeerUpdates)
//   BM_DeviceDerivation       device 0 learns its 1,998 peer TLOCs: 3,996
//                             pairs = 3,996 DH + key derivations + SA actions
//   BM_RekeyOneDevice         device 0 rekeys both TLOCs: its new inbound
//                             SAs, the controller fan-out of the two new
//                             records, and all 999 peers deriving theirs
//   BM_ControllerFanout and the phases of BM_RekeyOneDevice report thread
//   CPU time (manual time / counters in ms).
//   counters: memory per peer TLOC held by device 0 (heap growth while it
//   learned them, glibc mallinfo2) and per-operation ratios to the baselines.
//
// Every benchmark is one iteration of a large operation (the setup is too
// big to repeat); run with -c opt.
#include <malloc.h>
#include <time.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "keymgmt/pairwise/controller.h"
#include "keymgmt/pairwise/device.h"
#include "keymgmt/pairwise/kdf.h"
#include "keymgmt/pairwise/message.h"

namespace cygnet::keymgmt::pairwise {
namespace {

constexpr int kDevices = 1000;
constexpr int kTlocs = 2;
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

uint32_t Ip(int d) { return 0x0a000001u + static_cast<uint32_t>(d); }

size_t HeapInUse() { return mallinfo2().uordblks; }

// This thread's CPU time: the shared build machine is heavily loaded, and
// CPU time is what stays comparable between runs.
absl::Duration ThreadCpu() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return absl::DurationFromTimespec(ts);
}

struct Mesh {
  crypto::DeterministicRandom random{42};
  ControllerEngine controller;
  std::vector<std::unique_ptr<DeviceEngine>> devices;
  std::vector<std::vector<uint8_t>> advertisements;  // from every device
  // Messages the controller sent, kept only where the benchmarks need them.
  std::vector<std::vector<std::vector<uint8_t>>> acks;  // per device
  std::vector<std::vector<uint8_t>> to_device0;
  std::vector<std::vector<std::vector<uint8_t>>> from_device0;  // per peer
  size_t relays = 0;

  Mesh() {
    acks.resize(kDevices);
    from_device0.resize(kDevices);
    for (int d = 0; d < kDevices; ++d) {
      DeviceConfig c;
      c.system_ip = Ip(d);
      c.site_id = 1000 + d;
      c.security.pairwise_keying = true;
      for (int t = 0; t < kTlocs; ++t) {
        DeviceTlocConfig tloc;
        tloc.color = t == 0 ? Color::kMpls : Color::kBizInternet;
        tloc.transport.address =
            ipsec::IpAddress::V4(0x64000000u + (Ip(d) << 1) + t);
        c.tlocs.push_back(tloc);
      }
      devices.push_back(std::make_unique<DeviceEngine>(c, random));
      DeviceOutput out = *devices.back()->Start(kNow);
      for (DeviceAction& a : out.actions) {
        if (a.kind == DeviceAction::Kind::kSendToController) {
          advertisements.push_back(std::move(a.message));
        }
      }
      controller.ConnectDevice(Ip(d), 1000 + d, kNow);
    }
  }

  void Keep(ControllerOutput& out) {
    for (ControllerSend& s : out.sends) {
      ++relays;
      const int to = static_cast<int>(s.to_system_ip - Ip(0));
      const Message m = *ParseMessage(s.bytes);
      if (m.type == MessageType::kAdvertiseAck) {
        acks[to].push_back(std::move(s.bytes));
      } else if (to == 0) {
        to_device0.push_back(std::move(s.bytes));
      } else if (m.type == MessageType::kPeerUpdate &&
                 m.record.id.system_ip == Ip(0)) {
        from_device0[to].push_back(std::move(s.bytes));
      }
    }
  }
};

Mesh& TheMesh() {
  static Mesh* mesh = new Mesh();
  return *mesh;
}

void BM_RawX25519(benchmark::State& state) {
  crypto::DeterministicRandom random(1);
  auto a = *crypto::KeyExchange::Generate(crypto::KeyExchangeGroup::kCurve25519,
                                          random);
  auto b = *crypto::KeyExchange::Generate(crypto::KeyExchangeGroup::kCurve25519,
                                          random);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a->ComputeSharedSecret(b->public_value()));
  }
}
BENCHMARK(BM_RawX25519);

void BM_RawPairKeys(benchmark::State& state) {
  crypto::DeterministicRandom random(2);
  const crypto::SecretBytes ss = random.Secret(32);
  const std::vector<uint8_t> n1 = random.Bytes(32), n2 = random.Bytes(32);
  const KdfEndpoint a{TlocId{1, Color::kMpls, Encapsulation::kIpsec}, 0, 300, 1,
                      n1};
  const KdfEndpoint b{TlocId{2, Color::kMpls, Encapsulation::kIpsec}, 1, 301, 1,
                      n2};
  for (auto _ : state) {
    benchmark::DoNotOptimize(DerivePairwiseKeys(ss, a, b));
  }
}
BENCHMARK(BM_RawPairKeys);

void BM_ControllerFanout(benchmark::State& state) {
  Mesh& mesh = TheMesh();
  for (auto _ : state) {
    // Only the controller's work is timed, not the sorting of its output.
    absl::Duration spent = absl::ZeroDuration();
    for (int d = 0; d < kDevices; ++d) {
      for (int t = 0; t < kTlocs; ++t) {
        const absl::Duration start = ThreadCpu();
        ControllerOutput out = mesh.controller.OnMessage(
            Ip(d), mesh.advertisements[d * kTlocs + t], kNow);
        spent += ThreadCpu() - start;
        mesh.Keep(out);
      }
    }
    state.SetIterationTime(absl::ToDoubleSeconds(spent));
  }
  state.counters["messages_sent"] = static_cast<double>(mesh.relays);
  state.counters["relays_held"] =
      static_cast<double>(mesh.controller.relay_count());
}
BENCHMARK(BM_ControllerFanout)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_DeviceDerivation(benchmark::State& state) {
  Mesh& mesh = TheMesh();
  DeviceEngine& device0 = *mesh.devices[0];
  size_t heap_before = 0;
  size_t heap_after = 0;
  for (auto _ : state) {
    for (const auto& ack : mesh.acks[0]) device0.OnControllerMessage(ack, kNow);
    heap_before = HeapInUse();
    for (const auto& m : mesh.to_device0) {
      DeviceOutput out = device0.OnControllerMessage(m, kNow);
      benchmark::DoNotOptimize(out);
    }
    heap_after = HeapInUse();
  }
  state.counters["pairs"] = static_cast<double>(device0.pair_count());
  state.counters["peer_tlocs"] = static_cast<double>(device0.peer_count());
  state.counters["bytes_per_peer_tloc"] =
      static_cast<double>(heap_after - heap_before) /
      static_cast<double>(device0.peer_count());
  state.counters["bytes_per_pair"] =
      static_cast<double>(heap_after - heap_before) /
      static_cast<double>(device0.pair_count());
}
BENCHMARK(BM_DeviceDerivation)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_RekeyOneDevice(benchmark::State& state) {
  Mesh& mesh = TheMesh();
  // Peers first learn device 0 (not timed): their acks and its records.
  for (int d = 1; d < kDevices; ++d) {
    for (const auto& ack : mesh.acks[d]) {
      mesh.devices[d]->OnControllerMessage(ack, kNow);
    }
    for (const auto& m : mesh.from_device0[d]) {
      mesh.devices[d]->OnControllerMessage(m, kNow);
    }
  }
  const absl::Time later = kNow + absl::Seconds(60);
  absl::Duration own = absl::ZeroDuration();
  absl::Duration fanout = absl::ZeroDuration();
  absl::Duration peers = absl::ZeroDuration();
  size_t updates = 0;
  for (auto _ : state) {
    const absl::Duration t0 = ThreadCpu();
    DeviceOutput out = mesh.devices[0]->Rekey(std::nullopt, later);
    const absl::Duration t1 = ThreadCpu();
    std::vector<ControllerSend> sends;
    for (DeviceAction& a : out.actions) {
      if (a.kind != DeviceAction::Kind::kSendToController) continue;
      ControllerOutput c = mesh.controller.OnMessage(Ip(0), a.message, later);
      for (ControllerSend& s : c.sends) sends.push_back(std::move(s));
    }
    const absl::Duration t2 = ThreadCpu();
    for (ControllerSend& s : sends) {
      if (s.to_system_ip == Ip(0)) continue;  // its own acknowledgements
      ++updates;
      benchmark::DoNotOptimize(
          mesh.devices[s.to_system_ip - Ip(0)]->OnControllerMessage(s.bytes,
                                                                    later));
    }
    const absl::Duration t3 = ThreadCpu();
    own = t1 - t0;
    fanout = t2 - t1;
    peers = t3 - t2;
  }
  state.counters["rekeying_device_ms"] = absl::ToDoubleMilliseconds(own);
  state.counters["controller_fanout_ms"] = absl::ToDoubleMilliseconds(fanout);
  state.counters["all_peers_ms"] = absl::ToDoubleMilliseconds(peers);
  state.counters["peer_updates"] = static_cast<double>(updates);
}
BENCHMARK(BM_RekeyOneDevice)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cygnet::keymgmt::pairwise

BENCHMARK_MAIN();
