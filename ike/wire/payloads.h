// IKEv2 message and payload types (RFC 7296 section 3, RFC 7383 SKF): plain
// values, no behaviour beyond equality and lookup helpers.
//
// The codec (message.h) turns bytes into these structs and back; engines build
// them to send. Invariants the codec enforces on decode, and that senders must
// respect for Encode to succeed: every Payload's `type` agrees with the
// alternative held in `body` (Identification for IDi/IDr, TrafficSelectors for
// TSi/TSr, Unknown for any type this codec does not model); lengths fit their
// wire fields. Counted lengths (payload length, SPI size, number of transforms,
// selector length, ...) are not stored: Encode derives them, Decode checks
// them. Reserved fields are not stored either: sent as zero, ignored on
// receipt (RFC 7296 3.2).
#ifndef CYGNET_IKE_WIRE_PAYLOADS_H_
#define CYGNET_IKE_WIRE_PAYLOADS_H_

#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "ike/wire/constants.h"

namespace cygnet::ike::wire {

using Bytes = std::vector<uint8_t>;

// An attribute other than Key Length. IKEv2 defines none, but RFC 7296 3.3.6
// makes an unknown attribute a reason to reject the transform, not the
// message, so they are kept for the negotiator to see. `tv` is the AF bit:
// TV attributes carry exactly 2 value bytes.
struct TransformAttribute {
  uint16_t type = 0;  // 15 bits
  bool tv = false;
  Bytes value;
  bool operator==(const TransformAttribute& o) const {
    return std::tie(type, tv, value) == std::tie(o.type, o.tv, o.value);
  }
  bool operator!=(const TransformAttribute& o) const { return !(*this == o); }
};

struct Transform {
  TransformType type = TransformType::kEncryption;
  // An EncryptionId, PrfId, IntegrityId, KeyExchangeGroup or EsnId, by type.
  uint16_t id = 0;
  std::optional<uint16_t> key_length;  // bits; the Key Length attribute
  // Encoded after Key Length (see the codec's canonical-form note).
  std::vector<TransformAttribute> other_attributes;

  static Transform Encryption(EncryptionId id,
                              std::optional<uint16_t> key_bits = {}) {
    return {
        TransformType::kEncryption, static_cast<uint16_t>(id), key_bits, {}};
  }
  static Transform Prf(PrfId id) {
    return {TransformType::kPseudorandomFunction,
            static_cast<uint16_t>(id),
            std::nullopt,
            {}};
  }
  static Transform Integrity(IntegrityId id) {
    return {
        TransformType::kIntegrity, static_cast<uint16_t>(id), std::nullopt, {}};
  }
  static Transform KeyExchange(KeyExchangeGroup group) {
    return {TransformType::kKeyExchange,
            static_cast<uint16_t>(group),
            std::nullopt,
            {}};
  }
  static Transform Esn(EsnId id) {
    return {TransformType::kExtendedSequenceNumbers,
            static_cast<uint16_t>(id),
            std::nullopt,
            {}};
  }

  bool operator==(const Transform& o) const {
    return std::tie(type, id, key_length, other_attributes) ==
           std::tie(o.type, o.id, o.key_length, o.other_attributes);
  }
  bool operator!=(const Transform& o) const { return !(*this == o); }
};

struct Proposal {
  uint8_t number = 1;  // Proposal Num: 1-based, as numbered by the initiator
  ProtocolId protocol_id = ProtocolId::kIke;
  // Empty in an initial IKE_SA_INIT; 8 bytes when rekeying an IKE SA; 4 for
  // ESP/AH. The codec only bounds it by its 1-byte size field.
  Bytes spi;
  std::vector<Transform> transforms;

