#include "ipsec/show_ipsec_sa.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::ipsec {
namespace {

constexpr absl::string_view kRule = "-----\n";

void Field(std::string* out, absl::string_view label, absl::string_view value) {
  absl::StrAppendFormat(out, "%-21s: %s\n", label, value);
}

std::string Hex32(uint32_t value) { return absl::StrFormat("0x%08x", value); }

void Timestamp(std::string* out, const ShowOptions& options) {
  if (!options.timestamp) return;
  const absl::TimeZone::CivilInfo civil = options.time_zone.At(options.now);
  // "Tue Oct 5 15:45:55.597 IST": the day of month is not padded.
  absl::StrAppend(
      out, absl::FormatTime("%a %b ", options.now, options.time_zone),
      civil.cs.day(),
      absl::FormatTime(" %H:%M:%E3S ", options.now, options.time_zone),
      options.time_zone_abbreviation, "\n");
}

// Whole seconds left, rounded down, never negative.
int64_t Seconds(absl::Duration remaining) {
  return std::max<int64_t>(0, absl::ToInt64Seconds(remaining));
}

void SaBlock(std::string* out, const SecurityAssociation& sa,
             const ShowOptions& options) {
  absl::StrAppend(out, kRule, SaDirectionName(sa.direction()), " SA\n");
  Field(out, "SPI", Hex32(sa.spi()));
  Field(out, "Protocol", "ESP");
  Field(out, "Encrypt Algorithm", ShowEncryptName(sa.transform().cipher()));
  Field(out, "Auth Algorithm", ShowAuthName(sa.transform().integrity()));
  const LifetimeLimits& limits = sa.lifetime().limits();
  if (limits.soft_time != absl::ZeroDuration()) {
    absl::StrAppend(out, "Rekey (After Seconds): ",
                    Seconds(sa.lifetime().SoftTimeRemaining(options.now)),
                    "\n");
  } else if (limits.hard_time != absl::ZeroDuration()) {
    absl::StrAppend(out, "Lifetime (expire After Seconds) : ",
                    Seconds(sa.lifetime().HardTimeRemaining(options.now)),
                    "\n");
  } else {
    absl::StrAppend(out, "Lifetime (expire After Seconds) : None\n");
  }
  if (!options.detail) return;
  if (sa.direction() == SaDirection::kInbound) {
    const ReplayWindow& window = sa.replay_window();
    Field(out, "Replay window",
          window.enabled() ? absl::StrCat(window.size()) : "Disabled");
  }
  Field(out, "ESN", sa.extended_sequence_numbers() ? "Yes" : "No");
  if (sa.udp_encapsulation().has_value()) {
    Field(out, "UDP encapsulation",
          absl::StrCat(sa.udp_encapsulation()->local_port, " -> ",
                       sa.udp_encapsulation()->remote_port));
  }
  if (limits.hard_bytes != 0) {
    Field(out, "Lifetime bytes",
          absl::StrCat(sa.lifetime().bytes(), " of ", limits.hard_bytes));
  }
  if (limits.hard_packets != 0) {
    Field(out, "Lifetime packets",
          absl::StrCat(sa.lifetime().packets(), " of ", limits.hard_packets));
  }
  const SaCounters& counters = sa.counters();
  Field(out, "Packets", absl::StrCat(counters.packets));
  Field(out, "Bytes", absl::StrCat(counters.bytes));
  if (sa.direction() == SaDirection::kInbound) {
    Field(out, "Integrity failures", absl::StrCat(counters.integrity_failures));
    Field(out, "Replay drops", absl::StrCat(counters.replay_drops));
    Field(out, "Padding errors", absl::StrCat(counters.padding_errors));
    Field(out, "Malformed", absl::StrCat(counters.malformed));
  } else {
    Field(out, "Sequence number", absl::StrCat(sa.last_sequence_number()));
    Field(out, "Sequence exhausted", absl::StrCat(counters.sequence_exhausted));
    Field(out, "No room", absl::StrCat(counters.no_room));
  }
  Field(out, "Expired drops", absl::StrCat(counters.expired_drops));
  Field(out, "Encrypt key hash", sa.encryption_key_fingerprint());
  if (!sa.integrity_key_fingerprint().empty()) {
    Field(out, "Auth key hash", sa.integrity_key_fingerprint());
  }
}

void InterfaceBlock(std::string* out, const IpsecInterfaceView& view,
                    const ShowOptions& options) {
  absl::StrAppend(out, kRule);
  Field(out, "Interface Name", view.interface_name);
  Field(out, "Interface handle",
        absl::StrFormat("0x%x", view.interface_handle));
  Field(out, "SA id", absl::StrCat(view.sa_id));
  const SecurityAssociation* first =
      view.sas.empty() ? nullptr : view.sas.front().sa.get();
  Field(out, "Mode", first != nullptr ? SaModeName(first->mode()) : "-");
  const int pfs_group = first != nullptr ? first->pfs_group() : 0;
  Field(out, "PFS enabled", pfs_group != 0 ? "Yes" : "No");
  Field(out, "PFS group",
        pfs_group != 0 ? absl::StrCat("group", pfs_group) : "None");
  const bool quantum_resistant = first != nullptr && first->quantum_resistant();
  Field(out, "Quantum resistant", quantum_resistant ? "Yes" : "No");
  if (options.detail) {
    Field(out, "IPsec profile", view.ipsec_profile);
    Field(out, "Peer", view.peer);
    Field(out, "Local ident", view.local_identity);
    Field(out, "Remote ident", view.remote_identity);
  }
  // Inbound generations first, then outbound, as the SAD lists them.
  for (SaDirection direction :
       {SaDirection::kInbound, SaDirection::kOutbound}) {
    for (const SadEntry& entry : view.sas) {
      if (entry.sa != nullptr && entry.sa->direction() == direction) {
        SaBlock(out, *entry.sa, options);
      }
    }
  }
}

}  // namespace

