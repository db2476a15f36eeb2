#include "keymgmt/svr/messages.h"

#include "absl/strings/str_cat.h"
#include "keymgmt/svr/byte_io.h"
#include "keymgmt/svr/key_schedule.h"

namespace cygnet::keymgmt::svr {
namespace {

using internal::ByteReader;
using internal::ByteWriter;

absl::Status Bad(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("SVR message ", field, ": ", what));
}

absl::Status CheckSize(absl::string_view field, size_t size, size_t min,
                       size_t max) {
  if (size < min || size > max) {
    return Bad(field,
               absl::StrCat("length ", size, " outside ", min, "..", max));
  }
  return absl::OkStatus();
}

// Reads u16 length then that many bytes, within [min, max].
absl::Status ReadLp16(ByteReader& r, absl::string_view field, size_t min,
                      size_t max, std::vector<uint8_t>& out) {
  uint16_t len = r.U16();
  if (!r.ok()) return Bad(field, "truncated length");
  if (auto s = CheckSize(field, len, min, max); !s.ok()) return s;
  auto b = r.Bytes(len);
  if (!r.ok()) return Bad(field, absl::StrCat("truncated, need ", len));
  out.assign(b.begin(), b.end());
  return absl::OkStatus();
}

absl::Status ReadFixed(ByteReader& r, absl::string_view field, size_t n,
                       std::vector<uint8_t>& out) {
  auto b = r.Bytes(n);
  if (!r.ok()) return Bad(field, absl::StrCat("truncated, need ", n));
  out.assign(b.begin(), b.end());
  return absl::OkStatus();
}

}  // namespace

const char* MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kCertificate:
      return "CERTIFICATE";
    case MessageType::kCertificateAck:
      return "CERTIFICATE_ACK";
    case MessageType::kSalt:
      return "SALT";
    case MessageType::kSaltAck:
      return "SALT_ACK";
    case MessageType::kKeyRequest:
      return "KEY_REQUEST";
    case MessageType::kKeyResponse:
      return "KEY_RESPONSE";
    case MessageType::kMetadataKey:
      return "METADATA_KEY";
    case MessageType::kMetadataKeyAck:
      return "METADATA_KEY_ACK";
    case MessageType::kNodeSync:
      return "NODE_SYNC";
  }
  return "UNKNOWN";
}

absl::StatusOr<std::vector<uint8_t>> EncodeMessage(const SecurityMessage& m) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.U8(kMessageVersion);
  w.U8(static_cast<uint8_t>(m.type));
  w.U16(0);
  switch (m.type) {
    case MessageType::kCertificate:
      if (auto s = CheckSize("certificate count", m.certificates.size(), 1,
                             kMaxChainCertificates);
          !s.ok()) {
        return s;
      }
      w.U8(static_cast<uint8_t>(m.certificates.size()));
      for (const auto& der : m.certificates) {
        if (auto s =
                CheckSize("certificate", der.size(), 1, kMaxCertificateSize);
            !s.ok()) {
          return s;
        }
        w.Lp16(der);
      }
      break;
    case MessageType::kCertificateAck:
      if (auto s = CheckSize("digest", m.digest.size(), 32, 32); !s.ok()) {
        return s;
      }
      w.Bytes(m.digest);
      break;
    case MessageType::kSalt:
    case MessageType::kSaltAck:
      if (auto s = CheckSize("salt", m.salt.size(), kSvrSaltSize, kSvrSaltSize);
          !s.ok()) {
        return s;
      }
      w.Bytes(m.salt);
      if (m.type == MessageType::kSalt) {
        if (auto s = CheckSize("signature", m.signature.size(), 1,
                               kMaxSignatureSize);
            !s.ok()) {
          return s;
        }
        w.Lp16(m.signature);
      }
      break;
    case MessageType::kKeyRequest:
    case MessageType::kKeyResponse:
      if (auto s = CheckSize("public value", m.public_value.size(), 1,
                             kMaxPublicValueSize);
          !s.ok()) {
        return s;
      }
      if (auto s =
              CheckSize("signature", m.signature.size(), 1, kMaxSignatureSize);
          !s.ok()) {
        return s;
      }
      w.U32(m.key_id);
      w.U16(m.group);
      w.Lp16(m.public_value);
      w.Lp16(m.signature);
      break;
    case MessageType::kMetadataKey:
    case MessageType::kNodeSync:
      if (auto s = CheckSize("iv", m.iv.size(), kSvrIvSize, kSvrIvSize);
          !s.ok()) {
        return s;
      }
      if (auto s =
              CheckSize("wrapped key", m.wrapped.size(),
                        kSvrKeySize + kSvrTagSize, kSvrKeySize + kSvrTagSize);
          !s.ok()) {
        return s;
      }
      w.U32(m.key_id);
      w.U32(m.key_index);
      w.Bytes(m.iv);
      w.Bytes(m.wrapped);
      break;
    case MessageType::kMetadataKeyAck:
      if (auto s = CheckSize("tag", m.tag.size(), kSvrTagSize, kSvrTagSize);
          !s.ok()) {
        return s;
      }
      w.U32(m.key_id);
      w.U32(m.key_index);
      w.Bytes(m.tag);
      break;
    default:
      return Bad("type", absl::StrCat(static_cast<int>(m.type)));
  }
  w.PatchU16(2, static_cast<uint16_t>(out.size() - 4));
  return out;
}

