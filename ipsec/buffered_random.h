// BufferedRandom: a crypto::Random that draws from another Random in large
// blocks and hands the bytes out in small pieces.
//
// For the ESP send path: every AES-CBC packet needs a fresh, unpredictable
// 16-byte IV (RFC 3602 section 2.1), and asking the system generator for 16
// bytes at a time costs far more than the AES work of a small packet. One
// BufferedRandom per packet thread (like every Random except SystemRandom it
// is not thread-safe) amortises that cost over kBufferSize bytes. The bytes
// are exactly the underlying generator's output, in order, each used once;
// unused bytes are wiped on destruction.
#ifndef CYGNET_IPSEC_BUFFERED_RANDOM_H_
#define CYGNET_IPSEC_BUFFERED_RANDOM_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "crypto/random.h"

namespace cygnet::ipsec {

class BufferedRandom final : public crypto::Random {
 public:
  static constexpr size_t kBufferSize = 4096;

  // `source` must outlive this object.
  explicit BufferedRandom(crypto::Random& source) : source_(source) {}
  BufferedRandom(const BufferedRandom&) = delete;
  BufferedRandom& operator=(const BufferedRandom&) = delete;
  ~BufferedRandom() override;

  void Fill(absl::Span<uint8_t> out) override;

 private:
  crypto::Random& source_;
  uint8_t buffer_[kBufferSize];
  size_t used_ = kBufferSize;  // empty until the first Fill
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_BUFFERED_RANDOM_H_
