// IkeEngine: the IKEv2 control plane of one router (RFC 7296), sans-I/O.
//
// Who drives it: the integrator. It feeds received UDP datagrams
// (HandleDatagram), the passage of time (HandleTimeout at or after
// NextTimeout()) and commands (Initiate, RekeyChildSa, RekeyIkeSa, DeleteIkeSa,
// NoteEspTraffic), and after each call carries out TakeActions(): datagrams to
// send and events to report. Child SAs are installed into and removed from
// the ipsec::SaDatabase given at construction, under the PolicyId the
// engine reports in ChildSaInstalled events (one lineage per child SA and its
// rekeyed successors). Nothing here reads a clock, opens a socket or starts a
// thread; `now` is always a parameter, randomness comes from the injected
// crypto::Random.
//
// What it does: IKE_SA_INIT (COOKIE under load, INVALID_KE_PAYLOAD retry,
// NAT detection with the float to port 4500), IKE_AUTH with pre-shared keys
// and the first child SA (traffic selector narrowing), CREATE_CHILD_SA (child
// SA rekey with optional PFS, IKE SA rekey; collisions resolved by the lowest
// nonce, RFC 7296 2.8.1), INFORMATIONAL (deletes, liveness checks / dead peer
// detection on demand or periodic), retransmission with backoff and a limit,
// a message-ID window of 1 with the cached response replayed for duplicate
// requests, rekey before expiry with jitter. Datagrams on port 4500 carry the
// 4-byte non-ESP marker (RFC 3948); the engine adds and strips it.
//
// Invariants: a datagram that fails to parse, authenticate or fit the state
// changes nothing but a counter; every failure reaches the integrator as an
// Event with a reason; limits bound what a peer can make the engine hold
// (half-open SAs, IKE SAs per peer, cached responses).
#ifndef CYGNET_IKE_ENGINE_IKE_ENGINE_H_
#define CYGNET_IKE_ENGINE_IKE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "ike/engine/ike_policy.h"
#include "ike/key_derivation.h"
#include "ipsec/ip_address.h"
#include "ipsec/sa_database.h"

namespace cygnet::ike {

struct UdpEndpoint {
  ipsec::IpAddress address;
  uint16_t port = 500;
  std::string ToString() const;  // "198.51.100.5/500" (the seed's form)
  friend bool operator==(const UdpEndpoint& a, const UdpEndpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
  friend bool operator!=(const UdpEndpoint& a, const UdpEndpoint& b) {
    return !(a == b);
  }
};

struct SendDatagram {
  UdpEndpoint from;
  UdpEndpoint to;
  std::vector<uint8_t> bytes;  // the UDP payload, marker included on 4500
};

enum class EventType {
  kIkeSaEstablished,
  kIkeSaRekeyed,
  kIkeSaDeleted,
  kIkeSaFailed,  // negotiation failed; reason says why
  kChildSaInstalled,
  kChildSaRekeyed,
  kChildSaDeleted,
  kDeadPeer,
  kMessageDropped,  // a datagram that was ignored, with the reason
};
const char* EventTypeName(EventType type);

struct Event {
  EventType type;
  uint64_t ike_sa_id = 0;  // the engine's "IKE SA ID"
  std::string policy;
  std::string reason;
  // Child events: the SPIs (inbound, outbound) and the SAD lineage.
  uint32_t inbound_spi = 0;
  uint32_t outbound_spi = 0;
  ipsec::PolicyId sad_policy = 0;
};

struct EngineLimits {
  // Half-open (IKE_SA_INIT answered, IKE_AUTH not yet) responder SAs at which
  // the engine starts demanding cookies (RFC 7296 2.6).
  size_t cookie_threshold = 32;
  // Half-open responder SAs at most; beyond, IKE_SA_INIT is dropped.
  size_t max_half_open = 1024;
  size_t max_ike_sas = 10000;
  size_t max_ike_sas_per_peer = 8;
  size_t max_child_sas_per_ike_sa = 16;
  // A responder half-open SA that sees no IKE_AUTH is freed after this.
  absl::Duration half_open_timeout = absl::Seconds(30);
};

struct EngineCounters {
  uint64_t datagrams_received = 0;
  uint64_t datagrams_sent = 0;
  uint64_t malformed = 0;
  uint64_t unknown_spi = 0;
  uint64_t integrity_failures = 0;
  uint64_t retransmissions = 0;
  uint64_t duplicate_requests = 0;
  uint64_t cookies_sent = 0;
  uint64_t half_open_dropped = 0;
  uint64_t auth_failures = 0;
};

// Snapshots for status output (show_ikev2.h renders them).
struct ChildSaStatus {
  uint32_t inbound_spi = 0;
  uint32_t outbound_spi = 0;
  std::vector<ipsec::TrafficSelector> local_selectors;
  std::vector<ipsec::TrafficSelector> remote_selectors;
  EspSuite suite;
  bool quantum_resistant = false;
};

struct IkeSaStatus {
  uint64_t id = 0;
  uint64_t session_id = 0;
  std::string policy;
  UdpEndpoint local;
  UdpEndpoint remote;
  bool initiator = false;
  bool established = false;
  std::string state;        // "READY", "IN-NEG", "DELETING"
  std::string description;  // "Negotiation done", ...
  IkeSuite suite;
  std::string local_auth = "PSK";
  std::string remote_auth = "PSK";
  absl::Duration lifetime;
  absl::Duration active_time;
  uint64_t local_spi = 0;
  uint64_t remote_spi = 0;
  Identity local_identity;
  Identity remote_identity;
  std::string quantum_resistance;  // "" when not in use
  std::vector<ChildSaStatus> child_sas;
};

class IkeSa;  // ike_sa.h (internal)
struct ChildSa;

class IkeEngine {
 public:
  IkeEngine(crypto::Random& random, ipsec::SaDatabase& sad,
            EngineLimits limits = {});
  ~IkeEngine();
  IkeEngine(const IkeEngine&) = delete;
  IkeEngine& operator=(const IkeEngine&) = delete;

