#include "ike/wire/message.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/hex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/wire/test_messages.h"

namespace cygnet::ike::wire {
namespace {

using ::testing::HasSubstr;

Bytes Hex(const std::string& hex) {
  auto bytes = crypto::HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : Bytes{};
}

// A hand-assembled IKE_SA_INIT-shaped message (RFC 7296 section 3 layouts),
// independent of the encoder.
const char kGolden[] =
    // IKE header: SPIi, SPIr, next SA, version 2.0, IKE_SA_INIT, I, msg 0,
    // length 80.
    "0001020304050607 0000000000000000 21 20 22 08 00000000 00000050"
    // SA: next Nonce, length 24; proposal #1 IKE, 1 transform; ENCR_AES_CBC
    // with Key Length 256 (TV).
    "28 00 0018  00 00 0014 01 01 00 01  00 00 000c 01 00 000c 800e 0100"
    // Nonce: next N, length 20, 16 bytes.
    "29 00 0014 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    // N(IKEV2_FRAGMENTATION_SUPPORTED): last, length 8.
    "00 00 0008 00 00 402e";

TEST(MessageTest, DecodesHandAssembledBytes) {
  const Bytes golden = Hex(kGolden);
  auto m = Decode(golden);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->header.initiator_spi, 0x0001020304050607u);
  EXPECT_EQ(m->header.responder_spi, 0u);
  EXPECT_EQ(m->header.exchange_type, ExchangeType::kIkeSaInit);
  EXPECT_TRUE(m->header.initiator);
  EXPECT_FALSE(m->header.response);
  EXPECT_EQ(m->header.length, 80u);
  ASSERT_EQ(m->payloads.size(), 3u);
  const auto* sa = m->payloads[0].As<SecurityAssociation>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].protocol_id, ProtocolId::kIke);
  ASSERT_EQ(sa->proposals[0].transforms.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms[0],
            Transform::Encryption(EncryptionId::kAesCbc, 256));
  EXPECT_EQ(m->payloads[1].As<Nonce>()->data, Bytes(16, 0xaa));
  EXPECT_NE(m->FindNotify(NotifyType::kIkev2FragmentationSupported), nullptr);
  EXPECT_EQ(Summary(*m),
            "IKE_SA_INIT request 0 [ SA Nonce "
            "N(IKEV2_FRAGMENTATION_SUPPORTED) ]");

  // And the encoder produces exactly those bytes from the structs.
  auto encoded = Encode(*m);
  ASSERT_TRUE(encoded.ok()) << encoded.status();
  EXPECT_EQ(crypto::HexEncode(*encoded), crypto::HexEncode(golden));
}

void ExpectRoundTrip(const Message& m) {
  auto bytes = Encode(m);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto decoded = Decode(*bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  Message expected = m;
  expected.header.next_payload =
      m.payloads.empty() ? PayloadType::kNone : m.payloads[0].type;
  expected.header.length = static_cast<uint32_t>(bytes->size());
  EXPECT_EQ(*decoded, expected);
  auto again = Encode(*decoded);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *bytes);
}

TEST(MessageTest, IkeSaInitRoundTrips) {
  ExpectRoundTrip(testing::IkeSaInitRequest());
  ExpectRoundTrip(testing::IkeSaInitResponse());
}

TEST(MessageTest, IkeAuthInnerChainsRoundTrip) {
  for (const auto& chain :
       {testing::IkeAuthRequestInner(), testing::IkeAuthResponseInner()}) {
    auto bytes = EncodePayloadChain(chain);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    auto decoded = DecodePayloadChain(chain[0].type, *bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, chain);
  }
  // The outer IKE_AUTH message: header + SK carrying opaque bytes.
  Message m;
  m.header = testing::IkeAuthHeader(false);
  m.payloads.push_back(
      Payload::Of(Encrypted{PayloadType::kIdInitiator, Bytes(100, 0x5a)}));
  ExpectRoundTrip(m);
}

TEST(MessageTest, EveryPayloadRoundTripsOneByOne) {
  for (const Payload& p : testing::EveryPayload()) {
    Message m;
    m.header = testing::IkeAuthHeader(true);
    m.payloads.push_back(p);
    SCOPED_TRACE(ToString(p.type));
    ExpectRoundTrip(m);
  }
}

