#include "keymgmt/pairwise/sad_applier.h"

#include <memory>
#include <utility>

namespace cygnet::keymgmt::pairwise {

absl::Status SadApplier::Apply(DeviceAction& action, absl::Time now) {
  switch (action.kind) {
    case DeviceAction::Kind::kInstallSa: {
      SaInstall& in = action.install;
      ipsec::SaConfig c;
      c.spi = in.spi;
      c.direction = in.direction;
      c.mode = mode_;
      c.local_address = in.local_address;
      c.remote_address = in.remote_address;
      c.cipher = ipsec::EspCipher::kAesGcm256;
      c.integrity = ipsec::EspIntegrity::kNone;
      c.encryption_key = std::move(in.key);
      if (in.direction == ipsec::SaDirection::kInbound) {
        c.replay_window_size = in.replay_window;
      }
      c.lifetime.soft_bytes = in.rekey_bytes;
      c.sequence_soft_limit = in.sequence_soft_limit;
      c.udp_encapsulation =
          ipsec::UdpEncapsulation{in.local_port, in.remote_port};
      absl::StatusOr<ipsec::SecurityAssociation> sa =
          ipsec::SecurityAssociation::Create(std::move(c), now);
      if (!sa.ok()) return sa.status();
      auto shared =
          std::make_shared<ipsec::SecurityAssociation>(*std::move(sa));
      return in.direction == ipsec::SaDirection::kInbound
                 ? sad_.AddInbound(in.policy_id, std::move(shared))
                 : sad_.AddOutbound(in.policy_id, std::move(shared));
    }
    case DeviceAction::Kind::kSwitchOutbound:
      return sad_.SwitchOutbound(action.policy_id, action.switch_spi);
    case DeviceAction::Kind::kRemoveSa:
      return action.removal.direction == ipsec::SaDirection::kInbound
                 ? sad_.RemoveInbound(action.removal.spi,
                                      action.removal.local_address)
                 : sad_.RemoveOutbound(action.removal.policy_id,
                                       action.removal.spi);
    case DeviceAction::Kind::kSendToController:
    case DeviceAction::Kind::kEvent:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace cygnet::keymgmt::pairwise
