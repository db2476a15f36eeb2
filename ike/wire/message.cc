// IKEv2 codec; see message.h for the rules it enforces.
#include "ike/wire/message.h"

#include <cstring>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cygnet::ike::wire {
namespace {

constexpr char kNotifyPayloadUrl[] = "cygnet.ike.wire/ErrorNotify";

// Sizes of the fixed parts of payload bodies and substructures.
constexpr size_t kProposalHeaderSize = 8;
constexpr size_t kTransformHeaderSize = 8;
constexpr size_t kAttributeHeaderSize = 4;
constexpr size_t kSelectorHeaderSize = 4;  // type, protocol, length
constexpr size_t kIpv4SelectorSize = 16;
constexpr size_t kIpv6SelectorSize = 40;
constexpr uint8_t kLastSubstruc = 0;
constexpr uint8_t kMoreProposals = 2;
constexpr uint8_t kMoreTransforms = 3;
constexpr size_t kSha1Size = 20;

absl::Status WithNotify(absl::Status status, NotifyType type, Bytes data) {
  std::string encoded;
  encoded.push_back(static_cast<char>(static_cast<uint16_t>(type) >> 8));
  encoded.push_back(static_cast<char>(static_cast<uint16_t>(type) & 0xff));
  encoded.append(data.begin(), data.end());
  status.SetPayload(kNotifyPayloadUrl, absl::Cord(encoded));
  return status;
}

// A malformed-message error: INVALID_SYNTAX is the notify RFC 7296 3.10.1
// names for it.
template <typename... Args>
absl::Status Malformed(const Args&... args) {
  return WithNotify(absl::InvalidArgumentError(absl::StrCat(args...)),
                    NotifyType::kInvalidSyntax, {});
}

uint16_t Get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t Get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | p[3];
}
uint64_t Get64(const uint8_t* p) {
  return (uint64_t{Get32(p)} << 32) | Get32(p + 4);
}

