#include "ike/config/render.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cygnet::ike::config {
namespace {

class Renderer {
 public:
  explicit Renderer(const RenderOptions& options) : options_(options) {}

  std::string Run(const Config& c) {
    Globals(c.global);
    for (const Ikev2Proposal& p : c.proposals) Proposal(p);
    for (const Ikev2Policy& p : c.policies) Policy(p);
    for (const IsakmpPolicy& p : c.isakmp_policies) Isakmp(p);
    for (const SksProfile& p : c.sks_profiles) Sks(p);
    for (const Keyring& k : c.keyrings) KeyringBlock(k);
    for (const Ikev2Profile& p : c.ikev2_profiles) Profile(p);
    for (const IsakmpProfile& p : c.isakmp_profiles) IsakmpProfileBlock(p);
    for (const PkiTrustpoint& t : c.trustpoints) Trustpoint(t);
    for (const CertificateMap& m : c.certificate_maps) Map(m);
    for (const TransformSet& t : c.transform_sets) Transform(t);
    for (const IpsecProfile& p : c.ipsec_profiles) Ipsec(p);
    for (const Interface& i : c.interfaces) InterfaceBlock(i);
    for (const StaticRoute& r : c.routes) {
      Line(0, absl::StrCat("ip route ", r.prefix.ToString(), " ", r.next_hop));
    }
    return std::move(out_);
  }

 private:
  void Line(int depth, absl::string_view text) {
    absl::StrAppend(&out_, std::string(depth, ' '), text, "\n");
  }
  void End() { absl::StrAppend(&out_, "exit\n!\n"); }

  static std::string Dpd(const DpdConfig& dpd) {
    std::string text = absl::StrCat(dpd.interval_seconds);
    if (dpd.retry_seconds != 0) absl::StrAppend(&text, " ", dpd.retry_seconds);
    absl::StrAppend(&text, dpd.mode == DpdConfig::Mode::kPeriodic
                               ? " periodic"
                               : " on-demand");
    return text;
  }

  static std::string Replay(const ReplaySetting& replay) {
    return replay.enabled ? absl::StrCat("replay window-size ", replay.window)
                          : "replay disable";
  }

  void Globals(const GlobalSettings& g) {
    if (g.config_key_present) Line(0, "key config-key password-encryption");
    if (g.password_encryption_aes) Line(0, "password encryption aes");
    if (g.ikev2_dpd)
      Line(0, absl::StrCat("crypto ikev2 dpd ", Dpd(*g.ikev2_dpd)));
    if (g.isakmp_keepalive) {
      Line(0,
           absl::StrCat("crypto isakmp keepalive ", Dpd(*g.isakmp_keepalive)));
    }
    if (g.ipsec_lifetime_seconds) {
      Line(0,
           absl::StrCat("crypto ipsec security-association lifetime seconds ",
                        *g.ipsec_lifetime_seconds));
    }
    if (g.replay) {
      Line(0, absl::StrCat("crypto ipsec security-association ",
                           Replay(*g.replay)));
    }
  }

  void Proposal(const Ikev2Proposal& p) {
    Line(0, absl::StrCat("ikev2 proposal ", p.name));
    auto hashes = [](const std::vector<IkeHash>& list) {
      std::vector<absl::string_view> words;
      for (IkeHash h : list) words.push_back(Keyword(h));
      return absl::StrJoin(words, " ");
    };
    if (!p.encryption.empty()) {
      std::vector<absl::string_view> words;
      for (IkeEncryption e : p.encryption) words.push_back(Keyword(e));
      Line(1, absl::StrCat("encryption ", absl::StrJoin(words, " ")));
    }
    if (!p.integrity.empty()) {
      Line(1, absl::StrCat("integrity ", hashes(p.integrity)));
    }
    if (!p.prf.empty()) Line(1, absl::StrCat("prf ", hashes(p.prf)));
    if (!p.dh_groups.empty()) {
      Line(1, absl::StrCat("dh-group ", absl::StrJoin(p.dh_groups, " ")));
    }
    End();
  }

  void Policy(const Ikev2Policy& p) {
    Line(0, absl::StrCat("ikev2 policy ", p.name));
    for (const ipsec::IpAddress& a : p.match_address_local) {
      Line(1, absl::StrCat("match address local ", a.ToString()));
    }
    if (!p.match_fvrf.empty())
      Line(1, absl::StrCat("match fvrf ", p.match_fvrf));
    for (const std::string& name : p.proposals) {
      Line(1, absl::StrCat("proposal ", name));
    }
    End();
  }

  void Isakmp(const IsakmpPolicy& p) {
    Line(0, absl::StrCat("crypto isakmp policy ", p.priority));
    if (!p.encryption.empty())
      Line(1, absl::StrCat("encryption ", p.encryption));
    if (!p.hash.empty()) Line(1, absl::StrCat("hash ", p.hash));
    if (!p.authentication.empty()) {
      Line(1, absl::StrCat("authentication ", p.authentication));
    }
    if (p.group != 0) Line(1, absl::StrCat("group ", p.group));
    if (p.lifetime_seconds) {
      Line(1, absl::StrCat("lifetime ", *p.lifetime_seconds));
    }
    End();
  }

