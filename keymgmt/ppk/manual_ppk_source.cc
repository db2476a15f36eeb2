#include "keymgmt/ppk/manual_ppk_source.h"

#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt {

absl::Status ManualPpkSource::AddKey(const std::string& peer,
                                     const std::string& id,
                                     crypto::SecretBytes key) {
  if (id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PPK id for peer '", peer, "' is empty"));
  }
  if (key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PPK '", id, "' has an empty key"));
  }
  for (const Entry& e : entries_) {
    if (e.ppk.id == id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PPK ID '", id, "' is already configured (peer '", e.peer, "')"));
    }
  }
  entries_.push_back(Entry{peer, Ppk{id, std::move(key)}});
  return absl::OkStatus();
}

PpkSource::RequestId ManualPpkSource::RequestNewKey(const std::string& peer,
                                                    absl::Time /*now*/) {
  RequestId rid = next_id_++;
  for (const Entry& e : entries_) {
    if (e.peer == peer) {
      ready_.emplace_back(rid, Ppk{e.ppk.id, e.ppk.key.Clone()});
      return rid;
    }
  }
  ready_.emplace_back(rid, absl::NotFoundError(absl::StrCat(
                               "no PPK configured for peer '", peer, "'")));
  return rid;
}

PpkSource::RequestId ManualPpkSource::RequestKeyById(
    const std::string& /*peer*/, const std::string& key_id,
    absl::Time /*now*/) {
  RequestId rid = next_id_++;
  for (const Entry& e : entries_) {
    if (e.ppk.id == key_id) {
      ready_.emplace_back(rid, Ppk{e.ppk.id, e.ppk.key.Clone()});
      return rid;
    }
  }
  ready_.emplace_back(
      rid, absl::NotFoundError(absl::StrCat("unknown PPK ID '", key_id, "'")));
  return rid;
}

std::vector<std::pair<PpkSource::RequestId, absl::StatusOr<Ppk>>>
ManualPpkSource::TakeResults(absl::Time /*now*/) {
  std::vector<std::pair<RequestId, absl::StatusOr<Ppk>>> out;
  out.swap(ready_);
  return out;
}

absl::Time ManualPpkSource::NextTimeout() const {
  return absl::InfiniteFuture();
}

}  // namespace cygnet::keymgmt