Bytes ToBytes(absl::Span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

std::string PayloadLabel(size_t index, PayloadType type) {
  return absl::StrCat("payload ", index, " (", ToString(type), ")");
}

bool IsModelled(PayloadType type) {
  switch (type) {
    case PayloadType::kSecurityAssociation:
    case PayloadType::kKeyExchange:
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder:
    case PayloadType::kCertificate:
    case PayloadType::kCertificateRequest:
    case PayloadType::kAuthentication:
    case PayloadType::kNonce:
    case PayloadType::kNotify:
    case PayloadType::kDelete:
    case PayloadType::kVendorId:
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder:
    case PayloadType::kEncrypted:
    case PayloadType::kConfiguration:
    case PayloadType::kEncryptedFragment:
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- decoding

absl::StatusOr<Transform> DecodeTransform(absl::Span<const uint8_t> body,
                                          const std::string& where) {
  Transform t;
  t.type = static_cast<TransformType>(body[4]);
  t.id = Get16(body.data() + 6);
  size_t offset = kTransformHeaderSize;
  size_t index = 0;
  while (offset < body.size()) {
    ++index;
    const size_t remaining = body.size() - offset;
    if (remaining < kAttributeHeaderSize) {
      return Malformed(where, " attribute #", index, ": ", remaining,
                       " bytes remain, minimum ", kAttributeHeaderSize);
    }
    const uint8_t* p = body.data() + offset;
    const uint16_t word = Get16(p);
    const bool tv = (word & kAttributeFormatTv) != 0;
    const uint16_t type = word & 0x7fff;
    Bytes value;
    size_t size = kAttributeHeaderSize;
    if (tv) {
      value.assign(p + 2, p + 4);
    } else {
      const uint16_t length = Get16(p + 2);
      if (length > remaining - kAttributeHeaderSize) {
        return Malformed(where, " attribute #", index, ": length ", length,
                         " exceeds the ", remaining - kAttributeHeaderSize,
                         " bytes remaining");
      }
      value.assign(p + 4, p + 4 + length);
      size += length;
    }
    if (type == static_cast<uint16_t>(TransformAttributeType::kKeyLength)) {
      if (!tv) {
        return Malformed(where, " attribute #", index,
                         ": Key Length must use the TV format");
      }
      if (t.key_length.has_value()) {
        return Malformed(where, " attribute #", index,
                         ": duplicate Key Length");
      }
      t.key_length = Get16(value.data());
    } else {
      if (t.other_attributes.size() >= kMaxOtherTransformAttributes) {
        return Malformed(where, ": more than ", kMaxOtherTransformAttributes,
                         " unknown attributes");
      }
      t.other_attributes.push_back({type, tv, std::move(value)});
    }
    offset += size;
  }
  return t;
}

absl::StatusOr<Proposal> DecodeProposal(absl::Span<const uint8_t> body,
                                        const std::string& where) {
  Proposal proposal;
  proposal.number = body[4];
  proposal.protocol_id = static_cast<ProtocolId>(body[5]);
  const uint8_t spi_size = body[6];
  const uint8_t num_transforms = body[7];
  proposal.spi = ToBytes(body.subspan(kProposalHeaderSize, spi_size));
  size_t offset = kProposalHeaderSize + spi_size;
  size_t index = 0;
  bool last_seen = false;
  while (offset < body.size()) {
    ++index;
    const std::string label = absl::StrCat(where, " transform #", index);
    if (last_seen) {
      return Malformed(where, ": ", body.size() - offset,
                       " bytes follow the transform marked last");
    }
    const size_t remaining = body.size() - offset;
    if (remaining < kTransformHeaderSize) {
      return Malformed(label, ": ", remaining, " bytes remain, minimum ",
                       kTransformHeaderSize);
    }
    const uint8_t* p = body.data() + offset;
    const uint16_t length = Get16(p + 2);
    if (length < kTransformHeaderSize) {
      return Malformed(label, ": length ", length, " below minimum ",
                       kTransformHeaderSize);
    }
    if (length > remaining) {
      return Malformed(label, ": length ", length, " exceeds the ", remaining,
                       " bytes remaining");
    }
    if (p[0] == kLastSubstruc) {
      last_seen = true;
    } else if (p[0] != kMoreTransforms) {
      return Malformed(label, ": Last Substruc ", int{p[0]},
                       " is neither 0 nor 3");
    }
    auto transform = DecodeTransform(body.subspan(offset, length), label);
    if (!transform.ok()) return transform.status();
    proposal.transforms.push_back(*std::move(transform));
    offset += length;
  }
  if (!proposal.transforms.empty() && !last_seen) {
    return Malformed(where, ": last transform has Last Substruc 3");
  }
  if (proposal.transforms.size() != num_transforms) {
    return Malformed(where, ": Num Transforms ", int{num_transforms}, " but ",
                     proposal.transforms.size(), " transforms present");
  }
  return proposal;
}

absl::StatusOr<SecurityAssociation> DecodeSa(absl::Span<const uint8_t> body,
                                             const std::string& where) {
  SecurityAssociation sa;
  size_t offset = 0;
  size_t index = 0;
  bool last_seen = false;
  while (offset < body.size()) {
    ++index;
    const std::string label = absl::StrCat(where, ": proposal #", index);
    if (last_seen) {
      return Malformed(where, ": ", body.size() - offset,
                       " bytes follow the proposal marked last");
    }
    const size_t remaining = body.size() - offset;
    if (remaining < kProposalHeaderSize) {
      return Malformed(label, ": ", remaining, " bytes remain, minimum ",
                       kProposalHeaderSize);
    }
    const uint8_t* p = body.data() + offset;
    const uint16_t length = Get16(p + 2);
    const size_t minimum = kProposalHeaderSize + p[6];
    if (length < minimum) {
      return Malformed(label, ": length ", length, " below minimum ", minimum,
                       " (8 + SPI size ", int{p[6]}, ")");
    }
    if (length > remaining) {
      return Malformed(label, ": length ", length, " exceeds the ", remaining,
                       " bytes remaining");
    }
    if (p[0] == kLastSubstruc) {
      last_seen = true;
    } else if (p[0] != kMoreProposals) {
      return Malformed(label, ": Last Substruc ", int{p[0]},
                       " is neither 0 nor 2");
    }
    auto proposal = DecodeProposal(body.subspan(offset, length), label);
    if (!proposal.ok()) return proposal.status();
    sa.proposals.push_back(*std::move(proposal));
    offset += length;
  }
  if (sa.proposals.empty()) return Malformed(where, ": no proposals");
  if (!last_seen) {
    return Malformed(where, ": last proposal has Last Substruc 2");
  }
  return sa;
}

absl::StatusOr<TrafficSelectors> DecodeTs(absl::Span<const uint8_t> body,
                                          const std::string& where) {
  if (body.size() < 4) {
    return Malformed(where, ": body of ", body.size(),
                     " bytes below minimum 4");
  }
  const uint8_t count = body[0];
  if (count == 0) return Malformed(where, ": Number of TSs is 0");
  TrafficSelectors ts;
  size_t offset = 4;
  for (size_t index = 1; index <= count; ++index) {
    const std::string label =
        absl::StrCat(where, ": traffic selector #", index);
    const size_t remaining = body.size() - offset;
    if (remaining < kSelectorHeaderSize) {
      return Malformed(label, ": ", remaining, " bytes remain, minimum ",
                       kSelectorHeaderSize, " (Number of TSs is ", int{count},
                       ")");
    }
    const uint8_t* p = body.data() + offset;
    TrafficSelector selector;
    selector.type = static_cast<TrafficSelectorType>(p[0]);
    selector.ip_protocol = p[1];
    const uint16_t length = Get16(p + 2);
    size_t expected = 0;
    if (selector.type == TrafficSelectorType::kIpv4AddressRange) {
      expected = kIpv4SelectorSize;
    } else if (selector.type == TrafficSelectorType::kIpv6AddressRange) {
      expected = kIpv6SelectorSize;
    }
    if (expected != 0 && length != expected) {
      return Malformed(label, ": Selector Length ", length, " for ",
                       ToString(selector.type), " must be ", expected);
    }
    if (length < kSelectorHeaderSize) {
      return Malformed(label, ": Selector Length ", length, " below minimum ",
                       kSelectorHeaderSize);
    }
    if (length > remaining) {
      return Malformed(label, ": Selector Length ", length, " exceeds the ",
                       remaining, " bytes remaining");
    }
    if (expected != 0) {
      const size_t address_size = (expected - 8) / 2;
      selector.start_port = Get16(p + 4);
      selector.end_port = Get16(p + 6);
      selector.start_address.assign(p + 8, p + 8 + address_size);
      selector.end_address.assign(p + 8 + address_size,
                                  p + 8 + 2 * address_size);
    } else {
      selector.opaque.assign(p + kSelectorHeaderSize, p + length);
    }
    ts.selectors.push_back(std::move(selector));
    offset += length;
  }
  if (offset != body.size()) {
    return Malformed(where, ": ", body.size() - offset,
                     " bytes follow the last of ", int{count},
                     " traffic selectors");
  }
  return ts;
}

absl::StatusOr<Configuration> DecodeCp(absl::Span<const uint8_t> body,
                                       const std::string& where) {
  if (body.size() < 4) {
    return Malformed(where, ": body of ", body.size(),
                     " bytes below minimum 4");
  }
  Configuration cp;
  cp.type = static_cast<ConfigurationType>(body[0]);
  size_t offset = 4;
  size_t index = 0;
  while (offset < body.size()) {
    ++index;
    const size_t remaining = body.size() - offset;
    if (remaining < kAttributeHeaderSize) {
      return Malformed(where, ": attribute #", index, ": ", remaining,
                       " bytes remain, minimum ", kAttributeHeaderSize);
    }
    if (index > kMaxConfigurationAttributes) {
      return Malformed(where, ": more than ", kMaxConfigurationAttributes,
                       " attributes");
    }
    const uint8_t* p = body.data() + offset;
    const uint16_t length = Get16(p + 2);
    if (length > remaining - kAttributeHeaderSize) {
      return Malformed(where, ": attribute #", index, ": length ", length,
                       " exceeds the ", remaining - kAttributeHeaderSize,
                       " bytes remaining");
    }
    cp.attributes.push_back({static_cast<uint16_t>(Get16(p) & 0x7fff),
                             Bytes(p + 4, p + 4 + length)});
    offset += kAttributeHeaderSize + length;
  }
  return cp;
}

absl::Status CheckMinimum(absl::Span<const uint8_t> body, size_t minimum,
                          const std::string& where) {
  if (body.size() < minimum) {
    return Malformed(where, ": body of ", body.size(), " bytes below minimum ",
                     minimum);
  }
  return absl::OkStatus();
}

// Decodes one payload body. `next` is the generic header's Next Payload field,
// needed by SK and SKF (where it names the first inner payload).
absl::StatusOr<PayloadBody> DecodeBody(PayloadType type, PayloadType next,
                                       absl::Span<const uint8_t> body,
                                       const std::string& where) {
  switch (type) {
    case PayloadType::kSecurityAssociation: {
      auto sa = DecodeSa(body, where);
      if (!sa.ok()) return sa.status();
      return PayloadBody(*std::move(sa));
    }
    case PayloadType::kKeyExchange: {
      if (auto s = CheckMinimum(body, 5, where); !s.ok()) return s;
      return PayloadBody(
          KeyExchange{static_cast<KeyExchangeGroup>(Get16(body.data())),
                      ToBytes(body.subspan(4))});
    }
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder: {
      if (auto s = CheckMinimum(body, 4, where); !s.ok()) return s;
      Identification id{static_cast<IdType>(body[0]), ToBytes(body.subspan(4))};
      size_t expected = 0;
      if (id.type == IdType::kIpv4Address) expected = 4;
      if (id.type == IdType::kIpv6Address) expected = 16;
      if (expected != 0 && id.data.size() != expected) {
        return Malformed(where, ": ", ToString(id.type), " data of ",
                         id.data.size(), " bytes, must be ", expected);
      }
      if (id.data.empty() && id.type != IdType::kNull) {
        return Malformed(where, ": empty ", ToString(id.type));
      }
      return PayloadBody(std::move(id));
    }
    case PayloadType::kCertificate: {
      if (auto s = CheckMinimum(body, 2, where); !s.ok()) return s;
      return PayloadBody(Certificate{static_cast<CertificateEncoding>(body[0]),
                                     ToBytes(body.subspan(1))});
    }
    case PayloadType::kCertificateRequest: {
      if (auto s = CheckMinimum(body, 1, where); !s.ok()) return s;
      CertificateRequest request{static_cast<CertificateEncoding>(body[0]),
                                 ToBytes(body.subspan(1))};
      if (request.encoding == CertificateEncoding::kX509Signature &&
          request.authority.size() % kSha1Size != 0) {
        return Malformed(where, ": Certification Authority of ",
                         request.authority.size(),
                         " bytes is not a list of 20-byte SHA-1 hashes");
      }
      return PayloadBody(std::move(request));
    }
    case PayloadType::kAuthentication: {
      if (auto s = CheckMinimum(body, 5, where); !s.ok()) return s;
      return PayloadBody(Authentication{static_cast<AuthMethod>(body[0]),
                                        ToBytes(body.subspan(4))});
    }
    case PayloadType::kNonce: {
      if (body.size() < kMinNonceSize || body.size() > kMaxNonceSize) {
        return Malformed(where, ": Nonce Data of ", body.size(),
                         " bytes outside ", kMinNonceSize, "..", kMaxNonceSize);
      }
      return PayloadBody(Nonce{ToBytes(body)});
    }
    case PayloadType::kNotify: {
      if (auto s = CheckMinimum(body, 4, where); !s.ok()) return s;
      const uint8_t spi_size = body[1];
      if (spi_size > body.size() - 4) {
        return Malformed(where, ": SPI Size ", int{spi_size}, " exceeds the ",
                         body.size() - 4, " bytes remaining");
      }
      return PayloadBody(Notify{static_cast<ProtocolId>(body[0]),
                                ToBytes(body.subspan(4, spi_size)),
                                static_cast<NotifyType>(Get16(body.data() + 2)),
                                ToBytes(body.subspan(4 + spi_size))});
    }
    case PayloadType::kDelete: {
      if (auto s = CheckMinimum(body, 4, where); !s.ok()) return s;
      Delete d;
      d.protocol_id = static_cast<ProtocolId>(body[0]);
      d.spi_size = body[1];
      const uint16_t count = Get16(body.data() + 2);
      size_t expected_spi_size = 0;
      if (d.protocol_id == ProtocolId::kIke) {
        expected_spi_size = 0;
      } else if (d.protocol_id == ProtocolId::kEsp ||
                 d.protocol_id == ProtocolId::kAh) {
        expected_spi_size = 4;
      } else {
        return Malformed(where, ": Protocol ID ", ToString(d.protocol_id),
                         " cannot be deleted");
      }
      if (d.spi_size != expected_spi_size) {
        return Malformed(where, ": SPI Size ", int{d.spi_size}, " for ",
                         ToString(d.protocol_id), " must be ",
                         expected_spi_size);
      }
      if (d.protocol_id == ProtocolId::kIke && count != 0) {
        return Malformed(where, ": Num of SPIs ", count, " for IKE must be 0");
      }
      if (body.size() - 4 != size_t{count} * d.spi_size) {
        return Malformed(where, ": Num of SPIs ", count, " x SPI Size ",
                         int{d.spi_size}, " does not match the ",
                         body.size() - 4, " bytes present");
      }
      d.spis.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        d.spis.push_back(ToBytes(body.subspan(4 + i * d.spi_size, d.spi_size)));
      }
      return PayloadBody(std::move(d));
    }
    case PayloadType::kVendorId:
      return PayloadBody(VendorId{ToBytes(body)});
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder: {
      auto ts = DecodeTs(body, where);
      if (!ts.ok()) return ts.status();
      return PayloadBody(*std::move(ts));
    }
    case PayloadType::kEncrypted:
      return PayloadBody(Encrypted{next, ToBytes(body)});
    case PayloadType::kConfiguration: {
      auto cp = DecodeCp(body, where);
      if (!cp.ok()) return cp.status();
      return PayloadBody(*std::move(cp));
    }
    case PayloadType::kEncryptedFragment: {
      if (auto s = CheckMinimum(body, 4, where); !s.ok()) return s;
      EncryptedFragment f{Get16(body.data()), Get16(body.data() + 2), next,
                          ToBytes(body.subspan(4))};
      if (f.total_fragments == 0) {
        return Malformed(where, ": Total Fragments is 0");
      }
      if (f.fragment_number == 0 || f.fragment_number > f.total_fragments) {
        return Malformed(where, ": Fragment Number ", f.fragment_number,
                         " outside 1..", f.total_fragments);
      }
      if (f.fragment_number != 1 && next != PayloadType::kNone) {
        return Malformed(where, ": Next Payload ", ToString(next),
                         " in fragment ", f.fragment_number,
                         " (only fragment 1 names the first inner payload)");
      }
      return PayloadBody(std::move(f));
    }
    default:
      return PayloadBody(Unknown{ToBytes(body)});
  }
}

absl::StatusOr<std::vector<Payload>> DecodeChain(
    PayloadType first, absl::Span<const uint8_t> bytes, bool outer) {
  std::vector<Payload> payloads;
  PayloadType type = first;
  size_t offset = 0;
  while (type != PayloadType::kNone) {
    const size_t index = payloads.size() + 1;
    const std::string where = PayloadLabel(index, type);
    if (payloads.size() >= kMaxPayloads) {
      return Malformed(where, ": more than ", kMaxPayloads,
                       " payloads in one chain");
    }
    const size_t remaining = bytes.size() - offset;
    if (remaining < kGenericPayloadHeaderSize) {
      return Malformed(where, ": generic header needs 4 bytes, ", remaining,
                       " remain");
    }
    const uint8_t* p = bytes.data() + offset;
    const PayloadType next = static_cast<PayloadType>(p[0]);
    const bool critical = (p[1] & kFlagCritical) != 0;
    const uint16_t length = Get16(p + 2);
    if (length < kGenericPayloadHeaderSize) {
      return Malformed(where, ": Payload Length ", length, " below minimum ",
                       kGenericPayloadHeaderSize);
    }
    if (length > remaining) {
      return Malformed(where, ": Payload Length ", length, " exceeds the ",
                       remaining, " bytes remaining");
    }
    const bool encrypted = type == PayloadType::kEncrypted ||
                           type == PayloadType::kEncryptedFragment;
    if (encrypted && !outer) {
      return Malformed(where, ": not allowed inside an encrypted payload");
    }
    if (!IsModelled(type) && critical) {
      return WithNotify(absl::InvalidArgumentError(absl::StrCat(
                            where, ": unsupported payload marked critical")),
                        NotifyType::kUnsupportedCriticalPayload,
                        {static_cast<uint8_t>(type)});
    }
    auto body =
        DecodeBody(type, next, bytes.subspan(offset + 4, length - 4), where);
    if (!body.ok()) return body.status();
    payloads.push_back(Payload{type, critical, *std::move(body)});
    offset += length;
    if (encrypted) {
      // SK / SKF must be last (RFC 7296 3.14, RFC 7383 2.5); their Next
      // Payload field names the first inner payload, not a successor.
      if (offset != bytes.size()) {
        return Malformed(where, ": ", bytes.size() - offset,
                         " bytes follow it, but it must be the last payload");
      }
      return payloads;
    }
    type = next;
  }
  if (offset != bytes.size()) {
    return Malformed("message: ", bytes.size() - offset,
                     " bytes follow the last payload");
  }
  return payloads;
}

// ---------------------------------------------------------------- encoding

void Put8(Bytes& out, uint8_t v) { out.push_back(v); }
void Put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void Put32(Bytes& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}
void Put64(Bytes& out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v >> 32));
  Put32(out, static_cast<uint32_t>(v));
}
void PutBytes(Bytes& out, const Bytes& b) {
  out.insert(out.end(), b.begin(), b.end());
}
void Patch16(Bytes& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}

