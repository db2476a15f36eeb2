#include "ipsec/sa_database.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::ipsec {
namespace {

size_t ShardCount(size_t requested) {
  size_t count = 1;
  while (count < requested && count < 4096) count <<= 1;
  return count;
}

int Log2(size_t power_of_two) {
  int bits = 0;
  while ((size_t{1} << bits) < power_of_two) ++bits;
  return bits;
}

std::string Spi(uint32_t spi) { return absl::StrFormat("0x%08x", spi); }

absl::Status CheckSa(PolicyId policy, const SecurityAssociation* sa,
                     SaDirection direction) {
  if (sa == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy ", policy, ": SA is null"));
  }
  if (policy == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SA ", Spi(sa->spi()), ": policy id 0 is reserved"));
  }
  if (sa->direction() != direction) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SA ", Spi(sa->spi()), ": is ", SaDirectionName(sa->direction()),
        ", expected ", SaDirectionName(direction)));
  }
  return absl::OkStatus();
}

}  // namespace

SaDatabase::SaDatabase(SaDatabaseOptions options)
    : options_{std::max<size_t>(options.max_generations, 1),
               ShardCount(options.shard_count)},
      shard_shift_(64 - Log2(options_.shard_count)),
      inbound_shards_(new InboundShardType[options_.shard_count]),
      outbound_shards_(new OutboundShardType[options_.shard_count]) {}

SaDatabase::InboundShardType& SaDatabase::InboundShard(
    const InboundKey& key) const {
  uint64_t hash = absl::Hash<InboundKey>{}(key);
  size_t index =
      shard_shift_ == 64 ? 0 : static_cast<size_t>(hash >> shard_shift_);
  return inbound_shards_[index];
}

SaDatabase::OutboundShardType& SaDatabase::OutboundShard(
    PolicyId policy) const {
  uint64_t hash = absl::Hash<PolicyId>{}(policy);
  size_t index =
      shard_shift_ == 64 ? 0 : static_cast<size_t>(hash >> shard_shift_);
  return outbound_shards_[index];
}

size_t SaDatabase::Lineage::Count(SaDirection direction) const {
  return std::count_if(sas.begin(), sas.end(), [direction](const auto& sa) {
    return sa->direction() == direction;
  });
}

void SaDatabase::PublishOutbound(PolicyId policy,
                                 std::shared_ptr<SecurityAssociation> sa) {
  OutboundShardType& shard = OutboundShard(policy);
  std::unique_lock<RwLock> lock(shard.mu);
  if (sa == nullptr) {
    shard.table.erase(policy);
  } else {
    shard.table[policy] = std::move(sa);
  }
}

void SaDatabase::EraseLineageIfEmpty(PolicyId policy) {
  auto it = lineages_.find(policy);
  if (it != lineages_.end() && it->second.sas.empty()) {
    lineages_.erase(it);
  }
}

absl::Status SaDatabase::AddInbound(PolicyId policy,
                                    std::shared_ptr<SecurityAssociation> sa) {
  if (absl::Status s = CheckSa(policy, sa.get(), SaDirection::kInbound);
      !s.ok()) {
    return s;
  }
  const InboundKey key{sa->spi(), sa->local_address()};
  std::unique_lock<RwLock> writer(writer_mu_);
  InboundShardType& shard = InboundShard(key);
  {
    // Only writers change shard maps, and writers hold writer_mu_: a shared
    // lock is enough to read.
    std::shared_lock<RwLock> lock(shard.mu);
    if (auto it = shard.table.find(key); it != shard.table.end()) {
      return absl::AlreadyExistsError(absl::StrCat(
          "inbound SA ", Spi(key.spi), " to ", key.destination.ToString(),
          ": already present (policy ", it->policy, ")"));
    }
  }
  Lineage& lineage = lineages_[policy];
  if (const size_t count = lineage.Count(SaDirection::kInbound);
      count >= options_.max_generations) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "policy ", policy, ": already ", count, " inbound SAs (limit ",
        options_.max_generations,
        " generations per peer during rekey); remove an old one first"));
  }
  lineage.sas.push_back(sa);
  ++inbound_count_;
  std::unique_lock<RwLock> lock(shard.mu);
  shard.table.insert(InboundEntry{std::move(sa), policy, key.spi});
  return absl::OkStatus();
}

