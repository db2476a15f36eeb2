#include "keymgmt/svr/packet.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "keymgmt/svr/byte_io.h"

namespace cygnet::keymgmt::svr {
namespace {

using internal::ByteReader;
using internal::ByteWriter;

absl::Status Bad(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("SVR packet ", field, ": ", what));
}

constexpr size_t kTlvFixed = 4 + kSvrIvSize;  // index + iv
// PKCS#7 always adds 1..16 bytes.
constexpr size_t PaddedSize(size_t n) { return (n / 16 + 1) * 16; }
constexpr size_t kMinTlvCt = PaddedSize(kSvrKeySize + 2);
constexpr size_t kMaxTlvCt =
    PaddedSize(kSvrKeySize + 2 + kMaxSessionMetadataSize);
constexpr size_t kMaxPayloadCt = PaddedSize(kMaxPayloadSize);

void AppendPadded(std::vector<uint8_t>& out, absl::Span<const uint8_t> data) {
  out.insert(out.end(), data.begin(), data.end());
  const size_t pad = 16 - data.size() % 16;
  out.insert(out.end(), pad, static_cast<uint8_t>(pad));
}

// Returns the unpadded length; the caller authenticated the bytes, so a bad
// pad is a sender bug, not an oracle.
absl::StatusOr<size_t> Unpad(absl::Span<const uint8_t> plain,
                             absl::string_view field) {
  if (plain.empty()) return Bad(field, "empty");
  const uint8_t pad = plain.back();
  if (pad == 0 || pad > 16 || pad > plain.size()) {
    return Bad(field, absl::StrCat("bad padding ", static_cast<int>(pad)));
  }
  for (size_t i = plain.size() - pad; i < plain.size(); ++i) {
    if (plain[i] != pad) return Bad(field, "bad padding bytes");
  }
  return plain.size() - pad;
}

void WriteHeader(ByteWriter& w, const PacketHeader& h, bool metadata) {
  w.U8(kPacketVersion);
  w.U8(metadata ? kFlagMetadata : 0);
  w.U16(h.generation);
  w.U32(h.session_id);
  w.U64(h.nonce);
}

// Appends the TLV carrying `payload_key` and `session_metadata`.
absl::Status AppendTlv(std::vector<uint8_t>& out, const SvrKey& metadata_key,
                       uint32_t index, const crypto::SecretBytes& payload_key,
                       absl::Span<const uint8_t> session_metadata,
                       crypto::Random& random) {
  if (session_metadata.size() > kMaxSessionMetadataSize) {
    return Bad("session metadata",
               absl::StrCat("length ", session_metadata.size(), " exceeds ",
                            kMaxSessionMetadataSize));
  }
  if (payload_key.size() != kSvrKeySize) {
    return Bad("payload key", "size is not 64");
  }
  crypto::SecretBytes plain(kSvrKeySize + 2 + session_metadata.size());
  std::memcpy(plain.mutable_data(), payload_key.data(), kSvrKeySize);
  plain.mutable_data()[kSvrKeySize] =
      static_cast<uint8_t>(session_metadata.size() >> 8);
  plain.mutable_data()[kSvrKeySize + 1] =
      static_cast<uint8_t>(session_metadata.size());
  if (!session_metadata.empty()) {
    std::memcpy(plain.mutable_data() + kSvrKeySize + 2, session_metadata.data(),
                session_metadata.size());
  }
  const size_t ct_size = PaddedSize(plain.size());
  ByteWriter w(out);
  w.U16(kMetadataTlvType);
  w.U16(static_cast<uint16_t>(kTlvFixed + ct_size));
  w.U32(index);
  uint8_t iv[kSvrIvSize];
  random.Fill(absl::MakeSpan(iv));
  w.Bytes(iv);
  const size_t ct_at = out.size();
  AppendPadded(out, plain.span());
  // Wipe the plaintext copy of the payload key from `out` right after
  // encrypting in place (Encrypt overwrites it).
  return metadata_key.Encrypt(iv, absl::MakeSpan(out).subspan(ct_at, ct_size));
}

absl::Status AppendPayload(std::vector<uint8_t>& out, const SvrKey& payload_key,
                           absl::Span<const uint8_t> payload,
                           crypto::Random& random) {
  if (payload.size() > kMaxPayloadSize) {
    return Bad("payload", absl::StrCat("length ", payload.size(), " exceeds ",
                                       kMaxPayloadSize));
  }
  uint8_t iv[kSvrIvSize];
  random.Fill(absl::MakeSpan(iv));
  out.insert(out.end(), iv, iv + kSvrIvSize);
  const size_t ct_at = out.size();
  AppendPadded(out, payload);
  return payload_key.Encrypt(iv, absl::MakeSpan(out).subspan(ct_at));
}

absl::Status AppendTag(std::vector<uint8_t>& out, const SvrKey& key) {
  const size_t body = out.size();
  out.resize(body + kSvrTagSize);
  return key.Tag({absl::MakeConstSpan(out).subspan(0, body)},
                 absl::MakeSpan(out).subspan(body));
}

}  // namespace