// Closes a length-prefixed structure that started at `start`, whose 16-bit
// length field is at `field`.
absl::Status CloseLength(Bytes& out, size_t start, size_t field,
                         const std::string& where) {
  const size_t length = out.size() - start;
  if (length > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": length ", length, " exceeds 65535"));
  }
  Patch16(out, field, static_cast<uint16_t>(length));
  return absl::OkStatus();
}

absl::Status EncodeSa(const SecurityAssociation& sa, Bytes& out,
                      const std::string& where) {
  if (sa.proposals.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no proposals"));
  }
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& proposal = sa.proposals[i];
    const std::string label = absl::StrCat(where, ": proposal #", i + 1);
    if (proposal.spi.size() > 0xff) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, ": SPI of ", proposal.spi.size(), " bytes exceeds 255"));
    }
    if (proposal.transforms.size() > 0xff) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, ": ", proposal.transforms.size(), " transforms exceed 255"));
    }
    const size_t start = out.size();
    Put8(out, i + 1 == sa.proposals.size() ? kLastSubstruc : kMoreProposals);
    Put8(out, 0);
    Put16(out, 0);
    Put8(out, proposal.number);
    Put8(out, static_cast<uint8_t>(proposal.protocol_id));
    Put8(out, static_cast<uint8_t>(proposal.spi.size()));
    Put8(out, static_cast<uint8_t>(proposal.transforms.size()));
    PutBytes(out, proposal.spi);
    for (size_t j = 0; j < proposal.transforms.size(); ++j) {
      const Transform& t = proposal.transforms[j];
      const std::string tlabel = absl::StrCat(label, " transform #", j + 1);
      const size_t tstart = out.size();
      Put8(out, j + 1 == proposal.transforms.size() ? kLastSubstruc
                                                    : kMoreTransforms);
      Put8(out, 0);
      Put16(out, 0);
      Put8(out, static_cast<uint8_t>(t.type));
      Put8(out, 0);
      Put16(out, t.id);
      if (t.key_length.has_value()) {
        Put16(out,
              kAttributeFormatTv |
                  static_cast<uint16_t>(TransformAttributeType::kKeyLength));
        Put16(out, *t.key_length);
      }
      for (const TransformAttribute& a : t.other_attributes) {
        if (a.type > 0x7fff ||
            a.type ==
                static_cast<uint16_t>(TransformAttributeType::kKeyLength)) {
          return absl::InvalidArgumentError(absl::StrCat(
              tlabel, ": attribute type ", a.type, " not allowed here"));
        }
        if (a.tv) {
          if (a.value.size() != 2) {
            return absl::InvalidArgumentError(
                absl::StrCat(tlabel, ": TV attribute ", a.type,
                             " needs 2 value bytes, has ", a.value.size()));
          }
          Put16(out, kAttributeFormatTv | a.type);
          PutBytes(out, a.value);
        } else {
          if (a.value.size() > 0xffff) {
            return absl::InvalidArgumentError(
                absl::StrCat(tlabel, ": attribute ", a.type, " too long"));
          }
          Put16(out, a.type);
          Put16(out, static_cast<uint16_t>(a.value.size()));
          PutBytes(out, a.value);
        }
      }
      if (auto s = CloseLength(out, tstart, tstart + 2, tlabel); !s.ok()) {
        return s;
      }
    }
    if (auto s = CloseLength(out, start, start + 2, label); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status EncodeTs(const TrafficSelectors& ts, Bytes& out,
                      const std::string& where) {
  if (ts.selectors.empty() || ts.selectors.size() > 0xff) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": ", ts.selectors.size(), " selectors, must be 1..255"));
  }
  Put8(out, static_cast<uint8_t>(ts.selectors.size()));
  Put8(out, 0);
  Put16(out, 0);
  for (size_t i = 0; i < ts.selectors.size(); ++i) {
    const TrafficSelector& s = ts.selectors[i];
    const std::string label =
        absl::StrCat(where, ": traffic selector #", i + 1);
    const size_t start = out.size();
    Put8(out, static_cast<uint8_t>(s.type));
    Put8(out, s.ip_protocol);
    Put16(out, 0);
    size_t address_size = 0;
    if (s.type == TrafficSelectorType::kIpv4AddressRange) address_size = 4;
    if (s.type == TrafficSelectorType::kIpv6AddressRange) address_size = 16;
    if (address_size != 0) {
      if (s.start_address.size() != address_size ||
          s.end_address.size() != address_size) {
        return absl::InvalidArgumentError(
            absl::StrCat(label, ": ", ToString(s.type), " addresses must be ",
                         address_size, " bytes, have ", s.start_address.size(),
                         " and ", s.end_address.size()));
      }
      Put16(out, s.start_port);
      Put16(out, s.end_port);
      PutBytes(out, s.start_address);
      PutBytes(out, s.end_address);
    } else {
      PutBytes(out, s.opaque);
    }
    if (auto st = CloseLength(out, start, start + 2, label); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

// Which PayloadBody alternative a modelled type carries.
bool BodyMatches(PayloadType type, const PayloadBody& body) {
  switch (type) {
    case PayloadType::kSecurityAssociation:
      return std::holds_alternative<SecurityAssociation>(body);
    case PayloadType::kKeyExchange:
      return std::holds_alternative<KeyExchange>(body);
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder:
      return std::holds_alternative<Identification>(body);
    case PayloadType::kCertificate:
      return std::holds_alternative<Certificate>(body);
    case PayloadType::kCertificateRequest:
      return std::holds_alternative<CertificateRequest>(body);
    case PayloadType::kAuthentication:
      return std::holds_alternative<Authentication>(body);
    case PayloadType::kNonce:
      return std::holds_alternative<Nonce>(body);
    case PayloadType::kNotify:
      return std::holds_alternative<Notify>(body);
    case PayloadType::kDelete:
      return std::holds_alternative<Delete>(body);
    case PayloadType::kVendorId:
      return std::holds_alternative<VendorId>(body);
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder:
      return std::holds_alternative<TrafficSelectors>(body);
    case PayloadType::kEncrypted:
      return std::holds_alternative<Encrypted>(body);
    case PayloadType::kConfiguration:
      return std::holds_alternative<Configuration>(body);
    case PayloadType::kEncryptedFragment:
      return std::holds_alternative<EncryptedFragment>(body);
    case PayloadType::kNone:
      return false;
    default:
      return std::holds_alternative<Unknown>(body);
  }
}

absl::Status EncodeBody(const Payload& payload, Bytes& out,
                        const std::string& where) {
  auto fail = [&](auto&&... args) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", args...));
  };
  const PayloadBody& body = payload.body;
  if (const auto* sa = std::get_if<SecurityAssociation>(&body)) {
    return EncodeSa(*sa, out, where);
  }
  if (const auto* ke = std::get_if<KeyExchange>(&body)) {
    if (ke->data.empty()) return fail("no key exchange data");
    Put16(out, static_cast<uint16_t>(ke->group));
    Put16(out, 0);
    PutBytes(out, ke->data);
    return absl::OkStatus();
  }
  if (const auto* id = std::get_if<Identification>(&body)) {
    if (id->type == IdType::kIpv4Address && id->data.size() != 4) {
      return fail("ID_IPV4_ADDR needs 4 bytes, has ", id->data.size());
    }
    if (id->type == IdType::kIpv6Address && id->data.size() != 16) {
      return fail("ID_IPV6_ADDR needs 16 bytes, has ", id->data.size());
    }
    if (id->data.empty() && id->type != IdType::kNull) {
      return fail("empty ", ToString(id->type));
    }
    PutBytes(out, EncodeIdentificationBody(*id));
    return absl::OkStatus();
  }
  if (const auto* cert = std::get_if<Certificate>(&body)) {
    if (cert->data.empty()) return fail("empty certificate data");
    Put8(out, static_cast<uint8_t>(cert->encoding));
    PutBytes(out, cert->data);
    return absl::OkStatus();
  }
  if (const auto* req = std::get_if<CertificateRequest>(&body)) {
    if (req->encoding == CertificateEncoding::kX509Signature &&
        req->authority.size() % kSha1Size != 0) {
      return fail("Certification Authority of ", req->authority.size(),
                  " bytes is not a list of 20-byte SHA-1 hashes");
    }
    Put8(out, static_cast<uint8_t>(req->encoding));
    PutBytes(out, req->authority);
    return absl::OkStatus();
  }
  if (const auto* auth = std::get_if<Authentication>(&body)) {
    if (auth->data.empty()) return fail("empty authentication data");
    Put8(out, static_cast<uint8_t>(auth->method));
    Put8(out, 0);
    Put16(out, 0);
    PutBytes(out, auth->data);
    return absl::OkStatus();
  }
  if (const auto* nonce = std::get_if<Nonce>(&body)) {
    if (nonce->data.size() < kMinNonceSize ||
        nonce->data.size() > kMaxNonceSize) {
      return fail("Nonce Data of ", nonce->data.size(), " bytes outside ",
                  kMinNonceSize, "..", kMaxNonceSize);
    }
    PutBytes(out, nonce->data);
    return absl::OkStatus();
  }
  if (const auto* n = std::get_if<Notify>(&body)) {
    if (n->spi.size() > 0xff) {
      return fail("SPI of ", n->spi.size(), " bytes exceeds 255");
    }
    Put8(out, static_cast<uint8_t>(n->protocol_id));
    Put8(out, static_cast<uint8_t>(n->spi.size()));
    Put16(out, static_cast<uint16_t>(n->type));
    PutBytes(out, n->spi);
    PutBytes(out, n->data);
    return absl::OkStatus();
  }
  if (const auto* d = std::get_if<Delete>(&body)) {
    const size_t expected = d->protocol_id == ProtocolId::kIke ? 0 : 4;
    if (d->protocol_id != ProtocolId::kIke &&
        d->protocol_id != ProtocolId::kEsp &&
        d->protocol_id != ProtocolId::kAh) {
      return fail("Protocol ID ", ToString(d->protocol_id),
                  " cannot be deleted");
    }
    if (d->spi_size != expected) {
      return fail("SPI Size ", int{d->spi_size}, " for ",
                  ToString(d->protocol_id), " must be ", expected);
    }
    if (d->spis.size() > 0xffff) return fail("too many SPIs");
    Put8(out, static_cast<uint8_t>(d->protocol_id));
    Put8(out, d->spi_size);
    Put16(out, static_cast<uint16_t>(d->spis.size()));
    for (size_t i = 0; i < d->spis.size(); ++i) {
      if (d->spis[i].size() != d->spi_size) {
        return fail("SPI #", i + 1, " has ", d->spis[i].size(),
                    " bytes, SPI Size is ", int{d->spi_size});
      }
      PutBytes(out, d->spis[i]);
    }
    return absl::OkStatus();
  }
  if (const auto* v = std::get_if<VendorId>(&body)) {
    PutBytes(out, v->data);
    return absl::OkStatus();
  }
  if (const auto* ts = std::get_if<TrafficSelectors>(&body)) {
    return EncodeTs(*ts, out, where);
  }
  if (const auto* cp = std::get_if<Configuration>(&body)) {
    Put8(out, static_cast<uint8_t>(cp->type));
    Put8(out, 0);
    Put16(out, 0);
    if (cp->attributes.size() > kMaxConfigurationAttributes) {
      return fail(cp->attributes.size(), " attributes exceed ",
                  kMaxConfigurationAttributes);
    }
    for (const ConfigurationAttribute& a : cp->attributes) {
      if (a.type > 0x7fff || a.value.size() > 0xffff) {
        return fail("attribute ", a.type, " does not fit its fields");
      }
      Put16(out, a.type);
      Put16(out, static_cast<uint16_t>(a.value.size()));
      PutBytes(out, a.value);
    }
    return absl::OkStatus();
  }
  if (const auto* sk = std::get_if<Encrypted>(&body)) {
    PutBytes(out, sk->data);
    return absl::OkStatus();
  }
  if (const auto* skf = std::get_if<EncryptedFragment>(&body)) {
    if (skf->total_fragments == 0 || skf->fragment_number == 0 ||
        skf->fragment_number > skf->total_fragments) {
      return fail("Fragment Number ", skf->fragment_number, " outside 1..",
                  skf->total_fragments);
    }
    Put16(out, skf->fragment_number);
    Put16(out, skf->total_fragments);
    PutBytes(out, skf->data);
    return absl::OkStatus();
  }
  const auto& unknown = std::get<Unknown>(body);
  PutBytes(out, unknown.body);
  return absl::OkStatus();
}

absl::Status EncodeChain(absl::Span<const Payload> payloads, bool outer,
                         Bytes& out) {
  if (payloads.size() > kMaxPayloads) {
    return absl::InvalidArgumentError(absl::StrCat(
        payloads.size(), " payloads exceed the limit of ", kMaxPayloads));
  }
  for (size_t i = 0; i < payloads.size(); ++i) {
    const Payload& payload = payloads[i];
    const std::string where = PayloadLabel(i + 1, payload.type);
    if (!BodyMatches(payload.type, payload.body)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": body does not match the payload type"));
    }
    PayloadType next = PayloadType::kNone;
    if (const auto* sk = payload.As<Encrypted>()) {
      next = sk->first_inner_payload;
    } else if (const auto* skf = payload.As<EncryptedFragment>()) {
      next = skf->first_inner_payload;
      if (skf->fragment_number != 1 && next != PayloadType::kNone) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": only fragment 1 may name a first inner payload"));
      }
    } else if (i + 1 < payloads.size()) {
      next = payloads[i + 1].type;
    }
    const bool encrypted = payload.type == PayloadType::kEncrypted ||
                           payload.type == PayloadType::kEncryptedFragment;
    if (encrypted && (!outer || i + 1 != payloads.size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, outer ? ": must be the last payload"
                       : ": not allowed inside an encrypted payload"));
    }
    const size_t start = out.size();
    Put8(out, static_cast<uint8_t>(next));
    Put8(out, payload.critical ? kFlagCritical : 0);
    Put16(out, 0);
    if (auto s = EncodeBody(payload, out, where); !s.ok()) return s;
    if (auto s = CloseLength(out, start, start + 2, where); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Header> DecodeHeader(absl::Span<const uint8_t> datagram) {
  if (datagram.size() < kHeaderSize) {
    return Malformed("IKE header: message of ", datagram.size(),
                     " bytes is shorter than the ", kHeaderSize,
                     "-byte header");
  }
  if (datagram.size() > kMaxMessageSize) {
    return Malformed("IKE header: message of ", datagram.size(),
                     " bytes exceeds the limit of ", kMaxMessageSize);
  }
  const uint8_t* p = datagram.data();
  Header h;
  h.initiator_spi = Get64(p);
  h.responder_spi = Get64(p + 8);
  h.next_payload = static_cast<PayloadType>(p[16]);
  h.major_version = p[17] >> 4;
  h.minor_version = p[17] & 0x0f;
  h.exchange_type = static_cast<ExchangeType>(p[18]);
  h.initiator = (p[19] & kFlagInitiator) != 0;
  h.version = (p[19] & kFlagVersion) != 0;
  h.response = (p[19] & kFlagResponse) != 0;
  h.message_id = Get32(p + 20);
  h.length = Get32(p + 24);
  if (h.major_version > kMajorVersion) {
    return WithNotify(
        absl::InvalidArgumentError(absl::StrCat(
            "IKE header: major version ", int{h.major_version}, " is above 2")),
        NotifyType::kInvalidMajorVersion, {});
  }
  if (h.major_version < kMajorVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "IKE header: major version ", int{h.major_version}, " is not IKEv2"));
  }
  if (h.length != datagram.size()) {
    return Malformed("IKE header: Length ", h.length,
                     " does not match the datagram size ", datagram.size());
  }
  return h;
}

