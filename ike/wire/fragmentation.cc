// SKF fragmentation and reassembly; see fragmentation.h.
#include "ike/wire/fragmentation.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "ike/wire/message.h"

namespace cygnet::ike::wire {
namespace {

constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kIpv6HeaderSize = 40;
constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kNonEspMarkerSize = 4;
constexpr size_t kSkfFixedSize = kGenericPayloadHeaderSize + 4;

std::string FragmentLabel(const OpenedFragment& f) {
  return absl::StrCat("SKF fragment ", f.fragment_number, "/",
                      f.total_fragments, " of message ", f.header.message_id);
}

}  // namespace

size_t MaxIkeMessageSize(size_t mtu, bool ipv6, bool non_esp_marker) {
  const size_t overhead = (ipv6 ? kIpv6HeaderSize : kIpv4HeaderSize) +
                          kUdpHeaderSize +
                          (non_esp_marker ? kNonEspMarkerSize : 0);
  return mtu > overhead ? mtu - overhead : 0;
}

absl::StatusOr<std::vector<Bytes>> Fragment(const SkCipher& cipher,
                                            const Header& header,
                                            absl::Span<const Payload> inner,
                                            size_t max_message_size,
                                            crypto::Random& random) {
  auto plaintext = EncodePayloadChain(inner);
  if (!plaintext.ok()) return plaintext.status();
  const size_t fixed = kHeaderSize + kSkfFixedSize;
  const size_t chunk_size =
      max_message_size > fixed
          ? cipher.MaxPlaintextFor(std::min(max_message_size, kMaxMessageSize) -
                                   fixed)
          : 0;
  if (chunk_size == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SKF: a fragment of at most ", max_message_size,
        " bytes cannot carry any payload (", fixed, " bytes of headers, ",
        cipher.iv_size(), " IV, ", cipher.icv_size(), " ICV)"));
  }
  const size_t count = plaintext->empty()
                           ? 1
                           : (plaintext->size() + chunk_size - 1) / chunk_size;
  if (count > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKF: ", count, " fragments exceed 65535"));
  }
  const PayloadType first =
      inner.empty() ? PayloadType::kNone : inner.front().type;
  std::vector<Bytes> fragments;
  fragments.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t offset = i * chunk_size;
    const size_t size = std::min(chunk_size, plaintext->size() - offset);
    auto fragment = cipher.ProtectFragment(
        header, static_cast<uint16_t>(i + 1), static_cast<uint16_t>(count),
        i == 0 ? first : PayloadType::kNone,
        absl::MakeConstSpan(*plaintext).subspan(offset, size), random);
    if (!fragment.ok()) return fragment.status();
    fragments.push_back(*std::move(fragment));
  }
  return fragments;
}

Reassembler::Reassembler(ReassemblyLimits limits) : limits_(limits) {}

size_t Reassembler::buffered_bytes() const {
  size_t total = 0;
  for (const auto& [key, pending] : pending_) total += pending.bytes;
  return total;
}

size_t Reassembler::Expire(absl::Time now) {
  size_t dropped = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.started >= limits_.timeout) {
      it = pending_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

absl::StatusOr<std::optional<ReassembledMessage>> Reassembler::Add(
    OpenedFragment fragment, absl::Time now) {
  Expire(now);
  const std::string label = FragmentLabel(fragment);
  if (fragment.total_fragments == 0 || fragment.fragment_number == 0 ||
      fragment.fragment_number > fragment.total_fragments) {
    return absl::FailedPreconditionError(
        absl::StrCat(label, ": Fragment Number out of range"));
  }
  if (fragment.total_fragments > limits_.max_fragments) {
    return absl::FailedPreconditionError(
        absl::StrCat(label, ": Total Fragments ", fragment.total_fragments,
                     " exceeds the limit of ", limits_.max_fragments));
  }
  if (fragment.fragment_number != 1 &&
      fragment.first_inner_payload != PayloadType::kNone) {
    return absl::FailedPreconditionError(absl::StrCat(
        label, ": only fragment 1 may name the first inner payload"));
  }
  if (fragment.plaintext.size() > limits_.max_message_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        label, ": ", fragment.plaintext.size(),
        " bytes exceed the per-message limit of ", limits_.max_message_bytes));
  }
  const Key key{fragment.header.initiator_spi, fragment.header.responder_spi,
                fragment.header.message_id, fragment.header.response};
  auto it = pending_.find(key);
  if (it != pending_.end()) {
    Pending& p = it->second;
    if (fragment.total_fragments < p.total) {
      return absl::FailedPreconditionError(
          absl::StrCat(label, ": Total Fragments ", fragment.total_fragments,
                       " is below the ", p.total, " of earlier fragments"));
    }
    if (fragment.header.exchange_type != p.exchange_type) {
      return absl::FailedPreconditionError(absl::StrCat(
          label, ": exchange ", ToString(fragment.header.exchange_type),
          " differs from ", ToString(p.exchange_type),
          " in earlier fragments"));
    }
    if (fragment.total_fragments > p.total) {
      // Re-fragmented for a smaller MTU: start again from this fragment.
      pending_.erase(it);
      it = pending_.end();
    } else if (p.fragments[fragment.fragment_number - 1].has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat(label, ": duplicate fragment"));
    }
  }
  if (it == pending_.end()) {
    if (pending_.size() >= limits_.max_messages) {
      return absl::ResourceExhaustedError(
          absl::StrCat(label, ": ", pending_.size(),
                       " messages already in reassembly (limit ",
                       limits_.max_messages, ")"));
    }
    Pending fresh;
    fresh.started = now;
    fresh.exchange_type = fragment.header.exchange_type;
    fresh.total = fragment.total_fragments;
    fresh.fragments.resize(fragment.total_fragments);
    it = pending_.emplace(key, std::move(fresh)).first;
  }
  Pending& p = it->second;
  if (p.bytes + fragment.plaintext.size() > limits_.max_message_bytes) {
    pending_.erase(it);
    return absl::ResourceExhaustedError(absl::StrCat(
        label, ": reassembled message would exceed ", limits_.max_message_bytes,
        " bytes; reassembly abandoned"));
  }
  p.bytes += fragment.plaintext.size();
  if (fragment.fragment_number == 1) {
    p.first_inner_payload = fragment.first_inner_payload;
  }
  p.fragments[fragment.fragment_number - 1] = std::move(fragment.plaintext);
  ++p.received;
  if (p.received < p.total) return std::optional<ReassembledMessage>();

  Bytes joined;
  joined.reserve(p.bytes);
  for (const auto& piece : p.fragments) {
    joined.insert(joined.end(), piece->begin(), piece->end());
  }
  const PayloadType first = p.first_inner_payload;
  pending_.erase(it);
  auto payloads = DecodePayloadChain(first, joined);
  if (!payloads.ok()) return payloads.status();
  ReassembledMessage message;
  message.header = fragment.header;
  message.payloads = *std::move(payloads);
  return std::optional<ReassembledMessage>(std::move(message));
}

}  // namespace cygnet::ike::wire
