#include "ike/wire/test_messages.h"

#include <string>

namespace cygnet::ike::wire::testing {
namespace {

Bytes Pattern(size_t size, uint8_t seed) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) {
    out[i] = static_cast<uint8_t>(seed + i * 7);
  }
  return out;
}

Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }

TrafficSelectors Selectors(uint8_t third_octet) {
  TrafficSelectors ts;
  ts.selectors.push_back({TrafficSelectorType::kIpv4AddressRange,
                          0,
                          0,
                          65535,
                          Bytes{10, 0, third_octet, 0},
                          Bytes{10, 0, third_octet, 255},
                          {}});
  Bytes v6_start(16, 0), v6_end(16, 0xff);
  v6_start[0] = v6_end[0] = 0x20;
  v6_start[1] = v6_end[1] = 0x01;
  v6_start[2] = v6_end[2] = 0x0d;
  v6_start[3] = v6_end[3] = 0xb8;
  v6_start[5] = v6_end[5] = third_octet;
  ts.selectors.push_back({TrafficSelectorType::kIpv6AddressRange,
                          6,
                          443,
                          443,
                          v6_start,
                          v6_end,
                          {}});
  return ts;
}

Notify StatusNotify(NotifyType type, Bytes data = {}) {
  return Notify{ProtocolId::kNone, {}, type, std::move(data)};
}

}  // namespace

Message IkeSaInitRequest() {
  Message m;
  m.header.initiator_spi = kInitiatorSpi;
  m.header.exchange_type = ExchangeType::kIkeSaInit;
  m.header.initiator = true;
  SecurityAssociation sa;
  sa.proposals.push_back(
      {1,
       ProtocolId::kIke,
       {},
       {Transform::Encryption(EncryptionId::kAesCbc, 256),
        Transform::Encryption(EncryptionId::kAesCbc, 128),
        Transform::Prf(PrfId::kHmacSha2_256),
        Transform::Integrity(IntegrityId::kHmacSha2_256_128),
        Transform::KeyExchange(KeyExchangeGroup::kEcp256),
        Transform::KeyExchange(KeyExchangeGroup::kCurve25519)}});
  sa.proposals.push_back({2,
                          ProtocolId::kIke,
                          {},
                          {Transform::Encryption(EncryptionId::kAesGcm16, 256),
                           Transform::Prf(PrfId::kHmacSha2_384),
                           Transform::KeyExchange(KeyExchangeGroup::kEcp384)}});
  m.payloads.push_back(Payload::Of(std::move(sa)));
  m.payloads.push_back(
      Payload::Of(KeyExchange{KeyExchangeGroup::kEcp256, Pattern(64, 0x11)}));
  m.payloads.push_back(Payload::Of(Nonce{Pattern(32, 0x22)}));
  m.payloads.push_back(Payload::Of(
      StatusNotify(NotifyType::kNatDetectionSourceIp, Pattern(20, 0x33))));
  m.payloads.push_back(Payload::Of(
      StatusNotify(NotifyType::kNatDetectionDestinationIp, Pattern(20, 0x44))));
  m.payloads.push_back(
      Payload::Of(StatusNotify(NotifyType::kIkev2FragmentationSupported)));
  m.payloads.push_back(Payload::Of(StatusNotify(
      NotifyType::kSignatureHashAlgorithms, Bytes{0, 2, 0, 3, 0, 4})));
  m.payloads.push_back(Payload::Of(StatusNotify(NotifyType::kUsePpk)));
  m.payloads.push_back(Payload::Of(VendorId{Text("cygnet-test")}));
  return m;
}

