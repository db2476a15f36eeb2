// IkeSa: the state of one IKE SA and its child SAs; internal to the engine.
//
// Driven only by IkeEngine, which routes datagrams to it by SPI and calls its
// timers. An IkeSa owns the exchange machinery of RFC 7296 2.1-2.3: one
// outstanding request of its own (window size 1) with its retransmission
// schedule, the next message ID it expects from the peer, and the cached
// response to the peer's last request (sent again, unchanged, when that
// request is retransmitted). It installs and removes its child SAs in the
// engine's SAD. After an IKE SA rekey the successor is a new IkeSa that takes
// over the child SAs; the predecessor only finishes its Delete exchange.
#ifndef CYGNET_IKE_ENGINE_IKE_SA_H_
#define CYGNET_IKE_ENGINE_IKE_SA_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crypto/key_exchange.h"
#include "crypto/secret_bytes.h"
#include "ike/engine/ike_engine.h"
#include "ike/engine/ike_policy.h"
#include "ike/key_derivation.h"
#include "ike/proposal_negotiation.h"
#include "ike/wire/message.h"
#include "ike/wire/sk_protection.h"

namespace cygnet::ike {

struct ChildSa {
  uint32_t inbound_spi = 0;
  uint32_t outbound_spi = 0;
  EspSuite suite;
  std::vector<ipsec::TrafficSelector> local_selectors;
  std::vector<ipsec::TrafficSelector> remote_selectors;
  ipsec::PolicyId lineage = 0;
  absl::Time established;
  absl::Time rekey_at = absl::InfiniteFuture();
  absl::Time expire_at = absl::InfiniteFuture();
  bool rekey_in_progress = false;  // our CREATE_CHILD_SA for it is pending
  bool replaced = false;           // rekeyed; waiting for its deletion
  bool quantum_resistant = false;
  // A rekey of this SA that the PEER initiated and we answered while our own
  // was pending (RFC 7296 2.8.1 collision): its nonces and the SA it made.
  bool peer_rekeyed = false;
  std::vector<uint8_t> peer_rekey_nonce_i;
  std::vector<uint8_t> peer_rekey_nonce_r;
  uint32_t peer_rekey_child_inbound_spi = 0;
};

class IkeSa {
 public:
  enum class State {
    kInitSent,     // initiator: IKE_SA_INIT request out
    kAuthSent,     // initiator: IKE_AUTH request out
    kHalfOpen,     // responder: IKE_SA_INIT answered, waiting for IKE_AUTH
    kEstablished,  // authenticated; child SAs may exist
    kDeleting,     // our Delete of the IKE SA is out
    kDead,         // finished; the engine frees it
  };

  // A new IKE SA. The initiator calls Start; a responder is fed the first
  // IKE_SA_INIT with HandleInitRequest.
  IkeSa(IkeEngine& engine, const IkePolicy& policy, uint64_t id,
        uint64_t session_id, bool initiator, uint64_t local_spi,
        UdpEndpoint local, UdpEndpoint remote, absl::Time now);
  ~IkeSa();

  uint64_t id() const { return id_; }
  uint64_t local_spi() const { return local_spi_; }
  State state() const { return state_; }
  bool finished() const { return state_ == State::kDead; }
  bool half_open() const { return state_ == State::kHalfOpen; }
  const IkePolicy& policy() const { return policy_; }
  const UdpEndpoint& remote() const { return remote_; }

  void Start(absl::Time now);
  void HandleInitRequest(const wire::Message& message,
                         absl::Span<const uint8_t> bytes, absl::Time now);
  void HandleMessage(const wire::Header& header,
                     absl::Span<const uint8_t> bytes, const UdpEndpoint& from,
                     const UdpEndpoint& to, absl::Time now);
  void HandleTimeout(absl::Time now);
  absl::Time NextTimeout() const;

