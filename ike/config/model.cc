#include "ike/config/model.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cygnet::ike::config {

bool Ipv4Prefix::Contains(const ipsec::IpAddress& candidate) const {
  return candidate.is_v4() && address.SharesPrefix(candidate, prefix_length);
}

std::string Ipv4Prefix::ToString() const {
  uint32_t mask = prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
  return absl::StrCat(address.ToString(), " ",
                      ipsec::IpAddress::V4(mask).ToString());
}

absl::StatusOr<ipsec::IpAddress> ParseIpv4(absl::string_view text) {
  absl::StatusOr<ipsec::IpAddress> address = ipsec::IpAddress::Parse(text);
  if (!address.ok() || !address->is_v4()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not an IPv4 address"));
  }
  return *address;
}

absl::StatusOr<int> ParseNetmask(absl::string_view text) {
  absl::StatusOr<ipsec::IpAddress> mask = ipsec::IpAddress::Parse(text);
  if (!mask.ok() || !mask->is_v4()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not an IPv4 netmask"));
  }
  uint32_t bits = mask->v4_host_order();
  int length = 0;
  while (length < 32 && (bits & (uint32_t{1} << (31 - length))) != 0) {
    ++length;
  }
  uint32_t expected = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  if (bits != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("netmask '", text, "' is not contiguous"));
  }
  return length;
}

// ---- IKE algorithms --------------------------------------------------------

bool IsAead(IkeEncryption encryption) {
  return encryption == IkeEncryption::kAesGcm128 ||
         encryption == IkeEncryption::kAesGcm256;
}

bool IsLegacy(IkeEncryption encryption) {
  return encryption == IkeEncryption::kDes ||
         encryption == IkeEncryption::k3Des;
}

bool IsLegacy(IkeHash hash) { return hash == IkeHash::kMd5; }

bool IsLegacyGroup(int group) {
  return group == 1 || group == 2 || group == 5 || group == 22 || group == 23 ||
         group == 24;
}

namespace {

struct EncryptionName {
  absl::string_view keyword;
  IkeEncryption value;
};
constexpr EncryptionName kIkeEncryptions[] = {
    {"des", IkeEncryption::kDes},
    {"3des", IkeEncryption::k3Des},
    {"aes-cbc-128", IkeEncryption::kAesCbc128},
    {"aes-cbc-192", IkeEncryption::kAesCbc192},
    {"aes-cbc-256", IkeEncryption::kAesCbc256},
    {"aes-gcm-128", IkeEncryption::kAesGcm128},
    {"aes-gcm-256", IkeEncryption::kAesGcm256},
};

struct HashName {
  absl::string_view keyword;
  IkeHash value;
};
// The first spelling of each value is the canonical one (XR writes
// "sha-256", XE "sha256"; both mean the same).
constexpr HashName kIkeHashes[] = {
    {"md5", IkeHash::kMd5},        {"sha1", IkeHash::kSha1},
    {"sha-256", IkeHash::kSha256}, {"sha-384", IkeHash::kSha384},
    {"sha-512", IkeHash::kSha512}, {"sha-1", IkeHash::kSha1},
    {"sha256", IkeHash::kSha256},  {"sha384", IkeHash::kSha384},
    {"sha512", IkeHash::kSha512},
};

constexpr int kKnownGroups[] = {1, 2, 5, 14, 15, 16, 19, 20, 21, 24, 31};

}  // namespace

absl::StatusOr<IkeEncryption> IkeEncryptionFromKeyword(absl::string_view kw) {
  for (const EncryptionName& entry : kIkeEncryptions) {
    if (entry.keyword == kw) return entry.value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown encryption '", kw,
      "' (expected aes-cbc-128, aes-cbc-192, aes-cbc-256, aes-gcm-128, "
      "aes-gcm-256, 3des or des)"));
}

absl::StatusOr<IkeHash> IkeHashFromKeyword(absl::string_view kw) {
  for (const HashName& entry : kIkeHashes) {
    if (entry.keyword == kw) return entry.value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown hash '", kw,
      "' (expected sha1, sha-256, sha-384, sha-512, sha256, sha384, sha512 "
      "or md5)"));
}

absl::StatusOr<int> DhGroupFromKeyword(absl::string_view kw) {
  int group = 0;
  if (!absl::SimpleAtoi(kw, &group) ||
      std::find(std::begin(kKnownGroups), std::end(kKnownGroups), group) ==
          std::end(kKnownGroups)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown dh-group '", kw,
                     "' (expected 1, 2, 5, 14, 15, 16, 19, 20, 21, 24 or 31)"));
  }
  return group;
}

absl::string_view Keyword(IkeEncryption encryption) {
  for (const EncryptionName& entry : kIkeEncryptions) {
    if (entry.value == encryption) return entry.keyword;
  }
  return "?";
}

absl::string_view Keyword(IkeHash hash) {
  for (const HashName& entry : kIkeHashes) {
    if (entry.value == hash) return entry.keyword;
  }
  return "?";
}

std::vector<IkeHash> Ikev2Proposal::EffectivePrf() const {
  return prf.empty() ? integrity : prf;
}

Ikev2Proposal DefaultIkev2Proposal() {
  Ikev2Proposal proposal;
  proposal.name = "default";
  proposal.encryption = {IkeEncryption::kAesCbc128, IkeEncryption::k3Des};
  proposal.integrity = {IkeHash::kSha1, IkeHash::kMd5};
  proposal.dh_groups = {5, 2};
  return proposal;
}

