// Fixed SK keys shared by the ike_message_fuzz target and its seed
// generator, so seeds include messages that pass the ICV check and reach the
// decrypted-payload decoder.
#ifndef CYGNET_FUZZ_IKE_MESSAGE_FUZZ_KEYS_H_
#define CYGNET_FUZZ_IKE_MESSAGE_FUZZ_KEYS_H_

#include <memory>

#include "crypto/random.h"
#include "ike/wire/sk_protection.h"

namespace cygnet::fuzz {

struct IkeFuzzCiphers {
  ike::wire::SkCipher cbc;  // AES-CBC-256 + HMAC-SHA2-256-128
  ike::wire::SkCipher gcm;  // AES-GCM-16 with 128-bit keys
};

inline std::unique_ptr<IkeFuzzCiphers> MakeIkeFuzzCiphers() {
  using ike::wire::EncryptionId;
  using ike::wire::IntegrityId;
  crypto::DeterministicRandom random(0x1ce);
  crypto::SecretBytes cbc_e = random.Secret(32), cbc_a = random.Secret(32);
  crypto::SecretBytes gcm_e = random.Secret(20), none;
  auto cbc = ike::wire::SkCipher::Create(
      EncryptionId::kAesCbc, 256, IntegrityId::kHmacSha2_256_128, cbc_e, cbc_a);
  auto gcm = ike::wire::SkCipher::Create(EncryptionId::kAesGcm16, 128,
                                         IntegrityId::kNone, gcm_e, none);
  if (!cbc.ok() || !gcm.ok()) return nullptr;
  return std::make_unique<IkeFuzzCiphers>(
      IkeFuzzCiphers{*std::move(cbc), *std::move(gcm)});
}

}  // namespace cygnet::fuzz

#endif  // CYGNET_FUZZ_IKE_MESSAGE_FUZZ_KEYS_H_