absl::StatusOr<ParsedPacket> ParsePacket(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kPacketHeaderSize + kSvrIvSize + 16 + kSvrTagSize) {
    return Bad("length", absl::StrCat(bytes.size(), " too short"));
  }
  ParsedPacket p;
  ByteReader r(bytes.subspan(0, bytes.size() - kSvrTagSize));
  const uint8_t version = r.U8();
  const uint8_t flags = r.U8();
  p.header.generation = r.U16();
  p.header.session_id = r.U32();
  p.header.nonce = r.U64();
  if (version != kPacketVersion) {
    return Bad("version", absl::StrCat(static_cast<int>(version),
                                       " unsupported (expected 1)"));
  }
  if ((flags & ~kFlagMetadata) != 0) {
    return Bad("flags",
               absl::StrCat("reserved bits set in 0x", absl::Hex(flags)));
  }
  if (p.header.nonce == 0) return Bad("nonce", "0 is never sent");
  if (p.header.generation == 0) return Bad("generation", "0 is never sent");
  p.has_metadata = (flags & kFlagMetadata) != 0;
  if (p.has_metadata) {
    const uint16_t type = r.U16();
    const uint16_t length = r.U16();
    if (!r.ok()) return Bad("metadata TLV", "truncated");
    if (type != kMetadataTlvType) {
      return Bad("metadata TLV type", absl::StrCat("0x", absl::Hex(type)));
    }
    if (length < kTlvFixed + kMinTlvCt || length > kTlvFixed + kMaxTlvCt ||
        (length - kTlvFixed) % 16 != 0) {
      return Bad("metadata TLV length", absl::StrCat(length));
    }
    p.metadata_key_index = r.U32();
    p.metadata_iv = r.Bytes(kSvrIvSize);
    p.metadata_ct = r.Bytes(length - kTlvFixed);
    if (!r.ok()) return Bad("metadata TLV", "truncated");
  }
  p.payload_iv = r.Bytes(kSvrIvSize);
  if (!r.ok()) return Bad("payload iv", "truncated");
  const size_t ct_size = r.remaining();
  if (ct_size == 0 || ct_size % 16 != 0 || ct_size > kMaxPayloadCt) {
    return Bad("payload length", absl::StrCat(ct_size));
  }
  p.payload_ct = r.Bytes(ct_size);
  p.authenticated = bytes.subspan(0, bytes.size() - kSvrTagSize);
  p.tag = bytes.subspan(bytes.size() - kSvrTagSize);
  return p;
}

absl::StatusOr<std::vector<uint8_t>> SealPacket(
    const PacketHeader& header, const SvrKey* metadata_key,
    uint32_t metadata_key_index, const SvrKey& payload_key,
    absl::Span<const uint8_t> session_metadata,
    absl::Span<const uint8_t> payload, crypto::Random& random) {
  if (header.nonce == 0) return Bad("nonce", "0 is never sent");
  if (header.generation == 0) return Bad("generation", "0 is never sent");
  std::vector<uint8_t> out;
  out.reserve(kPacketHeaderSize + payload.size() + 64 + kSvrTagSize +
              (metadata_key ? kTlvFixed + kMaxTlvCt : 0));
  ByteWriter w(out);
  WriteHeader(w, header, metadata_key != nullptr);
  if (metadata_key != nullptr) {
    if (auto s = AppendTlv(out, *metadata_key, metadata_key_index,
                           payload_key.bytes(), session_metadata, random);
        !s.ok()) {
      return s;
    }
  }
  if (auto s = AppendPayload(out, payload_key, payload, random); !s.ok()) {
    return s;
  }
  if (auto s = AppendTag(out, metadata_key ? *metadata_key : payload_key);
      !s.ok()) {
    return s;
  }
  return out;
}

