#include "ike/engine/config_binding.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "ike/config/identity.h"
#include "keymgmt/ppk/manual_ppk_source.h"

namespace cygnet::ike {
namespace {

absl::Status Error(absl::string_view interface_name, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat("interface ", interface_name, ": ", what));
}

// Keeps the algorithms cygnet accepts; remembers why others were dropped.
template <typename T, typename Parse>
std::vector<T> Accepted(const std::vector<std::string>& keywords, Parse parse,
                        std::string& refused) {
  std::vector<T> out;
  for (const std::string& keyword : keywords) {
    absl::StatusOr<T> value = parse(keyword);
    if (value.ok()) {
      if (std::find(out.begin(), out.end(), *value) == out.end()) {
        out.push_back(*value);
      }
    } else if (refused.empty()) {
      refused = std::string(value.status().message());
    }
  }
  return out;
}

absl::StatusOr<IkeProposalConfig> BindProposal(
    const config::Ikev2Proposal& proposal) {
  std::string refused;
  std::vector<std::string> encryption, integrity, prf, groups;
  for (config::IkeEncryption e : proposal.encryption) {
    encryption.emplace_back(config::Keyword(e));
  }
  for (config::IkeHash h : proposal.integrity) {
    integrity.emplace_back(config::Keyword(h));
  }
  for (config::IkeHash h : proposal.EffectivePrf()) {
    prf.emplace_back(config::Keyword(h));
  }
  for (int g : proposal.dh_groups) groups.push_back(absl::StrCat(g));
  IkeProposalConfig out;
  out.encryption = Accepted<EncryptionAlgorithm>(
      encryption, IkeEncryptionFromKeyword, refused);
  out.integrity =
      Accepted<IntegrityAlgorithm>(integrity, IkeIntegrityFromKeyword, refused);
  out.prf = Accepted<crypto::PrfAlgorithm>(prf, PrfFromKeyword, refused);
  out.groups =
      Accepted<crypto::KeyExchangeGroup>(groups, GroupFromKeyword, refused);
  bool all_aead = !out.encryption.empty();
  for (EncryptionAlgorithm e : out.encryption) all_aead = all_aead && IsAead(e);
  if (all_aead) out.integrity.clear();
  if (out.encryption.empty() || out.prf.empty() || out.groups.empty() ||
      (!all_aead && out.integrity.empty())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ikev2 proposal ", proposal.name, " has nothing left to offer",
        refused.empty() ? "" : absl::StrCat(": ", refused)));
  }
  absl::Status valid = ValidateIkeProposalConfig(out);
  if (!valid.ok()) return valid;
  return out;
}

absl::StatusOr<EspProposalConfig> BindTransformSet(
    const config::TransformSet& set, const config::IpsecProfile& profile) {
  EspProposalConfig out;
  for (const std::string& keyword : set.keywords) {
    absl::StatusOr<EspTransformKeyword> parsed =
        EspTransformFromKeyword(keyword);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ipsec transform-set ", set.name, ": ", parsed.status().message()));
    }
    if (parsed->encryption.has_value())
      out.encryption.push_back(*parsed->encryption);
    if (parsed->integrity.has_value())
      out.integrity.push_back(*parsed->integrity);
  }
  if (out.encryption.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ipsec transform-set ", set.name, " has no encryption transform"));
  }
  if (profile.pfs_group.has_value()) {
    absl::StatusOr<crypto::KeyExchangeGroup> group =
        GroupFromNumber(static_cast<uint16_t>(*profile.pfs_group));
    if (!group.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ipsec profile ", profile.name, " pfs: ", group.status().message()));
    }
    out.pfs_groups.push_back(*group);
  }
  absl::Status valid = ValidateEspProposalConfig(out);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ipsec transform-set ", set.name, ": ", valid.message()));
  }
  return out;
}

