// IKEv2 proposal negotiation (RFC 7296 2.7, 3.3): turning locally configured
// proposals into SA payload proposals, the responder's choice, the
// initiator's check of the answer, and the KE group check.
//
// Driven by the IKE SA state machine: the initiator sends
// IkeProposalsToWire()/EspProposalsToWire() and checks the reply with
// CheckIkeAnswer()/CheckEspAnswer(); the responder calls
// SelectIkeProposalForKe() for a request that creates an IKE SA, and
// SelectEspProposal() and then CheckKeyExchangeGroup() on the KE payload for
// a CHILD_SA with PFS. Stateless.
//
// Rules, the responder's side:
// - proposals are considered in the initiator's order, and within a
//   proposal, transforms in the initiator's order; the first proposal that
//   one local proposal accepts in full wins;
// - the answer has exactly one transform of each type: IKE: ENCR, PRF, KE and
//   INTEG unless the cipher is AEAD; ESP: ENCR, ESN, INTEG unless AEAD, and KE
//   only in CREATE_CHILD_SA (PFS). KE transforms of Child SA proposals are
//   ignored in IKE_AUTH, which has no KE payload;
// - a proposal with an unknown transform type, or missing a mandatory one,
//   is unacceptable (RFC 7296 3.3.6); a transform with an unknown attribute is
//   skipped; AES without a Key Length attribute is skipped;
// - refused algorithms (ike/algorithms.h: 3DES, MD5, groups 1/2/5, ...) are
//   never selected, whatever the local configuration says.
// Failures carry the notify to send (NO_PROPOSAL_CHOSEN, or INVALID_KE_PAYLOAD
// with the 2-octet preferred group) in the status; ErrorNotifyOf() reads it.
// The message names, per offered proposal, what did not match.
#ifndef CYGNET_IKE_PROPOSAL_NEGOTIATION_H_
#define CYGNET_IKE_PROPOSAL_NEGOTIATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/key_exchange.h"
#include "crypto/prf.h"
#include "ike/algorithms.h"
#include "ike/wire/constants.h"
#include "ike/wire/payloads.h"

