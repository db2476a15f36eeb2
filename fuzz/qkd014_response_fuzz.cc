// Fuzzes the ETSI GS QKD 014 client's response path: raw HTTP bytes from a
// KME through ParseHttpResponse and the Status / Key container validators.
// The first byte selects status, enc_keys (1 or 2 keys) or dec_keys (one
// expected key_ID). Beyond "no crash" it checks that accepted containers have
// the expected count, UUID key IDs and the requested key size.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/qkd014_client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt;
  if (size < 1) return 0;
  uint8_t selector = data[0];
  absl::StatusOr<HttpResponse> response =
      ParseHttpResponse(absl::MakeConstSpan(data + 1, size - 1));
  if (!response.ok()) return 0;
  if (selector % 3 == 0) {
    auto s = ParseQkd014StatusResponse(*response);
    if (s.ok() &&
        (s->key_size < s->min_key_size || s->key_size > s->max_key_size)) {
      abort();
    }
    return 0;
  }
  bool dec = selector % 3 == 2;
  size_t count = dec ? 1 : (selector & 0x80 ? 2 : 1);
  int bits = selector & 0x40 ? 0 : 256;
  std::vector<std::string> ids;
  if (dec) ids.push_back("bc490419-7d60-487f-adc1-4ddcc177c139");
  auto keys = ParseQkd014KeysResponse(*response, count, bits, ids, dec);
  if (keys.ok()) {
    if (keys->size() != count) abort();
    for (const auto& k : *keys) {
      if (!ValidateQkd014KeyId(k.id).ok()) abort();
      if (bits != 0 && k.key.size() * 8 != static_cast<size_t>(bits)) abort();
    }
  }
  return 0;
}
