// The device engine against a real controller engine over a lossless,
// in-order channel the test drives step by step, with each device's SAs in
// an ipsec::SaDatabase: the seed's key and rekey rules one by one.
#include "keymgmt/pairwise/device.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "crypto/random.h"
#include "gtest/gtest.h"
#include "ipsec/sa_database.h"
#include "keymgmt/pairwise/controller.h"
#include "keymgmt/pairwise/sad_applier.h"
#include "keymgmt/pairwise/show.h"

namespace cygnet::keymgmt::pairwise {
namespace {

using Kind = DeviceAction::Kind;

class Network {
 public:
  explicit Network(int devices, std::vector<bool> pairwise = {}, int tlocs = 1)
      : random_(7) {
    for (int d = 0; d < devices; ++d) {
      DeviceConfig c;
      c.system_ip = 0x0a010001u + d;
      c.site_id = 100 + d;
      c.security.pairwise_keying = pairwise.empty() || pairwise[d];
      for (int t = 0; t < tlocs; ++t) {
        DeviceTlocConfig tloc;
        tloc.color = t == 0 ? Color::kLte : Color::kBlue;
        tloc.transport.address = ipsec::IpAddress::V4(0xc0a80000u + 16 * d + t);
        c.tlocs.push_back(tloc);
      }
      auto node = std::make_unique<Node>();
      node->engine = std::make_unique<DeviceEngine>(c, random_);
      node->applier =
          std::make_unique<SadApplier>(node->sad, ipsec::SaMode::kTunnel);
      nodes_.push_back(std::move(node));
    }
  }
  void Start() {
    for (size_t d = 0; d < nodes_.size(); ++d) {
      Controller(controller_.ConnectDevice(ip(d), 100 + d, now_));
      Apply(d, *nodes_[d]->engine->Start(now_));
    }
    Deliver();
  }
  uint32_t ip(size_t d) const { return 0x0a010001u + static_cast<uint32_t>(d); }
  DeviceEngine& dev(size_t d) { return *nodes_[d]->engine; }
  ipsec::SaDatabase& sad(size_t d) { return nodes_[d]->sad; }
  ControllerEngine& controller() { return controller_; }
  absl::Time now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

  void Apply(size_t d, DeviceOutput out) {
    last_actions_[d].clear();
    for (DeviceAction& a : out.actions) {
      last_actions_[d].push_back(a.kind);
      if (a.kind == Kind::kSendToController) {
        to_controller_.push_back({d, a.message});
      } else {
        absl::Status s = nodes_[d]->applier->Apply(a, now_);
        EXPECT_TRUE(s.ok()) << "device " << d << ": " << s;
      }
    }
  }
  void Controller(ControllerOutput out) {
    for (ControllerSend& s : out.sends) {
      to_device_.push_back({s.to_system_ip - 0x0a010001u, s.bytes});
    }
  }
  // Delivers until both directions are empty.
  void Deliver() {
    while (!to_controller_.empty() || !to_device_.empty()) {
      while (!to_controller_.empty()) {
        auto [d, bytes] = to_controller_.front();
        to_controller_.pop_front();
        Controller(controller_.OnMessage(ip(d), bytes, now_));
      }
      while (!to_device_.empty()) {
        auto [d, bytes] = to_device_.front();
        to_device_.pop_front();
        Apply(d, nodes_[d]->engine->OnControllerMessage(bytes, now_));
      }
    }
  }
  // Delivers only the device -> controller messages, holding relays back.
  void DeliverToControllerOnly() {
    while (!to_controller_.empty()) {
      auto [d, bytes] = to_controller_.front();
      to_controller_.pop_front();
      Controller(controller_.OnMessage(ip(d), bytes, now_));
    }
  }
  size_t held_relays() const { return to_device_.size(); }
  void DropToController() { to_controller_.clear(); }
  // One packet from device `from` slot 0 to device `to` slot 0 through the
  // SAD: the receiver learns which SPI it arrived on. Returns the SPI, or 0
  // when no SA could carry it.
  uint32_t Packet(size_t from, size_t to, uint8_t from_slot = 0,
                  uint8_t to_slot = 0) {
    const DeviceEngine::LocalView remote = dev(to).Locals()[to_slot];
    auto out = sad(from).LookupOutbound(PairPolicyId(from_slot, remote.id));
    if (out == nullptr) return 0;
    auto in = sad(to).LookupInbound(out->spi(), remote.transport.address);
    if (in == nullptr) return 0;
    // Same key at both ends (the fingerprints are of the SA keys).
    if (in->encryption_key_fingerprint() != out->encryption_key_fingerprint()) {
      return 0;
    }
    Apply(to, dev(to).OnInboundPacket(out->spi(), now_));
    return out->spi();
  }
  void Timers() {
    for (size_t d = 0; d < nodes_.size(); ++d) Apply(d, dev(d).OnTimer(now_));
    Controller(controller_.OnTimer(now_));
    Deliver();
  }
  const std::vector<Kind>& last_actions(size_t d) { return last_actions_[d]; }

