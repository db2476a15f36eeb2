#include "crypto/hkdf.h"

#include <openssl/digest.h>
#include <openssl/err.h>
#include <openssl/hkdf.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cygnet::crypto {
namespace {

const EVP_MD* Md(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha1:
      return EVP_sha1();
    case HashAlgorithm::kSha256:
      return EVP_sha256();
    case HashAlgorithm::kSha384:
      return EVP_sha384();
    case HashAlgorithm::kSha512:
      return EVP_sha512();
  }
  return nullptr;
}

const uint8_t kEmpty[1] = {0};
const uint8_t* DataOrEmpty(absl::Span<const uint8_t> s) {
  return s.empty() ? kEmpty : s.data();
}

absl::Status CheckLength(HashAlgorithm hash, size_t length) {
  const size_t max = 255 * DigestSize(hash);
  if (length > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("HKDF-", HashName(hash), " length ", length,
                     " exceeds 255 * hash length (", max, " bytes)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SecretBytes> Hkdf(HashAlgorithm hash,
                                 absl::Span<const uint8_t> secret,
                                 absl::Span<const uint8_t> salt,
                                 absl::Span<const uint8_t> info,
                                 size_t length) {
  absl::Status status = CheckLength(hash, length);
  if (!status.ok()) return status;
  SecretBytes prk = HkdfExtract(hash, secret, salt);
  return HkdfExpand(hash, prk.span(), info, length);
}

SecretBytes HkdfExtract(HashAlgorithm hash, absl::Span<const uint8_t> secret,
                        absl::Span<const uint8_t> salt) {
  SecretBytes prk(DigestSize(hash));
  size_t prk_len = 0;
  if (!HKDF_extract(prk.mutable_data(), &prk_len, Md(hash), DataOrEmpty(secret),
                    secret.size(), DataOrEmpty(salt), salt.size())) {
    ERR_clear_error();
  }
  return prk;
}

absl::StatusOr<SecretBytes> HkdfExpand(HashAlgorithm hash,
                                       absl::Span<const uint8_t> prk,
                                       absl::Span<const uint8_t> info,
                                       size_t length) {
  absl::Status status = CheckLength(hash, length);
  if (!status.ok()) return status;
  if (prk.size() < DigestSize(hash)) {
    // RFC 5869 section 2.3: PRK is at least HashLen octets.
    return absl::InvalidArgumentError(
        absl::StrCat("HKDF-", HashName(hash), " PRK must be at least ",
                     DigestSize(hash), " bytes, got ", prk.size()));
  }
  SecretBytes out(length);
  if (length == 0) return out;
  if (!HKDF_expand(out.mutable_data(), length, Md(hash), prk.data(), prk.size(),
                   DataOrEmpty(info), info.size())) {
    ERR_clear_error();
    return absl::InternalError("HKDF expand failed");
  }
  return out;
}

}  // namespace cygnet::crypto
