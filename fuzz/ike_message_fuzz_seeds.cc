// Writes the seed corpus of ike_message_fuzz into the folder named by argv[1]:
// real encoded messages (IKE_SA_INIT, every payload type, IKE_AUTH protected
// with the fuzz target's fixed CBC and GCM keys, SKF fragments) and a few
// reassembly record streams. Run once:
//   bazel run //fuzz:ike_message_fuzz_seeds --
//   $PWD/fuzz/ike_message_fuzz_corpus
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "fuzz/ike_message_fuzz_keys.h"
#include "ike/wire/fragmentation.h"
#include "ike/wire/message.h"
#include "ike/wire/test_messages.h"

namespace {

using namespace cygnet::ike::wire;  // NOLINT: tool

bool Write(const std::string& dir, const std::string& name, const Bytes& b) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()),
            static_cast<std::streamsize>(b.size()));
  return out.good();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  auto ciphers = cygnet::fuzz::MakeIkeFuzzCiphers();
  cygnet::crypto::DeterministicRandom random(42);
  std::vector<std::pair<std::string, Bytes>> seeds;
  auto add = [&](const std::string& name, absl::StatusOr<Bytes> bytes) {
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(),
                   std::string(bytes.status().message()).c_str());
      std::exit(1);
    }
    seeds.emplace_back(name, *std::move(bytes));
  };
  add("ike_sa_init_request", Encode(testing::IkeSaInitRequest()));
  add("ike_sa_init_response", Encode(testing::IkeSaInitResponse()));
  Message every;
  every.header = testing::IkeAuthHeader(true);
  every.payloads = testing::EveryPayload();
  add("every_payload", Encode(every));
  add("ike_auth_request_cbc",
      ciphers->cbc.Protect(testing::IkeAuthHeader(false),
                           testing::IkeAuthRequestInner(), random));
  add("ike_auth_response_gcm",
      ciphers->gcm.Protect(testing::IkeAuthHeader(true),
                           testing::IkeAuthResponseInner(), random));
  add("informational_empty_gcm",
      ciphers->gcm.Protect(testing::IkeAuthHeader(true), {}, random));
  auto fragments = Fragment(ciphers->cbc, testing::IkeAuthHeader(false),
                            testing::IkeAuthResponseInner(), 160, random);
  if (!fragments.ok()) return 1;
  for (size_t i = 0; i < fragments->size() && i < 3; ++i) {
    add("skf_cbc_" + std::to_string(i + 1), (*fragments)[i]);
  }
  auto inner = EncodePayloadChain(testing::IkeAuthRequestInner());
  if (!inner.ok()) return 1;
  Bytes chain = {static_cast<uint8_t>(PayloadType::kIdInitiator)};
  chain.insert(chain.end(), inner->begin(), inner->end());
  add("inner_chain", chain);
  // Reassembly records: [number][total][id/time][length][bytes], a Nonce
  // payload split in two, delivered second-first.
  auto nonce = EncodePayloadChain({Payload::Of(Nonce{Bytes(20, 7)})});
  if (!nonce.ok()) return 1;
  Bytes records = {2, 2, 0, static_cast<uint8_t>(nonce->size() - 10)};
  records.insert(records.end(), nonce->begin() + 10, nonce->end());
  records.insert(records.end(),
                 {1, 2, 0x10, 11, static_cast<uint8_t>(PayloadType::kNonce)});
  records.insert(records.end(), nonce->begin(), nonce->begin() + 10);
  add("reassembly_records", records);
  for (const auto& [name, bytes] : seeds) {
    if (!Write(dir, name, bytes)) {
      std::fprintf(stderr, "cannot write %s/%s\n", dir.c_str(), name.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}
