// SK / SKF protection; see sk_protection.h for the layouts.
#include "ike/wire/sk_protection.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "ike/wire/message.h"

namespace cygnet::ike::wire {
namespace {

constexpr size_t kCbcIvSize = 16;
constexpr size_t kGcmIvSize = 8;
constexpr size_t kGcmSaltSize = 4;

struct Suite {
  bool aead = false;
  crypto::AeadAlgorithm aead_algorithm = crypto::AeadAlgorithm::kAesGcm128;
  size_t tag_size = 0;
  crypto::HashAlgorithm hash = crypto::HashAlgorithm::kSha256;
  size_t key_bytes = 0;
  size_t integrity_key_bytes = 0;
  size_t icv_size = 0;
};

absl::StatusOr<Suite> Lookup(EncryptionId encryption, uint16_t key_bits,
                             IntegrityId integrity) {
  Suite suite;
  if (key_bits != 128 && key_bits != 192 && key_bits != 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("SK: key length ", key_bits, " bits for ",
                     ToString(encryption), " is not 128, 192 or 256"));
  }
  suite.key_bytes = key_bits / 8;
  switch (encryption) {
    case EncryptionId::kAesCbc:
      break;
    case EncryptionId::kAesGcm8:
    case EncryptionId::kAesGcm12:
    case EncryptionId::kAesGcm16:
      suite.aead = true;
      suite.tag_size = encryption == EncryptionId::kAesGcm8    ? 8
                       : encryption == EncryptionId::kAesGcm12 ? 12
                                                               : 16;
      suite.aead_algorithm = key_bits == 128 ? crypto::AeadAlgorithm::kAesGcm128
                             : key_bits == 192
                                 ? crypto::AeadAlgorithm::kAesGcm192
                                 : crypto::AeadAlgorithm::kAesGcm256;
      suite.icv_size = suite.tag_size;
      if (integrity != IntegrityId::kNone) {
        return absl::InvalidArgumentError(
            absl::StrCat("SK: ", ToString(encryption),
                         " takes no integrity "
                         "algorithm, got ",
                         ToString(integrity)));
      }
      return suite;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("SK: encryption algorithm ", ToString(encryption),
                       " is not supported"));
  }
  switch (integrity) {
    case IntegrityId::kHmacSha1_96:
      suite.hash = crypto::HashAlgorithm::kSha1;
      suite.integrity_key_bytes = 20;
      suite.icv_size = 12;
      break;
    case IntegrityId::kHmacSha2_256_128:
      suite.hash = crypto::HashAlgorithm::kSha256;
      suite.integrity_key_bytes = 32;
      suite.icv_size = 16;
      break;
    case IntegrityId::kHmacSha2_384_192:
      suite.hash = crypto::HashAlgorithm::kSha384;
      suite.integrity_key_bytes = 48;
      suite.icv_size = 24;
      break;
    case IntegrityId::kHmacSha2_512_256:
      suite.hash = crypto::HashAlgorithm::kSha512;
      suite.integrity_key_bytes = 64;
      suite.icv_size = 32;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("SK: integrity algorithm ", ToString(integrity),
                       " is not supported with ", ToString(encryption)));
  }
  return suite;
}

// Adds `prefix` to a status message, keeping its code and payloads (the
// error notify the codec attached).
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  absl::Status out(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) {
        out.SetPayload(url, payload);
      });
  return out;
}

}  // namespace

absl::StatusOr<SkKeySizes> SkKeySizesFor(EncryptionId encryption,
                                         uint16_t key_bits,
                                         IntegrityId integrity) {
  auto suite = Lookup(encryption, key_bits, integrity);
  if (!suite.ok()) return suite.status();
  return SkKeySizes{suite->key_bytes + (suite->aead ? kGcmSaltSize : 0),
                    suite->integrity_key_bytes};
}

SkCipher::SkCipher(SkCipher&&) noexcept = default;
SkCipher& SkCipher::operator=(SkCipher&&) noexcept = default;
SkCipher::~SkCipher() = default;