Message IkeSaInitResponse() {
  Message m;
  m.header.initiator_spi = kInitiatorSpi;
  m.header.responder_spi = kResponderSpi;
  m.header.exchange_type = ExchangeType::kIkeSaInit;
  m.header.response = true;
  SecurityAssociation sa;
  sa.proposals.push_back({1,
                          ProtocolId::kIke,
                          {},
                          {Transform::Encryption(EncryptionId::kAesCbc, 256),
                           Transform::Prf(PrfId::kHmacSha2_256),
                           Transform::Integrity(IntegrityId::kHmacSha2_256_128),
                           Transform::KeyExchange(KeyExchangeGroup::kEcp256)}});
  m.payloads.push_back(Payload::Of(std::move(sa)));
  m.payloads.push_back(
      Payload::Of(KeyExchange{KeyExchangeGroup::kEcp256, Pattern(64, 0x55)}));
  m.payloads.push_back(Payload::Of(Nonce{Pattern(32, 0x66)}));
  m.payloads.push_back(Payload::Of(
      StatusNotify(NotifyType::kNatDetectionSourceIp, Pattern(20, 0x77))));
  m.payloads.push_back(Payload::Of(
      StatusNotify(NotifyType::kNatDetectionDestinationIp, Pattern(20, 0x88))));
  m.payloads.push_back(Payload::Of(CertificateRequest{
      CertificateEncoding::kX509Signature, Pattern(40, 0x99)}));
  m.payloads.push_back(
      Payload::Of(StatusNotify(NotifyType::kIkev2FragmentationSupported)));
  m.payloads.push_back(Payload::Of(StatusNotify(NotifyType::kUsePpk)));
  return m;
}

Header IkeAuthHeader(bool response) {
  Header h;
  h.initiator_spi = kInitiatorSpi;
  h.responder_spi = kResponderSpi;
  h.exchange_type = ExchangeType::kIkeAuth;
  h.initiator = !response;
  h.response = response;
  h.message_id = 1;
  return h;
}

std::vector<Payload> IkeAuthRequestInner() {
  std::vector<Payload> p;
  p.push_back(Payload::IdI(
      Identification{IdType::kFqdn, Text("initiator.example.com")}));
  p.push_back(Payload::Of(
      Certificate{CertificateEncoding::kX509Signature, Pattern(600, 0x30)}));
  p.push_back(Payload::Of(CertificateRequest{
      CertificateEncoding::kX509Signature, Pattern(20, 0x40)}));
  p.push_back(Payload::Of(StatusNotify(NotifyType::kInitialContact)));
  p.push_back(Payload::IdR(
      Identification{IdType::kFqdn, Text("responder.example.com")}));
  p.push_back(Payload::Of(Authentication{
      AuthMethod::kSharedKeyMessageIntegrityCode, Pattern(32, 0x50)}));
  p.push_back(Payload::Of(
      Configuration{ConfigurationType::kRequest, {{1, {}}, {3, {}}, {8, {}}}}));
  SecurityAssociation sa;
  sa.proposals.push_back({1,
                          ProtocolId::kEsp,
                          Bytes{0xc0, 0x01, 0x02, 0x03},
                          {Transform::Encryption(EncryptionId::kAesGcm16, 256),
                           Transform::Esn(EsnId::kNoEsn)}});
  sa.proposals.push_back({2,
                          ProtocolId::kEsp,
                          Bytes{0xc0, 0x01, 0x02, 0x03},
                          {Transform::Encryption(EncryptionId::kAesCbc, 128),
                           Transform::Integrity(IntegrityId::kHmacSha2_256_128),
                           Transform::Esn(EsnId::kNoEsn)}});
  p.push_back(Payload::Of(std::move(sa)));
  p.push_back(Payload::TsI(Selectors(1)));
  p.push_back(Payload::TsR(Selectors(2)));
  p.push_back(Payload::Of(StatusNotify(NotifyType::kUseTransportMode)));
  p.push_back(Payload::Of(
      StatusNotify(NotifyType::kPpkIdentity, Bytes{0x02, 'p', 'p', 'k', '1'})));
  return p;
}

