// Fuzzes the stored-secret decoders (keymgmt/secrets): Type6Decrypt under a
// fixed master key and Type7Decode. Properties beyond "no crash": a value
// that decrypts re-encrypts to a value that decrypts to the same secret; a
// type 7 value that decodes re-encodes (at offsets 0..15) to the same
// secret; failures carry kInvalidArgument or kPermissionDenied only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/secrets/type6.h"
#include "keymgmt/secrets/type7.h"

namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  static constexpr absl::string_view kMaster = "cygnet-config-key";
  cygnet::crypto::SecretBytes master =
      cygnet::crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(kMaster.data()), kMaster.size()));

  auto secret = cygnet::keymgmt::Type6Decrypt(master, text);
  if (secret.ok()) {
    cygnet::crypto::DeterministicRandom random(size);
    auto again = cygnet::keymgmt::Type6Encrypt(master, secret->span(), random);
    Require(again.ok());
    auto back = cygnet::keymgmt::Type6Decrypt(master, *again);
    Require(back.ok() && back->Equals(*secret));
  } else {
    Require(secret.status().code() == absl::StatusCode::kInvalidArgument ||
            secret.status().code() == absl::StatusCode::kPermissionDenied);
  }

  auto clear = cygnet::keymgmt::Type7Decode(text);
  if (clear.ok()) {
    int offset = static_cast<int>(size % 16);
    auto encoded = cygnet::keymgmt::Type7Encode(clear->span(), offset);
    Require(encoded.ok());
    auto back = cygnet::keymgmt::Type7Decode(*encoded);
    Require(back.ok() && back->Equals(*clear));
  } else {
    Require(clear.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