absl::string_view ShowEncryptName(EspCipher cipher) {
  switch (cipher) {
    case EspCipher::kNull:
      return "ESP_NULL";
    case EspCipher::kAesCbc128:
      return "ESP_128_AES";
    case EspCipher::kAesCbc192:
      return "ESP_192_AES";
    case EspCipher::kAesCbc256:
      return "ESP_256_AES";
    case EspCipher::kAesGcm128:
      return "ESP_128_AES_GCM";
    case EspCipher::kAesGcm256:
      return "ESP_256_AES_GCM";
    case EspCipher::kChaCha20Poly1305:
      return "ESP_CHACHA20_POLY1305";
  }
  return "UNKNOWN";
}

absl::string_view ShowAuthName(EspIntegrity integrity) {
  switch (integrity) {
    case EspIntegrity::kNone:
      return "None";
    case EspIntegrity::kHmacSha1_96:
      return "HMAC_SHA1";
    case EspIntegrity::kHmacSha256_128:
      return "HMAC_SHA_256";
    case EspIntegrity::kHmacSha384_192:
      return "HMAC_SHA_384";
    case EspIntegrity::kHmacSha512_256:
      return "HMAC_SHA_512";
  }
  return "UNKNOWN";
}

std::string RenderShowIpsecSa(const std::vector<IpsecInterfaceView>& interfaces,
                              const ShowOptions& options) {
  std::string out;
  Timestamp(&out, options);
  absl::StrAppendFormat(&out, "%-16s%-9s%-15s%s\n", "If/name", "SA-Id",
                        "Inbound SPI", "Outbound SPI");
  absl::StrAppend(&out, kRule);
  for (const IpsecInterfaceView& view : interfaces) {
    std::string inbound = "-", outbound = "-";
    for (const SadEntry& entry : view.sas) {
      if (entry.sa == nullptr) continue;
      if (entry.sa->direction() == SaDirection::kInbound) {
        inbound = Hex32(entry.sa->spi());  // the newest wins
      } else if (entry.current) {
        outbound = Hex32(entry.sa->spi());
      }
    }
    absl::StrAppendFormat(&out, "%-16s%-9s%-15s%s\n", view.interface_name,
                          absl::StrCat(view.sa_id), inbound, outbound);
  }
  return out;
}

absl::StatusOr<std::string> RenderShowIpsecSaInterface(
    const std::vector<IpsecInterfaceView>& interfaces,
    absl::string_view interface_name, const ShowOptions& options) {
  for (const IpsecInterfaceView& view : interfaces) {
    if (view.interface_name != interface_name) continue;
    std::string out;
    Timestamp(&out, options);
    InterfaceBlock(&out, view, options);
    return out;
  }
  return absl::NotFoundError(
      absl::StrCat("interface ", interface_name, ": no IPsec SAs"));
}

}  // namespace cygnet::ipsec