  void Sks(const SksProfile& p) {
    Line(0, absl::StrCat("sks profile ", p.name,
                         p.type.empty() ? "" : absl::StrCat(" type ", p.type)));
    if (p.kme_address) {
      Line(1, absl::StrCat("kme server ipv4 ", p.kme_address->ToString(),
                           " port ", p.kme_port));
    }
    End();
  }

  // "FORM VALUE", or empty when a clear secret must not be shown.
  std::string Secret(const StoredSecret& s) {
    switch (s.form) {
      case SecretForm::kType6:
        return absl::StrCat("6 ", s.encoded);
      case SecretForm::kType7:
        return absl::StrCat("7 ", s.encoded);
      case SecretForm::kClear:
        if (!options_.include_clear_secrets) return "";
        return absl::StrCat(
            "0 ",
            absl::string_view(reinterpret_cast<const char*>(s.value.data()),
                              s.value.size()));
    }
    return "";
  }

  void SecretLine(int depth, absl::string_view prefix, const StoredSecret& s,
                  absl::string_view suffix) {
    std::string value = Secret(s);
    if (value.empty()) {
      Line(depth, absl::StrCat("! ", prefix, " (clear key, fingerprint ",
                               s.value.Fingerprint(), ", not shown)"));
      return;
    }
    Line(depth, absl::StrCat(prefix, " ", value, suffix));
  }

  static bool SameSecret(const StoredSecret& a, const StoredSecret& b) {
    return a.form == b.form && a.encoded == b.encoded &&
           a.value.Equals(b.value);
  }

  void KeyringBlock(const Keyring& k) {
    if (k.kind == Keyring::Kind::kIsakmp) {
      Line(0, absl::StrCat("crypto keyring ", k.name));
      for (const KeyringPeer& peer : k.peers) {
        if (!peer.address || !peer.local_psk) continue;
        SecretLine(1,
                   absl::StrCat("pre-shared-key address ",
                                peer.address->ToString(), " key"),
                   *peer.local_psk, "");
      }
      End();
      return;
    }
    Line(0, absl::StrCat("keyring ", k.name));
    for (const KeyringPeer& peer : k.peers) {
      Line(1, absl::StrCat("peer ", peer.name));
      if (peer.address) {
        Line(2, absl::StrCat("address ", peer.address->ToString()));
      }
      for (const IdentitySpec& identity : peer.identities) {
        Line(2, absl::StrCat("identity ", identity.ToString()));
      }
      if (peer.local_psk && peer.remote_psk &&
          SameSecret(*peer.local_psk, *peer.remote_psk)) {
        SecretLine(2, "pre-shared-key", *peer.local_psk, "");
      } else {
        if (peer.local_psk) {
          SecretLine(2, "pre-shared-key local", *peer.local_psk, "");
        }
        if (peer.remote_psk) {
          SecretLine(2, "pre-shared-key remote", *peer.remote_psk, "");
        }
      }
      if (peer.ppk) {
        const PpkConfig& ppk = *peer.ppk;
        absl::string_view required = ppk.required ? " required" : "";
        if (ppk.kind == PpkConfig::Kind::kDynamic) {
          Line(2, absl::StrCat("ppk dynamic ", ppk.sks_profile, required));
        } else {
          SecretLine(2, absl::StrCat("ppk manual id ", ppk.id, " key"), ppk.key,
                     required);
        }
      }
      Line(2, "exit");
    }
    End();
  }

  void Profile(const Ikev2Profile& p) {
    Line(0, absl::StrCat("ikev2 profile ", p.name));
    if (!p.keyring.empty()) Line(1, absl::StrCat("keyring ", p.keyring));
    if (!p.ppk_keyring.empty()) {
      Line(1, absl::StrCat("keyring ppk ", p.ppk_keyring));
    }
    if (p.lifetime_seconds) {
      Line(1, absl::StrCat("lifetime ", *p.lifetime_seconds));
    }
    for (AuthMethod m : p.authentication_local) {
      Line(1, absl::StrCat("authentication local ", Keyword(m)));
    }
    for (AuthMethod m : p.authentication_remote) {
      Line(1, absl::StrCat("authentication remote ", Keyword(m)));
    }
    for (const IdentitySpec& identity : p.match_identity_remote) {
      Line(1, absl::StrCat("match identity remote ", identity.ToString()));
    }
    if (p.identity_local) {
      Line(1, p.identity_local->type == LocalIdentity::Type::kFqdn
                  ? absl::StrCat("identity local fqdn ", p.identity_local->fqdn)
                  : absl::StrCat("identity local address ",
                                 p.identity_local->address.ToString()));
    }
    for (const ipsec::IpAddress& a : p.match_address_local) {
      Line(1, absl::StrCat("match address local ", a.ToString()));
    }
    if (!p.match_fvrf.empty())
      Line(1, absl::StrCat("match fvrf ", p.match_fvrf));
    if (!p.match_certificate.empty()) {
      Line(1, absl::StrCat("match certificate ", p.match_certificate));
    }
    if (!p.pki_trustpoint.empty()) {
      Line(1, absl::StrCat("pki trustpoint ", p.pki_trustpoint));
    }
    if (p.dpd) Line(1, absl::StrCat("dpd ", Dpd(*p.dpd)));
    End();
  }

