// Operations over every stored secret of a Config (keyring peers' local and
// remote pre-shared keys and manual PPKs): what seed 002's encrypted
// preshared key feature does to a running configuration.
//
//   * RekeyType6Secrets: `key config-key password-encryption NEW` replacing
//     OLD -- every type 6 value is decrypted under the old master key and
//     re-encrypted under the new one (fresh salt). All or nothing: on any
//     failure the Config is unchanged and the error names the keyring and
//     peer.
//   * EncryptSecretsAsType6: `password encryption aes` -- every clear or
//     type 7 secret becomes type 6 under the master key (type 7 is only
//     obfuscation). Also all or nothing.
//
// Driven by the integrator's configuration management; randomness only
// through the injected crypto::Random. The decrypted values (StoredSecret::
// value) never change, only their stored form.
#ifndef CYGNET_IKE_CONFIG_STORED_SECRETS_H_
#define CYGNET_IKE_CONFIG_STORED_SECRETS_H_

#include "absl/status/status.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ike/config/model.h"

namespace cygnet::ike::config {

absl::Status RekeyType6Secrets(Config& config,
                               const crypto::SecretBytes& old_master,
                               const crypto::SecretBytes& new_master,
                               crypto::Random& random);

absl::Status EncryptSecretsAsType6(Config& config,
                                   const crypto::SecretBytes& master,
                                   crypto::Random& random);

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_STORED_SECRETS_H_
