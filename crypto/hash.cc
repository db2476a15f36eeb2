#include "crypto/hash.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

#include "crypto/hash_state.h"

namespace cygnet::crypto {

size_t DigestSize(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return SHA_DIGEST_LENGTH;
    case HashAlgorithm::kSha256:
      return SHA256_DIGEST_LENGTH;
    case HashAlgorithm::kSha384:
      return SHA384_DIGEST_LENGTH;
    case HashAlgorithm::kSha512:
      return SHA512_DIGEST_LENGTH;
  }
  return 0;
}

absl::string_view HashName(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return "SHA1";
    case HashAlgorithm::kSha256:
      return "SHA256";
    case HashAlgorithm::kSha384:
      return "SHA384";
    case HashAlgorithm::kSha512:
      return "SHA512";
  }
  return "unknown";
}

std::vector<uint8_t> Digest(HashAlgorithm hash,
                            absl::Span<const uint8_t> data) {
  return Digest(hash, {data});
}

std::vector<uint8_t> Digest(
    HashAlgorithm hash,
    std::initializer_list<absl::Span<const uint8_t>> parts) {
  internal::HashState state(hash);
  for (absl::Span<const uint8_t> part : parts) {
    state.Update(part.data(), part.size());
  }
  std::vector<uint8_t> out(DigestSize(hash));
  state.Final(out.data());
  return out;
}

namespace internal {

size_t BlockSize(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return SHA_CBLOCK;
    case HashAlgorithm::kSha256:
      return SHA256_CBLOCK;
    case HashAlgorithm::kSha384:
    case HashAlgorithm::kSha512:
      return SHA512_CBLOCK;
  }
  return 0;
}

HashState::HashState(HashAlgorithm hash) : hash_(hash) {
  switch (hash_) {
    case HashAlgorithm::kSha1:
      SHA1_Init(&ctx_.sha1);
      break;
    case HashAlgorithm::kSha256:
      SHA256_Init(&ctx_.sha256);
      break;
    case HashAlgorithm::kSha384:
      SHA384_Init(&ctx_.sha512);
      break;
    case HashAlgorithm::kSha512:
      SHA512_Init(&ctx_.sha512);
      break;
  }
}

HashState::~HashState() { OPENSSL_cleanse(&ctx_, sizeof(ctx_)); }

void HashState::Update(const uint8_t* data, size_t size) {
  if (size == 0) return;
  switch (hash_) {
    case HashAlgorithm::kSha1:
      SHA1_Update(&ctx_.sha1, data, size);
      break;
    case HashAlgorithm::kSha256:
      SHA256_Update(&ctx_.sha256, data, size);
      break;
    case HashAlgorithm::kSha384:
      SHA384_Update(&ctx_.sha512, data, size);
      break;
    case HashAlgorithm::kSha512:
      SHA512_Update(&ctx_.sha512, data, size);
      break;
  }
}

void HashState::Final(uint8_t* out) {
  switch (hash_) {
    case HashAlgorithm::kSha1:
      SHA1_Final(out, &ctx_.sha1);
      break;
    case HashAlgorithm::kSha256:
      SHA256_Final(out, &ctx_.sha256);
      break;
    case HashAlgorithm::kSha384:
      SHA384_Final(out, &ctx_.sha512);
      break;
    case HashAlgorithm::kSha512:
      SHA512_Final(out, &ctx_.sha512);
      break;
  }
}

}  // namespace internal
}  // namespace cygnet::crypto
