// ETSI GS QKD 014 client: the REST key delivery API between a Secure
// Application Entity (SAE, here the IKE router) and its Key Management
// Entity (KME, the QKD device's key manager).
//
// Sans-I/O like the SKIP client: functions build the API's HTTP requests and
// strictly validate its JSON responses; Qkd014PpkSource runs them behind
// PpkSource over an integrator-supplied HttpTransport (which provides the
// HTTPS with mutual authentication that the standard requires).
//
// Written against ETSI GS QKD 014 V1.1.1 (2019-02):
//   - 5.1 Get status: GET /api/v1/keys/{slave_SAE_ID}/status -> Status (6.1).
//   - 5.2 Get key: POST /api/v1/keys/{slave_SAE_ID}/enc_keys with a Key
//     request (6.2: "number", "size"), or GET with ?number=&size= ->
//     Key container (6.3).
//   - 5.3 Get key with key IDs: POST /api/v1/keys/{master_SAE_ID}/dec_keys
//     with Key IDs (6.4: {"key_IDs":[{"key_ID":...}]}), or GET with
//     ?key_ID= (one ID) -> Key container.
//   - 6.3 Key container: {"keys":[{"key_ID": UUID, "key": Base64}, ...]}
//     with optional *_extension members; 6.5 Error: {"message", "details"}.
//   - Status codes: 200, 400 (bad request format), 401 (unauthorized),
//     503 (error on the server side).
// Key IDs are RFC 4122 UUID strings (8-4-4-4-12 hex digits); key sizes are
// in bits. The key_ID is the PPK_ID the initiator sends in PPK_IDENTITY.
#ifndef CYGNET_KEYMGMT_PPK_QKD014_CLIENT_H_
#define CYGNET_KEYMGMT_PPK_QKD014_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/http_ppk_source.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::keymgmt {

inline constexpr int kQkd014MaxKeysPerRequest = 128;  // our bound on batches
inline constexpr int kQkd014MinKeyBits = 8;
inline constexpr int kQkd014MaxKeyBits = 8192;
inline constexpr size_t kQkd014MaxSaeIdBytes = 256;

enum class Qkd014Method { kGet, kPost };

struct Qkd014Status {
  std::string source_kme_id;
  std::string target_kme_id;
  std::string master_sae_id;
  std::string slave_sae_id;
  int64_t key_size = 0;  // default key size, bits
  int64_t stored_key_count = 0;
  int64_t max_key_count = 0;
  int64_t max_key_per_request = 0;
  int64_t max_key_size = 0;
  int64_t min_key_size = 0;
  int64_t max_sae_id_count = 0;
};

// RFC 4122 textual UUID, hex digits of either case.
absl::Status ValidateQkd014KeyId(absl::string_view key_id);
// 1..kQkd014MaxSaeIdBytes printable ASCII characters.
absl::Status ValidateQkd014SaeId(absl::string_view sae_id);

// `host` is the Host header value.
absl::StatusOr<HttpRequest> Qkd014StatusRequest(absl::string_view host,
                                                absl::string_view slave_sae_id);
// `number` in [1, kQkd014MaxKeysPerRequest]; size_bits 0 leaves the size to
// the KME's default (Status key_size), else a multiple of 8 in
// [kQkd014MinKeyBits, kQkd014MaxKeyBits].
absl::StatusOr<HttpRequest> Qkd014EncKeysRequest(absl::string_view host,
                                                 absl::string_view slave_sae_id,
                                                 int number, int size_bits,
                                                 Qkd014Method method);
// GET carries exactly one key ID; POST up to kQkd014MaxKeysPerRequest.
absl::StatusOr<HttpRequest> Qkd014DecKeysRequest(
    absl::string_view host, absl::string_view master_sae_id,
    absl::Span<const std::string> key_ids, Qkd014Method method);

// Non-200 statuses: 400 on dec_keys -> NotFound (unknown key_ID), other
// 400 -> InvalidArgument, 401 -> PermissionDenied, 503 and others ->
// Unavailable; the message carries the status and the Error "message" (first
// 120 printable characters) when the body has one.
absl::StatusOr<Qkd014Status> ParseQkd014StatusResponse(
    const HttpResponse& response);
// Validates a Key container: exactly `expected_count` keys, each key_ID a
// UUID, IDs unique, each key Base64 of exactly `expected_bits` (0 = any
// length in range, but all equal). With `expected_ids` non-empty the IDs must
// be exactly those (any order); the keys are returned in that order.
absl::StatusOr<std::vector<Ppk>> ParseQkd014KeysResponse(
    const HttpResponse& response, size_t expected_count, int expected_bits,
    absl::Span<const std::string> expected_ids, bool dec_keys);

struct Qkd014Config {
  std::string host;
  int key_bits = 256;  // 0 = the KME's default size
  Qkd014Method method = Qkd014Method::kPost;
  // IKE peer name -> the peer's SAE ID (slave on enc_keys, master on
  // dec_keys). Peers not listed are used as the SAE ID themselves.
  std::map<std::string, std::string> sae_ids;
};

// PpkSource over QKD 014: RequestNewKey -> enc_keys for one key (a fresh key
// on every call, as RFC 9867 rekeying wants), RequestKeyById -> dec_keys for
// that key_ID.
class Qkd014PpkSource final : public HttpPpkSource {
 public:
  Qkd014PpkSource(HttpTransport& transport, Qkd014Config config,
                  HttpPpkSourceOptions options = {});

 private:
  absl::StatusOr<HttpRequest> BuildRequest(const Request& request) override;
  absl::StatusOr<Ppk> ParseResponse(const Request& request,
                                    const HttpResponse& response) override;
  std::string SaeId(const std::string& peer) const;

  Qkd014Config config_;
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_QKD014_CLIENT_H_
