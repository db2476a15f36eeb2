// KeyService: a reference key provider for tests and demos that speaks both
// SKIP (draft-cisco-skip-02) and ETSI GS QKD 014, serving the two sides of a
// link from one synchronized key pool, as a pair of QKD devices would.
//
// Not a product KME: no TLS, no authentication of the caller beyond which
// side it connects to, keys kept in process memory. Sans-I/O: Handle() maps
// one parsed HttpRequest to an HttpResponse; examples/key_server wires it to
// two loopback ports, and simulator tests can call it directly from a
// synchronous HttpTransport.
//
// Semantics. Side A has system/SAE ID `id_a`, side B `id_b`; each side may
// only name the other as remoteSystemID / slave / master.
//   - SKIP GET /key (or QKD enc_keys) at side X creates fresh keys with new
//     IDs, returns them, and keeps one copy for the other side only (the
//     draft's KP zeroizes its own copy after delivery, section 2 step 2).
//   - SKIP GET /key/{keyId} (or QKD dec_keys) at side Y returns keys created
//     at the other side and erases them (section 2 step 5): each key can be
//     fetched by ID exactly once, and only at the peer's side.
//   - SKIP GET /capabilities, GET /entropy, QKD GET .../status.
// Key IDs: SKIP 128-bit lowercase hex (section 4.2.1 default), QKD RFC 4122
// version-4 UUIDs; all from the injected Random, so a seeded
// DeterministicRandom gives reproducible keys and IDs.
// The pool holds at most `max_keys`; beyond that requests get 503.
#ifndef CYGNET_KEYMGMT_PPK_KEY_SERVICE_H_
#define CYGNET_KEYMGMT_PPK_KEY_SERVICE_H_

#include <cstdint>
#include <map>
#include <string>

#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "keymgmt/ppk/http.h"

namespace cygnet::keymgmt {

struct KeyServiceConfig {
  std::string id_a = "KP_A";
  std::string id_b = "KP_B";
  size_t max_keys = 4096;
};

class KeyService {
 public:
  enum class Side { kA, kB };

  KeyService(KeyServiceConfig config, crypto::Random& random);

  HttpResponse Handle(Side side, const HttpRequest& request);

  size_t stored_keys() const { return pool_.size(); }

 private:
  struct Entry {
    Side created_at;
    crypto::SecretBytes key;
  };
  HttpResponse Skip(Side side, const std::string& path,
                    const std::map<std::string, std::string>& query);
  HttpResponse Qkd(Side side, const HttpRequest& request,
                   const std::string& path,
                   const std::map<std::string, std::string>& query);
  const std::string& Id(Side side) const;
  const std::string& PeerId(Side side) const;
  std::string NewSkipKeyId();
  std::string NewUuid();

  KeyServiceConfig config_;
  crypto::Random& random_;
  std::map<std::string, Entry> pool_;  // key ID -> the copy for the peer side
};

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_KEY_SERVICE_H_
