#include "keymgmt/pairwise/controller.h"

#include <vector>

#include "gtest/gtest.h"

namespace cygnet::keymgmt::pairwise {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'000'000);

TlocRecord Record(uint32_t ip, Color color, uint8_t slot, uint32_t generation,
                  uint32_t site) {
  TlocRecord r;
  r.id = TlocId{ip, color, Encapsulation::kIpsec};
  r.site_id = site;
  r.slot = slot;
  r.transport.address = ipsec::IpAddress::V4(0xc0000200u + ip % 256);
  r.generation = generation;
  r.pairwise = true;
  r.public_value.assign(32, static_cast<uint8_t>(ip + generation));
  r.nonce.assign(32, 7);
  r.symmetric_key = crypto::SecretBytes(kSymmetricKeySize);
  return r;
}

std::vector<uint8_t> Advertise(const TlocRecord& r) {
  Message m;
  m.type = MessageType::kAdvertise;
  m.record = r.Clone();
  return *EncodeMessage(m);
}

std::vector<Message> Parsed(const ControllerOutput& out, uint32_t to) {
  std::vector<Message> v;
  for (const ControllerSend& s : out.sends) {
    if (s.to_system_ip == to) v.push_back(*ParseMessage(s.bytes));
  }
  return v;
}

TEST(ControllerTest, AcknowledgesAndRelaysOnlyToAuthorizedPeers) {
  ControllerEngine c;
  Policy p;
  p.topology = Topology::kHubAndSpoke;
  p.hub_sites = {1};
  c.SetPolicy(p, kT0);
  c.ConnectDevice(1, 1, kT0);  // hub
  c.ConnectDevice(2, 2, kT0);
  c.ConnectDevice(3, 3, kT0);
  c.OnMessage(2, Advertise(Record(2, Color::kLte, 0, 1, 2)), kT0);
  ControllerOutput out =
      c.OnMessage(3, Advertise(Record(3, Color::kLte, 0, 1, 3)), kT0);
  std::vector<Message> to3 = Parsed(out, 3);
  ASSERT_EQ(to3.size(), 1u);
  EXPECT_EQ(to3[0].type, MessageType::kAdvertiseAck);
  EXPECT_GE(to3[0].tloc_index, kMinTlocIndex);
  EXPECT_TRUE(Parsed(out, 2).empty());  // spokes never learn each other
  out = c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  // The hub learns both spokes; both spokes learn the hub.
  EXPECT_EQ(Parsed(out, 1).size(), 3u);  // ack + 2 updates
  ASSERT_EQ(Parsed(out, 2).size(), 1u);
  EXPECT_EQ(Parsed(out, 2)[0].type, MessageType::kPeerUpdate);
  EXPECT_EQ(Parsed(out, 2)[0].authorized_slots, 0x01);
  EXPECT_EQ(c.RelayedSlots(2, TlocId{3, Color::kLte, Encapsulation::kIpsec}),
            0);
  EXPECT_EQ(c.RelayedSlots(2, TlocId{1, Color::kLte, Encapsulation::kIpsec}),
            1);
}

TEST(ControllerTest, RejectsSpoofedAndUnknownSenders) {
  ControllerEngine c;
  c.ConnectDevice(1, 1, kT0);
  c.ConnectDevice(2, 2, kT0);
  // Device 1 advertising device 2's TLOC, and a wrong site.
  EXPECT_TRUE(c.OnMessage(1, Advertise(Record(2, Color::kLte, 0, 1, 2)), kT0)
                  .sends.empty());
  EXPECT_TRUE(c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 9)), kT0)
                  .sends.empty());
  EXPECT_EQ(c.counters().spoofed, 2u);
  c.OnMessage(7, Advertise(Record(7, Color::kLte, 0, 1, 7)), kT0);
  EXPECT_EQ(c.counters().unknown_device, 1u);
  const std::vector<uint8_t> junk = {1, 1, 0, 5, 0};
  c.OnMessage(1, junk, kT0);
  EXPECT_EQ(c.counters().malformed, 1u);
  // Two TLOCs of one device cannot share a slot.
  c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  c.OnMessage(1, Advertise(Record(1, Color::kBlue, 0, 1, 1)), kT0);
  EXPECT_EQ(c.counters().spoofed, 3u);
}

