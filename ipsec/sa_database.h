// SaDatabase: the SAD (RFC 4301 section 4.4.2). Inbound SAs are found by
// (SPI, destination address); the current outbound SA of a policy lineage is
// found by the PolicyId the SPD's protect policy names.
//
// Who drives it: the control plane (IKE, pairwise keys, manual keying) is the
// writer: it adds SAs, switches outbound traffic to a newer generation and
// removes old ones. The packet path on any number of threads is the reader:
// LookupInbound for every received ESP packet, LookupOutbound for every packet
// a protect policy sends out.
//
// Lineages and rekey: the SAs installed for one PolicyId form its lineage
// (for IKE: a CHILD_SA and its rekeyed successors; for SD-WAN pairwise keys:
// one peer). During a rekey several generations coexist: all their inbound
// SAs accept traffic, and outbound traffic keeps using the current outbound
// SA until the control plane calls SwitchOutbound (RFC 7296 section 2.8: the
// new SA is used once both ends have it; the SD-WAN seed: after the first
// packet on the new inbound SPI). A lineage holds at most
// SaDatabaseOptions::max_generations SAs per direction; the SD-WAN seed
// allows up to four pairs during a simultaneous rekey, hence the default 4.
//
// Concurrency model: the inbound and outbound indexes are split into shards
// (by hash of the key), each a flat hash table under its own RwLock.
// Readers take one shard's lock in shared mode for the duration of one hash
// probe and a shared_ptr copy; writers are serialised by a separate writer
// mutex (lineage bookkeeping) and take a shard's lock exclusively only for the
// single table insert / erase / pointer swap they need. So readers never wait
// for a writer's validation or bookkeeping, readers on different shards never
// touch the same lock word, and a writer's change is atomic per key: a reader
// sees the old SA or the new one, never a mix. Lookups return
// std::shared_ptr, so an SA removed while a packet is being processed stays
// alive until that packet is done. (Measured against a read-copy-update
// snapshot of the whole table: see ipsec/README.md.) The locks are RwLock
// (rw_lock.h): writer-preferring, so busy packet threads cannot starve a
// rekey, and visible to ThreadSanitizer.
//
// The SA objects themselves are not thread-safe (security_association.h): the
// SAD makes finding them safe, the integrator serialises work on one SA.
#ifndef CYGNET_IPSEC_SA_DATABASE_H_
#define CYGNET_IPSEC_SA_DATABASE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "ipsec/ip_address.h"
#include "ipsec/policy_database.h"
#include "ipsec/rw_lock.h"
#include "ipsec/security_association.h"

namespace cygnet::ipsec {

struct SaDatabaseOptions {
  // SAs per direction per lineage (PolicyId); at least 1.
  size_t max_generations = 4;
  // Power of two; more shards spread reader lock traffic further.
  size_t shard_count = 64;
};

// One SA as listed for `show` and tests.
struct SadEntry {
  PolicyId policy = 0;
  std::shared_ptr<SecurityAssociation> sa;
  // Outbound only: the SA LookupOutbound returns.
  bool current = false;
};

class SaDatabase {
 public:
  explicit SaDatabase(SaDatabaseOptions options = {});
  SaDatabase(const SaDatabase&) = delete;
  SaDatabase& operator=(const SaDatabase&) = delete;

  // Installs an inbound SA under (sa->spi(), sa->local_address()). Errors:
  // null SA, wrong direction, policy 0, key already present, lineage full.
  absl::Status AddInbound(PolicyId policy,
                          std::shared_ptr<SecurityAssociation> sa);
  // Installs an outbound generation. The first outbound SA of a lineage
  // becomes current at once; later ones wait for SwitchOutbound. Errors as
  // AddInbound, plus an SPI already in the lineage.
  absl::Status AddOutbound(PolicyId policy,
                           std::shared_ptr<SecurityAssociation> sa);
  // Makes the outbound generation with `spi` current.
  absl::Status SwitchOutbound(PolicyId policy, uint32_t spi);
  // Swaps in a new object for an installed SA with the same direction and
  // key (SPI and, inbound, destination), e.g. after the peer's NAT mapping
  // changed. Keeps its generation position and current flag.
  absl::Status Replace(PolicyId policy,
                       std::shared_ptr<SecurityAssociation> sa);
  absl::Status RemoveInbound(uint32_t spi, const IpAddress& destination);
  // Refuses to remove the current outbound SA while other generations
  // exist (switch first); removing the last one leaves no current SA.
  absl::Status RemoveOutbound(PolicyId policy, uint32_t spi);
  // Removes a whole lineage; returns how many SAs went away.
  size_t RemovePolicy(PolicyId policy);

