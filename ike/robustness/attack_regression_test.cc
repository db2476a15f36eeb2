// Known-attack regressions: inputs modeled on published defects of IKEv2 /
// ESP implementations. Each test names the CVE or attack class it models and
// shows the input is rejected cleanly: a typed error, a counter or an event,
// no state left behind, and (for the engine) a legitimate peer still gets
// through afterwards.
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "crypto/hex.h"
#include "crypto/signature.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/authentication.h"
#include "ike/robustness/attack_test_support.h"
#include "ike/wire/fragmentation.h"
#include "ike/wire/message.h"

namespace cygnet::ike::robustness {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

wire::KeyExchange* FindKe(wire::Message& m) {
  for (wire::Payload& p : m.payloads) {
    if (auto* ke = std::get_if<wire::KeyExchange>(&p.body)) return ke;
  }
  return nullptr;
}
wire::Nonce* FindNonce(wire::Message& m) {
  for (wire::Payload& p : m.payloads) {
    if (auto* n = std::get_if<wire::Nonce>(&p.body)) return n;
  }
  return nullptr;
}

// What a responder did with one tampered IKE_SA_INIT.
struct Outcome {
  bool accepted = false;  // answered with its own KE (the SA went half-open)
  std::vector<wire::NotifyType> notifies;  // error notifies it answered with
  int dropped_or_failed = 0;               // kMessageDropped + kIkeSaFailed
  uint64_t malformed = 0;
  size_t ike_sas_left = 0;
};

Outcome SendToResponder(Node& responder, const std::vector<uint8_t>& bytes,
                        const std::string& from = kInitiatorAddress) {
  const EngineCounters before = responder.engine.counters();
  const size_t events_before = responder.events.size();
  responder.engine.HandleDatagram({Ip(from), 500}, responder.endpoint, bytes,
                                  kNow);
  Outcome out;
  for (const SendDatagram& d : responder.Drain()) {
    absl::StatusOr<wire::Message> reply = wire::Decode(d.bytes);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) continue;
    for (const wire::Payload& p : reply->payloads) {
      if (p.As<wire::KeyExchange>() != nullptr) out.accepted = true;
      if (const auto* n = p.As<wire::Notify>()) out.notifies.push_back(n->type);
    }
  }
  for (size_t i = events_before; i < responder.events.size(); ++i) {
    EventType t = responder.events[i].type;
    if (t == EventType::kMessageDropped || t == EventType::kIkeSaFailed) {
      ++out.dropped_or_failed;
    }
  }
  out.malformed = responder.engine.counters().malformed - before.malformed;
  // Half-open SAs created by a rejected request must not linger.
  out.ike_sas_left = responder.engine.ike_sa_count();
  return out;
}

// The responder refused and said so (error notify, counter or event), kept
// nothing, and still serves a legitimate peer.
void ExpectRejectedCleanly(Node& responder, const Outcome& out,
                           const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_FALSE(out.accepted);
  EXPECT_EQ(out.ike_sas_left, 0u) << responder.Reasons();
  EXPECT_TRUE(!out.notifies.empty() || out.dropped_or_failed > 0 ||
              out.malformed > 0)
      << "rejected silently, no counter or event";
  EXPECT_TRUE(LegitimatePeerEstablishes(responder, "198.51.100.77", 4242, kNow))
      << responder.Reasons();
}

std::unique_ptr<Node> Responder(EngineLimits limits = {}) {
  auto responder = std::make_unique<Node>(99, kResponderAddress, limits);
  EXPECT_TRUE(
      responder->engine
          .AddPolicy(TestPolicy("r", kResponderAddress, kInitiatorAddress))
          .ok());
  return responder;
}

TEST(AttackRegressionTest, UntamperedSaInitIsAcceptedSoTheOthersMeanSomething) {
  std::unique_ptr<Node> holder = Responder();
  Node& responder = *holder;
  Outcome out = SendToResponder(
      responder, EncodeOrDie(InitiatorSaInit(1, kInitiatorAddress)));
  EXPECT_TRUE(out.accepted);
  EXPECT_EQ(out.ike_sas_left, 1u);
}

// Malformed KE lengths. Models CVE-2023-41913 (strongSwan charon-tkm: a DH
// public value longer than its buffer overflowed it) and the general class
// of KE data whose length does not match the group.
TEST(AttackRegressionTest, KeDataOfWrongLengthIsRejected) {
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{63}, size_t{65}, size_t{4000}}) {
    std::unique_ptr<Node> holder = Responder();
    Node& responder = *holder;
    wire::Message init = InitiatorSaInit(2, kInitiatorAddress);
    wire::KeyExchange* ke = FindKe(init);
    ASSERT_NE(ke, nullptr);
    ke->data.resize(size, 0x42);
    absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(init);
    if (!bytes.ok()) continue;  // the codec itself refuses to build it
    ExpectRejectedCleanly(responder, SendToResponder(responder, *bytes),
                          absl::StrCat("KE data of ", size, " bytes"));
  }
}

