#include "crypto/prf.h"

#include <openssl/mem.h>

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "crypto/hash_state.h"
#include "crypto/hmac.h"

namespace cygnet::crypto {

HashAlgorithm PrfHash(PrfAlgorithm prf) {
  switch (prf) {
    case PrfAlgorithm::kHmacSha1:
      return HashAlgorithm::kSha1;
    case PrfAlgorithm::kHmacSha256:
      return HashAlgorithm::kSha256;
    case PrfAlgorithm::kHmacSha384:
      return HashAlgorithm::kSha384;
    case PrfAlgorithm::kHmacSha512:
      return HashAlgorithm::kSha512;
  }
  return HashAlgorithm::kSha256;
}

size_t PrfOutputSize(PrfAlgorithm prf) { return DigestSize(PrfHash(prf)); }

SecretBytes Prf(PrfAlgorithm prf, absl::Span<const uint8_t> key,
                absl::Span<const uint8_t> data) {
  SecretBytes out(PrfOutputSize(prf));
  absl::StatusOr<Hmac> hmac = Hmac::Create(PrfHash(prf), key);
  // Create and a full-length Compute cannot fail for a valid PrfAlgorithm.
  if (hmac.ok()) (void)hmac->Compute(data, out.mutable_span());
  return out;
}

absl::StatusOr<SecretBytes> PrfPlus(PrfAlgorithm prf,
                                    absl::Span<const uint8_t> key,
                                    absl::Span<const uint8_t> seed,
                                    size_t length) {
  const size_t block = PrfOutputSize(prf);
  if (length > 255 * block) {
    return absl::InvalidArgumentError(absl::StrCat(
        "prf+ length ", length, " exceeds 255 blocks of PRF-HMAC-",
        HashName(PrfHash(prf)), " (maximum ", 255 * block, " bytes)"));
  }
  absl::StatusOr<Hmac> hmac = Hmac::Create(PrfHash(prf), key);
  if (!hmac.ok()) return hmac.status();
  SecretBytes out(length);
  uint8_t t[internal::kMaxDigestSize];
  size_t t_size = 0;  // T0 is empty
  size_t done = 0;
  for (uint8_t n = 1; done < length; ++n) {
    const uint8_t counter[1] = {n};
    absl::Status status = hmac->Compute(
        {absl::MakeConstSpan(t, t_size), seed, absl::MakeConstSpan(counter)},
        absl::MakeSpan(t, block));
    if (!status.ok()) return status;
    t_size = block;
    const size_t take = std::min(block, length - done);
    std::memcpy(out.mutable_data() + done, t, take);
    done += take;
  }
  OPENSSL_cleanse(t, sizeof(t));
  return out;
}

}  // namespace cygnet::crypto
