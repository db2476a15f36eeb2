// SVR data packets: per-session payload encryption, the SVR security metadata
// TLV that carries the session's payload key, and replay protection.
//
// Pure codec and crypto, driven by the SVR router engine (router.h) for each
// packet of a session. cygnet's own format, version 1, big-endian:
//
//   header (16 bytes)
//     u8  version (1)
//     u8  flags: 0x01 = metadata TLV present; other bits must be zero
//     u16 payload key generation (1.., bumped by payload-key rekey)
//     u32 session id (chosen by the originating router)
//     u64 nonce (>= 1, strictly increasing per session: replay protection)
//   metadata TLV (only when flag 0x01)
//     u16 type 0x5356   u16 length L (20 + 80..1104, ct a multiple of 16)
//     u32 metadata key index (the RECEIVING router's key, which it pushed)
//     16-byte iv
//     ct = AES-256-CBC(metadata enc key, iv, payload key (64) ||
//          u16 M || M bytes session metadata (M <= 1000) || PKCS#7 pad)
//   payload
//     16-byte iv, ct = AES-256-CBC(payload enc key, iv, payload || PKCS#7 pad)
//   tag: HMAC-SHA-384 (48 bytes) over every byte before it, under the
//        metadata key's mac half when the TLV is present, otherwise under the
//        payload key's mac half.
//
// The tag is checked before any decryption. A forwarding router (multi-hop)
// re-wraps only the TLV for the next hop's metadata key and recomputes the
// tag; the payload ciphertext travels end to end untouched.
#ifndef CYGNET_KEYMGMT_SVR_PACKET_H_
#define CYGNET_KEYMGMT_SVR_PACKET_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/svr/key_schedule.h"

namespace cygnet::keymgmt::svr {

inline constexpr uint8_t kPacketVersion = 1;
inline constexpr uint8_t kFlagMetadata = 0x01;
inline constexpr uint16_t kMetadataTlvType = 0x5356;
inline constexpr size_t kPacketHeaderSize = 16;
inline constexpr size_t kMaxSessionMetadataSize = 1000;
inline constexpr size_t kMaxPayloadSize = 65535;

struct PacketHeader {
  uint16_t generation = 1;
  uint32_t session_id = 0;
  uint64_t nonce = 0;
};

// Structural view into a received packet (spans point into the input).
struct ParsedPacket {
  PacketHeader header;
  bool has_metadata = false;
  uint32_t metadata_key_index = 0;
  absl::Span<const uint8_t> metadata_iv;
  absl::Span<const uint8_t> metadata_ct;
  absl::Span<const uint8_t> payload_iv;
  absl::Span<const uint8_t> payload_ct;
  absl::Span<const uint8_t> authenticated;  // header .. end of payload ct
  absl::Span<const uint8_t> tag;
};

// Strict structural parse: version, flags, TLV type and length, block
// alignment, nonce >= 1, exact total length. No keys needed.
absl::StatusOr<ParsedPacket> ParsePacket(absl::Span<const uint8_t> bytes);

// Builds a packet. With metadata_key the TLV (carrying payload_key's bytes
// and session_metadata) is included and tags the packet; without it the
// packet is tagged with payload_key. Randomness: the ivs.
absl::StatusOr<std::vector<uint8_t>> SealPacket(
    const PacketHeader& header, const SvrKey* metadata_key,
    uint32_t metadata_key_index, const SvrKey& payload_key,
    absl::Span<const uint8_t> session_metadata,
    absl::Span<const uint8_t> payload, crypto::Random& random);

struct MetadataPlaintext {
  crypto::SecretBytes payload_key;
  std::vector<uint8_t> session_metadata;
};

// Checks the tag under metadata_key, then decrypts and parses the TLV.
absl::StatusOr<MetadataPlaintext> OpenMetadata(const ParsedPacket& packet,
                                               const SvrKey& metadata_key);
// Checks the tag of a packet without TLV under payload_key.
absl::Status VerifyPayloadTag(const ParsedPacket& packet,
                              const SvrKey& payload_key);
// Decrypts the payload (the tag must have been checked) and strips padding.
absl::StatusOr<std::vector<uint8_t>> DecryptPayload(const ParsedPacket& packet,
                                                    const SvrKey& payload_key);
// Same packet for the next hop: TLV re-wrapped under next_key (index
// next_index), payload unchanged, tag recomputed.
absl::StatusOr<std::vector<uint8_t>> RewrapMetadata(
    const ParsedPacket& packet, const MetadataPlaintext& metadata,
    const SvrKey& next_key, uint32_t next_index, crypto::Random& random);

// Sliding window of 64 nonces behind the highest seen. Check before
// authenticating is cheap; Update only after the tag verified.
class NonceWindow {
 public:
  bool Check(uint64_t nonce) const;
  void Update(uint64_t nonce);
  uint64_t highest() const { return highest_; }

 private:
  uint64_t highest_ = 0;
  uint64_t bitmap_ = 0;  // bit i: highest_ - i seen
};

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_PACKET_H_