TEST(MessageTest, EveryPayloadRoundTripsTogether) {
  Message m;
  m.header = testing::IkeAuthHeader(true);
  m.header.version = true;
  m.payloads = testing::EveryPayload();
  ExpectRoundTrip(m);
}

TEST(MessageTest, EncryptedFragmentRoundTrips) {
  for (uint16_t number : {1, 2, 3}) {
    Message m;
    m.header = testing::IkeAuthHeader(false);
    m.payloads.push_back(Payload::Of(EncryptedFragment{
        number, 3, number == 1 ? PayloadType::kIdInitiator : PayloadType::kNone,
        Bytes(40, static_cast<uint8_t>(number))}));
    ExpectRoundTrip(m);
  }
}

TEST(MessageTest, EmptyMessageRoundTrips) {
  Message m;
  m.header = testing::IkeAuthHeader(true);
  m.header.exchange_type = ExchangeType::kInformational;
  ExpectRoundTrip(m);
}

TEST(MessageTest, NonEspMarker) {
  auto bytes = Encode(testing::IkeSaInitRequest());
  ASSERT_TRUE(bytes.ok());
  const Bytes marked = AddNonEspMarker(*bytes);
  ASSERT_EQ(marked.size(), bytes->size() + 4);
  auto stripped = StripNonEspMarker(marked);
  ASSERT_TRUE(stripped.ok());
  EXPECT_TRUE(Decode(*stripped).ok());
  // An ESP packet starts with its (non-zero) SPI.
  EXPECT_THAT(std::string(StripNonEspMarker(*bytes).status().message()),
              HasSubstr("it is ESP, not IKE"));
  EXPECT_FALSE(StripNonEspMarker(Bytes{0, 0, 0}).ok());
}

TEST(MessageTest, IdentificationBodyForAuth) {
  EXPECT_EQ(crypto::HexEncode(EncodeIdentificationBody(
                {IdType::kIpv4Address, Bytes{192, 0, 2, 1}})),
            "01000000c0000201");
}

// Every truncation and every single-octet change of real messages either
// fails cleanly or decodes to a message that re-encodes to a fixed point.
TEST(MessageTest, MutationSweepKeepsTheFixedPoint) {
  Message every;
  every.header = testing::IkeAuthHeader(true);
  every.payloads = testing::EveryPayload();
  size_t accepted = 0, rejected = 0;
  for (const Message& m : {testing::IkeSaInitRequest(), every}) {
    auto bytes = Encode(m);
    ASSERT_TRUE(bytes.ok());
    auto check = [&](Bytes candidate) {
      // Keep the header's Length consistent so the payload parser is reached.
      if (candidate.size() >= kHeaderSize) {
        const uint32_t n = static_cast<uint32_t>(candidate.size());
        candidate[24] = static_cast<uint8_t>(n >> 24);
        candidate[25] = static_cast<uint8_t>(n >> 16);
        candidate[26] = static_cast<uint8_t>(n >> 8);
        candidate[27] = static_cast<uint8_t>(n);
      }
      auto decoded = Decode(candidate);
      if (!decoded.ok()) {
        ++rejected;
        EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
        return;
      }
      ++accepted;
      auto encoded = Encode(*decoded);
      ASSERT_TRUE(encoded.ok()) << encoded.status();
      EXPECT_EQ(encoded->size(), candidate.size());
      auto again = Decode(*encoded);
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_EQ(again->payloads, decoded->payloads);
    };
    for (size_t n = 0; n < bytes->size(); ++n) {
      check(Bytes(bytes->begin(), bytes->begin() + n));
    }
    for (size_t i = kHeaderSize; i < bytes->size(); ++i) {
      for (uint8_t delta : {0x01, 0x80, 0xff}) {
        Bytes mutated = *bytes;
        mutated[i] ^= delta;
        check(mutated);
      }
    }
  }
  // Both outcomes occur: the sweep exercises the parser, not just one path.
  EXPECT_GT(accepted, 100u);
  EXPECT_GT(rejected, 1000u);
}

// ------------------------------------------------------------ decode errors

// Wraps payload bytes in a header whose length is right.
Bytes WithHeader(uint8_t first, const std::string& payload_hex) {
  Bytes payloads = Hex(payload_hex);
  Header h = testing::IkeAuthHeader(false);
  Bytes out =
      EncodeHeader(h, static_cast<PayloadType>(first),
                   static_cast<uint32_t>(kHeaderSize + payloads.size()));
  out.insert(out.end(), payloads.begin(), payloads.end());
  return out;
}

