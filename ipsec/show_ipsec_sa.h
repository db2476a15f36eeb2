// `show ipsec sa` and `show ipsec sa interface NAME` renderings, with the
// layout of the seed 001 example outputs (IOS XR style):
//
//   show ipsec sa                       show ipsec sa interface tunnel-ip3
//   Tue Oct 5 15:45:55.597 IST          Mon Feb 12 10:30:42.091 IST
//   If/name         SA-Id    Inbound... -----
//   -----                               Interface Name       : tunnel-ip3
//   tunnel-ipl      804      0x2c37...  Interface handle     : 0x8000b0
//                                       SA id                : 641
//                                       Mode                 : Tunnel
//                                       PFS enabled          : No
//                                       PFS group            : None
//                                       Quantum resistant    : Yes
//                                       -----
//                                       Inbound SA
//                                       SPI                  : 0x50571841
//                                       ...
//
// Who drives it: the integrator's CLI. It passes what only it knows (the
// interface name, handle and SA id, the clock and time zone) in
// IpsecInterfaceView / ShowOptions; everything about the SAs comes from the
// SecurityAssociation accessors (as listed by SaDatabase::ListPolicy). Pure
// functions: no clock is read; `now` is a parameter.
//
// Field rules (from the seed outputs): labels are padded to 21 columns then
// ": "; SPIs are 0x + 8 lowercase hex digits; algorithm names as the seed
// prints them (ESP_192_AES, HMAC_SHA_256, ...). Per SA, the timing line is
// "Rekey (After Seconds): N" (seconds to the soft time limit) when this end
// has a soft time limit, i.e. it will rekey; otherwise
// "Lifetime (expire After Seconds) : N" (seconds to the hard time limit, or
// "None" when the SA has no time limit). ShowOptions::detail adds cygnet lines
// the seed does not have (IPsec profile, peer, identities, replay window,
// counters, key fingerprints) in the same label style, after the seed's lines.
#ifndef CYGNET_IPSEC_SHOW_IPSEC_SA_H_
#define CYGNET_IPSEC_SHOW_IPSEC_SA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ipsec/esp_transform.h"
#include "ipsec/sa_database.h"

namespace cygnet::ipsec {

struct IpsecInterfaceView {
  std::string interface_name;  // "tunnel-ip1"
  uint32_t interface_handle = 0;
  uint32_t sa_id = 0;
  // The SAs protecting this interface, as SaDatabase::ListPolicy returns
  // them (inbound then outbound, oldest first; `current` marks the outbound
  // SA in use). An interface without SAs shows no SA blocks and "-" SPIs.
  std::vector<SadEntry> sas;
  // Only printed with ShowOptions::detail.
  std::string ipsec_profile;
  std::string peer;
  std::string local_identity;
  std::string remote_identity;
};

struct ShowOptions {
  absl::Time now = absl::UnixEpoch();
  absl::TimeZone time_zone = absl::UTCTimeZone();
  // Printed after the time, like the seed's "IST".
  std::string time_zone_abbreviation = "UTC";
  // The first line, "Mon Feb 12 10:30:42.091 IST".
  bool timestamp = true;
  bool detail = false;
};

// Seed names: "ESP_128_AES", "ESP_192_AES", "ESP_256_AES" (AES-CBC);
// cygnet's names where the seed shows none: "ESP_128_AES_GCM",
// "ESP_256_AES_GCM", "ESP_CHACHA20_POLY1305", "ESP_NULL".
absl::string_view ShowEncryptName(EspCipher cipher);
// "HMAC_SHA1", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512", "None".
absl::string_view ShowAuthName(EspIntegrity integrity);

// `show ipsec sa`: one row per interface: name, SA id, the newest inbound
// SPI and the current outbound SPI.
std::string RenderShowIpsecSa(const std::vector<IpsecInterfaceView>& interfaces,
                              const ShowOptions& options);

// `show ipsec sa interface NAME`; NotFound naming the interface otherwise.
absl::StatusOr<std::string> RenderShowIpsecSaInterface(
    const std::vector<IpsecInterfaceView>& interfaces,
    absl::string_view interface_name, const ShowOptions& options);

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_SHOW_IPSEC_SA_H_
