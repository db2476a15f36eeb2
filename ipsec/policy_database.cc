#include "ipsec/policy_database.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cygnet::ipsec {
namespace {

constexpr size_t kNotFound = SIZE_MAX;

absl::Status ValidatePolicy(const Policy& policy) {
  if (policy.id == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy \"", policy.name, "\": id 0 is reserved"));
  }
  if (policy.local.empty() || policy.remote.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy ", policy.id, ": needs at least one ",
                     policy.local.empty() ? "local" : "remote", " selector"));
  }
  const TrafficSelector& first = policy.local.front();
  for (const std::vector<TrafficSelector>* side :
       {&policy.local, &policy.remote}) {
    for (const TrafficSelector& selector : *side) {
      if (selector.is_v4() != first.is_v4()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "policy ", policy.id, ": selector ", selector.ToString(),
            " is not of the same address family as ", first.ToString()));
      }
      if (selector.protocol() != first.protocol()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "policy ", policy.id, ": selector ", selector.ToString(),
            " has protocol ", selector.protocol(), ", but ", first.ToString(),
            " has ", first.protocol()));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status NotFound(PolicyId id) {
  return absl::NotFoundError(absl::StrCat("policy ", id, ": not found"));
}

}  // namespace

const char* PolicyActionName(PolicyAction action) {
  switch (action) {
    case PolicyAction::kProtect:
      return "protect";
    case PolicyAction::kBypass:
      return "bypass";
    case PolicyAction::kDiscard:
      return "discard";
  }
  return "unknown";
}

size_t PolicyDatabase::Find(PolicyId id) const {
  for (size_t i = 0; i < policies_.size(); ++i) {
    if (policies_[i].id == id) return i;
  }
  return kNotFound;
}

absl::Status PolicyDatabase::Add(Policy policy, size_t index) {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  std::unique_lock<RwLock> lock(mu_);
  if (Find(policy.id) != kNotFound) {
    return absl::AlreadyExistsError(
        absl::StrCat("policy ", policy.id, ": already present"));
  }
  index = std::min(index, policies_.size());
  policies_.insert(policies_.begin() + static_cast<ptrdiff_t>(index),
                   std::move(policy));
  return absl::OkStatus();
}

absl::Status PolicyDatabase::Replace(Policy policy) {
  if (absl::Status s = ValidatePolicy(policy); !s.ok()) return s;
  std::unique_lock<RwLock> lock(mu_);
  size_t index = Find(policy.id);
  if (index == kNotFound) return NotFound(policy.id);
  policies_[index] = std::move(policy);
  return absl::OkStatus();
}

absl::Status PolicyDatabase::Remove(PolicyId id) {
  std::unique_lock<RwLock> lock(mu_);
  size_t index = Find(id);
  if (index == kNotFound) return NotFound(id);
  policies_.erase(policies_.begin() + static_cast<ptrdiff_t>(index));
  return absl::OkStatus();
}

absl::Status PolicyDatabase::Move(PolicyId id, size_t index) {
  std::unique_lock<RwLock> lock(mu_);
  size_t from = Find(id);
  if (from == kNotFound) return NotFound(id);
  Policy policy = std::move(policies_[from]);
  policies_.erase(policies_.begin() + static_cast<ptrdiff_t>(from));
  index = std::min(index, policies_.size());
  policies_.insert(policies_.begin() + static_cast<ptrdiff_t>(index),
                   std::move(policy));
  return absl::OkStatus();
}

std::optional<PolicyDecision> PolicyDatabase::Lookup(const FiveTuple& packet,
                                                     bool outbound) const {
  std::shared_lock<RwLock> lock(mu_);
  for (const Policy& policy : policies_) {
    if (SelectorsMatch(policy.local, policy.remote, packet, outbound)) {
      return PolicyDecision{policy.id, policy.action};
    }
  }
  return std::nullopt;
}

std::optional<PolicyDecision> PolicyDatabase::LookupOutbound(
    const FiveTuple& packet) const {
  return Lookup(packet, /*outbound=*/true);
}

std::optional<PolicyDecision> PolicyDatabase::LookupInbound(
    const FiveTuple& packet) const {
  return Lookup(packet, /*outbound=*/false);
}

bool PolicyDatabase::InboundAllowedBy(PolicyId id,
                                      const FiveTuple& packet) const {
  std::shared_lock<RwLock> lock(mu_);
  size_t index = Find(id);
  if (index == kNotFound) return false;
  const Policy& policy = policies_[index];
  return policy.action == PolicyAction::kProtect &&
         SelectorsMatch(policy.local, policy.remote, packet,
                        /*outbound=*/false);
}

size_t PolicyDatabase::size() const {
  std::shared_lock<RwLock> lock(mu_);
  return policies_.size();
}

std::vector<Policy> PolicyDatabase::List() const {
  std::shared_lock<RwLock> lock(mu_);
  return policies_;
}

}  // namespace cygnet::ipsec
