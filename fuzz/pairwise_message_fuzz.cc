// Pairwise-key control messages (keymgmt/pairwise/message.h): the strict
// parser, the encode/parse fixed point, and both engines' handling of
// whatever parses (a started device, a controller with the sender
// connected).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/time/time.h"
#include "crypto/random.h"
#include "keymgmt/pairwise/controller.h"
#include "keymgmt/pairwise/device.h"
#include "keymgmt/pairwise/message.h"

using namespace cygnet::keymgmt::pairwise;  // NOLINT: fuzz entry point

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> input(data, size);
  absl::StatusOr<Message> parsed = ParseMessage(input);
  if (parsed.ok()) {
    // What parses re-encodes, and the encoding parses to the same bytes.
    absl::StatusOr<std::vector<uint8_t>> again = EncodeMessage(*parsed);
    if (!again.ok()) abort();
    absl::StatusOr<Message> reparsed = ParseMessage(*again);
    if (!reparsed.ok()) abort();
    absl::StatusOr<std::vector<uint8_t>> third = EncodeMessage(*reparsed);
    if (!third.ok() || *third != *again) abort();
  }
  const absl::Time now = absl::FromUnixSeconds(1'000'000);
  cygnet::crypto::DeterministicRandom random(1);
  DeviceConfig config;
  config.system_ip = 0x0a010002;
  config.site_id = 101;
  config.security.pairwise_keying = true;
  DeviceTlocConfig tloc;
  tloc.color = Color::kLte;
  tloc.transport.address = cygnet::ipsec::IpAddress::V4(0x0aa80b03);
  config.tlocs.push_back(tloc);
  DeviceEngine device(config, random);
  if (!device.Start(now).ok()) abort();
  device.OnControllerMessage(input, now);
  device.OnTimer(now + absl::Seconds(30));

  ControllerEngine controller;
  controller.ConnectDevice(0x0a010002, 101, now);
  controller.ConnectDevice(0x0a010006, 101, now);
  controller.OnMessage(0x0a010002, input, now);
  controller.OnTimer(now + absl::Seconds(5));
  return 0;
}