  bool operator==(const Proposal& o) const {
    return std::tie(number, protocol_id, spi, transforms) ==
           std::tie(o.number, o.protocol_id, o.spi, o.transforms);
  }
  bool operator!=(const Proposal& o) const { return !(*this == o); }
};

// SA payload: one or more proposals.
struct SecurityAssociation {
  std::vector<Proposal> proposals;
  bool operator==(const SecurityAssociation& o) const {
    return proposals == o.proposals;
  }
  bool operator!=(const SecurityAssociation& o) const { return !(*this == o); }
};

// KE payload.
struct KeyExchange {
  KeyExchangeGroup group = KeyExchangeGroup::kNone;
  Bytes data;  // the public value, encoded per the group
  bool operator==(const KeyExchange& o) const {
    return std::tie(group, data) == std::tie(o.group, o.data);
  }
  bool operator!=(const KeyExchange& o) const { return !(*this == o); }
};

// IDi / IDr payload. For AUTH, RFC 7296 2.15 signs the payload body without
// the generic header: type, three reserved zero bytes, data (see
// EncodeIdentificationBody in message.h).
struct Identification {
  IdType type = IdType::kFqdn;
  Bytes data;  // 4 bytes for IPv4, 16 for IPv6, text or DER otherwise
  bool operator==(const Identification& o) const {
    return std::tie(type, data) == std::tie(o.type, o.data);
  }
  bool operator!=(const Identification& o) const { return !(*this == o); }
};

// CERT payload.
struct Certificate {
  CertificateEncoding encoding = CertificateEncoding::kX509Signature;
  Bytes data;
  bool operator==(const Certificate& o) const {
    return std::tie(encoding, data) == std::tie(o.encoding, o.data);
  }
  bool operator!=(const Certificate& o) const { return !(*this == o); }
};

// CERTREQ payload. For X.509 the authority is a concatenation of 20-byte
// SHA-1 hashes of trusted CAs' public keys; kept as one byte string.
struct CertificateRequest {
  CertificateEncoding encoding = CertificateEncoding::kX509Signature;
  Bytes authority;
  bool operator==(const CertificateRequest& o) const {
    return std::tie(encoding, authority) == std::tie(o.encoding, o.authority);
  }
  bool operator!=(const CertificateRequest& o) const { return !(*this == o); }
};

// AUTH payload. For method 14 (RFC 7427) `data` starts with the
// AlgorithmIdentifier length byte and ASN.1 object; the codec does not split
// it.
struct Authentication {
  AuthMethod method = AuthMethod::kSharedKeyMessageIntegrityCode;
  Bytes data;
  bool operator==(const Authentication& o) const {
    return std::tie(method, data) == std::tie(o.method, o.data);
  }
  bool operator!=(const Authentication& o) const { return !(*this == o); }
};

// Ni / Nr payload: 16..256 bytes (RFC 7296 3.9, checked by the codec).
struct Nonce {
  Bytes data;
  bool operator==(const Nonce& o) const { return data == o.data; }
  bool operator!=(const Nonce& o) const { return !(*this == o); }
};

// N payload.
struct Notify {
  ProtocolId protocol_id = ProtocolId::kNone;
  Bytes spi;  // empty unless the notify concerns a specific SA
  NotifyType type = NotifyType::kInitialContact;
  Bytes data;
  bool operator==(const Notify& o) const {
    return std::tie(protocol_id, spi, type, data) ==
           std::tie(o.protocol_id, o.spi, o.type, o.data);
  }
  bool operator!=(const Notify& o) const { return !(*this == o); }
};

// D payload. For the IKE SA: spi_size 0 and no SPIs; for ESP/AH: spi_size 4.
struct Delete {
  ProtocolId protocol_id = ProtocolId::kEsp;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis;  // each exactly spi_size bytes
  bool operator==(const Delete& o) const {
    return std::tie(protocol_id, spi_size, spis) ==
           std::tie(o.protocol_id, o.spi_size, o.spis);
  }
  bool operator!=(const Delete& o) const { return !(*this == o); }
};

// V payload.
struct VendorId {
  Bytes data;
  bool operator==(const VendorId& o) const { return data == o.data; }
  bool operator!=(const VendorId& o) const { return !(*this == o); }
};

// One traffic selector. For types 7 and 8 the addresses are 4 or 16 bytes.
// For any other type (e.g. RFC 4595 Fibre Channel) only `type`, `ip_protocol`
// (the second octet) and `opaque` (everything after the 4-octet selector
// header) are meaningful; the negotiator answers TS_UNACCEPTABLE, the codec
// keeps the bytes.
struct TrafficSelector {
  TrafficSelectorType type = TrafficSelectorType::kIpv4AddressRange;
  uint8_t ip_protocol = 0;  // 0 = any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  Bytes start_address;
  Bytes end_address;
  Bytes opaque;
  bool operator==(const TrafficSelector& o) const {
    return std::tie(type, ip_protocol, start_port, end_port, start_address,
                    end_address, opaque) ==
           std::tie(o.type, o.ip_protocol, o.start_port, o.end_port,
                    o.start_address, o.end_address, o.opaque);
  }
  bool operator!=(const TrafficSelector& o) const { return !(*this == o); }
};

// TSi / TSr payload: one or more selectors.
struct TrafficSelectors {
  std::vector<TrafficSelector> selectors;
  bool operator==(const TrafficSelectors& o) const {
    return selectors == o.selectors;
  }
  bool operator!=(const TrafficSelectors& o) const { return !(*this == o); }
};

// One CP attribute (RFC 7296 3.15.1); values are not interpreted.
struct ConfigurationAttribute {
  uint16_t type = 0;  // 15 bits
  Bytes value;
  bool operator==(const ConfigurationAttribute& o) const {
    return std::tie(type, value) == std::tie(o.type, o.value);
  }
  bool operator!=(const ConfigurationAttribute& o) const {
    return !(*this == o);
  }
};

// CP payload: parsed far enough to check its lengths and skip it.
struct Configuration {
  ConfigurationType type = ConfigurationType::kRequest;
  std::vector<ConfigurationAttribute> attributes;
  bool operator==(const Configuration& o) const {
    return std::tie(type, attributes) == std::tie(o.type, o.attributes);
  }
  bool operator!=(const Configuration& o) const { return !(*this == o); }
};

// SK payload as it travels: IV || ciphertext (inner payloads, padding, pad
// length) || ICV. sk_protection.h produces and opens it. The generic header's
// Next Payload field names the first inner payload.
struct Encrypted {
  PayloadType first_inner_payload = PayloadType::kNone;
  Bytes data;
  bool operator==(const Encrypted& o) const {
    return std::tie(first_inner_payload, data) ==
           std::tie(o.first_inner_payload, o.data);
  }
  bool operator!=(const Encrypted& o) const { return !(*this == o); }
};

// SKF payload (RFC 7383 2.5). first_inner_payload is set in fragment 1 only
// (kNone in the others); `data` is IV || ciphertext || ICV like SK.
struct EncryptedFragment {
  uint16_t fragment_number = 1;  // 1..total_fragments
  uint16_t total_fragments = 1;
  PayloadType first_inner_payload = PayloadType::kNone;
  Bytes data;
  bool operator==(const EncryptedFragment& o) const {
    return std::tie(fragment_number, total_fragments, first_inner_payload,
                    data) == std::tie(o.fragment_number, o.total_fragments,
                                      o.first_inner_payload, o.data);
  }
  bool operator!=(const EncryptedFragment& o) const { return !(*this == o); }
};

// Any payload type this codec does not model (EAP, GSPM, IDg, GSA, KD, PS,
// unassigned numbers), kept whole so a message re-encodes unchanged. Only
// non-critical ones get this far: a critical one fails Decode.
struct Unknown {
  Bytes body;  // everything after the generic payload header
  bool operator==(const Unknown& o) const { return body == o.body; }
  bool operator!=(const Unknown& o) const { return !(*this == o); }
};

using PayloadBody =
    std::variant<SecurityAssociation, KeyExchange, Identification, Certificate,
                 CertificateRequest, Authentication, Nonce, Notify, Delete,
                 VendorId, TrafficSelectors, Configuration, Encrypted,
                 EncryptedFragment, Unknown>;

// One payload: its type (which also tells IDi from IDr and TSi from TSr), the
// sender's critical bit, and the parsed body. The Next Payload field is not
// stored: it is the next element's type.
struct Payload {
  PayloadType type = PayloadType::kNone;
  bool critical = false;
  PayloadBody body;

