// Renders `show ikev2 session [detail]`, `show ikev2 sa` and
// `show ikev2 summary` from IkeEngine::Status() snapshots, with the fields,
// order and layout of seed 001 / 003 (Session ID, Status UP-ACTIVE, IKE
// Count, Child Count, IKE SA ID, Local / Remote with ports,
// Status(Description) READY (Negotiation done), Role, the detail lines, and
// the Child SA block with selectors and ESP SPI IN/OUT). Pure functions.
// Keys never appear: SPIs, algorithm names and identities only.
#ifndef CYGNET_IKE_ENGINE_SHOW_IKEV2_H_
#define CYGNET_IKE_ENGINE_SHOW_IKEV2_H_

#include <string>
#include <vector>

#include "ike/engine/ike_engine.h"

namespace cygnet::ike {

std::string ShowIkev2Session(const std::vector<IkeSaStatus>& sas, bool detail);
std::string ShowIkev2Sa(const std::vector<IkeSaStatus>& sas);
std::string ShowIkev2Summary(const std::vector<IkeSaStatus>& sas);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_SHOW_IKEV2_H_