 private:
  struct Node {
    std::unique_ptr<DeviceEngine> engine;
    ipsec::SaDatabase sad;
    std::unique_ptr<SadApplier> applier;
  };
  crypto::DeterministicRandom random_;
  absl::Time now_ = absl::FromUnixSeconds(1'000'000);
  std::vector<std::unique_ptr<Node>> nodes_;
  ControllerEngine controller_;
  std::deque<std::pair<size_t, std::vector<uint8_t>>> to_controller_;
  std::deque<std::pair<size_t, std::vector<uint8_t>>> to_device_;
  std::map<size_t, std::vector<Kind>> last_actions_;
};

TEST(DeviceTest, BootstrapGivesMirroredKeysOnBothEnds) {
  Network net(2);
  net.Start();
  ASSERT_EQ(net.dev(0).pair_count(), 1u);
  ASSERT_EQ(net.dev(1).pair_count(), 1u);
  const auto a = net.dev(0).Pairs()[0];
  const auto b = net.dev(1).Pairs()[0];
  ASSERT_TRUE(a.pairwise);
  ASSERT_EQ(a.combos.size(), 1u);
  ASSERT_EQ(b.combos.size(), 1u);
  EXPECT_EQ(a.combos[0].encrypt_key_hash, b.combos[0].decrypt_key_hash);
  EXPECT_EQ(a.combos[0].decrypt_key_hash, b.combos[0].encrypt_key_hash);
  EXPECT_EQ(a.combos[0].shared_secret_hash, b.combos[0].shared_secret_hash);
  EXPECT_EQ(a.combos[0].outbound_spi, b.combos[0].inbound_spi);
  EXPECT_NE(net.Packet(0, 1), 0u);
  EXPECT_NE(net.Packet(1, 0), 0u);
  EXPECT_TRUE(net.dev(0).converged());
  EXPECT_TRUE(net.dev(1).converged());
  // One inbound SA, one outbound SA per end.
  EXPECT_EQ(net.sad(0).inbound_size(), 1u);
  EXPECT_EQ(net.sad(0).outbound_size(), 1u);
}

TEST(DeviceTest, RekeyFollowsTheSeedOrder) {
  Network net(2);
  net.Start();
  net.Packet(0, 1);
  net.Packet(1, 0);
  const uint32_t old_spi_01 = net.dev(0).Pairs()[0].outbound_spi;
  const uint32_t old_spi_10 = net.dev(1).Pairs()[0].outbound_spi;

  // 1. A new DH pair; new inbound SAs installed before publishing.
  net.Apply(0, net.dev(0).Rekey(std::nullopt, net.now()));
  const std::vector<Kind>& acts = net.last_actions(0);
  auto install = std::find(acts.begin(), acts.end(), Kind::kInstallSa);
  auto send = std::find(acts.begin(), acts.end(), Kind::kSendToController);
  ASSERT_NE(install, acts.end());
  ASSERT_NE(send, acts.end());
  EXPECT_LT(install - acts.begin(), send - acts.begin());
  EXPECT_EQ(net.dev(0).Locals()[0].generation, 2u);
  EXPECT_EQ(net.dev(0).Pairs()[0].combos.size(), 2u);
  // The rekeying device keeps sending on the old SA.
  EXPECT_EQ(net.dev(0).Pairs()[0].outbound_spi, old_spi_01);
  EXPECT_EQ(net.Packet(0, 1), old_spi_01);

  // 2. The peer learns the new value: inbound and outbound rekey at once.
  net.Deliver();
  const auto peer = net.dev(1).Pairs()[0];
  EXPECT_EQ(peer.combos.size(), 2u);
  EXPECT_NE(peer.outbound_spi, old_spi_10);
  // The rekeying device has still not moved...
  EXPECT_EQ(net.dev(0).Pairs()[0].outbound_spi, old_spi_01);
  // 3. ...until the first packet under the new SPI from that peer.
  EXPECT_EQ(net.Packet(1, 0), peer.outbound_spi);
  const uint32_t new_spi_01 = net.dev(0).Pairs()[0].outbound_spi;
  EXPECT_NE(new_spi_01, old_spi_01);
  EXPECT_EQ(net.Packet(0, 1), new_spi_01);

  // 4. Old SAs retired after the grace period; one SA pair remains.
  EXPECT_FALSE(net.dev(0).converged());
  net.Advance(absl::Seconds(11));
  net.Timers();
  EXPECT_EQ(net.dev(0).Pairs()[0].combos.size(), 1u);
  EXPECT_EQ(net.dev(1).Pairs()[0].combos.size(), 1u);
  EXPECT_TRUE(net.dev(0).converged());
  EXPECT_TRUE(net.dev(1).converged());
  EXPECT_EQ(net.dev(0).counters().rekeys_completed, 1u);
  EXPECT_EQ(net.sad(0).inbound_size(), 1u);
  EXPECT_EQ(net.sad(1).inbound_size(), 1u);
  EXPECT_NE(net.Packet(0, 1), 0u);
  EXPECT_NE(net.Packet(1, 0), 0u);
}

TEST(DeviceTest, SimultaneousRekeyPeaksAtFourPairsAndConverges) {
  Network net(2);
  net.Start();
  net.Packet(0, 1);
  net.Packet(1, 0);
  net.Apply(0, net.dev(0).Rekey(std::nullopt, net.now()));
  net.Apply(1, net.dev(1).Rekey(std::nullopt, net.now()));
  net.Deliver();
  EXPECT_EQ(net.dev(0).MaxSaPairsPerPair(), 4u);
  EXPECT_EQ(net.dev(1).MaxSaPairsPerPair(), 4u);
  EXPECT_EQ(net.sad(0).inbound_size(), 4u);
  // Traffic flows throughout; each packet proves a generation.
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(net.Packet(0, 1), 0u);
    ASSERT_NE(net.Packet(1, 0), 0u);
  }
  net.Advance(absl::Seconds(11));
  net.Timers();
  EXPECT_EQ(net.dev(0).MaxSaPairsPerPair(), 1u);
  EXPECT_TRUE(net.dev(0).converged());
  EXPECT_TRUE(net.dev(1).converged());
  const auto a = net.dev(0).Pairs()[0];
  EXPECT_EQ(a.combos[0].own_generation, 2u);
  EXPECT_EQ(a.combos[0].peer_generation, 2u);
  EXPECT_NE(net.Packet(0, 1), 0u);
}

TEST(DeviceTest, RekeyDuringRekeyWaitsAndBoundHolds) {
  Network net(2);
  net.Start();
  net.Packet(0, 1);
  net.Packet(1, 0);
  net.Apply(0, net.dev(0).Rekey(std::nullopt, net.now()));
  net.Apply(0, net.dev(0).Rekey(std::nullopt, net.now()));
  EXPECT_EQ(net.dev(0).counters().rekeys_deferred, 1u);
  EXPECT_EQ(net.dev(0).Locals()[0].generation, 2u);
  net.Deliver();
  net.Packet(1, 0);
  net.Packet(0, 1);
  net.Advance(absl::Seconds(11));
  net.Timers();  // first rekey completes, the deferred one starts
  EXPECT_EQ(net.dev(0).Locals()[0].generation, 3u);
  EXPECT_LE(net.dev(0).MaxSaPairsPerPair(), 4u);
  net.Packet(1, 0);
  net.Packet(0, 1);
  net.Advance(absl::Seconds(11));
  net.Timers();
  EXPECT_TRUE(net.dev(0).converged());
  EXPECT_EQ(net.dev(0).counters().rekeys_completed, 2u);
}

TEST(DeviceTest, TimeVolumeAndCounterTriggers) {
  Network net(2);
  net.Start();
  net.Packet(0, 1);
  net.Packet(1, 0);
  // Time: rekey_interval (3600 s default) after the generation was made.
  net.Advance(absl::Seconds(3599));
  net.Timers();
  EXPECT_EQ(net.dev(0).counters().rekeys_started, 0u);
  net.Advance(absl::Seconds(1));
  net.Apply(0, net.dev(0).OnTimer(net.now()));
  EXPECT_EQ(net.dev(0).counters().rekeys_started, 1u);
  // Volume / AES-GCM counter: the SA's soft limit event names the SA.
  const uint64_t policy = PairPolicyId(0, net.dev(0).Locals()[0].id);
  net.Apply(1, net.dev(1).OnOutboundSaRekeyEvent(policy, net.now()));
  EXPECT_EQ(net.dev(1).counters().rekeys_started, 1u);
  const uint32_t inbound = net.dev(1).Pairs()[0].combos[0].inbound_spi;
  net.Apply(1, net.dev(1).OnInboundSaRekeyEvent(inbound, net.now()));
  EXPECT_EQ(net.dev(1).counters().rekeys_deferred, 1u);
  EXPECT_EQ(net.dev(1).OnOutboundSaRekeyEvent(12345, net.now()).actions.size(),
            0u);
}

TEST(DeviceTest, CoexistsWithANonPairwiseDevice) {
  Network net(2, {true, false});
  net.Start();
  const auto a = net.dev(0).Pairs()[0];
  const auto c = net.dev(1).Pairs()[0];
  EXPECT_FALSE(a.pairwise);
  EXPECT_FALSE(c.pairwise);
  // Each sender encrypts with the receiver's one symmetric key.
  EXPECT_EQ(a.peer_symmetric_key_hash,
            net.dev(1).Locals()[0].symmetric_key_hash);
  EXPECT_EQ(c.peer_symmetric_key_hash,
            net.dev(0).Locals()[0].symmetric_key_hash);
  EXPECT_NE(net.Packet(0, 1), 0u);
  EXPECT_NE(net.Packet(1, 0), 0u);
  EXPECT_TRUE(net.dev(0).converged());
  // The classic device rekeys its key: new inbound SA first, the pairwise
  // device moves to it as soon as it learns it, the old one is retired
  // after the first packet under the new key plus grace.
  net.Apply(1, net.dev(1).Rekey(std::nullopt, net.now()));
  EXPECT_EQ(net.dev(1).Pairs()[0].symmetric_inbound_spis.size(), 2u);
  net.Deliver();
  const uint32_t spi = net.Packet(0, 1);
  EXPECT_EQ(spi, net.dev(1).Pairs()[0].symmetric_inbound_spis.back());
  net.Advance(absl::Seconds(11));
  net.Timers();
  EXPECT_EQ(net.dev(1).Pairs()[0].symmetric_inbound_spis.size(), 1u);
  EXPECT_TRUE(net.dev(1).converged());
  EXPECT_NE(net.Packet(0, 1), 0u);
}

TEST(DeviceTest, PolicyChangeRevokesKeysAndSas) {
  Network net(3);
  net.Start();
  EXPECT_EQ(net.dev(1).pair_count(), 2u);
  Policy hub;
  hub.topology = Topology::kHubAndSpoke;
  hub.hub_sites = {100};  // device 0
  net.Controller(net.controller().SetPolicy(hub, net.now()));
  net.Deliver();
  // Spokes 1 and 2 lose each other, keep the hub.
  EXPECT_EQ(net.dev(1).pair_count(), 1u);
  EXPECT_EQ(net.dev(2).pair_count(), 1u);
  EXPECT_EQ(net.dev(0).pair_count(), 2u);
  EXPECT_EQ(net.sad(1).inbound_size(), 1u);
  EXPECT_EQ(net.sad(1).outbound_size(), 1u);
  EXPECT_EQ(net.Packet(1, 2), 0u);
  EXPECT_NE(net.Packet(1, 0), 0u);
  // Dynamic full mesh: a spoke asks for an on-demand tunnel.
  hub.topology = Topology::kDynamicFullMesh;
  net.Controller(net.controller().SetPolicy(hub, net.now()));
  net.Deliver();
  EXPECT_EQ(net.dev(1).pair_count(), 1u);
  net.Apply(1, net.dev(1).Demand(net.ip(2), net.now()));
  net.Deliver();
  EXPECT_EQ(net.dev(1).pair_count(), 2u);
  EXPECT_EQ(net.dev(2).pair_count(), 2u);
  // A device going away is withdrawn from everyone.
  net.Controller(net.controller().DisconnectDevice(net.ip(0), net.now()));
  net.Deliver();
  EXPECT_EQ(net.dev(1).pair_count(), 1u);
  EXPECT_EQ(net.dev(2).pair_count(), 1u);
}

TEST(DeviceTest, ShutdownRemovesSasAndWithdrawsFromPeers) {
  Network net(3);
  net.Start();
  ASSERT_EQ(net.dev(1).pair_count(), 2u);
  net.Apply(0, net.dev(0).Shutdown(net.now()));
  EXPECT_EQ(net.dev(0).pair_count(), 0u);
  EXPECT_EQ(net.sad(0).inbound_size(), 0u);
  EXPECT_EQ(net.sad(0).outbound_size(), 0u);
  // The Withdraw is lost: it is sent again at the retransmit timer.
  net.DropToController();
  net.Advance(absl::Seconds(2));
  net.Apply(0, net.dev(0).OnTimer(net.now()));
  net.Deliver();
  EXPECT_EQ(net.dev(1).pair_count(), 1u);
  EXPECT_EQ(net.dev(2).pair_count(), 1u);
  EXPECT_EQ(net.sad(1).inbound_size(), 1u);
  // Acknowledged: nothing more to send, and commands are ignored.
  EXPECT_EQ(net.dev(0).OnTimer(net.now() + absl::Seconds(10)).actions.size(),
            0u);
  EXPECT_TRUE(net.dev(0).Rekey(std::nullopt, net.now()).actions.empty());
}

TEST(DeviceTest, ColorRestrictionLimitsSlots) {
  Network net(2, {}, 2);
  Policy p;
  p.restrict_color = true;
  net.Controller(net.controller().SetPolicy(p, net.now()));
  net.Start();
  // lte-lte and blue-blue only.
  EXPECT_EQ(net.dev(0).pair_count(), 2u);
  for (const auto& pair : net.dev(0).Pairs()) {
    EXPECT_EQ(pair.local.color, pair.remote.color);
  }
}

TEST(DeviceTest, StaleAndDuplicateRelays) {
  Network net(2);
  // Capture a relay to device 1 by running the bootstrap by hand.
  net.Controller(net.controller().ConnectDevice(net.ip(0), 100, net.now()));
  net.Controller(net.controller().ConnectDevice(net.ip(1), 101, net.now()));
  net.Apply(0, *net.dev(0).Start(net.now()));
  net.Apply(1, *net.dev(1).Start(net.now()));
  net.Deliver();
  ASSERT_EQ(net.dev(1).pair_count(), 1u);
  // An older generation relayed with an older version is ignored.
  Message old;
  old.type = MessageType::kPeerWithdraw;
  old.tloc = net.dev(0).Locals()[0].id;
  old.version = 1;
  auto out = net.dev(1).OnControllerMessage(*EncodeMessage(old), net.now());
  EXPECT_EQ(net.dev(1).counters().stale, 1u);
  EXPECT_EQ(net.dev(1).pair_count(), 1u);
  EXPECT_TRUE(out.actions.empty());
  // Garbage is counted, never fatal.
  std::vector<uint8_t> junk = {1, 5, 0, 4};
  net.dev(1).OnControllerMessage(junk, net.now());
  EXPECT_EQ(net.dev(1).counters().malformed, 1u);
}

TEST(DeviceTest, LostAdvertisementIsRetransmitted) {
  Network net(2);
  net.Controller(net.controller().ConnectDevice(net.ip(0), 100, net.now()));
  DeviceOutput first = *net.dev(0).Start(net.now());
  EXPECT_EQ(first.next_timer, net.now() + absl::Seconds(2));
  // Drop it; at the timer the same generation is sent again.
  net.Advance(absl::Seconds(2));
  DeviceOutput again = net.dev(0).OnTimer(net.now());
  ASSERT_EQ(again.actions.size(), 1u);
  EXPECT_EQ(again.actions[0].kind, Kind::kSendToController);
  EXPECT_EQ(ParseMessage(again.actions[0].message)->record.generation, 1u);
}

TEST(DeviceTest, ShowOutputsUseShortHashesNeverKeys) {
  Network net(2, {true, false}, 1);
  net.Start();
  Network pw(2);
  pw.Start();
  const std::string out = ShowPwkOutboundConnections(pw.dev(0));
  EXPECT_NE(out.find("REMOTE PWK-SPI"), std::string::npos);
  EXPECT_NE(out.find("10.1.0.2"), std::string::npos);
  const auto pair = pw.dev(0).Pairs()[0];
  const std::string e_key =
      absl::AsciiStrToUpper(pair.combos[0].encrypt_key_hash.substr(0, 4));
  EXPECT_NE(out.find(e_key), std::string::npos);
  const std::string in = ShowPwkInboundConnections(pw.dev(0));
  EXPECT_NE(in.find("D-KEY HASH"), std::string::npos);
  const std::string local = ShowPwkLocalSa(pw.dev(0));
  EXPECT_NE(local.find("TLOC-ADDRESS"), std::string::npos);
  EXPECT_NE(local.find("lte"), std::string::npos);
  // A non-pairwise peer has no PWK-SPI, public key, nonce or shared secret.
  const std::string classic = ShowPwkOutboundConnections(net.dev(0));
  EXPECT_NE(classic.find("00000000"), std::string::npos);
  EXPECT_NE(ShowSecurityInfo(pw.dev(0)).find("pairwise-keying Enabled"),
            std::string::npos);
  EXPECT_NE(ShowSecurityInfo(net.dev(1)).find("pairwise-keying Disabled"),
            std::string::npos);
}

}  // namespace
}  // namespace cygnet::keymgmt::pairwise
