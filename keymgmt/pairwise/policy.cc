#include "keymgmt/pairwise/policy.h"

namespace cygnet::keymgmt::pairwise {
namespace {

bool Matches(const TlocMatch& m, const PolicyEndpoint& e) {
  return (m.system_ips.empty() || m.system_ips.count(e.id.system_ip) > 0) &&
         (m.sites.empty() || m.sites.count(e.site_id) > 0) &&
         (m.colors.empty() || m.colors.count(e.id.color) > 0);
}

}  // namespace

bool Authorized(const Policy& policy, const PolicyEndpoint& a,
                const PolicyEndpoint& b, bool demanded) {
  if (a.id.system_ip == b.id.system_ip) return false;
  if (policy.restrict_color && a.id.color != b.id.color) return false;
  for (const PolicyRule& rule : policy.rules) {
    if ((Matches(rule.a, a) && Matches(rule.b, b)) ||
        (Matches(rule.a, b) && Matches(rule.b, a))) {
      return rule.permit;
    }
  }
  const bool hub = policy.hub_sites.count(a.site_id) > 0 ||
                   policy.hub_sites.count(b.site_id) > 0;
  switch (policy.topology) {
    case Topology::kFullMesh:
      return true;
    case Topology::kHubAndSpoke:
      return hub;
    case Topology::kDynamicFullMesh:
      return hub || demanded;
  }
  return false;
}

}  // namespace cygnet::keymgmt::pairwise
