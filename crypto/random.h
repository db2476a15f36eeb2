// Random: the only source of randomness in cygnet, injected everywhere.
//
// Engines take a Random& so that tests and simulations are deterministic
// (DeterministicRandom with a seed) while products use SystemRandom (BoringSSL
// RAND_bytes). Implementations are not required to be thread-safe; give each
// thread its own, except SystemRandom, which is.
#ifndef CYGNET_CRYPTO_RANDOM_H_
#define CYGNET_CRYPTO_RANDOM_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "crypto/secret_bytes.h"

namespace cygnet::crypto {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(absl::Span<uint8_t> out) = 0;

  std::vector<uint8_t> Bytes(size_t size);
  SecretBytes Secret(size_t size);
  uint32_t Uniform32();
  uint64_t Uniform64();
  // Uniform in [0, bound); bound > 0.
  uint64_t UniformBelow(uint64_t bound);
};

class SystemRandom final : public Random {
 public:
  void Fill(absl::Span<uint8_t> out) override;
};

// A ChaCha20 keystream under a key derived from the seed: reproducible across
// runs and machines, so simulations and pinned vectors can name a seed.
// Never for production keys.
class DeterministicRandom final : public Random {
 public:
  explicit DeterministicRandom(uint64_t seed);
  void Fill(absl::Span<uint8_t> out) override;

 private:
  uint8_t key_[32];
  uint64_t counter_ = 0;
};

}  // namespace cygnet::crypto

#endif  // CYGNET_CRYPTO_RANDOM_H_
