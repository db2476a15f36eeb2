// Simulation: a controller and N devices with T TLOCs each, wired through a
// simulated control channel (loss, duplication, random delay, hence
// reordering) and a data plane that sends real ESP packets (ipsec/esp.h
// EspSeal / EspOpen, transport mode, AES-GCM-256) between every authorized
// TLOC pair through each device's ipsec::SaDatabase. Deterministic for a
// seed: one DeterministicRandom drives keys, loss and timing.
//
// Used by the simulation test (properties over many seeds), by
// examples/pairwise_sim and by bench/pairwise_bench. Time is simulated
// (absl::Time from the Unix epoch); nothing here reads a clock.
//
// Run() goes through phases and records what the properties need:
//   1. bootstrap: devices start, run until every engine and the controller
//      have converged (drops here are expected: keys do not exist yet);
//   2. steady: traffic every data_interval between all authorized pairs,
//      `rekeys` manual rekeys at random times (every third one on two
//      devices at once), time rekeys at rekey_interval, counter-triggered
//      rekeys when sequence_soft_limit is set; every packet must decrypt;
//   3. settle, then a policy change (hub and spoke around device 0, or the
//      policy given) and settle again: revoked pairs must lose their keys;
//   4. traffic again on the new policy: every packet must decrypt.
#ifndef CYGNET_KEYMGMT_PAIRWISE_SIMULATION_H_
#define CYGNET_KEYMGMT_PAIRWISE_SIMULATION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "keymgmt/pairwise/policy.h"

namespace cygnet::keymgmt::pairwise {

struct SimulationOptions {
  int devices = 6;
  int tlocs = 2;                 // per device, 1..8
  int non_pairwise_devices = 1;  // the last ones run the classic scheme
  int rekeys = 10;               // manual rekeys in the steady phase
  double loss = 0.1;             // control-channel loss probability
  double duplication = 0.02;
  absl::Duration min_delay = absl::Milliseconds(5);
  absl::Duration max_delay = absl::Milliseconds(400);
  uint64_t seed = 1;
  absl::Duration data_interval = absl::Seconds(1);
  absl::Duration steady_duration = absl::Seconds(900);
  absl::Duration rekey_interval = absl::Seconds(300);
  uint64_t sequence_soft_limit = 0;  // 0: SA default
  bool pwk_sym_rekey = true;
  bool restrict_color = false;
  // Phase 3 policy; empty = hub and spoke with device 0's site as hub.
  std::optional<Policy> second_policy;
  absl::Duration settle_limit = absl::Seconds(600);
};

struct DropCounts {
  uint64_t no_outbound_sa = 0;  // sender had no key for the pair
  uint64_t unknown_spi = 0;     // receiver had no inbound SA
  uint64_t integrity = 0;       // ICV failed
  uint64_t replay = 0;
  uint64_t other = 0;
  uint64_t total() const {
    return no_outbound_sa + unknown_spi + integrity + replay + other;
  }
};

struct PhaseTraffic {
  uint64_t sent = 0;
  uint64_t decrypted = 0;
  DropCounts dropped;
};

struct SimulationReport {
  bool bootstrap_converged = false;
  bool steady_converged = false;
  bool policy_converged = false;
  absl::Duration bootstrap_time;
  PhaseTraffic bootstrap;
  PhaseTraffic steady;
  PhaseTraffic after_policy;
  uint64_t rekeys_started = 0;
  uint64_t rekeys_completed = 0;
  uint64_t rekeys_deferred = 0;
  uint64_t outbound_switches = 0;
  size_t max_sa_pairs_per_tloc_pair = 0;
  // Pairs that held keys without ever being authorized (must be 0).
  uint64_t unauthorized_pairs_seen = 0;
  // After the policy change settled: pairs with keys the new policy does not
  // authorize (must be 0), and authorized pairs without keys (must be 0).
  uint64_t revoked_pairs_with_keys = 0;
  uint64_t authorized_pairs_without_keys = 0;
  uint64_t sad_apply_errors = 0;
  std::string first_apply_error;
  uint64_t control_sent = 0;
  uint64_t control_dropped = 0;
  size_t pairs = 0;        // TLOC pairs with keys, counted at each end
  size_t sad_inbound = 0;  // SAs in all SADs at the end
  size_t sad_outbound = 0;
  uint64_t device_malformed = 0;
  uint64_t controller_malformed = 0;
  std::string device0_show;  // show outputs of device 0 at the end
};

SimulationReport RunSimulation(const SimulationOptions& options);
std::string FormatReport(const SimulationOptions& options,
                         const SimulationReport& report);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_SIMULATION_H_
