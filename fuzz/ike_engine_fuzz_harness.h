// The stateful IKE fuzzer's harness: a responder IkeEngine (ike/engine) fed a
// sequence of datagrams that the fuzz input derives from a recorded valid
// exchange.
//
// The recording: two engines with crypto::DeterministicRandom (seeds fixed
// below) and seed-001-like PSK policies run IKE_SA_INIT, IKE_AUTH,
// CREATE_CHILD_SA (child rekey), CREATE_CHILD_SA (IKE SA rekey), another
// child rekey over the new IKE SA and an INFORMATIONAL delete, directly
// (no network, no timers). Every datagram the initiator sent is kept.
// Because the responder is deterministic too, a fresh responder with the
// same seed fed the recorded datagrams in order reproduces the exchange, so
// mutations of later messages reach deep states (SK-protected payloads that
// decrypt and verify).
//
// The input format (a small program; bytes run out = end):
//   op = byte % 8
//   0: deliver recorded message [next byte % count] unchanged
//   1: deliver recorded message k with n = (byte % 8) + 1 byte XORs at
//      16-bit positions (modulo its length)
//   2: deliver recorded message k truncated to a 16-bit length
//   3: deliver k with a 16-bit length and that many raw input bytes spliced
//      in at a 16-bit offset (grow / replace the tail)
//   4: a raw datagram: 16-bit length, then the bytes
//   5: advance time by (byte) seconds and HandleTimeout
//   6: deliver k from another peer address (byte selects one of 256
//      addresses inside the policy's /24) and port (500 or 4500 with the
//      non-ESP marker)
//   7: deliver k unchanged twice (duplicate / retransmission)
// At most kMaxOperations operations run.
//
// Checked after every operation: the engine's IKE SA count, half-open count
// and SAD sizes stay within the configured limits (abort otherwise, which a
// fuzzer reports as a crash); datagrams and events drained each step stay
// bounded. Leaks are LeakSanitizer's job.
#ifndef CYGNET_FUZZ_IKE_ENGINE_FUZZ_HARNESS_H_
#define CYGNET_FUZZ_IKE_ENGINE_FUZZ_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ike/engine/ike_engine.h"

namespace cygnet::fuzz {

inline constexpr size_t kMaxOperations = 64;

// The responder's limits: small, so a fuzzer can reach them.
ike::EngineLimits FuzzLimits();

// The recorded initiator datagrams (computed once, cached).
const std::vector<std::vector<uint8_t>>& RecordedExchange();

struct RunSummary {
  int established = 0;      // kIkeSaEstablished events
  int child_installed = 0;  // kChildSaInstalled
  int child_rekeyed = 0;    // kChildSaRekeyed
  int ike_rekeyed = 0;      // kIkeSaRekeyed
  int ike_deleted = 0;      // kIkeSaDeleted
  int dropped = 0;          // kMessageDropped
  size_t max_ike_sas = 0;   // the most IKE SAs held at any step
  size_t max_sad_inbound = 0;
  ike::EngineCounters counters;
};

// Runs one fuzz input against a fresh responder; aborts if a bound breaks.
RunSummary RunIkeEngineFuzzInput(const uint8_t* data, size_t size);

}  // namespace cygnet::fuzz

#endif  // CYGNET_FUZZ_IKE_ENGINE_FUZZ_HARNESS_H_
