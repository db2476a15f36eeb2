// Fuzzes the SKIP client's response path: raw HTTP bytes from a Key Provider
// through ParseHttpResponse and the draft-cisco-skip-02 validators. The first
// byte selects the request the response answers (capabilities, new key,
// key by ID, entropy); the rest is the response. Beyond "no crash" it checks
// that every accepted key has exactly the requested size and a valid keyId.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/types/span.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/skip_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt;
  if (size < 1) return 0;
  uint8_t selector = data[0];
  absl::StatusOr<HttpResponse> response =
      ParseHttpResponse(absl::MakeConstSpan(data + 1, size - 1));
  if (!response.ok()) return 0;
  switch (selector % 4) {
    case 0: {
      auto caps = ParseSkipCapabilitiesResponse(*response);
      if (caps.ok() && caps->remote_system_ids.empty()) abort();
      break;
    }
    case 1:
    case 2: {
      int bits = selector & 0x80 ? 128 : 256;
      std::string want = selector % 4 == 2 ? "1726e9ae" : "";
      auto ppk = ParseSkipKeyResponse(*response, bits, want);
      if (ppk.ok()) {
        if (ppk->key.size() * 8 != static_cast<size_t>(bits)) abort();
        if (!ValidateSkipKeyId(ppk->id).ok()) abort();
      }
      break;
    }
    case 3: {
      auto e = ParseSkipEntropyResponse(*response, 0);
      if (e.ok() &&
          e->random.size() * 8 != static_cast<size_t>(e->min_entropy_bits)) {
        abort();
      }
      break;
    }
  }
  return 0;
}
