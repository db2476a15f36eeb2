#include "ike/engine/test_policy.h"

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crypto/secret_bytes.h"
#include "ipsec/traffic_selector.h"

namespace cygnet::ike {

IkePolicy PskTestPolicy(const std::string& name, const ipsec::IpAddress& local,
                        const ipsec::IpAddress& remote, absl::string_view psk,
                        crypto::KeyExchangeGroup ike_group) {
  IkePolicy policy;
  policy.name = name;
  policy.local_address = local;
  policy.remote_address = remote;
  policy.remote_prefix_length = 24;
  IkeProposalConfig ike;
  ike.encryption = {EncryptionAlgorithm::kAesCbc256};
  ike.integrity = {IntegrityAlgorithm::kHmacSha2_256_128};
  ike.prf = {crypto::PrfAlgorithm::kHmacSha256};
  ike.groups = {ike_group};
  policy.ike_proposals = {ike};
  EspProposalConfig esp;
  esp.encryption = {EncryptionAlgorithm::kAesCbc256};
  esp.integrity = {IntegrityAlgorithm::kHmacSha2_256_128};
  esp.pfs_groups = {crypto::KeyExchangeGroup::kEcp256};
  policy.esp_proposals = {esp};
  policy.local_identity = Identity::Address(local);
  policy.remote_identity.kind = RemoteIdentityRule::Kind::kAddress;
  policy.remote_identity.address = remote;
  policy.remote_identity.prefix_length = 24;
  auto secret = std::make_shared<const crypto::SecretBytes>(
      crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(psk.data()), psk.size())));
  policy.psk_lookup = [secret](const Identity&, const ipsec::IpAddress&)
      -> absl::StatusOr<crypto::SecretBytes> { return secret->Clone(); };
  policy.ike_lifetime = absl::Seconds(600);
  policy.child_lifetime = absl::Seconds(600);
  policy.local_selectors = {ipsec::TrafficSelector::Any(true)};
  policy.remote_selectors = {ipsec::TrafficSelector::Any(true)};
  return policy;
}

}  // namespace cygnet::ike