absl::StatusOr<SecurityMessage> ParseMessage(absl::Span<const uint8_t> bytes) {
  if (bytes.size() > kMaxMessageSize) {
    return Bad("length",
               absl::StrCat(bytes.size(), " exceeds ", kMaxMessageSize));
  }
  ByteReader r(bytes);
  uint8_t version = r.U8();
  uint8_t type = r.U8();
  uint16_t length = r.U16();
  if (!r.ok()) return Bad("header", "truncated");
  if (version != kMessageVersion) {
    return Bad("version", absl::StrCat(static_cast<int>(version),
                                       " unsupported (expected 1)"));
  }
  if (length != r.remaining()) {
    return Bad("body length",
               absl::StrCat(length, " but ", r.remaining(), " bytes follow"));
  }
  SecurityMessage m;
  if (type < 1 || type > 9) {
    return Bad("type", absl::StrCat(static_cast<int>(type), " unknown"));
  }
  m.type = static_cast<MessageType>(type);
  switch (m.type) {
    case MessageType::kCertificate: {
      uint8_t count = r.U8();
      if (!r.ok()) return Bad("certificate count", "truncated");
      if (auto s =
              CheckSize("certificate count", count, 1, kMaxChainCertificates);
          !s.ok()) {
        return s;
      }
      for (int i = 0; i < count; ++i) {
        std::vector<uint8_t> der;
        if (auto s = ReadLp16(r, "certificate", 1, kMaxCertificateSize, der);
            !s.ok()) {
          return s;
        }
        m.certificates.push_back(std::move(der));
      }
      break;
    }
    case MessageType::kCertificateAck:
      if (auto s = ReadFixed(r, "digest", 32, m.digest); !s.ok()) return s;
      break;
    case MessageType::kSalt:
    case MessageType::kSaltAck:
      if (auto s = ReadFixed(r, "salt", kSvrSaltSize, m.salt); !s.ok()) {
        return s;
      }
      if (m.type == MessageType::kSalt) {
        if (auto s =
                ReadLp16(r, "signature", 1, kMaxSignatureSize, m.signature);
            !s.ok()) {
          return s;
        }
      }
      break;
    case MessageType::kKeyRequest:
    case MessageType::kKeyResponse:
      m.key_id = r.U32();
      m.group = r.U16();
      if (!r.ok()) return Bad("key id", "truncated");
      if (auto s = ReadLp16(r, "public value", 1, kMaxPublicValueSize,
                            m.public_value);
          !s.ok()) {
        return s;
      }
      if (auto s = ReadLp16(r, "signature", 1, kMaxSignatureSize, m.signature);
          !s.ok()) {
        return s;
      }
      break;
    case MessageType::kMetadataKey:
    case MessageType::kNodeSync:
      m.key_id = r.U32();
      m.key_index = r.U32();
      if (!r.ok()) return Bad("key index", "truncated");
      if (auto s = ReadFixed(r, "iv", kSvrIvSize, m.iv); !s.ok()) return s;
      if (auto s =
              ReadFixed(r, "wrapped key", kSvrKeySize + kSvrTagSize, m.wrapped);
          !s.ok()) {
        return s;
      }
      break;
    case MessageType::kMetadataKeyAck:
      m.key_id = r.U32();
      m.key_index = r.U32();
      if (!r.ok()) return Bad("key index", "truncated");
      if (auto s = ReadFixed(r, "tag", kSvrTagSize, m.tag); !s.ok()) return s;
      break;
  }
  if (r.remaining() != 0) {
    return Bad("body", absl::StrCat(r.remaining(), " trailing bytes"));
  }
  return m;
}

std::vector<uint8_t> SaltTranscript(absl::string_view sender,
                                    absl::string_view receiver,
                                    absl::Span<const uint8_t> salt) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr salt v1");
  w.Lp8(sender);
  w.Lp8(receiver);
  w.Bytes(salt);
  return out;
}

std::vector<uint8_t> KeyRequestTranscript(
    absl::string_view sender, absl::string_view receiver, uint32_t key_id,
    uint16_t group, absl::Span<const uint8_t> public_value,
    absl::Span<const uint8_t> sender_salt,
    absl::Span<const uint8_t> receiver_salt) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr key request v1");
  w.Lp8(sender);
  w.Lp8(receiver);
  w.U32(key_id);
  w.U16(group);
  w.Lp16(public_value);
  w.Bytes(sender_salt);
  w.Bytes(receiver_salt);
  return out;
}

std::vector<uint8_t> KeyResponseTranscript(
    absl::string_view sender, absl::string_view receiver, uint32_t key_id,
    uint16_t group, absl::Span<const uint8_t> request_public,
    absl::Span<const uint8_t> response_public,
    absl::Span<const uint8_t> sender_salt,
    absl::Span<const uint8_t> receiver_salt) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr key response v1");
  w.Lp8(sender);
  w.Lp8(receiver);
  w.U32(key_id);
  w.U16(group);
  w.Lp16(request_public);
  w.Lp16(response_public);
  w.Bytes(sender_salt);
  w.Bytes(receiver_salt);
  return out;
}

std::vector<uint8_t> MetadataKeyAad(absl::string_view sender,
                                    absl::string_view receiver,
                                    uint32_t peer_key_id, uint32_t index) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr metadata key v1");
  w.Lp8(sender);
  w.Lp8(receiver);
  w.U32(peer_key_id);
  w.U32(index);
  return out;
}

std::vector<uint8_t> MetadataKeyAckData(absl::string_view sender,
                                        absl::string_view receiver,
                                        uint32_t peer_key_id, uint32_t index) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr metadata key ack v1");
  w.Lp8(sender);
  w.Lp8(receiver);
  w.U32(peer_key_id);
  w.U32(index);
  return out;
}

std::vector<uint8_t> NodeSyncAad(absl::string_view router, uint32_t index) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.Str("cygnet svr node sync v1");
  w.Lp8(router);
  w.U32(index);
  return out;
}

}  // namespace cygnet::keymgmt::svr
