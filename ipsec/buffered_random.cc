#include "ipsec/buffered_random.h"

#include <algorithm>
#include <cstring>

namespace cygnet::ipsec {

BufferedRandom::~BufferedRandom() {
  volatile uint8_t* wipe = buffer_;
  for (size_t i = 0; i < kBufferSize; ++i) wipe[i] = 0;
}

void BufferedRandom::Fill(absl::Span<uint8_t> out) {
  // Requests larger than the buffer go straight to the source.
  if (out.size() >= kBufferSize) {
    source_.Fill(out);
    return;
  }
  size_t done = 0;
  while (done < out.size()) {
    if (used_ == kBufferSize) {
      source_.Fill(absl::MakeSpan(buffer_, kBufferSize));
      used_ = 0;
    }
    const size_t take = std::min(out.size() - done, kBufferSize - used_);
    std::memcpy(out.data() + done, buffer_ + used_, take);
    // Each byte is handed out once: wipe it from the buffer.
    std::memset(buffer_ + used_, 0, take);
    used_ += take;
    done += take;
  }
}

}  // namespace cygnet::ipsec
