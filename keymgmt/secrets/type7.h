// Type 7: the legacy Cisco reversible password obfuscation, as IOS writes
// `pre-shared-key 7 0822455D0A16` and IOS XR `pre-shared-key password ...` /
// `ppk manual id 123 key password 060506324F41584B56` (seed 001).
//
// This is OBFUSCATION, NOT ENCRYPTION: every byte is XORed with a fixed,
// publicly known 53-character table starting at an offset written in clear.
// Anyone with the configuration recovers the key instantly. It exists only to
// keep keys off a casual glance at a screen; storage that must resist an
// attacker uses type 6 (type6.h).
//
// Encoded form: two decimal digits (the table offset) followed by two
// uppercase or lowercase hex digits per byte. Classic IOS limits the clear
// text to 25 characters and the offset to 0..15; decoding here accepts
// offsets 0..52 and up to kMaxType7Bytes bytes, wrapping around the table,
// which also covers the longer PPKs the seed's manual PPK lines carry.
//
// Stateless functions; called by the configuration parser.
#ifndef CYGNET_KEYMGMT_SECRETS_TYPE7_H_
#define CYGNET_KEYMGMT_SECRETS_TYPE7_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/secret_bytes.h"

namespace cygnet::keymgmt {

inline constexpr size_t kMaxType7Bytes = 256;

// Errors name the problem (odd length, non-digit offset, offset out of
// range, non-hex pair, too long) but never echo key bytes.
absl::StatusOr<crypto::SecretBytes> Type7Decode(absl::string_view encoded);

// offset in [0, 15] as IOS chooses it; 1..kMaxType7Bytes bytes. Uppercase
// hex, as IOS prints it.
absl::StatusOr<std::string> Type7Encode(absl::Span<const uint8_t> clear,
                                        int offset);

}  // namespace cygnet::keymgmt

#endif  // CYGNET_KEYMGMT_SECRETS_TYPE7_H_
