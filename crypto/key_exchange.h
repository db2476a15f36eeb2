// KeyExchange: one ephemeral Diffie-Hellman key pair in an IKEv2 group.
//
// Public values use the IKEv2 encodings: MODP as a big-endian integer padded
// to the modulus length; ECP as x || y, each padded to the field size
// (RFC 5903 section 7, no point-format octet); X25519 as 32 bytes (RFC 8031).
// Shared secrets: MODP g^xy padded to the modulus length; ECP the x coordinate
// (RFC 5903); X25519 the 32-byte output, rejected when all zero. A peer value
// that is the wrong length, not on the curve, the identity, or outside
// (1, p-1) for MODP is an InvalidArgument error naming the group.
//
// Keys are drawn from the injected Random, so simulations and pinned vectors
// are reproducible. The private key is wiped on destruction.
#ifndef CYGNET_CRYPTO_KEY_EXCHANGE_H_
#define CYGNET_CRYPTO_KEY_EXCHANGE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"

namespace cygnet::crypto {

// Values are the IANA IKEv2 Transform Type 4 numbers.
enum class KeyExchangeGroup : uint16_t {
  kModp2048 = 14,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kCurve25519 = 31,
};

absl::StatusOr<KeyExchangeGroup> KeyExchangeGroupFromNumber(uint16_t number);
size_t PublicValueSize(KeyExchangeGroup group);  // 256, 64, 96, 132, 32
absl::string_view KeyExchangeGroupName(KeyExchangeGroup group);

class KeyExchange {
 public:
  virtual ~KeyExchange() = default;

  static absl::StatusOr<std::unique_ptr<KeyExchange>> Generate(
      KeyExchangeGroup group, Random& random);
  // From a known private key (test vectors): the scalar for ECP (big-endian,
  // field size), the 32-byte X25519 scalar, the exponent for MODP.
  static absl::StatusOr<std::unique_ptr<KeyExchange>> FromPrivateKey(
      KeyExchangeGroup group, absl::Span<const uint8_t> private_key);

  virtual KeyExchangeGroup group() const = 0;
  virtual const std::vector<uint8_t>& public_value() const = 0;
  virtual absl::StatusOr<SecretBytes> ComputeSharedSecret(
      absl::Span<const uint8_t> peer_public_value) const = 0;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_KEY_EXCHANGE_H_
