// Fuzzes the SVR BFD security message parser (keymgmt/svr/messages.h): any
// input either fails cleanly or parses into a message that re-encodes to
// exactly the same bytes.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/types/span.h"
#include "keymgmt/svr/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt::svr;
  auto m = ParseMessage(absl::MakeConstSpan(data, size));
  if (!m.ok()) return 0;
  auto again = EncodeMessage(*m);
  if (!again.ok() || *again != std::vector<uint8_t>(data, data + size)) {
    abort();  // the parser accepted something the encoder cannot reproduce
  }
  return 0;
}
