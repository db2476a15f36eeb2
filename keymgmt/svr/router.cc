#include "keymgmt/svr/router.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "crypto/constant_time.h"
#include "crypto/hash.h"
#include "crypto/hkdf.h"
#include "keymgmt/svr/messages.h"

namespace cygnet::keymgmt::svr {
namespace {

constexpr absl::string_view kInterNodeLabel = "cygnet svr inter-node key v1";

std::vector<uint8_t> Sha256(absl::Span<const uint8_t> data) {
  return crypto::Digest(crypto::HashAlgorithm::kSha256, data);
}

crypto::SignatureScheme SchemeFor(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kRsa:
      return crypto::SignatureScheme::kRsaPssSha384;
    case crypto::KeyType::kEcdsaP256:
      return crypto::SignatureScheme::kEcdsaSha256;
    case crypto::KeyType::kEcdsaP384:
      return crypto::SignatureScheme::kEcdsaSha384;
    case crypto::KeyType::kEcdsaP521:
      return crypto::SignatureScheme::kEcdsaSha512;
  }
  return crypto::SignatureScheme::kEcdsaSha384;
}

}  // namespace

const char* SecurityStateName(SecurityState state) {
  switch (state) {
    case SecurityState::kInit:
      return "INIT";
    case SecurityState::kCertExchange:
      return "CERT_EXCH";
    case SecurityState::kSaltExchange:
      return "SALT_EXCH";
    case SecurityState::kPeerKeyExchange:
      return "PKEY_EXCH";
    case SecurityState::kMetadataKeyExchange:
      return "MKEY_EXCH";
    case SecurityState::kMetadataKeyExchangeComplete:
      return "MKEY_EXCH_COMP";
    case SecurityState::kKeyTimeout:
      return "KEY_TIMEOUT";
    case SecurityState::kCertificateInvalid:
      return "CERT_INVALID";
  }
  return "?";
}

absl::StatusOr<RouterOptions> RouterOptionsFromConfig(
    const AuthorityConfig& config, absl::string_view router_name) {
  if (!config.enhanced_security_key_management) {
    return absl::FailedPreconditionError(
        "enhanced-security-key-management: not true");
  }
  const RouterConfig* router = config.FindRouter(router_name);
  if (router == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("router: '", router_name, "' not configured"));
  }
  if (router->peering_common_name.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "peering-common-name: missing for router '", router_name, "'"));
  }
  RouterOptions options;
  options.router_name = router->name;
  for (const NodeConfig& n : router->nodes) options.nodes.push_back(n.name);
  options.config = config.security_key_management;
  for (const PeerConfig& p : config.EffectivePeers(*router)) {
    options.peers.push_back({p.router_name, p.peering_common_name});
  }
  return options;
}

absl::StatusOr<crypto::SecretBytes> InterNodeKey(
    const RouterIdentity& identity, absl::string_view router_name) {
  auto der = identity.key.ToPkcs8Der();
  if (!der.ok()) return der.status();
  std::vector<uint8_t> info(kInterNodeLabel.begin(), kInterNodeLabel.end());
  info.insert(info.end(), router_name.begin(), router_name.end());
  auto key =
      crypto::Hkdf(crypto::HashAlgorithm::kSha384, *der, {}, info, kSvrKeySize);
  std::fill(der->begin(), der->end(), 0);
  return key;
}

// ---------------------------------------------------------------------------
// State.

struct SvrRouter::LocalMetadataKey {
  uint32_t index = 0;
  std::shared_ptr<SvrKey> key;
  absl::Time created;
};

struct SvrRouter::Peer {
  PeerSpec spec;
  // Certificate.
  std::vector<crypto::Certificate> chain;
  std::vector<uint8_t> chain_digest;  // SHA-256 of the leaf
  CertificateCheck check;
  std::optional<crypto::PublicKey> public_key;
  bool removed = false;  // fail-hard
  // Salts.
  std::vector<uint8_t> local_salt;
  std::vector<uint8_t> signed_salt_message;
  std::vector<uint8_t> peer_salt;
  bool local_salt_acked = false;
  // Peer keys, oldest first, at most two.
  struct PeerKey {
    uint32_t id = 0;
    std::shared_ptr<SvrKey> key;
    absl::Time computed;
    absl::Time usable_from;
  };
  std::vector<PeerKey> peer_keys;
  uint32_t highest_key_id = 0;    // highest id seen or used
  uint32_t installed_key_id = 0;  // highest id installed (stale below)
  // Our outstanding KEY_REQUEST.
  struct Exchange {
    uint32_t id = 0;
    std::unique_ptr<crypto::KeyExchange> kx;
    std::vector<uint8_t> request;
    absl::Time started;
  };
  std::optional<Exchange> exchange;
  // Cached KEY_RESPONSE for duplicate requests.
  uint32_t response_id = 0;
  std::vector<uint8_t> response_request_public;
  std::vector<uint8_t> response;
  // The peer's metadata keys, oldest first, at most two.
  struct MetadataKey {
    uint32_t index = 0;
    std::shared_ptr<SvrKey> key;
    absl::Time usable_from;
  };
  std::vector<MetadataKey> metadata_keys;
  uint32_t acked_local_index = 0;
  bool any_local_acked = false;
  absl::Time next_rekey = absl::InfiniteFuture();
  uint64_t rekey_count = 0;

  // Newest first: after a peer restart ids start again at 1.
  const PeerKey* FindKey(uint32_t id) const {
    for (auto it = peer_keys.rbegin(); it != peer_keys.rend(); ++it) {
      if (it->id == id) return &*it;
    }
    return nullptr;
  }
  const PeerKey* SendKey(absl::Time now) const {
    const PeerKey* best = nullptr;
    for (const PeerKey& k : peer_keys) {
      if (k.usable_from <= now || best == nullptr) best = &k;
    }
    return best;
  }
  const MetadataKey* SendMetadataKey(absl::Time now) const {
    const MetadataKey* best = nullptr;
    for (const MetadataKey& k : metadata_keys) {
      if (k.usable_from <= now || best == nullptr) best = &k;
    }
    return best;
  }
};

struct SvrRouter::Path {
  PathId id;
  bool up = true;
  bool in_service = false;
  bool timed_out = false;
  bool cert_rec = false, cert_ack = false, salt_rec = false, salt_ack = false,
       key_rec = false, key_ack = false;
  absl::Time next_send = absl::InfinitePast();
  absl::Time last_progress = absl::InfinitePast();
  bool outstanding = false;
};

struct SvrRouter::SendSession {
  std::string peer;
  std::vector<uint8_t> metadata;
  std::shared_ptr<SvrKey> payload_key;
  uint16_t generation = 1;
  absl::Time key_created;
  uint64_t nonce = 0;
  int metadata_left = 1;  // packets that still carry the TLV
};

struct SvrRouter::ReceiveSession {
  std::vector<uint8_t> metadata;
  absl::Time last_seen;
  std::shared_ptr<SvrKey> key;  // current generation
  uint16_t generation = 0;
  std::shared_ptr<SvrKey> previous;  // generation - 1
  NonceWindow window;
};

namespace {

// Generations count 1..0xffff and wrap to 1; 0 means "none yet".
bool NewerGeneration(uint16_t generation, uint16_t current) {
  return current == 0 ||
         static_cast<int16_t>(static_cast<uint16_t>(generation - current)) > 0;
}

}  // namespace

class SvrRouter::Impl {
 public:
  explicit Impl(SvrRouter& r) : r_(r) {}

  SvrRouter& r_;
  std::map<std::string, Peer> peers;  // by router name
  std::map<PathId, Path> paths;
  std::vector<LocalMetadataKey> local_keys;  // oldest first, at most two
  absl::Time metadata_next_rekey = absl::InfiniteFuture();
  uint64_t metadata_config_changes = 0;
  std::map<std::string, uint32_t> node_synced_index;
  std::shared_ptr<SvrKey> inter_node_key;
  std::map<uint32_t, SendSession> send_sessions;
  std::map<std::pair<std::string, uint32_t>, ReceiveSession> receive_sessions;
  // Alarms: active by (kind, source).
  std::map<std::pair<AlarmKind, std::string>, Alarm> alarms;
  uint64_t alarm_sequence = 0;
  absl::Time next_cert_check = absl::InfinitePast();
  absl::Time next_session_purge = absl::InfinitePast();
  // Key status.
  uint64_t rekey_index = 0;
  absl::Time last_rekey = absl::InfinitePast();
  uint64_t key_changes = 0;
  std::string key_change_error;
  std::string config_key_change_error;

