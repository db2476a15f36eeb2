#include "crypto/hmac.h"

#include <openssl/mem.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "crypto/constant_time.h"
#include "crypto/hash_state.h"

namespace cygnet::crypto {

struct Hmac::State {
  explicit State(HashAlgorithm hash) : inner(hash), outer(hash) {}
  internal::HashState inner;  // after absorbing key ^ ipad
  internal::HashState outer;  // after absorbing key ^ opad
};

Hmac::Hmac(HashAlgorithm hash) : hash_(hash) {}
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;
Hmac::~Hmac() = default;

absl::StatusOr<Hmac> Hmac::Create(HashAlgorithm hash,
                                  absl::Span<const uint8_t> key) {
  const size_t block_size = internal::BlockSize(hash);
  if (block_size == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HMAC hash algorithm ", static_cast<int>(hash), " is not supported"));
  }
  uint8_t block[internal::kMaxBlockSize] = {0};
  if (key.size() > block_size) {
    internal::HashState key_hash(hash);
    key_hash.Update(key.data(), key.size());
    key_hash.Final(block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  Hmac hmac(hash);
  hmac.state_ = std::make_unique<State>(hash);
  uint8_t pad[internal::kMaxBlockSize];
  for (size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x36;
  hmac.state_->inner.Update(pad, block_size);
  for (size_t i = 0; i < block_size; ++i) pad[i] = block[i] ^ 0x5c;
  hmac.state_->outer.Update(pad, block_size);
  OPENSSL_cleanse(pad, sizeof(pad));
  OPENSSL_cleanse(block, sizeof(block));
  return hmac;
}

absl::Status Hmac::Compute(absl::Span<const uint8_t> data,
                           absl::Span<uint8_t> out) const {
  return Compute({data}, out);
}

absl::Status Hmac::Compute(
    std::initializer_list<absl::Span<const uint8_t>> parts,
    absl::Span<uint8_t> out) const {
  if (state_ == nullptr) {
    return absl::FailedPreconditionError("HMAC key was moved from");
  }
  const size_t digest_size = DigestSize(hash_);
  if (out.empty() || out.size() > digest_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("HMAC-", HashName(hash_), " output length must be 1..",
                     digest_size, " bytes, got ", out.size()));
  }
  uint8_t digest[internal::kMaxDigestSize];
  internal::HashState inner = state_->inner;
  for (absl::Span<const uint8_t> part : parts) {
    inner.Update(part.data(), part.size());
  }
  inner.Final(digest);
  internal::HashState outer = state_->outer;
  outer.Update(digest, digest_size);
  outer.Final(digest);
  std::memcpy(out.data(), digest, out.size());
  OPENSSL_cleanse(digest, sizeof(digest));
  return absl::OkStatus();
}

absl::Status Hmac::Verify(absl::Span<const uint8_t> data,
                          absl::Span<const uint8_t> tag) const {
  const size_t digest_size = DigestSize(hash_);
  if (tag.empty() || tag.size() > digest_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("HMAC-", HashName(hash_), " tag length must be 1..",
                     digest_size, " bytes, got ", tag.size()));
  }
  uint8_t expected[internal::kMaxDigestSize];
  absl::Status status = Compute(data, absl::MakeSpan(expected, tag.size()));
  if (!status.ok()) return status;
  const bool equal =
      ConstantTimeEquals(absl::MakeConstSpan(expected, tag.size()), tag);
  OPENSSL_cleanse(expected, sizeof(expected));
  if (!equal) return absl::UnauthenticatedError("integrity check failed");
  return absl::OkStatus();
}

std::vector<uint8_t> HmacDigest(HashAlgorithm hash,
                                absl::Span<const uint8_t> key,
                                absl::Span<const uint8_t> data) {
  absl::StatusOr<Hmac> hmac = Hmac::Create(hash, key);
  if (!hmac.ok()) return {};
  std::vector<uint8_t> out(DigestSize(hash));
  if (!hmac->Compute(data, absl::MakeSpan(out)).ok()) return {};
  return out;
}

}  // namespace cygnet::crypto
