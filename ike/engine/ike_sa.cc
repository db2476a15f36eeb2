#include "ike/engine/ike_sa.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crypto/hash.h"
#include "crypto/hex.h"
#include "ike/authentication.h"
#include "ipsec/security_association.h"

namespace cygnet::ike {
namespace {

constexpr size_t kNonceSize = 32;
constexpr int kMaxInvalidKeRetries = 2;
// Non-ESP marker (RFC 3948 section 2.2) length; the engine adds it.
constexpr uint16_t kNatTraversalPort = 4500;

std::vector<uint8_t> SpiBytes(uint64_t spi) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(spi >> (56 - 8 * i));
  return out;
}

std::vector<uint8_t> Spi32Bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
          static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
}

uint32_t Spi32FromBytes(absl::Span<const uint8_t> b) {
  if (b.size() != 4) return 0;
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
         (uint32_t{b[2]} << 8) | b[3];
}

uint64_t Spi64FromBytes(absl::Span<const uint8_t> b) {
  if (b.size() != 8) return 0;
  uint64_t v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v;
}

// NAT_DETECTION_*_IP data: SHA-1(SPIi | SPIr | IP | port), RFC 7296 2.23.
std::vector<uint8_t> NatHash(uint64_t spi_i, uint64_t spi_r,
                             const UdpEndpoint& endpoint) {
  std::vector<uint8_t> i = SpiBytes(spi_i);
  std::vector<uint8_t> r = SpiBytes(spi_r);
  uint8_t port[2] = {static_cast<uint8_t>(endpoint.port >> 8),
                     static_cast<uint8_t>(endpoint.port)};
  return crypto::Digest(crypto::HashAlgorithm::kSha1,
                        {i, r, endpoint.address.bytes(), port});
}

template <typename T>
const T* FindPayload(const std::vector<wire::Payload>& payloads,
                     wire::PayloadType type) {
  for (const wire::Payload& p : payloads) {
    if (p.type == type) return p.As<T>();
  }
  return nullptr;
}

// The first error notify in a response, if any.
const wire::Notify* FindErrorNotify(
    const std::vector<wire::Payload>& payloads) {
  for (const wire::Payload& p : payloads) {
    if (p.type != wire::PayloadType::kNotify) continue;
    const wire::Notify* n = p.As<wire::Notify>();
    if (n != nullptr && wire::IsErrorNotify(n->type)) return n;
  }
  return nullptr;
}

wire::Payload NotifyPayload(wire::NotifyType type,
                            std::vector<uint8_t> data = {},
                            wire::ProtocolId protocol = wire::ProtocolId::kNone,
                            std::vector<uint8_t> spi = {}) {
  wire::Notify n;
  n.protocol_id = protocol;
  n.spi = std::move(spi);
  n.type = type;
  n.data = std::move(data);
  return wire::Payload::Of(std::move(n));
}

ipsec::EspCipher ToEspCipher(EncryptionAlgorithm encryption) {
  switch (encryption) {
    case EncryptionAlgorithm::kAesCbc128:
      return ipsec::EspCipher::kAesCbc128;
    case EncryptionAlgorithm::kAesCbc192:
      return ipsec::EspCipher::kAesCbc192;
    case EncryptionAlgorithm::kAesCbc256:
      return ipsec::EspCipher::kAesCbc256;
    case EncryptionAlgorithm::kAesGcm16_128:
      return ipsec::EspCipher::kAesGcm128;
    case EncryptionAlgorithm::kAesGcm16_256:
      return ipsec::EspCipher::kAesGcm256;
    case EncryptionAlgorithm::kChaCha20Poly1305:
      return ipsec::EspCipher::kChaCha20Poly1305;
  }
  return ipsec::EspCipher::kNull;
}

ipsec::EspIntegrity ToEspIntegrity(IntegrityAlgorithm integrity) {
  switch (integrity) {
    case IntegrityAlgorithm::kNone:
      return ipsec::EspIntegrity::kNone;
    case IntegrityAlgorithm::kHmacSha1_96:
      return ipsec::EspIntegrity::kHmacSha1_96;
    case IntegrityAlgorithm::kHmacSha2_256_128:
      return ipsec::EspIntegrity::kHmacSha256_128;
    case IntegrityAlgorithm::kHmacSha2_384_192:
      return ipsec::EspIntegrity::kHmacSha384_192;
    case IntegrityAlgorithm::kHmacSha2_512_256:
      return ipsec::EspIntegrity::kHmacSha512_256;
  }
  return ipsec::EspIntegrity::kNone;
}

// The order of two byte strings as unsigned big numbers of equal length,
// shorter first otherwise (RFC 7296 2.8.1 compares nonces).
bool NonceLess(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// The INSECURE key log line of an IKE SA (ike_engine.h, SetInsecureKeyLog).
std::string IkeKeyLogLine(uint64_t spi_i, uint64_t spi_r,
                          const IkeSaKeys& keys) {
  return absl::StrFormat(
      "IKE spi_i=%016x spi_r=%016x SK_d=%s SK_ai=%s SK_ar=%s SK_ei=%s "
      "SK_er=%s SK_pi=%s SK_pr=%s",
      spi_i, spi_r, crypto::HexEncode(keys.sk_d.span()),
      crypto::HexEncode(keys.sk_ai.span()),
      crypto::HexEncode(keys.sk_ar.span()),
      crypto::HexEncode(keys.sk_ei.span()),
      crypto::HexEncode(keys.sk_er.span()),
      crypto::HexEncode(keys.sk_pi.span()),
      crypto::HexEncode(keys.sk_pr.span()));
}

// The group an INVALID_KE_PAYLOAD notify names (2 octets), for the log.
int GroupInNotify(const std::vector<uint8_t>& data) {
  return data.size() == 2 ? (data[0] << 8) | data[1] : 0;
}

}  // namespace

IkeSa::IkeSa(IkeEngine& engine, const IkePolicy& policy, uint64_t id,
             uint64_t session_id, bool initiator, uint64_t local_spi,
             UdpEndpoint local, UdpEndpoint remote, absl::Time now)
    : engine_(engine),
      policy_(policy),
      id_(id),
      session_id_(session_id),
      initiator_(initiator),
      local_spi_(local_spi),
      local_(local),
      remote_(remote),
      state_(initiator ? State::kInitSent : State::kHalfOpen),
      created_(now),
      last_heard_(now) {}

IkeSa::~IkeSa() = default;

// ---------------------------------------------------------------------------
// Exchange machinery

wire::Header IkeSa::MakeHeader(wire::ExchangeType exchange, bool response,
                               uint32_t message_id) const {
  wire::Header header;
  header.initiator_spi = initiator_ ? local_spi_ : remote_spi_;
  header.responder_spi = initiator_ ? remote_spi_ : local_spi_;
  header.exchange_type = exchange;
  header.initiator = initiator_;
  header.response = response;
  header.message_id = message_id;
  return header;
}

absl::StatusOr<std::vector<uint8_t>> IkeSa::Protect(
    wire::ExchangeType exchange, bool response, uint32_t message_id,
    std::vector<wire::Payload> payloads) {
  if (!outbound_cipher_.has_value()) {
    return absl::FailedPreconditionError("no keys for an SK payload yet");
  }
  return outbound_cipher_->Protect(MakeHeader(exchange, response, message_id),
                                   payloads, engine_.random_);
}

void IkeSa::SendBytes(std::vector<uint8_t> bytes) {
  engine_.Send(local_, remote_, std::move(bytes));
}

void IkeSa::SendRequest(Outstanding request, absl::Time now) {
  request.transmissions = 1;
  request.timeout = policy_.retransmit.initial_timeout;
  request.retransmit_at = now + request.timeout;
  SendBytes(request.bytes);
  outstanding_ = std::move(request);
}

void IkeSa::Retransmit(absl::Time now) {
  Outstanding& request = *outstanding_;
  if (request.transmissions >= policy_.retransmit.max_transmissions &&
      rekeyed_away_) {
    // A successor carries on; the peer already dropped this SA.
    outstanding_.reset();
    state_ = State::kDead;
    return;
  }
  if (request.transmissions >= policy_.retransmit.max_transmissions &&
      request.purpose == Purpose::kDeleteIke) {
    // An unconfirmed Delete still deletes (RFC 7296 1.4.1).
    Die(EventType::kIkeSaDeleted, "deleted (the peer did not confirm)");
    return;
  }
  if (request.transmissions >= policy_.retransmit.max_transmissions) {
    std::string what = wire::ToString(request.exchange);
    if (request.purpose == Purpose::kLiveness ||
        state_ == State::kEstablished || state_ == State::kDeleting) {
      Report(
          EventType::kDeadPeer,
          absl::StrCat("no answer to ", what, " request ", request.message_id,
                       " after ", request.transmissions, " transmissions"));
      Die(EventType::kIkeSaDeleted, "dead peer");
    } else {
      Fail(absl::StrCat("no answer to ", what, " after ", request.transmissions,
                        " transmissions"),
           now);
    }
    return;
  }
  ++request.transmissions;
  ++engine_.counters_.retransmissions;
  request.timeout =
      std::min(absl::Duration(request.timeout * policy_.retransmit.backoff),
               policy_.retransmit.max_timeout);
  request.retransmit_at = now + request.timeout;
  SendBytes(request.bytes);
}

void IkeSa::SendResponse(uint32_t message_id, wire::ExchangeType exchange,
                         std::vector<wire::Payload> payloads) {
  absl::StatusOr<std::vector<uint8_t>> bytes =
      Protect(exchange, /*response=*/true, message_id, std::move(payloads));
  if (!bytes.ok()) {
    Report(EventType::kMessageDropped,
           absl::StrCat("cannot build response: ", bytes.status().message()));
    return;
  }
  cached_response_ = *bytes;
  have_cached_response_ = true;
  expected_peer_id_ = message_id + 1;
  SendBytes(std::move(*bytes));
}

void IkeSa::RunQueued(absl::Time now) {
  if (rekeyed_away_) {
    queued_.clear();  // the successor does the work
    return;
  }
  while (window_free() && !queued_.empty() && state_ == State::kEstablished) {
    Queued next = queued_.front();
    queued_.pop_front();
    switch (next) {
      case Queued::kRekeyChild: {
        ChildSa* due = nullptr;
        for (ChildSa& child : children_) {
          if (!child.replaced && !child.rekey_in_progress &&
              (due == nullptr || child.rekey_at < due->rekey_at)) {
            due = &child;
          }
        }
        if (due != nullptr) StartChildRekey(*due, now);
        break;
      }
      case Queued::kRekeyIke:
        StartIkeRekey(now);
        break;
      case Queued::kDeleteIke:
        StartDelete(now);
        break;
      case Queued::kLiveness:
        StartLiveness(now);
        break;
    }
  }
}

absl::Time IkeSa::NextTimeout() const {
  absl::Time next = absl::InfiniteFuture();
  if (outstanding_.has_value()) next = outstanding_->retransmit_at;
  if (state_ == State::kHalfOpen) next = std::min(next, half_open_deadline_);
  for (const auto& [when, spi] : lingering_inbound_) {
    next = std::min(next, when);
  }
  if (ppk_request_.has_value()) next = std::min(next, ppk_deadline_);
  next = std::min(next, redundant_deadline_);
  if (state_ == State::kEstablished) {
    next = std::min({next, rekey_at_, expire_at_, next_dpd_at_});
    for (const ChildSa& child : children_) {
      if (!child.replaced)
        next = std::min({next, child.rekey_at, child.expire_at});
    }
  }
  return next;
}

void IkeSa::HandleTimeout(absl::Time now) {
  if (outstanding_.has_value() && outstanding_->retransmit_at <= now) {
    Retransmit(now);
    if (finished()) return;
  }
  RemoveLingering(now, /*all=*/false);
  if (redundant_deadline_ <= now) {
    redundant_deadline_ = absl::InfiniteFuture();
    if (children_.empty() && state_ == State::kEstablished) {
      Die(EventType::kIkeSaDeleted,
          "redundant IKE SA from a rekey collision, never deleted by the peer");
      return;
    }
  }
  if (ppk_request_.has_value() && ppk_deadline_ <= now) {
    OnPpkResult(absl::DeadlineExceededError(
                    absl::StrCat("key source did not answer within ",
                                 absl::FormatDuration(policy_.ppk.timeout))),
                now);
    if (finished()) return;
  }
  if (state_ == State::kHalfOpen && half_open_deadline_ <= now) {
    Fail("half-open IKE SA timed out waiting for IKE_AUTH", now);
    return;
  }
  if (state_ != State::kEstablished) return;
  if (expire_at_ <= now) {
    Die(EventType::kIkeSaDeleted, "IKE SA lifetime expired before rekey");
    return;
  }
  if (rekey_at_ <= now) {
    rekey_at_ = absl::InfiniteFuture();
    if (!rekeyed_away_) queued_.push_back(Queued::kRekeyIke);
  }
  for (ChildSa& child : children_) {
    if (child.replaced) continue;
    if (child.expire_at <= now) {
      Report(EventType::kChildSaDeleted, "child SA lifetime expired", &child);
      RemoveChildFromSad(child);
      child.replaced = true;
      continue;
    }
    if (child.rekey_at <= now) {
      child.rekey_at = absl::InfiniteFuture();
      queued_.push_back(Queued::kRekeyChild);
    }
  }
  children_.erase(std::remove_if(children_.begin(), children_.end(),
                                 [](const ChildSa& c) {
                                   return c.replaced && !c.rekey_in_progress &&
                                          c.expire_at !=
                                              absl::InfiniteFuture() &&
                                          c.inbound_spi == 0;
                                 }),
                  children_.end());
  if (next_dpd_at_ <= now) {
    const DpdSettings& dpd = policy_.dpd;
    next_dpd_at_ = now + dpd.interval;
    bool quiet = now - last_heard_ >= dpd.interval;
    bool sent_recently = now - last_esp_sent_ < dpd.interval;
    if (quiet && (dpd.periodic || sent_recently)) {
      queued_.push_back(Queued::kLiveness);
    }
  }
  RunQueued(now);
}

