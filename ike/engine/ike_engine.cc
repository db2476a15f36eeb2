#include "ike/engine/ike_engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "crypto/constant_time.h"
#include "crypto/hmac.h"
#include "ike/engine/ike_sa.h"
#include "ike/wire/message.h"

namespace cygnet::ike {
namespace {

constexpr uint16_t kNatTraversalPort = 4500;
constexpr size_t kNonEspMarkerSize = 4;

}  // namespace

std::string UdpEndpoint::ToString() const {
  return absl::StrCat(address.ToString(), "/", port);
}

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kIkeSaEstablished:
      return "IKE_SA_ESTABLISHED";
    case EventType::kIkeSaRekeyed:
      return "IKE_SA_REKEYED";
    case EventType::kIkeSaDeleted:
      return "IKE_SA_DELETED";
    case EventType::kIkeSaFailed:
      return "IKE_SA_FAILED";
    case EventType::kChildSaInstalled:
      return "CHILD_SA_INSTALLED";
    case EventType::kChildSaRekeyed:
      return "CHILD_SA_REKEYED";
    case EventType::kChildSaDeleted:
      return "CHILD_SA_DELETED";
    case EventType::kDeadPeer:
      return "DEAD_PEER";
    case EventType::kMessageDropped:
      return "MESSAGE_DROPPED";
  }
  return "UNKNOWN";
}

IkeEngine::IkeEngine(crypto::Random& random, ipsec::SaDatabase& sad,
                     EngineLimits limits)
    : random_(random),
      sad_(sad),
      limits_(limits),
      cookie_secret_(random.Secret(32)) {}

IkeEngine::~IkeEngine() = default;

absl::Status IkeEngine::AddPolicy(IkePolicy policy) {
  absl::Status valid = ValidateIkePolicy(policy);
  if (!valid.ok()) return valid;
  for (const IkePolicy& existing : policies_) {
    if (existing.name == policy.name) {
      return absl::AlreadyExistsError(
          absl::StrCat("policy '", policy.name, "' already added"));
    }
  }
  policies_.push_back(std::move(policy));
  return absl::OkStatus();
}

uint64_t IkeEngine::NewLocalSpi() {
  for (;;) {
    uint64_t spi = random_.Uniform64();
    if (spi != 0 && sas_.find(spi) == sas_.end()) return spi;
  }
}

void IkeEngine::Send(const UdpEndpoint& from, const UdpEndpoint& to,
                     std::vector<uint8_t> message) {
  if (from.port == kNatTraversalPort || to.port == kNatTraversalPort) {
    // RFC 3948 2.2: IKE on the NAT-T port starts with 4 zero bytes so the
    // receiver can tell it from ESP.
    message.insert(message.begin(), kNonEspMarkerSize, 0);
  }
  ++counters_.datagrams_sent;
  datagrams_.push_back(SendDatagram{from, to, std::move(message)});
}

void IkeEngine::Report(Event event) { events_.push_back(std::move(event)); }

std::vector<SendDatagram> IkeEngine::TakeDatagrams() {
  std::vector<SendDatagram> out;
  out.swap(datagrams_);
  return out;
}

std::vector<Event> IkeEngine::TakeEvents() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

IkeSa* IkeEngine::FindByLocalSpi(uint64_t spi) {
  auto it = sas_.find(spi);
  return it == sas_.end() ? nullptr : it->second.get();
}

size_t IkeEngine::half_open_count() const {
  size_t count = 0;
  for (const auto& [spi, sa] : sas_) count += sa->half_open() ? 1 : 0;
  return count;
}

const IkePolicy* IkeEngine::FindResponderPolicy(
    const UdpEndpoint& local, const UdpEndpoint& remote) const {
  for (const IkePolicy& policy : policies_) {
    if (policy.local_address != local.address) continue;
    if (!policy.remote_address.SharesPrefix(remote.address,
                                            policy.remote_prefix_length)) {
      continue;
    }
    return &policy;
  }
  return nullptr;
}