absl::StatusOr<Message> Decode(absl::Span<const uint8_t> datagram) {
  auto header = DecodeHeader(datagram);
  if (!header.ok()) return header.status();
  Message message;
  message.header = *header;
  auto payloads = DecodeChain(header->next_payload,
                              datagram.subspan(kHeaderSize), /*outer=*/true);
  if (!payloads.ok()) return payloads.status();
  message.payloads = *std::move(payloads);
  return message;
}

absl::StatusOr<std::vector<Payload>> DecodePayloadChain(
    PayloadType first, absl::Span<const uint8_t> bytes) {
  if (bytes.size() > kMaxMessageSize) {
    return Malformed("payload chain of ", bytes.size(),
                     " bytes exceeds the limit of ", kMaxMessageSize);
  }
  return DecodeChain(first, bytes, /*outer=*/false);
}

Bytes EncodeHeader(const Header& header, PayloadType next_payload,
                   uint32_t length) {
  Bytes out;
  out.reserve(kHeaderSize);
  Put64(out, header.initiator_spi);
  Put64(out, header.responder_spi);
  Put8(out, static_cast<uint8_t>(next_payload));
  Put8(out, static_cast<uint8_t>((header.major_version << 4) |
                                 (header.minor_version & 0x0f)));
  Put8(out, static_cast<uint8_t>(header.exchange_type));
  Put8(out, static_cast<uint8_t>((header.initiator ? kFlagInitiator : 0) |
                                 (header.version ? kFlagVersion : 0) |
                                 (header.response ? kFlagResponse : 0)));
  Put32(out, header.message_id);
  Put32(out, length);
  return out;
}