// ---------------------------------------------------------------------------
// Failure and status

void IkeSa::Report(EventType type, std::string reason, const ChildSa* child) {
  Event event;
  event.type = type;
  event.ike_sa_id = id_;
  event.policy = policy_.name;
  event.reason = std::move(reason);
  if (child != nullptr) {
    event.inbound_spi = child->inbound_spi;
    event.outbound_spi = child->outbound_spi;
    event.sad_policy = child->lineage;
  }
  engine_.Report(std::move(event));
}

void IkeSa::Fail(const std::string& reason, absl::Time now) {
  (void)now;
  last_failure_ = reason;
  Die(EventType::kIkeSaFailed, reason);
}

void IkeSa::Die(EventType type, const std::string& reason) {
  if (state_ == State::kDead) return;
  for (ChildSa& child : children_) {
    if (child.inbound_spi != 0) {
      RemoveChildFromSad(child);
      Report(EventType::kChildSaDeleted, reason, &child);
    }
  }
  children_.clear();
  RemoveLingering(absl::InfinitePast(), /*all=*/true);
  outstanding_.reset();
  queued_.clear();
  state_ = State::kDead;
  Report(type, reason);
}

absl::Time IkeSa::RekeyTime(absl::Time now, absl::Duration lifetime) {
  absl::Duration jitter =
      policy_.rekey_jitter *
      (static_cast<double>(engine_.random_.UniformBelow(1000)) / 1000.0);
  absl::Time rekey = now + lifetime - policy_.rekey_margin - jitter;
  return rekey > now ? rekey : now + lifetime / 2;
}

void IkeSa::ScheduleIkeSaTimers(absl::Time now) {
  expire_at_ = now + policy_.ike_lifetime;
  rekey_at_ = RekeyTime(now, policy_.ike_lifetime);
  if (policy_.dpd.interval > absl::ZeroDuration()) {
    next_dpd_at_ = now + policy_.dpd.interval;
  }
}

void IkeSa::Established(absl::Time now) {
  state_ = State::kEstablished;
  established_at_ = now;
  half_open_deadline_ = absl::InfiniteFuture();
  ScheduleIkeSaTimers(now);
  Report(EventType::kIkeSaEstablished,
         absl::StrCat(initiator_ ? "initiator" : "responder", " ",
                      local_.ToString(), " <-> ", remote_.ToString(), " ",
                      peer_identity_.ToString()));
}

IkeSaStatus IkeSa::Snapshot(absl::Time now) const {
  IkeSaStatus status;
  status.id = id_;
  status.session_id = session_id_;
  status.policy = policy_.name;
  status.local = local_;
  status.remote = remote_;
  status.initiator = initiator_;
  status.established = state_ == State::kEstablished;
  switch (state_) {
    case State::kEstablished:
      status.state = "READY";
      status.description = "Negotiation done";
      break;
    case State::kDeleting:
      status.state = "DELETE";
      status.description = "Deleting";
      break;
    case State::kDead:
      status.state = "DELETED";
      status.description = last_failure_.empty() ? "Deleted" : last_failure_;
      break;
    default:
      status.state = "IN-NEG";
      status.description = "Negotiation in progress";
      break;
  }
  status.suite = suite_;
  status.lifetime = policy_.ike_lifetime;
  status.active_time = state_ == State::kEstablished ? now - established_at_
                                                     : absl::ZeroDuration();
  if (policy_.local_authentication == AuthenticationKind::kCertificate &&
      policy_.certificates.private_key.has_value()) {
    status.local_auth =
        policy_.certificates.private_key->type() == crypto::KeyType::kRsa
            ? "RSA"
            : "ECDSA";
  }
  status.remote_auth = remote_auth_name_;
  status.quantum_resistance = QuantumResistanceText();
  status.local_spi = local_spi_;
  status.remote_spi = remote_spi_;
  status.local_identity = policy_.local_identity;
  status.remote_identity = peer_identity_;
  for (const ChildSa& child : children_) {
    if (child.replaced || child.inbound_spi == 0) continue;
    ChildSaStatus c;
    c.inbound_spi = child.inbound_spi;
    c.outbound_spi = child.outbound_spi;
    c.local_selectors = child.local_selectors;
    c.remote_selectors = child.remote_selectors;
    c.suite = child.suite;
    c.quantum_resistant = child.quantum_resistant;
    status.child_sas.push_back(std::move(c));
  }
  return status;
}

bool IkeSa::OwnsChildSpi(uint32_t spi) const {
  for (const ChildSa& child : children_) {
    if (child.inbound_spi == spi || child.outbound_spi == spi) return true;
  }
  return false;
}

void IkeSa::NoteEspTraffic(uint32_t spi, bool sent, absl::Time now) {
  (void)spi;
  if (sent) {
    last_esp_sent_ = now;
  } else {
    last_heard_ = now;
  }
}

// ---------------------------------------------------------------------------
// IKE_SA_INIT

void IkeSa::Start(absl::Time now) {
  absl::StatusOr<std::vector<wire::Proposal>> offered =
      IkeProposalsToWire(policy_.ike_proposals, {});
  if (!offered.ok()) {
    Fail(absl::StrCat("cannot offer IKE proposals: ",
                      offered.status().message()),
         now);
    return;
  }
  offered_ike_ = std::move(*offered);
  group_ = policy_.ike_proposals.front().groups.front();
  nonce_i_ = engine_.random_.Bytes(kNonceSize);
  SendInitRequest(now);
}

std::vector<wire::Payload> IkeSa::NatDetectionPayloads() const {
  uint64_t spi_i = initiator_ ? local_spi_ : remote_spi_;
  uint64_t spi_r = initiator_ ? remote_spi_ : local_spi_;
  std::vector<wire::Payload> out;
  out.push_back(NotifyPayload(wire::NotifyType::kNatDetectionSourceIp,
                              NatHash(spi_i, spi_r, local_)));
  out.push_back(NotifyPayload(wire::NotifyType::kNatDetectionDestinationIp,
                              NatHash(spi_i, spi_r, remote_)));
  return out;
}

void IkeSa::AppendInitNotifies(std::vector<wire::Payload>& payloads,
                               bool use_ppk) const {
  for (wire::Payload& p : NatDetectionPayloads()) {
    payloads.push_back(std::move(p));
  }
  payloads.push_back(NotifyPayload(
      wire::NotifyType::kSignatureHashAlgorithms,
      BuildSignatureHashAlgorithmsData(SupportedSignatureHashAlgorithms())));
  if (use_ppk) payloads.push_back(NotifyPayload(wire::NotifyType::kUsePpk));
}

void IkeSa::CheckNatDetection(const std::vector<wire::Payload>& payloads) {
  peer_offered_ppk_ =
      wire::FindNotify(payloads, wire::NotifyType::kUsePpk) != nullptr;
  if (const wire::Notify* hashes = wire::FindNotify(
          payloads, wire::NotifyType::kSignatureHashAlgorithms)) {
    absl::StatusOr<std::vector<wire::SignatureHashAlgorithm>> parsed =
        ParseSignatureHashAlgorithmsData(hashes->data);
    if (parsed.ok()) peer_signature_hashes_ = std::move(*parsed);
  }
  uint64_t spi_i = initiator_ ? local_spi_ : remote_spi_;
  // The initiator's request hashes SPIr = 0.
  uint64_t spi_r = initiator_ ? remote_spi_ : 0;
  bool saw_source = false;
  bool source_matches = false;
  bool destination_matches = true;
  for (const wire::Payload& p : payloads) {
    const wire::Notify* n = p.As<wire::Notify>();
    if (n == nullptr) continue;
    if (n->type == wire::NotifyType::kNatDetectionSourceIp) {
      saw_source = true;
      if (n->data == NatHash(spi_i, spi_r, remote_)) source_matches = true;
    } else if (n->type == wire::NotifyType::kNatDetectionDestinationIp) {
      destination_matches = n->data == NatHash(spi_i, spi_r, local_);
    }
  }
  if (saw_source && (!source_matches || !destination_matches)) {
    nat_detected_ = true;
  }
}

void IkeSa::SendInitRequest(absl::Time now) {
  absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> key_exchange =
      crypto::KeyExchange::Generate(group_, engine_.random_);
  if (!key_exchange.ok()) {
    Fail(absl::StrCat("key exchange: ", key_exchange.status().message()), now);
    return;
  }
  key_exchange_ = std::move(*key_exchange);
  wire::Message message;
  message.header = MakeHeader(wire::ExchangeType::kIkeSaInit, false, 0);
  if (!cookie_.empty()) {
    message.payloads.push_back(
        NotifyPayload(wire::NotifyType::kCookie, cookie_));
  }
  message.payloads.push_back(
      wire::Payload::Of(wire::SecurityAssociation{offered_ike_}));
  wire::KeyExchange ke;
  ke.group = static_cast<wire::KeyExchangeGroup>(GroupNumber(group_));
  ke.data = key_exchange_->public_value();
  message.payloads.push_back(wire::Payload::Of(std::move(ke)));
  message.payloads.push_back(wire::Payload::Of(wire::Nonce{nonce_i_}));
  AppendInitNotifies(message.payloads, /*use_ppk=*/ppk_configured());
  absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(message);
  if (!bytes.ok()) {
    Fail(absl::StrCat("encode IKE_SA_INIT: ", bytes.status().message()), now);
    return;
  }
  init_request_bytes_ = *bytes;
  state_ = State::kInitSent;
  next_request_id_ = 1;
  Outstanding request{Purpose::kInit, wire::ExchangeType::kIkeSaInit, 0};
  request.bytes = std::move(*bytes);
  SendRequest(std::move(request), now);
}

absl::Status IkeSa::DeriveKeys(const crypto::SecretBytes& shared_secret) {
  uint64_t spi_i = initiator_ ? local_spi_ : remote_spi_;
  uint64_t spi_r = initiator_ ? remote_spi_ : local_spi_;
  absl::StatusOr<IkeSaKeys> keys = DeriveInitialIkeSaKeys(
      suite_, shared_secret, nonce_i_, nonce_r_, spi_i, spi_r);
  if (!keys.ok()) return keys.status();
  keys_ = std::move(*keys);
  if (engine_.insecure_key_log_) {
    engine_.insecure_key_log_(IkeKeyLogLine(spi_i, spi_r, keys_));
  }
  return InstallSkCiphers();
}

absl::Status IkeSa::InstallSkCiphers() {
  wire::EncryptionId encryption = EncryptionTransformId(suite_.encryption);
  uint16_t key_bits =
      static_cast<uint16_t>(EncryptionKeySizeBits(suite_.encryption));
  wire::IntegrityId integrity = IntegrityTransformId(suite_.integrity);
  absl::StatusOr<wire::SkCipher> from_initiator = wire::SkCipher::Create(
      encryption, key_bits, integrity, keys_.sk_ei, keys_.sk_ai);
  if (!from_initiator.ok()) return from_initiator.status();
  absl::StatusOr<wire::SkCipher> from_responder = wire::SkCipher::Create(
      encryption, key_bits, integrity, keys_.sk_er, keys_.sk_ar);
  if (!from_responder.ok()) return from_responder.status();
  outbound_cipher_ = std::move(initiator_ ? *from_initiator : *from_responder);
  inbound_cipher_ = std::move(initiator_ ? *from_responder : *from_initiator);
  return absl::OkStatus();
}

