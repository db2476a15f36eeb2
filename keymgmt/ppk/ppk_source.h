// PpkSource: where the IKE engine gets RFC 8784 post-quantum preshared keys.
//
// The IKE engine (ike/) drives a PpkSource through this narrow interface and
// never learns whether keys come from configuration (ManualPpkSource), from a
// SKIP key provider (SkipPpkSource) or from an ETSI GS QKD 014 key management
// entity (Qkd014PpkSource). The interface is asynchronous and sans-I/O:
//   - RequestNewKey / RequestKeyById return a RequestId at once;
//   - TakeResults(now) hands out every result that completed, or whose
//     request timed out, by `now`, each exactly once;
//   - NextTimeout() tells the integrator when to call TakeResults again even
//     if no network input arrives (arm a timer for it).
// Time is always a parameter (absl::Time); no implementation reads a clock.
//
// Dynamic PPKs (RFC 9867 fresh PPK per rekey): every RequestNewKey call asks
// for a new key; an implementation backed by a key service never caches or
// reuses a key across calls, so an engine rekeying with a fresh PPK simply
// calls RequestNewKey again. ManualPpkSource is the exception by nature: a
// configured PPK is static, so it returns the same configured key each time.
//
// Key IDs are the only PPK information that goes on the wire (PPK_IDENTITY);
// keys stay in SecretBytes and are never logged.
#ifndef CYGNET_KEYMGMT_PPK_PPK_SOURCE_H_
#define CYGNET_KEYMGMT_PPK_PPK_SOURCE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/secret_bytes.h"

namespace cygnet::keymgmt {

struct Ppk {
  // The PPK_ID carried in RFC 8784 PPK_IDENTITY (for SKIP the key ID, for
  // QKD 014 the key UUID, for manual PPKs the configured id).
  std::string id;
  crypto::SecretBytes key;
};

class PpkSource {
 public:
  using RequestId = uint64_t;

  virtual ~PpkSource() = default;

  // Initiator: a fresh key to use with `peer` (SKIP GET
  // /key?remoteSystemID=..&size=.., QKD 014 enc_keys).
  virtual RequestId RequestNewKey(const std::string& peer, absl::Time now) = 0;

  // Responder: the key the peer named in its PPK_IDENTITY.
  virtual RequestId RequestKeyById(const std::string& peer,
                                   const std::string& key_id,
                                   absl::Time now) = 0;

  // Results that completed (or timed out) by `now`, each exactly once, in
  // completion order.
  virtual std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> TakeResults(
      absl::Time now) = 0;

  // When a pending request will time out; absl::InfiniteFuture() when none.
  virtual absl::Time NextTimeout() const = 0;
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_PPK_SOURCE_H_
