// Fuzzes the SVR packet path (keymgmt/svr/packet.h): structural parse, tag
// checks under fixed metadata and payload keys, TLV and payload decryption.
// The keys are those of packet_test's pinned vector (DeterministicRandom(12)),
// so corpus seeds taken from that vector reach the decryption code.
#include <cstdint>
#include <cstdlib>

#include "absl/types/span.h"
#include "crypto/random.h"
#include "keymgmt/svr/packet.h"

namespace {

struct Keys {
  cygnet::keymgmt::svr::SvrKey metadata;
  cygnet::keymgmt::svr::SvrKey payload;
};

const Keys& GetKeys() {
  static const Keys* const keys = [] {
    cygnet::crypto::DeterministicRandom random(12);
    auto m = cygnet::keymgmt::svr::SvrKey::Create(random.Secret(64));
    auto p = cygnet::keymgmt::svr::SvrKey::Create(random.Secret(64));
    if (!m.ok() || !p.ok()) abort();
    return new Keys{std::move(*m), std::move(*p)};
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cygnet::keymgmt::svr;
  const Keys& keys = GetKeys();
  auto parsed = ParsePacket(absl::MakeConstSpan(data, size));
  if (!parsed.ok()) return 0;
  if (parsed->has_metadata) {
    auto md = OpenMetadata(*parsed, keys.metadata);
    if (!md.ok()) return 0;
    if (md->payload_key.size() != kSvrKeySize ||
        md->session_metadata.size() > kMaxSessionMetadataSize) {
      abort();
    }
  } else if (!VerifyPayloadTag(*parsed, keys.payload).ok()) {
    return 0;
  }
  auto payload = DecryptPayload(*parsed, keys.payload);
  if (payload.ok() && payload->size() > kMaxPayloadSize) abort();
  NonceWindow window;
  if (window.Check(parsed->header.nonce)) window.Update(parsed->header.nonce);
  return 0;
}