  const std::string& me() const { return r_.identity_.peering_common_name; }
  const SecurityKeyManagementConfig& cfg() const { return r_.options_.config; }

  // ----- alarms -----
  void Raise(std::vector<Action>& out, AlarmKind kind,
             const std::string& source, AlarmSeverity severity,
             const std::string& category, const std::string& message,
             absl::Time now) {
    auto key = std::make_pair(kind, source);
    auto it = alarms.find(key);
    if (it != alarms.end()) {
      if (it->second.severity == severity && it->second.message == message) {
        return;
      }
      Action clear;
      clear.kind = Action::Kind::kAlarmCleared;
      clear.alarm = it->second;
      out.push_back(clear);
    }
    Alarm a;
    a.id = absl::StrCat(r_.options_.nodes.empty() ? r_.options_.router_name
                                                  : r_.options_.nodes[0],
                        ":", ++alarm_sequence);
    a.time = now;
    a.severity = severity;
    a.kind = kind;
    a.source = source;
    a.category = category;
    a.message = message;
    alarms[key] = a;
    Action raise;
    raise.kind = Action::Kind::kAlarmRaised;
    raise.alarm = a;
    out.push_back(raise);
  }

  void Clear(std::vector<Action>& out, AlarmKind kind,
             const std::string& source) {
    auto it = alarms.find(std::make_pair(kind, source));
    if (it == alarms.end()) return;
    Action clear;
    clear.kind = Action::Kind::kAlarmCleared;
    clear.alarm = it->second;
    out.push_back(clear);
    alarms.erase(it);
  }

  // ----- sending -----
  void Send(std::vector<Action>& out, const PathId& path,
            absl::StatusOr<std::vector<uint8_t>> bytes) {
    if (!bytes.ok()) return;  // our own encoder: bounded inputs
    Action a;
    a.kind = Action::Kind::kSendBfd;
    a.path = path;
    a.bytes = std::move(*bytes);
    ++r_.counters_.bfd_messages_sent;
    out.push_back(std::move(a));
  }

  absl::StatusOr<std::vector<uint8_t>> CertificateMessage() const {
    SecurityMessage m;
    m.type = MessageType::kCertificate;
    m.certificates = r_.identity_.ChainDer();
    return EncodeMessage(m);
  }

  absl::StatusOr<std::vector<uint8_t>> MetadataKeyMessage(const Peer& peer,
                                                          absl::Time now) {
    const Peer::PeerKey* pk = peer.SendKey(now);
    if (pk == nullptr || local_keys.empty()) {
      return absl::FailedPreconditionError("no key");
    }
    const LocalMetadataKey& mk = local_keys.back();
    SecurityMessage m;
    m.type = MessageType::kMetadataKey;
    m.key_id = pk->id;
    m.key_index = mk.index;
    m.iv = r_.random_.Bytes(kSvrIvSize);
    auto wrapped = WrapKey(
        *pk->key,
        MetadataKeyAad(me(), peer.spec.peering_common_name, pk->id, mk.index),
        m.iv, mk.key->bytes());
    if (!wrapped.ok()) return wrapped.status();
    m.wrapped = std::move(*wrapped);
    return EncodeMessage(m);
  }

  // Sends everything still unacknowledged on `path`.
  void SendOutstanding(std::vector<Action>& out, Path& path, absl::Time now) {
    Peer& peer = peers.at(path.id.peer);
    if (!path.up || peer.removed) return;
    if (!path.cert_ack) Send(out, path.id, CertificateMessage());
    if (!path.salt_ack && !peer.signed_salt_message.empty()) {
      Send(out, path.id, peer.signed_salt_message);
    }
    if (peer.exchange) Send(out, path.id, peer.exchange->request);
    if (!path.key_ack && !peer.peer_keys.empty() && !local_keys.empty()) {
      Send(out, path.id, MetadataKeyMessage(peer, now));
    }
  }

  bool HasOutstanding(const Path& path, const Peer& peer) const {
    return !path.cert_ack || !path.salt_ack || peer.exchange.has_value() ||
           (!path.key_ack && !peer.peer_keys.empty());
  }

  // ----- state -----
  SecurityState StateOf(const Path& path, const Peer& peer) const {
    if (peer.removed) return SecurityState::kCertificateInvalid;
    if (!path.up) return SecurityState::kInit;
    if (path.timed_out) return SecurityState::kKeyTimeout;
    if (!path.cert_rec || !path.cert_ack) return SecurityState::kCertExchange;
    if (!path.salt_rec || !path.salt_ack) return SecurityState::kSaltExchange;
    if (peer.peer_keys.empty()) return SecurityState::kPeerKeyExchange;
    if (!path.key_rec || !path.key_ack) {
      return SecurityState::kMetadataKeyExchange;
    }
    return SecurityState::kMetadataKeyExchangeComplete;
  }

  bool ShouldBeInService(const Path& path, const Peer& peer) const {
    return path.up && !peer.removed && !path.timed_out &&
           !peer.peer_keys.empty() && !peer.metadata_keys.empty() &&
           peer.any_local_acked && peer.public_key.has_value();
  }

  void UpdateService(std::vector<Action>& out, absl::Time now) {
    for (auto& [id, path] : paths) {
      const Peer& peer = peers.at(id.peer);
      bool want = ShouldBeInService(path, peer);
      if (want == path.in_service) continue;
      path.in_service = want;
      Action a;
      a.kind =
          want ? Action::Kind::kPathInService : Action::Kind::kPathOutOfService;
      a.path = id;
      a.peer = id.peer;
      if (!want) {
        a.reason = peer.removed     ? "peering removed (fail-hard)"
                   : !path.up       ? "interface down"
                   : path.timed_out ? "peer-key-timeout"
                                    : "no valid key";
      }
      out.push_back(a);
    }
  }

  // Marks progress on a path after a valid message from the peer.
  void Progress(Path& path, absl::Time now) {
    path.last_progress = now;
    if (path.timed_out) {
      path.timed_out = false;
      path.next_send = now;  // back to the normal retransmit cadence
    }
  }

  // ----- certificates -----
  void GradePeer(std::vector<Action>& out, Peer& peer, absl::Time now) {
    if (peer.chain.empty()) return;
    peer.check =
        r_.validator_.Validate(peer.chain, peer.spec.peering_common_name, now);
    const std::string& name = peer.spec.router_name;
    const CertificateGrade g = peer.check.grade;
    if (g == CertificateGrade::kUntrusted) {
      Raise(out, AlarmKind::kUnableToAuthenticatePeer, name,
            AlarmSeverity::kMajor, "PEER",
            absl::StrCat("Unable to authenticate peer ", name, ": ",
                         peer.check.detail),
            now);
      return;
    }
    Clear(out, AlarmKind::kUnableToAuthenticatePeer, name);
    switch (g) {
      case CertificateGrade::kValid:
        Clear(out, AlarmKind::kPeerCertificate, name);
        break;
      case CertificateGrade::kExpiringWithinMonth:
      case CertificateGrade::kExpiringWithinWeek:
        Raise(out, AlarmKind::kPeerCertificate, name,
              g == CertificateGrade::kExpiringWithinWeek
                  ? AlarmSeverity::kMajor
                  : AlarmSeverity::kMinor,
              "PEER",
              absl::StrCat("Peer ", name, " certificate is ",
                           CertificateGradeName(g), " - ", peer.check.detail),
              now);
        break;
      default:
        Raise(out, AlarmKind::kPeerCertificate, name, AlarmSeverity::kCritical,
              "PEER",
              absl::StrCat("Peer ", name, " certificate is invalid: ",
                           CertificateGradeName(g), " - ", peer.check.detail),
              now);
        if (cfg().invalid_certificate_behavior ==
                InvalidCertificateBehavior::kFailHard &&
            !peer.removed) {
          RemovePeering(out, peer,
                        absl::StrCat("certificate ", CertificateGradeName(g)));
        }
        break;
    }
  }