// Invalid curve points in KE (invalid-curve attacks, Jager/Schwenk/
// Somorovsky, ESORICS 2015, shown against IKE's ECDH): a P-256 value that is
// not on the curve, the all-zero "point at infinity", and coordinates at or
// above the field prime must never be multiplied with the private key.
TEST(AttackRegressionTest, InvalidCurvePointsInKeAreRejected) {
  std::vector<uint8_t> off_curve(64, 0);
  off_curve[31] = 1;  // (1, 1) is not on P-256
  off_curve[63] = 1;
  std::vector<uint8_t> infinity(64, 0);
  std::vector<uint8_t> above_prime(64, 0xff);  // x = y = 2^256 - 1 > p
  for (const auto& [name, point] : std::map<std::string, std::vector<uint8_t>>{
           {"off curve", off_curve},
           {"infinity", infinity},
           {"above prime", above_prime}}) {
    std::unique_ptr<Node> holder = Responder();
    Node& responder = *holder;
    wire::Message init = InitiatorSaInit(3, kInitiatorAddress);
    FindKe(init)->data = point;
    ExpectRejectedCleanly(responder,
                          SendToResponder(responder, EncodeOrDie(init)), name);
  }
}

// KE for a group the SA payload does not propose (downgrade / confusion: a
// responder must not compute with a group nobody agreed on).
TEST(AttackRegressionTest, KeForAnotherGroupGetsInvalidKePayload) {
  std::unique_ptr<Node> holder = Responder();
  Node& responder = *holder;
  wire::Message init = InitiatorSaInit(4, kInitiatorAddress);
  FindKe(init)->group = wire::KeyExchangeGroup::kModp1024;
  FindKe(init)->data.assign(128, 0x5a);
  Outcome out = SendToResponder(responder, EncodeOrDie(init));
  EXPECT_FALSE(out.accepted);
  EXPECT_THAT(out.notifies,
              ::testing::Contains(wire::NotifyType::kInvalidKePayload));
  EXPECT_EQ(out.ike_sas_left, 0u);
}

// Zero-length and oversized nonces (RFC 7296 3.9: 16..256 bytes); the class
// of zero-length payload defects (a length field of 0 or 4 reaching code
// that expects data).
TEST(AttackRegressionTest, ZeroLengthAndOversizedNoncesAreRejected) {
  for (size_t size : {size_t{0}, size_t{15}, size_t{257}, size_t{2000}}) {
    std::unique_ptr<Node> holder = Responder();
    Node& responder = *holder;
    wire::Message init = InitiatorSaInit(5, kInitiatorAddress);
    FindNonce(init)->data.assign(size, 0x11);
    absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(init);
    if (!bytes.ok()) continue;
    ExpectRejectedCleanly(responder, SendToResponder(responder, *bytes),
                          absl::StrCat("nonce of ", size, " bytes"));
  }
}

// Payload length fields that lie (point past the message, below the generic
// header, or a chain that never ends): the classic parser overreads.
TEST(AttackRegressionTest, LyingPayloadLengthsAreMalformed) {
  std::vector<uint8_t> good =
      EncodeOrDie(InitiatorSaInit(6, kInitiatorAddress));
  // The first payload's generic header starts at offset 28; its length is at
  // 30..31.
  for (uint16_t length :
       {uint16_t{0}, uint16_t{3}, uint16_t{4}, uint16_t{0xffff},
        static_cast<uint16_t>(good.size() - 28 + 1)}) {
    std::unique_ptr<Node> holder = Responder();
    Node& responder = *holder;
    std::vector<uint8_t> bad = good;
    bad[30] = length >> 8;
    bad[31] = length & 0xff;
    Outcome out = SendToResponder(responder, bad);
    EXPECT_GE(out.malformed, 1u) << "length " << length;
    ExpectRejectedCleanly(responder, out, absl::StrCat("length ", length));
  }
  // The header's own length field larger or smaller than the datagram.
  for (int delta : {-1, 1, 1000}) {
    std::unique_ptr<Node> holder = Responder();
    Node& responder = *holder;
    std::vector<uint8_t> bad = good;
    uint32_t length = static_cast<uint32_t>(good.size() + delta);
    bad[24] = length >> 24;
    bad[25] = length >> 16;
    bad[26] = length >> 8;
    bad[27] = length;
    ExpectRejectedCleanly(responder, SendToResponder(responder, bad),
                          absl::StrCat("header length delta ", delta));
  }
}

