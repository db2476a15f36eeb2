// Golden check against an independent decoder: Wireshark's IKEv2 dissector.
//
// Writes a pcap (hand-written libpcap framing, raw IPv4 + UDP/500) holding
// IKE_SA_INIT, IKE_AUTH (SK, one IKE SA per SK suite), an INFORMATIONAL with
// Delete and a fragmented IKE_AUTH (SKF), then runs tshark with the SK_* keys
// in its ikev2_decryption_table and checks that it reports no malformed
// packet, no expert error or warning (a bad ICV is one), and that it shows
// the decrypted IDi / IDr. tshark must be installed (CI installs it): its
// absence fails the test.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/hex.h"
#include "crypto/random.h"
#include "gtest/gtest.h"
#include "ike/wire/fragmentation.h"
#include "ike/wire/message.h"
#include "ike/wire/sk_protection.h"
#include "ike/wire/test_messages.h"

namespace cygnet::ike::wire {
namespace {

constexpr char kTshark[] = "/usr/bin/tshark";

void Put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void PutLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// IPv4 + UDP framing around an IKE message, 192.0.2.1:500 <-> 192.0.2.2:500.
Bytes Ipv4Udp(const Bytes& ike, bool from_initiator) {
  const size_t udp_length = 8 + ike.size();
  const size_t total = 20 + udp_length;
  Bytes ip = {0x45, 0x00};
  Put16(ip, static_cast<uint16_t>(total));
  ip.insert(ip.end(), {0x00, 0x01, 0x40, 0x00, 64, 17, 0, 0});
  const uint8_t a = from_initiator ? 1 : 2;
  const uint8_t b = from_initiator ? 2 : 1;
  ip.insert(ip.end(), {192, 0, 2, a, 192, 0, 2, b});
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum);
  ip[10] = static_cast<uint8_t>(checksum >> 8);
  ip[11] = static_cast<uint8_t>(checksum);
  Put16(ip, 500);
  Put16(ip, 500);
  Put16(ip, static_cast<uint16_t>(udp_length));
  Put16(ip, 0);  // no UDP checksum (allowed over IPv4)
  ip.insert(ip.end(), ike.begin(), ike.end());
  return ip;
}

// libpcap file, LINKTYPE_RAW (101): packets begin with the IP header.
std::string Pcap(const std::vector<Bytes>& packets) {
  std::string out;
  PutLe32(out, 0xa1b2c3d4);
  out.append("\x02\x00\x04\x00", 4);  // version 2.4
  PutLe32(out, 0);                    // thiszone
  PutLe32(out, 0);                    // sigfigs
  PutLe32(out, 65535);                // snaplen
  PutLe32(out, 101);                  // LINKTYPE_RAW
  uint32_t seconds = 1700000000;
  for (const Bytes& p : packets) {
    PutLe32(out, seconds++);
    PutLe32(out, 0);
    PutLe32(out, static_cast<uint32_t>(p.size()));
    PutLe32(out, static_cast<uint32_t>(p.size()));
    out.append(p.begin(), p.end());
  }
  return out;
}

struct Suite {
  EncryptionId encryption;
  uint16_t key_bits;
  IntegrityId integrity;
  const char* tshark_encryption;
  const char* tshark_integrity;
};

struct SaKeys {
  uint64_t initiator_spi;
  uint64_t responder_spi;
  crypto::SecretBytes ei, er, ai, ar;
};

std::string Hex64(uint64_t v) {
  Bytes b;
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return crypto::HexEncode(b);
}

std::string UatRecord(const Suite& suite, const SaKeys& keys) {
  return absl::StrCat(
      Hex64(keys.initiator_spi), ",", Hex64(keys.responder_spi), ",",
      crypto::HexEncode(keys.ei.span()), ",", crypto::HexEncode(keys.er.span()),
      ",\"", suite.tshark_encryption, "\",", crypto::HexEncode(keys.ai.span()),
      ",", crypto::HexEncode(keys.ar.span()), ",\"", suite.tshark_integrity,
      "\"");
}

std::string RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, n);
  }
  const int status = pclose(pipe);
  if (status != 0) absl::StrAppend(&output, "\n[exit status ", status, "]");
  return output;
}

std::vector<Payload> WithoutCertificates(std::vector<Payload> payloads) {
  // Certificate bodies in the sample messages are filler, not DER; Wireshark
  // would (rightly) call them malformed X.509.
  std::vector<Payload> out;
  for (Payload& p : payloads) {
    if (p.type != PayloadType::kCertificate) out.push_back(std::move(p));
  }
  return out;
}

