// Fuzzes the running-config parser (ike/config/parser.h) with the validator
// and identity lookups behind it. Properties checked beyond "no crash":
//   * lenient mode fails only for type 6 values that do not decrypt
//     (kPermissionDenied) -- every other bad line becomes a warning;
//   * whatever strict mode accepts, lenient mode accepts with the same
//     warnings;
//   * lookups on any parsed keyring answer OK, kNotFound or
//     kFailedPrecondition;
//   * rendering is a fixed point: the rendered text parses strictly and
//     renders to the same text (skipped when the input carries its own
//     `key config-key`, which the rendering never shows).
// The master key is the one the type 6 pinned vectors use, so corpus entries
// with `pre-shared-key 6 C6...` reach the decrypt-success path.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"
#include "ike/config/identity.h"
#include "ike/config/parser.h"
#include "ike/config/render.h"
#include "ike/config/validator.h"
#include "ipsec/ip_address.h"

namespace {

using cygnet::ike::config::FindPeerForInitiator;
using cygnet::ike::config::FindPeerForResponder;
using cygnet::ike::config::FindProfilesForRemote;
using cygnet::ike::config::ParseConfig;
using cygnet::ike::config::ParseOptions;
using cygnet::ike::config::PeerIdentity;

void Require(bool condition) {
  if (!condition) std::abort();
}

bool LookupStatusOk(const absl::Status& status) {
  return status.ok() || status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  static constexpr absl::string_view kMaster = "cygnet-config-key";
  cygnet::crypto::SecretBytes master =
      cygnet::crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
          reinterpret_cast<const uint8_t*>(kMaster.data()), kMaster.size()));

  ParseOptions strict_options;
  strict_options.master_key = &master;
  ParseOptions lenient_options = strict_options;
  lenient_options.lenient = true;

  auto strict = ParseConfig(text, strict_options);
  auto lenient = ParseConfig(text, lenient_options);
  Require(lenient.ok() ||
          lenient.status().code() == absl::StatusCode::kPermissionDenied);
  if (strict.ok()) {
    Require(lenient.ok());
    Require(lenient->warnings.size() == strict->warnings.size());
  }
  if (!lenient.ok()) return 0;

  const auto& config = lenient->config;
  (void)cygnet::ike::config::Validate(config);
  const PeerIdentity identities[] = {
      PeerIdentity::Fqdn("RouterA.example.com"),
      PeerIdentity::Fqdn("example.com"),
      PeerIdentity::Ipv4(cygnet::ipsec::IpAddress::V4(0xc6336415)),
      PeerIdentity::Ipv4(cygnet::ipsec::IpAddress::V4(0x0a0a0a01)),
  };
  for (const auto& keyring : config.keyrings) {
    for (const PeerIdentity& identity : identities) {
      Require(LookupStatusOk(
          FindPeerForResponder(keyring, identity,
                               cygnet::ipsec::IpAddress::V4(0x0a0a0a03))
              .status()));
      if (identity.type == PeerIdentity::Type::kIpv4Address) {
        Require(LookupStatusOk(
            FindPeerForInitiator(keyring, identity.address).status()));
      }
    }
  }
  for (const PeerIdentity& identity : identities) {
    (void)FindProfilesForRemote(config, identity);
  }
  for (const auto& policy : config.policies) {
    (void)config.EffectiveProposals(policy);
  }
  (void)cygnet::ike::config::RenderRunningConfig(config);
  if (!config.global.config_key_present) {
    cygnet::ike::config::RenderOptions render;
    render.include_clear_secrets = true;
    std::string rendered =
        cygnet::ike::config::RenderRunningConfig(config, render);
    auto again = ParseConfig(rendered, strict_options);
    Require(again.ok());
    Require(cygnet::ike::config::RenderRunningConfig(again->config, render) ==
            rendered);
  }
  return 0;
}
