// Properties of the pairwise-key system over many seeds: a controller and
// devices over a lossy, reordering control channel, real ESP traffic between
// every authorized TLOC pair, random and simultaneous rekeys, and a policy
// change.
#include "keymgmt/pairwise/simulation.h"

#include <iostream>

#include "gtest/gtest.h"

namespace cygnet::keymgmt::pairwise {
namespace {

void ExpectProperties(const SimulationOptions& o, const SimulationReport& r) {
  SCOPED_TRACE(FormatReport(o, r));
  EXPECT_TRUE(r.bootstrap_converged);
  EXPECT_TRUE(r.steady_converged);
  EXPECT_TRUE(r.policy_converged);
  // After convergence no packet is lost for lack of a key, rekeys included.
  EXPECT_GT(r.steady.sent, 0u);
  EXPECT_EQ(r.steady.decrypted, r.steady.sent);
  EXPECT_EQ(r.after_policy.decrypted, r.after_policy.sent);
  EXPECT_LE(r.max_sa_pairs_per_tloc_pair, 4u);
  EXPECT_EQ(r.unauthorized_pairs_seen, 0u);
  EXPECT_EQ(r.revoked_pairs_with_keys, 0u);
  EXPECT_EQ(r.authorized_pairs_without_keys, 0u);
  EXPECT_EQ(r.sad_apply_errors, 0u) << r.first_apply_error;
  EXPECT_EQ(r.device_malformed, 0u);
  EXPECT_EQ(r.controller_malformed, 0u);
  EXPECT_GT(r.rekeys_started, 0u);
}

TEST(SimulationTest, PropertiesHoldOverManySeeds) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SimulationOptions o;
    o.seed = seed;
    o.devices = 4 + static_cast<int>(seed % 3);
    o.tlocs = 1 + static_cast<int>(seed % 2);
    o.loss = 0.05 * static_cast<double>(seed % 5);
    o.rekeys = 8;
    const SimulationReport r = RunSimulation(o);
    if (seed == 1) std::cout << FormatReport(o, r) << r.device0_show;
    ExpectProperties(o, r);
  }
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
