// Minimal HTTP/1.1 message codec for the key-service clients (SKIP, ETSI GS
// QKD 014) and the example key server.
//
// Sans-I/O: requests are built as structs and serialized to bytes; responses
// are parsed from the complete bytes the integrator's transport received (the
// transport uses HttpMessageLength to know when it has them all). Strict and
// bounded: status line "HTTP/1.x NNN reason", header names are RFC 9110
// tokens, values carry no control characters, a body needs Content-Length
// (Transfer-Encoding is refused: the key services send small fixed bodies),
// and HttpLimits caps the header block, header count and body size.
// Errors are InvalidArgument naming the byte offset and field.
#ifndef CYGNET_KEYMGMT_PPK_HTTP_H_
#define CYGNET_KEYMGMT_PPK_HTTP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::keymgmt {

struct HttpLimits {
  size_t max_header_bytes = 8 * 1024;  // request/status line and headers
  size_t max_headers = 64;
  size_t max_body_bytes = 64 * 1024;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;   // "GET" or "POST"
  std::string path;     // origin-form: "/key?remoteSystemID=Bob&size=256"
  HttpHeaders headers;  // Host, Accept, Content-Type, Content-Length ...
  std::string body;

  // The request as HTTP/1.1 bytes. Content-Length is added when the body is
  // not empty and the headers do not carry one.
  std::string Serialize() const;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  HttpHeaders headers;
  std::string body;

  // First header with this name (case-insensitive), or nullptr.
  const std::string* Header(absl::string_view name) const;
  std::string Serialize() const;
};

// Total length of the message at the start of `raw` once its header block and
// body have arrived; 0 while more bytes are needed. Errors when the header
// block is malformed or over the limits (the transport should then give up).
absl::StatusOr<size_t> HttpMessageLength(absl::Span<const uint8_t> raw,
                                         const HttpLimits& limits = {});

// Parses exactly one complete response; trailing bytes are an error.
absl::StatusOr<HttpResponse> ParseHttpResponse(absl::Span<const uint8_t> raw,
                                               const HttpLimits& limits = {});
// Parses exactly one complete request (for the example key server).
absl::StatusOr<HttpRequest> ParseHttpRequest(absl::Span<const uint8_t> raw,
                                             const HttpLimits& limits = {});

// RFC 3986 percent-encoding of everything outside the unreserved set, for
// path segments and query values.
std::string PercentEncode(absl::string_view s);
// Inverse of PercentEncode; InvalidArgument for a bad escape.
absl::StatusOr<std::string> PercentDecode(absl::string_view s);

inline absl::Span<const uint8_t> AsBytes(absl::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_HTTP_H_
