// Fuzzes the IKEv2 wire layer with arbitrary datagrams:
//  1. Decode; when it succeeds, Encode must succeed and be a fixed point
//     (Decode(Encode(m)) == m up to the recomputed Length, and re-encoding
//     gives the same bytes).
//  2. SK and SKF verification/decryption with fixed keys (CBC+HMAC and GCM).
//  3. The inner payload decoder on the raw bytes (first byte = first type).
//  4. The bytes as fragment plaintext: protected with the fixed keys,
//     unprotected, and fed to a Reassembler together with fragment numbers,
//     totals, message IDs and times taken from the input.
// Any violated invariant traps, which the fuzzer and the corpus regression
// test report as a crash.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "fuzz/ike_message_fuzz_keys.h"
#include "ike/wire/fragmentation.h"
#include "ike/wire/message.h"
#include "ike/wire/sk_protection.h"

namespace {

using namespace cygnet::ike::wire;  // NOLINT: fuzz harness

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void FuzzCodec(absl::Span<const uint8_t> data) {
  auto decoded = Decode(data);
  if (!decoded.ok()) return;
  auto encoded = Encode(*decoded);
  Check(encoded.ok());
  Check(encoded->size() == data.size());
  auto again = Decode(*encoded);
  Check(again.ok());
  Check(again->payloads == decoded->payloads);
  auto reencoded = Encode(*again);
  Check(reencoded.ok() && *reencoded == *encoded);
}

void FuzzReassembly(const cygnet::fuzz::IkeFuzzCiphers& ciphers,
                    absl::Span<const uint8_t> data) {
  cygnet::crypto::DeterministicRandom random(data.size());
  Reassembler reassembler(ReassemblyLimits{8, 512, 2, absl::Seconds(10)});
  absl::Time now = absl::FromUnixSeconds(1700000000);
  Header header;
  header.initiator_spi = 1;
  header.responder_spi = 2;
  header.exchange_type = ExchangeType::kIkeAuth;
  header.initiator = true;
  // Records: [number][total][message id / time step][length][bytes]; in
  // fragment 1 the first of the bytes is the first inner payload type.
  while (data.size() >= 4) {
    const uint16_t number = data[0] % 10;
    const uint16_t total = data[1] % 10;
    header.message_id = data[2] & 3;
    now += absl::Seconds(data[2] >> 4);
    const size_t length = std::min<size_t>(data[3], data.size() - 4);
    absl::Span<const uint8_t> chunk = data.subspan(4, length);
    data.remove_prefix(4 + length);
    // Fragment 1's first byte names the first inner payload.
    PayloadType first = PayloadType::kNone;
    if (number == 1 && !chunk.empty()) {
      first = static_cast<PayloadType>(chunk[0]);
      chunk.remove_prefix(1);
    }
    const SkCipher& cipher = (number & 1) ? ciphers.cbc : ciphers.gcm;
    auto protected_bytes =
        cipher.ProtectFragment(header, number, total, first, chunk, random);
    if (!protected_bytes.ok()) continue;  // number/total out of range
    auto opened = cipher.UnprotectFragment(*protected_bytes);
    Check(opened.ok());
    Check(opened->plaintext.size() == chunk.size());
    auto result = reassembler.Add(*std::move(opened), now);
    Check(reassembler.messages_in_reassembly() <= 2);
    Check(reassembler.buffered_bytes() <= 2 * 512);
    (void)result;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static const std::unique_ptr<cygnet::fuzz::IkeFuzzCiphers> ciphers =
      cygnet::fuzz::MakeIkeFuzzCiphers();
  Check(ciphers != nullptr);
  const absl::Span<const uint8_t> data(bytes, size);

  FuzzCodec(data);

  for (const SkCipher* cipher : {&ciphers->cbc, &ciphers->gcm}) {
    auto opened = cipher->Unprotect(data);
    if (opened.ok()) {
      // A message that verifies re-protects and re-opens to the same payloads.
      cygnet::crypto::DeterministicRandom random(1);
      auto again = cipher->Protect(opened->header, opened->payloads, random);
      Check(again.ok());
      auto reopened = cipher->Unprotect(*again);
      Check(reopened.ok() && reopened->payloads == opened->payloads);
    }
    auto fragment = cipher->UnprotectFragment(data);
    if (fragment.ok()) {
      Reassembler reassembler;
      (void)reassembler.Add(*std::move(fragment), absl::UnixEpoch());
    }
  }

  if (!data.empty()) {
    (void)DecodePayloadChain(static_cast<PayloadType>(data[0]),
                             data.subspan(1));
  }

  FuzzReassembly(*ciphers, data);
  return 0;
}
