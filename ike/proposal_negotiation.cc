#include "ike/proposal_negotiation.h"

#include <algorithm>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cygnet::ike {
namespace {

using crypto::KeyExchangeGroup;
using crypto::PrfAlgorithm;
using wire::Transform;
using wire::TransformType;

constexpr char kErrorNotifyUrl[] = "type.cygnet/ike.ErrorNotify";

template <typename T>
bool Contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The transforms of one proposal by type, in the sender's order.
struct Grouped {
  std::vector<const Transform*> encryption;
  std::vector<const Transform*> prf;
  std::vector<const Transform*> integrity;
  std::vector<const Transform*> key_exchange;
  std::vector<const Transform*> esn;
  std::vector<uint8_t> unknown_types;
};

Grouped GroupTransforms(const wire::Proposal& proposal) {
  Grouped g;
  for (const Transform& t : proposal.transforms) {
    switch (t.type) {
      case TransformType::kEncryption:
        g.encryption.push_back(&t);
        break;
      case TransformType::kPseudorandomFunction:
        g.prf.push_back(&t);
        break;
      case TransformType::kIntegrity:
        g.integrity.push_back(&t);
        break;
      case TransformType::kKeyExchange:
        g.key_exchange.push_back(&t);
        break;
      case TransformType::kExtendedSequenceNumbers:
        g.esn.push_back(&t);
        break;
      default:
        g.unknown_types.push_back(static_cast<uint8_t>(t.type));
        break;
    }
  }
  return g;
}

// ---- Typed decoding of one transform
// ------------------------------------------

absl::Status CheckAttributes(const Transform& t, bool key_length_allowed) {
  if (!t.other_attributes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        wire::ToString(t.type), " transform ", t.id,
        ": unknown attribute type ", t.other_attributes.front().type));
  }
  if (!key_length_allowed && t.key_length.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(wire::ToString(t.type), " transform ", t.id,
                     ": unexpected Key Length attribute ", *t.key_length));
  }
  return absl::OkStatus();
}

absl::StatusOr<EncryptionAlgorithm> DecodeEncryption(SaProtocol protocol,
                                                     const Transform& t) {
  if (absl::Status s = CheckAttributes(t, true); !s.ok()) return s;
  return EncryptionFromTransform(
      protocol, static_cast<wire::EncryptionId>(t.id), t.key_length);
}

absl::StatusOr<IntegrityAlgorithm> DecodeIntegrity(SaProtocol protocol,
                                                   const Transform& t) {
  if (absl::Status s = CheckAttributes(t, false); !s.ok()) return s;
  return IntegrityFromTransform(protocol, static_cast<wire::IntegrityId>(t.id));
}

absl::StatusOr<PrfAlgorithm> DecodePrf(const Transform& t) {
  if (absl::Status s = CheckAttributes(t, false); !s.ok()) return s;
  return PrfFromTransform(static_cast<wire::PrfId>(t.id));
}

// Group NONE (0) is not a group: callers look for it separately.
absl::StatusOr<KeyExchangeGroup> DecodeGroup(const Transform& t) {
  if (absl::Status s = CheckAttributes(t, false); !s.ok()) return s;
  return GroupFromNumber(t.id);
}

absl::StatusOr<bool> DecodeEsn(const Transform& t) {
  if (absl::Status s = CheckAttributes(t, false); !s.ok()) return s;
  switch (static_cast<wire::EsnId>(t.id)) {
    case wire::EsnId::kNoEsn:
      return false;
    case wire::EsnId::kEsn:
      return true;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("ESN transform ", t.id, " unknown"));
}

std::string TransformName(const Transform& t) {
  std::string name;
  switch (t.type) {
    case TransformType::kEncryption:
      name = wire::ToString(static_cast<wire::EncryptionId>(t.id));
      break;
    case TransformType::kPseudorandomFunction:
      name = wire::ToString(static_cast<wire::PrfId>(t.id));
      break;
    case TransformType::kIntegrity:
      name = wire::ToString(static_cast<wire::IntegrityId>(t.id));
      break;
    case TransformType::kKeyExchange:
      name = absl::StrCat("group ", t.id);
      break;
    case TransformType::kExtendedSequenceNumbers:
      name = wire::ToString(static_cast<wire::EsnId>(t.id));
      break;
    default:
      name = absl::StrCat("transform ", t.id);
      break;
  }
  if (t.key_length.has_value()) absl::StrAppend(&name, "/", *t.key_length);
  return name;
}

bool HasNone(const std::vector<const Transform*>& transforms) {
  for (const Transform* t : transforms) {
    if (t->id == 0) return true;
  }
  return false;
}

// "no acceptable <what> (offered A: why, B: why)" when none of `offered` is
// both decodable and accepted; "" otherwise.
template <typename T>
std::string TypeProblem(
    absl::string_view what, const std::vector<const Transform*>& offered,
    const std::function<absl::StatusOr<T>(const Transform&)>& decode,
    const std::function<bool(const T&)>& acceptable) {
  std::vector<std::string> why;
  for (const Transform* t : offered) {
    absl::StatusOr<T> value = decode(*t);
    if (!value.ok()) {
      why.push_back(
          absl::StrCat(TransformName(*t), ": ", value.status().message()));
    } else if (acceptable(*value)) {
      return "";
    } else {
      why.push_back(
          absl::StrCat(TransformName(*t), ": not configured locally"));
    }
  }
  if (offered.empty()) return absl::StrCat("no ", what, " transform offered");
  return absl::StrCat("no acceptable ", what, " (offered ",
                      absl::StrJoin(why, "; "), ")");
}

