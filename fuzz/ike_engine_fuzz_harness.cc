#include "fuzz/ike_engine_fuzz_harness.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "ike/engine/test_policy.h"
#include "ipsec/ip_address.h"
#include "ipsec/sa_database.h"

namespace cygnet::fuzz {
namespace {

using ike::EngineLimits;
using ike::Event;
using ike::EventType;
using ike::IkeEngine;
using ike::IkePolicy;
using ike::UdpEndpoint;

constexpr uint64_t kInitiatorSeed = 0x1e1;
constexpr uint64_t kResponderSeed = 0x2e2;
constexpr char kInitiatorAddress[] = "198.51.100.5";
constexpr char kResponderAddress[] = "198.51.100.21";
const absl::Time kStart = absl::FromUnixSeconds(1700000000);

ipsec::IpAddress Ip(const char* text) { return *ipsec::IpAddress::Parse(text); }

[[noreturn]] void Fail(const char* what, size_t value, size_t bound) {
  std::fprintf(stderr, "ike_engine_fuzz: %s = %zu exceeds %zu\n", what, value,
               bound);
  std::abort();
}

// Seed 001's proposal with group 19 (cheap) and PFS in CREATE_CHILD_SA.
IkePolicy Policy(const std::string& name, const char* local,
                 const char* remote) {
  return ike::PskTestPolicy(name, Ip(local), Ip(remote), "ike-engine-fuzz-psk",
                            crypto::KeyExchangeGroup::kEcp256);
}

UdpEndpoint InitiatorEndpoint() { return {Ip(kInitiatorAddress), 500}; }
UdpEndpoint ResponderEndpoint() { return {Ip(kResponderAddress), 500}; }

std::vector<std::vector<uint8_t>> Record() {
  crypto::DeterministicRandom random_a(kInitiatorSeed);
  crypto::DeterministicRandom random_b(kResponderSeed);
  ipsec::SaDatabase sad_a;
  ipsec::SaDatabase sad_b;
  IkeEngine a(random_a, sad_a);
  IkeEngine b(random_b, sad_b, FuzzLimits());
  if (!a.AddPolicy(Policy("fuzz-i", kInitiatorAddress, kResponderAddress))
           .ok() ||
      !b.AddPolicy(Policy("fuzz-r", kResponderAddress, kInitiatorAddress))
           .ok()) {
    std::abort();
  }
  std::vector<std::vector<uint8_t>> recorded;
  absl::Time now = kStart;
  // Delivers everything in flight, both ways, until both are quiet.
  auto pump = [&] {
    for (int round = 0; round < 100; ++round) {
      std::vector<ike::SendDatagram> from_a = a.TakeDatagrams();
      std::vector<ike::SendDatagram> from_b = b.TakeDatagrams();
      if (from_a.empty() && from_b.empty()) break;
      for (ike::SendDatagram& d : from_a) {
        // The recording is taken at the responder's port 500 only (no NAT
        // here, so nothing floats to 4500).
        recorded.push_back(d.bytes);
        b.HandleDatagram(d.from, d.to, d.bytes, now);
      }
      for (ike::SendDatagram& d : from_b) {
        a.HandleDatagram(d.from, d.to, d.bytes, now);
      }
    }
    a.TakeEvents();
    b.TakeEvents();
    now += absl::Seconds(1);
  };
  absl::StatusOr<uint64_t> id = a.Initiate("fuzz-i", now);
  if (!id.ok()) std::abort();
  pump();
  if (!a.RekeyChildSa(*id, now).ok()) std::abort();
  pump();
  if (!a.RekeyIkeSa(*id, now).ok()) std::abort();
  pump();
  std::vector<ike::IkeSaStatus> status = a.Status(now);
  if (status.size() != 1) std::abort();
  if (!a.RekeyChildSa(status[0].id, now).ok()) std::abort();
  pump();
  if (!a.DeleteIkeSa(status[0].id, now).ok()) std::abort();
  pump();
  return recorded;
}

// Reads the fuzz program.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return position_ >= size_; }
  uint8_t Byte() { return position_ < size_ ? data_[position_++] : 0; }
  uint16_t Word() {
    uint16_t high = Byte();
    return static_cast<uint16_t>(high << 8 | Byte());
  }
  std::vector<uint8_t> Bytes(size_t n) {
    n = std::min(n, size_ - std::min(position_, size_));
    std::vector<uint8_t> out(data_ + position_, data_ + position_ + n);
    position_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
};

}  // namespace

EngineLimits FuzzLimits() {
  EngineLimits limits;
  limits.cookie_threshold = 4;
  limits.max_half_open = 6;
  limits.max_ike_sas = 8;
  limits.max_ike_sas_per_peer = 4;
  limits.max_child_sas_per_ike_sa = 4;
  limits.half_open_timeout = absl::Seconds(30);
  return limits;
}

const std::vector<std::vector<uint8_t>>& RecordedExchange() {
  static const auto* const recorded =
      new std::vector<std::vector<uint8_t>>(Record());
  return *recorded;
}

RunSummary RunIkeEngineFuzzInput(const uint8_t* data, size_t size) {
  const std::vector<std::vector<uint8_t>>& recorded = RecordedExchange();
  const EngineLimits limits = FuzzLimits();
  crypto::DeterministicRandom random(kResponderSeed);
  ipsec::SaDatabase sad;
  IkeEngine engine(random, sad, limits);
  if (!engine.AddPolicy(Policy("fuzz-r", kResponderAddress, kInitiatorAddress))
           .ok()) {
    std::abort();
  }
  RunSummary summary;
  absl::Time now = kStart;
  const UdpEndpoint local = ResponderEndpoint();
  auto deliver = [&](const UdpEndpoint& from, const UdpEndpoint& to,
                     const std::vector<uint8_t>& bytes) {
    engine.HandleDatagram(from, to, bytes, now);
  };
  auto pick = [&](Reader& in) -> const std::vector<uint8_t>& {
    return recorded[in.Byte() % recorded.size()];
  };

  Reader in(data, size);
  for (size_t op = 0; op < kMaxOperations && !in.empty(); ++op) {
    switch (in.Byte() % 8) {
      case 0:
        deliver(InitiatorEndpoint(), local, pick(in));
        break;
      case 1: {
        std::vector<uint8_t> bytes = pick(in);
        int flips = in.Byte() % 8 + 1;
        for (int i = 0; i < flips; ++i) {
          uint16_t at = in.Word();
          uint8_t mask = in.Byte();
          if (!bytes.empty()) bytes[at % bytes.size()] ^= mask;
        }
        deliver(InitiatorEndpoint(), local, bytes);
        break;
      }
      case 2: {
        std::vector<uint8_t> bytes = pick(in);
        bytes.resize(std::min<size_t>(bytes.size(), in.Word()));
        deliver(InitiatorEndpoint(), local, bytes);
        break;
      }
      case 3: {
        std::vector<uint8_t> bytes = pick(in);
        size_t at = bytes.empty() ? 0 : in.Word() % bytes.size();
        std::vector<uint8_t> splice = in.Bytes(in.Word() % 2048);
        bytes.resize(at);
        bytes.insert(bytes.end(), splice.begin(), splice.end());
        deliver(InitiatorEndpoint(), local, bytes);
        break;
      }
      case 4:
        deliver(InitiatorEndpoint(), local, in.Bytes(in.Word() % 4096));
        break;
      case 5:
        now += absl::Seconds(in.Byte());
        if (engine.NextTimeout() <= now) engine.HandleTimeout(now);
        break;
      case 6: {
        uint8_t selector = in.Byte();
        std::vector<uint8_t> bytes = pick(in);
        ipsec::IpAddress peer =
            Ip(("198.51.100." + std::to_string(selector)).c_str());
        bool nat_port = selector & 1;
        UdpEndpoint to = local;
        if (nat_port) {
          to.port = 4500;
          bytes.insert(bytes.begin(), 4, 0);  // the non-ESP marker
        }
        deliver({peer, static_cast<uint16_t>(nat_port ? 4500 : 500)}, to,
                bytes);
        break;
      }
      case 7: {
        const std::vector<uint8_t>& bytes = pick(in);
        deliver(InitiatorEndpoint(), local, bytes);
        deliver(InitiatorEndpoint(), local, bytes);
        break;
      }
    }
    // Bounded output per step: a few answers, never an amplification loop.
    std::vector<ike::SendDatagram> sent = engine.TakeDatagrams();
    if (sent.size() > 16) Fail("datagrams sent in one step", sent.size(), 16);
    for (const ike::SendDatagram& d : sent) {
      if (d.bytes.size() > 65535) Fail("datagram size", d.bytes.size(), 65535);
    }
    std::vector<Event> events = engine.TakeEvents();
    if (events.size() > 64) Fail("events in one step", events.size(), 64);
    for (const Event& e : events) {
      switch (e.type) {
        case EventType::kIkeSaEstablished:
          ++summary.established;
          break;
        case EventType::kChildSaInstalled:
          ++summary.child_installed;
          break;
        case EventType::kChildSaRekeyed:
          ++summary.child_rekeyed;
          break;
        case EventType::kIkeSaRekeyed:
          ++summary.ike_rekeyed;
          break;
        case EventType::kIkeSaDeleted:
          ++summary.ike_deleted;
          break;
        case EventType::kMessageDropped:
          ++summary.dropped;
          break;
        default:
          break;
      }
    }
    // Bounded state. An IKE SA rekey briefly holds the old and the new SA.
    size_t ike_sas = engine.ike_sa_count();
    if (ike_sas > 2 * limits.max_ike_sas) {
      Fail("ike_sa_count", ike_sas, 2 * limits.max_ike_sas);
    }
    if (engine.half_open_count() > limits.max_half_open) {
      Fail("half_open_count", engine.half_open_count(), limits.max_half_open);
    }
    // Each IKE SA: its children plus, during a rekey, their predecessors.
    size_t sad_bound =
        2 * limits.max_ike_sas * (2 * limits.max_child_sas_per_ike_sa + 2);
    if (sad.inbound_size() > sad_bound) {
      Fail("SAD inbound size", sad.inbound_size(), sad_bound);
    }
    if (sad.outbound_size() > sad_bound) {
      Fail("SAD outbound size", sad.outbound_size(), sad_bound);
    }
    summary.max_ike_sas = std::max(summary.max_ike_sas, ike_sas);
    summary.max_sad_inbound =
        std::max(summary.max_sad_inbound, sad.inbound_size());
  }
  // Let every timer run out: the engine must come back to nothing held
  // except established SAs (half-open ones time out).
  now += absl::Hours(1);
  for (int i = 0; i < 1000 && engine.NextTimeout() <= now; ++i) {
    engine.HandleTimeout(engine.NextTimeout());
  }
  if (engine.half_open_count() != 0) {
    Fail("half-open SAs left after an hour", engine.half_open_count(), 0);
  }
  engine.TakeDatagrams();
  engine.TakeEvents();
  summary.counters = engine.counters();
  return summary;
}

}  // namespace cygnet::fuzz