namespace cygnet::ike {

// ---- Locally configured proposals
// --------------------------------------------

// One `ikev2 proposal`: one or more algorithms of each kind, in preference
// order. Complete when it has an encryption, a PRF, a group, and an
// integrity algorithm if any cipher is not AEAD.
struct IkeProposalConfig {
  std::vector<EncryptionAlgorithm> encryption;
  std::vector<IntegrityAlgorithm> integrity;
  std::vector<crypto::PrfAlgorithm> prf;
  std::vector<crypto::KeyExchangeGroup> groups;
};
absl::Status ValidateIkeProposalConfig(const IkeProposalConfig& config);

// One transform set (plus the IPsec profile's PFS group). An empty
// pfs_groups means no PFS. extended_sequence_numbers lists the acceptable ESN
// settings in preference order.
struct EspProposalConfig {
  std::vector<EncryptionAlgorithm> encryption;
  std::vector<IntegrityAlgorithm> integrity;
  std::vector<crypto::KeyExchangeGroup> pfs_groups;
  std::vector<bool> extended_sequence_numbers = {false};
};
absl::Status ValidateEspProposalConfig(const EspProposalConfig& config);

// Which exchange a Child SA is negotiated in.
enum class ChildSaExchange : uint8_t { kIkeAuth, kCreateChildSa };

// ---- Initiator: offer
// ----------------------------------------------------------

// Proposals numbered from 1 in configuration order. A configuration that
// mixes AEAD and non-AEAD ciphers becomes two proposals (RFC 5282 section 8:
// AEAD ciphers never share a proposal with integrity algorithms), the kind of
// its first cipher first. `spi`: empty in IKE_SA_INIT, the initiator's new
// 8-octet SPI when rekeying the IKE SA. Invalid configurations are errors.
absl::StatusOr<std::vector<wire::Proposal>> IkeProposalsToWire(
    absl::Span<const IkeProposalConfig> configs, absl::Span<const uint8_t> spi);
// Same for ESP; `spi` is the initiator's 4-octet inbound SPI. KE transforms
// are included only for kCreateChildSa.
absl::StatusOr<std::vector<wire::Proposal>> EspProposalsToWire(
    absl::Span<const EspProposalConfig> configs, absl::Span<const uint8_t> spi,
    ChildSaExchange exchange);

// The inverse of ...ToWire for one proposal (e.g. to log or show what a peer
// offered). Refused or unsupported transforms are errors naming them.
absl::StatusOr<IkeProposalConfig> IkeProposalConfigFromWire(
    const wire::Proposal& proposal);
absl::StatusOr<EspProposalConfig> EspProposalConfigFromWire(
    const wire::Proposal& proposal);

// ---- Responder: choose
// -------------------------------------------------------

struct IkeSelection {
  wire::Proposal answer;  // the offered number, `spi`, one transform per type
  IkeSuite suite;
  // The other side's SPI from the chosen proposal: the initiator's new SPI
  // when the responder selects a rekey, the responder's in CheckIkeAnswer;
  // empty in IKE_SA_INIT.
  std::vector<uint8_t> peer_spi;
};
// `spi`: empty in IKE_SA_INIT, the responder's new 8-octet SPI for a rekey.
// `ke_payload_group`: the group of the request's KE payload. Within the
// chosen proposal that group is preferred over the initiator's first group
// when both sides accept it, which saves an INVALID_KE_PAYLOAD round trip;
// the choice of proposal itself stays in the initiator's order.
absl::StatusOr<IkeSelection> SelectIkeProposal(
    absl::Span<const IkeProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    std::optional<wire::KeyExchangeGroup> ke_payload_group = std::nullopt);
// The responder's whole choice for a request with a KE payload (IKE_SA_INIT,
// IKE SA rekey): SelectIkeProposal preferring the payload's group, then
// CheckKeyExchangeGroup. Errors carry NO_PROPOSAL_CHOSEN or, when the chosen
// proposal has no group in common with the payload, INVALID_KE_PAYLOAD with
// the group to use.
absl::StatusOr<IkeSelection> SelectIkeProposalForKe(
    absl::Span<const IkeProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    wire::KeyExchangeGroup ke_payload_group);

struct EspSelection {
  wire::Proposal answer;
  EspSuite suite;
  // The other side's SPI: from the chosen offer (SelectEspProposal) or from
  // the answer (CheckEspAnswer).
  std::vector<uint8_t> peer_spi;
};
// `spi`: the responder's 4-octet inbound SPI. `ke_payload_group`: as for
// SelectIkeProposal, the group of a CREATE_CHILD_SA KE payload.
absl::StatusOr<EspSelection> SelectEspProposal(
    absl::Span<const EspProposalConfig> local,
    absl::Span<const wire::Proposal> offered, absl::Span<const uint8_t> spi,
    ChildSaExchange exchange,
    std::optional<wire::KeyExchangeGroup> ke_payload_group = std::nullopt);

// ---- Initiator: check the answer
// -----------------------------------------------

// The answer must be exactly one proposal whose number names one of
// `offered`, with the same protocol, exactly one transform of each required
// type, each identical (ID and Key Length) to one in that offered proposal,
// and no other. Failures are NO_PROPOSAL_CHOSEN-style errors (the initiator
// then deletes the SA) naming the offending transform.
absl::StatusOr<IkeSelection> CheckIkeAnswer(
    absl::Span<const wire::Proposal> offered,
    absl::Span<const wire::Proposal> answer);
absl::StatusOr<EspSelection> CheckEspAnswer(
    absl::Span<const wire::Proposal> offered,
    absl::Span<const wire::Proposal> answer, ChildSaExchange exchange);

// ---- KE group
// ------------------------------------------------------------------

// The responder's check of the KE payload against the selected group: on
// mismatch, INVALID_KE_PAYLOAD carrying `selected` (RFC 7296 1.2, 1.3).
absl::Status CheckKeyExchangeGroup(crypto::KeyExchangeGroup selected,
                                   wire::KeyExchangeGroup received);
// The initiator's reading of an INVALID_KE_PAYLOAD notify: the 2-octet group
// must be one it offered (else the notify is bogus and must not be obeyed).
absl::StatusOr<crypto::KeyExchangeGroup> GroupFromInvalidKePayload(
    absl::Span<const uint8_t> notify_data,
    absl::Span<const wire::Proposal> offered);

// ---- Error notifies
// --------------------------------------------------------------

struct ErrorNotify {
  wire::NotifyType type = wire::NotifyType::kNoProposalChosen;
  std::vector<uint8_t> data;  // INVALID_KE_PAYLOAD: the group, 2 octets
};
// The notify a negotiation failure asks the state machine to send, or
// nullopt for statuses that carry none.
std::optional<ErrorNotify> ErrorNotifyOf(const absl::Status& status);
// Builds such statuses (exposed for the state machine's own checks).
absl::Status NoProposalChosenError(std::string reason);
absl::Status InvalidKePayloadError(crypto::KeyExchangeGroup preferred,
                                   std::string reason);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_PROPOSAL_NEGOTIATION_H_