std::string UnknownTypesProblem(const Grouped& g) {
  if (g.unknown_types.empty()) return "";
  std::vector<std::string> types;
  for (uint8_t type : g.unknown_types) types.push_back(absl::StrCat(type));
  return absl::StrCat("unknown transform type ", absl::StrJoin(types, ", "),
                      " (RFC 7296 3.3.6: the proposal is unacceptable)");
}

// ---- Error notifies
// ------------------------------------------------------------

absl::Status WithNotify(absl::Status status, wire::NotifyType type,
                        const std::vector<uint8_t>& data) {
  std::string payload;
  const uint16_t value = static_cast<uint16_t>(type);
  payload.push_back(static_cast<char>(value >> 8));
  payload.push_back(static_cast<char>(value & 0xff));
  payload.append(data.begin(), data.end());
  status.SetPayload(kErrorNotifyUrl, absl::Cord(payload));
  return status;
}

std::vector<uint8_t> GroupData(KeyExchangeGroup group) {
  const uint16_t number = GroupNumber(group);
  return {static_cast<uint8_t>(number >> 8),
          static_cast<uint8_t>(number & 0xff)};
}

absl::Status AnswerError(const std::string& reason) {
  return NoProposalChosenError(absl::StrCat("answer rejected: ", reason));
}

// A transform of the answer decoded, or the answer rejected with why.
template <typename T>
absl::StatusOr<T> FromAnswer(absl::StatusOr<T> value) {
  if (!value.ok()) return AnswerError(std::string(value.status().message()));
  return value;
}

// The answer's integrity algorithm; NONE when it has none (AEAD).
absl::StatusOr<IntegrityAlgorithm> AnswerIntegrity(SaProtocol protocol,
                                                   const Grouped& g) {
  if (g.integrity.empty()) return IntegrityAlgorithm::kNone;
  return FromAnswer(DecodeIntegrity(protocol, *g.integrity[0]));
}

// ---- Picks
// -----------------------------------------------------------------------

struct IkePick {
  const Transform* encryption = nullptr;
  const Transform* prf = nullptr;
  const Transform* integrity = nullptr;  // null, or NONE for AEAD
  const Transform* key_exchange = nullptr;
  IkeSuite suite;
};

// Whether an AEAD cipher may be taken from this proposal: no integrity, or
// only NONE (RFC 5282 section 8).
bool AeadCompatibleIntegrity(const Grouped& g) {
  for (const Transform* t : g.integrity) {
    if (t->id != 0) return false;
  }
  return true;
}

const Transform* NoneTransform(
    const std::vector<const Transform*>& transforms) {
  for (const Transform* t : transforms) {
    if (t->id == 0) return t;
  }
  return nullptr;
}

// The KE transforms of `g` in the order to try them: the KE payload's group
// first when offered, then the initiator's order.
std::vector<const Transform*> GroupsToTry(
    const Grouped& g, std::optional<wire::KeyExchangeGroup> preferred) {
  std::vector<const Transform*> order;
  if (preferred.has_value()) {
    for (const Transform* t : g.key_exchange) {
      if (t->id == static_cast<uint16_t>(*preferred)) order.push_back(t);
    }
  }
  for (const Transform* t : g.key_exchange) {
    if (std::find(order.begin(), order.end(), t) == order.end()) {
      order.push_back(t);
    }
  }
  return order;
}

// The cipher half of a proposal, the same for IKE and ESP: the first received
// encryption transform the local config accepts, with its integrity
// transform: NONE or none at all for an AEAD, else the first received
// integrity algorithm the config accepts (RFC 7296 section 3.3.3). Fills
// those fields of `pick` (an IkePick or EspPick); false when nothing fits.
template <typename Config, typename Pick>
bool PickCipher(SaProtocol protocol, const Config& local, const Grouped& g,
                Pick& pick) {
  for (const Transform* t : g.encryption) {
    absl::StatusOr<EncryptionAlgorithm> algorithm =
        DecodeEncryption(protocol, *t);
    if (!algorithm.ok() || !Contains(local.encryption, *algorithm)) continue;
    const Transform* integrity = nullptr;  // stays null for an AEAD without
    IntegrityAlgorithm integrity_algorithm = IntegrityAlgorithm::kNone;
    if (IsAead(*algorithm)) {
      if (!AeadCompatibleIntegrity(g)) continue;
      integrity = NoneTransform(g.integrity);
    } else {
      for (const Transform* i : g.integrity) {
        absl::StatusOr<IntegrityAlgorithm> candidate =
            DecodeIntegrity(protocol, *i);
        if (candidate.ok() && *candidate != IntegrityAlgorithm::kNone &&
            Contains(local.integrity, *candidate)) {
          integrity = i;
          integrity_algorithm = *candidate;
          break;
        }
      }
      if (integrity == nullptr) continue;
    }
    pick.encryption = t;
    pick.integrity = integrity;
    pick.suite.encryption = *algorithm;
    pick.suite.integrity = integrity_algorithm;
    return true;
  }
  return false;
}

