#include "keymgmt/secrets/type6.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

crypto::SecretBytes Secret(absl::string_view text) {
  return crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

absl::Span<const uint8_t> Bytes(absl::string_view text) {
  return absl::Span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string Clear(const crypto::SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// Pinned vectors: generated once with DeterministicRandom(seed) under the
// master key "cygnet-config-key" and checked in. They fix the format (a
// change to the KDF, AAD, layout or encoding breaks them), and the decrypt
// direction is checked against the stored text, not a fresh encryption.
struct Vector {
  uint64_t seed;
  absl::string_view secret;
  absl::string_view stored;
};
constexpr absl::string_view kPinnedMaster = "cygnet-config-key";
constexpr Vector kPinned[] = {
#include "keymgmt/secrets/type6_vectors.inc"
};

TEST(Type6Test, PinnedVectors) {
  crypto::SecretBytes master = Secret(kPinnedMaster);
  ASSERT_GT(sizeof(kPinned) / sizeof(kPinned[0]), 2u);
  for (const Vector& v : kPinned) {
    crypto::DeterministicRandom random(v.seed);
    absl::StatusOr<std::string> stored =
        Type6Encrypt(master, Bytes(v.secret), random);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(*stored, v.stored) << "seed " << v.seed;
    absl::StatusOr<crypto::SecretBytes> clear = Type6Decrypt(master, v.stored);
    ASSERT_TRUE(clear.ok()) << clear.status();
    EXPECT_EQ(Clear(*clear), v.secret);
  }
}

TEST(Type6Test, LayoutIsVersionSaltCiphertextTag) {
  crypto::DeterministicRandom random(1);
  crypto::SecretBytes master = Secret("0123456789abcdef");
  std::string stored = *Type6Encrypt(master, Bytes("cisco123"), random);
  ASSERT_TRUE(absl::StartsWith(stored, "C6"));
  std::string blob;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(stored.substr(2), &blob));
  EXPECT_EQ(blob.size(), 1 + kType6SaltSize + 8 + kType6TagSize);
  EXPECT_EQ(static_cast<uint8_t>(blob[0]), kType6Version);
  // The clear key appears nowhere in the stored form.
  EXPECT_FALSE(absl::StrContains(blob, "cisco123"));
  // Fresh salt each time: the same key encrypts differently.
  std::string again = *Type6Encrypt(master, Bytes("cisco123"), random);
  EXPECT_NE(stored, again);
  EXPECT_EQ(Clear(*Type6Decrypt(master, again)), "cisco123");
}

TEST(Type6Test, WrongMasterKeyIsAClearError) {
  crypto::DeterministicRandom random(2);
  std::string stored =
      *Type6Encrypt(Secret("right-master-key"), Bytes("cisco123"), random);
  absl::StatusOr<crypto::SecretBytes> clear =
      Type6Decrypt(Secret("wrong-master-key"), stored);
  ASSERT_FALSE(clear.ok());
  EXPECT_EQ(clear.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(clear.status().message(),
            "type 6 value does not decrypt under the configured master key "
            "(wrong key config-key, or the value was modified)");
}

TEST(Type6Test, EveryModificationIsDetected) {
  crypto::DeterministicRandom random(3);
  crypto::SecretBytes master = Secret("0123456789abcdef");
  std::string stored = *Type6Encrypt(master, Bytes("a-preshared-key"), random);
  std::string blob;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(stored.substr(2), &blob));
  for (size_t i = 1; i < blob.size(); ++i) {
    std::string modified = blob;
    modified[i] = static_cast<char>(modified[i] ^ 0x01);
    std::string text = "C6" + absl::WebSafeBase64Escape(modified);
    absl::StatusOr<crypto::SecretBytes> clear = Type6Decrypt(master, text);
    ASSERT_FALSE(clear.ok()) << "byte " << i;
    EXPECT_EQ(clear.status().code(), absl::StatusCode::kPermissionDenied);
  }
  // Truncating the tag or body is detected too.
  std::string shorter =
      "C6" + absl::WebSafeBase64Escape(blob.substr(0, blob.size() - 1));
  EXPECT_FALSE(Type6Decrypt(master, shorter).ok());
}

TEST(Type6Test, MalformedTextIsInvalidArgument) {
  crypto::SecretBytes master = Secret("0123456789abcdef");
  struct Case {
    std::string text;
    absl::string_view message;
  };
  std::string version2 = std::string(1, '\x02') + std::string(40, 'x');
  const Case kCases[] = {
      {"",
       "type 6 value does not start with 'C6' (not a cygnet type 6 "
       "value)"},
      {"FLgBaJHXdYY_AcHZZMgQ_RhTDJXHUBAAB",
       "type 6 value does not start with 'C6' (not a cygnet type 6 value)"},
      {"C6AAAA==", "type 6 value has a character outside [A-Za-z0-9_-]"},
      {"C6AAA+", "type 6 value has a character outside [A-Za-z0-9_-]"},
      {"C6A", "type 6 value is not canonical base64url"},
      {"C6AAAA", "type 6 value is too short (3 bytes)"},
      {"C6" + absl::WebSafeBase64Escape(version2),
       "type 6 value has unsupported version 2 (this build reads version 1)"},
      {"C6" + std::string(5000, 'A'),
       "type 6 value is 5002 characters, more than 1412"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<crypto::SecretBytes> clear = Type6Decrypt(master, c.text);
    ASSERT_FALSE(clear.ok()) << c.text;
    EXPECT_EQ(clear.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(clear.status().message(), c.message) << c.text;
  }
}

TEST(Type6Test, ArgumentLimits) {
  crypto::DeterministicRandom random(4);
  EXPECT_EQ(
      Type6Encrypt(Secret("short"), Bytes("k"), random).status().message(),
      "master key (key config-key password-encryption) must be 8..128 "
      "bytes, got 5");
  EXPECT_FALSE(
      Type6Encrypt(Secret(std::string(129, 'm')), Bytes("k"), random).ok());
  crypto::SecretBytes master = Secret("0123456789abcdef");
  EXPECT_FALSE(Type6Encrypt(master, Bytes(""), random).ok());
  std::string big(kMaxType6SecretBytes, 'k');
  absl::StatusOr<std::string> stored = Type6Encrypt(master, Bytes(big), random);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(Clear(*Type6Decrypt(master, *stored)), big);
  EXPECT_FALSE(Type6Encrypt(master, Bytes(big + "k"), random).ok());
}

TEST(Type6Test, RekeyMovesEveryKeyToTheNewMaster) {
  crypto::DeterministicRandom random(5);
  crypto::SecretBytes old_key = Secret("old-master-key");
  crypto::SecretBytes new_key = Secret("new-master-key!");
  std::vector<std::string> secrets = {"cisco123", "second-psk", "ppk-0001"};
  std::vector<std::string> stored;
  for (const std::string& s : secrets) {
    stored.push_back(*Type6Encrypt(old_key, Bytes(s), random));
  }
  absl::StatusOr<std::vector<std::string>> rekeyed =
      Type6Rekey(old_key, new_key, stored, random);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.status();
  ASSERT_EQ(rekeyed->size(), secrets.size());
  for (size_t i = 0; i < secrets.size(); ++i) {
    EXPECT_EQ(Clear(*Type6Decrypt(new_key, (*rekeyed)[i])), secrets[i]);
    EXPECT_EQ(Type6Decrypt(old_key, (*rekeyed)[i]).status().code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(Type6Test, RekeyIsAllOrNothing) {
  crypto::DeterministicRandom random(6);
  crypto::SecretBytes old_key = Secret("old-master-key");
  crypto::SecretBytes other = Secret("some-other-key");
  std::vector<std::string> stored = {
      *Type6Encrypt(old_key, Bytes("one"), random),
      *Type6Encrypt(other, Bytes("two"), random),
  };
  absl::StatusOr<std::vector<std::string>> rekeyed =
      Type6Rekey(old_key, Secret("new-master-key"), stored, random);
  ASSERT_FALSE(rekeyed.ok());
  EXPECT_EQ(rekeyed.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      absl::StartsWith(rekeyed.status().message(), "re-keying stored key 1: "));
  EXPECT_FALSE(Type6Rekey(old_key, Secret("tiny"), stored, random).ok());
}

}  // namespace
}  // namespace cygnet::keymgmt
