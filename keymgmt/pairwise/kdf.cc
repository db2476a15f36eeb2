#include "keymgmt/pairwise/kdf.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/hkdf.h"
#include "keymgmt/pairwise/message.h"

namespace cygnet::keymgmt::pairwise {
namespace {

constexpr char kLabel[] = "cygnet-pwk-v1";
constexpr size_t kLabelSize = sizeof(kLabel) - 1;

absl::Status CheckEndpoint(const KdfEndpoint& e, absl::string_view role) {
  if (e.slot >= kMaxSlots) {
    return absl::InvalidArgumentError(
        absl::StrCat(role, " slot ", e.slot, " is not 0..7"));
  }
  if (e.tloc_index < kMinTlocIndex || e.tloc_index > kMaxTlocIndex) {
    return absl::InvalidArgumentError(absl::StrCat(
        role, " TLOC index ", e.tloc_index, " is outside 256..2^24-1"));
  }
  if (e.nonce.size() != kNonceSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        role, " nonce is ", e.nonce.size(), " bytes, want ", kNonceSize));
  }
  return absl::OkStatus();
}

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

}  // namespace

size_t KeySuiteLength(KeySuite suite) {
  return suite == KeySuite::kAesGcm256 ? 36 : 64;
}

uint32_t PairwiseSpi(const KdfEndpoint& sender, const KdfEndpoint& receiver) {
  return (uint32_t{1} << 31) | ((receiver.generation & 3u) << 29) |
         ((sender.generation & 3u) << 27) |
         ((uint32_t{receiver.slot} & 7u) << 24) |
         (sender.tloc_index & 0xffffffu);
}

uint32_t SymmetricSpi(const KdfEndpoint& sender, const KdfEndpoint& receiver) {
  return ((receiver.generation & 3u) << 29) |
         ((uint32_t{receiver.slot} & 7u) << 24) |
         (sender.tloc_index & 0xffffffu);
}

absl::StatusOr<crypto::SecretBytes> DeriveDirectionKey(
    const crypto::SecretBytes& shared_secret, const KdfEndpoint& sender,
    const KdfEndpoint& receiver, KeySuite suite) {
  if (absl::Status s = CheckEndpoint(sender, "sender"); !s.ok()) return s;
  if (absl::Status s = CheckEndpoint(receiver, "receiver"); !s.ok()) return s;
  if (sender.id == receiver.id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sender and receiver are the same TLOC ", sender.id.ToString()));
  }
  if (suite != KeySuite::kAesGcm256 &&
      suite != KeySuite::kAesCbc256HmacSha256) {
    return absl::InvalidArgumentError(
        absl::StrCat("key suite ", static_cast<int>(suite), " is unknown"));
  }
  const bool sender_low = sender.id < receiver.id;
  const KdfEndpoint& lo = sender_low ? sender : receiver;
  const KdfEndpoint& hi = sender_low ? receiver : sender;
  std::array<uint8_t, 2 * kNonceSize> salt;
  std::copy(lo.nonce.begin(), lo.nonce.end(), salt.begin());
  std::copy(hi.nonce.begin(), hi.nonce.end(), salt.begin() + kNonceSize);
  const crypto::SecretBytes prk = crypto::HkdfExtract(
      crypto::HashAlgorithm::kSha256, shared_secret.span(), salt);

  std::vector<uint8_t> info(kLabel, kLabel + kLabelSize);
  info.push_back(static_cast<uint8_t>(suite));
  const auto s_id = sender.id.Encode();
  const auto r_id = receiver.id.Encode();
  info.insert(info.end(), s_id.begin(), s_id.end());
  info.insert(info.end(), r_id.begin(), r_id.end());
  Put32(info, sender.generation);
  Put32(info, receiver.generation);
  Put32(info, PairwiseSpi(sender, receiver));
  return crypto::HkdfExpand(crypto::HashAlgorithm::kSha256, prk.span(), info,
                            KeySuiteLength(suite));
}

absl::StatusOr<DirectionalKeys> DerivePairwiseKeys(
    const crypto::SecretBytes& shared_secret, const KdfEndpoint& local,
    const KdfEndpoint& remote, KeySuite suite) {
  DirectionalKeys keys;
  absl::StatusOr<crypto::SecretBytes> encrypt =
      DeriveDirectionKey(shared_secret, local, remote, suite);
  if (!encrypt.ok()) return encrypt.status();
  absl::StatusOr<crypto::SecretBytes> decrypt =
      DeriveDirectionKey(shared_secret, remote, local, suite);
  if (!decrypt.ok()) return decrypt.status();
  keys.encrypt_key = *std::move(encrypt);
  keys.decrypt_key = *std::move(decrypt);
  keys.outbound_spi = PairwiseSpi(local, remote);
  keys.inbound_spi = PairwiseSpi(remote, local);
  return keys;
}

}  // namespace cygnet::keymgmt::pairwise