struct ErrorCase {
  const char* name;
  uint8_t first;
  const char* payload_hex;
  const char* message;
};

class DecodeErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(DecodeErrorTest, RejectsWithNamedFieldAndInvalidSyntax) {
  const ErrorCase& c = GetParam();
  auto m = Decode(WithHeader(c.first, c.payload_hex));
  ASSERT_FALSE(m.ok()) << c.name;
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(m.status().message()), HasSubstr(c.message));
  auto notify = NotifyForError(m.status());
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, NotifyType::kInvalidSyntax);
}

// Proposal bodies used below (8-byte transform ENCR_AES_CBC without attrs).
#define T_LAST "00 00 0008 01 00 000c"
#define T_MORE "03 00 0008 01 00 000c"

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeErrorTest,
    ::testing::Values(
        // Generic payload header.
        ErrorCase{"header truncated", 40, "00 00",
                  "payload 1 (Nonce): generic header needs 4 bytes, 2 remain"},
        ErrorCase{"length below 4", 43, "00 00 0003",
                  "payload 1 (V): Payload Length 3 below minimum 4"},
        ErrorCase{"length beyond end", 43, "00 00 0009 aabbcc",
                  "payload 1 (V): Payload Length 9 exceeds the 7 bytes "
                  "remaining"},
        ErrorCase{"trailing bytes", 43, "00 00 0004 ff",
                  "1 bytes follow the last payload"},
        ErrorCase{"chain ends early", 43, "2b 00 0004",
                  "payload 2 (V): generic header needs 4 bytes, 0 remain"},
        ErrorCase{"SK not last", 46, "00 00 0008 00000000 2b000004",
                  "payload 1 (SK): 4 bytes follow it, but it must be the last"},
        // SA.
        ErrorCase{"SA empty", 33, "00 00 0004", "payload 1 (SA): no proposals"},
        ErrorCase{"proposal short", 33, "00 00 0008 00000000",
                  "proposal #1: 4 bytes remain, minimum 8"},
        ErrorCase{"proposal below 8+spi", 33,
                  "00 00 000f  00 00 000b 01 01 04 00 000000",
                  "proposal #1: length 11 below minimum 12 (8 + SPI size 4)"},
        ErrorCase{"proposal beyond SA", 33,
                  "00 00 000c  00 00 0010 01 01 00 00",
                  "proposal #1: length 16 exceeds the 8 bytes remaining"},
        ErrorCase{"proposal bad last substruc", 33,
                  "00 00 000c  05 00 0008 01 01 00 00",
                  "proposal #1: Last Substruc 5 is neither 0 nor 2"},
        ErrorCase{"bytes after last proposal", 33,
                  "00 00 0014  00 00 0008 01 01 00 00  00 00 0008 02 01 00 00",
                  "8 bytes follow the proposal marked last"},
        ErrorCase{"last proposal marked more", 33,
                  "00 00 000c  02 00 0008 01 01 00 00",
                  "last proposal has Last Substruc 2"},
        ErrorCase{"transform short", 33,
                  "00 00 0010  00 00 000c 01 01 00 01 00000000",
                  "proposal #1 transform #1: 4 bytes remain, minimum 8"},
        ErrorCase{"transform length 7", 33,
                  "00 00 002c  02 00 0008 01 01 00 00"
                  "  00 00 0020 02 01 00 03 " T_MORE " " T_MORE
                  " 00 00 0007 01 00 000c",
                  "payload 1 (SA): proposal #2 transform #3: length 7 below "
                  "minimum 8"},
        ErrorCase{"transform beyond proposal", 33,
                  "00 00 0014  00 00 0010 01 01 00 01  00 00 0009 01 00 000c",
                  "transform #1: length 9 exceeds the 8 bytes remaining"},
        ErrorCase{"transform bad last substruc", 33,
                  "00 00 0014  00 00 0010 01 01 00 01  02 00 0008 01 00 000c",
                  "transform #1: Last Substruc 2 is neither 0 nor 3"},
        ErrorCase{"bytes after last transform", 33,
                  "00 00 001c  00 00 0018 01 01 00 02 " T_LAST " " T_LAST,
                  "8 bytes follow the transform marked last"},
        ErrorCase{"last transform marked more", 33,
                  "00 00 0014  00 00 0010 01 01 00 01 " T_MORE,
                  "last transform has Last Substruc 3"},
        ErrorCase{"num transforms mismatch", 33,
                  "00 00 0014  00 00 0010 01 01 00 02 " T_LAST,
                  "proposal #1: Num Transforms 2 but 1 transforms present"},
        ErrorCase{"attribute truncated", 33,
                  "00 00 0016  00 00 0012 01 01 00 01  00 00 000a 01 00 000c "
                  "800e",
                  "transform #1 attribute #1: 2 bytes remain, minimum 4"},
        ErrorCase{"TLV attribute beyond transform", 33,
                  "00 00 0018  00 00 0014 01 01 00 01  00 00 000c 01 00 000c "
                  "0001 0004",
                  "attribute #1: length 4 exceeds the 0 bytes remaining"},
        ErrorCase{"key length as TLV", 33,
                  "00 00 001a  00 00 0016 01 01 00 01  00 00 000e 01 00 000c "
                  "000e 0002 0100",
                  "attribute #1: Key Length must use the TV format"},
        ErrorCase{"duplicate key length", 33,
                  "00 00 001c  00 00 0018 01 01 00 01  00 00 0010 01 00 000c "
                  "800e 0080 800e 0100",
                  "attribute #2: duplicate Key Length"},
        ErrorCase{"too many unknown attributes", 33,
                  "00 00 0038  00 00 0034 01 01 00 01  00 00 002c 01 00 000c "
                  "8001 0000 8001 0000 8001 0000 8001 0000 8001 0000 "
                  "8001 0000 8001 0000 8001 0000 8001 0000",
                  "more than 8 unknown attributes"},
        // KE, ID, CERT, CERTREQ, AUTH, Nonce.
        ErrorCase{"KE without data", 34, "00 00 0008 0013 0000",
                  "payload 1 (KE): body of 4 bytes below minimum 5"},
        ErrorCase{"ID short", 35, "00 00 0006 0100",
                  "payload 1 (IDi): body of 2 bytes below minimum 4"},
        ErrorCase{"IPv4 ID size", 35, "00 00 000b 01000000 c00002",
                  "payload 1 (IDi): ID_IPV4_ADDR data of 3 bytes, must be 4"},
        ErrorCase{"IPv6 ID size", 36, "00 00 000c 05000000 20010db8",
                  "payload 1 (IDr): ID_IPV6_ADDR data of 4 bytes, must be 16"},
        ErrorCase{"empty FQDN", 35, "00 00 0008 02000000",
                  "payload 1 (IDi): empty ID_FQDN"},
        ErrorCase{"CERT without data", 37, "00 00 0005 04",
                  "payload 1 (CERT): body of 1 bytes below minimum 2"},
        ErrorCase{"CERTREQ empty", 38, "00 00 0004",
                  "payload 1 (CERTREQ): body of 0 bytes below minimum 1"},
        ErrorCase{"CERTREQ partial hash", 38, "00 00 0008 04 aabbcc",
                  "Certification Authority of 3 bytes is not a list of "
                  "20-byte SHA-1 hashes"},
        ErrorCase{"AUTH without data", 39, "00 00 0008 02000000",
                  "payload 1 (AUTH): body of 4 bytes below minimum 5"},
        ErrorCase{"nonce short", 40,
                  "00 00 0013 "
                  "00000000000000000000000000"
                  "0000",
                  "payload 1 (Nonce): Nonce Data of 15 bytes outside 16..256"},
        // Notify, Delete.
        ErrorCase{"notify short", 41, "00 00 0007 000000",
                  "payload 1 (N): body of 3 bytes below minimum 4"},
        ErrorCase{"notify SPI beyond", 41, "00 00 000a 03 04 4009 aabb",
                  "payload 1 (N): SPI Size 4 exceeds the 2 bytes remaining"},
        ErrorCase{"delete short", 42, "00 00 0006 0304",
                  "payload 1 (D): body of 2 bytes below minimum 4"},
        ErrorCase{"delete protocol", 42, "00 00 0008 00 00 0000",
                  "payload 1 (D): Protocol ID NONE cannot be deleted"},
        ErrorCase{"delete ESP SPI size", 42,
                  "00 00 0010 03 08 0001 "
                  "0102030405060708",
                  "payload 1 (D): SPI Size 8 for ESP must be 4"},
        ErrorCase{"delete IKE with SPIs", 42, "00 00 0008 01 00 0001",
                  "payload 1 (D): Num of SPIs 1 for IKE must be 0"},
        ErrorCase{"delete count mismatch", 42, "00 00 000c 03 04 0002 01020304",
                  "Num of SPIs 2 x SPI Size 4 does not match the 4 bytes"},
        // TS.
        ErrorCase{"TS short", 44, "00 00 0006 0100",
                  "payload 1 (TSi): body of 2 bytes below minimum 4"},
        ErrorCase{"TS count zero", 44, "00 00 0008 00000000",
                  "payload 1 (TSi): Number of TSs is 0"},
        ErrorCase{"TS truncated", 45, "00 00 000a 01000000 0700",
                  "payload 1 (TSr): traffic selector #1: 2 bytes remain, "
                  "minimum 4"},
        ErrorCase{"TS v4 length", 44,
                  "00 00 0014 01000000 07 00 000c 0000ffff "
                  "0a000000",
                  "traffic selector #1: Selector Length 12 for "
                  "TS_IPV4_ADDR_RANGE must be 16"},
        ErrorCase{"TS v6 length", 44,
                  "00 00 0018 01000000 08 00 0010 0000ffff "
                  "0a000000 0a0000ff",
                  "Selector Length 16 for TS_IPV6_ADDR_RANGE must be 40"},
        ErrorCase{"TS v4 beyond", 44,
                  "00 00 0014 01000000 07 00 0010 0000ffff "
                  "0a000000",
                  "traffic selector #1: Selector Length 16 exceeds the 12 "
                  "bytes remaining"},
        ErrorCase{"TS other type below header", 44,
                  "00 00 000c 01000000 09 00 "
                  "0002",
                  "traffic selector #1: Selector Length 2 below minimum 4"},
        ErrorCase{"TS trailing", 44,
                  "00 00 001a 01000000 07 00 0010 0000ffff "
                  "0a000000 0a0000ff 0000",
                  "payload 1 (TSi): 2 bytes follow the last of 1 traffic "
                  "selectors"},
        ErrorCase{"TS count too high", 44,
                  "00 00 0018 02000000 07 00 0010 "
                  "0000ffff 0a000000 0a0000ff",
                  "traffic selector #2: 0 bytes remain, minimum 4 (Number of "
                  "TSs is 2)"},
        // CP.
        ErrorCase{"CP short", 47, "00 00 0006 0100",
                  "payload 1 (CP): body of 2 bytes below minimum 4"},
        ErrorCase{"CP attribute truncated", 47, "00 00 000a 01000000 0001",
                  "payload 1 (CP): attribute #1: 2 bytes remain, minimum 4"},
        ErrorCase{"CP attribute beyond", 47,
                  "00 00 000e 01000000 0001 0004 "
                  "0a00",
                  "payload 1 (CP): attribute #1: length 4 exceeds the 2 bytes "
                  "remaining"},
        // SKF.
        ErrorCase{"SKF short", 53, "00 00 0006 0001",
                  "payload 1 (SKF): body of 2 bytes below minimum 4"},
        ErrorCase{"SKF total zero", 53, "00 00 0008 0001 0000",
                  "payload 1 (SKF): Total Fragments is 0"},
        ErrorCase{"SKF number zero", 53, "00 00 0008 0000 0002",
                  "payload 1 (SKF): Fragment Number 0 outside 1..2"},
        ErrorCase{"SKF number above total", 53, "00 00 0008 0003 0002",
                  "payload 1 (SKF): Fragment Number 3 outside 1..2"},
        ErrorCase{"SKF next payload in fragment 2", 53, "23 00 0008 0002 0002",
                  "payload 1 (SKF): Next Payload IDi in fragment 2"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) {
      std::string name;
      for (const char* c = info.param.name; *c != '\0'; ++c) {
        name.push_back(std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_');
      }
      return name;
    });

TEST(MessageTest, TooManyConfigurationAttributes) {
  std::string hex = "00 00 ";
  const size_t body = 4 + 4 * (kMaxConfigurationAttributes + 1);
  hex += absl::StrCat(absl::Hex(body + 4, absl::kZeroPad4), " 01000000");
  for (size_t i = 0; i <= kMaxConfigurationAttributes; ++i) hex += " 00010000";
  auto m = Decode(WithHeader(47, hex));
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("payload 1 (CP): more than 64 attributes"));
}

