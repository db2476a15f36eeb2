// Strict text encodings of key material as the key services send it: hex
// (SKIP, draft-cisco-skip-02 section 4.2.2) and Base64 (ETSI GS QKD 014
// section 6.3, RFC 4648 section 4 alphabet with padding).
//
// Decoders write straight into SecretBytes so a key never sits in an ordinary
// buffer of ours; errors name the offending position but never echo the text.
#ifndef CYGNET_KEYMGMT_PPK_KEY_ENCODING_H_
#define CYGNET_KEYMGMT_PPK_KEY_ENCODING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"

namespace cygnet::keymgmt {

// Hex digits of either case, even length, nothing else.
absl::StatusOr<crypto::SecretBytes> DecodeHexKey(absl::string_view hex);
// RFC 4648 Base64, standard alphabet, '=' padding required, no whitespace,
// non-zero pad bits refused (so every key has exactly one encoding).
absl::StatusOr<crypto::SecretBytes> DecodeBase64Key(absl::string_view b64);

// Encoders for the example key server.
std::string EncodeHexKey(const crypto::SecretBytes& key);  // lowercase
std::string EncodeBase64Key(const crypto::SecretBytes& key);

// Overwrites a string that held key text before it is freed. Best effort: the
// JSON parser's copies are wiped by their owners through this.
void WipeString(std::string& s);

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_PPK_KEY_ENCODING_H_