absl::StatusOr<SkCipher> SkCipher::Create(
    EncryptionId encryption, uint16_t key_bits, IntegrityId integrity,
    const crypto::SecretBytes& encryption_key,
    const crypto::SecretBytes& integrity_key) {
  auto suite = Lookup(encryption, key_bits, integrity);
  if (!suite.ok()) return suite.status();
  const size_t expected_e = suite->key_bytes + (suite->aead ? kGcmSaltSize : 0);
  if (encryption_key.size() != expected_e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SK: SK_e of ", encryption_key.size(), " bytes, ", ToString(encryption),
        " with ", key_bits, "-bit keys needs ", expected_e));
  }
  if (integrity_key.size() != suite->integrity_key_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SK: SK_a of ", integrity_key.size(), " bytes, ", ToString(integrity),
        " needs ", suite->integrity_key_bytes));
  }
  SkCipher cipher;
  cipher.icv_size_ = suite->icv_size;
  if (suite->aead) {
    auto aead = crypto::Aead::Create(
        suite->aead_algorithm,
        encryption_key.span().subspan(0, suite->key_bytes), suite->tag_size);
    if (!aead.ok()) return aead.status();
    cipher.aead_.emplace(*std::move(aead));
    cipher.salt_ = encryption_key.Slice(suite->key_bytes, kGcmSaltSize);
    cipher.iv_size_ = kGcmIvSize;
    cipher.block_size_ = 1;
  } else {
    auto cbc = crypto::AesCbc::Create(encryption_key.span());
    if (!cbc.ok()) return cbc.status();
    auto hmac = crypto::Hmac::Create(suite->hash, integrity_key.span());
    if (!hmac.ok()) return hmac.status();
    cipher.cbc_.emplace(*std::move(cbc));
    cipher.hmac_.emplace(*std::move(hmac));
    cipher.iv_size_ = kCbcIvSize;
    cipher.block_size_ = crypto::kAesBlockSize;
  }
  return cipher;
}

size_t SkCipher::MaxPlaintextFor(size_t body_size) const {
  if (body_size < iv_size_ + icv_size_ + block_size_) return 0;
  const size_t room = body_size - iv_size_ - icv_size_;
  const size_t padded = room - room % block_size_;
  return padded - 1;  // the Pad Length byte
}

absl::Status SkCipher::Seal(Bytes& message, size_t plaintext_offset,
                            size_t padded_size, crypto::Random& random) const {
  absl::Span<uint8_t> all = absl::MakeSpan(message);
  absl::Span<uint8_t> iv = all.subspan(plaintext_offset - iv_size_, iv_size_);
  absl::Span<uint8_t> text = all.subspan(plaintext_offset, padded_size);
  absl::Span<uint8_t> icv =
      all.subspan(plaintext_offset + padded_size, icv_size_);
  random.Fill(iv);
  if (aead_.has_value()) {
    uint8_t nonce[crypto::kAeadNonceSize];
    std::copy(salt_.data(), salt_.data() + kGcmSaltSize, nonce);
    std::copy(iv.begin(), iv.end(), nonce + kGcmSaltSize);
    return aead_->Seal(nonce, all.subspan(0, plaintext_offset - iv_size_), text,
                       icv);
  }
  if (auto s = cbc_->Encrypt(iv, text); !s.ok()) return s;
  return hmac_->Compute(all.subspan(0, plaintext_offset + padded_size), icv);
}

absl::StatusOr<Bytes> SkCipher::Build(const Header& header,
                                      PayloadType payload_type,
                                      PayloadType next, const Bytes* skf_prefix,
                                      absl::Span<const uint8_t> plaintext,
                                      crypto::Random& random) const {
  const size_t padded =
      (plaintext.size() + 1 + block_size_ - 1) / block_size_ * block_size_;
  const size_t pad_length = padded - plaintext.size() - 1;
  const size_t prefix = skf_prefix != nullptr ? skf_prefix->size() : 0;
  const size_t payload_length =
      kGenericPayloadHeaderSize + prefix + iv_size_ + padded + icv_size_;
  const size_t total = kHeaderSize + payload_length;
  if (payload_length > 0xffff || total > kMaxMessageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat(ToString(payload_type), " payload: protected message of ",
                     total, " bytes exceeds the limit of ", kMaxMessageSize));
  }
  Bytes out = EncodeHeader(header, payload_type, static_cast<uint32_t>(total));
  out.reserve(total);
  out.push_back(static_cast<uint8_t>(next));
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(payload_length >> 8));
  out.push_back(static_cast<uint8_t>(payload_length));
  if (skf_prefix != nullptr) {
    out.insert(out.end(), skf_prefix->begin(), skf_prefix->end());
  }
  out.resize(out.size() + iv_size_);
  const size_t plaintext_offset = out.size();
  out.insert(out.end(), plaintext.begin(), plaintext.end());
  out.resize(out.size() + pad_length, 0);
  out.push_back(static_cast<uint8_t>(pad_length));
  out.resize(out.size() + icv_size_);
  if (auto s = Seal(out, plaintext_offset, padded, random); !s.ok()) return s;
  return out;
}

absl::StatusOr<Bytes> SkCipher::Protect(const Header& header,
                                        absl::Span<const Payload> inner,
                                        crypto::Random& random) const {
  auto plaintext = EncodePayloadChain(inner);
  if (!plaintext.ok()) return Prefixed(plaintext.status(), "SK inner: ");
  const PayloadType first =
      inner.empty() ? PayloadType::kNone : inner.front().type;
  return Build(header, PayloadType::kEncrypted, first, nullptr, *plaintext,
               random);
}

