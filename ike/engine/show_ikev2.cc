#include "ike/engine/show_ikev2.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace cygnet::ike {
namespace {

// The seed's label column: labels padded, then " : value".
void Line(std::string& out, absl::string_view label, absl::string_view value) {
  absl::StrAppendFormat(&out, "%-28s: %s\n", label, value);
}

std::string Selectors(const std::vector<ipsec::TrafficSelector>& selectors) {
  std::vector<std::string> parts;
  for (const ipsec::TrafficSelector& s : selectors) {
    parts.push_back(s.ToStartEndString());
  }
  return absl::StrJoin(parts, ", ");
}

void IkeSaLines(std::string& out, const IkeSaStatus& sa, bool detail) {
  Line(out, "Local", sa.local.ToString());
  Line(out, "Remote", sa.remote.ToString());
  Line(out, "Status(Description)",
       absl::StrCat(sa.state, " (", sa.description, ")"));
  Line(out, "Role", sa.initiator ? "Initiator" : "Responder");
  Line(out, "Fvrf", "Default");
  if (!sa.quantum_resistance.empty()) {
    Line(out, "Quantum resistance", sa.quantum_resistance);
  }
  if (!detail) return;
  Line(out, "Encryption/Keysize",
       IkeEncryptionKeysizeText(sa.suite.encryption));
  Line(out, "PRF/Hash/DH Group", PrfHashGroupText(sa.suite));
  Line(out, "Authentication(Sign/Verify)",
       absl::StrCat(sa.local_auth, "/", sa.remote_auth));
  Line(out, "Life/Active Time(sec)",
       absl::StrCat(absl::ToInt64Seconds(sa.lifetime), "/",
                    absl::ToInt64Seconds(sa.active_time)));
  Line(out, "Session ID", absl::StrCat(sa.session_id));
  Line(out, "Local SPI", absl::StrFormat("%016X", sa.local_spi));
  Line(out, "Remote SPI", absl::StrFormat("%016X", sa.remote_spi));
  Line(out, "Local ID", sa.local_identity.ToString());
  Line(out, "Remote ID", sa.remote_identity.ToString());
}

void ChildLines(std::string& out, const ChildSaStatus& child, bool detail) {
  Line(out, "Local Selector", Selectors(child.local_selectors));
  Line(out, "Remote Selector", Selectors(child.remote_selectors));
  Line(out, "ESP SPI IN/OUT",
       absl::StrFormat("0x%08x / 0x%08x", child.inbound_spi,
                       child.outbound_spi));
  if (!detail) return;
  Line(out, "Encryption", EncryptionFamilyName(child.suite.encryption));
  Line(out, "Keysize",
       absl::StrCat(EncryptionKeySizeBits(child.suite.encryption)));
  Line(out, "ESP HMAC", IntegrityName(child.suite.integrity));
}

}  // namespace

std::string ShowIkev2Session(const std::vector<IkeSaStatus>& sas, bool detail) {
  // One session per peer pair: IKE SAs of one session share its ID.
  std::map<uint64_t, std::vector<const IkeSaStatus*>> sessions;
  for (const IkeSaStatus& sa : sas) sessions[sa.session_id].push_back(&sa);
  std::string out;
  for (const auto& [session_id, members] : sessions) {
    size_t children = 0;
    bool up = false;
    for (const IkeSaStatus* sa : members) {
      children += sa->child_sas.size();
      up = up || sa->established;
    }
    Line(out, "Session ID", absl::StrCat(session_id));
    out += "=====\n";
    Line(out, "Status", up ? "UP-ACTIVE" : "UP-IDLE");
    Line(out, "IKE Count", absl::StrCat(members.size()));
    Line(out, "Child Count", absl::StrCat(children));
    for (const IkeSaStatus* sa : members) {
      Line(out, "IKE SA ID", absl::StrCat(sa->id));
      out += "-----\n";
      IkeSaLines(out, *sa, detail);
      for (const ChildSaStatus& child : sa->child_sas) {
        out += "-----\nChild SA\n-----\n";
        ChildLines(out, child, detail);
      }
    }
    out += "\n";
  }
  return out;
}

std::string ShowIkev2Sa(const std::vector<IkeSaStatus>& sas) {
  std::string out;
  for (const IkeSaStatus& sa : sas) {
    Line(out, "IKE SA ID", absl::StrCat(sa.id));
    out += "-----\n";
    IkeSaLines(out, sa, /*detail=*/false);
    out += "\n";
  }
  return out;
}

std::string ShowIkev2Summary(const std::vector<IkeSaStatus>& sas) {
  int active = 0, negotiating = 0;
  int out_active = 0, out_negotiating = 0;
  int in_active = 0, in_negotiating = 0;
  for (const IkeSaStatus& sa : sas) {
    int& total = sa.established ? active : negotiating;
    ++total;
    if (sa.initiator) {
      ++(sa.established ? out_active : out_negotiating);
    } else {
      ++(sa.established ? in_active : in_negotiating);
    }
  }
  std::string out = "IKEv2 Session Summary\n-----\n";
  absl::StrAppendFormat(&out, "%-38s : %d (%d/%d)\n",
                        "Total Sa (Active/Negotiation)", active + negotiating,
                        active, negotiating);
  absl::StrAppendFormat(
      &out, "%-38s : %d (%d/%d)\n", "Total Outgoing Sa (Active/Negotiation)",
      out_active + out_negotiating, out_active, out_negotiating);
  absl::StrAppendFormat(&out, "%-38s : %d (%d/%d)\n",
                        "Total Incoming Sa (Active/Negotiation)",
                        in_active + in_negotiating, in_active, in_negotiating);
  return out;
}

}  // namespace cygnet::ike
