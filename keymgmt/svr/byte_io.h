// Bounded big-endian readers and writers shared by the SVR wire formats.
//
// Internal to keymgmt/svr. ByteReader never reads past its span: every Read*
// fails (and leaves the reader failed) instead, so a parser checks ok() once
// per field group and names the field in its own error.
#ifndef CYGNET_KEYMGMT_SVR_BYTE_IO_H_
#define CYGNET_KEYMGMT_SVR_BYTE_IO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace cygnet::keymgmt::svr::internal {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void U32(uint32_t v) {
    U16(static_cast<uint16_t>(v >> 16));
    U16(static_cast<uint16_t>(v));
  }
  void U64(uint64_t v) {
    U32(static_cast<uint32_t>(v >> 32));
    U32(static_cast<uint32_t>(v));
  }
  void Bytes(absl::Span<const uint8_t> b) {
    out_.insert(out_.end(), b.begin(), b.end());
  }
  void Str(absl::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  // u16 length then bytes; callers bound the length beforehand.
  void Lp16(absl::Span<const uint8_t> b) {
    U16(static_cast<uint16_t>(b.size()));
    Bytes(b);
  }
  // u8 length then bytes (names, at most 255 bytes).
  void Lp8(absl::string_view s) {
    U8(static_cast<uint8_t>(s.size()));
    Str(s);
  }
  size_t size() const { return out_.size(); }
  void PatchU16(size_t at, uint16_t v) {
    out_[at] = static_cast<uint8_t>(v >> 8);
    out_[at + 1] = static_cast<uint8_t>(v);
  }

 private:
  std::vector<uint8_t>& out_;
};

class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> in) : in_(in) {}
  bool ok() const { return ok_; }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  size_t position() const { return pos_; }
  uint8_t U8() {
    if (!Need(1)) return 0;
    return in_[pos_++];
  }
  uint16_t U16() {
    if (!Need(2)) return 0;
    uint16_t v = static_cast<uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t U32() {
    uint32_t hi = U16();
    return (hi << 16) | U16();
  }
  uint64_t U64() {
    uint64_t hi = U32();
    return (hi << 32) | U32();
  }
  absl::Span<const uint8_t> Bytes(size_t n) {
    if (!Need(n)) return {};
    absl::Span<const uint8_t> out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  absl::Span<const uint8_t> in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cygnet::keymgmt::svr::internal

#endif  // CYGNET_KEYMGMT_SVR_BYTE_IO_H_