void IkeSa::HandleInitResponse(const wire::Message& message,
                               absl::Span<const uint8_t> bytes,
                               absl::Time now) {
  const std::vector<wire::Payload>& payloads = message.payloads;
  if (const wire::Notify* cookie =
          wire::FindNotify(payloads, wire::NotifyType::kCookie)) {
    if (cookie_ == cookie->data || cookie->data.empty()) return;
    // RFC 7296 2.6: a cookie is 1 to 64 octets. Echoing a larger one would
    // let a spoofed response inflate every retransmitted request.
    constexpr size_t kMaxCookieSize = 64;
    if (cookie->data.size() > kMaxCookieSize) {
      Report(EventType::kMessageDropped,
             absl::StrCat("ignoring COOKIE of ", cookie->data.size(),
                          " bytes (at most ", kMaxCookieSize, ")"));
      return;
    }
    cookie_ = cookie->data;
    outstanding_.reset();
    SendInitRequest(now);
    return;
  }
  if (const wire::Notify* invalid_ke =
          wire::FindNotify(payloads, wire::NotifyType::kInvalidKePayload)) {
    absl::StatusOr<crypto::KeyExchangeGroup> group =
        GroupFromInvalidKePayload(invalid_ke->data, offered_ike_);
    if (!group.ok()) {
      Report(EventType::kMessageDropped,
             absl::StrCat("ignoring INVALID_KE_PAYLOAD: ",
                          group.status().message()));
      return;
    }
    if (++invalid_ke_retries_ > kMaxInvalidKeRetries || *group == group_) {
      Fail(absl::StrCat("peer keeps asking for another KE group (",
                        GroupNumber(*group), ")"),
           now);
      return;
    }
    group_ = *group;
    outstanding_.reset();
    SendInitRequest(now);
    return;
  }
  if (const wire::Notify* error = FindErrorNotify(payloads)) {
    Fail(absl::StrCat("peer answered IKE_SA_INIT with ",
                      wire::ToString(error->type)),
         now);
    return;
  }
  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* ke =
      FindPayload<wire::KeyExchange>(payloads, wire::PayloadType::kKeyExchange);
  const auto* nonce =
      FindPayload<wire::Nonce>(payloads, wire::PayloadType::kNonce);
  if (sa == nullptr || ke == nullptr || nonce == nullptr ||
      message.header.responder_spi == 0) {
    Report(EventType::kMessageDropped,
           "IKE_SA_INIT response without SA, KE, Nonce or responder SPI");
    return;
  }
  absl::StatusOr<IkeSelection> selection =
      CheckIkeAnswer(offered_ike_, sa->proposals);
  if (!selection.ok()) {
    Fail(absl::StrCat("bad IKE_SA_INIT answer: ", selection.status().message()),
         now);
    return;
  }
  if (selection->suite.group != group_ ||
      static_cast<uint16_t>(ke->group) != GroupNumber(group_)) {
    Fail("IKE_SA_INIT answer's KE group differs from the one sent", now);
    return;
  }
  absl::StatusOr<crypto::SecretBytes> shared =
      key_exchange_->ComputeSharedSecret(ke->data);
  if (!shared.ok()) {
    Fail(absl::StrCat("peer KE: ", shared.status().message()), now);
    return;
  }
  outstanding_.reset();
  suite_ = selection->suite;
  remote_spi_ = message.header.responder_spi;
  nonce_r_ = nonce->data;
  init_response_bytes_.assign(bytes.begin(), bytes.end());
  CheckNatDetection(payloads);
  absl::Status derived = DeriveKeys(*shared);
  if (!derived.ok()) {
    Fail(absl::StrCat("key derivation: ", derived.message()), now);
    return;
  }
  if (nat_detected_ && local_.port != kNatTraversalPort) {
    // RFC 7296 2.23: behind a NAT, continue on port 4500.
    local_.port = kNatTraversalPort;
    remote_.port = kNatTraversalPort;
  }

  // RFC 8784: both sides must have sent USE_PPK; the PPK is fetched before
  // IKE_AUTH can be computed.
  if (ppk_configured()) {
    if (!peer_offered_ppk_) {
      if (policy_.ppk.required) {
        Fail("PPK required but the peer did not offer USE_PPK", now);
        return;
      }
      Report(EventType::kMessageDropped,
             "peer did not offer USE_PPK; continuing without a PPK");
    } else {
      ppk_request_ = policy_.ppk.source->RequestNewKey(policy_.ppk.peer, now);
      ppk_deadline_ = now + policy_.ppk.timeout;
      return;  // IkeEngine delivers the key to OnPpkResult
    }
  }
  SendAuthRequest(now);
}

void IkeSa::SendAuthRequest(absl::Time now) {
  absl::StatusOr<std::vector<wire::Payload>> auth = BuildOwnAuth(keys_.sk_pi);
  if (!auth.ok()) {
    Fail(absl::StrCat("AUTH: ", auth.status().message()), now);
    return;
  }
  std::vector<wire::Payload> ppk_notifies;
  if (ppk_used_) {
    // PPK_ID_FIXED (type 2) followed by the ID (RFC 8784 section 3).
    std::vector<uint8_t> identity = {2};
    identity.insert(identity.end(), ppk_id_.begin(), ppk_id_.end());
    ppk_notifies.push_back(
        NotifyPayload(wire::NotifyType::kPpkIdentity, std::move(identity)));
    if (!policy_.ppk.required) {
      // The AUTH data without the PPK, so a responder without it can fall
      // back to normal authentication.
      absl::StatusOr<std::vector<wire::Payload>> plain =
          BuildOwnAuth(unmixed_keys_->sk_pi);
      if (plain.ok()) {
        for (const wire::Payload& p : *plain) {
          if (const auto* a = p.As<wire::Authentication>()) {
            ppk_notifies.push_back(
                NotifyPayload(wire::NotifyType::kNoPpkAuth, a->data));
          }
        }
      }
    }
  }
  pending_child_spi_ = AllocateInboundSpi();
  absl::StatusOr<std::vector<wire::Proposal>> esp =
      EspProposalsToWire(policy_.esp_proposals, Spi32Bytes(pending_child_spi_),
                         ChildSaExchange::kIkeAuth);
  if (!esp.ok()) {
    Fail(absl::StrCat("cannot offer ESP proposals: ", esp.status().message()),
         now);
    return;
  }
  offered_esp_ = std::move(*esp);
  std::vector<wire::Payload> inner;
  inner.push_back(wire::Payload::IdI(wire::Identification{
      policy_.local_identity.type, policy_.local_identity.data}));
  for (wire::Payload& p : *auth) inner.push_back(std::move(p));
  for (wire::Payload& p : ppk_notifies) inner.push_back(std::move(p));
  if (policy_.remote_authentication == AuthenticationKind::kCertificate) {
    wire::CertificateRequest request;
    for (const crypto::Certificate& anchor :
         policy_.certificates.trust_anchors) {
      std::vector<uint8_t> hash = anchor.public_key_sha1();
      request.authority.insert(request.authority.end(), hash.begin(),
                               hash.end());
    }
    inner.push_back(wire::Payload::Of(std::move(request)));
  }
  if (policy_.mode == ipsec::SaMode::kTransport) {
    inner.push_back(NotifyPayload(wire::NotifyType::kUseTransportMode));
  }
  inner.push_back(wire::Payload::Of(wire::SecurityAssociation{offered_esp_}));
  inner.push_back(wire::Payload::TsI(SelectorsToWire(policy_.local_selectors)));
  inner.push_back(
      wire::Payload::TsR(SelectorsToWire(policy_.remote_selectors)));
  absl::StatusOr<std::vector<uint8_t>> request_bytes =
      Protect(wire::ExchangeType::kIkeAuth, false, 1, std::move(inner));
  if (!request_bytes.ok()) {
    Fail(absl::StrCat("encode IKE_AUTH: ", request_bytes.status().message()),
         now);
    return;
  }
  state_ = State::kAuthSent;
  next_request_id_ = 2;
  Outstanding request{Purpose::kAuth, wire::ExchangeType::kIkeAuth, 1};
  request.bytes = std::move(*request_bytes);
  SendRequest(std::move(request), now);
}

void IkeSa::HandleInitRequest(const wire::Message& message,
                              absl::Span<const uint8_t> bytes, absl::Time now) {
  const std::vector<wire::Payload>& payloads = message.payloads;
  remote_spi_ = message.header.initiator_spi;
  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* ke =
      FindPayload<wire::KeyExchange>(payloads, wire::PayloadType::kKeyExchange);
  const auto* nonce =
      FindPayload<wire::Nonce>(payloads, wire::PayloadType::kNonce);
  auto reply_error = [&](wire::NotifyType type, std::vector<uint8_t> data,
                         const std::string& reason) {
    wire::Message reply;
    reply.header = MakeHeader(wire::ExchangeType::kIkeSaInit, true, 0);
    // An error answer to IKE_SA_INIT carries SPIr = 0 (RFC 7296 2.6, 1.3).
    reply.header.responder_spi = 0;
    reply.payloads.push_back(NotifyPayload(type, std::move(data)));
    absl::StatusOr<std::vector<uint8_t>> out = wire::Encode(reply);
    if (out.ok()) SendBytes(std::move(*out));
    Fail(reason, now);
  };
  if (sa == nullptr || ke == nullptr || nonce == nullptr) {
    reply_error(wire::NotifyType::kInvalidSyntax, {},
                "IKE_SA_INIT request without SA, KE or Nonce");
    return;
  }
  absl::StatusOr<IkeSelection> selection = SelectIkeProposalForKe(
      policy_.ike_proposals, sa->proposals, {}, ke->group);
  if (!selection.ok()) {
    const ErrorNotify notify =
        ErrorNotifyOf(selection.status()).value_or(ErrorNotify{});
    // INVALID_KE_PAYLOAD is not a failure of the initiator's eventual
    // attempt: it retries with a new request, which creates a new responder
    // SA.
    reply_error(notify.type, notify.data,
                notify.type == wire::NotifyType::kInvalidKePayload
                    ? absl::StrCat("asked initiator for KE group ",
                                   GroupInNotify(notify.data), ": ",
                                   selection.status().message())
                    : absl::StrCat("no IKE proposal chosen: ",
                                   selection.status().message()));
    return;
  }
  suite_ = selection->suite;
  group_ = suite_.group;
  absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> key_exchange =
      crypto::KeyExchange::Generate(group_, engine_.random_);
  if (!key_exchange.ok()) {
    Fail(absl::StrCat("key exchange: ", key_exchange.status().message()), now);
    return;
  }
  key_exchange_ = std::move(*key_exchange);
  absl::StatusOr<crypto::SecretBytes> shared =
      key_exchange_->ComputeSharedSecret(ke->data);
  if (!shared.ok()) {
    reply_error(wire::NotifyType::kInvalidSyntax, {},
                absl::StrCat("peer KE: ", shared.status().message()));
    return;
  }
  nonce_i_ = nonce->data;
  nonce_r_ = engine_.random_.Bytes(kNonceSize);
  init_request_bytes_.assign(bytes.begin(), bytes.end());
  CheckNatDetection(payloads);

  wire::Message reply;
  reply.header = MakeHeader(wire::ExchangeType::kIkeSaInit, true, 0);
  reply.payloads.push_back(
      wire::Payload::Of(wire::SecurityAssociation{{selection->answer}}));
  wire::KeyExchange our_ke;
  our_ke.group = ke->group;
  our_ke.data = key_exchange_->public_value();
  reply.payloads.push_back(wire::Payload::Of(std::move(our_ke)));
  reply.payloads.push_back(wire::Payload::Of(wire::Nonce{nonce_r_}));
  AppendInitNotifies(reply.payloads,
                     /*use_ppk=*/ppk_configured() && peer_offered_ppk_);
  absl::StatusOr<std::vector<uint8_t>> out = wire::Encode(reply);
  if (!out.ok()) {
    Fail(absl::StrCat("encode IKE_SA_INIT response: ", out.status().message()),
         now);
    return;
  }
  init_response_bytes_ = *out;
  absl::Status derived = DeriveKeys(*shared);
  if (!derived.ok()) {
    Fail(absl::StrCat("key derivation: ", derived.message()), now);
    return;
  }
  cached_response_ = *out;
  have_cached_response_ = true;
  expected_peer_id_ = 1;
  state_ = State::kHalfOpen;
  half_open_deadline_ = now + engine_.limits_.half_open_timeout;
  SendBytes(std::move(*out));
}

// ---------------------------------------------------------------------------
// Dispatch of protected messages