absl::StatusOr<MetadataPlaintext> OpenMetadata(const ParsedPacket& packet,
                                               const SvrKey& metadata_key) {
  if (!packet.has_metadata) return Bad("metadata TLV", "absent");
  if (auto s = metadata_key.CheckTag({packet.authenticated}, packet.tag);
      !s.ok()) {
    return s;
  }
  crypto::SecretBytes plain = crypto::SecretBytes::Copy(packet.metadata_ct);
  if (auto s = metadata_key.Decrypt(packet.metadata_iv, plain.mutable_span());
      !s.ok()) {
    return s;
  }
  auto len = Unpad(plain.span(), "metadata TLV");
  if (!len.ok()) return len.status();
  if (*len < kSvrKeySize + 2) return Bad("metadata TLV", "too short");
  const size_t m = (static_cast<size_t>(plain.data()[kSvrKeySize]) << 8) |
                   plain.data()[kSvrKeySize + 1];
  if (m > kMaxSessionMetadataSize || kSvrKeySize + 2 + m != *len) {
    return Bad("session metadata length", absl::StrCat(m));
  }
  MetadataPlaintext out;
  out.payload_key = plain.Slice(0, kSvrKeySize);
  out.session_metadata.assign(plain.data() + kSvrKeySize + 2,
                              plain.data() + kSvrKeySize + 2 + m);
  return out;
}

absl::Status VerifyPayloadTag(const ParsedPacket& packet,
                              const SvrKey& payload_key) {
  return payload_key.CheckTag({packet.authenticated}, packet.tag);
}

absl::StatusOr<std::vector<uint8_t>> DecryptPayload(const ParsedPacket& packet,
                                                    const SvrKey& payload_key) {
  std::vector<uint8_t> plain(packet.payload_ct.begin(),
                             packet.payload_ct.end());
  if (auto s = payload_key.Decrypt(packet.payload_iv, absl::MakeSpan(plain));
      !s.ok()) {
    return s;
  }
  auto len = Unpad(plain, "payload");
  if (!len.ok()) return len.status();
  plain.resize(*len);
  return plain;
}

absl::StatusOr<std::vector<uint8_t>> RewrapMetadata(
    const ParsedPacket& packet, const MetadataPlaintext& metadata,
    const SvrKey& next_key, uint32_t next_index, crypto::Random& random) {
  if (!packet.has_metadata) return Bad("metadata TLV", "absent");
  std::vector<uint8_t> out;
  ByteWriter w(out);
  WriteHeader(w, packet.header, true);
  if (auto s = AppendTlv(out, next_key, next_index, metadata.payload_key,
                         metadata.session_metadata, random);
      !s.ok()) {
    return s;
  }
  w.Bytes(packet.payload_iv);
  w.Bytes(packet.payload_ct);
  if (auto s = AppendTag(out, next_key); !s.ok()) return s;
  return out;
}

bool NonceWindow::Check(uint64_t nonce) const {
  if (nonce == 0) return false;
  if (nonce > highest_) return true;
  const uint64_t age = highest_ - nonce;
  if (age >= 64) return false;
  return (bitmap_ & (uint64_t{1} << age)) == 0;
}

void NonceWindow::Update(uint64_t nonce) {
  if (nonce > highest_) {
    const uint64_t shift = nonce - highest_;
    bitmap_ = shift >= 64 ? 0 : bitmap_ << shift;
    bitmap_ |= 1;
    highest_ = nonce;
  } else {
    bitmap_ |= uint64_t{1} << (highest_ - nonce);
  }
}

}  // namespace cygnet::keymgmt::svr
