#include "keymgmt/pairwise/policy.h"

#include "gtest/gtest.h"

namespace cygnet::keymgmt::pairwise {
namespace {

PolicyEndpoint E(uint32_t ip, Color color, uint32_t site) {
  return PolicyEndpoint{TlocId{ip, color, Encapsulation::kIpsec}, site};
}

TEST(PolicyTest, FullMeshButNeverWithinOneDevice) {
  Policy p;
  EXPECT_TRUE(
      Authorized(p, E(1, Color::kLte, 10), E(2, Color::kBlue, 20), false));
  EXPECT_FALSE(
      Authorized(p, E(1, Color::kLte, 10), E(1, Color::kBlue, 10), false));
  p.restrict_color = true;
  EXPECT_FALSE(
      Authorized(p, E(1, Color::kLte, 10), E(2, Color::kBlue, 20), false));
  EXPECT_TRUE(
      Authorized(p, E(1, Color::kLte, 10), E(2, Color::kLte, 20), false));
}

TEST(PolicyTest, HubAndSpokeAndDynamic) {
  Policy p;
  p.topology = Topology::kHubAndSpoke;
  p.hub_sites = {10};
  EXPECT_TRUE(
      Authorized(p, E(1, Color::kLte, 10), E(2, Color::kLte, 20), false));
  EXPECT_TRUE(
      Authorized(p, E(3, Color::kLte, 30), E(1, Color::kLte, 10), false));
  EXPECT_FALSE(Authorized(p, E(2, Color::kLte, 20), E(3, Color::kLte, 30),
                          true));  // demand means nothing here
  p.topology = Topology::kDynamicFullMesh;
  EXPECT_FALSE(
      Authorized(p, E(2, Color::kLte, 20), E(3, Color::kLte, 30), false));
  EXPECT_TRUE(
      Authorized(p, E(2, Color::kLte, 20), E(3, Color::kLte, 30), true));
}

TEST(PolicyTest, FirstMatchingRuleWinsInEitherOrder) {
  Policy p;
  PolicyRule deny;
  deny.a.system_ips = {1};
  deny.b.sites = {30};
  deny.permit = false;
  PolicyRule permit_mpls;
  permit_mpls.a.colors = {Color::kMpls};
  p.rules = {deny, permit_mpls};
  p.topology = Topology::kHubAndSpoke;  // nobody is a hub
  EXPECT_FALSE(
      Authorized(p, E(1, Color::kLte, 10), E(3, Color::kLte, 30), false));
  EXPECT_FALSE(Authorized(p, E(3, Color::kMpls, 30), E(1, Color::kMpls, 10),
                          false));  // deny matches (b, a) first
  EXPECT_TRUE(
      Authorized(p, E(2, Color::kMpls, 20), E(3, Color::kLte, 30), false));
  EXPECT_FALSE(Authorized(p, E(2, Color::kLte, 20), E(3, Color::kLte, 30),
                          false));  // no rule: topology
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