std::optional<IkePick> TryIke(const IkeProposalConfig& local, const Grouped& g,
                              std::optional<wire::KeyExchangeGroup> preferred) {
  IkePick pick;
  for (const Transform* t : g.prf) {
    absl::StatusOr<PrfAlgorithm> prf = DecodePrf(*t);
    if (prf.ok() && Contains(local.prf, *prf)) {
      pick.prf = t;
      pick.suite.prf = *prf;
      break;
    }
  }
  for (const Transform* t : GroupsToTry(g, preferred)) {
    absl::StatusOr<KeyExchangeGroup> group = DecodeGroup(*t);
    if (group.ok() && Contains(local.groups, *group)) {
      pick.key_exchange = t;
      pick.suite.group = *group;
      break;
    }
  }
  if (pick.prf == nullptr || pick.key_exchange == nullptr) return std::nullopt;
  if (!PickCipher(SaProtocol::kIke, local, g, pick)) return std::nullopt;
  return pick;
}

std::string IkeProposalProblem(absl::Span<const IkeProposalConfig> local,
                               const wire::Proposal& proposal,
                               const Grouped& g) {
  if (proposal.protocol_id != wire::ProtocolId::kIke) {
    return absl::StrCat("protocol ", wire::ToString(proposal.protocol_id),
                        ", expected IKE");
  }
  if (std::string u = UnknownTypesProblem(g); !u.empty()) return u;
  std::vector<std::string> problems;
  auto any_local = [&](auto member, const auto& value) {
    for (const IkeProposalConfig& c : local) {
      if (Contains(c.*member, value)) return true;
    }
    return false;
  };
  std::string e = TypeProblem<EncryptionAlgorithm>(
      "encryption", g.encryption,
      [](const Transform& t) { return DecodeEncryption(SaProtocol::kIke, t); },
      [&](const EncryptionAlgorithm& v) {
        return any_local(&IkeProposalConfig::encryption, v);
      });
  if (!e.empty()) problems.push_back(e);
  std::string p = TypeProblem<PrfAlgorithm>(
      "PRF", g.prf, DecodePrf, [&](const PrfAlgorithm& v) {
        return any_local(&IkeProposalConfig::prf, v);
      });
  if (!p.empty()) problems.push_back(p);
  std::string i = TypeProblem<IntegrityAlgorithm>(
      "integrity", g.integrity,
      [](const Transform& t) { return DecodeIntegrity(SaProtocol::kIke, t); },
      [&](const IntegrityAlgorithm& v) {
        return v == IntegrityAlgorithm::kNone ||
               any_local(&IkeProposalConfig::integrity, v);
      });
  if (!i.empty() && !g.integrity.empty()) problems.push_back(i);
  std::string k = TypeProblem<KeyExchangeGroup>(
      "KE group", g.key_exchange, DecodeGroup, [&](const KeyExchangeGroup& v) {
        return any_local(&IkeProposalConfig::groups, v);
      });
  if (!k.empty()) problems.push_back(k);
  if (problems.empty()) {
    problems.push_back(
        "no local proposal accepts this combination of transforms (a non-AEAD "
        "cipher needs a configured integrity algorithm; an AEAD cipher must "
        "come without one)");
  }
  return absl::StrJoin(problems, "; ");
}

struct EspPick {
  const Transform* encryption = nullptr;
  const Transform* integrity = nullptr;
  const Transform* key_exchange = nullptr;  // a group, NONE, or null
  const Transform* esn = nullptr;
  EspSuite suite;
};

// The KE part of an ESP proposal: nullopt when unacceptable; otherwise the
// transform to answer with (possibly null) and the PFS group.
struct KePick {
  const Transform* transform = nullptr;
  std::optional<KeyExchangeGroup> group;
};

std::optional<KePick> TryEspKe(
    const EspProposalConfig& local, const Grouped& g, ChildSaExchange exchange,
    std::optional<wire::KeyExchangeGroup> preferred = std::nullopt) {
  if (exchange == ChildSaExchange::kIkeAuth) return KePick{};
  if (!local.pfs_groups.empty()) {
    for (const Transform* t : GroupsToTry(g, preferred)) {
      absl::StatusOr<KeyExchangeGroup> group = DecodeGroup(*t);
      if (group.ok() && Contains(local.pfs_groups, *group)) {
        return KePick{t, *group};
      }
    }
    return std::nullopt;
  }
  if (g.key_exchange.empty()) return KePick{};
  if (const Transform* none = NoneTransform(g.key_exchange)) {
    return KePick{none, std::nullopt};
  }
  return std::nullopt;
}

std::optional<EspPick> TryEsp(const EspProposalConfig& local, const Grouped& g,
                              ChildSaExchange exchange,
                              std::optional<wire::KeyExchangeGroup> preferred) {
  EspPick pick;
  std::optional<KePick> ke = TryEspKe(local, g, exchange, preferred);
  if (!ke.has_value()) return std::nullopt;
  pick.key_exchange = ke->transform;
  pick.suite.pfs_group = ke->group;
  for (const Transform* t : g.esn) {
    absl::StatusOr<bool> esn = DecodeEsn(*t);
    if (esn.ok() && Contains(local.extended_sequence_numbers, *esn)) {
      pick.esn = t;
      pick.suite.extended_sequence_numbers = *esn;
      break;
    }
  }
  if (pick.esn == nullptr) return std::nullopt;
  if (!PickCipher(SaProtocol::kEsp, local, g, pick)) return std::nullopt;
  return pick;
}