  void RemovePeering(std::vector<Action>& out, Peer& peer,
                     const std::string& reason) {
    peer.removed = true;
    peer.peer_keys.clear();
    peer.metadata_keys.clear();
    peer.exchange.reset();
    peer.any_local_acked = false;
    peer.public_key.reset();
    peer.next_rekey = absl::InfiniteFuture();
    for (auto& [id, path] : paths) {
      if (id.peer != peer.spec.router_name) continue;
      path.cert_rec = path.cert_ack = path.salt_rec = path.salt_ack =
          path.key_rec = path.key_ack = false;
    }
    for (auto it = receive_sessions.begin(); it != receive_sessions.end();) {
      it = it->first.first == peer.spec.router_name ? receive_sessions.erase(it)
                                                    : std::next(it);
    }
    Action a;
    a.kind = Action::Kind::kPeeringRemoved;
    a.peer = peer.spec.router_name;
    a.reason = reason;
    out.push_back(a);
  }

  void GradeSelf(std::vector<Action>& out, absl::Time now) {
    const CertificateGrade g = GradeExpiry(r_.identity_.leaf(), now);
    const std::string& name = r_.options_.router_name;
    // The seed: a router without a valid, signed certificate alarms; its
    // peers, which trust only the configured CAs, will not authenticate it.
    if (r_.identity_.self_signed && !cfg().trusted_ca_certificates.empty()) {
      Raise(out, AlarmKind::kLocalCertificateUnsigned, name,
            AlarmSeverity::kMajor, "ROUTER",
            absl::StrCat("Router ", name,
                         " has no CA-signed certificate (self-signed); "
                         "trusted-ca-certificate is configured"),
            now);
    }
    if (g == CertificateGrade::kValid) {
      Clear(out, AlarmKind::kLocalCertificate, name);
      return;
    }
    AlarmSeverity sev =
        g == CertificateGrade::kExpiringWithinMonth  ? AlarmSeverity::kMinor
        : g == CertificateGrade::kExpiringWithinWeek ? AlarmSeverity::kMajor
                                                     : AlarmSeverity::kCritical;
    Raise(out, AlarmKind::kLocalCertificate, name, sev, "ROUTER",
          absl::StrCat("Router ", name, " certificate is ",
                       IsUsable(g) ? "" : "invalid: ", CertificateGradeName(g),
                       " - not after ",
                       absl::FormatTime("%Y-%m-%d %H:%M:%S",
                                        r_.identity_.leaf().not_after(),
                                        absl::UTCTimeZone())),
          now);
  }

  // ----- keys -----
  void NewSalt(Peer& peer) {
    peer.local_salt = r_.random_.Bytes(kSvrSaltSize);
    peer.local_salt_acked = false;
    SecurityMessage m;
    m.type = MessageType::kSalt;
    m.salt = peer.local_salt;
    auto sig = r_.identity_.key.Sign(
        SchemeFor(r_.identity_.key.type()),
        SaltTranscript(me(), peer.spec.peering_common_name, peer.local_salt));
    if (!sig.ok()) {
      key_change_error = std::string(sig.status().message());
      peer.signed_salt_message.clear();
      return;
    }
    m.signature = std::move(*sig);
    auto bytes = EncodeMessage(m);
    peer.signed_salt_message = bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }

  void InstallPeerKey(std::vector<Action>& out, Peer& peer, uint32_t id,
                      crypto::SecretBytes secret, absl::Time now) {
    auto derived =
        DerivePeerKey(secret.span(), me(), peer.local_salt,
                      peer.spec.peering_common_name, peer.peer_salt, id);
    if (!derived.ok()) {
      key_change_error = std::string(derived.status().message());
      return;
    }
    auto key = SvrKey::Create(std::move(*derived));
    if (!key.ok()) {
      key_change_error = std::string(key.status().message());
      return;
    }
    Peer::PeerKey pk;
    pk.id = id;
    pk.key = std::make_shared<SvrKey>(std::move(*key));
    pk.computed = now;
    pk.usable_from =
        peer.peer_keys.empty() ? now : now + r_.options_.key_activation_delay;
    Action a;
    a.kind = Action::Kind::kPeerKeyInstalled;
    a.peer = peer.spec.router_name;
    a.key_id = id;
    a.fingerprint = pk.key->Fingerprint();
    out.push_back(a);
    peer.peer_keys.push_back(std::move(pk));
    if (peer.peer_keys.size() > 2) {
      peer.peer_keys.erase(peer.peer_keys.begin());
    }
    peer.highest_key_id = std::max(peer.highest_key_id, id);
    peer.installed_key_id = std::max(peer.installed_key_id, id);
    ++peer.rekey_count;
    ++key_changes;
    last_rekey = now;
    key_change_error.clear();
    const absl::Duration interval = cfg().peer_key_rekey_interval();
    if (interval == absl::InfiniteDuration()) {
      peer.next_rekey = absl::InfiniteFuture();
    } else {
      const bool lower = me() < peer.spec.peering_common_name;
      peer.next_rekey =
          now + interval + (lower ? absl::ZeroDuration() : cfg().timeout());
    }
  }

  bool ReadyForExchange(const Peer& peer) const {
    return !peer.removed && peer.public_key.has_value() &&
           !peer.peer_salt.empty() && peer.local_salt_acked &&
           !peer.exchange.has_value();
  }

  void StartExchange(std::vector<Action>& out, Peer& peer, absl::Time now) {
    if (!ReadyForExchange(peer)) return;
    const uint16_t group = static_cast<uint16_t>(cfg().key_exchange_algorithm);
    auto group_enum = crypto::KeyExchangeGroupFromNumber(group);
    if (!group_enum.ok()) {
      key_change_error = std::string(group_enum.status().message());
      return;
    }
    auto kx = crypto::KeyExchange::Generate(*group_enum, r_.random_);
    if (!kx.ok()) {
      key_change_error = std::string(kx.status().message());
      return;
    }
    Peer::Exchange ex;
    ex.id = peer.highest_key_id + 1;
    ex.kx = std::move(*kx);
    ex.started = now;
    SecurityMessage m;
    m.type = MessageType::kKeyRequest;
    m.key_id = ex.id;
    m.group = group;
    m.public_value = ex.kx->public_value();
    auto sig = r_.identity_.key.Sign(
        SchemeFor(r_.identity_.key.type()),
        KeyRequestTranscript(me(), peer.spec.peering_common_name, ex.id, group,
                             m.public_value, peer.local_salt, peer.peer_salt));
    if (!sig.ok()) {
      key_change_error = std::string(sig.status().message());
      return;
    }
    m.signature = std::move(*sig);
    auto bytes = EncodeMessage(m);
    if (!bytes.ok()) return;
    ex.request = std::move(*bytes);
    peer.highest_key_id = ex.id;
    peer.exchange = std::move(ex);
    ++rekey_index;
    for (auto& [id, path] : paths) {
      if (id.peer != peer.spec.router_name || !path.up) continue;
      Send(out, id, peer.exchange->request);
      if (!path.outstanding) {
        path.outstanding = true;
        path.last_progress = now;
      }
      path.next_send = now + RetransmitInterval(path);
    }
  }

  absl::Duration RetransmitInterval(const Path& path) const {
    return path.timed_out ? cfg().timeout() : cfg().retransmit_interval();
  }

  void PushMetadataKey(std::vector<Action>& out, absl::Time now) {
    for (auto& [id, path] : paths) {
      Peer& peer = peers.at(id.peer);
      path.key_ack = false;
      if (!path.up || peer.removed || peer.peer_keys.empty()) continue;
      Send(out, id, MetadataKeyMessage(peer, now));
      if (!path.outstanding) {
        path.outstanding = true;
        path.last_progress = now;
      }
      path.next_send = now + RetransmitInterval(path);
    }
  }

