// esp_tool: seal or open one ESP packet (RFC 4303) from the command line.
//
//   esp_tool seal --cipher=aes-gcm-128 --enc-key=HEX --spi=0x1234 --seq=1
//            --payload=HEX [--iv=HEX] [--mode=tunnel|transport]
//            [--next-header=N] [--integ=... --integ-key=HEX] [--esn-high=N]
//   esp_tool open --cipher=... --enc-key=HEX [--spi=0x1234] --packet=HEX
//            [--esn-high=N]
//
// `seal` prints the ESP packet from SPI through ICV as one line of lowercase
// hex; `open` prints "next-header=N payload=HEX". Any failure prints one line
// on stderr and exits 1. The keys are given on the command line, so this is a
// tool for tests, interop checks and debugging, not for production keys.
//
// IV: --iv is the explicit IV as sent. Without it, AES-CBC takes 16 random
// bytes and the AEADs take the 64-bit sequence number (as the library does),
// which is unique under one key only if the caller never reuses a sequence
// number with the same key.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "crypto/hex.h"
#include "crypto/random.h"
#include "ipsec/esp.h"
#include "ipsec/esp_transform.h"

ABSL_FLAG(std::string, cipher, "aes-gcm-128",
          "aes-gcm-128|aes-gcm-256|aes-cbc-128|aes-cbc-192|aes-cbc-256|"
          "chacha20-poly1305|null");
ABSL_FLAG(std::string, integ, "none",
          "none|hmac-sha1-96|hmac-sha256-128|hmac-sha384-192|hmac-sha512-256 "
          "(AEADs take none)");
ABSL_FLAG(std::string, enc_key, "",
          "encryption key in hex (AEADs: key followed by the 4-byte salt)");
ABSL_FLAG(std::string, integ_key, "", "integrity key in hex");
ABSL_FLAG(std::string, spi, "", "SPI, 0xHEX (or decimal)");
ABSL_FLAG(std::string, seq, "1", "sequence number, low 32 bits");
ABSL_FLAG(std::string, esn_high, "",
          "high 32 bits of an extended sequence number (enables ESN)");
ABSL_FLAG(std::string, iv, "", "explicit IV as sent (default: generated)");
ABSL_FLAG(std::string, mode, "tunnel", "tunnel|transport");
ABSL_FLAG(std::string, next_header, "",
          "next header (default in tunnel mode: 4, or 41 for an IPv6 payload)");
ABSL_FLAG(std::string, payload, "",
          "seal: the inner packet (tunnel) or upper-layer payload (transport)");
ABSL_FLAG(std::string, packet, "", "open: the ESP packet, SPI through ICV");

namespace cygnet {
namespace {

using ipsec::EspTransform;

absl::StatusOr<uint32_t> ParseNumber32(absl::string_view flag,
                                       absl::string_view text) {
  uint32_t value = 0;
  bool ok = false;
  if (absl::StartsWith(text, "0x") || absl::StartsWith(text, "0X")) {
    ok = text.size() > 2 && text.size() <= 10 &&
         absl::SimpleHexAtoi(text.substr(2), &value);
  } else {
    ok = absl::SimpleAtoi(text, &value);
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", text, "\" is not a 32-bit number"));
  }
  return value;
}

absl::StatusOr<std::vector<uint8_t>> ParseHex(absl::string_view flag,
                                              absl::string_view text) {
  auto bytes = crypto::HexDecode(text);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": ", bytes.status().message()));
  }
  return *bytes;
}

absl::StatusOr<EspTransform> MakeTransform() {
  auto cipher = ipsec::ParseEspCipher(absl::GetFlag(FLAGS_cipher));
  if (!cipher.ok()) return cipher.status();
  auto integrity = ipsec::ParseEspIntegrity(absl::GetFlag(FLAGS_integ));
  if (!integrity.ok()) return integrity.status();
  auto enc_key = ParseHex("enc-key", absl::GetFlag(FLAGS_enc_key));
  if (!enc_key.ok()) return enc_key.status();
  auto integ_key = ParseHex("integ-key", absl::GetFlag(FLAGS_integ_key));
  if (!integ_key.ok()) return integ_key.status();
  return EspTransform::Create(*cipher, *integrity, *enc_key, *integ_key);
}

struct Sequence {
  bool esn = false;
  uint32_t high = 0;
};

absl::StatusOr<Sequence> ParseEsnHigh() {
  Sequence sequence;
  const std::string text = absl::GetFlag(FLAGS_esn_high);
  if (text.empty()) return sequence;
  auto high = ParseNumber32("esn-high", text);
  if (!high.ok()) return high.status();
  sequence.esn = true;
  sequence.high = *high;
  return sequence;
}