void IkeSa::HandleMessage(const wire::Header& header,
                          absl::Span<const uint8_t> bytes,
                          const UdpEndpoint& from, const UdpEndpoint& to,
                          absl::Time now) {
  if (state_ == State::kDead) return;
  // Responses to our IKE_SA_INIT are the only unprotected messages after
  // the first one.
  if (header.exchange_type == wire::ExchangeType::kIkeSaInit) {
    if (header.response && initiator_ && state_ == State::kInitSent &&
        header.message_id == 0) {
      absl::StatusOr<wire::Message> message = wire::Decode(bytes);
      if (!message.ok()) {
        ++engine_.counters_.malformed;
        return;
      }
      HandleInitResponse(*message, bytes, now);
    } else if (!header.response && !initiator_ && header.message_id == 0 &&
               have_cached_response_ && state_ == State::kHalfOpen &&
               absl::Span<const uint8_t>(init_request_bytes_) == bytes) {
      ++engine_.counters_.duplicate_requests;
      SendBytes(init_response_bytes_);
    }
    return;
  }
  if (!inbound_cipher_.has_value()) return;

  if (!header.response) {
    // A request from the peer: window of one (RFC 7296 2.3).
    if (header.message_id + 1 == expected_peer_id_ && have_cached_response_) {
      ++engine_.counters_.duplicate_requests;
      SendBytes(cached_response_);
      return;
    }
    if (header.message_id != expected_peer_id_) {
      Report(EventType::kMessageDropped,
             absl::StrCat("request with message ID ", header.message_id,
                          ", expected ", expected_peer_id_));
      return;
    }
  } else if (!outstanding_.has_value() ||
             outstanding_->message_id != header.message_id) {
    Report(EventType::kMessageDropped,
           absl::StrCat("unexpected response with message ID ",
                        header.message_id));
    return;
  }
  absl::StatusOr<wire::OpenedMessage> opened =
      inbound_cipher_->Unprotect(bytes);
  if (!opened.ok()) {
    ++engine_.counters_.integrity_failures;
    Report(EventType::kMessageDropped,
           absl::StrCat("SK payload rejected: ", opened.status().message()));
    return;
  }
  last_heard_ = now;
  // RFC 7296 2.23: a verified message from a new address/port means the
  // peer's NAT mapping changed (or it floated to 4500).
  if (from != remote_ || to != local_) {
    remote_ = from;
    local_ = to;
    if (to.port == kNatTraversalPort) nat_detected_ = true;
  }
  const std::vector<wire::Payload>& payloads = opened->payloads;
  if (!header.response) {
    switch (header.exchange_type) {
      case wire::ExchangeType::kIkeAuth:
        if (!initiator_ && state_ == State::kHalfOpen) {
          HandleAuthRequest(header.message_id, payloads, now);
        }
        return;
      case wire::ExchangeType::kCreateChildSa:
        if (state_ == State::kEstablished || state_ == State::kDeleting) {
          HandleCreateChildRequest(header.message_id, payloads, now);
        }
        return;
      case wire::ExchangeType::kInformational:
        if (state_ == State::kEstablished || state_ == State::kDeleting) {
          HandleInformationalRequest(header.message_id, payloads, now);
        }
        return;
      default:
        Report(EventType::kMessageDropped,
               absl::StrCat("unsupported exchange ",
                            wire::ToString(header.exchange_type)));
        return;
    }
  }
  Outstanding request = std::move(*outstanding_);
  outstanding_.reset();
  switch (request.purpose) {
    case Purpose::kAuth:
      HandleAuthResponse(payloads, now);
      break;
    case Purpose::kCreateChild:
    case Purpose::kRekeyChild:
    case Purpose::kRekeyIke:
      HandleCreateChildResponse(request, payloads, now);
      break;
    case Purpose::kDeleteChild:
    case Purpose::kDeleteIke:
    case Purpose::kLiveness:
      HandleInformationalResponse(request, payloads, now);
      break;
    case Purpose::kInit:
      break;
  }
  RunQueued(now);
}

// ---------------------------------------------------------------------------
// IKE_AUTH

absl::StatusOr<crypto::SecretBytes> IkeSa::LookupPsk() const {
  // The initiator knows the peer by the address it connects to; the
  // responder by the identity the initiator sent (seed 001).
  return initiator_ ? policy_.psk_lookup(Identity::Address(remote_.address),
                                         remote_.address)
                    : policy_.psk_lookup(peer_identity_, remote_.address);
}

absl::StatusOr<std::vector<wire::Payload>> IkeSa::BuildOwnAuth(
    const crypto::SecretBytes& sk_p) const {
  const Identity& identity = policy_.local_identity;
  std::vector<uint8_t> body = IdPayloadBody(identity.type, identity.data);
  std::vector<uint8_t> signed_octets =
      initiator_
          ? BuildSignedOctets(prf(), init_request_bytes_, nonce_r_, sk_p, body)
          : BuildSignedOctets(prf(), init_response_bytes_, nonce_i_, sk_p,
                              body);
  std::vector<wire::Payload> out;
  if (policy_.local_authentication == AuthenticationKind::kPreSharedKey) {
    absl::StatusOr<crypto::SecretBytes> psk = LookupPsk();
    if (!psk.ok()) {
      return absl::NotFoundError(absl::StrCat("no pre-shared key for ",
                                              remote_.address.ToString(), ": ",
                                              psk.status().message()));
    }
    absl::StatusOr<std::vector<uint8_t>> auth =
        ComputeSharedKeyAuth(prf(), *psk, signed_octets);
    if (!auth.ok()) return auth.status();
    out.push_back(wire::Payload::Of(wire::Authentication{
        wire::AuthMethod::kSharedKeyMessageIntegrityCode, std::move(*auth)}));
    return out;
  }
  const CertificateCredentials& credentials = policy_.certificates;
  for (const crypto::Certificate& cert : credentials.chain) {
    out.push_back(wire::Payload::Of(wire::Certificate{
        wire::CertificateEncoding::kX509Signature, cert.der()}));
  }
  const crypto::PrivateKey& key = *credentials.private_key;
  wire::AuthMethod method;
  crypto::SignatureScheme scheme;
  absl::StatusOr<crypto::SignatureScheme> chosen = ChooseSignatureScheme(
      key.type(), credentials.rsa_pss, peer_signature_hashes_);
  if (chosen.ok()) {
    // RFC 7427 digital signature, with a hash the peer announced.
    method = wire::AuthMethod::kDigitalSignature;
    scheme = *chosen;
  } else {
    // A peer without SIGNATURE_HASH_ALGORITHMS gets the original methods.
    switch (key.type()) {
      case crypto::KeyType::kRsa:
        method = wire::AuthMethod::kRsaDigitalSignature;
        scheme = crypto::SignatureScheme::kRsaPkcs1Sha1;
        break;
      case crypto::KeyType::kEcdsaP256:
        method = wire::AuthMethod::kEcdsaSha256P256;
        scheme = crypto::SignatureScheme::kEcdsaSha256;
        break;
      case crypto::KeyType::kEcdsaP384:
        method = wire::AuthMethod::kEcdsaSha384P384;
        scheme = crypto::SignatureScheme::kEcdsaSha384;
        break;
      default:
        method = wire::AuthMethod::kEcdsaSha512P521;
        scheme = crypto::SignatureScheme::kEcdsaSha512;
        break;
    }
  }
  absl::StatusOr<std::vector<uint8_t>> auth =
      ComputeSignatureAuth(method, scheme, key, signed_octets);
  if (!auth.ok()) return auth.status();
  out.push_back(
      wire::Payload::Of(wire::Authentication{method, std::move(*auth)}));
  return out;
}

absl::Status IkeSa::VerifyPeerAuth(const std::vector<wire::Payload>& payloads,
                                   const crypto::SecretBytes& sk_p,
                                   absl::Time now,
                                   const wire::Authentication* auth_override) {
  const auto* auth = auth_override != nullptr
                         ? auth_override
                         : FindPayload<wire::Authentication>(
                               payloads, wire::PayloadType::kAuthentication);
  if (auth == nullptr) return absl::UnauthenticatedError("no AUTH payload");
  std::vector<uint8_t> body =
      IdPayloadBody(peer_identity_.type, peer_identity_.data);
  // The peer signed its own first message and our nonce.
  std::vector<uint8_t> signed_octets =
      initiator_
          ? BuildSignedOctets(prf(), init_response_bytes_, nonce_i_, sk_p, body)
          : BuildSignedOctets(prf(), init_request_bytes_, nonce_r_, sk_p, body);
  bool psk_method =
      auth->method == wire::AuthMethod::kSharedKeyMessageIntegrityCode;
  if (policy_.remote_authentication == AuthenticationKind::kPreSharedKey) {
    if (!psk_method) {
      return absl::UnauthenticatedError(
          absl::StrCat("peer used auth method ", static_cast<int>(auth->method),
                       "; this profile expects pre-shared keys"));
    }
    absl::StatusOr<crypto::SecretBytes> psk = LookupPsk();
    if (!psk.ok()) {
      return absl::UnauthenticatedError(
          absl::StrCat("no pre-shared key for ", peer_identity_.ToString(),
                       ": ", psk.status().message()));
    }
    if (!VerifySharedKeyAuth(prf(), *psk, signed_octets, auth->data).ok()) {
      return absl::UnauthenticatedError(
          absl::StrCat("AUTH from ", peer_identity_.ToString(),
                       " does not verify (wrong pre-shared key?)"));
    }
    remote_auth_name_ = "PSK";
    return absl::OkStatus();
  }
  if (psk_method) {
    return absl::UnauthenticatedError(
        "peer used a pre-shared key; this profile expects a certificate");
  }
  std::vector<crypto::Certificate> chain;
  for (const wire::Payload& p : payloads) {
    const wire::Certificate* cert = p.As<wire::Certificate>();
    if (cert == nullptr ||
        cert->encoding != wire::CertificateEncoding::kX509Signature) {
      continue;
    }
    absl::StatusOr<crypto::Certificate> parsed =
        crypto::Certificate::FromDer(cert->data);
    if (!parsed.ok()) {
      return absl::UnauthenticatedError(
          absl::StrCat("peer certificate: ", parsed.status().message()));
    }
    chain.push_back(std::move(*parsed));
  }
  if (chain.empty()) {
    return absl::UnauthenticatedError("peer sent no X.509 certificate");
  }
  const CertificateCredentials& credentials = policy_.certificates;
  absl::Status chain_ok = VerifyPeerCertificate(
      chain.front(), absl::MakeConstSpan(chain).subspan(1),
      credentials.trust_anchors, now, credentials.crls, peer_identity_.type,
      peer_identity_.data);
  if (!chain_ok.ok()) return chain_ok;
  absl::Status signature_ok = VerifySignatureAuth(
      auth->method, auth->data, chain.front().public_key(), signed_octets);
  if (!signature_ok.ok()) return signature_ok;
  remote_auth_name_ = chain.front().public_key().type() == crypto::KeyType::kRsa
                          ? "RSA"
                          : "ECDSA";
  return absl::OkStatus();
}

void IkeSa::HandleAuthRequest(uint32_t message_id,
                              const std::vector<wire::Payload>& payloads,
                              absl::Time now) {
  const auto* id_i = FindPayload<wire::Identification>(
      payloads, wire::PayloadType::kIdInitiator);
  const auto* auth = FindPayload<wire::Authentication>(
      payloads, wire::PayloadType::kAuthentication);
  auto refuse = [&](const std::string& reason) {
    ++engine_.counters_.auth_failures;
    SendResponse(message_id, wire::ExchangeType::kIkeAuth,
                 {NotifyPayload(wire::NotifyType::kAuthenticationFailed)});
    Fail(absl::StrCat("authentication failed: ", reason), now);
  };
  if (id_i == nullptr || auth == nullptr) {
    refuse("IKE_AUTH request without IDi or AUTH");
    return;
  }
  peer_identity_ = Identity{id_i->type, id_i->data};
  if (!policy_.remote_identity.Matches(peer_identity_)) {
    refuse(absl::StrCat("peer identity ", peer_identity_.ToString(),
                        " does not match ",
                        policy_.remote_identity.ToString()));
    return;
  }
  // RFC 8784: the initiator names its PPK; fetch it before verifying.
  const wire::Notify* ppk_identity =
      wire::FindNotify(payloads, wire::NotifyType::kPpkIdentity);
  if (ppk_configured() && peer_offered_ppk_ && ppk_identity != nullptr) {
    if (ppk_request_.has_value()) return;  // a retransmission while waiting
    if (ppk_identity->data.size() < 2 ||
        (ppk_identity->data[0] != 1 && ppk_identity->data[0] != 2)) {
      refuse("malformed PPK_IDENTITY");
      return;
    }
    std::string id(ppk_identity->data.begin() + 1, ppk_identity->data.end());
    pending_auth_message_id_ = message_id;
    pending_auth_payloads_ = payloads;
    ppk_request_ =
        policy_.ppk.source->RequestKeyById(policy_.ppk.peer, id, now);
    ppk_deadline_ = now + policy_.ppk.timeout;
    return;  // IkeEngine delivers the key to OnPpkResult
  }
  if (ppk_configured() && policy_.ppk.required) {
    refuse(peer_offered_ppk_
               ? "PPK required but the peer sent no PPK_IDENTITY"
               : "PPK required but the peer did not offer USE_PPK");
    return;
  }
  ContinueAuthRequest(message_id, payloads, PpkOutcome::kNotUsed, now);
}

