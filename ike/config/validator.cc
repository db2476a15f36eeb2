#include "ike/config/validator.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cygnet::ike::config {
namespace {

class Checker {
 public:
  explicit Checker(const Config& config) : config_(config) {}

  std::vector<Finding> Run() {
    for (const Ikev2Proposal& proposal : config_.proposals) Check(proposal);
    for (const Ikev2Policy& policy : config_.policies) Check(policy);
    for (const IsakmpPolicy& policy : config_.isakmp_policies) Check(policy);
    for (const Keyring& keyring : config_.keyrings) Check(keyring);
    for (const Ikev2Profile& profile : config_.ikev2_profiles) Check(profile);
    for (const IsakmpProfile& profile : config_.isakmp_profiles) {
      Check(profile);
    }
    for (const TransformSet& set : config_.transform_sets) Check(set);
    for (const IpsecProfile& profile : config_.ipsec_profiles) Check(profile);
    for (const Interface& interface : config_.interfaces) Check(interface);
    for (const SksProfile& profile : config_.sks_profiles) Check(profile);
    if (config_.global.password_encryption_aes &&
        !config_.global.config_key_present) {
      Warn(0,
           "Can not encrypt password. Please configure a configuration-key "
           "with 'key config-key'");
    }
    std::stable_sort(
        findings_.begin(), findings_.end(),
        [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return std::move(findings_);
  }

 private:
  void Add(Finding::Severity severity, int line, absl::string_view message) {
    findings_.push_back(
        {severity, line, absl::StrCat("line ", line, ": ", message)});
  }
  void Error(int line, absl::string_view message) {
    Add(Finding::Severity::kError, line, message);
  }
  void Warn(int line, absl::string_view message) {
    Add(Finding::Severity::kWarning, line, message);
  }

  void Check(const Ikev2Proposal& p) {
    std::string what = absl::StrCat("ikev2 proposal '", p.name, "'");
    if (p.encryption.empty()) {
      Error(p.line, absl::StrCat(what, " is incomplete: no encryption"));
    }
    if (p.dh_groups.empty()) {
      Error(p.line, absl::StrCat(what, " is incomplete: no dh-group"));
    }
    bool any_aead = false, any_cbc = false;
    for (IkeEncryption e : p.encryption) {
      (IsAead(e) ? any_aead : any_cbc) = true;
      if (IsLegacy(e)) {
        Warn(p.line, absl::StrCat(what, ": encryption ", Keyword(e),
                                  " is refused by cygnet (RFC 8247)"));
      }
    }
    if (any_aead && any_cbc) {
      Error(p.line, absl::StrCat(what,
                                 " mixes AEAD (aes-gcm) and non-AEAD "
                                 "encryption; use two proposals"));
    }
    if (any_cbc && p.integrity.empty()) {
      Error(p.line, absl::StrCat(what, " is incomplete: no integrity"));
    }
    if (any_aead && !any_cbc && !p.integrity.empty()) {
      Error(p.line, absl::StrCat(what,
                                 " has integrity with an AEAD cipher "
                                 "(aes-gcm carries its own)"));
    }
    if (any_aead && p.prf.empty()) {
      Error(p.line, absl::StrCat(what,
                                 " is incomplete: an AEAD proposal needs a "
                                 "prf"));
    }
    for (IkeHash h : p.integrity) {
      if (IsLegacy(h)) {
        Warn(p.line, absl::StrCat(what, ": integrity ", Keyword(h),
                                  " is refused by cygnet (RFC 8247)"));
      }
    }
    for (IkeHash h : p.prf) {
      if (IsLegacy(h)) {
        Warn(p.line, absl::StrCat(what, ": prf ", Keyword(h),
                                  " is refused by cygnet (RFC 8247)"));
      }
    }
    for (int group : p.dh_groups) {
      if (IsLegacyGroup(group)) {
        Warn(p.line, absl::StrCat(what, ": dh-group ", group,
                                  " is refused by cygnet (RFC 8247)"));
      }
    }
  }

  void Check(const Ikev2Policy& policy) {
    for (const std::string& name : policy.proposals) {
      if (config_.FindProposal(name) == nullptr) {
        Error(policy.line,
              absl::StrCat("ikev2 policy '", policy.name, "' names proposal '",
                           name, "', which does not exist"));
      }
    }
  }

  void Check(const IsakmpPolicy& policy) {
    Warn(policy.line,
         absl::StrCat("isakmp policy ", policy.priority,
                      " is IKEv1, which cygnet does not negotiate"));
  }

  void Check(const Keyring& keyring) {
    std::string what = absl::StrCat("keyring '", keyring.name, "'");
    // First peer seen with each identity (type, normalized value) and each
    // bare address: linear in the number of peers.
    absl::flat_hash_map<std::string, const KeyringPeer*> seen;
    for (const KeyringPeer& peer : keyring.peers) {
      if (!peer.address && peer.identities.empty()) {
        Error(peer.line, absl::StrCat(what, " peer '", peer.name,
                                      "' has neither address nor identity, "
                                      "so it can match no peer"));
      }
      // Seed 001: "ensure that a manual PPK is of sufficient size";
      // RFC 8784 section 6 asks for at least 256 bits of entropy.
      if (peer.ppk && peer.ppk->kind == PpkConfig::Kind::kManual &&
          peer.ppk->key.value.size() < 32) {
        Warn(peer.ppk->line,
             absl::StrCat(what, " peer '", peer.name, "' ppk manual id ",
                          peer.ppk->id, " is ", peer.ppk->key.value.size(),
                          " bytes; RFC 8784 asks for at least 256 bits"));
      }
      if (peer.ppk && peer.ppk->kind == PpkConfig::Kind::kDynamic &&
          config_.FindSksProfile(peer.ppk->sks_profile) == nullptr) {
        Error(peer.ppk->line,
              absl::StrCat(what, " peer '", peer.name,
                           "' uses ppk dynamic sks profile '",
                           peer.ppk->sks_profile, "', which does not exist"));
      }
      // Seed 001: "Multiple peers cannot have the same FQDN or FQDN domain
      // configured within a keyring. But the same string can be configured
      // as FQDN in one peer and as FQDN domain name in another."
      for (const IdentitySpec& identity : peer.identities) {
        std::string key = IdentityKey(identity);
        auto [it, inserted] = seen.emplace(key, &peer);
        if (!inserted && it->second != &peer) {
          Error(identity.line,
                absl::StrCat(what, ": peers '", it->second->name, "' and '",
                             peer.name, "' both have identity ",
                             identity.ToString()));
        }
      }
      if (peer.address && peer.identities.empty()) {
        std::string key = absl::StrCat(
            "bare ",
            peer.address->address.Masked(peer.address->prefix_length)
                .ToString(),
            "/", peer.address->prefix_length);
        auto [it, inserted] = seen.emplace(key, &peer);
        if (!inserted && it->second != &peer) {
          Error(peer.line,
                absl::StrCat(what, ": peers '", it->second->name, "' and '",
                             peer.name, "' both have address ",
                             peer.address->ToString()));
        }
      }
    }
  }

  static std::string IdentityKey(const IdentitySpec& identity) {
    switch (identity.type) {
      case IdentitySpec::Type::kAddress:
        return absl::StrCat(
            "address ",
            identity.prefix.address.Masked(identity.prefix.prefix_length)
                .ToString(),
            "/", identity.prefix.prefix_length);
      case IdentitySpec::Type::kFqdn:
        return absl::StrCat("fqdn ", absl::AsciiStrToLower(identity.name));
      case IdentitySpec::Type::kDomain:
        return absl::StrCat("domain ", absl::AsciiStrToLower(identity.name));
    }
    return "";
  }

  void Check(const Ikev2Profile& profile) {
    std::string what = absl::StrCat("ikev2 profile '", profile.name, "'");
    std::vector<AuthMethod> methods = profile.EffectiveAuthenticationLocal();
    if (methods.empty()) {
      Error(profile.line,
            absl::StrCat(what, " is incomplete: no authentication local"));
    }
    for (AuthMethod m : profile.EffectiveAuthenticationRemote()) {
      methods.push_back(m);
    }
    bool psk = std::find(methods.begin(), methods.end(),
                         AuthMethod::kPreShared) != methods.end();
    bool rsa = std::find(methods.begin(), methods.end(),
                         AuthMethod::kRsaSignature) != methods.end();
    if (!profile.keyring.empty()) {
      if (config_.FindKeyring(profile.keyring) == nullptr) {
        Error(profile.line,
              absl::StrCat(what, " names keyring '", profile.keyring,
                           "', which does not exist"));
      }
    } else if (psk) {
      Error(profile.line,
            absl::StrCat(what,
                         " uses pre-shared authentication but names "
                         "no keyring"));
    }
    if (!profile.ppk_keyring.empty() &&
        config_.FindKeyring(profile.ppk_keyring) == nullptr) {
      Error(profile.line,
            absl::StrCat(what, " names keyring ppk '", profile.ppk_keyring,
                         "', which does not exist"));
    }
    if (!profile.match_certificate.empty() &&
        config_.FindCertificateMap(profile.match_certificate) == nullptr) {
      Error(profile.line,
            absl::StrCat(what, " names certificate map '",
                         profile.match_certificate, "', which does not exist"));
    }
    if (!profile.pki_trustpoint.empty() &&
        config_.FindTrustpoint(profile.pki_trustpoint) == nullptr) {
      Error(profile.line,
            absl::StrCat(what, " names pki trustpoint '",
                         profile.pki_trustpoint, "', which does not exist"));
    }
    if (rsa && profile.pki_trustpoint.empty()) {
      Warn(profile.line, absl::StrCat(what,
                                      " uses rsa-signature but names no pki "
                                      "trustpoint"));
    }
    if (profile.match_identity_remote.empty() &&
        profile.match_certificate.empty()) {
      Warn(profile.line,
           absl::StrCat(what,
                        " has no match identity remote: no responder "
                        "session can select it"));
    }
  }

  void Check(const IsakmpProfile& profile) {
    if (!profile.keyring.empty() &&
        config_.FindKeyring(profile.keyring) == nullptr) {
      Error(profile.line,
            absl::StrCat("isakmp profile '", profile.name, "' names keyring '",
                         profile.keyring, "', which does not exist"));
    }
  }

  void Check(const TransformSet& set) {
    std::string what = absl::StrCat("ipsec transform-set '", set.name, "'");
    if (!set.encryption) {
      Error(set.line, absl::StrCat(what, " is incomplete: no encryption"));
      return;
    }
    if (IsAead(*set.encryption) && set.integrity) {
      Error(set.line, absl::StrCat(what,
                                   " has integrity with an AEAD cipher "
                                   "(esp-gcm carries its own)"));
    }
    if (!IsAead(*set.encryption) && !set.integrity) {
      Error(set.line, absl::StrCat(what, " is incomplete: no integrity"));
    }
    if (IsLegacy(*set.encryption)) {
      Warn(set.line, absl::StrCat(what, ": ", ShowName(*set.encryption),
                                  " is refused by cygnet (RFC 8221)"));
    }
    if (set.integrity && IsLegacy(*set.integrity)) {
      Warn(set.line, absl::StrCat(what, ": ", ShowName(*set.integrity),
                                  " is refused by cygnet (RFC 8221)"));
    }
  }

  void Check(const IpsecProfile& profile) {
    std::string what = absl::StrCat("ipsec profile '", profile.name, "'");
    if (profile.transform_sets.empty()) {
      Error(profile.line,
            absl::StrCat(what, " is incomplete: no transform-set"));
    }
    for (const std::string& name : profile.transform_sets) {
      if (config_.FindTransformSet(name) == nullptr) {
        Error(profile.line, absl::StrCat(what, " names transform-set '", name,
                                         "', which does not exist"));
      }
    }
    if (!profile.ikev2_profile.empty() &&
        config_.FindIkev2Profile(profile.ikev2_profile) == nullptr) {
      Error(profile.line,
            absl::StrCat(what, " names ikev2 profile '", profile.ikev2_profile,
                         "', which does not exist"));
    }
    if (!profile.isakmp_profile.empty() &&
        config_.FindIsakmpProfile(profile.isakmp_profile) == nullptr) {
      Error(profile.line,
            absl::StrCat(what, " names isakmp profile '",
                         profile.isakmp_profile, "', which does not exist"));
    }
    if (profile.ikev2_profile.empty() && profile.isakmp_profile.empty()) {
      Error(profile.line,
            absl::StrCat(what, " is incomplete: no ikev2-profile"));
    }
    if (profile.pfs_group && IsLegacyGroup(*profile.pfs_group)) {
      Warn(profile.line, absl::StrCat(what, ": pfs group", *profile.pfs_group,
                                      " is refused by cygnet (RFC 8247)"));
    }
  }

  void Check(const Interface& interface) {
    if (!interface.IsTunnel()) return;
    std::string what = absl::StrCat("interface '", interface.name, "'");
    if (!interface.tunnel_protection_profile.empty() &&
        config_.FindIpsecProfile(interface.tunnel_protection_profile) ==
            nullptr) {
      Error(interface.line, absl::StrCat(what, " names ipsec profile '",
                                         interface.tunnel_protection_profile,
                                         "', which does not exist"));
    }
    if (!interface.tunnel_protection_profile.empty() &&
        !interface.tunnel_destination) {
      Warn(interface.line, absl::StrCat(what, " has no tunnel destination"));
    }
  }

  void Check(const SksProfile& profile) {
    if (!profile.kme_address) {
      Error(profile.line, absl::StrCat("sks profile '", profile.name,
                                       "' is incomplete: no kme server"));
    }
  }

  const Config& config_;
  std::vector<Finding> findings_;
};

}  // namespace

std::vector<Finding> Validate(const Config& config) {
  return Checker(config).Run();
}

absl::Status CheckValid(const Config& config) {
  std::vector<std::string> errors;
  for (const Finding& finding : Validate(config)) {
    if (finding.severity == Finding::Severity::kError) {
      errors.push_back(finding.message);
    }
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrJoin(errors, "\n"));
}

}  // namespace cygnet::ike::config
