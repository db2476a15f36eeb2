// IKE message fragmentation (RFC 7383): splitting an outgoing protected
// message into SKF fragments, and reassembling verified incoming fragments.
//
// Fragment() is used by the engine when the peer sent
// IKEV2_FRAGMENTATION_SUPPORTED and the SK-protected message would exceed the
// path's size. Each fragment is protected on its own by the same SkCipher,
// so the receiver verifies every fragment (SkCipher::UnprotectFragment)
// before handing it to the Reassembler: unauthenticated bytes never reach
// reassembly state.
//
// The Reassembler is sans-I/O: time is an absl::Time parameter supplied by
// the caller, never read from a clock. Its memory is bounded by
// ReassemblyLimits: fragments per message, plaintext bytes per message and
// messages in reassembly at once (per IKE SA: one Reassembler per IKE SA).
#ifndef CYGNET_IKE_WIRE_FRAGMENTATION_H_
#define CYGNET_IKE_WIRE_FRAGMENTATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "ike/wire/payloads.h"
#include "ike/wire/sk_protection.h"

namespace cygnet::ike::wire {

// The largest IKE message (UDP payload) that fits an IP packet of `mtu`
// bytes: mtu - IP header (20 or 40) - UDP header (8) - the 4-byte non-ESP
// marker on port 4500. RFC 7383 2.5.1 suggests 1280 for IPv6 and 576 for
// IPv4 when the path MTU is unknown. 0 if the MTU is too small.
size_t MaxIkeMessageSize(size_t mtu, bool ipv6, bool non_esp_marker);

// Protects `inner` as Total Fragments SKF messages, each at most
// `max_message_size` bytes, all with `header`'s SPIs, exchange, flags and
// message ID. Fragment 1 names the first inner payload. Fails if a fragment
// cannot carry at least one plaintext byte or more than 65535 fragments would
// be needed.
absl::StatusOr<std::vector<Bytes>> Fragment(const SkCipher& cipher,
                                            const Header& header,
                                            absl::Span<const Payload> inner,
                                            size_t max_message_size,
                                            crypto::Random& random);

struct ReassemblyLimits {
  uint16_t max_fragments = 32;                 // Total Fragments accepted
  size_t max_message_bytes = 64 * 1024;        // plaintext of one message
  size_t max_messages = 4;                     // messages in reassembly at once
  absl::Duration timeout = absl::Seconds(30);  // from its first fragment
};

struct ReassembledMessage {
  Header header;  // of the fragment that completed the message
  std::vector<Payload> payloads;
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyLimits limits = {});

  // Adds one verified fragment. Returns the decoded message once all
  // fragments are present, nullopt while some are missing. Messages are told
  // apart by (SPIs, message ID, response flag). Errors (the fragment is
  // dropped; other state is kept unless said otherwise):
  //  - FailedPrecondition: Fragment Number 0 or above Total Fragments; Total
  //    Fragments above max_fragments; a duplicate fragment; Total Fragments
  //    below that of earlier fragments of the same message (a higher value
  //    means the sender re-fragmented for a smaller path MTU: the earlier
  //    fragments are discarded and reassembly restarts, RFC 7383 2.6.2);
  //    exchange type differing from earlier fragments; a first inner payload
  //    named by a fragment other than 1.
  //  - ResourceExhausted: the message's plaintext would exceed
  //    max_message_bytes (its reassembly is abandoned), or max_messages are
  //    already in reassembly.
  //  - InvalidArgument: the reassembled plaintext does not decode (the
  //    codec's error; the reassembly is abandoned).
  // Reassemblies older than the timeout are expired first.
  absl::StatusOr<std::optional<ReassembledMessage>> Add(OpenedFragment fragment,
                                                        absl::Time now);

  // Drops reassemblies whose first fragment arrived before now - timeout.
  // Returns how many were dropped.
  size_t Expire(absl::Time now);

  size_t messages_in_reassembly() const { return pending_.size(); }
  size_t buffered_bytes() const;

 private:
  using Key = std::tuple<uint64_t, uint64_t, uint32_t, bool>;
  struct Pending {
    absl::Time started;
    ExchangeType exchange_type = ExchangeType::kIkeAuth;
    uint16_t total = 0;
    size_t bytes = 0;
    size_t received = 0;
    PayloadType first_inner_payload = PayloadType::kNone;
    std::vector<std::optional<Bytes>> fragments;  // index = number - 1
  };

  ReassemblyLimits limits_;
  std::map<Key, Pending> pending_;
};

}  // namespace cygnet::ike::wire

#endif  // CYGNET_IKE_WIRE_FRAGMENTATION_H_
