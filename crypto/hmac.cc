#include "crypto/hmac.h"

#include <openssl/mem.h>
#include <openssl/sha.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "crypto/constant_time.h"
#include "crypto/hash_state.h"

namespace cygnet::crypto {

// The precomputed inner and outer states, sized for the hash actually used:
// an SA with HMAC-SHA-256 keeps two 32-byte SHA-256 chaining values, not two
// SHA-512-sized contexts (issue 3's per-SA memory budget).
struct Hmac::State {
  virtual ~State() = default;
  // Writes the full HMAC of the concatenated `parts` to `digest`.
  virtual void Mac(std::initializer_list<absl::Span<const uint8_t>> parts,
                   uint8_t* digest) const = 0;
};

namespace {

// Keeps only the chaining values after the one-block key ^ ipad and
// key ^ opad prefixes (32 bytes each for SHA-256 instead of a 112-byte
// SHA256_CTX with its empty block buffer), because an ESP SA holds one of
// these per SA. A computation resumes a context from them: Init, then the
// saved chaining value and the bit count of the one block already absorbed
// (the public fields h and Nl of BoringSSL's SHA contexts count bits). The
// RFC 4231 and Wycheproof tests pin that this equals the plain HMAC.
template <typename Ctx, int (*Init)(Ctx*),
          int (*Update)(Ctx*, const void*, size_t),
          int (*Final)(uint8_t*, Ctx*), size_t kDigestSize>
class StateFor final : public Hmac::State {
 public:
  // `ipad` and `opad` are the block-sized key ^ 0x36 and key ^ 0x5c.
  StateFor(const uint8_t* ipad, const uint8_t* opad, size_t block_size)
      : block_bits_(block_size * 8) {
    Absorb(ipad, block_size, inner_);
    Absorb(opad, block_size, outer_);
  }
  ~StateFor() override {
    OPENSSL_cleanse(inner_, sizeof(inner_));
    OPENSSL_cleanse(outer_, sizeof(outer_));
  }

  void Mac(std::initializer_list<absl::Span<const uint8_t>> parts,
           uint8_t* digest) const override {
    Ctx ctx;
    Resume(inner_, ctx);
    for (absl::Span<const uint8_t> part : parts) {
      Update(&ctx, part.data(), part.size());
    }
    Final(digest, &ctx);
    Resume(outer_, ctx);
    Update(&ctx, digest, kDigestSize);
    Final(digest, &ctx);
    OPENSSL_cleanse(&ctx, sizeof(ctx));
  }

 private:
  using ChainingValue = decltype(Ctx::h);

  static void Absorb(const uint8_t* pad, size_t block_size,
                     ChainingValue& out) {
    Ctx ctx;
    Init(&ctx);
    Update(&ctx, pad, block_size);
    std::memcpy(out, ctx.h, sizeof(out));
    OPENSSL_cleanse(&ctx, sizeof(ctx));
  }
  void Resume(const ChainingValue& chaining, Ctx& ctx) const {
    Init(&ctx);
    std::memcpy(ctx.h, chaining, sizeof(chaining));
    ctx.Nl = block_bits_;
  }

  ChainingValue inner_;  // after absorbing key ^ ipad
  ChainingValue outer_;  // after absorbing key ^ opad
  uint32_t block_bits_;
};

using Sha1State =
    StateFor<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final, SHA_DIGEST_LENGTH>;
using Sha256State = StateFor<SHA256_CTX, SHA256_Init, SHA256_Update,
                             SHA256_Final, SHA256_DIGEST_LENGTH>;
using Sha384State = StateFor<SHA512_CTX, SHA384_Init, SHA384_Update,
                             SHA384_Final, SHA384_DIGEST_LENGTH>;
using Sha512State = StateFor<SHA512_CTX, SHA512_Init, SHA512_Update,
                             SHA512_Final, SHA512_DIGEST_LENGTH>;

}  // namespace

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
  uint8_t ipad[internal::kMaxBlockSize];
  uint8_t opad[internal::kMaxBlockSize];
  for (size_t i = 0; i < block_size; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  switch (hash) {
    case HashAlgorithm::kSha1:
      hmac.state_ = std::make_unique<Sha1State>(ipad, opad, block_size);
      break;
    case HashAlgorithm::kSha256:
      hmac.state_ = std::make_unique<Sha256State>(ipad, opad, block_size);
      break;
    case HashAlgorithm::kSha384:
      hmac.state_ = std::make_unique<Sha384State>(ipad, opad, block_size);
      break;
    case HashAlgorithm::kSha512:
      hmac.state_ = std::make_unique<Sha512State>(ipad, opad, block_size);
      break;
  }
  OPENSSL_cleanse(ipad, sizeof(ipad));
  OPENSSL_cleanse(opad, sizeof(opad));
  OPENSSL_cleanse(block, sizeof(block));
  if (hmac.state_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HMAC hash algorithm ", static_cast<int>(hash), " is not supported"));
  }
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
  state_->Mac(parts, digest);
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