  absl::Status RequestChildRekey(absl::Time now);
  absl::Status RequestIkeRekey(absl::Time now);
  absl::Status RequestDelete(absl::Time now);
  void NoteEspTraffic(uint32_t spi, bool sent, absl::Time now);
  bool OwnsChildSpi(uint32_t spi) const;

  IkeSaStatus Snapshot(absl::Time now) const;

 private:
  enum class Purpose {
    kInit,
    kAuth,
    kCreateChild,
    kRekeyChild,
    kRekeyIke,
    kDeleteChild,
    kDeleteIke,
    kLiveness,
  };
  struct Outstanding {
    Outstanding(Purpose purpose, wire::ExchangeType exchange,
                uint32_t message_id)
        : purpose(purpose), exchange(exchange), message_id(message_id) {}
    Purpose purpose;
    wire::ExchangeType exchange;
    uint32_t message_id;
    std::vector<uint8_t> bytes;  // as sent, for retransmission
    int transmissions = 0;
    absl::Duration timeout;
    absl::Time retransmit_at;
    // CREATE_CHILD_SA state.
    std::unique_ptr<crypto::KeyExchange> key_exchange;
    std::vector<uint8_t> nonce;
    std::vector<wire::Proposal> offered;
    uint32_t new_inbound_spi = 0;
    uint32_t rekeyed_child_inbound_spi = 0;
    uint64_t new_ike_spi = 0;
  };
  // Work waiting for the request window.
  enum class Queued { kRekeyChild, kRekeyIke, kDeleteIke, kLiveness };

  // Successor of an IKE SA rekey: keys, SPIs and nonces come from the
  // CREATE_CHILD_SA exchange; children move over from the predecessor.
  friend class IkeEngine;
  void AdoptRekeyed(const IkeSuite& suite, IkeSaKeys keys, uint64_t spi_i,
                    uint64_t spi_r, std::vector<ChildSa> children,
                    absl::Time now);

  // Exchange machinery.
  bool window_free() const { return !outstanding_.has_value(); }
  void SendRequest(Outstanding request, absl::Time now);
  void Retransmit(absl::Time now);
  void SendResponse(uint32_t message_id, wire::ExchangeType exchange,
                    std::vector<wire::Payload> payloads);
  absl::StatusOr<std::vector<uint8_t>> Protect(
      wire::ExchangeType exchange, bool response, uint32_t message_id,
      std::vector<wire::Payload> payloads);
  void SendBytes(std::vector<uint8_t> bytes);
  void RunQueued(absl::Time now);
  wire::Header MakeHeader(wire::ExchangeType exchange, bool response,
                          uint32_t message_id) const;

  // IKE_SA_INIT / IKE_AUTH.
  void SendInitRequest(absl::Time now);
  void HandleInitResponse(const wire::Message& message,
                          absl::Span<const uint8_t> bytes, absl::Time now);
  void HandleAuthRequest(uint32_t message_id,
                         const std::vector<wire::Payload>& payloads,
                         absl::Time now);
  void HandleAuthResponse(const std::vector<wire::Payload>& payloads,
                          absl::Time now);
  absl::Status DeriveKeys(const crypto::SecretBytes& shared_secret);
  std::vector<wire::Payload> NatDetectionPayloads() const;
  // The notifies both IKE_SA_INIT messages carry: NAT-D,
  // SIGNATURE_HASH_ALGORITHMS and, when asked, USE_PPK.
  void AppendInitNotifies(std::vector<wire::Payload>& payloads,
                          bool use_ppk) const;
  // keys_' SK_e*/SK_a* as the outbound and inbound SK payload ciphers.
  absl::Status InstallSkCiphers();
  // Expiry, rekey (lifetime minus margin minus jitter) and DPD times of an
  // IKE SA that just became established.
  void ScheduleIkeSaTimers(absl::Time now);
  absl::Time RekeyTime(absl::Time now, absl::Duration lifetime);
  void CheckNatDetection(const std::vector<wire::Payload>& payloads);
  // CERT payloads (certificate authentication) and the AUTH payload proving
  // our identity, with SK_pi / SK_pr as given (RFC 8784 may mix them).
  absl::StatusOr<std::vector<wire::Payload>> BuildOwnAuth(
      const crypto::SecretBytes& sk_p) const;
  // Checks the peer's AUTH (and CERTs) in an IKE_AUTH message.
  // `auth_override`: check this AUTH instead of the message's (the
  // NO_PPK_AUTH fallback of RFC 8784).
  absl::Status VerifyPeerAuth(
      const std::vector<wire::Payload>& payloads,
      const crypto::SecretBytes& sk_p, absl::Time now,
      const wire::Authentication* auth_override = nullptr);
  absl::StatusOr<crypto::SecretBytes> LookupPsk() const;
  std::vector<wire::SignatureHashAlgorithm> peer_signature_hashes_;