absl::StatusOr<Bytes> Encode(const Message& message) {
  if (message.header.major_version > 0x0f ||
      message.header.minor_version > 0x0f) {
    return absl::InvalidArgumentError(
        "IKE header: version does not fit 4 bits");
  }
  const PayloadType first = message.payloads.empty()
                                ? PayloadType::kNone
                                : message.payloads.front().type;
  Bytes out = EncodeHeader(message.header, first, 0);
  if (auto s = EncodeChain(message.payloads, /*outer=*/true, out); !s.ok()) {
    return s;
  }
  if (out.size() > kMaxMessageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("message of ", out.size(), " bytes exceeds the limit of ",
                     kMaxMessageSize));
  }
  const uint32_t length = static_cast<uint32_t>(out.size());
  out[24] = static_cast<uint8_t>(length >> 24);
  out[25] = static_cast<uint8_t>(length >> 16);
  out[26] = static_cast<uint8_t>(length >> 8);
  out[27] = static_cast<uint8_t>(length);
  return out;
}

absl::StatusOr<Bytes> EncodePayloadChain(absl::Span<const Payload> payloads) {
  Bytes out;
  if (auto s = EncodeChain(payloads, /*outer=*/false, out); !s.ok()) return s;
  return out;
}

Bytes EncodeIdentificationBody(const Identification& id) {
  Bytes out;
  out.reserve(4 + id.data.size());
  Put8(out, static_cast<uint8_t>(id.type));
  Put8(out, 0);
  Put16(out, 0);
  PutBytes(out, id.data);
  return out;
}

