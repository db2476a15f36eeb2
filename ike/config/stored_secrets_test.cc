#include "ike/config/stored_secrets.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "crypto/random.h"
#include "gtest/gtest.h"
#include "ike/config/parser.h"
#include "keymgmt/secrets/type6.h"

namespace cygnet::ike::config {
namespace {

crypto::SecretBytes Secret(absl::string_view text) {
  return crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string Clear(const crypto::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

constexpr absl::string_view kConfig =
    "keyring k\n"
    " peer a\n  pre-shared-key cisco123\n  address 10.0.0.1\n"
    " peer b\n  pre-shared-key local 7 0822455D0A16\n"
    "  pre-shared-key remote other\n  address 10.0.0.2\n"
    " peer c\n  ppk manual id 1 key password 060506324F41584B56\n"
    "  address 10.0.0.3\n";

TEST(StoredSecretsTest, EncryptThenRekeyKeepsEveryValue) {
  crypto::DeterministicRandom random(7);
  absl::StatusOr<ParseResult> parsed = ParseConfig(kConfig);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  Config& config = parsed->config;
  crypto::SecretBytes first = Secret("first-master-key");
  crypto::SecretBytes second = Secret("second-master-key");

  ASSERT_TRUE(EncryptSecretsAsType6(config, first, random).ok());
  const Keyring& keyring = *config.FindKeyring("k");
  std::vector<const StoredSecret*> all = {
      &*keyring.peers[0].local_psk, &*keyring.peers[0].remote_psk,
      &*keyring.peers[1].local_psk, &*keyring.peers[1].remote_psk,
      &keyring.peers[2].ppk->key};
  for (const StoredSecret* s : all) {
    EXPECT_EQ(s->form, SecretForm::kType6);
    absl::StatusOr<crypto::SecretBytes> clear =
        keymgmt::Type6Decrypt(first, s->encoded);
    ASSERT_TRUE(clear.ok());
    EXPECT_TRUE(clear->Equals(s->value));
  }
  EXPECT_EQ(Clear(keyring.peers[1].local_psk->value), "cisco");

  // The encrypted text re-parses to the same keys under the master key.
  std::string reparsed_text =
      absl::StrCat("keyring k peer a pre-shared-key 6 ",
                   keyring.peers[0].local_psk->encoded, "\n");
  ParseOptions options;
  options.master_key = &first;
  absl::StatusOr<ParseResult> reparsed = ParseConfig(reparsed_text, options);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(Clear(reparsed->config.keyrings[0].peers[0].local_psk->value),
            "cisco123");

  std::string before = keyring.peers[2].ppk->key.encoded;
  ASSERT_TRUE(RekeyType6Secrets(config, first, second, random).ok());
  EXPECT_NE(keyring.peers[2].ppk->key.encoded, before);
  for (const StoredSecret* s : all) {
    absl::StatusOr<crypto::SecretBytes> clear =
        keymgmt::Type6Decrypt(second, s->encoded);
    ASSERT_TRUE(clear.ok());
    EXPECT_TRUE(clear->Equals(s->value));
    EXPECT_FALSE(keymgmt::Type6Decrypt(first, s->encoded).ok());
  }
}

TEST(StoredSecretsTest, RekeyWithTheWrongOldKeyChangesNothing) {
  crypto::DeterministicRandom random(8);
  absl::StatusOr<ParseResult> parsed = ParseConfig(kConfig);
  ASSERT_TRUE(parsed.ok());
  Config& config = parsed->config;
  crypto::SecretBytes master = Secret("first-master-key");
  ASSERT_TRUE(EncryptSecretsAsType6(config, master, random).ok());
  std::string before = config.keyrings[0].peers[0].local_psk->encoded;
  absl::Status status = RekeyType6Secrets(config, Secret("not-the-master"),
                                          Secret("new-master-key"), random);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "keyring 'k' peer 'a' pre-shared-key local: type 6 value does not "
            "decrypt under the configured master key (wrong key config-key, "
            "or the value was modified)");
  EXPECT_EQ(config.keyrings[0].peers[0].local_psk->encoded, before);
  EXPECT_FALSE(EncryptSecretsAsType6(config, Secret("short"), random).ok());
}

}  // namespace
}  // namespace cygnet::ike::config