  // RFC 8784 post-quantum preshared keys.
  enum class PpkOutcome { kNotUsed, kUsed, kFallback };
  void SendAuthRequest(absl::Time now);
  void ContinueAuthRequest(uint32_t message_id,
                           const std::vector<wire::Payload>& payloads,
                           PpkOutcome outcome, absl::Time now);
  void OnPpkResult(absl::StatusOr<keymgmt::Ppk> result, absl::Time now);
  absl::Status MixPpk(const keymgmt::Ppk& ppk);
  bool ppk_configured() const {
    return policy_.ppk.kind != PpkSettings::Kind::kNone;
  }
  std::string QuantumResistanceText() const;
  bool peer_offered_ppk_ = false;
  bool ppk_used_ = false;
  std::optional<keymgmt::PpkSource::RequestId> ppk_request_;
  absl::Time ppk_deadline_ = absl::InfiniteFuture();
  std::optional<IkeSaKeys> unmixed_keys_;
  std::string ppk_id_;
  // Responder: the IKE_AUTH request waiting for its PPK.
  uint32_t pending_auth_message_id_ = 0;
  std::vector<wire::Payload> pending_auth_payloads_;
  std::string remote_auth_name_ = "PSK";

  // Child SAs.
  uint32_t AllocateInboundSpi();
  // `exchange_initiator`: whether we initiated the exchange that created the
  // child (its KEYMAT is split by exchange roles, RFC 7296 2.17).
  absl::Status InstallChild(ChildSa& child, const ChildSaKeys& keys,
                            bool exchange_initiator, bool switch_outbound,
                            absl::Time now);
  // `linger`: keep the inbound SA for IkePolicy::inbound_linger so packets
  // the peer sent before it switched still decrypt (used after rekeys).
  void RemoveChildFromSad(const ChildSa& child, bool linger = false);
  void RemoveLingering(absl::Time now, bool all);
  void ScheduleChildRekey(ChildSa& child, absl::Time now);
  ChildSa* FindChildByInbound(uint32_t spi);
  ChildSa* FindChildByOutbound(uint32_t spi);
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> SelectorsFromWire(
      const wire::TrafficSelectors& selectors) const;
  static wire::TrafficSelectors SelectorsToWire(
      const std::vector<ipsec::TrafficSelector>& selectors);

