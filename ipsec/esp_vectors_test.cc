// Published ESP packets, opened and re-sealed byte for byte:
//  - RFC 3602 section 4, cases 5 to 8 (AES-CBC-128, no integrity),
//  - draft-mcgrew-gcm-test-01 (AES-GCM ESP packets, with and without ESN;
//    the AES-192 case is left out: cygnet offers GCM-128 and GCM-256),
//  - RFC 7634 Appendix A (ChaCha20-Poly1305 ESP example).
// The hex below was transcribed from those documents.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "crypto/hex.h"
#include "gtest/gtest.h"
#include "ipsec/esp.h"
#include "ipsec/esp_transform.h"

namespace cygnet::ipsec {
namespace {

std::vector<uint8_t> Hex(absl::string_view hex) {
  std::string compact;
  for (char c : hex) {
    if (c != ' ' && c != '\n') compact.push_back(c);
  }
  auto bytes = crypto::HexDecode(compact);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

struct Vector {
  const char* name;
  EspCipher cipher;
  const char* encryption_key;  // AEADs: key || salt
  // Full sequence number as in the document: 8 hex digits (32-bit) or 16
  // (ESN: high || low).
  const char* sequence;
  // Payload + padding + pad length + next header, as the document shows it.
  const char* plaintext;
  // SPI through ICV.
  const char* packet;
};

const Vector kVectors[] = {
    // RFC 3602 section 4, Case #5: ICMP echo in transport mode.
    {"rfc3602_case5", EspCipher::kAesCbc128, "90d382b410eeba7ad938c46cec1a82bf",
     "00000001",
     "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f"
     "101112131415161718191a1b1c1d1e1f2021222324252627"
     "28292a2b2c2d2e2f3031323334353637"
     "0102030405060708090a0b0c0d0e0e01",
     "0000432100000001e96e8c08ab465763fd098d45dd3ff893"
     "f663c25d325c18c6a9453e194e120849a4870b66cc6b9965"
     "330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52"
     "775b07d1db34ed9c538ab50c551b874aa269add047ad2d59"
     "13ac19b7cfbad4a6"},
    // Case #6: a short ICMP packet, two bytes of padding.
    {"rfc3602_case6", EspCipher::kAesCbc128, "90d382b410eeba7ad938c46cec1a82bf",
     "00000008",
     "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777"
     "01020201",
     "000043210000000869d08df7d203329db093fc4924e5bd80"
     "f51995881ec4e0c4488987ce742e8109689bb379d2d750c0"
     "d915dca346a89f75"},
    // Case #7: tunnel mode, IPv4 inner packet.
    {"rfc3602_case7", EspCipher::kAesCbc128, "0123456789abcdef0123456789abcdef",
     "00000002",
     "45000054090400004001f988c0a87b03c0a87bc808009f76"
     "a90a0100b49c083d02a2040008090a0b0c0d0e0f10111213"
     "1415161718191a1b1c1d1e1f202122232425262728292a2b"
     "2c2d2e2f3031323334353637"
     "0102030405060708090a0a04",
     "0000876500000002f4e765244f6407adf13dc1380f673f37"
     "773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a9301"
     "3c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c6"
     "47752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2"
     "201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d"},
    // Case #8: tunnel mode, ten bytes of padding.
    {"rfc3602_case8", EspCipher::kAesCbc128, "0123456789abcdef0123456789abcdef",
     "00000005",
     "45000044090c00004001f990c0a87b03c0a87bc80800d63c"
     "aa0a0200c69c083da3de0300ffffffffffffffffffffffff"
     "ffffffffffffffffffffffffffffffffffffffff"
     "0102030405060708090a0a04",
     "000087650000000585d47224b5f3dd5d2101d4ea8dffab22"
     "15b92683819596a8047232cc00f7048fe45318e11f8a0f62"
     "ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639"
     "b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc"
     "6d17a0decbb13892"},
    // draft-mcgrew-gcm-test-01 section 4, in document order.
    {"mcgrew_aes128_esn", EspCipher::kAesGcm128,
     "4c80cdefbb5d10da906ac73c3613a634"
     "2e443b68",
     "8765432100000000",
     "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
     "00000000045f736970045f756470037369700963796265726369747902646b00"
     "0021000101020201",
     "00004321000000004956ed7e3b244cfe"
     "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
     "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
     "61bc17d768fd9732459018148f6cbe722fd04796562dfdb4"},
    {"mcgrew_aes128_seq10", EspCipher::kAesGcm128,
     "feffe9928665731c6d6a8f9467308308"
     "cafebabe",
     "0000000a",
     "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
     "0001000000000000037369700963796265726369747902646b00000100010001",
     "0000a5f80000000afacedbaddecaf888"
     "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
     "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
     "83b70d3aa8bc6ee4c309e9d85a41ad4a"},
    {"mcgrew_aes256_tcp", EspCipher::kAesGcm256,
     "abbccddef00112233445566778899aababbccddef00112233445566778899aab"
     "11223344",
     "00000002",
     "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
     "7002400020bf0000020405b40101040201020201",
     "4a2cbfe3000000020102030405060708"
     "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
     "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
     "15956c96"},
    {"mcgrew_aes128_zero_key", EspCipher::kAesGcm128,
     "00000000000000000000000000000000"
     "00000000",
     "00000001",
     "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
     "65666768696a6b6c6d6e6f70717273747576776162636465666768690102020"
     "1",
     "00000000000000010000000000000000"
     "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
     "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3"
     "f821d496eeb096e98ad2b69e4799c71d"},
    {"mcgrew_aes128_esn_icmp", EspCipher::kAesGcm128,
     "3de09874b388e6491988d0c3607eae1f"
     "57690e43",
     "1010101010101010",
     "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
     "65666768696a6b6c6d6e6f7071727374757677616263646566676869"
     "01020201",
     "42f67e3f101010104e280000a2fca1a3"
     "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
     "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a"
     "e0d731cc978ecafaeae88f00e80d6e48"},
    {"mcgrew_aes128_esn_short", EspCipher::kAesGcm128,
     "3de09874b388e6491988d0c3607eae1f"
     "57690e43",
     "1010101010101010",
     "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
     "42f67e3f101010104e280000a2fca1a3"
     "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed369f071f"
     "35e034be95f112e4e7d05d35"},
    {"mcgrew_aes128_esn_dns", EspCipher::kAesGcm128,
     "abbccddef00112233445566778899aab"
     "decaf888",
     "0000000000000001",
     "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
     "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
     "9b6266c04722b14923010101",
     "0000010000000001cafedebaceface74"
     "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
     "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
     "6f2127b27db35724e7845d68651f57e65f354f75ff17015769623436"},
    {"mcgrew_aes256_esn_tcp", EspCipher::kAesGcm256,
     "abbccddef00112233445566778899aababbccddef00112233445566778899aab"
     "73616c74",
     "156f3126dd0db99b",
     "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
     "50101f646d540001",
     "17405e67dd0db99b616e640169766563"
     "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
     "f4d3a31ce673119e451626c2415771e3b7eebca614c89b35"},
    {"mcgrew_aes128_esn_dns2", EspCipher::kAesGcm128,
     "3de09874b388e6491988d0c3607eae1f"
     "57690e43",
     "1010101010101010",
     "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
     "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
     "5ae270c03899493915010101",
     "42f67e3f101010104e280000a2fca1a3"
     "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
     "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
     "ab533163aad4550ee5160975cdb608c5769189609763b8e18caa81e2"},
    {"mcgrew_aes256_esn_text", EspCipher::kAesGcm256,
     "abbccddef00112233445566778899aababbccddef00112233445566778899aab"
     "73616c74",
     "156f3126dd0db99b",
     "636973636f0172756c657301746865016e6574776501646566696e6501746865"
     "746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f"
     "72726f7701020201",
     "17405e67dd0db99b616e640169766563"
     "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
     "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
     "12a49363412364f8c0cac587f249e56b11e24f30e44ccc76"},
    {"mcgrew_aes128_empty_payload", EspCipher::kAesGcm128,
     "7d773d00c144c525ac619d18c84a3f47"
     "d9664267",
     "ffffffff", "01020201",
     "335467aeffffffff43457e9182443bc6"
     "437f866bcb3f699fe9b0822bac961c4504bef270"},
    {"mcgrew_aes128_esn_text", EspCipher::kAesGcm128,
     "abbccddef00112233445566778899aab"
     "decaf888",
     "0000000000000001", "746f016265016f72016e6f7401746f0162650001",
     "0000010000000001cafedebaceface74"
     "29c9fc69a197d038ccdd14e2ddfcaa054333216441250352"
     "4303ed3c6c5f283843af8c3e"},
    {"mcgrew_aes256_esn_max", EspCipher::kAesGcm256,
     "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961"
     "7475726e",
     "ffffffffffffffff",
     "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
     "65666768696a6b6c6d6e6f707172737401020201",
     "796b6963ffffffff333021696765746d"
     "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
     "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9d0937ba2945f669368661a32"
     "9fb4c053"},
    // RFC 7634 Appendix A: ChaCha20-Poly1305 ESP, tunnel mode ICMP.
    {"rfc7634_appendix_a", EspCipher::kChaCha20Poly1305,
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3",
     "00000005",
     "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
     "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
     "2425262728292a2b2c2d2e2f303132333435363701020204",
     "0102030400000005101112131415161724039428b97f417e3c13753a4f05087b"
     "67c352e6a7fab1b982d466ef407ae5c614ee8099d52844eb61aa95dfab4c02f7"
     "2aa71e7c4c4f64c9befe2facc638e8f3cbec163fac469b502773f6fb94e664da"
     "9165b82829f641e076aaa8266b7fb0f7b11b369907e1ad43"},
};

class EspVectorTest : public testing::TestWithParam<Vector> {};

TEST_P(EspVectorTest, OpensToThePublishedPlaintext) {
  const Vector& v = GetParam();
  const std::vector<uint8_t> key = Hex(v.encryption_key);
  auto transform = EspTransform::Create(v.cipher, EspIntegrity::kNone, key, {});
  ASSERT_TRUE(transform.ok()) << transform.status();
  const std::string sequence_hex = v.sequence;
  const bool esn = sequence_hex.size() == 16;
  const uint32_t high = esn ? static_cast<uint32_t>(std::stoul(
                                  sequence_hex.substr(0, 8), nullptr, 16))
                            : 0;
  std::vector<uint8_t> packet = Hex(v.packet);
  const std::vector<uint8_t> plaintext = Hex(v.plaintext);
  std::vector<uint8_t> storage = packet;
  PacketBuffer buffer{absl::MakeSpan(storage), 0, storage.size()};
  uint8_t next_header = 0;
  ASSERT_TRUE(OpenEspPayload(*transform, esn, high, buffer, &next_header).ok());
  const size_t pad = plaintext[plaintext.size() - 2];
  const std::vector<uint8_t> payload(plaintext.begin(),
                                     plaintext.end() - 2 - pad);
  EXPECT_EQ(next_header, plaintext.back());
  EXPECT_EQ(std::vector<uint8_t>(buffer.span().begin(), buffer.span().end()),
            payload);

  // RFC 3602's packets carry no ICV; the others must not verify with a
  // wrong ESN high half.
  if (v.cipher == EspCipher::kAesCbc128) return;
  storage = packet;
  buffer = PacketBuffer{absl::MakeSpan(storage), 0, storage.size()};
  EXPECT_EQ(OpenEspPayload(*transform, true, high + 1, buffer, &next_header)
                .message(),
            "integrity check failed");
}

TEST_P(EspVectorTest, SealsToThePublishedPacket) {
  const Vector& v = GetParam();
  const std::vector<uint8_t> key = Hex(v.encryption_key);
  auto transform = EspTransform::Create(v.cipher, EspIntegrity::kNone, key, {});
  ASSERT_TRUE(transform.ok()) << transform.status();
  const uint64_t sequence = std::stoull(v.sequence, nullptr, 16);
  const bool esn = std::string(v.sequence).size() == 16;
  const std::vector<uint8_t> packet = Hex(v.packet);
  const std::vector<uint8_t> plaintext = Hex(v.plaintext);
  const size_t pad = plaintext[plaintext.size() - 2];
  const size_t payload_size = plaintext.size() - 2 - pad;
  const uint32_t spi = (uint32_t{packet[0]} << 24) | (packet[1] << 16) |
                       (packet[2] << 8) | packet[3];
  const std::vector<uint8_t> iv(packet.begin() + 8,
                                packet.begin() + 8 + transform->iv_size());
  std::vector<uint8_t> storage(packet.size() + 64);
  const size_t headroom = 8 + transform->iv_size();
  std::copy(plaintext.begin(), plaintext.begin() + payload_size,
            storage.begin() + headroom);
  PacketBuffer buffer{absl::MakeSpan(storage), headroom, payload_size};
  ASSERT_TRUE(SealEspPayload(*transform, spi, sequence, esn, plaintext.back(),
                             iv, buffer)
                  .ok());
  EXPECT_EQ(crypto::HexEncode(buffer.span()), crypto::HexEncode(packet));
}

INSTANTIATE_TEST_SUITE_P(Published, EspVectorTest, testing::ValuesIn(kVectors),
                         [](const testing::TestParamInfo<Vector>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace cygnet::ipsec