std::vector<Payload> IkeAuthResponseInner() {
  std::vector<Payload> p;
  p.push_back(Payload::IdR(
      Identification{IdType::kFqdn, Text("responder.example.com")}));
  p.push_back(Payload::Of(Authentication{
      AuthMethod::kSharedKeyMessageIntegrityCode, Pattern(32, 0x60)}));
  SecurityAssociation sa;
  sa.proposals.push_back({1,
                          ProtocolId::kEsp,
                          Bytes{0xc0, 0x0a, 0x0b, 0x0c},
                          {Transform::Encryption(EncryptionId::kAesGcm16, 256),
                           Transform::Esn(EsnId::kNoEsn)}});
  p.push_back(Payload::Of(std::move(sa)));
  p.push_back(Payload::TsI(Selectors(1)));
  p.push_back(Payload::TsR(Selectors(2)));
  p.push_back(Payload::Of(StatusNotify(NotifyType::kPpkIdentity)));
  return p;
}

std::vector<Payload> EveryPayload() {
  std::vector<Payload> p = IkeAuthRequestInner();
  p.push_back(Payload::Of(
      KeyExchange{KeyExchangeGroup::kCurve25519, Pattern(32, 0x70)}));
  p.push_back(Payload::Of(Nonce{Pattern(16, 0x71)}));
  p.push_back(
      Payload::IdI(Identification{IdType::kIpv4Address, Bytes{192, 0, 2, 1}}));
  p.push_back(
      Payload::IdR(Identification{IdType::kIpv6Address, Pattern(16, 0x72)}));
  p.push_back(Payload::IdI(
      Identification{IdType::kRfc822Address, Text("user@example.com")}));
  p.push_back(
      Payload::IdI(Identification{IdType::kDerAsn1Dn, Pattern(40, 0x73)}));
  p.push_back(Payload::IdI(Identification{IdType::kKeyId, Pattern(8, 0x74)}));
  p.push_back(Payload::IdI(Identification{IdType::kNull, {}}));
  p.push_back(Payload::Of(Delete{ProtocolId::kIke, 0, {}}));
  p.push_back(Payload::Of(
      Delete{ProtocolId::kEsp, 4, {Bytes{1, 2, 3, 4}, Bytes{5, 6, 7, 8}}}));
  p.push_back(Payload::Of(
      Notify{ProtocolId::kEsp, Bytes{9, 9, 9, 9}, NotifyType::kRekeySa, {}}));
  p.push_back(Payload::Of(
      Notify{ProtocolId::kNone, {}, NotifyType::kInvalidKePayload, {0, 19}}));
  p.push_back(Payload::Of(VendorId{}));
  TrafficSelectors odd;
  odd.selectors.push_back({TrafficSelectorType::kFcAddressRange,
                           0,
                           0,
                           65535,
                           {},
                           {},
                           Pattern(12, 1)});
  p.push_back(Payload::TsI(std::move(odd)));
  Transform with_unknown = Transform::Encryption(EncryptionId::kAesCbc, 192);
  with_unknown.other_attributes.push_back({300, true, Bytes{0, 1}});
  with_unknown.other_attributes.push_back({301, false, Pattern(5, 2)});
  SecurityAssociation rekey;
  rekey.proposals.push_back(
      {3, ProtocolId::kIke, Pattern(8, 0x75), {with_unknown}});
  p.push_back(Payload::Of(std::move(rekey)));
  p.push_back(Payload::Of(
      Configuration{ConfigurationType::kReply, {{1, Bytes{10, 9, 8, 7}}}}));
  p.push_back(Payload{PayloadType::kEap, false, Unknown{Pattern(9, 3)}});
  p.push_back(Payload{static_cast<PayloadType>(200), false, Unknown{}});
  p.push_back(
      Payload{PayloadType::kCertificate, true,
              Certificate{CertificateEncoding::kCertificateRevocationList,
                          Pattern(3, 4)}});
  return p;
}

}  // namespace cygnet::ike::wire::testing