void IkeSa::ContinueAuthRequest(uint32_t message_id,
                                const std::vector<wire::Payload>& payloads,
                                PpkOutcome outcome, absl::Time now) {
  auto refuse = [&](const std::string& reason) {
    ++engine_.counters_.auth_failures;
    SendResponse(message_id, wire::ExchangeType::kIkeAuth,
                 {NotifyPayload(wire::NotifyType::kAuthenticationFailed)});
    Fail(absl::StrCat("authentication failed: ", reason), now);
  };
  absl::Status verified;
  if (outcome == PpkOutcome::kFallback) {
    // The PPK was not available: verify the initiator's NO_PPK_AUTH, the
    // AUTH data computed without it.
    const wire::Notify* no_ppk =
        wire::FindNotify(payloads, wire::NotifyType::kNoPpkAuth);
    const auto* auth = FindPayload<wire::Authentication>(
        payloads, wire::PayloadType::kAuthentication);
    if (no_ppk == nullptr || auth == nullptr) {
      refuse("PPK unavailable and the peer sent no NO_PPK_AUTH");
      return;
    }
    wire::Authentication plain{auth->method, no_ppk->data};
    verified = VerifyPeerAuth(payloads, keys_.sk_pi, now, &plain);
  } else {
    verified = VerifyPeerAuth(payloads, keys_.sk_pi, now);
  }
  if (!verified.ok()) {
    refuse(std::string(verified.message()));
    return;
  }
  absl::StatusOr<std::vector<wire::Payload>> our_auth =
      BuildOwnAuth(keys_.sk_pr);
  if (!our_auth.ok()) {
    refuse(absl::StrCat("AUTH: ", our_auth.status().message()));
    return;
  }
  std::vector<wire::Payload> reply;
  reply.push_back(wire::Payload::IdR(wire::Identification{
      policy_.local_identity.type, policy_.local_identity.data}));
  for (wire::Payload& p : *our_auth) reply.push_back(std::move(p));
  if (ppk_used_) {
    reply.push_back(NotifyPayload(wire::NotifyType::kPpkIdentity));
  }

  // The first child SA (RFC 7296 1.2); its failure leaves the IKE SA up.
  ChildSa child;
  std::string child_failure;
  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* ts_i = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsInitiator);
  const auto* ts_r = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsResponder);
  bool transport_requested =
      wire::FindNotify(payloads, wire::NotifyType::kUseTransportMode) !=
      nullptr;
  std::optional<EspSelection> selection;
  std::vector<wire::Payload> child_payloads;
  if (sa == nullptr || ts_i == nullptr || ts_r == nullptr) {
    child_failure = "no child SA requested";
  } else if (transport_requested !=
             (policy_.mode == ipsec::SaMode::kTransport)) {
    child_failure = absl::StrCat(
        "peer asked for ", transport_requested ? "transport" : "tunnel",
        " mode, profile uses ", ipsec::SaModeName(policy_.mode));
    child_payloads.push_back(
        NotifyPayload(wire::NotifyType::kNoProposalChosen));
  } else {
    child.inbound_spi = AllocateInboundSpi();
    absl::StatusOr<EspSelection> selected = SelectEspProposal(
        policy_.esp_proposals, sa->proposals, Spi32Bytes(child.inbound_spi),
        ChildSaExchange::kIkeAuth);
    absl::StatusOr<std::vector<ipsec::TrafficSelector>> peer_local =
        SelectorsFromWire(*ts_i);
    absl::StatusOr<std::vector<ipsec::TrafficSelector>> peer_remote =
        SelectorsFromWire(*ts_r);
    if (!selected.ok()) {
      child_failure =
          absl::StrCat("no ESP proposal chosen: ", selected.status().message());
      child_payloads.push_back(
          NotifyPayload(wire::NotifyType::kNoProposalChosen));
    } else if (!peer_local.ok() || !peer_remote.ok()) {
      child_failure = "unusable traffic selectors";
      child_payloads.push_back(
          NotifyPayload(wire::NotifyType::kTsUnacceptable));
    } else {
      // TSi is the initiator's side: our remote; TSr our local.
      std::vector<ipsec::TrafficSelector> remote =
          ipsec::Narrow(*peer_local, policy_.remote_selectors);
      std::vector<ipsec::TrafficSelector> local =
          ipsec::Narrow(*peer_remote, policy_.local_selectors);
      if (remote.empty() || local.empty()) {
        child_failure = "traffic selectors unacceptable";
        child_payloads.push_back(
            NotifyPayload(wire::NotifyType::kTsUnacceptable));
      } else {
        selection = std::move(*selected);
        child.outbound_spi = Spi32FromBytes(selection->peer_spi);
        child.suite = selection->suite;
        child.local_selectors = std::move(local);
        child.remote_selectors = std::move(remote);
        if (transport_requested) {
          child_payloads.push_back(
              NotifyPayload(wire::NotifyType::kUseTransportMode));
        }
        child_payloads.push_back(
            wire::Payload::Of(wire::SecurityAssociation{{selection->answer}}));
        child_payloads.push_back(
            wire::Payload::TsI(SelectorsToWire(child.remote_selectors)));
        child_payloads.push_back(
            wire::Payload::TsR(SelectorsToWire(child.local_selectors)));
      }
    }
  }
  if (selection.has_value()) {
    absl::StatusOr<ChildSaKeys> keys = DeriveChildSaKeys(
        prf(), keys_.sk_d, child.suite, nullptr, nonce_i_, nonce_r_);
    absl::Status installed =
        keys.ok() ? InstallChild(child, *keys, /*exchange_initiator=*/false,
                                 false, now)
                  : keys.status();
    if (!installed.ok()) {
      child_failure = absl::StrCat("child SA install: ", installed.message());
      child_payloads.clear();
      child_payloads.push_back(
          NotifyPayload(wire::NotifyType::kNoProposalChosen));
      selection.reset();
    }
  }
  for (wire::Payload& p : child_payloads) reply.push_back(std::move(p));
  SendResponse(message_id, wire::ExchangeType::kIkeAuth, std::move(reply));
  Established(now);
  if (selection.has_value()) {
    children_.push_back(std::move(child));
    ScheduleChildRekey(children_.back(), now);
    Report(EventType::kChildSaInstalled, "first child SA", &children_.back());
  } else {
    Report(EventType::kIkeSaFailed,
           absl::StrCat("IKE SA up without child SA: ", child_failure));
  }
}

void IkeSa::HandleAuthResponse(const std::vector<wire::Payload>& payloads,
                               absl::Time now) {
  const auto* id_r = FindPayload<wire::Identification>(
      payloads, wire::PayloadType::kIdResponder);
  const auto* auth = FindPayload<wire::Authentication>(
      payloads, wire::PayloadType::kAuthentication);
  if (id_r == nullptr || auth == nullptr) {
    const wire::Notify* error = FindErrorNotify(payloads);
    ++engine_.counters_.auth_failures;
    Fail(absl::StrCat("IKE_AUTH refused by peer: ",
                      error != nullptr ? wire::ToString(error->type)
                                       : std::string("no IDr/AUTH")),
         now);
    return;
  }
  peer_identity_ = Identity{id_r->type, id_r->data};
  auto fail = [&](const std::string& reason) {
    ++engine_.counters_.auth_failures;
    // The peer considers the SA up; tell it (RFC 7296 2.21.2).
    StartDelete(now);
    Fail(absl::StrCat("authentication failed: ", reason), now);
  };
  if (!policy_.remote_identity.Matches(peer_identity_)) {
    fail(absl::StrCat("peer identity ", peer_identity_.ToString(),
                      " does not match ", policy_.remote_identity.ToString()));
    return;
  }
  if (ppk_used_ &&
      wire::FindNotify(payloads, wire::NotifyType::kPpkIdentity) == nullptr) {
    // The responder authenticated us through NO_PPK_AUTH: no PPK after all.
    if (policy_.ppk.required) {
      fail("PPK required but the peer did not use it");
      return;
    }
    keys_ = std::move(*unmixed_keys_);
    unmixed_keys_.reset();
    ppk_used_ = false;
    Report(EventType::kMessageDropped,
           "peer did not use the PPK; continuing without it");
  }
  absl::Status verified = VerifyPeerAuth(payloads, keys_.sk_pr, now);
  if (!verified.ok()) {
    fail(std::string(verified.message()));
    return;
  }
  Established(now);

  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* ts_i = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsInitiator);
  const auto* ts_r = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsResponder);
  if (sa == nullptr || ts_i == nullptr || ts_r == nullptr) {
    const wire::Notify* error = FindErrorNotify(payloads);
    Report(EventType::kIkeSaFailed,
           absl::StrCat("IKE SA up without child SA: ",
                        error != nullptr ? wire::ToString(error->type)
                                         : std::string("no SA/TS in answer")));
    return;
  }
  absl::StatusOr<EspSelection> selection =
      CheckEspAnswer(offered_esp_, sa->proposals, ChildSaExchange::kIkeAuth);
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> local =
      SelectorsFromWire(*ts_i);
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> remote =
      SelectorsFromWire(*ts_r);
  if (!selection.ok() || !local.ok() || !remote.ok()) {
    Report(EventType::kIkeSaFailed,
           absl::StrCat("bad child SA answer: ",
                        !selection.ok() ? selection.status().message()
                                        : "traffic selectors"));
    StartDelete(now);
    return;
  }
  ChildSa child;
  child.inbound_spi = pending_child_spi_;
  child.outbound_spi = Spi32FromBytes(selection->peer_spi);
  child.suite = selection->suite;
  child.local_selectors = std::move(*local);
  child.remote_selectors = std::move(*remote);
  absl::StatusOr<ChildSaKeys> keys = DeriveChildSaKeys(
      prf(), keys_.sk_d, child.suite, nullptr, nonce_i_, nonce_r_);
  absl::Status installed =
      keys.ok()
          ? InstallChild(child, *keys, /*exchange_initiator=*/true, false, now)
          : keys.status();
  if (!installed.ok()) {
    Report(EventType::kIkeSaFailed,
           absl::StrCat("child SA install: ", installed.message()));
    return;
  }
  children_.push_back(std::move(child));
  ScheduleChildRekey(children_.back(), now);
  Report(EventType::kChildSaInstalled, "first child SA", &children_.back());
}

// ---------------------------------------------------------------------------
// Child SAs

uint32_t IkeSa::AllocateInboundSpi() {
  for (;;) {
    uint32_t spi = engine_.random_.Uniform32();
    // 0-255 are reserved (RFC 4303 2.1); avoid any SPI already in use here.
    if (spi < 256) continue;
    if (engine_.sad_.LookupInbound(spi, local_.address) != nullptr) continue;
    if (OwnsChildSpi(spi)) continue;
    return spi;
  }
}

absl::StatusOr<std::vector<ipsec::TrafficSelector>> IkeSa::SelectorsFromWire(
    const wire::TrafficSelectors& selectors) const {
  std::vector<ipsec::TrafficSelector> out;
  for (const wire::TrafficSelector& ts : selectors.selectors) {
    if (ts.type != wire::TrafficSelectorType::kIpv4AddressRange &&
        ts.type != wire::TrafficSelectorType::kIpv6AddressRange) {
      continue;  // not an IP selector: skipped (narrowing may leave none)
    }
    absl::StatusOr<ipsec::IpAddress> start =
        ipsec::IpAddress::FromBytesChecked(ts.start_address);
    absl::StatusOr<ipsec::IpAddress> end =
        ipsec::IpAddress::FromBytesChecked(ts.end_address);
    if (!start.ok() || !end.ok())
      return absl::InvalidArgumentError("TS address");
    absl::StatusOr<ipsec::TrafficSelector> selector =
        ipsec::TrafficSelector::Create(*start, *end, ts.ip_protocol,
                                       ts.start_port, ts.end_port);
    if (!selector.ok()) return selector.status();
    out.push_back(*selector);
  }
  if (out.empty()) return absl::InvalidArgumentError("no IP traffic selector");
  return out;
}

wire::TrafficSelectors IkeSa::SelectorsToWire(
    const std::vector<ipsec::TrafficSelector>& selectors) {
  wire::TrafficSelectors out;
  for (const ipsec::TrafficSelector& s : selectors) {
    wire::TrafficSelector ts;
    ts.type = s.is_v4() ? wire::TrafficSelectorType::kIpv4AddressRange
                        : wire::TrafficSelectorType::kIpv6AddressRange;
    ts.ip_protocol = s.protocol();
    ts.start_port = s.start_port();
    ts.end_port = s.end_port();
    auto start = s.start_address().bytes();
    auto end = s.end_address().bytes();
    ts.start_address.assign(start.begin(), start.end());
    ts.end_address.assign(end.begin(), end.end());
    out.selectors.push_back(std::move(ts));
  }
  return out;
}