std::string EspProposalProblem(absl::Span<const EspProposalConfig> local,
                               const wire::Proposal& proposal, const Grouped& g,
                               ChildSaExchange exchange) {
  if (proposal.protocol_id != wire::ProtocolId::kEsp) {
    return absl::StrCat("protocol ", wire::ToString(proposal.protocol_id),
                        ", expected ESP");
  }
  if (std::string u = UnknownTypesProblem(g); !u.empty()) return u;
  if (!g.prf.empty()) return "PRF transform in an ESP proposal";
  std::vector<std::string> problems;
  auto any_local = [&](auto member, const auto& value) {
    for (const EspProposalConfig& c : local) {
      if (Contains(c.*member, value)) return true;
    }
    return false;
  };
  std::string e = TypeProblem<EncryptionAlgorithm>(
      "encryption", g.encryption,
      [](const Transform& t) { return DecodeEncryption(SaProtocol::kEsp, t); },
      [&](const EncryptionAlgorithm& v) {
        return any_local(&EspProposalConfig::encryption, v);
      });
  if (!e.empty()) problems.push_back(e);
  std::string i = TypeProblem<IntegrityAlgorithm>(
      "integrity", g.integrity,
      [](const Transform& t) { return DecodeIntegrity(SaProtocol::kEsp, t); },
      [&](const IntegrityAlgorithm& v) {
        return v == IntegrityAlgorithm::kNone ||
               any_local(&EspProposalConfig::integrity, v);
      });
  if (!i.empty() && !g.integrity.empty()) problems.push_back(i);
  std::string n =
      TypeProblem<bool>("ESN", g.esn, DecodeEsn, [&](const bool& v) {
        return any_local(&EspProposalConfig::extended_sequence_numbers, v);
      });
  if (!n.empty()) problems.push_back(n);
  if (exchange == ChildSaExchange::kCreateChildSa) {
    bool ke_ok = false;
    for (const EspProposalConfig& c : local) {
      if (TryEspKe(c, g, exchange).has_value()) ke_ok = true;
    }
    if (!ke_ok) {
      std::vector<std::string> offered;
      for (const Transform* t : g.key_exchange)
        offered.push_back(TransformName(*t));
      problems.push_back(absl::StrCat(
          "no acceptable PFS KE group (offered ",
          offered.empty() ? "none" : absl::StrJoin(offered, ", "),
          "; local PFS groups must match, and without local PFS the offer "
          "must allow NONE)"));
    }
  }
  if (problems.empty()) {
    problems.push_back(
        "no local transform set accepts this combination of transforms");
  }
  return absl::StrJoin(problems, "; ");
}

std::vector<Transform> AnswerTransforms(
    std::initializer_list<const Transform*> transforms) {
  std::vector<Transform> out;
  for (const Transform* t : transforms) {
    if (t != nullptr) out.push_back(*t);
  }
  return out;
}

const wire::Proposal* FindOffered(absl::Span<const wire::Proposal> offered,
                                  uint8_t number) {
  for (const wire::Proposal& p : offered) {
    if (p.number == number) return &p;
  }
  return nullptr;
}

// The shared part of the initiator's answer check: one proposal, offered
// number and protocol, SPI size, one transform per type, each offered.
absl::StatusOr<std::pair<const wire::Proposal*, Grouped>> CheckAnswerShape(
    absl::Span<const wire::Proposal> offered,
    absl::Span<const wire::Proposal> answer, size_t spi_size) {
  if (answer.size() != 1) {
    return AnswerError(absl::StrCat("the responder returned ", answer.size(),
                                    " proposals; exactly 1 is allowed"));
  }
  const wire::Proposal& a = answer.front();
  const wire::Proposal* o = FindOffered(offered, a.number);
  if (o == nullptr) {
    return AnswerError(
        absl::StrCat("proposal number ", a.number, " was never offered"));
  }
  if (a.protocol_id != o->protocol_id) {
    return AnswerError(absl::StrCat("proposal ", a.number, " has protocol ",
                                    wire::ToString(a.protocol_id), ", offered ",
                                    wire::ToString(o->protocol_id)));
  }
  if (a.spi.size() != spi_size) {
    return AnswerError(absl::StrCat("proposal ", a.number, " has a ",
                                    a.spi.size(), "-octet SPI, expected ",
                                    spi_size));
  }
  Grouped g = GroupTransforms(a);
  if (std::string u = UnknownTypesProblem(g); !u.empty()) return AnswerError(u);
  for (const auto* list :
       {&g.encryption, &g.prf, &g.integrity, &g.key_exchange, &g.esn}) {
    if (list->size() > 1) {
      return AnswerError(
          absl::StrCat("proposal ", a.number, " has ", list->size(), " ",
                       wire::ToString(list->front()->type),
                       " transforms; exactly one of each type is allowed"));
    }
  }
  for (const Transform& t : a.transforms) {
    if (std::find(o->transforms.begin(), o->transforms.end(), t) ==
        o->transforms.end()) {
      return AnswerError(absl::StrCat("transform ", TransformName(t),
                                      " was not in offered proposal ",
                                      a.number));
    }
  }
  return std::make_pair(o, std::move(g));
}

}  // namespace