// Too many payloads in one message (the payload-count / memory exhaustion
// class): the codec caps the chain at kMaxPayloads.
TEST(AttackRegressionTest, HundredsOfPayloadsAreMalformed) {
  std::unique_ptr<Node> holder = Responder();
  Node& responder = *holder;
  wire::Message init = InitiatorSaInit(7, kInitiatorAddress);
  for (int i = 0; i < 300; ++i) {
    init.payloads.push_back(wire::Payload::Of(wire::VendorId{{1, 2, 3}}));
  }
  // Encode may refuse; then hand-build nothing and just check Decode.
  absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(init);
  if (bytes.ok()) {
    Outcome out = SendToResponder(responder, *bytes);
    EXPECT_GE(out.malformed, 1u);
    ExpectRejectedCleanly(responder, out, "300 vendor IDs");
  } else {
    EXPECT_THAT(std::string(bytes.status().message()),
                ::testing::HasSubstr("payload"));
  }
}

// Bad traffic selectors (TS parsing defects): an IPv4 selector with IPv6-length addresses, a selector length
// shorter than its fixed part, a count that claims more selectors than
// present.
TEST(AttackRegressionTest, MalformedTrafficSelectorsAreRejectedByTheCodec) {
  auto ts_chain = [](std::vector<uint8_t> ts_body) {
    // One TSi payload: generic header (next 0, length) + body.
    std::vector<uint8_t> chain = {0, 0, 0, 0};
    chain.insert(chain.end(), ts_body.begin(), ts_body.end());
    chain[2] = static_cast<uint8_t>(chain.size() >> 8);
    chain[3] = static_cast<uint8_t>(chain.size());
    return chain;
  };
  std::vector<uint8_t> good_selector = {7,  0, 0, 16, 0,  0, 0xff, 0xff,
                                        10, 0, 0, 0,  10, 0, 0,    255};
  auto body = [](uint8_t count, std::vector<uint8_t> selector) {
    std::vector<uint8_t> b = {count, 0, 0, 0};
    b.insert(b.end(), selector.begin(), selector.end());
    return b;
  };
  // The good one decodes (so the bad ones fail for their reason).
  EXPECT_TRUE(wire::DecodePayloadChain(wire::PayloadType::kTsInitiator,
                                       ts_chain(body(1, good_selector)))
                  .ok());
  std::vector<std::pair<std::string, std::vector<uint8_t>>> bad;
  std::vector<uint8_t> s = good_selector;
  // (An unknown TS type is not a decoding error: the codec keeps it as an
  // opaque selector, which narrowing never matches.)
  s[3] = 40;  // IPv4 type with an IPv6-sized selector length
  bad.push_back({"length mismatch", body(1, s)});
  s = good_selector;
  s[3] = 4;  // shorter than the fixed part
  bad.push_back({"short selector", body(1, s)});
  bad.push_back({"count too high", body(5, good_selector)});
  bad.push_back({"count zero", body(0, good_selector)});
  for (const auto& [name, b] : bad) {
    absl::StatusOr<std::vector<wire::Payload>> decoded =
        wire::DecodePayloadChain(wire::PayloadType::kTsInitiator, ts_chain(b));
    EXPECT_FALSE(decoded.ok()) << name;
  }
}

