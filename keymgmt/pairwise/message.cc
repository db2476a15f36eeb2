#include "keymgmt/pairwise/message.h"

#include <array>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cygnet::keymgmt::pairwise {
namespace {

enum Tlv : uint8_t {
  kTlocIdTlv = 0x01,
  kSiteIdTlv = 0x02,
  kSlotTlv = 0x03,
  kTransportTlv = 0x04,
  kGenerationTlv = 0x05,
  kFlagsTlv = 0x06,
  kPublicValueTlv = 0x07,
  kNonceTlv = 0x08,
  kSymmetricKeyTlv = 0x09,
  kTlocIndexTlv = 0x0a,
  kVersionTlv = 0x0b,
  kAuthorizedTlv = 0x0c,
  kPeerSystemIpTlv = 0x0d,
  kLastKnownTlv = 0x0d,
};

constexpr uint8_t kPairwiseFlag = 0x01;

// Bit i set: TLV i belongs to the message type.
using TlvSet = uint32_t;
constexpr TlvSet Bit(Tlv t) { return TlvSet{1} << t; }
constexpr TlvSet kRecordRequired =
    Bit(kTlocIdTlv) | Bit(kSiteIdTlv) | Bit(kSlotTlv) | Bit(kTransportTlv) |
    Bit(kGenerationTlv) | Bit(kFlagsTlv) | Bit(kSymmetricKeyTlv);
constexpr TlvSet kRecordOptional = Bit(kPublicValueTlv) | Bit(kNonceTlv);

struct TypeRule {
  TlvSet required;
  TlvSet optional;
};

std::optional<TypeRule> RuleFor(MessageType type) {
  switch (type) {
    case MessageType::kAdvertise:
      return TypeRule{kRecordRequired, kRecordOptional};
    case MessageType::kAdvertiseAck:
      return TypeRule{
          Bit(kTlocIdTlv) | Bit(kGenerationTlv) | Bit(kTlocIndexTlv), 0};
    case MessageType::kWithdraw:
    case MessageType::kWithdrawAck:
      return TypeRule{Bit(kTlocIdTlv) | Bit(kGenerationTlv), 0};
    case MessageType::kPeerUpdate:
      return TypeRule{kRecordRequired | Bit(kVersionTlv) | Bit(kTlocIndexTlv) |
                          Bit(kAuthorizedTlv),
                      kRecordOptional};
    case MessageType::kPeerWithdraw:
    case MessageType::kPeerAck:
      return TypeRule{Bit(kVersionTlv) | Bit(kTlocIdTlv), 0};
    case MessageType::kDemand:
      return TypeRule{Bit(kPeerSystemIpTlv), 0};
  }
  return std::nullopt;
}

const char* TlvName(uint8_t t) {
  switch (t) {
    case kTlocIdTlv:
      return "TLOC_ID";
    case kSiteIdTlv:
      return "SITE_ID";
    case kSlotTlv:
      return "SLOT";
    case kTransportTlv:
      return "TRANSPORT";
    case kGenerationTlv:
      return "GENERATION";
    case kFlagsTlv:
      return "FLAGS";
    case kPublicValueTlv:
      return "PUBLIC_VALUE";
    case kNonceTlv:
      return "NONCE";
    case kSymmetricKeyTlv:
      return "SYMMETRIC_KEY";
    case kTlocIndexTlv:
      return "TLOC_INDEX";
    case kVersionTlv:
      return "VERSION";
    case kAuthorizedTlv:
      return "AUTHORIZED";
    case kPeerSystemIpTlv:
      return "PEER_SYSTEM_IP";
  }
  return "unknown";
}

uint32_t Get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | p[3];
}
uint16_t Get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

class Writer {
 public:
  void Put8(uint8_t v) { out_.push_back(v); }
  void Put16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void Put32(uint32_t v) {
    Put16(static_cast<uint16_t>(v >> 16));
    Put16(static_cast<uint16_t>(v));
  }
  void Put64(uint64_t v) {
    Put32(static_cast<uint32_t>(v >> 32));
    Put32(static_cast<uint32_t>(v));
  }
  void PutBytes(absl::Span<const uint8_t> b) {
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void BeginTlv(Tlv t, size_t length) {
    Put8(t);
    Put16(static_cast<uint16_t>(length));
  }
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

absl::Status CheckGeneration(uint32_t generation) {
  if (generation == 0) {
    return absl::InvalidArgumentError("GENERATION 0 is reserved (starts at 1)");
  }
  return absl::OkStatus();
}

absl::Status CheckTlocIndex(uint32_t index) {
  if (index < kMinTlocIndex || index > kMaxTlocIndex) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLOC_INDEX ", index, " is outside ", kMinTlocIndex, "..",
                     kMaxTlocIndex));
  }
  return absl::OkStatus();
}