  absl::Status GenerateMetadataKey(std::vector<Action>& out, absl::Time now) {
    LocalMetadataKey k;
    k.index = local_keys.empty() ? 1 : local_keys.back().index + 1;
    auto key = SvrKey::Create(r_.random_.Secret(kSvrKeySize));
    if (!key.ok()) return key.status();
    k.key = std::make_shared<SvrKey>(std::move(*key));
    k.created = now;
    Action a;
    a.kind = Action::Kind::kMetadataKeyGenerated;
    a.key_id = k.index;
    a.fingerprint = k.key->Fingerprint();
    out.push_back(a);
    local_keys.push_back(std::move(k));
    if (local_keys.size() > 2) local_keys.erase(local_keys.begin());
    const absl::Duration interval = cfg().peer_key_rekey_interval();
    metadata_next_rekey = interval == absl::InfiniteDuration()
                              ? absl::InfiniteFuture()
                              : now + interval;
    // Leader to redundant nodes.
    for (size_t i = 1; i < r_.options_.nodes.size(); ++i) {
      SecurityMessage m;
      m.type = MessageType::kNodeSync;
      m.key_index = local_keys.back().index;
      m.iv = r_.random_.Bytes(kSvrIvSize);
      auto wrapped = WrapKey(*inter_node_key,
                             NodeSyncAad(r_.options_.router_name, m.key_index),
                             m.iv, local_keys.back().key->bytes());
      if (!wrapped.ok()) return wrapped.status();
      m.wrapped = std::move(*wrapped);
      auto bytes = EncodeMessage(m);
      if (!bytes.ok()) return bytes.status();
      Action s;
      s.kind = Action::Kind::kNodeSync;
      s.node = r_.options_.nodes[i];
      s.key_id = m.key_index;
      s.bytes = std::move(*bytes);
      out.push_back(std::move(s));
    }
    PushMetadataKey(out, now);
    return absl::OkStatus();
  }

  const LocalMetadataKey* FindLocalKey(uint32_t index) const {
    for (const LocalMetadataKey& k : local_keys) {
      if (k.index == index) return &k;
    }
    return nullptr;
  }
  // ---- The receive steps ReceivePacket and ForwardPacket share ----

  using SessionKey = std::pair<std::string, uint32_t>;

  // The session `key` names (null if none yet), after refusing a nonce its
  // window has seen.
  absl::StatusOr<ReceiveSession*> SessionIfNotReplayed(
      const SessionKey& key, const ParsedPacket& packet) {
    auto it = receive_sessions.find(key);
    if (it == receive_sessions.end()) return nullptr;
    if (!it->second.window.Check(packet.header.nonce)) {
      ++r_.counters_.packet_replayed;
      return absl::PermissionDeniedError(
          absl::StrCat("nonce ", packet.header.nonce, " replayed"));
    }
    return &it->second;
  }

  // The metadata TLV authenticated and decrypted under our metadata key of
  // the index the packet names.
  absl::StatusOr<MetadataPlaintext> OpenMetadataTlv(
      const ParsedPacket& packet) {
    const LocalMetadataKey* local_key = FindLocalKey(packet.metadata_key_index);
    if (local_key == nullptr) {
      ++r_.counters_.packet_unknown_key_index;
      return absl::PermissionDeniedError(absl::StrCat(
          "metadata key index ", packet.metadata_key_index, " unknown"));
    }
    absl::StatusOr<MetadataPlaintext> opened =
        OpenMetadata(packet, *local_key->key);
    if (!opened.ok()) ++r_.counters_.packet_authentication_failed;
    return opened;
  }

  // After a TLV authenticated: the session, created if new (within
  // RouterOptions::max_sessions), takes the packet's payload key when its
  // generation is newer (a late TLV of an older generation never rolls the
  // session back) and the session metadata.
  absl::StatusOr<ReceiveSession*> AdoptPayloadKey(
      const SessionKey& key, ReceiveSession* session,
      const ParsedPacket& packet, std::shared_ptr<SvrKey> payload_key,
      std::vector<uint8_t> metadata) {
    if (session == nullptr) {
      if (receive_sessions.size() >= r_.options_.max_sessions) {
        ++r_.counters_.packet_session_limit;
        return absl::ResourceExhaustedError("sessions: limit reached");
      }
      session = &receive_sessions.emplace(key, ReceiveSession{}).first->second;
    }
    if (NewerGeneration(packet.header.generation, session->generation)) {
      session->previous = session->key;
      session->key = std::move(payload_key);
      session->generation = packet.header.generation;
    }
    session->metadata = std::move(metadata);
    return session;
  }

  // For a packet without the TLV: the session's payload key of the packet's
  // generation (the current one or the one before), once the payload tag
  // verified under it.
  absl::StatusOr<std::shared_ptr<SvrKey>> SessionPayloadKey(
      ReceiveSession* session, const ParsedPacket& packet) {
    if (session == nullptr) {
      ++r_.counters_.packet_unknown_session;
      return absl::NotFoundError(
          absl::StrCat("session ", packet.header.session_id, " unknown"));
    }
    std::shared_ptr<SvrKey> key;
    if (packet.header.generation == session->generation) {
      key = session->key;
    } else if (session->previous &&
               static_cast<uint16_t>(packet.header.generation + 1) ==
                   session->generation) {
      key = session->previous;
    }
    if (key == nullptr) {
      ++r_.counters_.packet_unknown_session;
      return absl::NotFoundError(absl::StrCat(
          "payload key generation ", packet.header.generation, " unknown"));
    }
    if (absl::Status s = VerifyPayloadTag(packet, *key); !s.ok()) {
      ++r_.counters_.packet_authentication_failed;
      return s;
    }
    return key;
  }