// ---- Error notifies
// ------------------------------------------------------------

absl::Status NoProposalChosenError(std::string reason) {
  return WithNotify(
      absl::InvalidArgumentError(absl::StrCat("NO_PROPOSAL_CHOSEN: ", reason)),
      wire::NotifyType::kNoProposalChosen, {});
}

absl::Status InvalidKePayloadError(KeyExchangeGroup preferred,
                                   std::string reason) {
  return WithNotify(absl::InvalidArgumentError(absl::StrCat(
                        "INVALID_KE_PAYLOAD: ", reason, " (preferred group ",
                        GroupNumber(preferred), ")")),
                    wire::NotifyType::kInvalidKePayload, GroupData(preferred));
}

std::optional<ErrorNotify> ErrorNotifyOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorNotifyUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::string bytes(*payload);
  if (bytes.size() < 2) return std::nullopt;
  ErrorNotify notify;
  notify.type = static_cast<wire::NotifyType>(
      (static_cast<uint16_t>(static_cast<uint8_t>(bytes[0])) << 8) |
      static_cast<uint8_t>(bytes[1]));
  notify.data.assign(bytes.begin() + 2, bytes.end());
  return notify;
}

// ---- Configuration
// -------------------------------------------------------------

absl::Status ValidateIkeProposalConfig(const IkeProposalConfig& config) {
  if (config.encryption.empty()) {
    return absl::InvalidArgumentError("IKE proposal: no encryption configured");
  }
  if (config.prf.empty()) {
    return absl::InvalidArgumentError("IKE proposal: no prf configured");
  }
  if (config.groups.empty()) {
    return absl::InvalidArgumentError("IKE proposal: no dh-group configured");
  }
  bool needs_integrity = false;
  for (EncryptionAlgorithm e : config.encryption) {
    if (e == EncryptionAlgorithm::kChaCha20Poly1305) {
      return absl::InvalidArgumentError(
          "IKE proposal: encryption chacha20-poly1305 is for ESP only");
    }
    if (!IsAead(e)) needs_integrity = true;
  }
  if (Contains(config.integrity, IntegrityAlgorithm::kNone)) {
    return absl::InvalidArgumentError(
        "IKE proposal: integrity None is implied by AEAD ciphers; do not list "
        "it");
  }
  if (needs_integrity && config.integrity.empty()) {
    return absl::InvalidArgumentError(
        "IKE proposal: a non-AEAD encryption needs an integrity algorithm");
  }
  return absl::OkStatus();
}

absl::Status ValidateEspProposalConfig(const EspProposalConfig& config) {
  if (config.encryption.empty()) {
    return absl::InvalidArgumentError("ESP proposal: no encryption configured");
  }
  if (config.extended_sequence_numbers.empty()) {
    return absl::InvalidArgumentError("ESP proposal: no ESN setting allowed");
  }
  if (Contains(config.integrity, IntegrityAlgorithm::kNone)) {
    return absl::InvalidArgumentError(
        "ESP proposal: integrity None is implied by AEAD ciphers; do not list "
        "it");
  }
  for (EncryptionAlgorithm e : config.encryption) {
    if (!IsAead(e) && config.integrity.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("ESP proposal: encryption ", EspEncryptionShowName(e),
                       " needs an integrity algorithm"));
    }
  }
  return absl::OkStatus();
}

// ---- Initiator: offer
// ----------------------------------------------------------

namespace {

// AEAD and non-AEAD ciphers of one configuration, the first cipher's kind
// first; empty parts dropped.
std::vector<std::pair<bool, std::vector<EncryptionAlgorithm>>> SplitByAead(
    const std::vector<EncryptionAlgorithm>& encryption) {
  std::vector<EncryptionAlgorithm> aead, plain;
  for (EncryptionAlgorithm e : encryption)
    (IsAead(e) ? aead : plain).push_back(e);
  std::vector<std::pair<bool, std::vector<EncryptionAlgorithm>>> parts;
  const bool aead_first = IsAead(encryption.front());
  if (aead_first && !aead.empty()) parts.push_back({true, aead});
  if (!plain.empty()) parts.push_back({false, plain});
  if (!aead_first && !aead.empty()) parts.push_back({true, aead});
  return parts;
}

void AddEncryption(const std::vector<EncryptionAlgorithm>& ciphers,
                   std::vector<Transform>* out) {
  for (EncryptionAlgorithm e : ciphers) {
    out->push_back(Transform::Encryption(EncryptionTransformId(e),
                                         EncryptionKeyLengthAttribute(e)));
  }
}

void AddIntegrity(const std::vector<IntegrityAlgorithm>& integrity,
                  std::vector<Transform>* out) {
  for (IntegrityAlgorithm i : integrity) {
    out->push_back(Transform::Integrity(IntegrityTransformId(i)));
  }
}

void AddGroups(const std::vector<KeyExchangeGroup>& groups,
               std::vector<Transform>* out) {
  for (KeyExchangeGroup g : groups) {
    out->push_back(Transform::KeyExchange(
        static_cast<wire::KeyExchangeGroup>(GroupNumber(g))));
  }
}

}  // namespace