absl::Status CheckRecord(const TlocRecord& r) {
  if (r.slot >= kMaxSlots) {
    return absl::InvalidArgumentError(
        absl::StrCat("SLOT ", r.slot, " is not 0..", kMaxSlots - 1));
  }
  if (r.transport.address.IsZero()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TRANSPORT address ", r.transport.address.ToString(), " is zero"));
  }
  if (absl::Status s = CheckGeneration(r.generation); !s.ok()) return s;
  if (r.symmetric_key.size() != kSymmetricKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("SYMMETRIC_KEY is ", r.symmetric_key.size(),
                     " bytes, want ", kSymmetricKeySize));
  }
  if (r.pairwise) {
    const size_t want = crypto::PublicValueSize(r.group);
    if (r.public_value.size() != want) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PUBLIC_VALUE is ", r.public_value.size(), " bytes, group ",
          static_cast<int>(r.group), " wants ", want));
    }
    if (r.nonce.size() != kNonceSize) {
      return absl::InvalidArgumentError(absl::StrCat(
          "NONCE is ", r.nonce.size(), " bytes, want ", kNonceSize));
    }
  } else if (!r.public_value.empty() || !r.nonce.empty()) {
    return absl::InvalidArgumentError(
        "PUBLIC_VALUE/NONCE present without the pairwise flag");
  }
  return absl::OkStatus();
}

void WriteTlocId(Writer& w, const TlocId& id) {
  w.BeginTlv(kTlocIdTlv, TlocId::kEncodedSize);
  w.PutBytes(id.Encode());
}

void WriteRecord(Writer& w, const TlocRecord& r) {
  WriteTlocId(w, r.id);
  w.BeginTlv(kSiteIdTlv, 4);
  w.Put32(r.site_id);
  w.BeginTlv(kSlotTlv, 1);
  w.Put8(r.slot);
  const auto address = r.transport.address.bytes();
  w.BeginTlv(kTransportTlv, 1 + address.size() + 2);
  w.Put8(r.transport.address.is_v4() ? 4 : 6);
  w.PutBytes(address);
  w.Put16(r.transport.port);
  w.BeginTlv(kGenerationTlv, 4);
  w.Put32(r.generation);
  w.BeginTlv(kFlagsTlv, 1);
  w.Put8(r.pairwise ? kPairwiseFlag : 0);
  if (r.pairwise) {
    w.BeginTlv(kPublicValueTlv, 2 + r.public_value.size());
    w.Put16(static_cast<uint16_t>(r.group));
    w.PutBytes(r.public_value);
    w.BeginTlv(kNonceTlv, kNonceSize);
    w.PutBytes(r.nonce);
  }
  w.BeginTlv(kSymmetricKeyTlv, 1 + kSymmetricKeySize);
  w.Put8(r.symmetric_generation);
  w.PutBytes(r.symmetric_key.span());
}

absl::Status FixedSize(uint8_t t, absl::Span<const uint8_t> v, size_t want) {
  if (v.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat(TlvName(t), " length ", v.size(), ", want ", want));
  }
  return absl::OkStatus();
}

absl::StatusOr<TlocId> ReadTlocId(absl::Span<const uint8_t> v) {
  if (absl::Status s = FixedSize(kTlocIdTlv, v, TlocId::kEncodedSize);
      !s.ok()) {
    return s;
  }
  TlocId id;
  id.system_ip = Get32(v.data());
  if (id.system_ip == 0) {
    return absl::InvalidArgumentError("TLOC_ID system IP 0.0.0.0");
  }
  absl::StatusOr<Color> color = ColorFromNumber(v[4]);
  if (!color.ok()) return color.status();
  absl::StatusOr<Encapsulation> encap = EncapsulationFromNumber(v[5]);
  if (!encap.ok()) return encap.status();
  id.color = *color;
  id.encapsulation = *encap;
  return id;
}

