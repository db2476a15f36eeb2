#include "ipsec/security_association.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::ipsec {

absl::string_view SaDirectionName(SaDirection direction) {
  return direction == SaDirection::kInbound ? "Inbound" : "Outbound";
}

absl::string_view SaModeName(SaMode mode) {
  return mode == SaMode::kTunnel ? "Tunnel" : "Transport";
}

absl::StatusOr<SecurityAssociation> SecurityAssociation::Create(
    SaConfig config, absl::Time now) {
  if (config.spi < 256) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "spi: 0x%08x is reserved (RFC 4303 section 2.1: 0..255)", config.spi));
  }
  if (config.local_address.is_v4() != config.remote_address.is_v4()) {
    return absl::InvalidArgumentError(
        absl::StrCat("remote_address: ", config.remote_address.ToString(),
                     " is not the family of local_address ",
                     config.local_address.ToString()));
  }
  if (!IsAead(config.cipher) && config.integrity == EspIntegrity::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "integrity: ", EspCipherName(config.cipher),
        " without integrity protection is not allowed (RFC 8221 section 5)"));
  }
  if (config.pfs_group < 0 || config.pfs_group > UINT16_MAX) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pfs_group: ", config.pfs_group, " is not a 16-bit transform ID"));
  }
  for (const auto& [field, selectors] :
       {std::pair<absl::string_view, const std::vector<TrafficSelector>*>{
            "local_selectors", &config.local_selectors},
        {"remote_selectors", &config.remote_selectors}}) {
    if (selectors->size() > UINT16_MAX) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", selectors->size(), " selectors (at most 65535)"));
    }
  }
  if (config.udp_encapsulation.has_value() &&
      (config.udp_encapsulation->local_port == 0 ||
       config.udp_encapsulation->remote_port == 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("udp_encapsulation: port 0 (local ",
                     config.udp_encapsulation->local_port, ", remote ",
                     config.udp_encapsulation->remote_port, ")"));
  }
  const bool inbound = config.direction == SaDirection::kInbound;
  absl::StatusOr<EspTransform> transform = EspTransform::Create(
      config.cipher, config.integrity, config.encryption_key.span(),
      config.integrity_key.span(),
      inbound ? EspTransformUse::kOpenOnly : EspTransformUse::kSealOnly);
  if (!transform.ok()) return transform.status();
  absl::StatusOr<ReplayWindow> window =
      ReplayWindow::Create(inbound ? config.replay_window_size : 0,
                           config.extended_sequence_numbers);
  if (!window.ok()) return window.status();
  absl::Status lifetime = Lifetime::Validate(config.lifetime);
  if (!lifetime.ok()) return lifetime;
  const uint64_t limit = config.extended_sequence_numbers
                             ? std::numeric_limits<uint64_t>::max()
                             : std::numeric_limits<uint32_t>::max();
  if (config.first_sequence_number == 0 ||
      config.first_sequence_number > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_sequence_number: ", config.first_sequence_number,
                     " is outside 1..", limit));
  }
  SecurityAssociation sa(config, *std::move(transform), *std::move(window),
                         now);
  sa.last_sequence_ = config.first_sequence_number - 1;
  sa.sequence_soft_limit_ =
      config.sequence_soft_limit != 0
          ? config.sequence_soft_limit
          : (config.extended_sequence_numbers ? limit - 0xffffffffull
                                              : limit - 0xffffffull);
  return sa;
}

SecurityAssociation::SecurityAssociation(const SaConfig& config,
                                         EspTransform transform,
                                         ReplayWindow replay_window,
                                         absl::Time now)
    : spi_(config.spi),
      direction_(config.direction),
      mode_(config.mode),
      esn_(config.extended_sequence_numbers),
      quantum_resistant_(config.quantum_resistant),
      has_integrity_key_(!config.integrity_key.empty()),
      rekey_raised_(false),
      expired_(false),
      outer_ttl_(config.outer_ttl),
      pfs_group_(static_cast<uint16_t>(config.pfs_group)),
      local_address_(config.local_address),
      remote_address_(config.remote_address),
      udp_encapsulation_(config.udp_encapsulation.value_or(
          UdpEncapsulation{/*local_port=*/0, /*remote_port=*/0})),
      transform_(std::move(transform)),
      last_sequence_(0),
      sequence_soft_limit_(0),
      replay_window_(std::move(replay_window)),
      lifetime_(config.lifetime, now) {
  local_selector_count_ = static_cast<uint16_t>(config.local_selectors.size());
  remote_selector_count_ =
      static_cast<uint16_t>(config.remote_selectors.size());
  if (local_selector_count_ + remote_selector_count_ != 0) {
    selectors_ = std::make_unique<TrafficSelector[]>(local_selector_count_ +
                                                     remote_selector_count_);
    std::copy(config.local_selectors.begin(), config.local_selectors.end(),
              selectors_.get());
    std::copy(config.remote_selectors.begin(), config.remote_selectors.end(),
              selectors_.get() + local_selector_count_);
  }
  // Fingerprint() is always kFingerprintSize hex digits.
  const std::string encryption = config.encryption_key.Fingerprint();
  std::memcpy(encryption_key_fingerprint_, encryption.data(),
              std::min(encryption.size(), kFingerprintSize));
  if (has_integrity_key_) {
    const std::string integrity = config.integrity_key.Fingerprint();
    std::memcpy(integrity_key_fingerprint_, integrity.data(),
                std::min(integrity.size(), kFingerprintSize));
  }
}

std::string SecurityAssociation::encryption_key_fingerprint() const {
  return std::string(encryption_key_fingerprint_, kFingerprintSize);
}

std::string SecurityAssociation::integrity_key_fingerprint() const {
  if (!has_integrity_key_) return std::string();
  return std::string(integrity_key_fingerprint_, kFingerprintSize);
}

absl::Status SecurityAssociation::RefuseExpired() {
  ++counters_.expired_drops;
  return absl::FailedPreconditionError(
      absl::StrFormat("SA 0x%08x expired", spi_));
}

absl::StatusOr<uint64_t> SecurityAssociation::NextSequenceNumberSlow() {
  absl::Status usable = CheckUsable();
  if (!usable.ok()) return usable;
  if (last_sequence_ >= sequence_limit()) {
    ++counters_.sequence_exhausted;
    RaiseExpired();
    return absl::ResourceExhaustedError(absl::StrFormat(
        "SA 0x%08x: sequence number exhausted at %u", spi_, last_sequence_));
  }
  ++last_sequence_;
  if (last_sequence_ >= sequence_soft_limit_) RaiseRekey();
  return last_sequence_;
}

void SecurityAssociation::AdvanceTime(absl::Time now) {
  OnLifetimeEvent(lifetime_.Check(now));
}

void SecurityAssociation::OnLifetimeEvent(LifetimeEvent event) {
  switch (event) {
    case LifetimeEvent::kNone:
      break;
    case LifetimeEvent::kSoftExpired:
      RaiseRekey();
      break;
    case LifetimeEvent::kHardExpired:
      RaiseExpired();
      break;
  }
}

void SecurityAssociation::RaiseRekey() {
  if (rekey_raised_ || expired_) return;
  rekey_raised_ = true;
  pending_.rekey = true;
}

void SecurityAssociation::RaiseExpired() {
  if (expired_) return;
  expired_ = true;
  pending_.expired = true;
}

SaEvents SecurityAssociation::TakeEvents() {
  SaEvents events = pending_;
  pending_ = SaEvents();
  return events;
}

}  // namespace cygnet::ipsec
