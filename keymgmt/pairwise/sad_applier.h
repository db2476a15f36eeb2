// SadApplier: carries out a DeviceEngine's SA actions on an
// ipsec::SaDatabase. The integrator (or the simulation) calls Apply for each
// action in order; the SAD's lineage of a TLOC pair is PairPolicyId, its
// inbound SAs are keyed by (SPI, local transport address).
//
// Every SA is ESP with AES-GCM-256 (key || salt from the engine), UDP
// encapsulation on the TLOC's ports, the configured replay window on
// inbound SAs, and the engine's volume / counter rekey limits.
#ifndef CYGNET_KEYMGMT_PAIRWISE_SAD_APPLIER_H_
#define CYGNET_KEYMGMT_PAIRWISE_SAD_APPLIER_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "ipsec/sa_database.h"
#include "ipsec/security_association.h"
#include "keymgmt/pairwise/device.h"

namespace cygnet::keymgmt::pairwise {

class SadApplier {
 public:
  SadApplier(ipsec::SaDatabase& sad, ipsec::SaMode mode)
      : sad_(sad), mode_(mode) {}

  // Installs, switches or removes; sends and events are ignored (OK).
  // Consumes the key of an install action.
  absl::Status Apply(DeviceAction& action, absl::Time now);

 private:
  ipsec::SaDatabase& sad_;
  ipsec::SaMode mode_;
};

}  // namespace cygnet::keymgmt::pairwise

#endif  // CYGNET_KEYMGMT_PAIRWISE_SAD_APPLIER_H_