absl::StatusOr<absl::Span<const uint8_t>> StripNonEspMarker(
    absl::Span<const uint8_t> udp_payload) {
  if (udp_payload.size() < 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("UDP/4500 payload of ", udp_payload.size(),
                     " octets is too short for the non-ESP marker"));
  }
  if (udp_payload[0] != 0 || udp_payload[1] != 0 || udp_payload[2] != 0 ||
      udp_payload[3] != 0) {
    return absl::InvalidArgumentError(
        "UDP/4500 payload has no non-ESP marker: it is ESP, not IKE");
  }
  return udp_payload.subspan(4);
}

Bytes AddNonEspMarker(absl::Span<const uint8_t> message) {
  // Sized once and copied into: GCC 12 at -O2 reports a false
  // -Warray-bounds for insert() after a 4-byte vector.
  Bytes out(4 + message.size(), 0);
  std::copy(message.begin(), message.end(), out.begin() + 4);
  return out;
}

std::optional<ErrorNotify> NotifyForError(const absl::Status& status) {
  auto payload = status.GetPayload(kNotifyPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  const std::string flat(*payload);
  if (flat.size() < 2) return std::nullopt;
  ErrorNotify notify;
  notify.type = static_cast<NotifyType>((static_cast<uint8_t>(flat[0]) << 8) |
                                        static_cast<uint8_t>(flat[1]));
  notify.data.assign(flat.begin() + 2, flat.end());
  return notify;
}

std::string Summary(const Message& message) {
  std::vector<std::string> names;
  for (const Payload& p : message.payloads) {
    if (const auto* n = p.As<Notify>()) {
      names.push_back(absl::StrCat("N(", ToString(n->type), ")"));
    } else if (const auto* sk = p.As<Encrypted>()) {
      names.push_back(
          absl::StrCat("SK(", ToString(sk->first_inner_payload), "...)"));
    } else if (const auto* skf = p.As<EncryptedFragment>()) {
      names.push_back(absl::StrCat("SKF(", skf->fragment_number, "/",
                                   skf->total_fragments, ")"));
    } else {
      names.push_back(ToString(p.type));
    }
  }
  return absl::StrCat(ToString(message.header.exchange_type),
                      message.header.response ? " response " : " request ",
                      message.header.message_id, " [ ",
                      absl::StrJoin(names, " "), names.empty() ? "" : " ", "]");
}

}  // namespace cygnet::ike::wire