  // ----- receiving BFD metadata -----
  void Handle(std::vector<Action>& out, Path& path, Peer& peer,
              const SecurityMessage& m, absl::Time now) {
    Counters& c = r_.counters_;
    const std::string& them = peer.spec.peering_common_name;
    switch (m.type) {
      case MessageType::kCertificate: {
        std::vector<crypto::Certificate> chain;
        for (const auto& der : m.certificates) {
          auto cert = crypto::Certificate::FromDer(der);
          if (!cert.ok()) {
            ++c.bfd_malformed;
            return;
          }
          chain.push_back(std::move(*cert));
        }
        std::vector<uint8_t> digest = Sha256(chain.front().der());
        const bool changed = digest != peer.chain_digest;
        if (changed) {
          peer.chain = std::move(chain);
          peer.chain_digest = digest;
          if (peer.removed) {
            // A new certificate re-admits a peer removed by fail-hard; it is
            // graded below like any other.
            peer.removed = false;
          }
          GradePeer(out, peer, now);
          if (peer.check.grade == CertificateGrade::kUntrusted ||
              peer.removed) {
            peer.public_key.reset();
            ++c.bfd_authentication_failed;
            return;
          }
          peer.public_key = peer.chain.front().public_key();
        } else if (peer.removed || !peer.public_key) {
          ++c.bfd_authentication_failed;
          return;
        }
        path.cert_rec = true;
        Progress(path, now);
        SecurityMessage ack;
        ack.type = MessageType::kCertificateAck;
        ack.digest = digest;
        Send(out, path.id, EncodeMessage(ack));
        return;
      }
      case MessageType::kCertificateAck:
        if (m.digest != Sha256(r_.identity_.leaf().der())) {
          ++c.bfd_stale;
          return;
        }
        path.cert_ack = true;
        Progress(path, now);
        return;
      case MessageType::kSalt: {
        if (!peer.public_key || peer.removed) {
          ++c.bfd_not_ready;
          return;
        }
        if (!peer.public_key
                 ->Verify(SchemeFor(peer.public_key->type()),
                          SaltTranscript(them, me(), m.salt), m.signature)
                 .ok()) {
          ++c.bfd_authentication_failed;
          return;
        }
        if (!peer.peer_salt.empty() && m.salt != peer.peer_salt) {
          // A new salt means the peer restarted (or re-salted): it needs our
          // certificate, salt and metadata key again on every path.
          // Its old metadata keys and exchange state are gone with it; key
          // ids start again (they are unique per salt pair, and the salts
          // are in every signed transcript and in the peer-key KDF).
          for (auto& [id, p] : paths) {
            if (id.peer != path.id.peer) continue;
            p.cert_ack = p.salt_ack = p.key_ack = p.key_rec = false;
            p.next_send = now;
          }
          peer.local_salt_acked = false;
          peer.metadata_keys.clear();
          peer.exchange.reset();
          peer.response_id = 0;
          peer.response.clear();
          peer.response_request_public.clear();
          peer.highest_key_id = 0;
          peer.installed_key_id = 0;
        }
        peer.peer_salt = m.salt;
        path.salt_rec = true;
        Progress(path, now);
        SecurityMessage ack;
        ack.type = MessageType::kSaltAck;
        ack.salt = m.salt;
        Send(out, path.id, EncodeMessage(ack));
        StartExchangeIfNeeded(out, peer, now);
        return;
      }
      case MessageType::kSaltAck:
        if (m.salt != peer.local_salt) {
          ++c.bfd_stale;
          return;
        }
        path.salt_ack = true;
        peer.local_salt_acked = true;
        Progress(path, now);
        StartExchangeIfNeeded(out, peer, now);
        return;
      case MessageType::kKeyRequest:
        HandleKeyRequest(out, path, peer, m, now);
        return;
      case MessageType::kKeyResponse:
        HandleKeyResponse(out, path, peer, m, now);
        return;
      case MessageType::kMetadataKey: {
        const Peer::PeerKey* pk = peer.FindKey(m.key_id);
        if (pk == nullptr || peer.removed) {
          ++c.bfd_stale;
          return;
        }
        auto key = UnwrapKey(*pk->key,
                             MetadataKeyAad(them, me(), m.key_id, m.key_index),
                             m.iv, m.wrapped);
        if (!key.ok()) {
          ++c.bfd_authentication_failed;
          return;
        }
        const uint32_t newest =
            peer.metadata_keys.empty() ? 0 : peer.metadata_keys.back().index;
        if (m.key_index < newest) {
          ++c.bfd_stale;  // an old push replayed or delayed: no ack
          return;
        }
        if (m.key_index > newest) {
          auto svr_key = SvrKey::Create(std::move(*key));
          if (!svr_key.ok()) return;
          Peer::MetadataKey mk;
          mk.index = m.key_index;
          mk.key = std::make_shared<SvrKey>(std::move(*svr_key));
          mk.usable_from = peer.metadata_keys.empty()
                               ? now
                               : now + r_.options_.key_activation_delay;
          Action a;
          a.kind = Action::Kind::kPeerMetadataKeyInstalled;
          a.peer = peer.spec.router_name;
          a.key_id = mk.index;
          a.fingerprint = mk.key->Fingerprint();
          out.push_back(a);
          peer.metadata_keys.push_back(std::move(mk));
          if (peer.metadata_keys.size() > 2) {
            peer.metadata_keys.erase(peer.metadata_keys.begin());
          }
          // Every path of this peer has to see the new key again.
          for (auto& [id, p] : paths) {
            if (id.peer == path.id.peer) p.key_rec = false;
          }
        }
        path.key_rec = true;
        Progress(path, now);
        SecurityMessage ack;
        ack.type = MessageType::kMetadataKeyAck;
        ack.key_id = m.key_id;
        ack.key_index = m.key_index;
        ack.tag.resize(kSvrTagSize);
        std::vector<uint8_t> data =
            MetadataKeyAckData(me(), them, m.key_id, m.key_index);
        if (!pk->key->Tag({data}, absl::MakeSpan(ack.tag)).ok()) return;
        Send(out, path.id, EncodeMessage(ack));
        return;
      }
      case MessageType::kMetadataKeyAck: {
        const Peer::PeerKey* pk = peer.FindKey(m.key_id);
        if (pk == nullptr || peer.removed) {
          ++c.bfd_stale;
          return;
        }
        std::vector<uint8_t> data =
            MetadataKeyAckData(them, me(), m.key_id, m.key_index);
        if (!pk->key->CheckTag({data}, m.tag).ok()) {
          ++c.bfd_authentication_failed;
          return;
        }
        Progress(path, now);
        if (local_keys.empty() || m.key_index != local_keys.back().index) {
          ++c.bfd_stale;
          return;
        }
        path.key_ack = true;
        peer.acked_local_index = m.key_index;
        peer.any_local_acked = true;
        return;
      }
      case MessageType::kNodeSync:
        ++c.bfd_stale;  // only between the nodes of one router
        return;
    }
  }

  void StartExchangeIfNeeded(std::vector<Action>& out, Peer& peer,
                             absl::Time now) {
    if (peer.peer_keys.empty()) StartExchange(out, peer, now);
  }

  void HandleKeyRequest(std::vector<Action>& out, Path& path, Peer& peer,
                        const SecurityMessage& m, absl::Time now) {
    Counters& c = r_.counters_;
    const std::string& them = peer.spec.peering_common_name;
    if (!peer.public_key || peer.peer_salt.empty() || peer.removed) {
      ++c.bfd_not_ready;
      return;
    }
    // A duplicate of the request we answered: same answer, same key.
    if (m.key_id == peer.response_id &&
        m.public_value == peer.response_request_public) {
      Progress(path, now);
      Send(out, path.id, peer.response);
      return;
    }
    // Requests for ids at or below an installed key are replays. A request
    // colliding with ours may carry any newer id.
    if (m.key_id <= peer.installed_key_id) {
      ++c.bfd_stale;
      return;
    }
    if (m.group != static_cast<uint16_t>(cfg().key_exchange_algorithm)) {
      ++c.bfd_authentication_failed;
      key_change_error = absl::StrCat("peer ", peer.spec.router_name,
                                      " key exchange group ", m.group);
      return;
    }
    if (!peer.public_key
             ->Verify(SchemeFor(peer.public_key->type()),
                      KeyRequestTranscript(them, me(), m.key_id, m.group,
                                           m.public_value, peer.peer_salt,
                                           peer.local_salt),
                      m.signature)
             .ok()) {
      ++c.bfd_authentication_failed;
      return;
    }
    Progress(path, now);
    if (peer.exchange) {
      // Collision: the lower peering-common-name keeps its request.
      if (me() < them) {
        return;
      }
      peer.exchange.reset();
    }
    auto group = crypto::KeyExchangeGroupFromNumber(m.group);
    if (!group.ok()) return;
    auto kx = crypto::KeyExchange::Generate(*group, r_.random_);
    if (!kx.ok()) {
      key_change_error = std::string(kx.status().message());
      return;
    }
    auto secret = (*kx)->ComputeSharedSecret(m.public_value);
    if (!secret.ok()) {
      ++c.bfd_authentication_failed;
      key_change_error = std::string(secret.status().message());
      return;
    }
    SecurityMessage resp;
    resp.type = MessageType::kKeyResponse;
    resp.key_id = m.key_id;
    resp.group = m.group;
    resp.public_value = (*kx)->public_value();
    auto sig = r_.identity_.key.Sign(
        SchemeFor(r_.identity_.key.type()),
        KeyResponseTranscript(me(), them, m.key_id, m.group, m.public_value,
                              resp.public_value, peer.local_salt,
                              peer.peer_salt));
    if (!sig.ok()) {
      key_change_error = std::string(sig.status().message());
      return;
    }
    resp.signature = std::move(*sig);
    auto bytes = EncodeMessage(resp);
    if (!bytes.ok()) return;
    peer.response_id = m.key_id;
    peer.response_request_public = m.public_value;
    peer.response = *bytes;
    InstallPeerKey(out, peer, m.key_id, std::move(*secret), now);
    Send(out, path.id, std::move(*bytes));
    AfterNewPeerKey(out, peer, now);
  }