using TlvTable =
    std::array<std::optional<absl::Span<const uint8_t>>, kLastKnownTlv + 1>;

absl::StatusOr<TlocRecord> ReadRecord(const TlvTable& t) {
  TlocRecord r;
  absl::StatusOr<TlocId> id = ReadTlocId(*t[kTlocIdTlv]);
  if (!id.ok()) return id.status();
  r.id = *id;
  auto v = *t[kSiteIdTlv];
  if (absl::Status s = FixedSize(kSiteIdTlv, v, 4); !s.ok()) return s;
  r.site_id = Get32(v.data());
  v = *t[kSlotTlv];
  if (absl::Status s = FixedSize(kSlotTlv, v, 1); !s.ok()) return s;
  r.slot = v[0];
  v = *t[kTransportTlv];
  if (v.empty() || (v[0] != 4 && v[0] != 6)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TRANSPORT family ", v.empty() ? -1 : int{v[0]}, " is not 4 or 6"));
  }
  const size_t address_size = v[0] == 4 ? 4 : 16;
  if (absl::Status s = FixedSize(kTransportTlv, v, 1 + address_size + 2);
      !s.ok()) {
    return s;
  }
  r.transport.address = ipsec::IpAddress::FromBytes(v.subspan(1, address_size));
  r.transport.port = Get16(v.data() + 1 + address_size);
  v = *t[kGenerationTlv];
  if (absl::Status s = FixedSize(kGenerationTlv, v, 4); !s.ok()) return s;
  r.generation = Get32(v.data());
  v = *t[kFlagsTlv];
  if (absl::Status s = FixedSize(kFlagsTlv, v, 1); !s.ok()) return s;
  if ((v[0] & ~kPairwiseFlag) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("FLAGS 0x", absl::Hex(v[0]), " has reserved bits set"));
  }
  r.pairwise = (v[0] & kPairwiseFlag) != 0;
  if (r.pairwise) {
    if (!t[kPublicValueTlv] || !t[kNonceTlv]) {
      return absl::InvalidArgumentError(
          "pairwise flag set but PUBLIC_VALUE or NONCE missing");
    }
    v = *t[kPublicValueTlv];
    if (v.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("PUBLIC_VALUE length ", v.size(), " < 2"));
    }
    absl::StatusOr<crypto::KeyExchangeGroup> group =
        crypto::KeyExchangeGroupFromNumber(Get16(v.data()));
    if (!group.ok()) return group.status();
    r.group = *group;
    r.public_value.assign(v.begin() + 2, v.end());
    v = *t[kNonceTlv];
    if (absl::Status s = FixedSize(kNonceTlv, v, kNonceSize); !s.ok()) {
      return s;
    }
    r.nonce.assign(v.begin(), v.end());
  } else if (t[kPublicValueTlv] || t[kNonceTlv]) {
    return absl::InvalidArgumentError(
        "PUBLIC_VALUE/NONCE present without the pairwise flag");
  }
  v = *t[kSymmetricKeyTlv];
  if (absl::Status s = FixedSize(kSymmetricKeyTlv, v, 1 + kSymmetricKeySize);
      !s.ok()) {
    return s;
  }
  r.symmetric_generation = v[0];
  r.symmetric_key = crypto::SecretBytes::Copy(v.subspan(1));
  if (absl::Status s = CheckRecord(r); !s.ok()) return s;
  return r;
}

}  // namespace

absl::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kAdvertise:
      return "Advertise";
    case MessageType::kAdvertiseAck:
      return "AdvertiseAck";
    case MessageType::kWithdraw:
      return "Withdraw";
    case MessageType::kWithdrawAck:
      return "WithdrawAck";
    case MessageType::kPeerUpdate:
      return "PeerUpdate";
    case MessageType::kPeerWithdraw:
      return "PeerWithdraw";
    case MessageType::kPeerAck:
      return "PeerAck";
    case MessageType::kDemand:
      return "Demand";
  }
  return "unknown";
}

