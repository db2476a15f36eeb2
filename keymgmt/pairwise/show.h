// `show sdwan ipsec pwk ...` renderings of a DeviceEngine (seed 000).
//
// Columns follow the seed's tables (its header rows are wrapped in the PDF;
// these are the same columns on one line). Hash columns are the first four
// hex digits, upper case as in the seed, of SecretBytes::Fingerprint() of
// the value (for public values and nonces too, so an operator compares both
// ends the same way); keys are never shown. "-" marks a column that does not
// apply: a peer without pairwise keys has no PWK-SPI, public key, nonce or
// shared secret. SPIs print as 8 hex digits (the seed's 6 are too few for
// the 32-bit layout of kdf.h).
//
//   outbound-connections: one row per TLOC pair, the SA traffic uses.
//     SOURCE IP, SOURCE PORT, DEST IP, DEST PORT, LOCAL TLOC ADDRESS,
//     LOCAL TLOC COLOR, REMOTE TLOC ADDRESS, REMOTE TLOC COLOR,
//     REMOTE PWK-SPI, SA INDEX, PKEY ID (the peer's generation), PKEY HASH
//     (peer's public value), NONCE HASH (peer's), SS HASH, E-KEY HASH,
//     AH AUTH
//   inbound-connections: one row per inbound SA (up to four per pair
//     during a simultaneous rekey).
//     SOURCE IP, SOURCE PORT, DEST IP, DEST PORT, REMOTE TLOC ADDRESS,
//     REMOTE TLOC COLOR, LOCAL TLOC ADDRESS, LOCAL TLOC COLOR,
//     LOCAL PWK-SPI, SA INDEX, PKEY ID (own generation), LOCAL PKEY HASH,
//     LOCAL NONCE HASH, SS HASH, D-KEY HASH, AH AUTH
//   local-sa: one row per local TLOC.
//     TLOC-ADDRESS, TLOC-COLOR, SOURCE-IP, SOURCE-PORT, SPI (the TLOC
//     index), SA-INDEX, PKEY-ID (generation), PKEY-HASH, NONCE-HASH,
//     SA-HASH (the symmetric key)
#ifndef CYGNET_KEYMGMT_PAIRWISE_SHOW_H_
#define CYGNET_KEYMGMT_PAIRWISE_SHOW_H_

#include <string>

#include "keymgmt/pairwise/device.h"

namespace cygnet::keymgmt::pairwise {

std::string ShowPwkOutboundConnections(const DeviceEngine& device);
std::string ShowPwkInboundConnections(const DeviceEngine& device);
std::string ShowPwkLocalSa(const DeviceEngine& device);
// `show sdwan security-info` of the device's configuration.
std::string ShowSecurityInfo(const DeviceEngine& device);

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_SHOW_H_