  void HandleKeyResponse(std::vector<Action>& out, Path& path, Peer& peer,
                         const SecurityMessage& m, absl::Time now) {
    Counters& c = r_.counters_;
    const std::string& them = peer.spec.peering_common_name;
    if (!peer.exchange || m.key_id != peer.exchange->id || !peer.public_key) {
      ++c.bfd_stale;
      return;
    }
    if (m.group != static_cast<uint16_t>(peer.exchange->kx->group())) {
      ++c.bfd_authentication_failed;
      return;
    }
    if (!peer.public_key
             ->Verify(SchemeFor(peer.public_key->type()),
                      KeyResponseTranscript(them, me(), m.key_id, m.group,
                                            peer.exchange->kx->public_value(),
                                            m.public_value, peer.peer_salt,
                                            peer.local_salt),
                      m.signature)
             .ok()) {
      ++c.bfd_authentication_failed;
      return;
    }
    auto secret = peer.exchange->kx->ComputeSharedSecret(m.public_value);
    if (!secret.ok()) {
      ++c.bfd_authentication_failed;
      key_change_error = std::string(secret.status().message());
      return;
    }
    Progress(path, now);
    const uint32_t id = peer.exchange->id;
    peer.exchange.reset();
    InstallPeerKey(out, peer, id, std::move(*secret), now);
    AfterNewPeerKey(out, peer, now);
  }

  // After the first peer key, push our metadata key on every path. After a
  // rekey, push it again (under the key the peer certainly has) so that a
  // peer that restarted learns it; the acks confirm the new key works.
  void AfterNewPeerKey(std::vector<Action>& out, Peer& peer, absl::Time now) {
    for (auto& [id, path] : paths) {
      if (id.peer != peer.spec.router_name || !path.up) continue;
      path.key_ack = false;
      Send(out, id, MetadataKeyMessage(peer, now));
      if (!path.outstanding) {
        path.outstanding = true;
        path.last_progress = now;
      }
      path.next_send = now + RetransmitInterval(path);
    }
  }

  // ----- timers -----
  void Tick(std::vector<Action>& out, absl::Time now) {
    if (now >= next_cert_check) {
      GradeSelf(out, now);
      for (auto& [name, peer] : peers) GradePeer(out, peer, now);
      next_cert_check = now + r_.options_.certificate_check_interval;
    }
    if (now >= next_session_purge) {
      for (auto it = receive_sessions.begin(); it != receive_sessions.end();) {
        it = now - it->second.last_seen >= r_.options_.session_idle_timeout
                 ? receive_sessions.erase(it)
                 : std::next(it);
      }
      next_session_purge = now + absl::Minutes(1);
    }
    if (now >= metadata_next_rekey) {
      if (auto s = GenerateMetadataKey(out, now); !s.ok()) {
        config_key_change_error = std::string(s.message());
        metadata_next_rekey = now + cfg().retransmit_interval();
      }
    }
    for (auto& [name, peer] : peers) {
      if (peer.removed) continue;
      if (peer.peer_keys.empty() && ReadyForExchange(peer)) {
        StartExchange(out, peer, now);
      } else if (now >= peer.next_rekey && ReadyForExchange(peer)) {
        StartExchange(out, peer, now);
      }
      // Abandon an exchange that got no answer for a whole timeout; the
      // next one starts at once with a fresh key pair.
      if (peer.exchange && now - peer.exchange->started >= cfg().timeout()) {
        key_change_error =
            absl::StrCat("peer ", name, ": no key response within ",
                         cfg().peer_key_timeout_seconds, " s");
        peer.exchange.reset();
        // The salts may disagree (a lost or replayed SALT): exchange them
        // again before the next attempt.
        peer.local_salt_acked = false;
        for (auto& [id, path] : paths) {
          if (id.peer == name) path.salt_ack = false;
        }
        StartExchange(out, peer, now);
      }
    }
    for (auto& [id, path] : paths) {
      Peer& peer = peers.at(id.peer);
      if (!path.up || peer.removed) continue;
      const bool outstanding = HasOutstanding(path, peer);
      if (outstanding && !path.outstanding) path.last_progress = now;
      path.outstanding = outstanding;
      if (!outstanding) continue;
      if (!path.timed_out && now - path.last_progress >= cfg().timeout()) {
        path.timed_out = true;
        path.next_send = now;
      }
      if (now >= path.next_send) {
        SendOutstanding(out, path, now);
        path.next_send = now + RetransmitInterval(path);
      }
    }
    UpdateService(out, now);
  }

  absl::Time NextTimer() const {
    absl::Time t = std::min(next_cert_check, metadata_next_rekey);
    if (!receive_sessions.empty()) t = std::min(t, next_session_purge);
    for (const auto& [name, peer] : peers) {
      if (peer.removed) continue;
      if (ReadyForExchange(peer)) t = std::min(t, peer.next_rekey);
      if (peer.exchange)
        t = std::min(t, peer.exchange->started + cfg().timeout());
    }
    for (const auto& [id, path] : paths) {
      const Peer& peer = peers.at(id.peer);
      if (!path.up || peer.removed || !HasOutstanding(path, peer)) continue;
      t = std::min(t, path.next_send);
      if (!path.timed_out)
        t = std::min(t, path.last_progress + cfg().timeout());
    }
    return t;
  }
};

// ---------------------------------------------------------------------------

SvrRouter::SvrRouter(RouterOptions options, RouterIdentity identity,
                     CertificateValidator validator, crypto::Random& random)
    : options_(std::move(options)),
      identity_(std::move(identity)),
      validator_(std::move(validator)),
      random_(random),
      impl_(std::make_unique<Impl>(*this)) {}

SvrRouter::~SvrRouter() = default;

absl::StatusOr<std::unique_ptr<SvrRouter>> SvrRouter::Create(
    RouterOptions options, RouterIdentity identity,
    CertificateValidator validator, crypto::Random& random, absl::Time now) {
  if (options.router_name.empty()) {
    return absl::InvalidArgumentError("router name: empty");
  }
  if (options.nodes.empty()) options.nodes.push_back(options.router_name);
  if (options.metadata_packets < 1 || options.metadata_packets > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata_packets: ", options.metadata_packets, " outside 1..1000"));
  }
  if (identity.chain.empty()) {
    return absl::InvalidArgumentError("identity: no certificate");
  }
  if (identity.leaf().common_name() != identity.peering_common_name) {
    return absl::InvalidArgumentError(
        absl::StrCat("peering-common-name: '", identity.peering_common_name,
                     "' does not match certificate common name '",
                     identity.leaf().common_name(), "'"));
  }
  auto group = crypto::KeyExchangeGroupFromNumber(
      static_cast<uint16_t>(options.config.key_exchange_algorithm));
  if (!group.ok()) return group.status();
  std::set<std::string> names;
  for (const PeerSpec& p : options.peers) {
    if (p.peering_common_name == identity.peering_common_name) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer '", p.router_name, "': peering-common-name '",
                       p.peering_common_name, "' is this router's own"));
    }
    if (p.peering_common_name.empty() ||
        p.peering_common_name.size() > kMaxPeeringCommonNameSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer '", p.router_name, "': peering-common-name '",
                       p.peering_common_name, "' must be 1..64 bytes"));
    }
    if (!names.insert(p.router_name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer '", p.router_name, "' listed twice"));
    }
  }
  auto inter = InterNodeKey(identity, options.router_name);
  if (!inter.ok()) return inter.status();
  auto inter_key = SvrKey::Create(std::move(*inter));
  if (!inter_key.ok()) return inter_key.status();
  std::unique_ptr<SvrRouter> r(new SvrRouter(
      std::move(options), std::move(identity), std::move(validator), random));
  r->impl_->inter_node_key = std::make_shared<SvrKey>(std::move(*inter_key));
  for (const PeerSpec& spec : r->options_.peers) {
    Peer& peer = r->impl_->peers[spec.router_name];
    peer.spec = spec;
    r->impl_->NewSalt(peer);
  }
  std::vector<Action> ignored;
  if (auto s = r->impl_->GenerateMetadataKey(ignored, now); !s.ok()) return s;
  return r;
}

const std::string& SvrRouter::peering_common_name() const {
  return identity_.peering_common_name;
}

uint32_t SvrRouter::metadata_key_index() const {
  return impl_->local_keys.empty() ? 0 : impl_->local_keys.back().index;
}

