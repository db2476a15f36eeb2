// ManualPpkSource: PPKs from configuration (`ppk manual id ID key VALUE`).
//
// Driven by the IKE engine through PpkSource. Every request completes at once:
// the result is ready for the next TakeResults call, whatever `now` is.
// Invariants: ids are unique per source (AddKey refuses a duplicate); keys are
// held in SecretBytes and handed out as copies (Clone), so the configured key
// survives every request.
#ifndef CYGNET_KEYMGMT_PPK_MANUAL_PPK_SOURCE_H_
#define CYGNET_KEYMGMT_PPK_MANUAL_PPK_SOURCE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "keymgmt/ppk/ppk_source.h"

namespace cygnet::keymgmt {

class ManualPpkSource final : public PpkSource {
 public:
  struct Entry {
    std::string peer;  // the keyring peer this PPK is configured for
    Ppk ppk;
  };

  ManualPpkSource() = default;

  // Adds a configured PPK. InvalidArgument for an empty id or key, or for an
  // id already configured (the responder could not tell them apart).
  absl::Status AddKey(const std::string& peer, const std::string& id,
                      crypto::SecretBytes key);

  // The first key configured for `peer`, or NotFound "no PPK configured for
  // peer 'x'".
  RequestId RequestNewKey(const std::string& peer, absl::Time now) override;
  // The key with `key_id`, whichever peer it was configured for (RFC 8784: the
  // responder looks the PPK up by PPK_ID), or NotFound "unknown PPK ID 'x'".
  RequestId RequestKeyById(const std::string& peer, const std::string& key_id,
                           absl::Time now) override;
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> TakeResults(
      absl::Time now) override;
  // Always InfiniteFuture: nothing is ever pending.
  absl::Time NextTimeout() const override;

  size_t size() const { return entries_.size(); }

 private:
  RequestId next_id_ = 1;
  std::vector<Entry> entries_;
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> ready_;
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_MANUAL_PPK_SOURCE_H_