  void IsakmpProfileBlock(const IsakmpProfile& p) {
    Line(0, absl::StrCat("crypto isakmp profile ", p.name));
    if (!p.keyring.empty()) Line(1, absl::StrCat("keyring ", p.keyring));
    for (const IdentitySpec& identity : p.match_identity) {
      Line(1, absl::StrCat("match identity ", identity.ToString()));
    }
    End();
  }

  void Trustpoint(const PkiTrustpoint& t) {
    Line(0, absl::StrCat("crypto pki trustpoint ", t.name));
    if (!t.enrollment_url.empty()) {
      Line(1, absl::StrCat("enrollment url ", t.enrollment_url));
    }
    if (!t.vrf.empty()) Line(1, absl::StrCat("vrf ", t.vrf));
    if (!t.revocation_check.empty()) {
      Line(1, absl::StrCat("revocation-check ",
                           absl::StrJoin(t.revocation_check, " ")));
    }
    End();
  }

  void Map(const CertificateMap& m) {
    Line(0, absl::StrCat("crypto pki certificate map ", m.name,
                         m.sequence == 0 ? "" : absl::StrCat(" ", m.sequence)));
    for (const CertificateMapRule& rule : m.rules) {
      Line(1, absl::StrCat(rule.field, " ", rule.op, " ", rule.value));
    }
    End();
  }

  void Transform(const TransformSet& t) {
    Line(0, absl::StrCat("ipsec transform-set ", t.name));
    if (t.mode) {
      Line(1, *t.mode == TransformMode::kTunnel ? "mode tunnel"
                                                : "mode transport");
    }
    if (!t.keywords.empty()) {
      Line(1, absl::StrCat("transform ", absl::StrJoin(t.keywords, " ")));
    }
    End();
  }

  void Ipsec(const IpsecProfile& p) {
    std::vector<std::string> lines;
    if (!p.ikev2_profile.empty()) {
      lines.push_back(absl::StrCat("set ikev2-profile ", p.ikev2_profile));
    }
    if (!p.isakmp_profile.empty()) {
      lines.push_back(absl::StrCat("set isakmp-profile ", p.isakmp_profile));
    }
    if (p.pfs_group)
      lines.push_back(absl::StrCat("set pfs group", *p.pfs_group));
    if (p.lifetime_seconds) {
      lines.push_back(absl::StrCat("set security-association lifetime seconds ",
                                   *p.lifetime_seconds));
    }
    if (!p.transform_sets.empty()) {
      lines.push_back(absl::StrCat("set transform-set ",
                                   absl::StrJoin(p.transform_sets, " ")));
    }
    if (p.responder_only) lines.push_back("set responder-only");
    if (p.replay) {
      lines.push_back(
          absl::StrCat("set security-association ", Replay(*p.replay)));
    }
    if (p.name.empty()) {
      // The seeds' name-less form; the parser reads it back into the
      // unnamed profile.
      for (const std::string& line : lines) {
        Line(0, absl::StrCat("ipsec profile ", line));
      }
      return;
    }
    Line(0, absl::StrCat("ipsec profile ", p.name));
    for (const std::string& line : lines) Line(1, line);
    End();
  }

  void InterfaceBlock(const Interface& i) {
    Line(0, absl::StrCat("interface ", i.name));
    if (i.ipv4_address) {
      Line(1, absl::StrCat("ipv4 address ", i.ipv4_address->ToString()));
    }
    if (!i.tunnel_mode.empty()) {
      Line(1, absl::StrCat("tunnel mode ", i.tunnel_mode));
    }
    if (!i.tunnel_source.empty()) {
      Line(1, absl::StrCat("tunnel source ", i.tunnel_source));
    }
    if (i.tunnel_destination) {
      Line(1, absl::StrCat("tunnel destination ",
                           i.tunnel_destination->ToString()));
    }
    if (!i.tunnel_protection_profile.empty()) {
      Line(1, absl::StrCat("tunnel protection ipsec profile ",
                           i.tunnel_protection_profile));
    }
    End();
  }

  const RenderOptions& options_;
  std::string out_;
};

}  // namespace

std::string RenderRunningConfig(const Config& config,
                                const RenderOptions& options) {
  return Renderer(options).Run(config);
}

}  // namespace cygnet::ike::config