  // Null when not found. Safe from any thread.
  std::shared_ptr<SecurityAssociation> LookupInbound(
      uint32_t spi, const IpAddress& destination) const;
  std::shared_ptr<SecurityAssociation> LookupOutbound(PolicyId policy) const;

  size_t inbound_size() const;
  size_t outbound_size() const;
  // Every SA, by policy id, inbound then outbound, oldest generation first.
  std::vector<SadEntry> List() const;
  std::vector<SadEntry> ListPolicy(PolicyId policy) const;

 private:
  struct InboundKey {
    uint32_t spi;
    IpAddress destination;
    friend bool operator==(const InboundKey& a, const InboundKey& b) {
      return a.spi == b.spi && a.destination == b.destination;
    }
    template <typename H>
    friend H AbslHashValue(H h, const InboundKey& k) {
      return H::combine(std::move(h), k.spi, k.destination);
    }
  };
  // Index layout (bench/sad_bench measures bytes per SA): an inbound entry
  // keeps the SPI but not the destination address; the SA holds both, so
  // the shard set hashes and finishes the comparison through the SA pointer
  // (a 32-byte slot instead of 48). The SPI in the slot keeps misses (attack
  // traffic with made-up SPIs) inside the table: a probe reads an SA only
  // when the SPI matches, and a hit reads the SA's first cache line, which
  // the packet that asked is about to read anyway.
  struct InboundEntry {
    std::shared_ptr<SecurityAssociation> sa;
    PolicyId policy;  // for the writer: which lineage owns the key
    uint32_t spi;     // == sa->spi()
    InboundKey key() const { return {spi, sa->local_address()}; }
  };
  struct InboundHash {
    using is_transparent = void;
    size_t operator()(const InboundKey& key) const {
      return absl::Hash<InboundKey>{}(key);
    }
    size_t operator()(const InboundEntry& entry) const {
      return (*this)(entry.key());
    }
  };
  struct InboundEq {
    using is_transparent = void;
    static bool Matches(const InboundEntry& entry, const InboundKey& key) {
      return entry.spi == key.spi &&
             entry.sa->local_address() == key.destination;
    }
    bool operator()(const InboundEntry& a, const InboundEntry& b) const {
      return Matches(a, b.key());
    }
    bool operator()(const InboundEntry& a, const InboundKey& b) const {
      return Matches(a, b);
    }
    bool operator()(const InboundKey& a, const InboundEntry& b) const {
      return Matches(b, a);
    }
  };
  // alignas: shards' lock words on separate cache lines.
  template <typename Table>
  struct alignas(64) Shard {
    mutable RwLock mu;
    Table table;
  };
  using InboundShardType =
      Shard<absl::flat_hash_set<InboundEntry, InboundHash, InboundEq>>;
  using OutboundShardType = Shard<
      absl::flat_hash_map<PolicyId, std::shared_ptr<SecurityAssociation>>>;
  // The SAs of one PolicyId, both directions in installation order (oldest
  // generation first). Two fit inline: an IKE CHILD_SA lineage outside a
  // rekey holds one inbound and one outbound SA, so most lineages need no
  // allocation of their own.
  struct Lineage {
    absl::InlinedVector<std::shared_ptr<SecurityAssociation>, 2> sas;
    uint32_t current_spi = 0;
    bool has_current = false;
    size_t Count(SaDirection direction) const;
  };
  InboundShardType& InboundShard(const InboundKey& key) const;
  OutboundShardType& OutboundShard(PolicyId policy) const;
  void PublishOutbound(PolicyId policy,
                       std::shared_ptr<SecurityAssociation> sa);
  void EraseLineageIfEmpty(PolicyId policy);

  const SaDatabaseOptions options_;
  // Shards take the top bits of the key's hash; the hash tables inside use
  // the low bits, which stay fully spread within a shard.
  const int shard_shift_;
  std::unique_ptr<InboundShardType[]> inbound_shards_;
  std::unique_ptr<OutboundShardType[]> outbound_shards_;

  // Taken before any shard lock, never while holding one.
  mutable RwLock writer_mu_;
  absl::flat_hash_map<PolicyId, Lineage> lineages_;
  size_t inbound_count_ = 0;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_SA_DATABASE_H_