// Fragment reassembly abuse. Models CVE-2016-1287 (Cisco ASA: IKE fragment
// reassembly overflowed the heap) and fragment floods: fragment numbers out
// of range, absurd Total Fragments, duplicates, too many messages in
// reassembly, too many bytes.
TEST(AttackRegressionTest, FragmentReassemblyAbuseIsBounded) {
  wire::ReassemblyLimits limits;
  wire::Reassembler reassembler(limits);
  auto fragment = [](uint32_t message_id, uint16_t number, uint16_t total,
                     size_t size) {
    wire::OpenedFragment f;
    f.header.initiator_spi = 1;
    f.header.responder_spi = 2;
    f.header.exchange_type = wire::ExchangeType::kIkeAuth;
    f.header.initiator = true;
    f.header.message_id = message_id;
    f.fragment_number = number;
    f.total_fragments = total;
    if (number == 1) f.first_inner_payload = wire::PayloadType::kVendorId;
    f.plaintext.assign(size, 0);
    return f;
  };
  EXPECT_FALSE(reassembler.Add(fragment(1, 0, 2, 10), kNow).ok());
  EXPECT_FALSE(reassembler.Add(fragment(1, 3, 2, 10), kNow).ok());
  EXPECT_FALSE(reassembler.Add(fragment(1, 1, 65535, 10), kNow).ok());
  ASSERT_TRUE(reassembler.Add(fragment(1, 1, 3, 10), kNow).ok());
  absl::StatusOr<std::optional<wire::ReassembledMessage>> dup =
      reassembler.Add(fragment(1, 1, 3, 10), kNow);
  EXPECT_FALSE(dup.ok());
  // Flood: distinct messages beyond max_messages are refused.
  int refused = 0;
  for (uint32_t id = 2; id < 100; ++id) {
    if (!reassembler.Add(fragment(id, 1, 2, 10), kNow).ok()) ++refused;
  }
  EXPECT_LE(reassembler.messages_in_reassembly(), limits.max_messages);
  EXPECT_GE(refused, 90);
  // Bytes: fragments that would exceed max_message_bytes abandon it.
  wire::Reassembler big(limits);
  absl::Status last;
  for (uint16_t n = 1; n <= 20; ++n) {
    last = big.Add(fragment(7, n, 20, 8000), kNow).status();
    if (!last.ok()) break;
  }
  EXPECT_EQ(last.code(), absl::StatusCode::kResourceExhausted) << last;
  EXPECT_LE(big.buffered_bytes(), limits.max_message_bytes);
  // Expiry frees everything.
  reassembler.Expire(kNow + limits.timeout + absl::Seconds(1));
  EXPECT_EQ(reassembler.messages_in_reassembly(), 0u);
  EXPECT_EQ(reassembler.buffered_bytes(), 0u);
}

std::map<std::string, std::string> ReadVector(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::vector<uint8_t> Hex(const std::string& hex) {
  absl::StatusOr<std::vector<uint8_t>> bytes = crypto::HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex.substr(0, 16);
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// RSA signature padding tricks. Models Bleichenbacher's 2006 e=3 forgery
// and its ASN.1-leniency variants in IKE (strongSwan gmp plugin,
// CVE-2018-16151 / CVE-2018-16152): a PKCS#1 v1.5 block
// 00 01 FF..FF 00 DigestInfo || garbage, made by a cube root without the
// private key, must not verify as an IKE AUTH signature.
TEST(AttackRegressionTest, BleichenbacherForgedRsaSignatureFails) {
  std::map<std::string, std::string> v =
      ReadVector("ike/robustness/testdata/rsa_e3_forgery.txt");
  ASSERT_EQ(v.size(), 4u);
  std::vector<uint8_t> message = Hex(v["message"]);
  absl::StatusOr<crypto::PublicKey> key =
      crypto::PublicKey::FromDer(Hex(v["public_key_der"]));
  if (!key.ok()) {
    // Refusing e=3 keys outright is also a clean rejection.
    GTEST_SUCCEED() << "e=3 key refused: " << key.status();
    return;
  }
  absl::StatusOr<std::vector<uint8_t>> alg_id =
      SignatureAlgorithmIdentifier(crypto::SignatureScheme::kRsaPkcs1Sha256);
  ASSERT_TRUE(alg_id.ok());
  auto auth_data = [&](const std::vector<uint8_t>& signature) {
    std::vector<uint8_t> data = {static_cast<uint8_t>(alg_id->size())};
    data.insert(data.end(), alg_id->begin(), alg_id->end());
    data.insert(data.end(), signature.begin(), signature.end());
    return data;
  };
  // The genuine signature verifies, so the key and framing are right...
  EXPECT_TRUE(VerifySignatureAuth(wire::AuthMethod::kDigitalSignature,
                                  auth_data(Hex(v["genuine_signature"])), *key,
                                  message)
                  .ok());
  // ...and the forgery does not, by either method.
  absl::Status forged =
      VerifySignatureAuth(wire::AuthMethod::kDigitalSignature,
                          auth_data(Hex(v["forged_signature"])), *key, message);
  EXPECT_FALSE(forged.ok());
  EXPECT_FALSE(VerifySignatureAuth(wire::AuthMethod::kRsaDigitalSignature,
                                   Hex(v["forged_signature"]), *key, message)
                   .ok());
  // A genuine signature with a byte appended (trailing-data leniency).
  std::vector<uint8_t> longer = Hex(v["genuine_signature"]);
  longer.push_back(0);
  EXPECT_FALSE(VerifySignatureAuth(wire::AuthMethod::kDigitalSignature,
                                   auth_data(longer), *key, message)
                   .ok());
}

// Crafted Notify data on the initiator: INVALID_KE_PAYLOAD naming a group
// the initiator never offered (RFC 7296 1.2: it must be one of the offered
// groups; following it blindly is a downgrade), or with data of the wrong
// size; a COOKIE far above RFC 7296 2.6's 64-byte maximum (amplification /
// memory). None of them may make the initiator send a new request built on
// the bogus value.
class InitiatorNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        initiator_.engine
            .AddPolicy(TestPolicy("i", kInitiatorAddress, kResponderAddress))
            .ok());
    ASSERT_TRUE(initiator_.engine.Initiate("i", kNow).ok());
    std::vector<SendDatagram> sent = initiator_.Drain();
    ASSERT_EQ(sent.size(), 1u);
    absl::StatusOr<wire::Message> request = wire::Decode(sent[0].bytes);
    ASSERT_TRUE(request.ok());
    request_ = *request;
  }
  // Answers the IKE_SA_INIT with one notify; returns what the initiator
  // sent in reaction.
  std::vector<wire::Message> Answer(wire::NotifyType type,
                                    std::vector<uint8_t> data) {
    wire::Message reply;
    reply.header = request_.header;
    reply.header.response = true;
    reply.header.initiator = false;
    wire::Notify n;
    n.type = type;
    n.data = std::move(data);
    reply.payloads.push_back(wire::Payload::Of(std::move(n)));
    absl::StatusOr<std::vector<uint8_t>> bytes = wire::Encode(reply);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    initiator_.engine.HandleDatagram({Ip(kResponderAddress), 500},
                                     initiator_.endpoint, *bytes, kNow);
    std::vector<wire::Message> out;
    for (const SendDatagram& d : initiator_.Drain()) {
      absl::StatusOr<wire::Message> m = wire::Decode(d.bytes);
      EXPECT_TRUE(m.ok());
      if (m.ok()) out.push_back(*m);
    }
    return out;
  }
  Node initiator_{17, kInitiatorAddress};
  wire::Message request_;
};

