// SVR security messages carried in BFD metadata between two routers' paths.
//
// Pure codec, used by the SVR router engine (encode) and on every received BFD
// metadata blob (parse). The vendor format is not public; this is cygnet's
// own, version 1. All integers are big-endian.
//
// Envelope:
//   u8  version (1)   u8 type   u16 body length (exactly the rest)   body
// Bodies:
//   1 CERTIFICATE      u8 count (1..4), count x { u16 len (1..8192), DER },
//                      leaf first
//   2 CERTIFICATE_ACK  32-byte SHA-256 of the acknowledged leaf DER
//   3 SALT             8-byte salt, u16 len (1..1024) signature
//   4 SALT_ACK         8-byte salt being acknowledged
//   5 KEY_REQUEST      u32 key id, u16 group (IKEv2 number), u16 len (1..512)
//                      public value, u16 len (1..1024) signature
//   6 KEY_RESPONSE     same layout as KEY_REQUEST
//   7 METADATA_KEY     u32 peer key id, u32 metadata key index, 16-byte iv,
//                      112-byte wrapped key (ct 64 || tag 48)
//   8 METADATA_KEY_ACK u32 peer key id, u32 metadata key index, 48-byte tag
//   9 NODE_SYNC        u32 peer key id (0), u32 metadata key index, 16-byte
//                      iv, 112-byte wrapped key (leader to redundant node)
// Any other version or type, a length that does not match, a field out of its
// bounds or trailing bytes is rejected with an error naming the field.
//
// Signatures (with the sender's certificate key; ECDSA DER or RSA) cover a
// transcript that binds both peering common names (sender first), so a
// signed value cannot be replayed towards another router:
//   SALT:         "cygnet svr salt v1"         || lp8(sender) || lp8(receiver)
//                 || salt
//   KEY_REQUEST:  "cygnet svr key request v1"  || lp8(sender) || lp8(receiver)
//                 || u32 key id || u16 group || lp16(public)
//                 || sender salt || receiver salt
//   KEY_RESPONSE: "cygnet svr key response v1" || lp8(sender) || lp8(receiver)
//                 || u32 key id || u16 group || lp16(request public)
//                 || lp16(response public) || sender salt || receiver salt
// Tags (HMAC-SHA-384 under the peer key's mac half):
//   METADATA_KEY wrap aad = "cygnet svr metadata key v1" || lp8(sender)
//                 || lp8(receiver) || u32 peer key id || u32 index
//   METADATA_KEY_ACK tag over "cygnet svr metadata key ack v1" || lp8(sender)
//                 || lp8(receiver) || u32 peer key id || u32 index
//   NODE_SYNC wrap aad = "cygnet svr node sync v1" || lp8(router name)
//                 || u32 index, under the inter-node key (see router.h)
#ifndef CYGNET_KEYMGMT_SVR_MESSAGES_H_
#define CYGNET_KEYMGMT_SVR_MESSAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::keymgmt::svr {

inline constexpr uint8_t kMessageVersion = 1;
inline constexpr size_t kMaxChainCertificates = 4;
inline constexpr size_t kMaxCertificateSize = 8192;
inline constexpr size_t kMaxSignatureSize = 1024;
inline constexpr size_t kMaxPublicValueSize = 512;
inline constexpr size_t kMaxMessageSize = 4 + 1 + 4 * (2 + 8192);

enum class MessageType : uint8_t {
  kCertificate = 1,
  kCertificateAck = 2,
  kSalt = 3,
  kSaltAck = 4,
  kKeyRequest = 5,
  kKeyResponse = 6,
  kMetadataKey = 7,
  kMetadataKeyAck = 8,
  kNodeSync = 9,
};

const char* MessageTypeName(MessageType type);

// One parsed message; only the fields of its type are meaningful.
struct SecurityMessage {
  MessageType type = MessageType::kCertificate;
  std::vector<std::vector<uint8_t>> certificates;  // kCertificate
  std::vector<uint8_t> digest;                     // kCertificateAck (32)
  std::vector<uint8_t> salt;                       // kSalt, kSaltAck (8)
  uint32_t key_id = 0;  // key exchange id / peer key id
  uint16_t group = 0;   // kKeyRequest, kKeyResponse
  std::vector<uint8_t> public_value;
  std::vector<uint8_t> signature;  // kSalt, kKeyRequest, kKeyResponse
  uint32_t key_index = 0;          // kMetadataKey(Ack), kNodeSync
  std::vector<uint8_t> iv;         // kMetadataKey, kNodeSync (16)
  std::vector<uint8_t> wrapped;    // kMetadataKey, kNodeSync (112)
  std::vector<uint8_t> tag;        // kMetadataKeyAck (48)
};

// Encodes a message; fields out of bounds are an InvalidArgument error.
absl::StatusOr<std::vector<uint8_t>> EncodeMessage(const SecurityMessage& m);
// Strict parse of a received BFD metadata blob.
absl::StatusOr<SecurityMessage> ParseMessage(absl::Span<const uint8_t> bytes);

// Transcripts and associated data as documented above.
std::vector<uint8_t> SaltTranscript(absl::string_view sender,
                                    absl::string_view receiver,
                                    absl::Span<const uint8_t> salt);
std::vector<uint8_t> KeyRequestTranscript(
    absl::string_view sender, absl::string_view receiver, uint32_t key_id,
    uint16_t group, absl::Span<const uint8_t> public_value,
    absl::Span<const uint8_t> sender_salt,
    absl::Span<const uint8_t> receiver_salt);
std::vector<uint8_t> KeyResponseTranscript(
    absl::string_view sender, absl::string_view receiver, uint32_t key_id,
    uint16_t group, absl::Span<const uint8_t> request_public,
    absl::Span<const uint8_t> response_public,
    absl::Span<const uint8_t> sender_salt,
    absl::Span<const uint8_t> receiver_salt);
std::vector<uint8_t> MetadataKeyAad(absl::string_view sender,
                                    absl::string_view receiver,
                                    uint32_t peer_key_id, uint32_t index);
std::vector<uint8_t> MetadataKeyAckData(absl::string_view sender,
                                        absl::string_view receiver,
                                        uint32_t peer_key_id, uint32_t index);
std::vector<uint8_t> NodeSyncAad(absl::string_view router, uint32_t index);

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_MESSAGES_H_