absl::StatusOr<std::vector<wire::Proposal>> IkeProposalsToWire(
    absl::Span<const IkeProposalConfig> configs,
    absl::Span<const uint8_t> spi) {
  if (configs.empty()) {
    return absl::InvalidArgumentError("IKE proposals: none configured");
  }
  if (!spi.empty() && spi.size() != 8) {
    return absl::InvalidArgumentError(absl::StrCat(
        "IKE proposals: SPI of ", spi.size(), " octets (0 or 8 expected)"));
  }
  std::vector<wire::Proposal> out;
  for (const IkeProposalConfig& config : configs) {
    if (absl::Status s = ValidateIkeProposalConfig(config); !s.ok()) return s;
    for (const auto& [aead, ciphers] : SplitByAead(config.encryption)) {
      if (out.size() >= 255) {
        return absl::InvalidArgumentError("IKE proposals: more than 255");
      }
      wire::Proposal p;
      p.number = static_cast<uint8_t>(out.size() + 1);
      p.protocol_id = wire::ProtocolId::kIke;
      p.spi.assign(spi.begin(), spi.end());
      AddEncryption(ciphers, &p.transforms);
      for (PrfAlgorithm prf : config.prf) {
        p.transforms.push_back(Transform::Prf(PrfTransformId(prf)));
      }
      if (!aead) AddIntegrity(config.integrity, &p.transforms);
      AddGroups(config.groups, &p.transforms);
      out.push_back(std::move(p));
    }
  }
  return out;
}

