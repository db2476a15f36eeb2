#include "ike/config/stored_secrets.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "keymgmt/secrets/type6.h"

namespace cygnet::ike::config {
namespace {

struct Slot {
  StoredSecret* secret;
  std::string where;  // "keyring 'k' peer 'p' pre-shared-key local"
};

std::vector<Slot> AllSecrets(Config& config) {
  std::vector<Slot> slots;
  for (Keyring& keyring : config.keyrings) {
    for (KeyringPeer& peer : keyring.peers) {
      std::string prefix =
          absl::StrCat("keyring '", keyring.name, "' peer '", peer.name, "'");
      if (peer.local_psk) {
        slots.push_back(
            {&*peer.local_psk, absl::StrCat(prefix, " pre-shared-key local")});
      }
      if (peer.remote_psk) {
        slots.push_back({&*peer.remote_psk,
                         absl::StrCat(prefix, " pre-shared-key remote")});
      }
      if (peer.ppk && peer.ppk->kind == PpkConfig::Kind::kManual) {
        slots.push_back({&peer.ppk->key, absl::StrCat(prefix, " ppk manual")});
      }
    }
  }
  return slots;
}

}  // namespace

absl::Status RekeyType6Secrets(Config& config,
                               const crypto::SecretBytes& old_master,
                               const crypto::SecretBytes& new_master,
                               crypto::Random& random) {
  if (absl::Status status = keymgmt::CheckMasterKey(new_master); !status.ok()) {
    return status;
  }
  std::vector<Slot> slots = AllSecrets(config);
  std::vector<std::pair<StoredSecret*, std::string>> updates;
  for (const Slot& slot : slots) {
    if (slot.secret->form != SecretForm::kType6) continue;
    absl::StatusOr<crypto::SecretBytes> clear =
        keymgmt::Type6Decrypt(old_master, slot.secret->encoded);
    if (!clear.ok()) {
      return absl::Status(
          clear.status().code(),
          absl::StrCat(slot.where, ": ", clear.status().message()));
    }
    absl::StatusOr<std::string> encoded =
        keymgmt::Type6Encrypt(new_master, clear->span(), random);
    if (!encoded.ok()) return encoded.status();
    updates.emplace_back(slot.secret, *std::move(encoded));
  }
  for (auto& [secret, encoded] : updates) secret->encoded = std::move(encoded);
  return absl::OkStatus();
}

absl::Status EncryptSecretsAsType6(Config& config,
                                   const crypto::SecretBytes& master,
                                   crypto::Random& random) {
  if (absl::Status status = keymgmt::CheckMasterKey(master); !status.ok()) {
    return status;
  }
  std::vector<Slot> slots = AllSecrets(config);
  std::vector<std::pair<StoredSecret*, std::string>> updates;
  for (const Slot& slot : slots) {
    if (slot.secret->form == SecretForm::kType6) continue;
    absl::StatusOr<std::string> encoded =
        keymgmt::Type6Encrypt(master, slot.secret->value.span(), random);
    if (!encoded.ok()) {
      return absl::Status(
          encoded.status().code(),
          absl::StrCat(slot.where, ": ", encoded.status().message()));
    }
    updates.emplace_back(slot.secret, *std::move(encoded));
  }
  for (auto& [secret, encoded] : updates) {
    secret->form = SecretForm::kType6;
    secret->encoded = std::move(encoded);
  }
  return absl::OkStatus();
}

}  // namespace cygnet::ike::config