TEST(ControllerTest, RetransmitsUntilAcknowledgedAndIgnoresStale) {
  ControllerConfig config;
  config.retransmit_interval = absl::Seconds(2);
  ControllerEngine c(config);
  c.ConnectDevice(1, 1, kT0);
  c.ConnectDevice(2, 2, kT0);
  c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  ControllerOutput out =
      c.OnMessage(2, Advertise(Record(2, Color::kLte, 0, 1, 2)), kT0);
  EXPECT_EQ(out.next_timer, kT0 + absl::Seconds(2));
  EXPECT_EQ(c.pending_count(), 2u);
  std::vector<Message> to2 = Parsed(out, 2);
  ASSERT_EQ(to2.size(), 2u);  // ack + relay of device 1's TLOC
  const Message& relay = to2[1];
  // Nothing acknowledged: both relays are sent again at the timer.
  out = c.OnTimer(kT0 + absl::Seconds(2));
  EXPECT_EQ(out.sends.size(), 2u);
  EXPECT_EQ(c.counters().retransmissions, 2u);
  // A stale acknowledgement does nothing; the right one clears the relay.
  Message ack;
  ack.type = MessageType::kPeerAck;
  ack.tloc = relay.record.id;
  ack.version = relay.version + 100;
  c.OnMessage(2, *EncodeMessage(ack), kT0);
  EXPECT_EQ(c.pending_count(), 2u);
  ack.version = relay.version;
  c.OnMessage(2, *EncodeMessage(ack), kT0);
  EXPECT_EQ(c.pending_count(), 1u);
  // An older generation of an advertisement is ignored; a retransmitted
  // current one is acknowledged again without a new fan-out.
  c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 2, 1)), kT0);
  out = c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  EXPECT_TRUE(out.sends.empty());
  EXPECT_EQ(c.counters().stale, 2u);  // the stale ack and this
  out = c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 2, 1)), kT0);
  ASSERT_EQ(out.sends.size(), 1u);
  EXPECT_EQ(ParseMessage(out.sends[0].bytes)->type, MessageType::kAdvertiseAck);
}

TEST(ControllerTest, BusyChannelDoesNotPostponeRetransmission) {
  ControllerEngine c;
  c.ConnectDevice(1, 1, kT0);
  c.ConnectDevice(2, 2, kT0);
  c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  ControllerOutput out =
      c.OnMessage(2, Advertise(Record(2, Color::kLte, 0, 1, 2)), kT0);
  const absl::Time armed = out.next_timer;
  ASSERT_EQ(armed, kT0 + absl::Seconds(2));
  // Retransmitted advertisements keep arriving; the timer stays put.
  for (int i = 1; i <= 3; ++i) {
    out = c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)),
                      kT0 + absl::Milliseconds(500 * i));
    EXPECT_EQ(out.next_timer, armed);
  }
  out = c.OnTimer(armed);
  EXPECT_EQ(out.sends.size(), 2u);
  EXPECT_EQ(out.next_timer, armed + absl::Seconds(2));
}

TEST(ControllerTest, WithdrawalsOnPolicyAndDeviceChange) {
  ControllerEngine c;
  c.ConnectDevice(1, 1, kT0);
  c.ConnectDevice(2, 2, kT0);
  c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  c.OnMessage(2, Advertise(Record(2, Color::kLte, 0, 1, 2)), kT0);
  const TlocId one{1, Color::kLte, Encapsulation::kIpsec};
  EXPECT_EQ(c.RelayedSlots(2, one), 1);
  Policy deny;
  PolicyRule rule;
  rule.a.system_ips = {1};
  rule.permit = false;
  deny.rules = {rule};
  ControllerOutput out = c.SetPolicy(deny, kT0);
  std::vector<Message> to2 = Parsed(out, 2);
  ASSERT_EQ(to2.size(), 1u);
  EXPECT_EQ(to2[0].type, MessageType::kPeerWithdraw);
  EXPECT_EQ(to2[0].tloc, one);
  EXPECT_EQ(c.RelayedSlots(2, one), 0);
  // Back to full mesh, then device 1 goes away: withdrawn again.
  c.SetPolicy(Policy(), kT0);
  EXPECT_EQ(c.RelayedSlots(2, one), 1);
  out = c.DisconnectDevice(1, kT0);
  to2 = Parsed(out, 2);
  ASSERT_EQ(to2.size(), 1u);
  EXPECT_EQ(to2[0].type, MessageType::kPeerWithdraw);
  // The TLOC's index survives a reconnect (SPIs stay stable).
  c.ConnectDevice(1, 1, kT0);
  out = c.OnMessage(1, Advertise(Record(1, Color::kLte, 0, 1, 1)), kT0);
  EXPECT_EQ(Parsed(out, 1)[0].tloc_index, kMinTlocIndex);
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