TEST(TsharkGoldenTest, WiresharkDecodesAndDecryptsOurMessages) {
  struct stat st;
  ASSERT_EQ(stat(kTshark, &st), 0)
      << kTshark << " is missing: install the Debian package tshark (the CI "
      << "does); this golden check must not be skipped.";

  const std::vector<Suite> suites = {
      {EncryptionId::kAesCbc, 256, IntegrityId::kHmacSha2_256_128,
       "AES-CBC-256 [RFC3602]", "HMAC_SHA2_256_128 [RFC4868]"},
      {EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha1_96,
       "AES-CBC-128 [RFC3602]", "HMAC_SHA1_96 [RFC2404]"},
      {EncryptionId::kAesCbc, 192, IntegrityId::kHmacSha2_512_256,
       "AES-CBC-192 [RFC3602]", "HMAC_SHA2_512_256 [RFC4868]"},
      {EncryptionId::kAesGcm16, 256, IntegrityId::kNone,
       "AES-GCM-256 with 16 octet ICV [RFC5282]", "NONE [RFC4306]"},
      {EncryptionId::kAesGcm8, 128, IntegrityId::kNone,
       "AES-GCM-128 with 8 octet ICV [RFC5282]", "NONE [RFC4306]"},
  };

  crypto::DeterministicRandom random(500);
  std::vector<Bytes> packets;
  std::vector<std::string> uat;
  size_t sk_messages = 0;
  for (size_t s = 0; s < suites.size(); ++s) {
    const Suite& suite = suites[s];
    auto sizes =
        SkKeySizesFor(suite.encryption, suite.key_bits, suite.integrity);
    ASSERT_TRUE(sizes.ok()) << sizes.status();
    SaKeys keys{testing::kInitiatorSpi + s,
                testing::kResponderSpi + s,
                random.Secret(sizes->encryption_key),
                random.Secret(sizes->encryption_key),
                random.Secret(sizes->integrity_key),
                random.Secret(sizes->integrity_key)};
    uat.push_back(UatRecord(suite, keys));
    auto initiator = SkCipher::Create(suite.encryption, suite.key_bits,
                                      suite.integrity, keys.ei, keys.ai);
    auto responder = SkCipher::Create(suite.encryption, suite.key_bits,
                                      suite.integrity, keys.er, keys.ar);
    ASSERT_TRUE(initiator.ok() && responder.ok());

    Message init_request = testing::IkeSaInitRequest();
    Message init_response = testing::IkeSaInitResponse();
    init_request.header.initiator_spi = keys.initiator_spi;
    init_response.header.initiator_spi = keys.initiator_spi;
    init_response.header.responder_spi = keys.responder_spi;
    auto req = Encode(init_request);
    auto resp = Encode(init_response);
    ASSERT_TRUE(req.ok() && resp.ok());
    packets.push_back(Ipv4Udp(*req, true));
    packets.push_back(Ipv4Udp(*resp, false));

    Header auth_request = testing::IkeAuthHeader(false);
    Header auth_response = testing::IkeAuthHeader(true);
    for (Header* h : {&auth_request, &auth_response}) {
      h->initiator_spi = keys.initiator_spi;
      h->responder_spi = keys.responder_spi;
    }
    auto auth_req = initiator->Protect(
        auth_request, WithoutCertificates(testing::IkeAuthRequestInner()),
        random);
    auto auth_resp = responder->Protect(
        auth_response, testing::IkeAuthResponseInner(), random);
    ASSERT_TRUE(auth_req.ok()) << auth_req.status();
    ASSERT_TRUE(auth_resp.ok()) << auth_resp.status();
    packets.push_back(Ipv4Udp(*auth_req, true));
    packets.push_back(Ipv4Udp(*auth_resp, false));
    sk_messages += 2;

    // INFORMATIONAL: Delete of two ESP SAs, and the empty response.
    Header info = auth_request;
    info.exchange_type = ExchangeType::kInformational;
    info.message_id = 2;
    auto del = initiator->Protect(
        info,
        {Payload::Of(Delete{ProtocolId::kEsp,
                            4,
                            {Bytes{0xc0, 1, 2, 3}, Bytes{0xc0, 1, 2, 4}}})},
        random);
    info.initiator = false;
    info.response = true;
    auto del_resp = responder->Protect(info, {}, random);
    ASSERT_TRUE(del.ok() && del_resp.ok());
    packets.push_back(Ipv4Udp(*del, true));
    packets.push_back(Ipv4Udp(*del_resp, false));
    sk_messages += 2;

    // A fragmented message (RFC 7383): a CREATE_CHILD_SA request split into
    // SKF fragments of at most 200 bytes.
    Header child = auth_request;
    child.exchange_type = ExchangeType::kCreateChildSa;
    child.message_id = 3;
    std::vector<Payload> child_payloads = {
        testing::IkeAuthRequestInner()[7],  // SA (ESP)
        Payload::Of(Nonce{Bytes(32, 0x5c)}),
        testing::IkeAuthRequestInner()[8],  // TSi
        testing::IkeAuthRequestInner()[9],  // TSr
    };
    auto fragments = Fragment(*initiator, child, child_payloads, 200, random);
    ASSERT_TRUE(fragments.ok()) << fragments.status();
    for (const Bytes& f : *fragments) packets.push_back(Ipv4Udp(f, true));
    sk_messages += fragments->size();
  }

  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp != nullptr ? tmp : "/tmp";
  const std::string pcap_path = dir + "/ike_golden.pcap";
  {
    std::ofstream out(pcap_path, std::ios::binary);
    out << Pcap(packets);
    ASSERT_TRUE(out.good());
  }
  if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream copy(std::string(outputs) + "/ike_golden.pcap",
                       std::ios::binary);
    copy << Pcap(packets);
  }

  std::string options;
  for (const std::string& record : uat) {
    absl::StrAppend(&options, " -o 'uat:ikev2_decryption_table:", record, "'");
  }
  const std::string base = absl::StrCat(kTshark, " -n -r ", pcap_path, options);

  // 1. Expert infos: none at warning level or above (malformed packets and
  //    bad ICVs are errors / warnings).
  const std::string expert = RunCommand(base + " -q -z expert,warn 2>&1");
  SCOPED_TRACE(expert);
  EXPECT_FALSE(absl::StrContains(expert, "Malformed")) << expert;
  EXPECT_FALSE(absl::StrContains(expert, "Errors (")) << expert;
  EXPECT_FALSE(absl::StrContains(expert, "Warns (")) << expert;
  EXPECT_FALSE(absl::StrContains(expert, "exit status")) << expert;

  // 2. The full dissection shows every packet as ISAKMP, the decrypted IDs,
  //    and correct checksums.
  const std::string verbose = RunCommand(base + " -V 2>&1");
  if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream(std::string(outputs) + "/tshark_command.txt") << base;
    std::ofstream(std::string(outputs) + "/tshark_verbose.txt") << verbose;
  }
  EXPECT_FALSE(absl::StrContains(verbose, "Malformed")) << verbose;
  EXPECT_FALSE(absl::StrContains(verbose, "incorrect")) << verbose;
  EXPECT_FALSE(absl::StrContains(verbose, "exit status")) << verbose;
  const size_t frames = packets.size();
  size_t isakmp = 0;
  for (absl::string_view line : absl::StrSplit(verbose, '\n')) {
    if (absl::StartsWith(line,
                         "Internet Security Association and Key "
                         "Management Protocol")) {
      ++isakmp;
    }
  }
  EXPECT_EQ(isakmp, frames) << verbose;
  // Each suite's IKE_AUTH request and response carry the FQDN IDs in SK.
  size_t initiator_ids = 0, responder_ids = 0;
  size_t search = 0;
  while ((search = verbose.find("initiator.example.com", search)) !=
         std::string::npos) {
    ++initiator_ids;
    ++search;
  }
  search = 0;
  while ((search = verbose.find("responder.example.com", search)) !=
         std::string::npos) {
    ++responder_ids;
    ++search;
  }
  EXPECT_GE(initiator_ids, suites.size()) << verbose;
  EXPECT_GE(responder_ids, 2 * suites.size()) << verbose;
  // Decrypted inner payloads show up by name.
  EXPECT_TRUE(absl::StrContains(verbose, "Identification - Initiator"));
  EXPECT_TRUE(absl::StrContains(verbose, "Traffic Selector - Responder"));
  // tshark 4.0 predates the PPK_IDENTITY name; the number must be there.
  EXPECT_TRUE(absl::StrContains(verbose, "(16436)"));
  EXPECT_TRUE(
      absl::StrContains(verbose, "Encrypted and Authenticated Fragment"));
  // Every SK / SKF message had its ICV checked and found correct, and every
  // fragmented message was reassembled.
  size_t correct = 0, reassembled = 0;
  for (absl::string_view line : absl::StrSplit(verbose, '\n')) {
    if (absl::StrContains(line, "Integrity Checksum Data") &&
        absl::EndsWith(line, "[correct]")) {
      ++correct;
    }
    if (absl::StrContains(line, "[Reassembled ISAKMP length:")) ++reassembled;
  }
  EXPECT_EQ(correct, sk_messages);
  EXPECT_EQ(reassembled, suites.size());

  // Negative control: the same checks do see a corrupted ICV.
  Bytes& last = packets.back();
  last.back() ^= 0x01;
  const std::string bad_path = dir + "/ike_golden_bad_icv.pcap";
  {
    std::ofstream out(bad_path, std::ios::binary);
    out << Pcap(packets);
  }
  const std::string bad = RunCommand(absl::StrCat(
      kTshark, " -n -r ", bad_path, options, " -q -z expert,warn 2>&1"));
  EXPECT_TRUE(absl::StrContains(bad, "Warns (") ||
              absl::StrContains(bad, "Errors ("))
      << bad;

  std::printf("tshark dissected %zu frames (%zu protected) for %zu suites\n",
              frames, sk_messages, suites.size());
}

}  // namespace
}  // namespace cygnet::ike::wire