  // A payload whose type follows from the body alone.
  static Payload Of(SecurityAssociation b) {
    return {PayloadType::kSecurityAssociation, false, std::move(b)};
  }
  static Payload Of(KeyExchange b) {
    return {PayloadType::kKeyExchange, false, std::move(b)};
  }
  static Payload Of(Certificate b) {
    return {PayloadType::kCertificate, false, std::move(b)};
  }
  static Payload Of(CertificateRequest b) {
    return {PayloadType::kCertificateRequest, false, std::move(b)};
  }
  static Payload Of(Authentication b) {
    return {PayloadType::kAuthentication, false, std::move(b)};
  }
  static Payload Of(Nonce b) {
    return {PayloadType::kNonce, false, std::move(b)};
  }
  static Payload Of(Notify b) {
    return {PayloadType::kNotify, false, std::move(b)};
  }
  static Payload Of(Delete b) {
    return {PayloadType::kDelete, false, std::move(b)};
  }
  static Payload Of(VendorId b) {
    return {PayloadType::kVendorId, false, std::move(b)};
  }
  static Payload Of(Configuration b) {
    return {PayloadType::kConfiguration, false, std::move(b)};
  }
  static Payload Of(Encrypted b) {
    return {PayloadType::kEncrypted, false, std::move(b)};
  }
  static Payload Of(EncryptedFragment b) {
    return {PayloadType::kEncryptedFragment, false, std::move(b)};
  }
  static Payload IdI(Identification b) {
    return {PayloadType::kIdInitiator, false, std::move(b)};
  }
  static Payload IdR(Identification b) {
    return {PayloadType::kIdResponder, false, std::move(b)};
  }
  static Payload TsI(TrafficSelectors b) {
    return {PayloadType::kTsInitiator, false, std::move(b)};
  }
  static Payload TsR(TrafficSelectors b) {
    return {PayloadType::kTsResponder, false, std::move(b)};
  }