TEST(MessageTest, TooManyPayloads) {
  std::string hex;
  for (size_t i = 0; i < kMaxPayloads; ++i) hex += "2b000004";
  hex += "00000004";
  auto m = Decode(WithHeader(43, hex));
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("payload 65 (V): more than 64 payloads in one chain"));
  // Exactly the limit is fine.
  hex.clear();
  for (size_t i = 1; i < kMaxPayloads; ++i) hex += "2b000004";
  hex += "00000004";
  EXPECT_TRUE(Decode(WithHeader(43, hex)).ok());
}

TEST(MessageTest, HeaderErrors) {
  Bytes ok = WithHeader(0, "");
  ASSERT_TRUE(Decode(ok).ok());

  auto short_message = Decode(absl::MakeSpan(ok).subspan(0, 27));
  EXPECT_THAT(std::string(short_message.status().message()),
              HasSubstr("message of 27 bytes is shorter than the 28-byte"));

  Bytes long_length = ok;
  long_length[27] = 29;
  EXPECT_THAT(std::string(Decode(long_length).status().message()),
              HasSubstr("IKE header: Length 29 does not match the datagram "
                        "size 28"));

  Bytes v3 = ok;
  v3[17] = 0x30;
  auto major = Decode(v3);
  EXPECT_THAT(std::string(major.status().message()),
              HasSubstr("major version 3 is above 2"));
  ASSERT_TRUE(NotifyForError(major.status()).has_value());
  EXPECT_EQ(NotifyForError(major.status())->type,
            NotifyType::kInvalidMajorVersion);

  Bytes v1 = ok;
  v1[17] = 0x10;
  auto ikev1 = Decode(v1);
  EXPECT_THAT(std::string(ikev1.status().message()),
              HasSubstr("major version 1 is not IKEv2"));
  EXPECT_FALSE(NotifyForError(ikev1.status()).has_value());

  Bytes huge(kMaxMessageSize + 1, 0);
  std::copy(ok.begin(), ok.end(), huge.begin());
  EXPECT_THAT(std::string(Decode(huge).status().message()),
              HasSubstr("exceeds the limit of 65535"));

  // Minor version and reserved flag bits are ignored on receipt.
  Bytes minor = ok;
  minor[17] = 0x21;
  minor[19] |= 0x01;
  auto lenient = Decode(minor);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->header.minor_version, 1);
}

