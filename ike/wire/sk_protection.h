// SK payload protection: encrypt-and-authenticate IKE messages on send,
// verify-then-decrypt on receive (RFC 7296 3.14 for AES-CBC + HMAC, RFC 5282
// for AES-GCM, RFC 7383 2.5 for SKF fragments).
//
// An SkCipher holds the keys of ONE direction: messages the original
// initiator sends use SK_ei/SK_ai, those the responder sends SK_er/SK_ar, so
// an IKE SA owns two. It is immutable after Create, allocates only the output
// message, and never exposes plaintext of a message whose ICV failed.
//
// Layouts produced and accepted:
//   AES-CBC: IV (16 random bytes) || E(inner payloads || padding || Pad
//     Length) || ICV, where the ICV is the truncated HMAC over the whole
//     message from the first byte of the IKE header through the ciphertext.
//     Padding is the minimum that fills the last block, sent as zeros;
//     received padding of any value and length is accepted.
//   AES-GCM: IV (8 random bytes) || E(inner payloads || Pad Length 0) || tag
//     of 8, 12 or 16 bytes; nonce = 4-byte salt (the last 4 bytes of SK_e)
//     || IV; AAD = the IKE header through the SK (or SKF) payload header,
//     including SKF's Fragment Number and Total Fragments.
// IVs come from the injected Random. A random 64-bit GCM IV is unique with
// overwhelming probability over the few thousand messages an IKE SA carries
// between rekeys (RFC 5282 asks only for uniqueness).
#ifndef CYGNET_IKE_WIRE_SK_PROTECTION_H_
#define CYGNET_IKE_WIRE_SK_PROTECTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/aead.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ike/wire/constants.h"
#include "ike/wire/payloads.h"

namespace cygnet::ike::wire {

// Sizes of SK_e and SK_a that the key derivation must produce for a
// negotiated suite (RFC 7296 2.14; RFC 5282 adds 4 salt bytes to SK_e).
struct SkKeySizes {
  size_t encryption_key = 0;  // SK_ei / SK_er
  size_t integrity_key = 0;   // SK_ai / SK_ar; 0 for AEAD suites
};
// Supported: ENCR_AES_CBC (128/192/256) with AUTH_HMAC_SHA1_96,
// AUTH_HMAC_SHA2_256_128, AUTH_HMAC_SHA2_384_192 or AUTH_HMAC_SHA2_512_256;
// ENCR_AES_GCM_8/12/16 (128/192/256) with integrity kNone. Anything else is
// InvalidArgument naming the algorithm.
absl::StatusOr<SkKeySizes> SkKeySizesFor(EncryptionId encryption,
                                         uint16_t key_bits,
                                         IntegrityId integrity);

// A message after SK verification and decryption.
struct OpenedMessage {
  Header header;
  // Payloads before SK, outside the protection (normally none; RFC 7296
  // processes only what SK protects, the engine decides what to do).
  std::vector<Payload> unprotected;
  std::vector<Payload> payloads;  // the decrypted inner chain
};

// One SKF fragment after verification and decryption; its plaintext is a
// slice of the inner payload chain, meaningful only once reassembled.
struct OpenedFragment {
  Header header;
  uint16_t fragment_number = 0;
  uint16_t total_fragments = 0;
  PayloadType first_inner_payload = PayloadType::kNone;  // fragment 1 only
  Bytes plaintext;
};

class SkCipher {
 public:
  // encryption_key: SK_e (key || salt for GCM); integrity_key: SK_a (empty
  // for GCM). Sizes must match SkKeySizesFor.
  static absl::StatusOr<SkCipher> Create(
      EncryptionId encryption, uint16_t key_bits, IntegrityId integrity,
      const crypto::SecretBytes& encryption_key,
      const crypto::SecretBytes& integrity_key);
  SkCipher(SkCipher&&) noexcept;
  SkCipher& operator=(SkCipher&&) noexcept;
  ~SkCipher();

  size_t iv_size() const { return iv_size_; }
  size_t icv_size() const { return icv_size_; }
  size_t block_size() const { return block_size_; }
  // Largest plaintext (inner payload bytes) that fits in an SK/SKF payload
  // whose body (IV through ICV) may be at most `body_size` bytes; 0 if none.
  size_t MaxPlaintextFor(size_t body_size) const;

  // header + SK{inner}: Header::next_payload/length are recomputed.
  absl::StatusOr<Bytes> Protect(const Header& header,
                                absl::Span<const Payload> inner,
                                crypto::Random& random) const;
  // header + SKF{number/total, chunk}, for fragmentation.h.
  absl::StatusOr<Bytes> ProtectFragment(const Header& header,
                                        uint16_t fragment_number,
                                        uint16_t total_fragments,
                                        PayloadType first_inner_payload,
                                        absl::Span<const uint8_t> chunk,
                                        crypto::Random& random) const;

  // Decodes the datagram, checks that its last payload is SK, verifies the
  // ICV over the received bytes, then decrypts and decodes the inner chain.
  // Errors: the codec's errors for the outer message; "SK payload: ..." for
  // sizes, integrity ("integrity check failed") and padding; the codec's
  // errors (with the inner payload positions) for the plaintext.
  absl::StatusOr<OpenedMessage> Unprotect(
      absl::Span<const uint8_t> datagram) const;
  // The same for a message whose last payload is SKF.
  absl::StatusOr<OpenedFragment> UnprotectFragment(
      absl::Span<const uint8_t> datagram) const;

 private:
  SkCipher() = default;
  // Seals `message`, laid out as [aad..][IV][plaintext][padding+padlen][ICV]
  // with plaintext at `plaintext_offset` (IV just before it) and lengths
  // already final.
  absl::Status Seal(Bytes& message, size_t plaintext_offset,
                    size_t plaintext_size, crypto::Random& random) const;
  // Verifies and decrypts the encrypted body at `body_offset` (IV onward) of
  // `datagram`; returns the inner plaintext without padding.
  absl::StatusOr<Bytes> Open(absl::Span<const uint8_t> datagram,
                             size_t body_offset, const char* what) const;
  absl::StatusOr<Bytes> Build(const Header& header, PayloadType payload_type,
                              PayloadType next, const Bytes* skf_prefix,
                              absl::Span<const uint8_t> plaintext,
                              crypto::Random& random) const;

  size_t iv_size_ = 0;
  size_t icv_size_ = 0;
  size_t block_size_ = 1;
  std::optional<crypto::Aead> aead_;
  crypto::SecretBytes salt_;  // GCM only: the last 4 bytes of SK_e
  std::optional<crypto::AesCbc> cbc_;
  std::optional<crypto::Hmac> hmac_;
};

}  // namespace cygnet::ike::wire

#endif  // CYGNET_IKE_WIRE_SK_PROTECTION_H_
