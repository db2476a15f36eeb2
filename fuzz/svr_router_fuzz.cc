// Fuzzes a converged SvrRouter (keymgmt/svr/router.h) with arbitrary BFD
// metadata on one of its paths (first byte even) or arbitrary SVR packets
// from its peer (first byte odd). Whatever arrives must be rejected or
// handled without crashing and without unbounded growth.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "keymgmt/svr/router.h"
#include "keymgmt/svr/simulation.h"

namespace {

using cygnet::keymgmt::svr::SvrSimulation;

SvrSimulation& Sim() {
  static SvrSimulation* const sim = [] {
    SvrSimulation::Options o;
    o.seed = 42;
    auto s = SvrSimulation::Create(
        o,
        {SvrSimulation::Router("headend", "headend-alias"),
         SvrSimulation::Router("branch", "branch-alias")},
        {{"headend", "branch", 1}});
    if (!s.ok() || !(*s)->RunUntilConverged(absl::Minutes(1))) abort();
    return s->release();
  }();
  return *sim;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  SvrSimulation& sim = Sim();
  cygnet::keymgmt::svr::SvrRouter& branch = sim.router("branch");
  absl::Span<const uint8_t> body = absl::MakeConstSpan(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    const auto path = branch.Peers(sim.now())[0].paths[0].id;
    branch.OnBfdMetadata(path, body, sim.now());
  } else {
    (void)branch.ReceivePacket("headend", body, sim.now());
  }
  return 0;
}
