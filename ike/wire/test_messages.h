// Representative IKEv2 messages for tests, the fuzz corpus, the benchmark and
// the tshark golden check. Deterministic: same bytes on every call.
#ifndef CYGNET_IKE_WIRE_TEST_MESSAGES_H_
#define CYGNET_IKE_WIRE_TEST_MESSAGES_H_

#include <vector>

#include "ike/wire/payloads.h"

namespace cygnet::ike::wire::testing {

constexpr uint64_t kInitiatorSpi = 0x0123456789abcdefull;
constexpr uint64_t kResponderSpi = 0xfedcba9876543210ull;

// IKE_SA_INIT request: SA (two IKE proposals), KE (group 19), Ni, NAT
// detection, fragmentation and signature-hash notifies, a Vendor ID.
Message IkeSaInitRequest();
// IKE_SA_INIT response: one chosen proposal, KE, Nr, notifies, CERTREQ.
Message IkeSaInitResponse();
// The payloads an IKE_AUTH request carries inside SK: IDi, CERT, CERTREQ,
// N(INITIAL_CONTACT), IDr, AUTH, CP, SA (ESP), TSi, TSr, N(USE_TRANSPORT_MODE).
std::vector<Payload> IkeAuthRequestInner();
// ... and the response: IDr, AUTH, SA, TSi, TSr.
std::vector<Payload> IkeAuthResponseInner();
// Header of message ID 1 (IKE_AUTH) from the initiator or responder.
Header IkeAuthHeader(bool response);
// One payload of every modelled type plus a non-critical unknown one (not a
// meaningful exchange: a syntax workout for round trips).
std::vector<Payload> EveryPayload();

}  // namespace cygnet::ike::wire::testing

#endif  // CYGNET_IKE_WIRE_TEST_MESSAGES_H_