absl::Status IkeSa::InstallChild(ChildSa& child, const ChildSaKeys& keys,
                                 bool exchange_initiator, bool switch_outbound,
                                 absl::Time now) {
  if (child.lineage == 0) child.lineage = engine_.NewSadPolicy();
  child.quantum_resistant = child.quantum_resistant || ppk_used_;
  auto config_for = [&](ipsec::SaDirection direction) {
    ipsec::SaConfig config;
    config.direction = direction;
    config.mode = policy_.mode;
    config.local_address = local_.address;
    config.remote_address = remote_.address;
    config.cipher = ToEspCipher(child.suite.encryption);
    config.integrity = ToEspIntegrity(child.suite.integrity);
    config.extended_sequence_numbers = child.suite.extended_sequence_numbers;
    config.replay_window_size = policy_.replay_window_size;
    config.lifetime.hard_time = policy_.child_lifetime;
    if (nat_detected_) {
      config.udp_encapsulation =
          ipsec::UdpEncapsulation{local_.port, remote_.port};
    }
    config.local_selectors = child.local_selectors;
    config.remote_selectors = child.remote_selectors;
    config.quantum_resistant = child.quantum_resistant;
    config.pfs_group = child.suite.pfs_group.has_value()
                           ? GroupNumber(*child.suite.pfs_group)
                           : 0;
    bool inbound = direction == ipsec::SaDirection::kInbound;
    // Initiator receives what the responder sends and vice versa.
    bool initiator_to_responder = inbound != exchange_initiator;
    config.spi = inbound ? child.inbound_spi : child.outbound_spi;
    config.encryption_key =
        initiator_to_responder ? keys.initiator_to_responder_encryption.Clone()
                               : keys.responder_to_initiator_encryption.Clone();
    config.integrity_key = initiator_to_responder
                               ? keys.initiator_to_responder_integrity.Clone()
                               : keys.responder_to_initiator_integrity.Clone();
    return config;
  };
  if (engine_.insecure_key_log_) {
    ipsec::SaConfig in = config_for(ipsec::SaDirection::kInbound);
    ipsec::SaConfig out = config_for(ipsec::SaDirection::kOutbound);
    engine_.insecure_key_log_(absl::StrFormat(
        "CHILD spi_in=%08x spi_out=%08x encr_in=%s integ_in=%s encr_out=%s "
        "integ_out=%s",
        child.inbound_spi, child.outbound_spi,
        crypto::HexEncode(in.encryption_key.span()),
        crypto::HexEncode(in.integrity_key.span()),
        crypto::HexEncode(out.encryption_key.span()),
        crypto::HexEncode(out.integrity_key.span())));
  }
  absl::StatusOr<ipsec::SecurityAssociation> inbound =
      ipsec::SecurityAssociation::Create(
          config_for(ipsec::SaDirection::kInbound), now);
  if (!inbound.ok()) return inbound.status();
  absl::StatusOr<ipsec::SecurityAssociation> outbound =
      ipsec::SecurityAssociation::Create(
          config_for(ipsec::SaDirection::kOutbound), now);
  if (!outbound.ok()) return outbound.status();
  absl::Status added = engine_.sad_.AddInbound(
      child.lineage,
      std::make_shared<ipsec::SecurityAssociation>(std::move(*inbound)));
  if (!added.ok()) return added;
  added = engine_.sad_.AddOutbound(
      child.lineage,
      std::make_shared<ipsec::SecurityAssociation>(std::move(*outbound)));
  if (!added.ok()) {
    engine_.sad_.RemoveInbound(child.inbound_spi, local_.address).IgnoreError();
    return added;
  }
  if (switch_outbound) {
    return engine_.sad_.SwitchOutbound(child.lineage, child.outbound_spi);
  }
  return absl::OkStatus();
}

void IkeSa::RemoveChildFromSad(const ChildSa& child, bool linger) {
  if (linger && policy_.inbound_linger > absl::ZeroDuration()) {
    lingering_inbound_.emplace_back(engine_.last_now_ + policy_.inbound_linger,
                                    child.inbound_spi);
  } else {
    engine_.sad_.RemoveInbound(child.inbound_spi, local_.address).IgnoreError();
  }
  absl::Status removed =
      engine_.sad_.RemoveOutbound(child.lineage, child.outbound_spi);
  if (!removed.ok()) {
    // The current outbound SA of a lineage with successors: the newest
    // successor takes over first.
    const ChildSa* successor = nullptr;
    for (const ChildSa& other : children_) {
      if (&other != &child && other.lineage == child.lineage &&
          !other.replaced) {
        successor = &other;
      }
    }
    if (successor != nullptr) {
      engine_.sad_.SwitchOutbound(child.lineage, successor->outbound_spi)
          .IgnoreError();
    }
    engine_.sad_.RemoveOutbound(child.lineage, child.outbound_spi)
        .IgnoreError();
  }
}

void IkeSa::RemoveLingering(absl::Time now, bool all) {
  for (auto it = lingering_inbound_.begin(); it != lingering_inbound_.end();) {
    if (all || it->first <= now) {
      engine_.sad_.RemoveInbound(it->second, local_.address).IgnoreError();
      it = lingering_inbound_.erase(it);
    } else {
      ++it;
    }
  }
}

void IkeSa::ScheduleChildRekey(ChildSa& child, absl::Time now) {
  child.established = now;
  child.expire_at = now + policy_.child_lifetime;
  child.rekey_at = RekeyTime(now, policy_.child_lifetime);
}

ChildSa* IkeSa::FindChildByInbound(uint32_t spi) {
  for (ChildSa& child : children_) {
    if (child.inbound_spi == spi) return &child;
  }
  return nullptr;
}

ChildSa* IkeSa::FindChildByOutbound(uint32_t spi) {
  for (ChildSa& child : children_) {
    if (child.outbound_spi == spi) return &child;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// CREATE_CHILD_SA

void IkeSa::StartChildRekey(ChildSa& child, absl::Time now) {
  Outstanding request{Purpose::kRekeyChild, wire::ExchangeType::kCreateChildSa,
                      next_request_id_};
  request.nonce = engine_.random_.Bytes(kNonceSize);
  request.new_inbound_spi = AllocateInboundSpi();
  request.rekeyed_child_inbound_spi = child.inbound_spi;
  absl::StatusOr<std::vector<wire::Proposal>> offered = EspProposalsToWire(
      policy_.esp_proposals, Spi32Bytes(request.new_inbound_spi),
      ChildSaExchange::kCreateChildSa);
  if (!offered.ok()) {
    Report(EventType::kMessageDropped,
           absl::StrCat("cannot offer ESP proposals: ",
                        offered.status().message()));
    return;
  }
  request.offered = std::move(*offered);
  std::vector<wire::Payload> inner;
  inner.push_back(NotifyPayload(wire::NotifyType::kRekeySa, {},
                                wire::ProtocolId::kEsp,
                                Spi32Bytes(child.inbound_spi)));
  if (policy_.mode == ipsec::SaMode::kTransport) {
    inner.push_back(NotifyPayload(wire::NotifyType::kUseTransportMode));
  }
  inner.push_back(
      wire::Payload::Of(wire::SecurityAssociation{request.offered}));
  inner.push_back(wire::Payload::Of(wire::Nonce{request.nonce}));
  const EspProposalConfig& first = policy_.esp_proposals.front();
  if (!first.pfs_groups.empty()) {
    absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> ke =
        crypto::KeyExchange::Generate(first.pfs_groups.front(),
                                      engine_.random_);
    if (!ke.ok()) return;
    wire::KeyExchange payload;
    payload.group = static_cast<wire::KeyExchangeGroup>(
        GroupNumber(first.pfs_groups.front()));
    payload.data = (*ke)->public_value();
    inner.push_back(wire::Payload::Of(std::move(payload)));
    request.key_exchange = std::move(*ke);
  }
  inner.push_back(wire::Payload::TsI(SelectorsToWire(child.local_selectors)));
  inner.push_back(wire::Payload::TsR(SelectorsToWire(child.remote_selectors)));
  absl::StatusOr<std::vector<uint8_t>> bytes =
      Protect(request.exchange, false, request.message_id, std::move(inner));
  if (!bytes.ok()) return;
  request.bytes = std::move(*bytes);
  child.rekey_in_progress = true;
  ++next_request_id_;
  SendRequest(std::move(request), now);
}

void IkeSa::StartIkeRekey(absl::Time now) {
  Outstanding request{Purpose::kRekeyIke, wire::ExchangeType::kCreateChildSa,
                      next_request_id_};
  request.nonce = engine_.random_.Bytes(kNonceSize);
  request.new_ike_spi = engine_.NewLocalSpi();
  absl::StatusOr<std::vector<wire::Proposal>> offered =
      IkeProposalsToWire(policy_.ike_proposals, SpiBytes(request.new_ike_spi));
  if (!offered.ok()) return;
  request.offered = std::move(*offered);
  // The current group is known to be acceptable to the peer.
  absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> ke =
      crypto::KeyExchange::Generate(suite_.group, engine_.random_);
  if (!ke.ok()) return;
  std::vector<wire::Payload> inner;
  inner.push_back(
      wire::Payload::Of(wire::SecurityAssociation{request.offered}));
  inner.push_back(wire::Payload::Of(wire::Nonce{request.nonce}));
  wire::KeyExchange payload;
  payload.group =
      static_cast<wire::KeyExchangeGroup>(GroupNumber(suite_.group));
  payload.data = (*ke)->public_value();
  inner.push_back(wire::Payload::Of(std::move(payload)));
  request.key_exchange = std::move(*ke);
  absl::StatusOr<std::vector<uint8_t>> bytes =
      Protect(request.exchange, false, request.message_id, std::move(inner));
  if (!bytes.ok()) return;
  request.bytes = std::move(*bytes);
  ++next_request_id_;
  SendRequest(std::move(request), now);
}

void IkeSa::HandleCreateChildRequest(uint32_t message_id,
                                     const std::vector<wire::Payload>& payloads,
                                     absl::Time now) {
  auto reply_notify = [&](wire::NotifyType type,
                          std::vector<uint8_t> data = {}) {
    SendResponse(message_id, wire::ExchangeType::kCreateChildSa,
                 {NotifyPayload(type, std::move(data))});
  };
  // A negotiation failure, answered with the notify it carries
  // (NO_PROPOSAL_CHOSEN, or INVALID_KE_PAYLOAD with the group to use).
  auto reply_refusal = [&](const absl::Status& refusal) {
    const ErrorNotify notify = ErrorNotifyOf(refusal).value_or(ErrorNotify{});
    reply_notify(notify.type, notify.data);
  };
  if (state_ != State::kEstablished || rekeyed_away_) {
    reply_notify(wire::NotifyType::kTemporaryFailure);
    return;
  }
  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* nonce =
      FindPayload<wire::Nonce>(payloads, wire::PayloadType::kNonce);
  const auto* ke =
      FindPayload<wire::KeyExchange>(payloads, wire::PayloadType::kKeyExchange);
  if (sa == nullptr || nonce == nullptr || sa->proposals.empty()) {
    reply_notify(wire::NotifyType::kInvalidSyntax);
    return;
  }
  std::vector<uint8_t> our_nonce = engine_.random_.Bytes(kNonceSize);

  if (sa->proposals.front().protocol_id == wire::ProtocolId::kIke) {
    // IKE SA rekey (RFC 7296 1.3.2). If our own rekey of this SA is pending
    // too, both complete and the lowest nonce decides (2.8.1): see
    // HandleCreateChildResponse.
    bool collision =
        outstanding_.has_value() && outstanding_->purpose == Purpose::kRekeyIke;
    uint64_t new_spi = engine_.NewLocalSpi();
    if (ke == nullptr) {  // a new IKE SA always has its own exchange
      reply_notify(wire::NotifyType::kInvalidSyntax);
      return;
    }
    absl::StatusOr<IkeSelection> selection = SelectIkeProposalForKe(
        policy_.ike_proposals, sa->proposals, SpiBytes(new_spi), ke->group);
    if (!selection.ok()) {
      reply_refusal(selection.status());
      return;
    }
    uint64_t peer_spi = 0;
    for (const wire::Proposal& p : sa->proposals) {
      if (p.number == selection->answer.number)
        peer_spi = Spi64FromBytes(p.spi);
    }
    absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> our_ke =
        crypto::KeyExchange::Generate(selection->suite.group, engine_.random_);
    if (!our_ke.ok() || peer_spi == 0) {
      reply_notify(wire::NotifyType::kInvalidSyntax);
      return;
    }
    absl::StatusOr<crypto::SecretBytes> shared =
        (*our_ke)->ComputeSharedSecret(ke->data);
    if (!shared.ok()) {
      reply_notify(wire::NotifyType::kInvalidSyntax);
      return;
    }
    absl::StatusOr<IkeSaKeys> keys =
        DeriveRekeyedIkeSaKeys(selection->suite, prf(), keys_.sk_d, *shared,
                               nonce->data, our_nonce, peer_spi, new_spi);
    if (!keys.ok()) {
      reply_notify(wire::NotifyType::kNoProposalChosen);
      return;
    }
    std::vector<wire::Payload> reply;
    reply.push_back(
        wire::Payload::Of(wire::SecurityAssociation{{selection->answer}}));
    reply.push_back(wire::Payload::Of(wire::Nonce{our_nonce}));
    wire::KeyExchange our_ke_payload;
    our_ke_payload.group = ke->group;
    our_ke_payload.data = (*our_ke)->public_value();
    reply.push_back(wire::Payload::Of(std::move(our_ke_payload)));
    SendResponse(message_id, wire::ExchangeType::kCreateChildSa,
                 std::move(reply));
    // In a collision the child SAs stay here until the lowest nonce has
    // picked the surviving IKE SA; otherwise they move now.
    std::vector<ChildSa> moving;
    if (!collision) moving = std::move(children_);
    engine_.AdoptRekeyedIkeSa(*this, /*initiator=*/false, new_spi, peer_spi,
                              selection->suite, std::move(*keys),
                              std::move(moving), now);
    if (!collision) children_.clear();
    rekeyed_away_ = true;
    if (collision) {
      peer_ike_rekeyed_ = true;
      peer_ike_rekey_nonce_i_ = nonce->data;
      peer_ike_rekey_nonce_r_ = our_nonce;
      peer_ike_successor_spi_ = new_spi;
    }
    return;
  }

  // Child SA: new or rekey.
  const wire::Notify* rekey =
      wire::FindNotify(payloads, wire::NotifyType::kRekeySa);
  ChildSa* old_child = nullptr;
  if (rekey != nullptr) {
    old_child = FindChildByOutbound(Spi32FromBytes(rekey->spi));
    if (old_child == nullptr || old_child->replaced) {
      // Gone or already replaced by our own completed rekey (RFC 7296 2.25).
      reply_notify(old_child == nullptr ? wire::NotifyType::kChildSaNotFound
                                        : wire::NotifyType::kTemporaryFailure);
      return;
    }
  } else if (children_.size() >= engine_.limits_.max_child_sas_per_ike_sa) {
    reply_notify(wire::NotifyType::kNoAdditionalSas);
    return;
  }
  const auto* ts_i = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsInitiator);
  const auto* ts_r = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsResponder);
  if (ts_i == nullptr || ts_r == nullptr) {
    reply_notify(wire::NotifyType::kInvalidSyntax);
    return;
  }
  ChildSa child;
  child.inbound_spi = AllocateInboundSpi();
  // With the KE payload's group as the hint, a PFS group both sides accept
  // needs no INVALID_KE_PAYLOAD round trip.
  absl::StatusOr<EspSelection> selection = SelectEspProposal(
      policy_.esp_proposals, sa->proposals, Spi32Bytes(child.inbound_spi),
      ChildSaExchange::kCreateChildSa,
      ke != nullptr ? std::optional<wire::KeyExchangeGroup>(ke->group)
                    : std::nullopt);
  if (!selection.ok()) {
    reply_refusal(selection.status());
    return;
  }
  std::unique_ptr<crypto::KeyExchange> our_ke;
  std::optional<crypto::SecretBytes> pfs_secret;
  if (selection->suite.pfs_group.has_value()) {
    crypto::KeyExchangeGroup group = *selection->suite.pfs_group;
    absl::Status group_ok =
        ke == nullptr ? InvalidKePayloadError(group, "no KE payload for PFS")
                      : CheckKeyExchangeGroup(group, ke->group);
    if (!group_ok.ok()) {
      reply_refusal(group_ok);
      return;
    }
    absl::StatusOr<std::unique_ptr<crypto::KeyExchange>> generated =
        crypto::KeyExchange::Generate(group, engine_.random_);
    if (!generated.ok()) {
      reply_notify(wire::NotifyType::kNoProposalChosen);
      return;
    }
    our_ke = std::move(*generated);
    absl::StatusOr<crypto::SecretBytes> shared =
        our_ke->ComputeSharedSecret(ke->data);
    if (!shared.ok()) {
      reply_notify(wire::NotifyType::kInvalidSyntax);
      return;
    }
    pfs_secret = std::move(*shared);
  }
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> peer_local =
      SelectorsFromWire(*ts_i);
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> peer_remote =
      SelectorsFromWire(*ts_r);
  std::vector<ipsec::TrafficSelector> remote;
  std::vector<ipsec::TrafficSelector> local;
  if (peer_local.ok() && peer_remote.ok()) {
    remote = ipsec::Narrow(*peer_local, policy_.remote_selectors);
    local = ipsec::Narrow(*peer_remote, policy_.local_selectors);
  }
  if (remote.empty() || local.empty()) {
    reply_notify(wire::NotifyType::kTsUnacceptable);
    return;
  }
  child.outbound_spi = Spi32FromBytes(selection->peer_spi);
  child.suite = selection->suite;
  child.local_selectors = std::move(local);
  child.remote_selectors = std::move(remote);
  if (old_child != nullptr) {
    child.lineage = old_child->lineage;
    child.quantum_resistant = old_child->quantum_resistant;
  }
  absl::StatusOr<ChildSaKeys> keys = DeriveChildSaKeys(
      prf(), keys_.sk_d, child.suite,
      pfs_secret.has_value() ? &*pfs_secret : nullptr, nonce->data, our_nonce);
  absl::Status installed =
      keys.ok() ? InstallChild(child, *keys, /*exchange_initiator=*/false,
                               /*switch_outbound=*/false, now)
                : keys.status();
  if (!installed.ok()) {
    reply_notify(wire::NotifyType::kNoAdditionalSas);
    return;
  }
  std::vector<wire::Payload> reply;
  if (policy_.mode == ipsec::SaMode::kTransport) {
    reply.push_back(NotifyPayload(wire::NotifyType::kUseTransportMode));
  }
  reply.push_back(
      wire::Payload::Of(wire::SecurityAssociation{{selection->answer}}));
  reply.push_back(wire::Payload::Of(wire::Nonce{our_nonce}));
  if (our_ke != nullptr) {
    wire::KeyExchange payload;
    payload.group = ke->group;
    payload.data = our_ke->public_value();
    reply.push_back(wire::Payload::Of(std::move(payload)));
  }
  reply.push_back(wire::Payload::TsI(SelectorsToWire(child.remote_selectors)));
  reply.push_back(wire::Payload::TsR(SelectorsToWire(child.local_selectors)));
  SendResponse(message_id, wire::ExchangeType::kCreateChildSa,
               std::move(reply));
  if (old_child != nullptr && old_child->rekey_in_progress) {
    // Collision: remember the peer's exchange; resolved when ours completes.
    old_child->peer_rekeyed = true;
    old_child->peer_rekey_nonce_i = nonce->data;
    old_child->peer_rekey_nonce_r = our_nonce;
    old_child->peer_rekey_child_inbound_spi = child.inbound_spi;
  }
  // `old_child` may dangle after the push_back below.
  uint32_t old_inbound = old_child != nullptr ? old_child->inbound_spi : 0;
  children_.push_back(std::move(child));
  ScheduleChildRekey(children_.back(), now);
  Report(
      old_inbound != 0 ? EventType::kChildSaRekeyed
                       : EventType::kChildSaInstalled,
      old_inbound != 0
          ? absl::StrFormat("rekey of inbound SPI 0x%08x by peer", old_inbound)
          : std::string("child SA created by peer"),
      &children_.back());
}