absl::Status SaDatabase::AddOutbound(PolicyId policy,
                                     std::shared_ptr<SecurityAssociation> sa) {
  if (absl::Status s = CheckSa(policy, sa.get(), SaDirection::kOutbound);
      !s.ok()) {
    return s;
  }
  std::unique_lock<RwLock> writer(writer_mu_);
  Lineage& lineage = lineages_[policy];
  for (const auto& existing : lineage.sas) {
    if (existing->direction() == SaDirection::kOutbound &&
        existing->spi() == sa->spi()) {
      return absl::AlreadyExistsError(
          absl::StrCat("outbound SA ", Spi(sa->spi()),
                       ": already present (policy ", policy, ")"));
    }
  }
  if (const size_t count = lineage.Count(SaDirection::kOutbound);
      count >= options_.max_generations) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "policy ", policy, ": already ", count, " outbound SAs (limit ",
        options_.max_generations,
        " generations per peer during rekey); remove an old one first"));
  }
  lineage.sas.push_back(sa);
  if (!lineage.has_current) {
    lineage.has_current = true;
    lineage.current_spi = sa->spi();
    PublishOutbound(policy, std::move(sa));
  }
  return absl::OkStatus();
}

absl::Status SaDatabase::SwitchOutbound(PolicyId policy, uint32_t spi) {
  std::unique_lock<RwLock> writer(writer_mu_);
  auto it = lineages_.find(policy);
  if (it != lineages_.end()) {
    for (const auto& sa : it->second.sas) {
      if (sa->direction() != SaDirection::kOutbound || sa->spi() != spi) {
        continue;
      }
      it->second.has_current = true;
      it->second.current_spi = spi;
      PublishOutbound(policy, sa);
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(
      absl::StrCat("outbound SA ", Spi(spi), ": not in policy ", policy));
}

absl::Status SaDatabase::Replace(PolicyId policy,
                                 std::shared_ptr<SecurityAssociation> sa) {
  if (sa == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy ", policy, ": SA is null"));
  }
  std::unique_lock<RwLock> writer(writer_mu_);
  auto it = lineages_.find(policy);
  if (it == lineages_.end()) {
    return absl::NotFoundError(absl::StrCat("policy ", policy, ": no SAs"));
  }
  Lineage& lineage = it->second;
  if (sa->direction() == SaDirection::kInbound) {
    const InboundKey key{sa->spi(), sa->local_address()};
    for (auto& existing : lineage.sas) {
      if (existing->direction() != SaDirection::kInbound ||
          existing->spi() != key.spi ||
          existing->local_address() != key.destination) {
        continue;
      }
      existing = sa;
      InboundShardType& shard = InboundShard(key);
      // Set elements are immutable: swap the entry under the exclusive lock,
      // so a reader finds the old SA or the new one.
      std::unique_lock<RwLock> lock(shard.mu);
      shard.table.erase(key);
      shard.table.insert(InboundEntry{std::move(sa), policy, key.spi});
      return absl::OkStatus();
    }
    return absl::NotFoundError(absl::StrCat("inbound SA ", Spi(key.spi), " to ",
                                            key.destination.ToString(),
                                            ": not in policy ", policy));
  }
  for (auto& existing : lineage.sas) {
    if (existing->direction() != SaDirection::kOutbound ||
        existing->spi() != sa->spi()) {
      continue;
    }
    existing = sa;
    if (lineage.has_current && lineage.current_spi == sa->spi()) {
      PublishOutbound(policy, std::move(sa));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(
      absl::StrCat("outbound SA ", Spi(sa->spi()), ": not in policy ", policy));
}

absl::Status SaDatabase::RemoveInbound(uint32_t spi,
                                       const IpAddress& destination) {
  const InboundKey key{spi, destination};
  std::unique_lock<RwLock> writer(writer_mu_);
  PolicyId policy;
  {
    InboundShardType& shard = InboundShard(key);
    std::unique_lock<RwLock> lock(shard.mu);
    auto it = shard.table.find(key);
    if (it == shard.table.end()) {
      return absl::NotFoundError(absl::StrCat("inbound SA ", Spi(spi), " to ",
                                              destination.ToString(),
                                              ": not found"));
    }
    policy = it->policy;
    shard.table.erase(it);
  }
  --inbound_count_;
  Lineage& lineage = lineages_[policy];
  lineage.sas.erase(
      std::remove_if(lineage.sas.begin(), lineage.sas.end(),
                     [&](const std::shared_ptr<SecurityAssociation>& sa) {
                       return sa->direction() == SaDirection::kInbound &&
                              sa->spi() == spi &&
                              sa->local_address() == destination;
                     }),
      lineage.sas.end());
  EraseLineageIfEmpty(policy);
  return absl::OkStatus();
}

absl::Status SaDatabase::RemoveOutbound(PolicyId policy, uint32_t spi) {
  std::unique_lock<RwLock> writer(writer_mu_);
  auto it = lineages_.find(policy);
  if (it == lineages_.end()) {
    return absl::NotFoundError(
        absl::StrCat("outbound SA ", Spi(spi), ": not in policy ", policy));
  }
  Lineage& lineage = it->second;
  auto sa = std::find_if(lineage.sas.begin(), lineage.sas.end(),
                         [&](const std::shared_ptr<SecurityAssociation>& s) {
                           return s->direction() == SaDirection::kOutbound &&
                                  s->spi() == spi;
                         });
  if (sa == lineage.sas.end()) {
    return absl::NotFoundError(
        absl::StrCat("outbound SA ", Spi(spi), ": not in policy ", policy));
  }
  const bool is_current = lineage.has_current && lineage.current_spi == spi;
  if (is_current && lineage.Count(SaDirection::kOutbound) > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("outbound SA ", Spi(spi), " of policy ", policy,
                     " is current; switch to a newer SA before removing it"));
  }
  lineage.sas.erase(sa);
  if (is_current) {
    lineage.has_current = false;
    PublishOutbound(policy, nullptr);
  }
  EraseLineageIfEmpty(policy);
  return absl::OkStatus();
}

size_t SaDatabase::RemovePolicy(PolicyId policy) {
  std::unique_lock<RwLock> writer(writer_mu_);
  auto it = lineages_.find(policy);
  if (it == lineages_.end()) return 0;
  Lineage lineage = std::move(it->second);
  lineages_.erase(it);
  for (const auto& sa : lineage.sas) {
    if (sa->direction() != SaDirection::kInbound) continue;
    const InboundKey key{sa->spi(), sa->local_address()};
    --inbound_count_;
    InboundShardType& shard = InboundShard(key);
    std::unique_lock<RwLock> lock(shard.mu);
    shard.table.erase(key);
  }
  PublishOutbound(policy, nullptr);
  return lineage.sas.size();
}

std::shared_ptr<SecurityAssociation> SaDatabase::LookupInbound(
    uint32_t spi, const IpAddress& destination) const {
  const InboundKey key{spi, destination};
  InboundShardType& shard = InboundShard(key);
  std::shared_lock<RwLock> lock(shard.mu);
  auto it = shard.table.find(key);
  return it == shard.table.end() ? nullptr : it->sa;
}

std::shared_ptr<SecurityAssociation> SaDatabase::LookupOutbound(
    PolicyId policy) const {
  OutboundShardType& shard = OutboundShard(policy);
  std::shared_lock<RwLock> lock(shard.mu);
  auto it = shard.table.find(policy);
  return it == shard.table.end() ? nullptr : it->second;
}

size_t SaDatabase::inbound_size() const {
  std::unique_lock<RwLock> writer(writer_mu_);
  return inbound_count_;
}

size_t SaDatabase::outbound_size() const {
  std::unique_lock<RwLock> writer(writer_mu_);
  size_t count = 0;
  for (const auto& [policy, lineage] : lineages_) {
    count += lineage.Count(SaDirection::kOutbound);
  }
  return count;
}

std::vector<SadEntry> SaDatabase::ListPolicy(PolicyId policy) const {
  std::unique_lock<RwLock> writer(writer_mu_);
  std::vector<SadEntry> out;
  auto it = lineages_.find(policy);
  if (it == lineages_.end()) return out;
  const Lineage& lineage = it->second;
  for (const auto& sa : lineage.sas) {
    if (sa->direction() == SaDirection::kInbound) {
      out.push_back({policy, sa, false});
    }
  }
  for (const auto& sa : lineage.sas) {
    if (sa->direction() == SaDirection::kOutbound) {
      out.push_back({policy, sa,
                     lineage.has_current && lineage.current_spi == sa->spi()});
    }
  }
  return out;
}

std::vector<SadEntry> SaDatabase::List() const {
  std::vector<PolicyId> policies;
  {
    std::unique_lock<RwLock> writer(writer_mu_);
    for (const auto& [policy, lineage] : lineages_) policies.push_back(policy);
  }
  std::sort(policies.begin(), policies.end());
  std::vector<SadEntry> out;
  for (PolicyId policy : policies) {
    std::vector<SadEntry> part = ListPolicy(policy);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace cygnet::ipsec
