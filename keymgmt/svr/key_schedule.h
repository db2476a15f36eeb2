// SVR key schedule: how the peer key is derived and how keys are wrapped.
//
// Pure functions, driven by the SVR router engine and the packet codec. The
// vendor's construction is not public; this is cygnet's own, built only from
// standard primitives (HKDF-SHA-384, AES-256-CBC, HMAC-SHA-384) and pinned by
// vectors in key_schedule_test.cc.
//
// Every SVR symmetric key (peer key, metadata key, payload key) is 64 bytes:
//   enc = key[0..32)   AES-256-CBC key
//   mac = key[32..64)  HMAC-SHA-384 key
//
// Peer key (one per router pair and key id):
//   (lo, hi) = the two peering common names ordered byte-wise, with their
//              salts salt_lo, salt_hi (8 bytes each)
//   prk      = HKDF-Extract(SHA-384, salt = salt_lo || salt_hi,
//                           ikm = ECDH shared secret)
//   peer key = HKDF-Expand(SHA-384, prk, info, 64) with
//     info = "cygnet svr peer key v1" || u8 len(lo) || lo || u8 len(hi) || hi
//            || u32 key id (big-endian)
// Both routers compute the same key whichever initiated the exchange, and a
// key is bound to the pair of names and to its id, so it cannot be replayed
// for another pair or another exchange.
//
// Encrypt-then-MAC (used for the metadata key under the peer key, for the
// metadata TLV under the metadata key, and for payloads under the payload
// key): ct = AES-256-CBC(enc, iv, plaintext) with a fresh random 16-byte iv,
// tag = HMAC-SHA-384(mac, aad || iv || ct), 48 bytes, checked in constant
// time before anything is decrypted.
#ifndef CYGNET_KEYMGMT_SVR_KEY_SCHEDULE_H_
#define CYGNET_KEYMGMT_SVR_KEY_SCHEDULE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/aes_cbc.h"
#include "crypto/hmac.h"
#include "crypto/secret_bytes.h"

namespace cygnet::keymgmt::svr {

inline constexpr size_t kSvrKeySize = 64;
inline constexpr size_t kSvrEncKeySize = 32;
inline constexpr size_t kSvrTagSize = 48;
inline constexpr size_t kSvrIvSize = 16;
inline constexpr size_t kSvrSaltSize = 8;
inline constexpr size_t kMaxPeeringCommonNameSize = 64;

// Derives the peer key as documented above. Names must be 1..64 bytes and
// differ; salts 8 bytes; the secret non-empty.
absl::StatusOr<crypto::SecretBytes> DerivePeerKey(
    absl::Span<const uint8_t> shared_secret, absl::string_view local_name,
    absl::Span<const uint8_t> local_salt, absl::string_view peer_name,
    absl::Span<const uint8_t> peer_salt, uint32_t key_id);

// A 64-byte SVR key with its AES and HMAC schedules expanded once, so the
// per-packet path does no key setup. Immutable after Create.
class SvrKey {
 public:
  static absl::StatusOr<SvrKey> Create(crypto::SecretBytes key);

  const crypto::SecretBytes& bytes() const { return key_; }
  std::string Fingerprint() const { return key_.Fingerprint(); }

  // HMAC-SHA-384 under the mac half over `parts` in order, into out (48).
  absl::Status Tag(std::initializer_list<absl::Span<const uint8_t>> parts,
                   absl::Span<uint8_t> out) const;
  // Constant-time check; PermissionDenied "integrity check failed".
  absl::Status CheckTag(std::initializer_list<absl::Span<const uint8_t>> parts,
                        absl::Span<const uint8_t> tag) const;
  // AES-256-CBC under the enc half, in place; in_out a multiple of 16.
  absl::Status Encrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;
  absl::Status Decrypt(absl::Span<const uint8_t> iv,
                       absl::Span<uint8_t> in_out) const;

 private:
  SvrKey(crypto::SecretBytes key, crypto::AesCbc cipher, crypto::Hmac hmac)
      : key_(std::move(key)),
        cipher_(std::move(cipher)),
        hmac_(std::move(hmac)) {}
  crypto::SecretBytes key_;
  crypto::AesCbc cipher_;
  crypto::Hmac hmac_;
};

// Wraps a 64-byte key: returns ct (64 bytes) || tag (48 bytes), with
// tag = HMAC(mac, aad || iv || ct). iv is 16 bytes from the caller's Random.
absl::StatusOr<std::vector<uint8_t>> WrapKey(const SvrKey& wrapping_key,
                                             absl::Span<const uint8_t> aad,
                                             absl::Span<const uint8_t> iv,
                                             const crypto::SecretBytes& key);
// Checks the tag first, then decrypts; "integrity check failed" otherwise.
absl::StatusOr<crypto::SecretBytes> UnwrapKey(
    const SvrKey& wrapping_key, absl::Span<const uint8_t> aad,
    absl::Span<const uint8_t> iv, absl::Span<const uint8_t> wrapped);

}  // namespace cygnet::keymgmt::svr

#endif  // CYGNET_KEYMGMT_SVR_KEY_SCHEDULE_H_
