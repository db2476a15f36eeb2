// Controller <-> device messages of the pairwise-key protocol: the types, the
// encoder and the strict, bounded parser.
//
// The vendor format is not public; this is cygnet's own, version 1. The
// integrator carries the bytes over its authenticated control connection
// (DTLS/TLS), which also tells each side who sent them; the library never
// trusts a system IP inside a message more than the channel's identity (the
// controller checks they agree).
//
// Wire format (all integers big-endian):
//
//   message = version (1 byte, = 1) || type (1 byte) || length (2 bytes,
//             the whole message including this 4-byte header) || TLV*
//   TLV     = tlv type (1 byte) || tlv length (2 bytes, value only) || value
//
// TLV types 0x01..0x7f must be understood: an unknown one is an error. Types
// 0x80..0xff are skippable extensions: an unknown one is ignored. A TLV may
// appear at most once. Each message type lists the TLVs it requires and the
// ones it allows; any other known TLV is an error. Every length is checked
// against the fixed size of its TLV before the value is read, and a message
// is at most kMaxMessageSize bytes, so parsing allocates at most that much.
//
//   0x01 TLOC_ID        6   system IP (4) || color (1) || encapsulation (1)
//   0x02 SITE_ID        4
//   0x03 SLOT           1   the TLOC's local index on its device, 0..7
//   0x04 TRANSPORT   7/19   family (1: 4 or 6) || address (4/16) || port (2)
//   0x05 GENERATION     4   key generation of the TLOC, starts at 1
//   0x06 FLAGS          1   bit 0: pairwise-keying capable; others zero
//   0x07 PUBLIC_VALUE 2+n   DH group (2, IANA number) || public value (n =
//                           the group's public value size)
//   0x08 NONCE         32
//   0x09 SYMMETRIC_KEY 37   symmetric generation (1) || AES-GCM-256 key ||
//                           4-byte salt (36): the TLOC's one inbound key for
//                           peers that do not do pairwise keys
//   0x0a TLOC_INDEX     4   controller-assigned, 256..2^24-1
//   0x0b VERSION        8   controller relay version, > 0
//   0x0c AUTHORIZED     1   bitmask of the recipient's slots the policy
//                           authorizes toward this TLOC, non-zero
//   0x0d PEER_SYSTEM_IP 4   on-demand tunnel request target
//
// A TLOC record (Advertise and PeerUpdate) is TLOC_ID, SITE_ID, SLOT,
// TRANSPORT, GENERATION, FLAGS, SYMMETRIC_KEY, and PUBLIC_VALUE with NONCE
// exactly when the pairwise flag is set.
//
//   type 1 Advertise     device -> controller: record
//   type 2 AdvertiseAck  controller -> device: TLOC_ID, GENERATION, TLOC_INDEX
//   type 3 Withdraw      device -> controller: TLOC_ID, GENERATION
//   type 4 WithdrawAck   controller -> device: TLOC_ID, GENERATION
//   type 5 PeerUpdate    controller -> device: VERSION, TLOC_INDEX,
//                        AUTHORIZED, record
//   type 6 PeerWithdraw  controller -> device: VERSION, TLOC_ID
//   type 7 PeerAck       device -> controller: VERSION, TLOC_ID
//   type 8 Demand        device -> controller: PEER_SYSTEM_IP
//
// The symmetric key travels inside the controller channel as in classic
// SD-WAN; the DH private keys never leave the device.
#ifndef CYGNET_KEYMGMT_PAIRWISE_MESSAGE_H_
#define CYGNET_KEYMGMT_PAIRWISE_MESSAGE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/key_exchange.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/pairwise/tloc.h"

namespace cygnet::keymgmt::pairwise {

constexpr uint8_t kProtocolVersion = 1;
constexpr size_t kMessageHeaderSize = 4;
constexpr size_t kMaxMessageSize = 1024;
constexpr size_t kNonceSize = 32;
// AES-GCM-256 key || 4-byte salt, the SAD's AEAD key layout.
constexpr size_t kSymmetricKeySize = 36;
constexpr uint8_t kMaxSlots = 8;
constexpr uint32_t kMinTlocIndex = 256;
constexpr uint32_t kMaxTlocIndex = (1u << 24) - 1;

enum class MessageType : uint8_t {
  kAdvertise = 1,
  kAdvertiseAck = 2,
  kWithdraw = 3,
  kWithdrawAck = 4,
  kPeerUpdate = 5,
  kPeerWithdraw = 6,
  kPeerAck = 7,
  kDemand = 8,
};
absl::string_view MessageTypeName(MessageType type);

// What a TLOC publishes. Move-only (the symmetric key is a secret).
struct TlocRecord {
  TlocId id;
  uint32_t site_id = 0;
  uint8_t slot = 0;
  TransportEndpoint transport;
  uint32_t generation = 1;
  bool pairwise = false;
  crypto::KeyExchangeGroup group = crypto::KeyExchangeGroup::kCurve25519;
  std::vector<uint8_t> public_value;  // empty unless pairwise
  std::vector<uint8_t> nonce;         // empty unless pairwise
  uint8_t symmetric_generation = 1;
  crypto::SecretBytes symmetric_key;  // kSymmetricKeySize bytes

  TlocRecord Clone() const;
};

// One message; which fields are meaningful depends on `type` (see above).
struct Message {
  MessageType type = MessageType::kAdvertise;
  TlocRecord record;             // Advertise, PeerUpdate
  TlocId tloc;                   // AdvertiseAck, Withdraw(Ack), PeerWithdraw,
                                 // PeerAck
  uint32_t generation = 0;       // AdvertiseAck, Withdraw(Ack)
  uint32_t tloc_index = 0;       // AdvertiseAck, PeerUpdate
  uint64_t version = 0;          // PeerUpdate, PeerWithdraw, PeerAck
  uint8_t authorized_slots = 0;  // PeerUpdate
  uint32_t peer_system_ip = 0;   // Demand
};

// Validates the fields the type uses (the same rules as Parse) and encodes.
absl::StatusOr<std::vector<uint8_t>> EncodeMessage(const Message& message);
// Strict parse; errors name the TLV or field and the offending value.
absl::StatusOr<Message> ParseMessage(absl::Span<const uint8_t> bytes);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_MESSAGE_H_
