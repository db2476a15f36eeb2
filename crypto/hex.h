// Hex encoding for tests, tools and status output (never for secrets: those
// show SecretBytes::Fingerprint()).
#ifndef CYGNET_CRYPTO_HEX_H_
#define CYGNET_CRYPTO_HEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::crypto {

std::string HexEncode(absl::Span<const uint8_t> bytes);  // lowercase
// Accepts upper and lower case, an optional "0x" prefix, and ignores spaces and
// colons; rejects odd lengths and non-hex characters naming the position.
absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex);
// The value of one hex digit (either case), or -1: for decoders that write
// into their own storage (SecretBytes keys) rather than a vector.
int HexDigitValue(char c);

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_HEX_H_