std::vector<Action> SvrRouter::AddPath(const PathId& path, absl::Time now) {
  std::vector<Action> out;
  if (impl_->peers.count(path.peer) == 0) return out;
  if (impl_->paths.count(path) != 0) return out;
  Path& p = impl_->paths[path];
  p.id = path;
  p.up = true;
  p.next_send = now;
  p.last_progress = now;
  impl_->Tick(out, now);
  return out;
}

std::vector<Action> SvrRouter::SetInterfaceState(const PathId& path, bool up,
                                                 absl::Time now) {
  std::vector<Action> out;
  auto it = impl_->paths.find(path);
  if (it == impl_->paths.end()) return out;
  Path& p = it->second;
  p.up = up;
  if (up) {
    // The seed: rekey attempts continue on an interface state change.
    p.timed_out = false;
    p.next_send = now;
    p.last_progress = now;
    Peer& peer = impl_->peers.at(path.peer);
    if (peer.exchange) peer.exchange->started = now;
  }
  impl_->Tick(out, now);
  return out;
}

std::vector<Action> SvrRouter::OnBfdMetadata(const PathId& path,
                                             absl::Span<const uint8_t> bytes,
                                             absl::Time now) {
  std::vector<Action> out;
  ++counters_.bfd_messages_received;
  auto it = impl_->paths.find(path);
  if (it == impl_->paths.end() || !it->second.up) {
    ++counters_.bfd_not_ready;
    return out;
  }
  auto m = ParseMessage(bytes);
  if (!m.ok()) {
    ++counters_.bfd_malformed;
    return out;
  }
  impl_->Handle(out, it->second, impl_->peers.at(path.peer), *m, now);
  impl_->Tick(out, now);
  return out;
}

std::vector<Action> SvrRouter::OnTimer(absl::Time now) {
  std::vector<Action> out;
  impl_->Tick(out, now);
  return out;
}

absl::Time SvrRouter::NextTimer() const { return impl_->NextTimer(); }

std::vector<Action> SvrRouter::RegenerateMetadataKey(absl::Time now) {
  std::vector<Action> out;
  if (auto s = impl_->GenerateMetadataKey(out, now); !s.ok()) {
    impl_->config_key_change_error = std::string(s.message());
  } else {
    ++impl_->metadata_config_changes;
    impl_->config_key_change_error.clear();
  }
  impl_->Tick(out, now);
  return out;
}

std::vector<Action> SvrRouter::RekeyPeer(absl::string_view peer,
                                         absl::Time now) {
  std::vector<Action> out;
  auto it = impl_->peers.find(std::string(peer));
  if (it == impl_->peers.end()) return out;
  impl_->StartExchange(out, it->second, now);
  impl_->Tick(out, now);
  return out;
}

std::vector<Action> SvrRouter::SetCrls(std::vector<crypto::Crl> crls,
                                       absl::Time now) {
  validator_.SetCrls(std::move(crls));
  impl_->next_cert_check = now;
  std::vector<Action> out;
  impl_->Tick(out, now);
  return out;
}

void SvrRouter::OnNodeSyncAck(absl::string_view node, uint32_t index,
                              absl::Time now) {
  uint32_t& synced = impl_->node_synced_index[std::string(node)];
  synced = std::max(synced, index);
}

bool SvrRouter::PeerInService(absl::string_view peer) const {
  for (const auto& [id, path] : impl_->paths) {
    if (id.peer == peer && path.in_service) return true;
  }
  return false;
}

// ----- data plane -----------------------------------------------------------

absl::StatusOr<uint32_t> SvrRouter::OpenSession(
    absl::string_view peer, absl::Span<const uint8_t> metadata,
    absl::Time now) {
  auto it = impl_->peers.find(std::string(peer));
  if (it == impl_->peers.end()) {
    return absl::NotFoundError(absl::StrCat("peer '", peer, "' unknown"));
  }
  if (it->second.metadata_keys.empty() || it->second.removed) {
    return absl::UnavailableError(
        absl::StrCat("peer '", peer, "': no metadata key yet"));
  }
  if (metadata.size() > kMaxSessionMetadataSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "session metadata: length ", metadata.size(), " exceeds 1000"));
  }
  if (impl_->send_sessions.size() >= options_.max_sessions) {
    return absl::ResourceExhaustedError("sessions: limit reached");
  }
  uint32_t id = 0;
  do {
    id = random_.Uniform32();
  } while (id == 0 || impl_->send_sessions.count(id) != 0);
  auto key = SvrKey::Create(random_.Secret(kSvrKeySize));
  if (!key.ok()) return key.status();
  SendSession& s = impl_->send_sessions[id];
  s.peer = std::string(peer);
  s.metadata.assign(metadata.begin(), metadata.end());
  s.payload_key = std::make_shared<SvrKey>(std::move(*key));
  s.key_created = now;
  s.metadata_left = options_.metadata_packets;
  return id;
}

void SvrRouter::CloseSession(uint32_t session_id) {
  impl_->send_sessions.erase(session_id);
}

absl::StatusOr<std::vector<uint8_t>> SvrRouter::SendPacket(
    uint32_t session_id, absl::Span<const uint8_t> payload, absl::Time now) {
  auto it = impl_->send_sessions.find(session_id);
  if (it == impl_->send_sessions.end()) {
    return absl::NotFoundError(absl::StrCat("session ", session_id));
  }
  SendSession& s = it->second;
  Peer& peer = impl_->peers.at(s.peer);
  const Peer::MetadataKey* mk = peer.SendMetadataKey(now);
  if (mk == nullptr || peer.removed) {
    return absl::UnavailableError(
        absl::StrCat("peer '", s.peer, "': no metadata key"));
  }
  if (now - s.key_created >= options_.config.payload_key_rekey_interval()) {
    auto key = SvrKey::Create(random_.Secret(kSvrKeySize));
    if (!key.ok()) return key.status();
    s.payload_key = std::make_shared<SvrKey>(std::move(*key));
    s.generation = s.generation == 0xffff ? 1 : s.generation + 1;
    s.key_created = now;
    s.metadata_left = options_.metadata_packets;
  }
  PacketHeader h;
  h.generation = s.generation;
  h.session_id = session_id;
  h.nonce = s.nonce + 1;
  auto bytes =
      SealPacket(h, s.metadata_left > 0 ? mk->key.get() : nullptr, mk->index,
                 *s.payload_key, s.metadata, payload, random_);
  if (!bytes.ok()) return bytes.status();
  s.nonce = h.nonce;
  if (s.metadata_left > 0) --s.metadata_left;
  ++counters_.packets_sent;
  return bytes;
}

absl::StatusOr<SvrRouter::Received> SvrRouter::ReceivePacket(
    absl::string_view from_peer, absl::Span<const uint8_t> bytes,
    absl::Time now) {
  auto parsed = ParsePacket(bytes);
  if (!parsed.ok()) {
    ++counters_.packet_malformed;
    return parsed.status();
  }
  auto peer_it = impl_->peers.find(std::string(from_peer));
  if (peer_it == impl_->peers.end() || peer_it->second.removed) {
    ++counters_.packet_unknown_session;
    return absl::NotFoundError(absl::StrCat("peer '", from_peer, "'"));
  }
  const Impl::SessionKey key(std::string(from_peer), parsed->header.session_id);
  absl::StatusOr<ReceiveSession*> session =
      impl_->SessionIfNotReplayed(key, *parsed);
  if (!session.ok()) return session.status();
  std::shared_ptr<SvrKey> payload_key;
  if (parsed->has_metadata) {
    absl::StatusOr<MetadataPlaintext> opened = impl_->OpenMetadataTlv(*parsed);
    if (!opened.ok()) return opened.status();
    absl::StatusOr<SvrKey> packet_key =
        SvrKey::Create(std::move(opened->payload_key));
    if (!packet_key.ok()) return packet_key.status();
    // This packet decrypts under its own key, even when it is an older
    // generation than the session keeps.
    payload_key = std::make_shared<SvrKey>(*std::move(packet_key));
    session = impl_->AdoptPayloadKey(key, *session, *parsed, payload_key,
                                     std::move(opened->session_metadata));
    if (!session.ok()) return session.status();
  } else {
    absl::StatusOr<std::shared_ptr<SvrKey>> session_key =
        impl_->SessionPayloadKey(*session, *parsed);
    if (!session_key.ok()) return session_key.status();
    payload_key = *std::move(session_key);
  }
  ReceiveSession& rs = **session;
  rs.window.Update(parsed->header.nonce);
  rs.last_seen = now;
  auto payload = DecryptPayload(*parsed, *payload_key);
  if (!payload.ok()) {
    ++counters_.packet_malformed;
    return payload.status();
  }
  ++counters_.packets_received;
  Received out;
  out.session_id = parsed->header.session_id;
  out.session_metadata = rs.metadata;
  out.payload = std::move(*payload);
  return out;
}

