// PolicyDatabase: the SPD (RFC 4301 section 4.4.1), an ordered list of
// policies; the first policy whose selectors match a packet decides whether
// it is protected (and by which SA lineage), bypassed or discarded.
//
// Who drives it: the integrator's configuration code and the IKE state
// machine add, replace, move and remove policies (the writer); the packet
// path of any number of threads calls Lookup (the readers).
//
// Concurrency: readers and writers may run on different threads. Lookups
// take a shared (reader) lock on a writer-preferring RwLock (rw_lock.h) and
// scan the list; writers
// take the exclusive lock for the few instructions a change needs. Lookups
// return small values (action and id), never pointers into the database, so
// nothing a reader holds can dangle after a writer changes the list.
//
// Invariants: policy ids are unique and non-zero; every policy has at least
// one local and one remote selector, all of one address family; within a
// policy the selectors' protocols agree (a policy is about one protocol or
// any). Lookup is a linear scan in order (first match wins), which is what
// RFC 4301 ordering requires; the SPD of a VTI-style device is short.
#ifndef CYGNET_IPSEC_POLICY_DATABASE_H_
#define CYGNET_IPSEC_POLICY_DATABASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ipsec/rw_lock.h"
#include "ipsec/traffic_selector.h"

namespace cygnet::ipsec {

// Opaque, chosen by the control plane. For a protect policy it is also the
// key under which the SAD (sa_database.h) keeps the outbound SA lineage.
using PolicyId = uint64_t;

enum class PolicyAction { kProtect, kBypass, kDiscard };

// "protect" / "bypass" / "discard".
const char* PolicyActionName(PolicyAction action);

struct Policy {
  PolicyId id = 0;
  // For humans (show, logs); need not be unique.
  std::string name;
  // The IKEv2 reading of TSi/TSr lists: a packet matches when some local
  // selector matches its local side and some remote selector its remote side.
  std::vector<TrafficSelector> local;
  std::vector<TrafficSelector> remote;
  PolicyAction action = PolicyAction::kDiscard;
};

struct PolicyDecision {
  PolicyId id = 0;
  PolicyAction action = PolicyAction::kDiscard;
};

class PolicyDatabase {
 public:
  PolicyDatabase() = default;
  PolicyDatabase(const PolicyDatabase&) = delete;
  PolicyDatabase& operator=(const PolicyDatabase&) = delete;

  // Inserts before position `index` (clamped; default: at the end). Errors:
  // id 0 or already present, empty selector lists, mixed families or
  // protocols.
  absl::Status Add(Policy policy, size_t index = SIZE_MAX);
  // Replaces the policy with the same id, keeping its position.
  absl::Status Replace(Policy policy);
  absl::Status Remove(PolicyId id);
  // Moves the policy to position `index` (clamped to the end).
  absl::Status Move(PolicyId id, size_t index);

  // First match for an outbound packet (source local, destination remote);
  // nullopt when nothing matches (RFC 4301: the caller discards).
  std::optional<PolicyDecision> LookupOutbound(const FiveTuple& packet) const;
  // First match for an inbound cleartext or decapsulated packet (source
  // remote, destination local).
  std::optional<PolicyDecision> LookupInbound(const FiveTuple& packet) const;
  // RFC 4301 section 5.2 step 4: after decapsulation by an SA bound to
  // `id`, does the inner packet match that policy's selectors?
  bool InboundAllowedBy(PolicyId id, const FiveTuple& packet) const;

  size_t size() const;
  // A copy of the policies in order, for show commands and tests.
  std::vector<Policy> List() const;

 private:
  std::optional<PolicyDecision> Lookup(const FiveTuple& packet,
                                       bool outbound) const;
  // Index of `id` or npos.
  size_t Find(PolicyId id) const;

  mutable RwLock mu_;
  std::vector<Policy> policies_;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_POLICY_DATABASE_H_