TlocRecord TlocRecord::Clone() const {
  TlocRecord r;
  r.id = id;
  r.site_id = site_id;
  r.slot = slot;
  r.transport = transport;
  r.generation = generation;
  r.pairwise = pairwise;
  r.group = group;
  r.public_value = public_value;
  r.nonce = nonce;
  r.symmetric_generation = symmetric_generation;
  r.symmetric_key = symmetric_key.Clone();
  return r;
}

absl::StatusOr<std::vector<uint8_t>> EncodeMessage(const Message& m) {
  if (!RuleFor(m.type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("message type ", static_cast<int>(m.type), " is unknown"));
  }
  Writer w;
  w.Put8(kProtocolVersion);
  w.Put8(static_cast<uint8_t>(m.type));
  w.Put16(0);  // length, patched below
  switch (m.type) {
    case MessageType::kAdvertise:
    case MessageType::kPeerUpdate:
      if (absl::Status s = CheckRecord(m.record); !s.ok()) return s;
      if (m.type == MessageType::kPeerUpdate) {
        if (m.version == 0) {
          return absl::InvalidArgumentError("VERSION 0 is reserved");
        }
        if (absl::Status s = CheckTlocIndex(m.tloc_index); !s.ok()) return s;
        if (m.authorized_slots == 0) {
          return absl::InvalidArgumentError("AUTHORIZED slot mask is 0");
        }
        w.BeginTlv(kVersionTlv, 8);
        w.Put64(m.version);
        w.BeginTlv(kTlocIndexTlv, 4);
        w.Put32(m.tloc_index);
        w.BeginTlv(kAuthorizedTlv, 1);
        w.Put8(m.authorized_slots);
      }
      WriteRecord(w, m.record);
      break;
    case MessageType::kAdvertiseAck:
      if (absl::Status s = CheckTlocIndex(m.tloc_index); !s.ok()) return s;
      [[fallthrough]];
    case MessageType::kWithdraw:
    case MessageType::kWithdrawAck:
      if (absl::Status s = CheckGeneration(m.generation); !s.ok()) return s;
      WriteTlocId(w, m.tloc);
      w.BeginTlv(kGenerationTlv, 4);
      w.Put32(m.generation);
      if (m.type == MessageType::kAdvertiseAck) {
        w.BeginTlv(kTlocIndexTlv, 4);
        w.Put32(m.tloc_index);
      }
      break;
    case MessageType::kPeerWithdraw:
    case MessageType::kPeerAck:
      if (m.version == 0) {
        return absl::InvalidArgumentError("VERSION 0 is reserved");
      }
      w.BeginTlv(kVersionTlv, 8);
      w.Put64(m.version);
      WriteTlocId(w, m.tloc);
      break;
    case MessageType::kDemand:
      if (m.peer_system_ip == 0) {
        return absl::InvalidArgumentError("PEER_SYSTEM_IP 0.0.0.0");
      }
      w.BeginTlv(kPeerSystemIpTlv, 4);
      w.Put32(m.peer_system_ip);
      break;
  }
  std::vector<uint8_t>& out = w.bytes();
  if (out.size() > kMaxMessageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message of ", out.size(), " bytes exceeds ", kMaxMessageSize));
  }
  out[2] = static_cast<uint8_t>(out.size() >> 8);
  out[3] = static_cast<uint8_t>(out.size());
  return std::move(out);
}