absl::StatusOr<std::vector<uint8_t>> SvrRouter::ForwardPacket(
    absl::string_view from_peer, absl::string_view to_peer,
    absl::Span<const uint8_t> bytes, absl::Time now) {
  auto to_it = impl_->peers.find(std::string(to_peer));
  if (to_it == impl_->peers.end() || to_it->second.removed) {
    return absl::NotFoundError(absl::StrCat("peer '", to_peer, "'"));
  }
  const Peer::MetadataKey* next = to_it->second.SendMetadataKey(now);
  if (next == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("peer '", to_peer, "': no metadata key"));
  }
  // Authenticate, replay-check and learn the payload key exactly as the
  // final receiver would, without decrypting the payload.
  auto parsed = ParsePacket(bytes);
  if (!parsed.ok()) {
    ++counters_.packet_malformed;
    return parsed.status();
  }
  const Impl::SessionKey key(std::string(from_peer), parsed->header.session_id);
  absl::StatusOr<ReceiveSession*> session =
      impl_->SessionIfNotReplayed(key, *parsed);
  if (!session.ok()) return session.status();
  std::vector<uint8_t> out;
  if (parsed->has_metadata) {
    absl::StatusOr<MetadataPlaintext> opened = impl_->OpenMetadataTlv(*parsed);
    if (!opened.ok()) return opened.status();
    absl::StatusOr<std::vector<uint8_t>> rewrapped =
        RewrapMetadata(*parsed, *opened, *next->key, next->index, random_);
    if (!rewrapped.ok()) return rewrapped.status();
    absl::StatusOr<SvrKey> packet_key =
        SvrKey::Create(std::move(opened->payload_key));
    if (!packet_key.ok()) return packet_key.status();
    session =
        impl_->AdoptPayloadKey(key, *session, *parsed,
                               std::make_shared<SvrKey>(*std::move(packet_key)),
                               std::move(opened->session_metadata));
    if (!session.ok()) return session.status();
    out = *std::move(rewrapped);
  } else {
    absl::StatusOr<std::shared_ptr<SvrKey>> session_key =
        impl_->SessionPayloadKey(*session, *parsed);
    if (!session_key.ok()) return session_key.status();
    out.assign(bytes.begin(), bytes.end());
  }
  ReceiveSession& rs = **session;
  rs.window.Update(parsed->header.nonce);
  rs.last_seen = now;
  ++counters_.packets_forwarded;
  return out;
}

// ----- status ----------------------------------------------------------------

std::vector<PeerStatus> SvrRouter::Peers(absl::Time now) const {
  std::vector<PeerStatus> out;
  for (const auto& [name, peer] : impl_->peers) {
    PeerStatus s;
    s.name = name;
    s.peering_common_name = peer.spec.peering_common_name;
    s.removed = peer.removed;
    s.certificate = peer.check;
    s.have_certificate = !peer.chain.empty();
    s.public_key_valid = peer.public_key.has_value();
    s.local_salt = peer.local_salt;
    s.remote_salt = peer.peer_salt;
    s.have_peer_key = !peer.peer_keys.empty();
    if (s.have_peer_key) {
      const Peer::PeerKey* k = peer.SendKey(now);
      s.peer_key_id = k->id;
      s.peer_key_fingerprint = k->key->Fingerprint();
    }
    s.next_peer_rekey = peer.next_rekey;
    s.peer_rekey_count = peer.rekey_count;
    s.local_metadata_index = metadata_key_index();
    s.local_metadata_keys = static_cast<int>(impl_->local_keys.size());
    s.remote_metadata_index =
        peer.metadata_keys.empty() ? 0 : peer.metadata_keys.back().index;
    s.remote_metadata_keys = static_cast<int>(peer.metadata_keys.size());
    s.acked_local_index = peer.acked_local_index;
    for (const auto& [id, path] : impl_->paths) {
      if (id.peer != name) continue;
      PathStatus ps;
      ps.id = id;
      ps.up = path.up;
      ps.in_service = path.in_service;
      ps.state = impl_->StateOf(path, peer);
      ps.cert_rec = path.cert_rec;
      ps.cert_ack = path.cert_ack;
      ps.salt_rec = path.salt_rec;
      ps.salt_ack = path.salt_ack;
      ps.key_rec = path.key_rec;
      ps.key_ack = path.key_ack;
      s.paths.push_back(ps);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<NodeKeyStatus> SvrRouter::KeyStatus(absl::Time now) const {
  std::vector<NodeKeyStatus> out;
  absl::Time next_rekey = absl::InfiniteFuture();
  for (const auto& [name, peer] : impl_->peers) {
    if (!peer.removed) next_rekey = std::min(next_rekey, peer.next_rekey);
  }
  for (size_t i = 0; i < options_.nodes.size(); ++i) {
    NodeKeyStatus s;
    s.node = options_.nodes[i];
    s.leader = i == 0;
    s.rekey_index = impl_->rekey_index;
    s.last_rekey = impl_->last_rekey;
    s.next_rekey = next_rekey;
    s.key_change_count = impl_->key_changes;
    s.config_key_change_count = impl_->metadata_config_changes;
    s.key_change_error = impl_->key_change_error;
    s.config_key_change_error = impl_->config_key_change_error;
    if (s.leader) {
      s.metadata_rekey_index = metadata_key_index();
    } else {
      auto it = impl_->node_synced_index.find(s.node);
      s.metadata_rekey_index =
          it == impl_->node_synced_index.end() ? 0 : it->second;
    }
    s.metadata_last_rekey = impl_->local_keys.empty()
                                ? absl::InfinitePast()
                                : impl_->local_keys.back().created;
    s.metadata_next_rekey = impl_->metadata_next_rekey;
    out.push_back(s);
  }
  return out;
}

std::vector<Alarm> SvrRouter::ActiveAlarms() const {
  std::vector<Alarm> out;
  for (const auto& [key, alarm] : impl_->alarms) out.push_back(alarm);
  std::sort(out.begin(), out.end(),
            [](const Alarm& a, const Alarm& b) { return a.time < b.time; });
  return out;
}

// ----- redundant node
// ----------------------------------------------------------

absl::StatusOr<RedundantNodeKeyStore> RedundantNodeKeyStore::Create(
    const RouterIdentity& identity, absl::string_view router_name) {
  auto inter = InterNodeKey(identity, router_name);
  if (!inter.ok()) return inter.status();
  auto key = SvrKey::Create(std::move(*inter));
  if (!key.ok()) return key.status();
  return RedundantNodeKeyStore(std::string(router_name), std::move(*key));
}

absl::StatusOr<uint32_t> RedundantNodeKeyStore::OnNodeSync(
    absl::Span<const uint8_t> bytes) {
  auto m = ParseMessage(bytes);
  if (!m.ok()) return m.status();
  if (m->type != MessageType::kNodeSync) {
    return absl::InvalidArgumentError(
        absl::StrCat("node sync: unexpected ", MessageTypeName(m->type)));
  }
  auto key =
      UnwrapKey(*inter_node_key_, NodeSyncAad(router_name_, m->key_index),
                m->iv, m->wrapped);
  if (!key.ok()) return key.status();
  if (m->key_index <= index_) return index_;
  auto svr_key = SvrKey::Create(std::move(*key));
  if (!svr_key.ok()) return svr_key.status();
  key_ = std::make_shared<SvrKey>(std::move(*svr_key));
  index_ = m->key_index;
  return index_;
}

}  // namespace cygnet::keymgmt::svr