std::optional<ipsec::IpAddress> ResolveLocal(const config::Config& config,
                                             const config::Interface& tunnel) {
  absl::StatusOr<ipsec::IpAddress> literal =
      config::ParseIpv4(tunnel.tunnel_source);
  if (literal.ok()) return *literal;
  if (const config::Interface* source =
          config.FindInterface(tunnel.tunnel_source)) {
    if (source->ipv4_address.has_value()) return source->ipv4_address->address;
  }
  for (const config::Ikev2Policy& policy : config.policies) {
    if (!policy.match_address_local.empty()) {
      return policy.match_address_local.front();
    }
  }
  return std::nullopt;
}

config::PeerIdentity ToPeerIdentity(const Identity& identity) {
  if (identity.type == wire::IdType::kFqdn) {
    return config::PeerIdentity::Fqdn(
        std::string(identity.data.begin(), identity.data.end()));
  }
  absl::StatusOr<ipsec::IpAddress> address =
      ipsec::IpAddress::FromBytesChecked(identity.data);
  return config::PeerIdentity::Ipv4(address.ok() ? *address
                                                 : ipsec::IpAddress());
}

}  // namespace

absl::StatusOr<IkePolicy> BindTunnel(
    std::shared_ptr<const config::Config> config,
    absl::string_view interface_name, const BindingOverrides& overrides) {
  const config::Interface* tunnel = config->FindInterface(interface_name);
  if (tunnel == nullptr) {
    return absl::NotFoundError(absl::StrCat("no interface ", interface_name));
  }
  const config::IpsecProfile* ipsec_profile =
      config->FindIpsecProfile(tunnel->tunnel_protection_profile);
  if (ipsec_profile == nullptr) {
    return Error(
        interface_name,
        absl::StrCat("tunnel protection ipsec profile '",
                     tunnel->tunnel_protection_profile, "' does not exist"));
  }
  const config::Ikev2Profile* profile =
      config->FindIkev2Profile(ipsec_profile->ikev2_profile);
  if (profile == nullptr) {
    return Error(
        interface_name,
        absl::StrCat("ipsec profile ", ipsec_profile->name,
                     " names ikev2 profile '", ipsec_profile->ikev2_profile,
                     "' which does not exist"));
  }
  const config::Keyring* keyring = config->FindKeyring(profile->keyring);
  if (keyring == nullptr) {
    return Error(
        interface_name,
        absl::StrCat("ikev2 profile ", profile->name, " names keyring '",
                     profile->keyring, "' which does not exist"));
  }

  IkePolicy policy;
  policy.name = profile->name;
  std::optional<ipsec::IpAddress> local = overrides.local_address.has_value()
                                              ? overrides.local_address
                                              : ResolveLocal(*config, *tunnel);
  std::optional<ipsec::IpAddress> remote = overrides.remote_address.has_value()
                                               ? overrides.remote_address
                                               : tunnel->tunnel_destination;
  if (!local.has_value()) return Error(interface_name, "no local address");
  if (!remote.has_value())
    return Error(interface_name, "no tunnel destination");
  policy.local_address = *local;
  policy.remote_address = *remote;
  policy.remote_prefix_length = remote->bit_length();
  if (overrides.local_port.has_value())
    policy.local_port = *overrides.local_port;
  if (overrides.remote_port.has_value()) {
    policy.remote_port = *overrides.remote_port;
  }

  // Proposals: the ikev2 policy that matches the local address, else the
  // first one, else the default proposal.
  const config::Ikev2Policy* ike_policy = nullptr;
  for (const config::Ikev2Policy& p : config->policies) {
    for (const ipsec::IpAddress& address : p.match_address_local) {
      if (address == *local && ike_policy == nullptr) ike_policy = &p;
    }
  }
  if (ike_policy == nullptr && !config->policies.empty()) {
    ike_policy = &config->policies.front();
  }
  std::vector<config::Ikev2Proposal> proposals =
      ike_policy != nullptr
          ? config->EffectiveProposals(*ike_policy)
          : std::vector<config::Ikev2Proposal>{config::DefaultIkev2Proposal()};
  for (const config::Ikev2Proposal& proposal : proposals) {
    absl::StatusOr<IkeProposalConfig> bound = BindProposal(proposal);
    if (!bound.ok())
      return Error(interface_name, std::string(bound.status().message()));
    policy.ike_proposals.push_back(*bound);
  }
  for (const std::string& name : ipsec_profile->transform_sets) {
    const config::TransformSet* set = config->FindTransformSet(name);
    if (set == nullptr) {
      return Error(interface_name,
                   absl::StrCat("transform-set '", name, "' does not exist"));
    }
    absl::StatusOr<EspProposalConfig> bound =
        BindTransformSet(*set, *ipsec_profile);
    if (!bound.ok())
      return Error(interface_name, std::string(bound.status().message()));
    policy.esp_proposals.push_back(*bound);
    policy.mode = set->EffectiveMode() == config::TransformMode::kTransport
                      ? ipsec::SaMode::kTransport
                      : ipsec::SaMode::kTunnel;
  }

  // Identities.
  if (profile->identity_local.has_value() &&
      profile->identity_local->type == config::LocalIdentity::Type::kFqdn) {
    policy.local_identity = Identity::Fqdn(profile->identity_local->fqdn);
  } else if (profile->identity_local.has_value()) {
    policy.local_identity = Identity::Address(profile->identity_local->address);
  } else {
    policy.local_identity = Identity::Address(*local);
  }
  if (!profile->match_identity_remote.empty()) {
    const config::IdentitySpec& spec = profile->match_identity_remote.front();
    switch (spec.type) {
      case config::IdentitySpec::Type::kAddress:
        policy.remote_identity.kind = RemoteIdentityRule::Kind::kAddress;
        policy.remote_identity.address = spec.prefix.address;
        policy.remote_identity.prefix_length = spec.prefix.prefix_length;
        break;
      case config::IdentitySpec::Type::kFqdn:
        policy.remote_identity.kind = RemoteIdentityRule::Kind::kFqdn;
        policy.remote_identity.name = spec.name;
        break;
      case config::IdentitySpec::Type::kDomain:
        policy.remote_identity.kind = RemoteIdentityRule::Kind::kDomain;
        policy.remote_identity.name = spec.name;
        break;
    }
  }
  std::string keyring_name = keyring->name;
  policy.psk_lookup = [config, keyring_name](
                          const Identity& peer_identity,
                          const ipsec::IpAddress& peer_address)
      -> absl::StatusOr<crypto::SecretBytes> {
    const config::Keyring* keyring = config->FindKeyring(keyring_name);
    if (keyring == nullptr) return absl::NotFoundError("keyring vanished");
    absl::StatusOr<const config::KeyringPeer*> peer =
        config::FindPeerForResponder(*keyring, ToPeerIdentity(peer_identity),
                                     peer_address);
    if (!peer.ok() && absl::IsNotFound(peer.status())) {
      peer = config::FindPeerForInitiator(*keyring, peer_address);
    }
    if (!peer.ok()) return peer.status();
    const std::optional<config::StoredSecret>& psk =
        (*peer)->local_psk.has_value() ? (*peer)->local_psk
                                       : (*peer)->remote_psk;
    if (!psk.has_value()) {
      return absl::NotFoundError(absl::StrCat("keyring ", keyring_name,
                                              " peer ", (*peer)->name,
                                              " has no pre-shared-key"));
    }
    return psk->value.Clone();
  };

  // RFC 8784 PPK: `keyring ppk K` (else the profile's keyring), the peer
  // this tunnel talks to.
  const config::Keyring* ppk_keyring =
      profile->ppk_keyring.empty() ? keyring
                                   : config->FindKeyring(profile->ppk_keyring);
  if (ppk_keyring == nullptr) {
    return Error(
        interface_name,
        absl::StrCat("ikev2 profile ", profile->name, " names keyring ppk '",
                     profile->ppk_keyring, "' which does not exist"));
  }
  absl::StatusOr<const config::KeyringPeer*> ppk_peer =
      config::FindPeerForInitiator(*ppk_keyring, *remote);
  if (ppk_peer.ok() && (*ppk_peer)->ppk.has_value()) {
    const config::PpkConfig& ppk = *(*ppk_peer)->ppk;
    policy.ppk.required = ppk.required;
    policy.ppk.peer = (*ppk_peer)->name;
    if (ppk.kind == config::PpkConfig::Kind::kManual) {
      auto source = std::make_shared<keymgmt::ManualPpkSource>();
      absl::Status added =
          source->AddKey((*ppk_peer)->name, ppk.id, ppk.key.value.Clone());
      if (!added.ok())
        return Error(interface_name, std::string(added.message()));
      policy.ppk.kind = PpkSettings::Kind::kManual;
      policy.ppk.source = source.get();
      policy.ppk.owned_source = std::move(source);
    } else {
      const config::SksProfile* sks = config->FindSksProfile(ppk.sks_profile);
      if (sks == nullptr) {
        return Error(interface_name,
                     absl::StrCat("ppk dynamic names sks profile '",
                                  ppk.sks_profile, "' which does not exist"));
      }
      keymgmt::PpkSource* source = overrides.dynamic_ppk_source
                                       ? overrides.dynamic_ppk_source(*sks)
                                       : nullptr;
      if (source == nullptr) {
        return Error(
            interface_name,
            absl::StrCat("ppk dynamic ", sks->name,
                         ": no key source wired for this sks profile"));
      }
      policy.ppk.kind = PpkSettings::Kind::kDynamic;
      policy.ppk.source = source;
    }
  }

  policy.ike_lifetime = absl::Seconds(profile->EffectiveLifetimeSeconds());
  policy.child_lifetime =
      absl::Seconds(config->EffectiveIpsecLifetimeSeconds(*ipsec_profile));
  // Short lifetimes (the seeds use 600 s) get a proportionally short margin.
  policy.rekey_margin = std::min(absl::Seconds(60), policy.child_lifetime / 10);
  policy.rekey_jitter = policy.rekey_margin / 3;
  policy.responder_only = ipsec_profile->responder_only;
  config::ReplaySetting replay = config->EffectiveReplay(*ipsec_profile);
  policy.replay_window_size =
      replay.enabled ? static_cast<uint32_t>(replay.window) : 0;

  std::optional<config::DpdConfig> dpd = profile->dpd;
  if (!dpd.has_value()) dpd = config->global.ikev2_dpd;
  if (!dpd.has_value()) dpd = config->global.isakmp_keepalive;
  if (dpd.has_value() && dpd->interval_seconds > 0) {
    policy.dpd.interval = absl::Seconds(dpd->interval_seconds);
    if (dpd->retry_seconds > 0)
      policy.dpd.retry = absl::Seconds(dpd->retry_seconds);
    policy.dpd.periodic = dpd->mode == config::DpdConfig::Mode::kPeriodic;
  }
  // A VTI protects everything routed into it (seed 001 shows 0.0.0.0/0 -
  // 255.255.255.255/65535 selectors).
  policy.local_selectors = {ipsec::TrafficSelector::Any(local->is_v4())};
  policy.remote_selectors = {ipsec::TrafficSelector::Any(local->is_v4())};
  absl::Status valid = ValidateIkePolicy(policy);
  if (!valid.ok()) return Error(interface_name, std::string(valid.message()));
  return policy;
}

absl::StatusOr<std::vector<IkePolicy>> BindAllTunnels(
    std::shared_ptr<const config::Config> config,
    const BindingOverrides& overrides) {
  std::vector<IkePolicy> out;
  for (const config::Interface& interface : config->interfaces) {
    if (interface.tunnel_protection_profile.empty()) continue;
    absl::StatusOr<IkePolicy> policy =
        BindTunnel(config, interface.name, overrides);
    if (!policy.ok()) return policy.status();
    out.push_back(std::move(*policy));
  }
  return out;
}

}  // namespace cygnet::ike