TEST(MessageTest, CriticalUnknownPayloadIsRejectedWithNotify) {
  // A critical payload of unassigned type 200 after a Nonce.
  auto m = Decode(WithHeader(
      40, "c8 00 0014 00112233445566778899aabbccddeeff 00 80 0006 abcd"));
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()),
              HasSubstr("payload 2 (UNKNOWN(200)): unsupported payload marked "
                        "critical"));
  auto notify = NotifyForError(m.status());
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, NotifyType::kUnsupportedCriticalPayload);
  EXPECT_EQ(notify->data, Bytes{200});

  // EAP is not modelled either: critical EAP is refused the same way.
  auto eap = Decode(WithHeader(48, "00 80 0005 01"));
  ASSERT_FALSE(eap.ok());
  EXPECT_EQ(NotifyForError(eap.status())->data, Bytes{48});
}

TEST(MessageTest, NonCriticalUnknownPayloadIsSkippedAndKept) {
  const Bytes bytes = WithHeader(
      40, "c8 00 0014 00112233445566778899aabbccddeeff 00 00 0006 abcd");
  auto m = Decode(bytes);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->payloads.size(), 2u);
  EXPECT_EQ(m->payloads[1].type, static_cast<PayloadType>(200));
  ASSERT_NE(m->payloads[1].As<Unknown>(), nullptr);
  EXPECT_EQ(m->payloads[1].As<Unknown>()->body, (Bytes{0xab, 0xcd}));
  auto again = Encode(*m);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, bytes);
}