absl::Status Seal() {
  auto transform = MakeTransform();
  if (!transform.ok()) return transform.status();
  const std::string spi_text = absl::GetFlag(FLAGS_spi);
  if (spi_text.empty()) return absl::InvalidArgumentError("spi: required");
  auto spi = ParseNumber32("spi", spi_text);
  if (!spi.ok()) return spi.status();
  auto low = ParseNumber32("seq", absl::GetFlag(FLAGS_seq));
  if (!low.ok()) return low.status();
  auto esn = ParseEsnHigh();
  if (!esn.ok()) return esn.status();
  const uint64_t sequence = (uint64_t{esn->high} << 32) | *low;
  auto payload = ParseHex("payload", absl::GetFlag(FLAGS_payload));
  if (!payload.ok()) return payload.status();

  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode != "tunnel" && mode != "transport") {
    return absl::InvalidArgumentError(
        absl::StrCat("mode: \"", mode, "\" is not tunnel or transport"));
  }
  uint32_t next_header = 0;
  const std::string next_header_text = absl::GetFlag(FLAGS_next_header);
  if (!next_header_text.empty()) {
    auto parsed = ParseNumber32("next-header", next_header_text);
    if (!parsed.ok()) return parsed.status();
    if (*parsed > 255) {
      return absl::InvalidArgumentError(
          absl::StrCat("next-header: ", *parsed, " is not 0..255"));
    }
    next_header = *parsed;
  } else if (mode == "tunnel") {
    next_header = !payload->empty() && ((*payload)[0] >> 4) == 6
                      ? ipsec::kProtocolIpv6
                      : ipsec::kProtocolIpv4;
  } else {
    return absl::InvalidArgumentError(
        "next-header: required in transport mode");
  }

  std::vector<uint8_t> iv;
  if (!absl::GetFlag(FLAGS_iv).empty()) {
    auto parsed = ParseHex("iv", absl::GetFlag(FLAGS_iv));
    if (!parsed.ok()) return parsed.status();
    iv = *std::move(parsed);
  } else if (transform->is_aead()) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      iv.push_back(static_cast<uint8_t>(sequence >> shift));
    }
  } else {
    iv.resize(transform->iv_size());
    crypto::SystemRandom random;
    random.Fill(absl::MakeSpan(iv));
  }

  std::vector<uint8_t> storage(ipsec::kMaxEncapsulationHeadroom +
                               payload->size() +
                               ipsec::kMaxEncapsulationTailroom);
  std::copy(payload->begin(), payload->end(),
            storage.begin() + ipsec::kMaxEncapsulationHeadroom);
  ipsec::PacketBuffer buffer{absl::MakeSpan(storage),
                             ipsec::kMaxEncapsulationHeadroom, payload->size()};
  absl::Status status =
      ipsec::SealEspPayload(*transform, *spi, sequence, esn->esn,
                            static_cast<uint8_t>(next_header), iv, buffer);
  if (!status.ok()) return status;
  std::cout << crypto::HexEncode(buffer.span()) << "\n";
  return absl::OkStatus();
}

absl::Status Open() {
  auto transform = MakeTransform();
  if (!transform.ok()) return transform.status();
  auto esn = ParseEsnHigh();
  if (!esn.ok()) return esn.status();
  auto packet = ParseHex("packet", absl::GetFlag(FLAGS_packet));
  if (!packet.ok()) return packet.status();
  uint32_t spi = 0;
  uint32_t low = 0;
  absl::Status status = ipsec::ReadEspHeader(*packet, &spi, &low);
  if (!status.ok()) return status;
  const std::string spi_text = absl::GetFlag(FLAGS_spi);
  if (!spi_text.empty()) {
    auto expected = ParseNumber32("spi", spi_text);
    if (!expected.ok()) return expected.status();
    if (*expected != spi) {
      return absl::NotFoundError(absl::StrFormat("unknown SPI 0x%08x", spi));
    }
  }
  ipsec::PacketBuffer buffer{absl::MakeSpan(*packet), 0, packet->size()};
  uint8_t next_header = 0;
  status = ipsec::OpenEspPayload(*transform, esn->esn, esn->high, buffer,
                                 &next_header);
  if (!status.ok()) return status;
  std::cout << "next-header=" << static_cast<int>(next_header)
            << " payload=" << crypto::HexEncode(buffer.span()) << "\n";
  return absl::OkStatus();
}

}  // namespace
}  // namespace cygnet

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "seal|open [flags]: seal or open one ESP packet (SPI through ICV)");
  // The documented flags use dashes (--enc-key); Abseil flag names cannot,
  // so dashes inside a flag name become underscores before parsing.
  std::vector<std::string> arguments(argv, argv + argc);
  std::vector<char*> pointers;
  for (std::string& argument : arguments) {
    if (argument.size() > 2 && argument.compare(0, 2, "--") == 0) {
      const size_t end = std::min(argument.find('='), argument.size());
      std::replace(argument.begin() + 2, argument.begin() + end, '-', '_');
    }
    pointers.push_back(argument.data());
  }
  std::vector<char*> positional = absl::ParseCommandLine(
      static_cast<int>(pointers.size()), pointers.data());
  if (positional.size() != 2) {
    std::fprintf(stderr, "usage: esp_tool seal|open [flags]\n");
    return 1;
  }
  const absl::string_view command = positional[1];
  absl::Status status;
  if (command == "seal") {
    status = cygnet::Seal();
  } else if (command == "open") {
    status = cygnet::Open();
  } else {
    status = absl::InvalidArgumentError(
        absl::StrCat("unknown command \"", command, "\" (seal or open)"));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