absl::StatusOr<Bytes> SkCipher::ProtectFragment(const Header& header,
                                                uint16_t fragment_number,
                                                uint16_t total_fragments,
                                                PayloadType first_inner_payload,
                                                absl::Span<const uint8_t> chunk,
                                                crypto::Random& random) const {
  if (total_fragments == 0 || fragment_number == 0 ||
      fragment_number > total_fragments) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKF: Fragment Number ", fragment_number, " outside 1..",
                     total_fragments));
  }
  if (fragment_number != 1 && first_inner_payload != PayloadType::kNone) {
    return absl::InvalidArgumentError(
        "SKF: only fragment 1 names the first inner payload");
  }
  const Bytes prefix = {static_cast<uint8_t>(fragment_number >> 8),
                        static_cast<uint8_t>(fragment_number),
                        static_cast<uint8_t>(total_fragments >> 8),
                        static_cast<uint8_t>(total_fragments)};
  return Build(header, PayloadType::kEncryptedFragment, first_inner_payload,
               &prefix, chunk, random);
}

absl::StatusOr<Bytes> SkCipher::Open(absl::Span<const uint8_t> datagram,
                                     size_t body_offset,
                                     const char* what) const {
  const size_t body_size = datagram.size() - body_offset;
  const size_t minimum = iv_size_ + block_size_ + icv_size_;
  if (body_size < minimum) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " payload: encrypted body of ", body_size,
                     " bytes below minimum ", minimum));
  }
  const size_t text_size = body_size - iv_size_ - icv_size_;
  if (text_size % block_size_ != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " payload: ciphertext of ", text_size,
        " bytes is not a multiple of the ", block_size_, "-byte block"));
  }
  absl::Span<const uint8_t> iv = datagram.subspan(body_offset, iv_size_);
  absl::Span<const uint8_t> icv =
      datagram.subspan(datagram.size() - icv_size_, icv_size_);
  Bytes text(datagram.begin() + body_offset + iv_size_,
             datagram.end() - icv_size_);
  if (aead_.has_value()) {
    uint8_t nonce[crypto::kAeadNonceSize];
    std::copy(salt_.data(), salt_.data() + kGcmSaltSize, nonce);
    std::copy(iv.begin(), iv.end(), nonce + kGcmSaltSize);
    if (!aead_
             ->Open(nonce, datagram.subspan(0, body_offset),
                    absl::MakeSpan(text), icv)
             .ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " payload: integrity check failed"));
    }
  } else {
    // Verify first: nothing is decrypted from a forged message.
    if (!hmac_->Verify(datagram.subspan(0, datagram.size() - icv_size_), icv)
             .ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " payload: integrity check failed"));
    }
    if (auto s = cbc_->Decrypt(iv, absl::MakeSpan(text)); !s.ok()) return s;
  }
  const size_t pad_length = text.back();
  if (pad_length + 1 > text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " payload: Pad Length ", pad_length, " exceeds the ",
                     text.size() - 1, " decrypted bytes"));
  }
  text.resize(text.size() - pad_length - 1);
  return text;
}

absl::StatusOr<OpenedMessage> SkCipher::Unprotect(
    absl::Span<const uint8_t> datagram) const {
  auto message = Decode(datagram);
  if (!message.ok()) return message.status();
  if (message->payloads.empty() ||
      message->payloads.back().type != PayloadType::kEncrypted) {
    return absl::InvalidArgumentError(
        absl::StrCat("SK payload: missing in ", Summary(*message)));
  }
  const Encrypted& sk = *message->payloads.back().As<Encrypted>();
  auto plaintext = Open(datagram, datagram.size() - sk.data.size(), "SK");
  if (!plaintext.ok()) return plaintext.status();
  auto inner = DecodePayloadChain(sk.first_inner_payload, *plaintext);
  if (!inner.ok()) return Prefixed(inner.status(), "SK inner: ");
  OpenedMessage opened;
  opened.header = message->header;
  message->payloads.pop_back();
  opened.unprotected = std::move(message->payloads);
  opened.payloads = *std::move(inner);
  return opened;
}

absl::StatusOr<OpenedFragment> SkCipher::UnprotectFragment(
    absl::Span<const uint8_t> datagram) const {
  auto message = Decode(datagram);
  if (!message.ok()) return message.status();
  if (message->payloads.empty() ||
      message->payloads.back().type != PayloadType::kEncryptedFragment) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKF payload: missing in ", Summary(*message)));
  }
  const EncryptedFragment& skf =
      *message->payloads.back().As<EncryptedFragment>();
  auto plaintext = Open(datagram, datagram.size() - skf.data.size(), "SKF");
  if (!plaintext.ok()) return plaintext.status();
  OpenedFragment opened;
  opened.header = message->header;
  opened.fragment_number = skf.fragment_number;
  opened.total_fragments = skf.total_fragments;
  opened.first_inner_payload = skf.first_inner_payload;
  opened.plaintext = *std::move(plaintext);
  return opened;
}

}  // namespace cygnet::ike::wire