TEST(MessageTest, CriticalBitOnKnownPayloadIsAccepted) {
  auto m = Decode(WithHeader(43, "00 80 0005 01"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->payloads[0].critical);
}

TEST(MessageTest, EncryptedPayloadsAreRefusedInsideEncryptedPayloads) {
  auto inner =
      DecodePayloadChain(PayloadType::kEncrypted, Hex("00000008aabbccdd"));
  ASSERT_FALSE(inner.ok());
  EXPECT_THAT(std::string(inner.status().message()),
              HasSubstr("payload 1 (SK): not allowed inside an encrypted"));
  std::vector<Payload> chain = {
      Payload::Of(Encrypted{PayloadType::kNone, Bytes(4, 0)})};
  EXPECT_FALSE(EncodePayloadChain(chain).ok());
}

TEST(MessageTest, NonCanonicalInputsReencodeCanonically) {
  // Reserved bits set in the generic header and a Key Length attribute after
  // an unknown one: accepted, and re-encoded in canonical form.
  auto m = Decode(WithHeader(
      33,
      "00 7f 001c  00 ff 0018 01 01 00 01  00 ff 0010 01 ff 000c 8001 0007 "
      "800e 0080"));
  ASSERT_TRUE(m.ok()) << m.status();
  const Transform& t =
      m->payloads[0].As<SecurityAssociation>()->proposals[0].transforms[0];
  EXPECT_EQ(t.key_length, 128);
  ASSERT_EQ(t.other_attributes.size(), 1u);
  EXPECT_EQ(t.other_attributes[0].type, 1);
  auto encoded = Encode(*m);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(crypto::HexEncode(absl::MakeSpan(*encoded).subspan(kHeaderSize)),
            "0000001c0000001801010001000000100100000c800e008080010007");
}

// ------------------------------------------------------------ encode errors

TEST(MessageTest, EncodeErrors) {
  auto encode_one = [](Payload p) {
    Message m;
    m.payloads.push_back(std::move(p));
    return Encode(m).status();
  };
  EXPECT_THAT(
      std::string(encode_one(Payload{PayloadType::kNonce, false, KeyExchange{}})
                      .message()),
      HasSubstr("payload 1 (Nonce): body does not match"));
  EXPECT_THAT(
      std::string(encode_one(Payload::Of(Nonce{Bytes(15, 0)})).message()),
      HasSubstr("Nonce Data of 15 bytes outside 16..256"));
  EXPECT_THAT(
      std::string(encode_one(Payload::Of(SecurityAssociation{})).message()),
      HasSubstr("payload 1 (SA): no proposals"));
  EXPECT_THAT(
      std::string(encode_one(Payload::IdI({IdType::kIpv4Address, Bytes(5, 1)}))
                      .message()),
      HasSubstr("ID_IPV4_ADDR needs 4 bytes, has 5"));
  EXPECT_THAT(
      std::string(encode_one(Payload::TsI(TrafficSelectors{})).message()),
      HasSubstr("0 selectors, must be 1..255"));
  EXPECT_THAT(
      std::string(encode_one(Payload::Of(Delete{ProtocolId::kEsp, 4, {{1, 2}}}))
                      .message()),
      HasSubstr("SPI #1 has 2 bytes, SPI Size is 4"));
  EXPECT_THAT(std::string(encode_one(Payload::Of(Notify{ProtocolId::kEsp,
                                                        Bytes(256, 0),
                                                        NotifyType::kRekeySa,
                                                        {}}))
                              .message()),
              HasSubstr("SPI of 256 bytes exceeds 255"));
  EXPECT_THAT(
      std::string(encode_one(Payload::Of(VendorId{Bytes(70000, 0)})).message()),
      HasSubstr("length 70004 exceeds 65535"));

  Message sk_not_last;
  sk_not_last.payloads.push_back(Payload::Of(Encrypted{}));
  sk_not_last.payloads.push_back(Payload::Of(VendorId{}));
  EXPECT_THAT(std::string(Encode(sk_not_last).status().message()),
              HasSubstr("payload 1 (SK): must be the last payload"));

  Message too_many;
  too_many.payloads.assign(kMaxPayloads + 1, Payload::Of(VendorId{}));
  EXPECT_FALSE(Encode(too_many).ok());
}

}  // namespace
}  // namespace cygnet::ike::wire