void IkeSa::HandleCreateChildResponse(
    Outstanding& request, const std::vector<wire::Payload>& payloads,
    absl::Time now) {
  const auto* sa = FindPayload<wire::SecurityAssociation>(
      payloads, wire::PayloadType::kSecurityAssociation);
  const auto* nonce =
      FindPayload<wire::Nonce>(payloads, wire::PayloadType::kNonce);
  const auto* ke =
      FindPayload<wire::KeyExchange>(payloads, wire::PayloadType::kKeyExchange);
  const wire::Notify* error = FindErrorNotify(payloads);

  if (request.purpose == Purpose::kRekeyIke) {
    if (error != nullptr || sa == nullptr || nonce == nullptr ||
        ke == nullptr) {
      // TEMPORARY_FAILURE (a collision) or refusal: try again a little later.
      ike_rekey_retry_at_ =
          now + absl::Seconds(1 + engine_.random_.UniformBelow(4));
      rekey_at_ = ike_rekey_retry_at_;
      Report(EventType::kMessageDropped,
             absl::StrCat("IKE SA rekey refused: ",
                          error != nullptr ? wire::ToString(error->type)
                                           : std::string("incomplete answer")));
      return;
    }
    absl::StatusOr<IkeSelection> selection =
        CheckIkeAnswer(request.offered, sa->proposals);
    uint64_t peer_spi =
        selection.ok() ? Spi64FromBytes(sa->proposals[0].spi) : 0;
    absl::StatusOr<crypto::SecretBytes> shared =
        request.key_exchange->ComputeSharedSecret(ke->data);
    if (!selection.ok() || peer_spi == 0 || !shared.ok()) {
      Report(EventType::kMessageDropped, "bad IKE SA rekey answer");
      rekey_at_ = now + absl::Seconds(5);
      return;
    }
    absl::StatusOr<IkeSaKeys> keys = DeriveRekeyedIkeSaKeys(
        selection->suite, prf(), keys_.sk_d, *shared, request.nonce,
        nonce->data, request.new_ike_spi, peer_spi);
    if (!keys.ok()) return;
    if (!peer_ike_rekeyed_) {
      engine_.AdoptRekeyedIkeSa(*this, /*initiator=*/true, request.new_ike_spi,
                                peer_spi, selection->suite, std::move(*keys),
                                std::move(children_), now);
      children_.clear();
      rekeyed_away_ = true;
      StartDelete(now);
      return;
    }
    // Both ends rekeyed this IKE SA at once (RFC 7296 2.8.1): the new SA
    // made by the exchange holding the lowest of the four nonces is
    // redundant and its initiator deletes it; the initiator of the other
    // deletes this old SA. The child SAs live on in the survivor.
    std::vector<const std::vector<uint8_t>*> nonces = {
        &request.nonce, &nonce->data, &peer_ike_rekey_nonce_i_,
        &peer_ike_rekey_nonce_r_};
    const std::vector<uint8_t>* lowest = *std::min_element(
        nonces.begin(), nonces.end(),
        [](const std::vector<uint8_t>* a, const std::vector<uint8_t>* b) {
          return NonceLess(*a, *b);
        });
    bool ours_redundant = lowest == &request.nonce || lowest == &nonce->data;
    uint64_t our_spi = request.new_ike_spi;
    if (ours_redundant) {
      HandChildrenToPeerSuccessor();
      engine_.AdoptRekeyedIkeSa(*this, /*initiator=*/true, our_spi, peer_spi,
                                selection->suite, std::move(*keys), {}, now);
      if (IkeSa* mine = engine_.FindByLocalSpi(our_spi)) mine->StartDelete(now);
      return;  // the peer deletes this old SA
    }
    if (IkeSa* theirs = engine_.FindByLocalSpi(peer_ike_successor_spi_)) {
      theirs->redundant_deadline_ = now + absl::Seconds(30);
    }
    std::vector<ChildSa> children = std::move(children_);
    children_.clear();
    engine_.AdoptRekeyedIkeSa(*this, /*initiator=*/true, our_spi, peer_spi,
                              selection->suite, std::move(*keys),
                              std::move(children), now);
    peer_ike_rekeyed_ = false;
    StartDelete(now);
    return;
  }

  ChildSa* old_child = FindChildByInbound(request.rekeyed_child_inbound_spi);
  if (old_child != nullptr) old_child->rekey_in_progress = false;
  if (error != nullptr || sa == nullptr || nonce == nullptr) {
    Report(EventType::kMessageDropped,
           absl::StrCat("child SA rekey refused: ",
                        error != nullptr ? wire::ToString(error->type)
                                         : std::string("incomplete answer")));
    if (old_child != nullptr && !old_child->peer_rekeyed && error != nullptr &&
        error->type == wire::NotifyType::kTemporaryFailure) {
      old_child->rekey_at =
          now + absl::Seconds(1 + engine_.random_.UniformBelow(4));
    }
    return;
  }
  absl::StatusOr<EspSelection> selection = CheckEspAnswer(
      request.offered, sa->proposals, ChildSaExchange::kCreateChildSa);
  const auto* ts_i = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsInitiator);
  const auto* ts_r = FindPayload<wire::TrafficSelectors>(
      payloads, wire::PayloadType::kTsResponder);
  if (!selection.ok() || ts_i == nullptr || ts_r == nullptr) {
    Report(EventType::kMessageDropped, "bad CREATE_CHILD_SA answer");
    return;
  }
  std::optional<crypto::SecretBytes> pfs_secret;
  if (selection->suite.pfs_group.has_value()) {
    if (ke == nullptr || request.key_exchange == nullptr) return;
    absl::StatusOr<crypto::SecretBytes> shared =
        request.key_exchange->ComputeSharedSecret(ke->data);
    if (!shared.ok()) return;
    pfs_secret = std::move(*shared);
  }
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> local =
      SelectorsFromWire(*ts_i);
  absl::StatusOr<std::vector<ipsec::TrafficSelector>> remote =
      SelectorsFromWire(*ts_r);
  if (!local.ok() || !remote.ok()) return;
  ChildSa child;
  child.inbound_spi = request.new_inbound_spi;
  child.outbound_spi = Spi32FromBytes(selection->peer_spi);
  child.suite = selection->suite;
  child.local_selectors = std::move(*local);
  child.remote_selectors = std::move(*remote);
  if (old_child != nullptr) {
    child.lineage = old_child->lineage;
    child.quantum_resistant = old_child->quantum_resistant;
  }
  absl::StatusOr<ChildSaKeys> keys =
      DeriveChildSaKeys(prf(), keys_.sk_d, child.suite,
                        pfs_secret.has_value() ? &*pfs_secret : nullptr,
                        request.nonce, nonce->data);
  if (!keys.ok()) return;

  // RFC 7296 2.8.1: if the peer rekeyed the same SA at the same time, the SA
  // made by the exchange holding the lowest of the four nonces is redundant
  // and its creator deletes it; the other side deletes the old SA.
  bool we_lose = false;
  uint32_t peer_made = 0;
  if (old_child != nullptr && old_child->peer_rekeyed) {
    std::vector<const std::vector<uint8_t>*> nonces = {
        &request.nonce, &nonce->data, &old_child->peer_rekey_nonce_i,
        &old_child->peer_rekey_nonce_r};
    const std::vector<uint8_t>* lowest = *std::min_element(
        nonces.begin(), nonces.end(),
        [](const std::vector<uint8_t>* a, const std::vector<uint8_t>* b) {
          return NonceLess(*a, *b);
        });
    we_lose = lowest == &request.nonce || lowest == &nonce->data;
    peer_made = old_child->peer_rekey_child_inbound_spi;
  }
  absl::Status installed =
      InstallChild(child, *keys, /*exchange_initiator=*/true,
                   /*switch_outbound=*/!we_lose, now);
  if (!installed.ok()) {
    Report(EventType::kMessageDropped,
           absl::StrCat("child SA install: ", installed.message()));
    return;
  }
  uint32_t old_inbound = old_child != nullptr ? old_child->inbound_spi : 0;
  uint32_t new_inbound = child.inbound_spi;
  children_.push_back(std::move(child));
  ScheduleChildRekey(children_.back(), now);
  Report(old_inbound != 0 ? EventType::kChildSaRekeyed
                          : EventType::kChildSaInstalled,
         old_inbound != 0
             ? absl::StrFormat("rekey of inbound SPI 0x%08x%s", old_inbound,
                               we_lose ? " (collision lost: redundant)" : "")
             : std::string("child SA created"),
         &children_.back());
  if (old_inbound == 0) return;
  if (we_lose) {
    // Keep the peer's SA: traffic moves to it; ours goes.
    if (ChildSa* winner = FindChildByInbound(peer_made)) {
      engine_.sad_.SwitchOutbound(winner->lineage, winner->outbound_spi)
          .IgnoreError();
    }
    StartDeleteChildren({new_inbound}, now);
    return;
  }
  if (ChildSa* old = FindChildByInbound(old_inbound)) old->replaced = true;
  StartDeleteChildren({old_inbound}, now);
}

