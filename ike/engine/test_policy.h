// PskTestPolicy: the pre-shared-key IkePolicy that the engine's tests, the
// robustness tests and the engine fuzzer run with. Test-only.
//
// Seed 001's IKEv2 proposal (AES-CBC-256, HMAC-SHA-256-128, PRF HMAC-SHA-256)
// with the caller's key-exchange group, its transform set (esp-256-aes
// esp-hmac-sha-256, PFS group 19), 600-second IKE and CHILD_SA lifetimes,
// address identities with the peer's /24 accepted, and "any" traffic
// selectors. The key is held in one SecretBytes shared by every copy of the
// policy, so the secret-hygiene tests find no stray copies of it.
#ifndef CYGNET_IKE_ENGINE_TEST_POLICY_H_
#define CYGNET_IKE_ENGINE_TEST_POLICY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "crypto/key_exchange.h"
#include "ike/engine/ike_policy.h"
#include "ipsec/ip_address.h"

namespace cygnet::ike {

IkePolicy PskTestPolicy(const std::string& name, const ipsec::IpAddress& local,
                        const ipsec::IpAddress& remote, absl::string_view psk,
                        crypto::KeyExchangeGroup ike_group);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_ENGINE_TEST_POLICY_H_
