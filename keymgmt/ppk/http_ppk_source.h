// HttpPpkSource: the request bookkeeping shared by the PpkSources that talk
// to a key service over HTTP (SkipPpkSource, Qkd014PpkSource).
//
// Who drives it: the IKE engine calls the PpkSource methods; the integrator
// owns the connection to the key service (for SKIP, HTTPS with TLS-PSK; for
// QKD 014, HTTPS with mutual certificates) and implements HttpTransport. For
// every request the source calls HttpTransport::Send once; the integrator
// later hands back the complete response bytes with OnHttpResponse, or a
// failure with OnTransportError. Time is a parameter everywhere.
//
// Invariants: each RequestId yields exactly one result from TakeResults:
// the parsed key, the parse/HTTP error, the transport error, or
// DeadlineExceeded "key source timed out after N s" once `timeout` has passed
// since the request. At most `max_pending` requests are outstanding; one more
// fails at once with ResourceExhausted. Responses for unknown, finished or
// timed-out requests are dropped and counted (late_responses()).
// Send may be called re-entrantly into the source (a synchronous transport may
// answer from inside Send); the request is registered before Send is called.
#ifndef CYGNET_KEYMGMT_PPK_HTTP_PPK_SOURCE_H_
#define CYGNET_KEYMGMT_PPK_HTTP_PPK_SOURCE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::keymgmt {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Deliver `request` to the key service; answer later through
  // OnHttpResponse / OnTransportError with the same id.
  virtual void Send(PpkSource::RequestId id, const HttpRequest& request) = 0;
};

struct HttpPpkSourceOptions {
  absl::Duration timeout = absl::Seconds(10);
  size_t max_pending = 32;
  HttpLimits http_limits;
};

class HttpPpkSource : public PpkSource {
 public:
  HttpPpkSource(HttpTransport& transport, HttpPpkSourceOptions options);

  RequestId RequestNewKey(const std::string& peer, absl::Time now) override;
  RequestId RequestKeyById(const std::string& peer, const std::string& key_id,
                           absl::Time now) override;
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> TakeResults(
      absl::Time now) override;
  absl::Time NextTimeout() const override;

  // The complete response bytes for request `id`.
  void OnHttpResponse(RequestId id, absl::Span<const uint8_t> raw_response,
                      absl::Time now);
  // The transport could not complete request `id` (connection refused, TLS
  // failure, reset ...). The status is passed on as Unavailable with its
  // message prefixed by "key source unreachable: ".
  void OnTransportError(RequestId id, const absl::Status& error,
                        absl::Time now);

  size_t pending() const { return pending_.size(); }
  uint64_t late_responses() const { return late_responses_; }

 protected:
  struct Request {
    bool by_id = false;
    std::string peer;
    std::string key_id;  // by_id only
    absl::Time deadline;
  };
  virtual absl::StatusOr<HttpRequest> BuildRequest(const Request& request) = 0;
  // Interprets a complete, well-formed HTTP response.
  virtual absl::StatusOr<Ppk> ParseResponse(const Request& request,
                                            const HttpResponse& response) = 0;

 private:
  RequestId Start(Request request, absl::Time now);
  void ExpireUpTo(absl::Time now);
  // Expires what is due at `now`, then removes and returns the request `id`;
  // nullopt (counted as a late response) when it is no longer pending.
  std::optional<Request> TakePending(RequestId id, absl::Time now);

  HttpTransport& transport_;
  HttpPpkSourceOptions options_;
  RequestId next_id_ = 1;
  std::map<RequestId, Request> pending_;
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> ready_;
  uint64_t late_responses_ = 0;
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_HTTP_PPK_SOURCE_H_
