#include "ike/config/identity.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cygnet::ike::config {
namespace {

// Candidates at one lookup step with their specificity; the highest wins.
struct Candidate {
  const KeyringPeer* peer;
  int specificity;
};

// Picks the single most specific candidate; ties are a conflict.
absl::StatusOr<const KeyringPeer*> Best(const Keyring& keyring,
                                        const std::vector<Candidate>& found,
                                        absl::string_view what) {
  const Candidate* best = nullptr;
  const Candidate* tie = nullptr;
  for (const Candidate& candidate : found) {
    if (best == nullptr || candidate.specificity > best->specificity) {
      best = &candidate;
      tie = nullptr;
    } else if (candidate.specificity == best->specificity &&
               candidate.peer != best->peer) {
      tie = &candidate;
    }
  }
  if (best == nullptr) return nullptr;
  if (tie != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "keyring '", keyring.name, "': peers '", best->peer->name, "' and '",
        tie->peer->name, "' both match ", what, " (conflicting identities)"));
  }
  return best->peer;
}

}  // namespace

std::string PeerIdentity::ToString() const {
  return type == Type::kFqdn ? absl::StrCat("fqdn '", fqdn, "'")
                             : absl::StrCat("address ", address.ToString());
}

bool FqdnEquals(absl::string_view a, absl::string_view b) {
  return absl::EqualsIgnoreCase(a, b);
}

bool FqdnInDomain(absl::string_view fqdn, absl::string_view domain) {
  if (domain.empty() || fqdn.size() < domain.size() + 2) return false;
  absl::string_view tail = fqdn.substr(fqdn.size() - domain.size());
  if (!absl::EqualsIgnoreCase(tail, domain)) return false;
  // One label at least: a non-empty part before the separating dot.
  return fqdn[fqdn.size() - domain.size() - 1] == '.';
}

bool IdentityMatches(const IdentitySpec& spec, const PeerIdentity& identity) {
  switch (spec.type) {
    case IdentitySpec::Type::kAddress:
      return identity.type == PeerIdentity::Type::kIpv4Address &&
             spec.prefix.Contains(identity.address);
    case IdentitySpec::Type::kFqdn:
      return identity.type == PeerIdentity::Type::kFqdn &&
             FqdnEquals(spec.name, identity.fqdn);
    case IdentitySpec::Type::kDomain:
      return identity.type == PeerIdentity::Type::kFqdn &&
             FqdnInDomain(identity.fqdn, spec.name);
  }
  return false;
}

absl::StatusOr<const KeyringPeer*> FindPeerForResponder(
    const Keyring& keyring, const PeerIdentity& identity,
    const ipsec::IpAddress& source) {
  std::string what = absl::StrCat("identity ", identity.ToString());
  // Steps 1-3 in order; each step's most specific candidate wins.
  std::vector<std::vector<Candidate>> steps(3);
  for (const KeyringPeer& peer : keyring.peers) {
    for (const IdentitySpec& spec : peer.identities) {
      if (!IdentityMatches(spec, identity)) continue;
      switch (spec.type) {
        case IdentitySpec::Type::kFqdn:
          steps[0].push_back({&peer, 0});
          break;
        case IdentitySpec::Type::kDomain:
          steps[1].push_back({&peer, static_cast<int>(spec.name.size())});
          break;
        case IdentitySpec::Type::kAddress:
          // Identity prefixes outrank peer addresses of any length.
          steps[2].push_back({&peer, 100 + spec.prefix.prefix_length});
          break;
      }
    }
    if (identity.type == PeerIdentity::Type::kIpv4Address && peer.address &&
        peer.address->Contains(identity.address)) {
      steps[2].push_back({&peer, peer.address->prefix_length});
    }
  }
  for (const std::vector<Candidate>& step : steps) {
    absl::StatusOr<const KeyringPeer*> best = Best(keyring, step, what);
    if (!best.ok()) return best.status();
    if (*best != nullptr) return *best;
  }
  std::vector<Candidate> by_source;
  for (const KeyringPeer& peer : keyring.peers) {
    if (peer.identities.empty() && peer.address &&
        peer.address->Contains(source)) {
      by_source.push_back({&peer, peer.address->prefix_length});
    }
  }
  absl::StatusOr<const KeyringPeer*> best = Best(
      keyring, by_source, absl::StrCat("source address ", source.ToString()));
  if (!best.ok()) return best.status();
  if (*best != nullptr) return *best;
  return absl::NotFoundError(absl::StrCat("keyring '", keyring.name,
                                          "': no peer matches ", what, " from ",
                                          source.ToString()));
}

absl::StatusOr<const KeyringPeer*> FindPeerForInitiator(
    const Keyring& keyring, const ipsec::IpAddress& destination) {
  std::vector<Candidate> found;
  for (const KeyringPeer& peer : keyring.peers) {
    if (peer.address && peer.address->Contains(destination)) {
      found.push_back({&peer, peer.address->prefix_length});
    }
  }
  std::string what = absl::StrCat("address ", destination.ToString());
  absl::StatusOr<const KeyringPeer*> best = Best(keyring, found, what);
  if (!best.ok()) return best.status();
  if (*best != nullptr) return *best;
  return absl::NotFoundError(absl::StrCat("keyring '", keyring.name,
                                          "': no peer address contains ",
                                          destination.ToString()));
}

bool ProfileMatchesRemote(const Ikev2Profile& profile,
                          const PeerIdentity& identity) {
  for (const IdentitySpec& spec : profile.match_identity_remote) {
    if (IdentityMatches(spec, identity)) return true;
  }
  return false;
}

std::vector<const Ikev2Profile*> FindProfilesForRemote(
    const Config& config, const PeerIdentity& identity) {
  std::vector<const Ikev2Profile*> result;
  for (const Ikev2Profile& profile : config.ikev2_profiles) {
    if (ProfileMatchesRemote(profile, identity)) result.push_back(&profile);
  }
  return result;
}

}  // namespace cygnet::ike::config
