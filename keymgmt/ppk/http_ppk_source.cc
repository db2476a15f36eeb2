#include "keymgmt/ppk/http_ppk_source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::keymgmt {

HttpPpkSource::HttpPpkSource(HttpTransport& transport,
                             HttpPpkSourceOptions options)
    : transport_(transport), options_(std::move(options)) {}

PpkSource::RequestId HttpPpkSource::RequestNewKey(const std::string& peer,
                                                  absl::Time now) {
  Request r;
  r.peer = peer;
  return Start(std::move(r), now);
}

PpkSource::RequestId HttpPpkSource::RequestKeyById(const std::string& peer,
                                                   const std::string& key_id,
                                                   absl::Time now) {
  Request r;
  r.by_id = true;
  r.peer = peer;
  r.key_id = key_id;
  return Start(std::move(r), now);
}

PpkSource::RequestId HttpPpkSource::Start(Request request, absl::Time now) {
  RequestId id = next_id_++;
  if (pending_.size() >= options_.max_pending) {
    ready_.emplace_back(
        id, absl::ResourceExhaustedError(absl::StrCat(
                "key source has ", pending_.size(), " requests pending (limit ",
                options_.max_pending, ")")));
    return id;
  }
  absl::StatusOr<HttpRequest> http = BuildRequest(request);
  if (!http.ok()) {
    ready_.emplace_back(id, http.status());
    return id;
  }
  request.deadline = now + options_.timeout;
  pending_.emplace(id, std::move(request));
  transport_.Send(id, *http);
  return id;
}

void HttpPpkSource::ExpireUpTo(absl::Time now) {
  std::vector<std::pair<absl::Time, RequestId>> expired;
  for (const auto& [id, r] : pending_) {
    if (r.deadline <= now) expired.emplace_back(r.deadline, id);
  }
  std::sort(expired.begin(), expired.end());
  for (const auto& e : expired) {
    pending_.erase(e.second);
    ready_.emplace_back(e.second,
                        absl::DeadlineExceededError(absl::StrFormat(
                            "key source timed out after %g s",
                            absl::ToDoubleSeconds(options_.timeout))));
  }
}

std::optional<HttpPpkSource::Request> HttpPpkSource::TakePending(
    RequestId id, absl::Time now) {
  ExpireUpTo(now);
  auto it = pending_.find(id);
  if (it == pending_.end()) {
    ++late_responses_;
    return std::nullopt;
  }
  Request request = std::move(it->second);
  pending_.erase(it);
  return request;
}

void HttpPpkSource::OnHttpResponse(RequestId id,
                                   absl::Span<const uint8_t> raw_response,
                                   absl::Time now) {
  std::optional<Request> request = TakePending(id, now);
  if (!request.has_value()) return;
  absl::StatusOr<HttpResponse> response =
      ParseHttpResponse(raw_response, options_.http_limits);
  if (!response.ok()) {
    ready_.emplace_back(id, absl::InvalidArgumentError(absl::StrCat(
                                "key source sent a malformed response: ",
                                response.status().message())));
    return;
  }
  ready_.emplace_back(id, ParseResponse(*request, *response));
}

void HttpPpkSource::OnTransportError(RequestId id, const absl::Status& error,
                                     absl::Time now) {
  if (!TakePending(id, now).has_value()) return;
  ready_.emplace_back(id, absl::UnavailableError(absl::StrCat(
                              "key source unreachable: ", error.message())));
}

std::vector<std::pair<PpkSource::RequestId, absl::StatusOr<Ppk>>>
HttpPpkSource::TakeResults(absl::Time now) {
  ExpireUpTo(now);
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> out;
  out.swap(ready_);
  return out;
}

absl::Time HttpPpkSource::NextTimeout() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [id, r] : pending_) next = std::min(next, r.deadline);
  return next;
}

}  // namespace cygnet::keymgmt