absl::StatusOr<std::vector<wire::Proposal>> EspProposalsToWire(
    absl::Span<const EspProposalConfig> configs, absl::Span<const uint8_t> spi,
    ChildSaExchange exchange) {
  if (configs.empty()) {
    return absl::InvalidArgumentError("ESP proposals: none configured");
  }
  if (spi.size() != 4) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ESP proposals: SPI of ", spi.size(), " octets (4 expected)"));
  }
  std::vector<wire::Proposal> out;
  for (const EspProposalConfig& config : configs) {
    if (absl::Status s = ValidateEspProposalConfig(config); !s.ok()) return s;
    for (const auto& [aead, ciphers] : SplitByAead(config.encryption)) {
      if (out.size() >= 255) {
        return absl::InvalidArgumentError("ESP proposals: more than 255");
      }
      wire::Proposal p;
      p.number = static_cast<uint8_t>(out.size() + 1);
      p.protocol_id = wire::ProtocolId::kEsp;
      p.spi.assign(spi.begin(), spi.end());
      AddEncryption(ciphers, &p.transforms);
      if (!aead) AddIntegrity(config.integrity, &p.transforms);
      if (exchange == ChildSaExchange::kCreateChildSa) {
        AddGroups(config.pfs_groups, &p.transforms);
      }
      for (bool esn : config.extended_sequence_numbers) {
        p.transforms.push_back(
            Transform::Esn(esn ? wire::EsnId::kEsn : wire::EsnId::kNoEsn));
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

namespace {

// Adds a decoded value to `out` and passes its status on.
template <typename T>
absl::Status Append(absl::StatusOr<T> value, std::vector<T>& out) {
  if (value.ok()) out.push_back(*value);
  return value.status();
}
// The same for integrity, where NONE (AEAD proposals) adds nothing.
absl::Status AppendIntegrity(absl::StatusOr<IntegrityAlgorithm> value,
                             std::vector<IntegrityAlgorithm>& out) {
  if (value.ok() && *value == IntegrityAlgorithm::kNone)
    return absl::OkStatus();
  return Append(std::move(value), out);
}

// The frame of IkeProposalConfigFromWire and EspProposalConfigFromWire: the
// protocol check, `decode(transform, config)` for every transform, then
// `validate(config)`; every error is prefixed with the proposal number.
template <typename Config, typename Decode, typename Validate>
absl::StatusOr<Config> ConfigFromWire(const wire::Proposal& proposal,
                                      wire::ProtocolId protocol, Config config,
                                      Decode decode, Validate validate) {
  auto in_proposal = [&proposal](const absl::Status& status) {
    return absl::InvalidArgumentError(
        absl::StrCat("proposal ", proposal.number, ": ", status.message()));
  };
  if (proposal.protocol_id != protocol) {
    return in_proposal(absl::InvalidArgumentError(
        absl::StrCat("protocol ", wire::ToString(proposal.protocol_id),
                     ", expected ", wire::ToString(protocol))));
  }
  for (const Transform& t : proposal.transforms) {
    if (absl::Status status = decode(t, config); !status.ok()) {
      return in_proposal(status);
    }
  }
  if (absl::Status status = validate(config); !status.ok()) {
    return in_proposal(status);
  }
  return config;
}

absl::Status NotAllowed(const Transform& t, absl::string_view protocol) {
  return absl::InvalidArgumentError(
      absl::StrCat("transform type ", wire::ToString(t.type),
                   " not allowed for ", protocol));
}

}  // namespace

absl::StatusOr<IkeProposalConfig> IkeProposalConfigFromWire(
    const wire::Proposal& proposal) {
  return ConfigFromWire(
      proposal, wire::ProtocolId::kIke, IkeProposalConfig{},
      [](const Transform& t, IkeProposalConfig& config) {
        switch (t.type) {
          case TransformType::kEncryption:
            return Append(DecodeEncryption(SaProtocol::kIke, t),
                          config.encryption);
          case TransformType::kPseudorandomFunction:
            return Append(DecodePrf(t), config.prf);
          case TransformType::kIntegrity:
            return AppendIntegrity(DecodeIntegrity(SaProtocol::kIke, t),
                                   config.integrity);
          case TransformType::kKeyExchange:
            return Append(DecodeGroup(t), config.groups);
          default:
            return NotAllowed(t, "IKE");
        }
      },
      ValidateIkeProposalConfig);
}

absl::StatusOr<EspProposalConfig> EspProposalConfigFromWire(
    const wire::Proposal& proposal) {
  EspProposalConfig empty;
  empty.extended_sequence_numbers.clear();
  return ConfigFromWire(
      proposal, wire::ProtocolId::kEsp, std::move(empty),
      [](const Transform& t, EspProposalConfig& config) {
        switch (t.type) {
          case TransformType::kEncryption:
            return Append(DecodeEncryption(SaProtocol::kEsp, t),
                          config.encryption);
          case TransformType::kIntegrity:
            return AppendIntegrity(DecodeIntegrity(SaProtocol::kEsp, t),
                                   config.integrity);
          case TransformType::kKeyExchange:
            if (t.id == 0) return absl::OkStatus();  // NONE: PFS optional
            return Append(DecodeGroup(t), config.pfs_groups);
          case TransformType::kExtendedSequenceNumbers:
            return Append(DecodeEsn(t), config.extended_sequence_numbers);
          default:
            return NotAllowed(t, "ESP");
        }
      },
      ValidateEspProposalConfig);
}

// ---- Responder: choose
// -------------------------------------------------------

absl::StatusOr<IkeSelection> SelectIkeProposal(
    absl::Span<const IkeProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    std::optional<wire::KeyExchangeGroup> ke_payload_group) {
  if (offered.empty()) return NoProposalChosenError("the SA payload is empty");
  std::vector<std::string> reasons;
  for (const wire::Proposal& proposal : offered) {
    const Grouped g = GroupTransforms(proposal);
    const bool well_formed = proposal.protocol_id == wire::ProtocolId::kIke &&
                             g.unknown_types.empty() && g.esn.empty();
    if (well_formed) {
      for (const IkeProposalConfig& config : local) {
        if (!ValidateIkeProposalConfig(config).ok()) continue;
        std::optional<IkePick> pick = TryIke(config, g, ke_payload_group);
        if (!pick.has_value()) continue;
        IkeSelection selection;
        selection.answer.number = proposal.number;
        selection.answer.protocol_id = wire::ProtocolId::kIke;
        selection.answer.spi.assign(spi.begin(), spi.end());
        selection.answer.transforms = AnswerTransforms(
            {pick->encryption, pick->prf, pick->integrity, pick->key_exchange});
        selection.suite = pick->suite;
        selection.peer_spi = proposal.spi;
        return selection;
      }
    }
    std::string problem = g.esn.empty()
                              ? IkeProposalProblem(local, proposal, g)
                              : std::string("ESN transform in an IKE proposal");
    reasons.push_back(
        absl::StrCat("proposal ", proposal.number, ": ", problem));
  }
  return NoProposalChosenError(absl::StrJoin(reasons, " | "));
}

absl::StatusOr<IkeSelection> SelectIkeProposalForKe(
    absl::Span<const IkeProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    wire::KeyExchangeGroup ke_payload_group) {
  absl::StatusOr<IkeSelection> selection =
      SelectIkeProposal(local, offered, spi, ke_payload_group);
  if (!selection.ok()) return selection;
  if (absl::Status group =
          CheckKeyExchangeGroup(selection->suite.group, ke_payload_group);
      !group.ok()) {
    return group;
  }
  return selection;
}

absl::StatusOr<EspSelection> SelectEspProposal(
    absl::Span<const EspProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    ChildSaExchange exchange,
    std::optional<wire::KeyExchangeGroup> ke_payload_group) {
  if (spi.size() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("ESP: local SPI of ", spi.size(), " octets (4 expected)"));
  }
  if (offered.empty()) return NoProposalChosenError("the SA payload is empty");
  std::vector<std::string> reasons;
  for (const wire::Proposal& proposal : offered) {
    const Grouped g = GroupTransforms(proposal);
    std::string early;
    if (proposal.protocol_id == wire::ProtocolId::kEsp &&
        proposal.spi.size() != 4) {
      early =
          absl::StrCat("SPI of ", proposal.spi.size(), " octets (4 expected)");
    }
    const bool well_formed = early.empty() &&
                             proposal.protocol_id == wire::ProtocolId::kEsp &&
                             g.unknown_types.empty() && g.prf.empty();
    if (well_formed) {
      for (const EspProposalConfig& config : local) {
        if (!ValidateEspProposalConfig(config).ok()) continue;
        std::optional<EspPick> pick =
            TryEsp(config, g, exchange, ke_payload_group);
        if (!pick.has_value()) continue;
        EspSelection selection;
        selection.answer.number = proposal.number;
        selection.answer.protocol_id = wire::ProtocolId::kEsp;
        selection.answer.spi.assign(spi.begin(), spi.end());
        selection.answer.transforms = AnswerTransforms(
            {pick->encryption, pick->integrity, pick->key_exchange, pick->esn});
        selection.suite = pick->suite;
        selection.peer_spi = proposal.spi;
        return selection;
      }
    }
    reasons.push_back(absl::StrCat(
        "proposal ", proposal.number, ": ",
        early.empty() ? EspProposalProblem(local, proposal, g, exchange)
                      : early));
  }
  return NoProposalChosenError(absl::StrJoin(reasons, " | "));
}

// ---- Initiator: check the answer
// -----------------------------------------------

absl::StatusOr<IkeSelection> CheckIkeAnswer(
    absl::Span<const wire::Proposal> offered,
    absl::Span<const wire::Proposal> answer) {
  const size_t spi_size =
      answer.size() == 1 && FindOffered(offered, answer[0].number) != nullptr
          ? FindOffered(offered, answer[0].number)->spi.size()
          : 0;
  auto shape = CheckAnswerShape(offered, answer, spi_size);
  if (!shape.ok()) return shape.status();
  const Grouped& g = shape->second;
  if (!g.esn.empty()) return AnswerError("ESN transform in an IKE answer");
  if (g.encryption.empty() || g.prf.empty() || g.key_exchange.empty()) {
    return AnswerError(
        "missing a mandatory transform (ENCR, PRF and KE are "
        "required)");
  }
  IkeSelection selection;
  selection.answer = answer.front();
  selection.peer_spi = answer.front().spi;
  auto encryption =
      FromAnswer(DecodeEncryption(SaProtocol::kIke, *g.encryption[0]));
  if (!encryption.ok()) return encryption.status();
  auto prf = FromAnswer(DecodePrf(*g.prf[0]));
  if (!prf.ok()) return prf.status();
  auto group = FromAnswer(DecodeGroup(*g.key_exchange[0]));
  if (!group.ok()) return group.status();
  auto integrity = AnswerIntegrity(SaProtocol::kIke, g);
  if (!integrity.ok()) return integrity.status();
  selection.suite = {*encryption, *integrity, *prf, *group};
  if (absl::Status s = ValidateIkeSuite(selection.suite); !s.ok()) {
    return AnswerError(std::string(s.message()));
  }
  return selection;
}

absl::StatusOr<EspSelection> CheckEspAnswer(
    absl::Span<const wire::Proposal> offered,
    absl::Span<const wire::Proposal> answer, ChildSaExchange exchange) {
  auto shape = CheckAnswerShape(offered, answer, 4);
  if (!shape.ok()) return shape.status();
  const wire::Proposal& o = *shape->first;
  const Grouped& g = shape->second;
  if (!g.prf.empty()) return AnswerError("PRF transform in an ESP answer");
  if (g.encryption.empty() || g.esn.empty()) {
    return AnswerError(
        "missing a mandatory transform (ENCR and ESN are "
        "required)");
  }
  EspSelection selection;
  selection.answer = answer.front();
  selection.peer_spi = answer.front().spi;
  auto encryption =
      FromAnswer(DecodeEncryption(SaProtocol::kEsp, *g.encryption[0]));
  if (!encryption.ok()) return encryption.status();
  auto esn = FromAnswer(DecodeEsn(*g.esn[0]));
  if (!esn.ok()) return esn.status();
  auto integrity = AnswerIntegrity(SaProtocol::kEsp, g);
  if (!integrity.ok()) return integrity.status();
  std::optional<KeyExchangeGroup> pfs;
  const Grouped offered_groups = GroupTransforms(o);
  if (!g.key_exchange.empty() && g.key_exchange[0]->id != 0) {
    auto group = FromAnswer(DecodeGroup(*g.key_exchange[0]));
    if (!group.ok()) return group.status();
    pfs = *group;
  } else if (exchange == ChildSaExchange::kCreateChildSa &&
             !offered_groups.key_exchange.empty() &&
             !HasNone(offered_groups.key_exchange)) {
    return AnswerError(
        "PFS was required (KE groups offered without NONE) but "
        "the answer has no KE group");
  }
  selection.suite = {*encryption, *integrity, pfs, *esn};
  if (absl::Status s = ValidateEspSuite(selection.suite); !s.ok()) {
    return AnswerError(std::string(s.message()));
  }
  return selection;
}

// ---- KE group
// ------------------------------------------------------------------

absl::Status CheckKeyExchangeGroup(KeyExchangeGroup selected,
                                   wire::KeyExchangeGroup received) {
  if (static_cast<uint16_t>(received) == GroupNumber(selected)) {
    return absl::OkStatus();
  }
  return InvalidKePayloadError(
      selected,
      absl::StrCat("KE payload is for group ", static_cast<uint16_t>(received),
                   " but the selected proposal uses group ",
                   GroupNumber(selected)));
}

absl::StatusOr<KeyExchangeGroup> GroupFromInvalidKePayload(
    absl::Span<const uint8_t> notify_data,
    absl::Span<const wire::Proposal> offered) {
  if (notify_data.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("INVALID_KE_PAYLOAD: notification data of ",
                     notify_data.size(), " octets (2 expected)"));
  }
  const uint16_t number =
      static_cast<uint16_t>((notify_data[0] << 8) | notify_data[1]);
  for (const wire::Proposal& p : offered) {
    for (const Transform& t : p.transforms) {
      if (t.type == TransformType::kKeyExchange && t.id == number) {
        return GroupFromNumber(number);
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("INVALID_KE_PAYLOAD: the responder asks for group ", number,
                   ", which was not offered"));
}

}  // namespace cygnet::ike