absl::StatusOr<uint64_t> IkeEngine::Initiate(const std::string& name,
                                             absl::Time now) {
  last_now_ = std::max(last_now_, now);
  const IkePolicy* policy = nullptr;
  for (const IkePolicy& p : policies_) {
    if (p.name == name) policy = &p;
  }
  if (policy == nullptr) {
    return absl::NotFoundError(absl::StrCat("no policy named '", name, "'"));
  }
  if (policy->responder_only) {
    return absl::FailedPreconditionError(absl::StrCat(
        "policy '", name, "' is responder-only and never initiates"));
  }
  if (sas_.size() >= limits_.max_ike_sas) {
    return absl::ResourceExhaustedError(
        absl::StrCat("IKE SA limit reached (", limits_.max_ike_sas, ")"));
  }
  uint64_t spi = NewLocalSpi();
  uint64_t id = next_ike_sa_id_++;
  auto sa = std::make_unique<IkeSa>(
      *this, *policy, id, next_session_id_++, /*initiator=*/true, spi,
      UdpEndpoint{policy->local_address, policy->local_port},
      UdpEndpoint{policy->remote_address, policy->remote_port}, now);
  IkeSa* raw = sa.get();
  sas_[spi] = std::move(sa);
  raw->Start(now);
  ReapFinished();
  return id;
}

namespace {
template <typename Map>
IkeSa* FindById(Map& sas, uint64_t id) {
  for (auto& [spi, sa] : sas) {
    if (sa->id() == id && !sa->finished()) return sa.get();
  }
  return nullptr;
}
}  // namespace

absl::Status IkeEngine::RekeyChildSa(uint64_t ike_sa_id, absl::Time now) {
  last_now_ = std::max(last_now_, now);
  IkeSa* sa = FindById(sas_, ike_sa_id);
  if (sa == nullptr) {
    return absl::NotFoundError(absl::StrCat("no IKE SA ", ike_sa_id));
  }
  absl::Status status = sa->RequestChildRekey(now);
  ReapFinished();
  return status;
}

absl::Status IkeEngine::RekeyIkeSa(uint64_t ike_sa_id, absl::Time now) {
  last_now_ = std::max(last_now_, now);
  IkeSa* sa = FindById(sas_, ike_sa_id);
  if (sa == nullptr) {
    return absl::NotFoundError(absl::StrCat("no IKE SA ", ike_sa_id));
  }
  absl::Status status = sa->RequestIkeRekey(now);
  ReapFinished();
  return status;
}

absl::Status IkeEngine::DeleteIkeSa(uint64_t ike_sa_id, absl::Time now) {
  last_now_ = std::max(last_now_, now);
  IkeSa* sa = FindById(sas_, ike_sa_id);
  if (sa == nullptr) {
    return absl::NotFoundError(absl::StrCat("no IKE SA ", ike_sa_id));
  }
  absl::Status status = sa->RequestDelete(now);
  ReapFinished();
  return status;
}

std::vector<uint8_t> IkeEngine::CookieFor(uint64_t initiator_spi,
                                          absl::Span<const uint8_t> nonce,
                                          const UdpEndpoint& from) const {
  // RFC 7296 2.6: Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi |
  // <secret>); a keyed HMAC serves as the hash with the secret as key.
  uint8_t spi[8];
  for (int i = 0; i < 8; ++i)
    spi[i] = static_cast<uint8_t>(initiator_spi >> (56 - 8 * i));
  std::vector<uint8_t> mac = crypto::HmacDigest(
      crypto::HashAlgorithm::kSha256, cookie_secret_.span(), [&] {
        std::vector<uint8_t> data(nonce.begin(), nonce.end());
        auto address = from.address.bytes();
        data.insert(data.end(), address.begin(), address.end());
        data.insert(data.end(), spi, spi + 8);
        return data;
      }());
  // Secret version 1, then the first 16 bytes of the MAC.
  std::vector<uint8_t> cookie(20, 0);
  cookie[3] = 1;
  std::copy_n(mac.begin(), 16, cookie.begin() + 4);
  return cookie;
}

