// The IKEv2 message codec: bytes <-> Message (RFC 7296 section 3, RFC 7383).
//
// Decode is the first code that touches a datagram from the network, so it is
// strict and bounded: every length field is checked against the bytes that
// are really there and against the per-type minimums, no read goes past the
// datagram, and everything it allocates is proportional to the datagram (which
// is itself capped at kMaxMessageSize), with kMaxPayloads payloads per chain.
// SK and SKF payloads are kept encrypted; sk_protection.h opens them and
// DecodePayloadChain parses the plaintext with the same rules (an SK inside
// SK is refused, so nesting depth is one).
//
// Errors are InvalidArgument statuses whose message names the payload (by
// position and name) and the field, e.g. "payload 1 (SA): proposal #2
// transform #3: length 7 below minimum 8". NotifyForError() tells which
// error notify RFC 7296 says to answer with: UNSUPPORTED_CRITICAL_PAYLOAD
// (data: the payload type) for a critical unknown payload,
// INVALID_MAJOR_VERSION for a major version above 2, INVALID_SYNTAX for any
// other malformation. Whether to send it at all is the engine's call
// (RFC 7296 2.21: only for messages that can be answered safely).
//
// Canonical form: Encode(Decode(x)) == x for every message whose reserved
// fields are zero (as RFC 7296 requires of senders) and whose transforms put
// Key Length before any other attribute (the only attribute IKEv2 defines);
// other inputs re-encode with reserved bits cleared and Key Length first.
#ifndef CYGNET_IKE_WIRE_MESSAGE_H_
#define CYGNET_IKE_WIRE_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ike/wire/constants.h"
#include "ike/wire/payloads.h"

namespace cygnet::ike::wire {

// Largest IKE message accepted or produced. A UDP payload is always smaller,
// so this bounds Decode's input and everything it allocates.
constexpr size_t kMaxMessageSize = 65535;
// Payloads in one chain (the outer message, or the plaintext of one SK). A
// large IKE_AUTH (IDi, CERT x4, CERTREQ, IDr, AUTH, CP, SA, TSi, TSr, a dozen
// notifies) stays far below this.
constexpr size_t kMaxPayloads = 64;
// Attributes other than Key Length in one transform (IKEv2 defines none).
constexpr size_t kMaxOtherTransformAttributes = 8;
// Attributes in one CP payload.
constexpr size_t kMaxConfigurationAttributes = 64;
// Nonce sizes (RFC 7296 3.9).
constexpr size_t kMinNonceSize = 16;
constexpr size_t kMaxNonceSize = 256;

absl::StatusOr<Message> Decode(absl::Span<const uint8_t> datagram);
// The header alone, with the same checks Decode applies to it (length field
// equal to the datagram size, major version 2). Lets an engine find the SA
// and message ID of a message whose payloads fail to parse.
absl::StatusOr<Header> DecodeHeader(absl::Span<const uint8_t> datagram);
// Parses a payload chain starting with `first` (e.g. the plaintext of an SK
// payload, whose first type is Encrypted::first_inner_payload). SK and SKF are
// refused inside.
absl::StatusOr<std::vector<Payload>> DecodePayloadChain(
    PayloadType first, absl::Span<const uint8_t> bytes);

// Fails (InvalidArgument, naming the payload and field) when a payload's type
// does not match its body, a count or length does not fit its wire field, a
// fixed-size field has the wrong size, or SK/SKF is not last.
// Header::next_payload and Header::length are ignored and recomputed.
absl::StatusOr<Bytes> Encode(const Message& message);
// The payload chain alone (what SK encrypts). SK and SKF are refused.
absl::StatusOr<Bytes> EncodePayloadChain(absl::Span<const Payload> payloads);
// The 28-byte header with the given Next Payload and Length fields.
Bytes EncodeHeader(const Header& header, PayloadType next_payload,
                   uint32_t length);

// The ID payload body as RFC 7296 2.15 feeds it to the AUTH computation
// (RestOfInitIDPayload / RestOfRespIDPayload): type, 3 zero bytes, data.
Bytes EncodeIdentificationBody(const Identification& id);

// IKE over UDP port 4500 (RFC 3948) starts with four zero octets, the
// non-ESP marker, which tells it from ESP. StripNonEspMarker returns the IKE
// message after it, or InvalidArgument if the datagram is not IKE (an ESP
// packet, or fewer than 4 octets). AddNonEspMarker prepends it.
absl::StatusOr<absl::Span<const uint8_t>> StripNonEspMarker(
    absl::Span<const uint8_t> udp_payload);
Bytes AddNonEspMarker(absl::Span<const uint8_t> message);

// The error notify that RFC 7296 associates with a Decode failure, if any.
struct ErrorNotify {
  NotifyType type = NotifyType::kInvalidSyntax;
  Bytes data;
};
std::optional<ErrorNotify> NotifyForError(const absl::Status& status);

// A one-line, strongSwan-like summary for logs, e.g.
// "IKE_SA_INIT request 0 [ SA KE Nonce N(NAT_DETECTION_SOURCE_IP) ]".
std::string Summary(const Message& message);

}  // namespace cygnet::ike::wire

#endif  // CYGNET_IKE_WIRE_MESSAGE_H_
