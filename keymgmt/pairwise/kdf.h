// Pairwise key derivation and SPI allocation: cygnet's own construction
// (the vendor's is not public), built from X25519/ECDH and HKDF-SHA256.
//
// Who uses it: the device engine, once per (local TLOC generation, remote
// TLOC generation) combination; tests pin it with vectors
// (kdf_test.cc). Both ends compute the same two keys: A's encrypt key toward
// B is B's decrypt key from A, because every input is named by sender and
// receiver rather than by "local" and "remote".
//
// Construction. Let S be the sender TLOC and R the receiver TLOC of one
// direction, ss the Diffie-Hellman shared secret of their current key pairs,
// and lo/hi the two TLOCs in canonical order (TlocId::Encode bytewise):
//
//   PRK  = HKDF-Extract(SHA-256, salt = nonce(lo) || nonce(hi), ss)
//   SPI  = PairwiseSpi(S, R)                       (below)
//   info = "cygnet-pwk-v1" (13 ASCII bytes) || suite (1) ||
//          TlocId(S) (6) || TlocId(R) (6) ||
//          generation(S) (4) || generation(R) (4) || SPI (4)
//   key(S -> R) = HKDF-Expand(PRK, info, L)
//
// suite 1 = AES-GCM-256 for unicast, L = 36 (key || 4-byte salt, the SAD's
// AEAD layout); suite 2 = AES-256-CBC with HMAC-SHA-256-128 for multicast,
// L = 64 (encryption key 32 || integrity key 32). The nonces are 32 random
// bytes per generation, so a key pair reused by mistake still yields fresh
// keys; binding both TLOC identities, both generations, the direction (by
// order) and the SPI means no two SAs ever share a key.
//
// SPI layout (32 bits), allocated by the receiver's rules but computable by
// both ends from published values, unique within one receiver's inbound SAD:
//
//   bit 31      1 = pairwise key, 0 = the receiver's symmetric key
//   bits 30-29  receiver generation mod 4 (symmetric: symmetric generation)
//   bits 28-27  sender generation mod 4 (symmetric: 0)
//   bits 26-24  receiver slot (its TLOC's index on its device, 0..7)
//   bits 23-0   sender TLOC index (controller-assigned, 256..2^24-1)
//
// Generations mod 4 suffice because the device engine keeps at most two
// generations of each end alive (at most four SA pairs per TLOC pair), and
// a TLOC index of at least 256 keeps every SPI out of RFC 4303's reserved
// range 0..255.
#ifndef CYGNET_KEYMGMT_PAIRWISE_KDF_H_
#define CYGNET_KEYMGMT_PAIRWISE_KDF_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/pairwise/tloc.h"

namespace cygnet::keymgmt::pairwise {

enum class KeySuite : uint8_t {
  kAesGcm256 = 1,            // unicast
  kAesCbc256HmacSha256 = 2,  // multicast
};
size_t KeySuiteLength(KeySuite suite);  // 36, 64

// One end of a direction as the KDF and the SPI layout see it.
struct KdfEndpoint {
  TlocId id;
  uint8_t slot = 0;                 // 0..7
  uint32_t tloc_index = 0;          // 256..2^24-1
  uint32_t generation = 0;          // pairwise generation (or symmetric)
  absl::Span<const uint8_t> nonce;  // 32 bytes (pairwise only)
};

// The receiver's inbound SPI for packets from `sender` under a pairwise key.
uint32_t PairwiseSpi(const KdfEndpoint& sender, const KdfEndpoint& receiver);
// The receiver's inbound SPI for packets from `sender` under the receiver's
// symmetric key of `receiver.generation`.
uint32_t SymmetricSpi(const KdfEndpoint& sender, const KdfEndpoint& receiver);
inline bool IsPairwiseSpi(uint32_t spi) { return (spi >> 31) != 0; }

struct DirectionalKeys {
  uint32_t outbound_spi = 0;  // local -> remote (the remote's inbound SPI)
  uint32_t inbound_spi = 0;   // remote -> local
  crypto::SecretBytes encrypt_key;  // local -> remote
  crypto::SecretBytes decrypt_key;  // remote -> local
};

// The key of one direction. Errors: equal TLOC identities, nonce sizes,
// slot or index out of range.
absl::StatusOr<crypto::SecretBytes> DeriveDirectionKey(
    const crypto::SecretBytes& shared_secret, const KdfEndpoint& sender,
    const KdfEndpoint& receiver, KeySuite suite);

// Both directions as seen from `local`.
absl::StatusOr<DirectionalKeys> DerivePairwiseKeys(
    const crypto::SecretBytes& shared_secret, const KdfEndpoint& local,
    const KdfEndpoint& remote, KeySuite suite = KeySuite::kAesGcm256);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_KDF_H_
