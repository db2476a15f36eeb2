// esp_interop_peer: a test-only command-line peer that runs whole outer
// packets through an SA (Encapsulate / Decapsulate), so that an independent
// implementation (scapy, examples/esp_interop_test.py) can check the outer
// IPv4/IPv6 headers, RFC 3948 UDP encapsulation, the AEAD IV policy and ESN
// handling of the SA path, which examples/esp_tool (SPI..ICV only) does not
// exercise.
//
//   esp_interop_peer --op=encap --cipher=... --enc_key=HEX [--integ=...]
//       --spi=N --local=ADDR --remote=ADDR [--mode=transport --next_header=N]
//       [--udp] [--esn] [--seq=FIRST] --packet=INNER_HEX      -> OUTER_HEX
//   esp_interop_peer --op=decap ... --packet=OUTER_HEX [--seq=HINT]
//       -> "next-header=N payload=HEX"
// With --op=decap, --seq pre-positions the replay window just below HINT (a
// receiver that has been following the SA).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crypto/hex.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "ipsec/esp.h"
#include "ipsec/security_association.h"

ABSL_FLAG(std::string, op, "encap", "encap|decap");
ABSL_FLAG(std::string, cipher, "aes-gcm-128", "ESP cipher");
ABSL_FLAG(std::string, integ, "none", "ESP integrity");
ABSL_FLAG(std::string, enc_key, "", "hex");
ABSL_FLAG(std::string, integ_key, "", "hex");
ABSL_FLAG(uint32_t, spi, 0x1000, "SPI");
ABSL_FLAG(std::string, local, "192.0.2.1", "this end's outer address");
ABSL_FLAG(std::string, remote, "192.0.2.2", "the peer's outer address");
ABSL_FLAG(std::string, mode, "tunnel", "tunnel|transport");
ABSL_FLAG(uint32_t, next_header, 17, "transport mode: protocol");
ABSL_FLAG(bool, udp, false, "RFC 3948 UDP encapsulation, ports 4500");
ABSL_FLAG(bool, esn, false, "extended sequence numbers");
ABSL_FLAG(uint64_t, seq, 1, "encap: first sequence number; decap: hint");
ABSL_FLAG(std::string, packet, "", "hex");

namespace cygnet::ipsec {
namespace {

absl::Status Run() {
  SaConfig config;
  const bool encap = absl::GetFlag(FLAGS_op) == "encap";
  config.spi = absl::GetFlag(FLAGS_spi);
  config.direction = encap ? SaDirection::kOutbound : SaDirection::kInbound;
  config.mode = absl::GetFlag(FLAGS_mode) == "transport" ? SaMode::kTransport
                                                         : SaMode::kTunnel;
  auto local = IpAddress::Parse(absl::GetFlag(FLAGS_local));
  if (!local.ok()) return local.status();
  auto remote = IpAddress::Parse(absl::GetFlag(FLAGS_remote));
  if (!remote.ok()) return remote.status();
  config.local_address = *local;
  config.remote_address = *remote;
  auto cipher = ParseEspCipher(absl::GetFlag(FLAGS_cipher));
  if (!cipher.ok()) return cipher.status();
  auto integrity = ParseEspIntegrity(absl::GetFlag(FLAGS_integ));
  if (!integrity.ok()) return integrity.status();
  config.cipher = *cipher;
  config.integrity = *integrity;
  auto enc_key = crypto::HexDecode(absl::GetFlag(FLAGS_enc_key));
  if (!enc_key.ok()) return enc_key.status();
  auto integ_key = crypto::HexDecode(absl::GetFlag(FLAGS_integ_key));
  if (!integ_key.ok()) return integ_key.status();
  config.encryption_key = crypto::SecretBytes::Copy(*enc_key);
  config.integrity_key = crypto::SecretBytes::Copy(*integ_key);
  config.extended_sequence_numbers = absl::GetFlag(FLAGS_esn);
  if (absl::GetFlag(FLAGS_udp)) config.udp_encapsulation = UdpEncapsulation{};
  const uint64_t seq = absl::GetFlag(FLAGS_seq);
  if (encap) config.first_sequence_number = seq;
  auto sa = SecurityAssociation::Create(std::move(config), absl::UnixEpoch());
  if (!sa.ok()) return sa.status();
  if (!encap && seq > 1) sa->AcceptSequence(seq - 1);

  auto packet = crypto::HexDecode(absl::GetFlag(FLAGS_packet));
  if (!packet.ok()) return packet.status();
  std::vector<uint8_t> storage(kMaxEncapsulationHeadroom + packet->size() +
                               kMaxEncapsulationTailroom);
  std::copy(packet->begin(), packet->end(),
            storage.begin() + kMaxEncapsulationHeadroom);
  PacketBuffer buffer{absl::MakeSpan(storage), kMaxEncapsulationHeadroom,
                      packet->size()};
  if (encap) {
    crypto::SystemRandom random;
    absl::Status status =
        Encapsulate(*sa, buffer, random,
                    static_cast<uint8_t>(absl::GetFlag(FLAGS_next_header)));
    if (!status.ok()) return status;
    std::cout << crypto::HexEncode(buffer.span()) << "\n";
    return absl::OkStatus();
  }
  DecapsulationCounters counters;
  Decapsulated out;
  SecurityAssociation* inbound = &*sa;
  absl::Status status = Decapsulate(
      [inbound](uint32_t spi, const IpAddress&) {
        return spi == inbound->spi() ? inbound : nullptr;
      },
      buffer, counters, &out);
  if (!status.ok()) return status;
  std::cout << "next-header=" << static_cast<int>(out.next_header)
            << " payload=" << crypto::HexEncode(buffer.span()) << "\n";
  return absl::OkStatus();
}

}  // namespace
}  // namespace cygnet::ipsec

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::Status status = cygnet::ipsec::Run();
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
