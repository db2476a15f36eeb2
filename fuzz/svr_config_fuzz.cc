// Fuzzes the SVR configuration parser (keymgmt/svr/config.h): any text
// either parses into a model whose values respect the documented ranges or
// fails with an error naming a line.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "keymgmt/svr/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt::svr;
  if (size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto config = ParseAuthorityConfig(text);
  if (!config.ok()) {
    if (config.status().message().find("line ") != 0) abort();
    return 0;
  }
  const SecurityKeyManagementConfig& skm = config->security_key_management;
  if (skm.peer_key_retransmit_interval_seconds < 5 ||
      skm.peer_key_retransmit_interval_seconds > 3600 ||
      skm.peer_key_timeout_seconds < skm.peer_key_retransmit_interval_seconds) {
    abort();
  }
  for (const RouterConfig& r : config->routers) {
    if (r.peering_common_name.size() > 64) abort();
    config->EffectivePeers(r);
  }
  return 0;
}