  // CREATE_CHILD_SA and INFORMATIONAL.
  void StartChildRekey(ChildSa& child, absl::Time now);
  void StartIkeRekey(absl::Time now);
  void StartDelete(absl::Time now);
  void StartLiveness(absl::Time now);
  void HandleCreateChildRequest(uint32_t message_id,
                                const std::vector<wire::Payload>& payloads,
                                absl::Time now);
  void HandleCreateChildResponse(Outstanding& request,
                                 const std::vector<wire::Payload>& payloads,
                                 absl::Time now);
  void HandleInformationalRequest(uint32_t message_id,
                                  const std::vector<wire::Payload>& payloads,
                                  absl::Time now);
  void HandleInformationalResponse(Outstanding& request,
                                   const std::vector<wire::Payload>& payloads,
                                   absl::Time now);
  // Rekey collisions (RFC 7296 2.8.1): true when our own pending rekey of
  // the same SA loses to the peer's (ours has the lowest nonce).
  void StartDeleteChildren(std::vector<uint32_t> inbound_spis, absl::Time now);
  void RemoveChild(uint32_t inbound_spi, bool linger);
  absl::Time ike_rekey_retry_at_ = absl::InfiniteFuture();
  // RFC 7296 2.8.1 for the IKE SA: the peer's rekey of this SA that we
  // answered while our own was pending, resolved when ours completes.
  bool peer_ike_rekeyed_ = false;
  std::vector<uint8_t> peer_ike_rekey_nonce_i_;
  std::vector<uint8_t> peer_ike_rekey_nonce_r_;
  uint64_t peer_ike_successor_spi_ = 0;
  // Collision resolved against us or abandoned: the peer's successor takes
  // the child SAs this SA kept meanwhile.
  void HandChildrenToPeerSuccessor();
  // A successor that lost a rekey collision and that the peer should have
  // deleted; freed here if the peer never does (it may never have learned
  // of it when its own exchange was cut short by our Delete).
  absl::Time redundant_deadline_ = absl::InfiniteFuture();
  bool rekeyed_away_ = false;  // successor took the children

  void Fail(const std::string& reason, absl::Time now);
  void Die(EventType type, const std::string& reason);
  void Established(absl::Time now);
  void Report(EventType type, std::string reason,
              const ChildSa* child = nullptr);
  crypto::PrfAlgorithm prf() const { return suite_.prf; }

  IkeEngine& engine_;
  IkePolicy policy_;  // a copy: policies may be replaced while SAs live
  const uint64_t id_;
  const uint64_t session_id_;
  const bool initiator_;  // the original initiator of this IKE SA
  uint64_t local_spi_;
  uint64_t remote_spi_ = 0;
  UdpEndpoint local_;
  UdpEndpoint remote_;
  State state_;
  absl::Time created_;
  absl::Time established_at_ = absl::InfinitePast();
  absl::Time rekey_at_ = absl::InfiniteFuture();
  absl::Time expire_at_ = absl::InfiniteFuture();
  absl::Time half_open_deadline_ = absl::InfiniteFuture();

  // IKE_SA_INIT material.
  IkeSuite suite_;
  std::vector<wire::Proposal> offered_ike_;
  crypto::KeyExchangeGroup group_;
  std::unique_ptr<crypto::KeyExchange> key_exchange_;
  std::vector<uint8_t> nonce_i_;
  std::vector<uint8_t> nonce_r_;
  std::vector<uint8_t> init_request_bytes_;
  std::vector<uint8_t> init_response_bytes_;
  std::vector<uint8_t> cookie_;
  int invalid_ke_retries_ = 0;
  bool nat_detected_ = false;

  IkeSaKeys keys_;
  std::optional<wire::SkCipher> outbound_cipher_;
  std::optional<wire::SkCipher> inbound_cipher_;

  // IKE_AUTH material.
  Identity peer_identity_;
  uint32_t pending_child_spi_ = 0;  // initiator: SPI offered in IKE_AUTH
  std::vector<wire::Proposal> offered_esp_;

  // Exchange state.
  std::optional<Outstanding> outstanding_;
  std::deque<Queued> queued_;
  uint32_t next_request_id_ = 0;
  uint32_t expected_peer_id_ = 0;
  bool have_cached_response_ = false;
  std::vector<uint8_t> cached_response_;

  // Liveness.
  absl::Time last_heard_;
  absl::Time last_esp_sent_ = absl::InfinitePast();
  absl::Time next_dpd_at_ = absl::InfiniteFuture();

  std::vector<ChildSa> children_;
  // Inbound SAs of replaced children, removed from the SAD at the time given.
  std::vector<std::pair<absl::Time, uint32_t>> lingering_inbound_;
  std::string last_failure_;
};

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_IKE_SA_H_