absl::StatusOr<Message> ParseMessage(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kMessageHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message of ", bytes.size(), " bytes is shorter than the header"));
  }
  if (bytes.size() > kMaxMessageSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message of ", bytes.size(), " bytes exceeds ", kMaxMessageSize));
  }
  if (bytes[0] != kProtocolVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("protocol version ", bytes[0], " is not 1"));
  }
  const MessageType type = static_cast<MessageType>(bytes[1]);
  const std::optional<TypeRule> rule = RuleFor(type);
  if (!rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("message type ", bytes[1], " is unknown"));
  }
  const size_t length = Get16(bytes.data() + 2);
  if (length != bytes.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message length field ", length, " but ", bytes.size(), " bytes"));
  }
  TlvTable table;
  size_t offset = kMessageHeaderSize;
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("truncated TLV header at offset ", offset));
    }
    const uint8_t t = bytes[offset];
    const size_t tlv_length = Get16(bytes.data() + offset + 1);
    offset += 3;
    if (tlv_length > bytes.size() - offset) {
      return absl::InvalidArgumentError(absl::StrCat(
          "TLV ", int{t}, " length ", tlv_length, " overruns the message by ",
          tlv_length - (bytes.size() - offset), " bytes"));
    }
    const absl::Span<const uint8_t> value = bytes.subspan(offset, tlv_length);
    offset += tlv_length;
    if (t >= 0x80) continue;  // skippable extension
    if (t == 0 || t > kLastKnownTlv) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLV type ", int{t}, " is unknown and not skippable"));
    }
    if (((rule->required | rule->optional) & Bit(static_cast<Tlv>(t))) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "TLV ", TlvName(t), " is not allowed in ", MessageTypeName(type)));
    }
    if (table[t]) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLV ", TlvName(t), " appears twice"));
    }
    table[t] = value;
  }
  for (uint8_t t = 1; t <= kLastKnownTlv; ++t) {
    if ((rule->required & Bit(static_cast<Tlv>(t))) && !table[t]) {
      return absl::InvalidArgumentError(absl::StrCat(
          MessageTypeName(type), " lacks required TLV ", TlvName(t)));
    }
  }

  Message m;
  m.type = type;
  auto read32 = [&](Tlv t, uint32_t& out) -> absl::Status {
    if (absl::Status s = FixedSize(t, *table[t], 4); !s.ok()) return s;
    out = Get32(table[t]->data());
    return absl::OkStatus();
  };
  auto read_version = [&]() -> absl::Status {
    if (absl::Status s = FixedSize(kVersionTlv, *table[kVersionTlv], 8);
        !s.ok()) {
      return s;
    }
    const uint8_t* p = table[kVersionTlv]->data();
    m.version = (uint64_t{Get32(p)} << 32) | Get32(p + 4);
    if (m.version == 0) {
      return absl::InvalidArgumentError("VERSION 0 is reserved");
    }
    return absl::OkStatus();
  };
  switch (type) {
    case MessageType::kPeerUpdate: {
      if (absl::Status s = read_version(); !s.ok()) return s;
      if (absl::Status s = read32(kTlocIndexTlv, m.tloc_index); !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckTlocIndex(m.tloc_index); !s.ok()) return s;
      if (absl::Status s = FixedSize(kAuthorizedTlv, *table[kAuthorizedTlv], 1);
          !s.ok()) {
        return s;
      }
      m.authorized_slots = (*table[kAuthorizedTlv])[0];
      if (m.authorized_slots == 0) {
        return absl::InvalidArgumentError("AUTHORIZED slot mask is 0");
      }
      [[fallthrough]];
    }
    case MessageType::kAdvertise: {
      absl::StatusOr<TlocRecord> record = ReadRecord(table);
      if (!record.ok()) return record.status();
      m.record = *std::move(record);
      break;
    }
    case MessageType::kAdvertiseAck:
      if (absl::Status s = read32(kTlocIndexTlv, m.tloc_index); !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckTlocIndex(m.tloc_index); !s.ok()) return s;
      [[fallthrough]];
    case MessageType::kWithdraw:
    case MessageType::kWithdrawAck: {
      absl::StatusOr<TlocId> id = ReadTlocId(*table[kTlocIdTlv]);
      if (!id.ok()) return id.status();
      m.tloc = *id;
      if (absl::Status s = read32(kGenerationTlv, m.generation); !s.ok()) {
        return s;
      }
      if (absl::Status s = CheckGeneration(m.generation); !s.ok()) return s;
      break;
    }
    case MessageType::kPeerWithdraw:
    case MessageType::kPeerAck: {
      if (absl::Status s = read_version(); !s.ok()) return s;
      absl::StatusOr<TlocId> id = ReadTlocId(*table[kTlocIdTlv]);
      if (!id.ok()) return id.status();
      m.tloc = *id;
      break;
    }
    case MessageType::kDemand:
      if (absl::Status s = read32(kPeerSystemIpTlv, m.peer_system_ip);
          !s.ok()) {
        return s;
      }
      if (m.peer_system_ip == 0) {
        return absl::InvalidArgumentError("PEER_SYSTEM_IP 0.0.0.0");
      }
      break;
  }
  return m;
}

}  // namespace cygnet::keymgmt::pairwise
