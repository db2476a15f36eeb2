#include "ike/engine/ike_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crypto/hex.h"

namespace cygnet::ike {

Identity Identity::Address(const ipsec::IpAddress& address) {
  auto bytes = address.bytes();
  return Identity{
      address.is_v4() ? wire::IdType::kIpv4Address : wire::IdType::kIpv6Address,
      std::vector<uint8_t>(bytes.begin(), bytes.end())};
}

Identity Identity::Fqdn(std::string_view name) {
  return Identity{wire::IdType::kFqdn,
                  std::vector<uint8_t>(name.begin(), name.end())};
}

std::string Identity::ToString() const {
  switch (type) {
    case wire::IdType::kIpv4Address:
    case wire::IdType::kIpv6Address: {
      absl::StatusOr<ipsec::IpAddress> address =
          ipsec::IpAddress::FromBytesChecked(data);
      if (address.ok()) return address->ToString();
      break;
    }
    case wire::IdType::kFqdn:
    case wire::IdType::kRfc822Address:
      return std::string(data.begin(), data.end());
    default:
      break;
  }
  return absl::StrCat(wire::ToString(type), ":", crypto::HexEncode(data));
}

bool RemoteIdentityRule::Matches(const Identity& identity) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kAddress: {
      if (identity.type != wire::IdType::kIpv4Address &&
          identity.type != wire::IdType::kIpv6Address) {
        return false;
      }
      absl::StatusOr<ipsec::IpAddress> peer =
          ipsec::IpAddress::FromBytesChecked(identity.data);
      return peer.ok() && address.SharesPrefix(*peer, prefix_length);
    }
    case Kind::kFqdn:
      return identity.type == wire::IdType::kFqdn &&
             absl::EqualsIgnoreCase(
                 std::string(identity.data.begin(), identity.data.end()), name);
    case Kind::kDomain: {
      if (identity.type != wire::IdType::kFqdn) return false;
      std::string peer(identity.data.begin(), identity.data.end());
      // Seed 001: "*.example.com" matches domain example.com, "example.com"
      // itself does not.
      return peer.size() > name.size() + 1 &&
             absl::EndsWithIgnoreCase(peer, absl::StrCat(".", name));
    }
  }
  return false;
}

std::string RemoteIdentityRule::ToString() const {
  switch (kind) {
    case Kind::kAny:
      return "any identity";
    case Kind::kAddress:
      return absl::StrCat("address ", address.ToString(), "/", prefix_length);
    case Kind::kFqdn:
      return absl::StrCat("fqdn ", name);
    case Kind::kDomain:
      return absl::StrCat("domain ", name);
  }
  return "";
}

absl::Status ValidateIkePolicy(const IkePolicy& policy) {
  auto bad = [&](const std::string& what) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy '", policy.name, "': ", what));
  };
  if (policy.name.empty())
    return absl::InvalidArgumentError("policy name empty");
  if (policy.ike_proposals.empty()) return bad("no IKE proposal");
  if (policy.esp_proposals.empty())
    return bad("no ESP proposal (transform set)");
  for (const IkeProposalConfig& p : policy.ike_proposals) {
    absl::Status s = ValidateIkeProposalConfig(p);
    if (!s.ok()) return bad(std::string(s.message()));
  }
  for (const EspProposalConfig& p : policy.esp_proposals) {
    absl::Status s = ValidateEspProposalConfig(p);
    if (!s.ok()) return bad(std::string(s.message()));
  }
  if (policy.local_identity.data.empty()) return bad("no local identity");
  bool psk = policy.local_authentication == AuthenticationKind::kPreSharedKey ||
             policy.remote_authentication == AuthenticationKind::kPreSharedKey;
  if (psk && !policy.psk_lookup) return bad("no pre-shared key lookup");
  if (policy.local_authentication == AuthenticationKind::kCertificate &&
      (!policy.certificates.private_key.has_value() ||
       policy.certificates.chain.empty())) {
    return bad("certificate authentication without a private key and chain");
  }
  if (policy.remote_authentication == AuthenticationKind::kCertificate &&
      policy.certificates.trust_anchors.empty()) {
    return bad("peer certificate authentication without trust anchors");
  }
  if (policy.ike_lifetime <= absl::ZeroDuration() ||
      policy.child_lifetime <= absl::ZeroDuration()) {
    return bad("lifetimes must be positive");
  }
  // ipsec::Lifetime keeps times in int64 nanoseconds and refuses more.
  if (policy.child_lifetime > absl::Hours(24 * 365 * 100)) {
    return bad(absl::StrCat("child_lifetime ",
                            absl::FormatDuration(policy.child_lifetime),
                            " is longer than 100 years"));
  }
  if (policy.local_address.is_v4() != policy.remote_address.is_v4()) {
    return bad("local and remote addresses of different families");
  }
  if (policy.local_selectors.empty() || policy.remote_selectors.empty()) {
    return bad("traffic selectors missing");
  }
  if (policy.ppk.kind != PpkSettings::Kind::kNone &&
      policy.ppk.source == nullptr) {
    return bad("PPK configured without a key source");
  }
  if (policy.retransmit.max_transmissions < 1) {
    return bad("retransmit.max_transmissions must be at least 1");
  }
  return absl::OkStatus();
}

}  // namespace cygnet::ike