  absl::Status AddPolicy(IkePolicy policy);

  // Starts an IKE SA (and its first child SA) with the named policy. Refused
  // for responder-only policies. Returns the IKE SA ID.
  absl::StatusOr<uint64_t> Initiate(const std::string& policy, absl::Time now);
  absl::Status RekeyChildSa(uint64_t ike_sa_id, absl::Time now);
  absl::Status RekeyIkeSa(uint64_t ike_sa_id, absl::Time now);
  absl::Status DeleteIkeSa(uint64_t ike_sa_id, absl::Time now);

  // `to` is the local address and port the datagram arrived on.
  void HandleDatagram(const UdpEndpoint& from, const UdpEndpoint& to,
                      absl::Span<const uint8_t> bytes, absl::Time now);
  void HandleTimeout(absl::Time now);
  // absl::InfiniteFuture() when nothing is pending.
  absl::Time NextTimeout() const;

  // ESP activity on a child SA (for on-demand DPD): `sent` for outbound
  // packets, otherwise inbound packets that verified.
  void NoteEspTraffic(uint32_t spi, bool sent, absl::Time now);

  std::vector<SendDatagram> TakeDatagrams();
  std::vector<Event> TakeEvents();

  std::vector<IkeSaStatus> Status(absl::Time now) const;
  const EngineCounters& counters() const { return counters_; }

  // INSECURE, for interoperability tests only: when set, every key the
  // engine derives is handed over in hex, one line per IKE SA ("IKE
  // spi_i=<16 hex> spi_r=<16 hex> SK_d=<hex> SK_ai=... SK_pr=...") and per
  // child SA ("CHILD spi_in=<8 hex> spi_out=<8 hex> encr_in=<hex>
  // integ_in=<hex> encr_out=<hex> integ_out=<hex>"), so a test can compare
  // them with a peer's key log. This defeats every other rule about keys
  // (SecretBytes, fingerprints only); never set it in a product.
  using InsecureKeyLog = std::function<void(const std::string& line)>;
  void SetInsecureKeyLog(InsecureKeyLog log) {
    insecure_key_log_ = std::move(log);
  }
  size_t ike_sa_count() const { return sas_.size(); }
  size_t half_open_count() const;

 private:
  friend class IkeSa;
  IkeSa* FindByLocalSpi(uint64_t spi);
  const IkePolicy* FindResponderPolicy(const UdpEndpoint& local,
                                       const UdpEndpoint& remote) const;
  void HandleIkeSaInitRequest(const UdpEndpoint& from, const UdpEndpoint& to,
                              absl::Span<const uint8_t> message,
                              absl::Time now);
  uint64_t NewLocalSpi();
  void Send(const UdpEndpoint& from, const UdpEndpoint& to,
            std::vector<uint8_t> message);
  void Report(Event event);
  void ReapFinished();
  // Hands PPK source results to the SAs waiting for them (RFC 8784).
  void PollPpkSources(absl::Time now);
  std::vector<uint8_t> CookieFor(uint64_t initiator_spi,
                                 absl::Span<const uint8_t> nonce,
                                 const UdpEndpoint& from) const;
  ipsec::PolicyId NewSadPolicy() { return next_sad_policy_++; }
  // After an IKE SA rekey: a successor with the new SPIs and keys takes over
  // `old`'s child SAs and peer; `initiator` is our role in the rekey.
  void AdoptRekeyedIkeSa(IkeSa& old, bool initiator, uint64_t local_spi,
                         uint64_t remote_spi, const IkeSuite& suite,
                         IkeSaKeys keys, std::vector<ChildSa> children,
                         absl::Time now);

  crypto::Random& random_;
  ipsec::SaDatabase& sad_;
  EngineLimits limits_;
  std::vector<IkePolicy> policies_;
  // By local SPI.
  std::map<uint64_t, std::unique_ptr<IkeSa>> sas_;
  std::vector<SendDatagram> datagrams_;
  std::vector<Event> events_;
  EngineCounters counters_;
  crypto::SecretBytes cookie_secret_;
  // The latest `now` any input carried (for work scheduled from inside).
  absl::Time last_now_ = absl::InfinitePast();
  uint64_t next_ike_sa_id_ = 1;
  uint64_t next_session_id_ = 1;
  ipsec::PolicyId next_sad_policy_ = 1;
  InsecureKeyLog insecure_key_log_;
};

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_IKE_ENGINE_H_