void IkeEngine::HandleIkeSaInitRequest(const UdpEndpoint& from,
                                       const UdpEndpoint& to,
                                       absl::Span<const uint8_t> bytes,
                                       absl::Time now) {
  absl::StatusOr<wire::Message> message = wire::Decode(bytes);
  if (!message.ok()) {
    ++counters_.malformed;
    Report(Event{EventType::kMessageDropped, 0, "",
                 absl::StrCat("IKE_SA_INIT from ", from.ToString(), ": ",
                              message.status().message())});
    return;
  }
  // A retransmitted request goes to the SA it already created.
  for (auto& [spi, sa] : sas_) {
    if (sa->half_open() && sa->remote_spi_ == message->header.initiator_spi &&
        sa->remote() == from) {
      sa->HandleMessage(message->header, bytes, from, to, now);
      return;
    }
  }
  const IkePolicy* policy = FindResponderPolicy(to, from);
  if (policy == nullptr) {
    Report(Event{EventType::kMessageDropped, 0, "",
                 absl::StrCat("IKE_SA_INIT from ", from.ToString(), " to ",
                              to.ToString(), ": no matching policy")});
    return;
  }
  size_t half_open = half_open_count();
  if (half_open >= limits_.max_half_open ||
      sas_.size() >= limits_.max_ike_sas) {
    ++counters_.half_open_dropped;
    return;
  }
  size_t from_peer = 0;
  for (const auto& [spi, sa] : sas_) {
    if (sa->remote().address == from.address) ++from_peer;
  }
  if (from_peer >= limits_.max_ike_sas_per_peer) {
    ++counters_.half_open_dropped;
    Report(Event{EventType::kMessageDropped, 0, policy->name,
                 absl::StrCat("IKE SA limit per peer reached for ",
                              from.address.ToString())});
    return;
  }
  if (half_open >= limits_.cookie_threshold) {
    const wire::Nonce* nonce = nullptr;
    const wire::Notify* cookie = nullptr;
    for (const wire::Payload& p : message->payloads) {
      if (p.type == wire::PayloadType::kNonce) nonce = p.As<wire::Nonce>();
      if (const wire::Notify* n = p.As<wire::Notify>()) {
        if (n->type == wire::NotifyType::kCookie) cookie = n;
      }
    }
    if (nonce == nullptr) {
      ++counters_.malformed;
      return;
    }
    std::vector<uint8_t> expected =
        CookieFor(message->header.initiator_spi, nonce->data, from);
    // Constant time: the cookie is a MAC, and a comparison that stops at
    // the first differing byte would let a flood learn it byte by byte.
    if (cookie == nullptr ||
        !crypto::ConstantTimeEquals(cookie->data, expected)) {
      wire::Message reply;
      reply.header = message->header;
      reply.header.response = true;
      reply.header.initiator = false;
      reply.header.responder_spi = 0;
      wire::Notify n;
      n.type = wire::NotifyType::kCookie;
      n.data = std::move(expected);
      reply.payloads.push_back(wire::Payload::Of(std::move(n)));
      absl::StatusOr<std::vector<uint8_t>> out = wire::Encode(reply);
      if (out.ok()) {
        ++counters_.cookies_sent;
        Send(to, from, std::move(*out));
      }
      return;
    }
  }
  uint64_t spi = NewLocalSpi();
  auto sa = std::make_unique<IkeSa>(*this, *policy, next_ike_sa_id_++,
                                    next_session_id_++, /*initiator=*/false,
                                    spi, to, from, now);
  IkeSa* raw = sa.get();
  sas_[spi] = std::move(sa);
  raw->HandleInitRequest(*message, bytes, now);
}

void IkeEngine::HandleDatagram(const UdpEndpoint& from, const UdpEndpoint& to,
                               absl::Span<const uint8_t> bytes,
                               absl::Time now) {
  last_now_ = std::max(last_now_, now);
  ++counters_.datagrams_received;
  if (to.port == kNatTraversalPort) {
    if (bytes.size() == 1 && bytes[0] == 0xff) return;  // NAT keepalive
    if (bytes.size() < kNonEspMarkerSize || bytes[0] != 0 || bytes[1] != 0 ||
        bytes[2] != 0 || bytes[3] != 0) {
      // ESP in UDP belongs to the data plane, not here.
      Report(Event{EventType::kMessageDropped, 0, "",
                   "datagram on port 4500 without the non-ESP marker"});
      return;
    }
    bytes.remove_prefix(kNonEspMarkerSize);
  }
  absl::StatusOr<wire::Header> header = wire::DecodeHeader(bytes);
  if (!header.ok()) {
    ++counters_.malformed;
    Report(Event{EventType::kMessageDropped, 0, "",
                 absl::StrCat("from ", from.ToString(), ": ",
                              header.status().message())});
    return;
  }
  if (header->exchange_type == wire::ExchangeType::kIkeSaInit &&
      !header->response && header->responder_spi == 0) {
    HandleIkeSaInitRequest(from, to, bytes, now);
    ReapFinished();
    return;
  }
  // Our SPI is the initiator SPI when we are the original initiator, i.e.
  // when the message does not have the I flag.
  uint64_t ours =
      header->initiator ? header->responder_spi : header->initiator_spi;
  IkeSa* sa = FindByLocalSpi(ours);
  if (sa == nullptr) {
    ++counters_.unknown_spi;
    Report(Event{EventType::kMessageDropped, 0, "",
                 absl::StrCat(wire::ToString(header->exchange_type),
                              " for unknown IKE SA from ", from.ToString())});
    return;
  }
  sa->HandleMessage(*header, bytes, from, to, now);
  ReapFinished();
}