// ---- Identities ------------------------------------------------------------

std::string IdentitySpec::ToString() const {
  switch (type) {
    case Type::kAddress:
      return absl::StrCat("address ", prefix.ToString());
    case Type::kFqdn:
      return absl::StrCat("fqdn ", name);
    case Type::kDomain:
      return absl::StrCat("domain ", name);
  }
  return "?";
}

const KeyringPeer* Keyring::FindPeer(absl::string_view peer_name) const {
  for (const KeyringPeer& peer : peers) {
    if (peer.name == peer_name) return &peer;
  }
  return nullptr;
}

absl::string_view Keyword(AuthMethod method) {
  switch (method) {
    case AuthMethod::kPreShared:
      return "pre-shared";
    case AuthMethod::kRsaSignature:
      return "rsa-signature";
  }
  return "?";
}

// ---- IPsec -----------------------------------------------------------------

bool IsAead(EspEncryption encryption) {
  return encryption == EspEncryption::kAesGcm128 ||
         encryption == EspEncryption::kAesGcm192 ||
         encryption == EspEncryption::kAesGcm256;
}

bool IsLegacy(EspEncryption encryption) {
  return encryption == EspEncryption::kDes ||
         encryption == EspEncryption::k3Des ||
         encryption == EspEncryption::kNull;
}

bool IsLegacy(EspIntegrity integrity) {
  return integrity == EspIntegrity::kMd5;
}

absl::string_view ShowName(EspEncryption encryption) {
  switch (encryption) {
    case EspEncryption::kNull:
      return "ESP_NULL";
    case EspEncryption::kDes:
      return "ESP_DES";
    case EspEncryption::k3Des:
      return "ESP_3DES";
    case EspEncryption::kAesCbc128:
      return "ESP_128_AES";
    case EspEncryption::kAesCbc192:
      return "ESP_192_AES";
    case EspEncryption::kAesCbc256:
      return "ESP_256_AES";
    case EspEncryption::kAesGcm128:
      return "ESP_GCM_128";
    case EspEncryption::kAesGcm192:
      return "ESP_GCM_192";
    case EspEncryption::kAesGcm256:
      return "ESP_GCM_256";
  }
  return "?";
}

absl::string_view ShowName(EspIntegrity integrity) {
  switch (integrity) {
    case EspIntegrity::kMd5:
      return "HMAC_MD5";
    case EspIntegrity::kSha1:
      return "HMAC_SHA1";
    case EspIntegrity::kSha256:
      return "HMAC_SHA_256";
    case EspIntegrity::kSha384:
      return "HMAC_SHA_384";
    case EspIntegrity::kSha512:
      return "HMAC_SHA_512";
  }
  return "?";
}

bool Interface::IsTunnel() const {
  return absl::StartsWithIgnoreCase(name, "tunnel") || !tunnel_mode.empty() ||
         !tunnel_source.empty() || tunnel_destination.has_value() ||
         !tunnel_protection_profile.empty();
}

// ---- Config ----------------------------------------------------------------

namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, absl::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

}  // namespace

const Ikev2Proposal* Config::FindProposal(absl::string_view name) const {
  return FindByName(proposals, name);
}
const Ikev2Policy* Config::FindPolicy(absl::string_view name) const {
  return FindByName(policies, name);
}
const Keyring* Config::FindKeyring(absl::string_view name) const {
  return FindByName(keyrings, name);
}
const SksProfile* Config::FindSksProfile(absl::string_view name) const {
  return FindByName(sks_profiles, name);
}
const Ikev2Profile* Config::FindIkev2Profile(absl::string_view name) const {
  return FindByName(ikev2_profiles, name);
}
const IsakmpProfile* Config::FindIsakmpProfile(absl::string_view name) const {
  return FindByName(isakmp_profiles, name);
}
const TransformSet* Config::FindTransformSet(absl::string_view name) const {
  return FindByName(transform_sets, name);
}
const IpsecProfile* Config::FindIpsecProfile(absl::string_view name) const {
  return FindByName(ipsec_profiles, name);
}
const PkiTrustpoint* Config::FindTrustpoint(absl::string_view name) const {
  return FindByName(trustpoints, name);
}
const CertificateMap* Config::FindCertificateMap(absl::string_view name) const {
  return FindByName(certificate_maps, name);
}

const Interface* Config::FindInterface(absl::string_view name) const {
  for (const Interface& interface : interfaces) {
    if (absl::EqualsIgnoreCase(interface.name, name)) return &interface;
  }
  return nullptr;
}

std::vector<Ikev2Proposal> Config::EffectiveProposals(
    const Ikev2Policy& policy) const {
  std::vector<Ikev2Proposal> result;
  if (policy.proposals.empty()) {
    result.push_back(DefaultIkev2Proposal());
    return result;
  }
  for (const std::string& name : policy.proposals) {
    if (const Ikev2Proposal* proposal = FindProposal(name)) {
      result.push_back(*proposal);
    }
  }
  return result;
}

int Config::EffectiveIpsecLifetimeSeconds(const IpsecProfile& profile) const {
  if (profile.lifetime_seconds) return *profile.lifetime_seconds;
  return global.ipsec_lifetime_seconds.value_or(kDefaultIpsecLifetimeSeconds);
}

ReplaySetting Config::EffectiveReplay(const IpsecProfile& profile) const {
  if (profile.replay) return *profile.replay;
  return global.replay.value_or(ReplaySetting{});
}

}  // namespace cygnet::ike::config
