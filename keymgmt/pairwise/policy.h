// Policy: the controller's centralized policy deciding which TLOC pairs may
// have keys. Pure data and one pure function; the controller engine
// re-evaluates it whenever the policy, a device or a TLOC changes.
//
// Evaluation of a pair (a, b) of TLOCs of two different devices:
//   1. Never: a TLOC with itself or with another TLOC of its own device.
//   2. restrict_color: TLOCs of different colors never pair.
//   3. The first rule whose two matches accept (a, b) or (b, a) decides:
//      permit or deny.
//   4. Otherwise the topology decides:
//      kFullMesh        every pair;
//      kHubAndSpoke     pairs with at least one end in a hub site;
//      kDynamicFullMesh hub-and-spoke, plus spoke pairs that one of the two
//                       devices demanded (on-demand tunnels) while demanded.
#ifndef CYGNET_KEYMGMT_PAIRWISE_POLICY_H_
#define CYGNET_KEYMGMT_PAIRWISE_POLICY_H_

#include <cstdint>
#include <set>
#include <vector>

#include "keymgmt/pairwise/tloc.h"

namespace cygnet::keymgmt::pairwise {

enum class Topology { kFullMesh, kHubAndSpoke, kDynamicFullMesh };

// An empty set matches anything.
struct TlocMatch {
  std::set<uint32_t> system_ips;
  std::set<uint32_t> sites;
  std::set<Color> colors;
};

struct PolicyRule {
  TlocMatch a;
  TlocMatch b;
  bool permit = true;
};

struct Policy {
  Topology topology = Topology::kFullMesh;
  std::set<uint32_t> hub_sites;
  bool restrict_color = false;
  std::vector<PolicyRule> rules;
};

// What the policy needs to know about one TLOC.
struct PolicyEndpoint {
  TlocId id;
  uint32_t site_id = 0;
};

// `demanded`: one of the two devices asked for an on-demand tunnel to the
// other (only meaningful for kDynamicFullMesh).
bool Authorized(const Policy& policy, const PolicyEndpoint& a,
                const PolicyEndpoint& b, bool demanded);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_POLICY_H_
