// pairwise_sim: runs the deterministic SD-WAN pairwise-key simulation
// (keymgmt/pairwise/simulation.h): a controller and N devices with T TLOCs
// over a lossy, reordering control channel, real ESP traffic between every
// authorized TLOC pair, random and simultaneous rekeys, then a policy change
// to hub and spoke. Prints a summary and device 0's show outputs.
//
//   pairwise_sim [--devices=6] [--tlocs=2] [--rekeys=10] [--loss=0.1]
//                [--seed=1] [--non-pairwise=1] [--restrict-color]
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "keymgmt/pairwise/simulation.h"

namespace {

bool IntFlag(const std::string& arg, const char* name, int* out) {
  const std::string prefix = std::string("--") + name + "=";
  if (!absl::StartsWith(arg, prefix)) return false;
  return absl::SimpleAtoi(arg.substr(prefix.size()), out);
}

}  // namespace

int main(int argc, char** argv) {
  cygnet::keymgmt::pairwise::SimulationOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    int value = 0;
    if (IntFlag(a, "devices", &value) && value >= 2 && value <= 2000) {
      options.devices = value;
    } else if (IntFlag(a, "tlocs", &value) && value >= 1 && value <= 8) {
      options.tlocs = value;
    } else if (IntFlag(a, "rekeys", &value) && value >= 0) {
      options.rekeys = value;
    } else if (IntFlag(a, "non-pairwise", &value) && value >= 0) {
      options.non_pairwise_devices = value;
    } else if (absl::StartsWith(a, "--seed=") &&
               absl::SimpleAtoi(a.substr(7), &options.seed)) {
    } else if (absl::StartsWith(a, "--loss=") &&
               absl::SimpleAtod(a.substr(7), &options.loss) &&
               options.loss >= 0 && options.loss < 1) {
    } else if (a == "--restrict-color") {
      options.restrict_color = true;
    } else {
      std::fprintf(stderr,
                   "usage: pairwise_sim [--devices=2..2000] [--tlocs=1..8] "
                   "[--rekeys=N] [--loss=0..1) [--seed=N] [--non-pairwise=N] "
                   "[--restrict-color]\n(bad argument \"%s\")\n",
                   a.c_str());
      return 2;
    }
  }
  const auto report = cygnet::keymgmt::pairwise::RunSimulation(options);
  std::printf("%s\n%s",
              cygnet::keymgmt::pairwise::FormatReport(options, report).c_str(),
              report.device0_show.c_str());
  const bool ok = report.bootstrap_converged && report.steady_converged &&
                  report.policy_converged &&
                  report.steady.decrypted == report.steady.sent &&
                  report.after_policy.decrypted == report.after_policy.sent &&
                  report.max_sa_pairs_per_tloc_pair <= 4 &&
                  report.unauthorized_pairs_seen == 0 &&
                  report.revoked_pairs_with_keys == 0 &&
                  report.sad_apply_errors == 0;
  std::printf("\nproperties: %s\n", ok ? "all hold" : "VIOLATED");
  return ok ? 0 : 1;
}
