#include "ipsec/sad_decapsulation.h"

namespace cygnet::ipsec {

absl::Status DecapsulateFromSad(const SaDatabase& sad, PacketBuffer& packet,
                                DecapsulationCounters& counters,
                                Decapsulated* out,
                                std::shared_ptr<SecurityAssociation>* held) {
  held->reset();
  return Decapsulate(
      [&sad, held](uint32_t spi, const IpAddress& destination) {
        *held = sad.LookupInbound(spi, destination);
        return held->get();
      },
      packet, counters, out);
}

}  // namespace cygnet::ipsec