// ---------------------------------------------------------------------------
// INFORMATIONAL

void IkeSa::StartDeleteChildren(std::vector<uint32_t> inbound_spis,
                                absl::Time now) {
  wire::Delete d;
  d.protocol_id = wire::ProtocolId::kEsp;
  d.spi_size = 4;
  for (uint32_t spi : inbound_spis) {
    if (ChildSa* child = FindChildByInbound(spi)) child->replaced = true;
    d.spis.push_back(Spi32Bytes(spi));
  }
  Outstanding request{Purpose::kDeleteChild, wire::ExchangeType::kInformational,
                      next_request_id_};
  request.rekeyed_child_inbound_spi = inbound_spis.front();
  absl::StatusOr<std::vector<uint8_t>> bytes =
      Protect(request.exchange, false, request.message_id,
              {wire::Payload::Of(std::move(d))});
  if (!bytes.ok()) return;
  request.bytes = std::move(*bytes);
  ++next_request_id_;
  SendRequest(std::move(request), now);
}

void IkeSa::RemoveChild(uint32_t inbound_spi, bool linger) {
  for (size_t i = 0; i < children_.size(); ++i) {
    if (children_[i].inbound_spi != inbound_spi) continue;
    RemoveChildFromSad(children_[i], linger);
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
}

void IkeSa::StartDelete(absl::Time now) {
  if (!window_free()) {
    // Whatever is pending no longer matters.
    outstanding_.reset();
  }
  Outstanding request{Purpose::kDeleteIke, wire::ExchangeType::kInformational,
                      next_request_id_};
  wire::Delete d;
  d.protocol_id = wire::ProtocolId::kIke;
  d.spi_size = 0;
  absl::StatusOr<std::vector<uint8_t>> bytes = Protect(
      request.exchange, false, request.message_id, {wire::Payload::Of(d)});
  if (!bytes.ok()) {
    Die(EventType::kIkeSaDeleted, "deleted");
    return;
  }
  request.bytes = std::move(*bytes);
  ++next_request_id_;
  if (state_ == State::kEstablished) state_ = State::kDeleting;
  SendRequest(std::move(request), now);
}

void IkeSa::StartLiveness(absl::Time now) {
  Outstanding request{Purpose::kLiveness, wire::ExchangeType::kInformational,
                      next_request_id_};
  absl::StatusOr<std::vector<uint8_t>> bytes =
      Protect(request.exchange, false, request.message_id, {});
  if (!bytes.ok()) return;
  request.bytes = std::move(*bytes);
  ++next_request_id_;
  SendRequest(std::move(request), now);
  // A liveness check is retried on the DPD retry interval.
  outstanding_->timeout = policy_.dpd.retry;
  outstanding_->retransmit_at = now + policy_.dpd.retry;
}

void IkeSa::HandleInformationalRequest(
    uint32_t message_id, const std::vector<wire::Payload>& payloads,
    absl::Time now) {
  std::vector<wire::Payload> reply;
  bool delete_ike = false;
  wire::Delete our_deleted;
  our_deleted.protocol_id = wire::ProtocolId::kEsp;
  our_deleted.spi_size = 4;
  for (const wire::Payload& p : payloads) {
    const wire::Delete* d = p.As<wire::Delete>();
    if (d == nullptr) continue;
    if (d->protocol_id == wire::ProtocolId::kIke) {
      delete_ike = true;
      continue;
    }
    if (d->protocol_id != wire::ProtocolId::kEsp) continue;
    for (const std::vector<uint8_t>& spi : d->spis) {
      ChildSa* child = FindChildByOutbound(Spi32FromBytes(spi));
      if (child == nullptr) continue;
      uint32_t inbound = child->inbound_spi;
      bool has_successor = false;
      for (const ChildSa& other : children_) {
        has_successor = has_successor ||
                        (&other != child && other.lineage == child->lineage);
      }
      Report(EventType::kChildSaDeleted, "deleted by peer", child);
      RemoveChild(inbound, /*linger=*/has_successor);
      our_deleted.spis.push_back(Spi32Bytes(inbound));
    }
  }
  if (!our_deleted.spis.empty() && !delete_ike) {
    reply.push_back(wire::Payload::Of(std::move(our_deleted)));
  }
  SendResponse(message_id, wire::ExchangeType::kInformational,
               std::move(reply));
  if (delete_ike) {
    if (peer_ike_rekeyed_) HandChildrenToPeerSuccessor();
    if (rekeyed_away_) {
      state_ = State::kDead;  // the successor carries on
    } else {
      Die(EventType::kIkeSaDeleted, "deleted by peer");
    }
  }
  (void)now;
}

void IkeSa::HandleInformationalResponse(
    Outstanding& request, const std::vector<wire::Payload>& payloads,
    absl::Time now) {
  (void)now;
  switch (request.purpose) {
    case Purpose::kDeleteIke:
      if (rekeyed_away_) {
        state_ = State::kDead;
      } else {
        Die(EventType::kIkeSaDeleted, "deleted");
      }
      return;
    case Purpose::kDeleteChild: {
      // Remove what we asked to delete (the peer lists its own SPIs back).
      std::vector<uint32_t> ours;
      for (const ChildSa& child : children_) {
        if (child.replaced) ours.push_back(child.inbound_spi);
      }
      for (uint32_t spi : ours) {
        if (ChildSa* child = FindChildByInbound(spi)) {
          Report(EventType::kChildSaDeleted, "deleted after rekey", child);
        }
        RemoveChild(spi, /*linger=*/true);
      }
      (void)payloads;
      return;
    }
    default:
      return;
  }
}

void IkeSa::HandChildrenToPeerSuccessor() {
  peer_ike_rekeyed_ = false;
  IkeSa* theirs = engine_.FindByLocalSpi(peer_ike_successor_spi_);
  if (theirs == nullptr || children_.empty()) return;
  for (ChildSa& child : children_) {
    child.rekey_in_progress = false;
    theirs->children_.push_back(std::move(child));
  }
  children_.clear();
}

// ---------------------------------------------------------------------------
// RFC 8784 post-quantum preshared keys

absl::Status IkeSa::MixPpk(const keymgmt::Ppk& ppk) {
  absl::StatusOr<IkeSaKeys> mixed =
      MixPostQuantumPreSharedKey(prf(), ppk.key, keys_);
  if (!mixed.ok()) return mixed.status();
  unmixed_keys_ = keys_.Clone();
  keys_ = std::move(*mixed);
  ppk_id_ = ppk.id;
  ppk_used_ = true;
  if (engine_.insecure_key_log_) {
    // The pre-mix line came from DeriveKeys; interop tests compare these too.
    engine_.insecure_key_log_(absl::StrFormat(
        "IKE-PPK spi_i=%016x spi_r=%016x SK_d=%s SK_pi=%s SK_pr=%s",
        initiator_ ? local_spi_ : remote_spi_,
        initiator_ ? remote_spi_ : local_spi_,
        crypto::HexEncode(keys_.sk_d.span()),
        crypto::HexEncode(keys_.sk_pi.span()),
        crypto::HexEncode(keys_.sk_pr.span())));
  }
  return absl::OkStatus();
}

std::string IkeSa::QuantumResistanceText() const {
  if (!ppk_used_) return "";
  return policy_.ppk.kind == PpkSettings::Kind::kManual
             ? "Enabled with manual PPK"
             : "Enabled with dynamic PPK";
}

void IkeSa::OnPpkResult(absl::StatusOr<keymgmt::Ppk> result, absl::Time now) {
  ppk_request_.reset();
  ppk_deadline_ = absl::InfiniteFuture();
  absl::Status mixed =
      result.ok() ? MixPpk(*result) : absl::Status(result.status());
  if (!mixed.ok()) {
    std::string reason = absl::StrCat("PPK: ", mixed.message());
    if (policy_.ppk.required) {
      if (initiator_) {
        Fail(absl::StrCat(reason, " (required)"), now);
      } else {
        ++engine_.counters_.auth_failures;
        SendResponse(pending_auth_message_id_, wire::ExchangeType::kIkeAuth,
                     {NotifyPayload(wire::NotifyType::kAuthenticationFailed)});
        Fail(absl::StrCat("authentication failed: ", reason, " (required)"),
             now);
      }
      return;
    }
    Report(
        EventType::kMessageDropped,
        absl::StrCat(reason, "; falling back to authentication without PPK"));
  }
  if (initiator_) {
    SendAuthRequest(now);
  } else {
    std::vector<wire::Payload> payloads = std::move(pending_auth_payloads_);
    pending_auth_payloads_.clear();
    ContinueAuthRequest(pending_auth_message_id_, payloads,
                        ppk_used_ ? PpkOutcome::kUsed : PpkOutcome::kFallback,
                        now);
  }
}

// ---------------------------------------------------------------------------
// Commands

absl::Status IkeSa::RequestChildRekey(absl::Time now) {
  if (state_ != State::kEstablished || rekeyed_away_) {
    return absl::FailedPreconditionError("IKE SA is not established");
  }
  if (children_.empty()) return absl::FailedPreconditionError("no child SA");
  queued_.push_back(Queued::kRekeyChild);
  RunQueued(now);
  return absl::OkStatus();
}

absl::Status IkeSa::RequestIkeRekey(absl::Time now) {
  if (state_ != State::kEstablished || rekeyed_away_) {
    return absl::FailedPreconditionError("IKE SA is not established");
  }
  queued_.push_back(Queued::kRekeyIke);
  RunQueued(now);
  return absl::OkStatus();
}

absl::Status IkeSa::RequestDelete(absl::Time now) {
  if (state_ == State::kDead) {
    return absl::FailedPreconditionError("IKE SA is already gone");
  }
  if (state_ != State::kEstablished) {
    Die(EventType::kIkeSaDeleted, "deleted before it was established");
    return absl::OkStatus();
  }
  StartDelete(now);
  return absl::OkStatus();
}

void IkeSa::AdoptRekeyed(const IkeSuite& suite, IkeSaKeys keys, uint64_t spi_i,
                         uint64_t spi_r, std::vector<ChildSa> children,
                         absl::Time now) {
  suite_ = suite;
  keys_ = std::move(keys);
  remote_spi_ = initiator_ ? spi_r : spi_i;
  if (engine_.insecure_key_log_) {
    engine_.insecure_key_log_(IkeKeyLogLine(spi_i, spi_r, keys_));
  }
  if (!InstallSkCiphers().ok()) {
    Die(EventType::kIkeSaFailed, "rekeyed IKE SA keys unusable");
    return;
  }
  children_ = std::move(children);
  for (ChildSa& child : children_) child.rekey_in_progress = false;
  next_request_id_ = 0;
  expected_peer_id_ = 0;
  state_ = State::kEstablished;
  established_at_ = now;
  ScheduleIkeSaTimers(now);
}

}  // namespace cygnet::ike
