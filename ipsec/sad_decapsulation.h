// DecapsulateFromSad: Decapsulate (esp.h) with the inbound SA found in an
// SaDatabase, the way a driver that keeps its SAs in the SAD receives ESP.
//
// Who drives it: the integrator's receive path, on any thread, for every
// packet from its ESP socket or NAT-T socket.
//
// Invariant: the SA the lookup found stays alive for as long as the caller
// holds `held`, even if the control plane removes it from the SAD in the
// meantime (a rekey or a DELETE racing with the packet), so `out->sa` is
// valid until `held` is released. The SA itself is not thread-safe: the
// caller still serialises work on one SA (security_association.h). Errors
// and counters are Decapsulate's.
#ifndef CYGNET_IPSEC_SAD_DECAPSULATION_H_
#define CYGNET_IPSEC_SAD_DECAPSULATION_H_

#include <memory>

#include "absl/status/status.h"
#include "ipsec/esp.h"
#include "ipsec/sa_database.h"
#include "ipsec/security_association.h"

namespace cygnet::ipsec {

absl::Status DecapsulateFromSad(const SaDatabase& sad, PacketBuffer& packet,
                                DecapsulationCounters& counters,
                                Decapsulated* out,
                                std::shared_ptr<SecurityAssociation>* held);

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_SAD_DECAPSULATION_H_
