// HashState: an incremental SHA-1/SHA-2 state as a plain struct, private to
// crypto/. Hmac keeps precomputed inner and outer states of this type and
// copies them per call, which is what lets Compute run without allocating and
// from several threads at once.
#ifndef CYGNET_CRYPTO_HASH_STATE_H_
#define CYGNET_CRYPTO_HASH_STATE_H_

#include <openssl/sha.h>

#include <cstdint>

#include "crypto/hash.h"

namespace cygnet::crypto::internal {

constexpr size_t kMaxDigestSize = SHA512_DIGEST_LENGTH;
constexpr size_t kMaxBlockSize = SHA512_CBLOCK;

size_t BlockSize(HashAlgorithm hash);

class HashState {
 public:
  explicit HashState(HashAlgorithm hash);
  ~HashState();
  HashState(const HashState&) = default;
  HashState& operator=(const HashState&) = default;

  void Update(const uint8_t* data, size_t size);
  // Writes DigestSize(hash) bytes; the state is spent afterwards.
  void Final(uint8_t* out);

 private:
  HashAlgorithm hash_;
  union {
    SHA_CTX sha1;
    SHA256_CTX sha256;
    SHA512_CTX sha512;
  } ctx_;
};

}  // namespace cygnet::crypto::internal

#endif  // CYGNET_CRYPTO_HASH_STATE_H_