void IkeEngine::HandleTimeout(absl::Time now) {
  last_now_ = std::max(last_now_, now);
  std::vector<IkeSa*> due;
  for (auto& [spi, sa] : sas_) {
    if (sa->NextTimeout() <= now) due.push_back(sa.get());
  }
  for (IkeSa* sa : due) sa->HandleTimeout(now);
  ReapFinished();
}

absl::Time IkeEngine::NextTimeout() const {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [spi, sa] : sas_) {
    next = std::min(next, sa->NextTimeout());
    if (sa->ppk_request_.has_value() && sa->policy_.ppk.source != nullptr) {
      next = std::min(next, sa->policy_.ppk.source->NextTimeout());
    }
  }
  return next;
}

void IkeEngine::NoteEspTraffic(uint32_t spi, bool sent, absl::Time now) {
  for (auto& [local_spi, sa] : sas_) {
    if (sa->OwnsChildSpi(spi)) {
      sa->NoteEspTraffic(spi, sent, now);
      return;
    }
  }
}

void IkeEngine::PollPpkSources(absl::Time now) {
  std::vector<keymgmt::PpkSource*> sources;
  for (const auto& [spi, sa] : sas_) {
    keymgmt::PpkSource* source = sa->policy_.ppk.source;
    if (sa->ppk_request_.has_value() && source != nullptr &&
        std::find(sources.begin(), sources.end(), source) == sources.end()) {
      sources.push_back(source);
    }
  }
  for (keymgmt::PpkSource* source : sources) {
    for (auto& [request, result] : source->TakeResults(now)) {
      for (auto& [spi, sa] : sas_) {
        if (sa->policy_.ppk.source == source && sa->ppk_request_ == request) {
          sa->OnPpkResult(std::move(result), now);
          break;
        }
      }
    }
  }
}

void IkeEngine::ReapFinished() {
  // Keys from PPK sources are delivered at the end of every input.
  PollPpkSources(last_now_);
  for (auto it = sas_.begin(); it != sas_.end();) {
    if (it->second->finished()) {
      it = sas_.erase(it);
    } else {
      ++it;
    }
  }
}

void IkeEngine::AdoptRekeyedIkeSa(IkeSa& old, bool initiator,
                                  uint64_t local_spi, uint64_t remote_spi,
                                  const IkeSuite& suite, IkeSaKeys keys,
                                  std::vector<ChildSa> children,
                                  absl::Time now) {
  auto successor = std::make_unique<IkeSa>(
      *this, old.policy_, next_ike_sa_id_++, old.session_id_, initiator,
      local_spi, old.local_, old.remote_, now);
  successor->peer_identity_ = old.peer_identity_;
  successor->nat_detected_ = old.nat_detected_;
  successor->ppk_used_ = old.ppk_used_;
  successor->remote_auth_name_ = old.remote_auth_name_;
  uint64_t spi_i = initiator ? local_spi : remote_spi;
  uint64_t spi_r = initiator ? remote_spi : local_spi;
  successor->AdoptRekeyed(suite, std::move(keys), spi_i, spi_r,
                          std::move(children), now);
  Report(Event{
      EventType::kIkeSaRekeyed, successor->id(), old.policy_.name,
      absl::StrCat("IKE SA ", old.id(), " rekeyed as ", successor->id())});
  sas_[local_spi] = std::move(successor);
}

std::vector<IkeSaStatus> IkeEngine::Status(absl::Time now) const {
  std::vector<IkeSaStatus> out;
  for (const auto& [spi, sa] : sas_) {
    if (sa->rekeyed_away_) continue;  // its successor is listed
    out.push_back(sa->Snapshot(now));
  }
  std::sort(
      out.begin(), out.end(),
      [](const IkeSaStatus& a, const IkeSaStatus& b) { return a.id < b.id; });
  return out;
}

}  // namespace cygnet::ike