TEST_F(InitiatorNotifyTest, InvalidKeNamingAGroupNotOfferedIsNotFollowed) {
  for (const wire::Message& m :
       Answer(wire::NotifyType::kInvalidKePayload, {0, 2} /* MODP-1024 */)) {
    for (const wire::Payload& p : m.payloads) {
      if (const auto* ke = p.As<wire::KeyExchange>()) {
        EXPECT_EQ(ke->group, wire::KeyExchangeGroup::kEcp256);
      }
    }
  }
  EXPECT_EQ(initiator_.Count(EventType::kIkeSaEstablished), 0);
}

TEST_F(InitiatorNotifyTest, InvalidKeWithMalformedDataIsNotFollowed) {
  for (std::vector<uint8_t> data :
       {std::vector<uint8_t>{}, std::vector<uint8_t>{0},
        std::vector<uint8_t>(300, 0x13)}) {
    for (const wire::Message& m :
         Answer(wire::NotifyType::kInvalidKePayload, data)) {
      for (const wire::Payload& p : m.payloads) {
        if (const auto* ke = p.As<wire::KeyExchange>()) {
          EXPECT_EQ(ke->group, wire::KeyExchangeGroup::kEcp256);
        }
      }
    }
  }
}

TEST_F(InitiatorNotifyTest, AbsurdCookieIsNotEchoed) {
  std::vector<wire::Message> sent =
      Answer(wire::NotifyType::kCookie, std::vector<uint8_t>(4000, 0xc0));
  for (const wire::Message& m : sent) {
    for (const wire::Payload& p : m.payloads) {
      if (const auto* n = p.As<wire::Notify>()) {
        if (n->type == wire::NotifyType::kCookie) {
          EXPECT_LE(n->data.size(), 64u) << "echoed an oversized cookie";
        }
      }
    }
  }
  // A well-formed cookie is echoed (the check above is not vacuous).
  std::vector<wire::Message> ok =
      Answer(wire::NotifyType::kCookie, std::vector<uint8_t>(20, 0xc1));
  bool echoed = false;
  for (const wire::Message& m : ok) {
    for (const wire::Payload& p : m.payloads) {
      if (const auto* n = p.As<wire::Notify>()) {
        echoed |= n->type == wire::NotifyType::kCookie &&
                  n->data == std::vector<uint8_t>(20, 0xc1);
      }
    }
  }
  EXPECT_TRUE(echoed);
}

}  // namespace
}  // namespace cygnet::ike::robustness