  template <typename T>
  const T* As() const {
    return std::get_if<T>(&body);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&body);
  }

  bool operator==(const Payload& o) const {
    return std::tie(type, critical, body) ==
           std::tie(o.type, o.critical, o.body);
  }
  bool operator!=(const Payload& o) const { return !(*this == o); }
};

// The fixed IKE header (RFC 7296 3.1). Encode computes Next Payload from the
// first payload and Length from the result; Decode fills them in as received.
struct Header {
  uint64_t initiator_spi = 0;
  uint64_t responder_spi = 0;
  PayloadType next_payload = PayloadType::kNone;  // informational on Encode
  uint8_t major_version = kMajorVersion;
  uint8_t minor_version = kMinorVersion;
  ExchangeType exchange_type = ExchangeType::kIkeSaInit;
  bool initiator = false;  // I: sent by the original initiator of the IKE SA
  bool response = false;   // R
  bool version = false;    // V: sender could speak a higher major version
  uint32_t message_id = 0;
  uint32_t length = 0;  // informational on Encode

  bool operator==(const Header& o) const {
    return std::tie(initiator_spi, responder_spi, next_payload, major_version,
                    minor_version, exchange_type, initiator, response, version,
                    message_id, length) ==
           std::tie(o.initiator_spi, o.responder_spi, o.next_payload,
                    o.major_version, o.minor_version, o.exchange_type,
                    o.initiator, o.response, o.version, o.message_id, o.length);
  }
  bool operator!=(const Header& o) const { return !(*this == o); }
};

// First payload of `type` in a chain (e.g. OpenedMessage::payloads), or
// nullptr.
inline const Payload* FindPayload(const std::vector<Payload>& payloads,
                                  PayloadType type) {
  for (const Payload& p : payloads) {
    if (p.type == type) return &p;
  }
  return nullptr;
}
// First Notify of `type` in a chain, or nullptr.
inline const Notify* FindNotify(const std::vector<Payload>& payloads,
                                NotifyType type) {
  for (const Payload& p : payloads) {
    const Notify* n = p.As<Notify>();
    if (n != nullptr && n->type == type) return n;
  }
  return nullptr;
}

struct Message {
  Header header;
  // In wire order. An SK or SKF payload, when present, is the last one.
  std::vector<Payload> payloads;

  // First payload of `type`, or nullptr.
  const Payload* Find(PayloadType type) const {
    return FindPayload(payloads, type);
  }
  // First Notify of `type`, or nullptr.
  const Notify* FindNotify(NotifyType type) const {
    return wire::FindNotify(payloads, type);
  }

  bool operator==(const Message& o) const {
    return std::tie(header, payloads) == std::tie(o.header, o.payloads);
  }
  bool operator!=(const Message& o) const { return !(*this == o); }
};

}  // namespace cygnet::ike::wire

#endif  // CYGNET_IKE_WIRE_PAYLOADS_H_
