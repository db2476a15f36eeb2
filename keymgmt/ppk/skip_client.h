// SKIP client: the Secure Key Integration Protocol (Internet-Draft
// draft-cisco-skip-02, republished as draft-singh-skip-00), which seed 001's
// `ppk dynamic` / `sks profile` uses to import PPKs from a Key Provider (KP).
//
// Sans-I/O. The functions below build the draft's HTTP requests and validate
// its JSON responses; SkipPpkSource runs them behind the PpkSource interface
// over an integrator-supplied HttpTransport, which must provide the HTTPS
// (TLS 1.2/1.3, TLS-PSK recommended) connection of draft section 3 / Table 1.
//
// Verified against draft-cisco-skip-02:
//   - section 4, Table 2: GET /capabilities, GET /key?remoteSystemID=ID,
//     GET /key?remoteSystemID=ID&size=BITS, GET /key/{keyId}?remoteSystemID=ID,
//     GET /entropy, GET /entropy?minentropy=BITS; only GET (Table 3).
//   - section 4.1, Figure 3 / Table 4: capabilities members "entropy" (bool),
//     "key" (bool), "algorithm" (string), "localSystemID" (string),
//     "remoteSystemID" (array of strings, at least one, glob patterns allowed
//     per section 4.1.2).
//   - section 4.2, Figure 5 / Table 6: key members "keyId" and "key", both
//     hexadecimal strings; Table 7 status codes 200 / 400 / 500.
//   - section 4.2.1: keyId is hex, default 128 bits (the draft's own example
//     is 192 bits and mixed case, so any even length up to kSkipMaxKeyIdHex
//     of either case is accepted).
//   - section 4.2.2: key default length 256 bits.
//   - section 4.3, Figure 7 / Table 8: entropy members "randomStr" (hex) and
//     "minentropy" (integer, bits), default 256; Table 9 status 503.
//   - section 5: the keyId is what the initiator sends in PPK_IDENTITY
//     (PPK_ID_FIXED), and the responder fetches it with
//     /key/{keyId}?remoteSystemID=<initiator's KP localSystemID>.
#ifndef CYGNET_KEYMGMT_PPK_SKIP_CLIENT_H_
#define CYGNET_KEYMGMT_PPK_SKIP_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/http_ppk_source.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::keymgmt {

inline constexpr int kSkipDefaultKeyBits = 256;      // section 4.2.2
inline constexpr int kSkipDefaultEntropyBits = 256;  // section 4.3
inline constexpr int kSkipMinKeyBits = 128;  // Table 2 method 3's example
inline constexpr int kSkipMaxKeyBits = 8192;
inline constexpr size_t kSkipMaxKeyIdHex = 256;       // 1024-bit key IDs
inline constexpr size_t kSkipMaxSystemIdBytes = 256;  // drafts needs >= 32

struct SkipCapabilities {
  bool entropy = false;
  bool key = false;
  std::string algorithm;
  std::string local_system_id;
  std::vector<std::string> remote_system_ids;  // may hold glob patterns

  // Whether `remote_system_id` matches one of remote_system_ids (POSIX glob:
  // *, ?, [list], [!list], section 4.1.2).
  bool CanShareWith(absl::string_view remote_system_id) const;
};

struct SkipEntropy {
  crypto::SecretBytes random;
  int min_entropy_bits = 0;
};

// A system ID: 1..kSkipMaxSystemIdBytes printable ASCII characters.
absl::Status ValidateSkipSystemId(absl::string_view id);
// A keyId: non-empty, even length, hex digits only, at most kSkipMaxKeyIdHex.
absl::Status ValidateSkipKeyId(absl::string_view key_id);

// `host` is the Host header value ("192.0.2.34:10001").
HttpRequest SkipCapabilitiesRequest(absl::string_view host);
// size_bits 0 omits `size` (the KP's 256-bit default, method 2); otherwise a
// multiple of 8 in [kSkipMinKeyBits, kSkipMaxKeyBits] (method 3).
absl::StatusOr<HttpRequest> SkipNewKeyRequest(
    absl::string_view host, absl::string_view remote_system_id, int size_bits);
// Method 4: the key `key_id`, shared with the KP named `remote_system_id`.
absl::StatusOr<HttpRequest> SkipKeyByIdRequest(
    absl::string_view host, absl::string_view key_id,
    absl::string_view remote_system_id);
// min_entropy_bits 0 omits `minentropy` (method 5); else method 6.
absl::StatusOr<HttpRequest> SkipEntropyRequest(absl::string_view host,
                                               int min_entropy_bits);

// Response validation. Non-200 statuses map to: 400 on a key-by-ID request
// -> NotFound (malformed or unknown keyId, Table 7), other 400s ->
// InvalidArgument; 404 / 405 -> Unimplemented;
// 500 / 503 and anything else -> Unavailable; each message names the status.
absl::StatusOr<SkipCapabilities> ParseSkipCapabilitiesResponse(
    const HttpResponse& response);
// The key must be exactly `expected_bits` long (0 = the 256-bit default);
// when `expected_key_id` is not empty the keyId must equal it (hex digits
// compared case-insensitively) and the returned Ppk carries it as sent.
absl::StatusOr<Ppk> ParseSkipKeyResponse(const HttpResponse& response,
                                         int expected_bits,
                                         absl::string_view expected_key_id);
// randomStr must hold exactly `minentropy` bits, at least the requested
// number (0 = the 256-bit default).
absl::StatusOr<SkipEntropy> ParseSkipEntropyResponse(
    const HttpResponse& response, int requested_bits);

struct SkipConfig {
  std::string host;  // Host header of the KP (`kme server ipv4 A port P`)
  int key_bits = kSkipDefaultKeyBits;
  // IKE peer name -> remoteSystemID of the peer's KP. Peers not listed are
  // used as the remoteSystemID themselves.
  std::map<std::string, std::string> remote_system_ids;
};

// PpkSource over SKIP. RequestNewKey -> GET /key?remoteSystemID=..[&size=..]
// (size omitted when key_bits is the default 256), RequestKeyById ->
// GET /key/{keyId}?remoteSystemID=... Each RequestNewKey is a separate GET,
// so every call yields a fresh key (the KP zeroizes each key once delivered,
// section 4.2.2), which is what RFC 9867's fresh PPK per rekey needs.
class SkipPpkSource final : public HttpPpkSource {
 public:
  SkipPpkSource(HttpTransport& transport, SkipConfig config,
                HttpPpkSourceOptions options = {});

 private:
  absl::StatusOr<HttpRequest> BuildRequest(const Request& request) override;
  absl::StatusOr<Ppk> ParseResponse(const Request& request,
                                    const HttpResponse& response) override;
  std::string RemoteSystemId(const std::string& peer) const;

  SkipConfig config_;
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_SKIP_CLIENT_H_
