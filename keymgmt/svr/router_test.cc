#include "keymgmt/svr/router.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "keymgmt/svr/messages.h"
#include "keymgmt/svr/packet.h"
#include "keymgmt/svr/show.h"
#include "keymgmt/svr/simulation.h"

namespace cygnet::keymgmt::svr {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

SvrSimulation::Options FastOptions(uint64_t seed) {
  SvrSimulation::Options o;
  o.seed = seed;
  o.config.peer_key_retransmit_interval_seconds = 5;
  o.config.peer_key_timeout_seconds = 60;
  return o;
}

std::unique_ptr<SvrSimulation> TwoRouters(SvrSimulation::Options o,
                                          int paths = 2) {
  auto sim =
      SvrSimulation::Create(o,
                            {SvrSimulation::Router("headend", "headend-alias"),
                             SvrSimulation::Router("branch", "branch-alias")},
                            {{"headend", "branch", paths}});
  EXPECT_TRUE(sim.ok()) << sim.status();
  return sim.ok() ? std::move(*sim) : nullptr;
}

TEST(SvrRouterTest, TwoRoutersConvergeToMkeyExchComp) {
  auto sim = TwoRouters(FastOptions(1));
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  for (const std::string name : {"headend", "branch"}) {
    std::vector<PeerStatus> peers = sim->router(name).Peers(sim->now());
    ASSERT_EQ(peers.size(), 1u);
    const PeerStatus& p = peers[0];
    EXPECT_TRUE(p.have_peer_key);
    EXPECT_EQ(p.local_metadata_index, 1u);
    EXPECT_EQ(p.remote_metadata_index, 1u);
    EXPECT_EQ(p.certificate.grade, CertificateGrade::kValid);
    ASSERT_EQ(p.paths.size(), 2u);
    for (const PathStatus& path : p.paths) {
      EXPECT_EQ(path.state, SecurityState::kMetadataKeyExchangeComplete);
      EXPECT_TRUE(path.in_service);
      EXPECT_TRUE(path.cert_rec && path.cert_ack && path.salt_rec &&
                  path.salt_ack && path.key_rec && path.key_ack);
    }
  }
  // Both ends hold the same peer key and see each other's salts.
  auto h = sim->router("headend").Peers(sim->now())[0];
  auto b = sim->router("branch").Peers(sim->now())[0];
  EXPECT_EQ(h.peer_key_fingerprint, b.peer_key_fingerprint);
  EXPECT_EQ(h.peer_key_id, b.peer_key_id);
  EXPECT_EQ(h.local_salt, b.remote_salt);
  EXPECT_EQ(h.remote_salt, b.local_salt);
  EXPECT_EQ(sim->router("headend").counters().bfd_authentication_failed, 0u);
}

TEST(SvrRouterTest, EveryKeyExchangeAlgorithmConverges) {
  for (KeyExchangeAlgorithm alg :
       {KeyExchangeAlgorithm::kEcdhP256, KeyExchangeAlgorithm::kEcdhP521,
        KeyExchangeAlgorithm::kX25519, KeyExchangeAlgorithm::kModp2048}) {
    SvrSimulation::Options o = FastOptions(20);
    o.config.key_exchange_algorithm = alg;
    auto sim = TwoRouters(o, 1);
    ASSERT_NE(sim, nullptr);
    EXPECT_TRUE(sim->RunUntilConverged(absl::Minutes(1)))
        << static_cast<int>(alg);
    EXPECT_EQ(sim->router("headend").Peers(sim->now())[0].peer_key_fingerprint,
              sim->router("branch").Peers(sim->now())[0].peer_key_fingerprint);
  }
}

TEST(SvrRouterTest, ShowOutputsFollowTheSeedLayout) {
  auto sim = TwoRouters(FastOptions(2));
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& r = sim->router("headend");
  const absl::Time now = sim->now();
  std::string peers = ShowPeersSecurity(r, now);
  for (const char* line :
       {"\u2714 Retrieving peer paths...", "==============\nPeer: branch\n",
        "Node: headend-1\n", "Network Interface: wan0\n",
        "Network Interface: wan1\n", "Destination: 172.16.1.2\n",
        "Status: up\n", "Hostname: unavailable\n", "Path Mtu: unavailable\n",
        "Security Status: MKEY_EXCH_COMP\n", "Key Index: 1\n", "Peer Ki: 1\n",
        "Cert Rec: True\n", "Cert Ack: True\n", "Salt Rec: True\n",
        "Salt Ack: True\n", "Key Rec: True\n", "Key Ack: True\n"}) {
    EXPECT_TRUE(absl::StrContains(peers, line)) << line << "\n" << peers;
  }
  std::string status = ShowSecurityKeyStatus(r, now);
  for (const char* line :
       {"================================================\nheadend-1\n",
        "Key Manager State: Active Leader\n", "Rekey Index: 1\n",
        "Key Change Count: 1\n", "Config Key Change Count: 0\n",
        "Key Change Error: none\n", "Metadata Rekey Index: 1\n",
        "\nNext Rekey: 24 hrs 0 min", "Metadata Next Rekey: 23 hrs 59 min"}) {
    EXPECT_TRUE(absl::StrContains(status, line)) << line << "\n" << status;
  }
  std::string table = ShowSecurityAssociations(r, "", false, now);
  EXPECT_TRUE(absl::StrContains(
      table,
      "Peer           Peer Name   Node    Network Interface   Destination "
      "     Status"))
      << table;
  EXPECT_TRUE(absl::StrContains(table, " branch      headend-1 wan0 "))
      << table;
  std::string detail = ShowSecurityAssociations(r, "branch", true, now);
  for (const char* line :
       {"Retrieving security associations...\n", "Peer Name: branch\n",
        "State: UP\n", "Peer Certificate: Valid\n", "Public Key: Valid\n",
        "Local salt: ", ", Remote salt: ", "Peer Key Rekey In: 24 hrs 0 min",
        "Peer Rekey Count: 1\n", "Metadata Key Rekey In: 23 hrs",
        "Local Metadata Key Index: 1 (1), Remote Metadata Key Index: 1 (1)"}) {
    EXPECT_TRUE(absl::StrContains(detail, line)) << line << "\n" << detail;
  }
  EXPECT_TRUE(absl::StrContains(
      ShowSecurityAssociations(r, "nobody", true, now), "not found"));
}

TEST(SvrRouterTest, RegenerateIncrementsIndexAndPeersFollow) {
  auto sim = TwoRouters(FastOptions(3));
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  int flow =
      sim->AddFlow({"branch", "headend"}, absl::Seconds(1), absl::Minutes(10));
  sim->RunFor(absl::Seconds(10));
  sim->Apply("headend",
             sim->router("headend").RegenerateMetadataKey(sim->now()));
  EXPECT_EQ(sim->router("headend").metadata_key_index(), 2u);
  // Mid-rotation: paths stay in service, both keys are live.
  EXPECT_TRUE(sim->AllPathsInService());
  sim->RunFor(absl::Seconds(5));
  auto p = sim->router("branch").Peers(sim->now())[0];
  EXPECT_EQ(p.remote_metadata_index, 2u);
  EXPECT_EQ(p.remote_metadata_keys, 2);
  sim->RunFor(absl::Minutes(2));
  auto status = sim->router("headend").KeyStatus(sim->now());
  EXPECT_EQ(status[0].config_key_change_count, 1u);
  EXPECT_EQ(status[0].metadata_rekey_index, 2u);
  EXPECT_EQ(sim->flow(flow).failed, 0u) << sim->flow(flow).last_error;
  EXPECT_GT(sim->flow(flow).delivered, 100u);
  EXPECT_EQ(sim->flow(flow).skipped, 0u);
  // Keep the snapshot alive: a range-for over a member of a temporary
  // dangles (found by ASan).
  std::vector<PeerStatus> peers = sim->router("headend").Peers(sim->now());
  ASSERT_FALSE(peers.empty());
  for (const PathStatus& path : peers[0].paths) {
    EXPECT_TRUE(path.key_ack);
    EXPECT_EQ(path.state, SecurityState::kMetadataKeyExchangeComplete);
  }
}

// A packet from branch to headend, and the receiver.
struct PacketFixture {
  std::unique_ptr<SvrSimulation> sim;
  uint32_t session = 0;
  std::vector<uint8_t> first, second;
};

PacketFixture MakePackets(uint64_t seed) {
  PacketFixture f;
  f.sim = TwoRouters(FastOptions(seed), 1);
  EXPECT_TRUE(f.sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = f.sim->router("branch");
  auto id = branch.OpenSession("headend", Bytes("10.1.1.1:1->10.2.2.2:2"),
                               f.sim->now());
  EXPECT_TRUE(id.ok()) << id.status();
  f.session = *id;
  f.first = *branch.SendPacket(f.session, Bytes("one"), f.sim->now());
  f.second = *branch.SendPacket(f.session, Bytes("two"), f.sim->now());
  return f;
}

// RouterOptions::max_sessions bounds the receive sessions a peer's first
// packets can create; packets of existing sessions still pass.
TEST(SvrRouterTest, SessionLimitRefusesNewSessionsOnly) {
  SvrSimulation::Options o = FastOptions(31);
  o.max_sessions = 2;
  auto sim = TwoRouters(o, 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = sim->router("branch");
  SvrRouter& headend = sim->router("headend");
  // The limit holds per direction, so the branch closes its second send
  // session before it opens a third; the headend still has two.
  std::vector<uint32_t> sessions;
  for (int i = 0; i < 3; ++i) {
    if (i == 2) branch.CloseSession(sessions[1]);
    auto id = branch.OpenSession("headend", Bytes("md"), sim->now());
    ASSERT_TRUE(id.ok()) << id.status();
    sessions.push_back(*id);
    if (i == 2) break;
    auto packet = branch.SendPacket(sessions[i], Bytes("x"), sim->now());
    ASSERT_TRUE(packet.ok());
    EXPECT_TRUE(headend.ReceivePacket("branch", *packet, sim->now()).ok());
  }
  auto third = branch.SendPacket(sessions[2], Bytes("x"), sim->now());
  ASSERT_TRUE(third.ok());
  auto refused = headend.ReceivePacket("branch", *third, sim->now());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(), "sessions: limit reached");
  EXPECT_EQ(headend.counters().packet_session_limit, 1u);
  // The first session's later packets (payload key only) are unaffected.
  auto later = branch.SendPacket(sessions[0], Bytes("y"), sim->now());
  ASSERT_TRUE(later.ok());
  auto received = headend.ReceivePacket("branch", *later, sim->now());
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->payload, Bytes("y"));
  EXPECT_EQ(received->session_metadata, Bytes("md"));
}

TEST(SvrRouterTest, TamperedPacketsAreRejectedAndCounted) {
  PacketFixture f = MakePackets(4);
  SvrRouter& headend = f.sim->router("headend");
  const absl::Time now = f.sim->now();
  // Bit flips in the first packet (every 5th bit).
  uint64_t rejected = 0;
  for (size_t bit = 0; bit < f.first.size() * 8; bit += 5) {
    std::vector<uint8_t> bad = f.first;
    bad[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    EXPECT_FALSE(headend.ReceivePacket("branch", bad, now).ok()) << bit;
    ++rejected;
  }
  const Counters& c = headend.counters();
  EXPECT_EQ(c.packet_malformed + c.packet_authentication_failed +
                c.packet_unknown_key_index + c.packet_replayed +
                c.packet_unknown_session,
            rejected);
  EXPECT_GT(c.packet_authentication_failed, 0u);
  EXPECT_GT(c.packet_unknown_key_index, 0u);  // flips in the index field
  EXPECT_EQ(c.packets_received, 0u);
  // The genuine packets still go through, once.
  auto r1 = headend.ReceivePacket("branch", f.first, now);
  ASSERT_TRUE(r1.ok()) << r1.status();
  EXPECT_EQ(r1->payload, Bytes("one"));
  EXPECT_EQ(r1->session_metadata, Bytes("10.1.1.1:1->10.2.2.2:2"));
  auto r2 = headend.ReceivePacket("branch", f.second, now);
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->payload, Bytes("two"));
  // Replayed nonce.
  auto replay = headend.ReceivePacket("branch", f.second, now);
  EXPECT_EQ(replay.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(headend.counters().packet_replayed, 1u);
  // Bit flips in a later (payload-key) packet.
  auto third =
      f.sim->router("branch").SendPacket(f.session, Bytes("three"), now);
  ASSERT_TRUE(third.ok());
  const uint64_t before = headend.counters().packet_authentication_failed;
  for (size_t byte = 16; byte < third->size(); byte += 3) {
    std::vector<uint8_t> bad = *third;
    bad[byte] ^= 0x80;
    EXPECT_FALSE(headend.ReceivePacket("branch", bad, now).ok());
  }
  EXPECT_GT(headend.counters().packet_authentication_failed, before);
  EXPECT_TRUE(headend.ReceivePacket("branch", *third, now).ok());
  // Garbage never crashes and is counted.
  const uint64_t malformed = headend.counters().packet_malformed;
  EXPECT_FALSE(headend.ReceivePacket("branch", {}, now).ok());
  EXPECT_FALSE(headend.ReceivePacket("branch", {1, 2, 3}, now).ok());
  EXPECT_EQ(headend.counters().packet_malformed, malformed + 2);
}

TEST(SvrRouterTest, WrongMetadataKeyIndexIsRejected) {
  PacketFixture f = MakePackets(5);
  SvrRouter& headend = f.sim->router("headend");
  // Re-seal the packet under a correct-looking index but a key the headend
  // never issued: the index check fails first when the index is unknown.
  auto parsed = ParsePacket(f.first);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->metadata_key_index, 1u);
  std::vector<uint8_t> bad = f.first;
  bad[23] = 7;  // index field: bytes 20..23
  auto r = headend.ReceivePacket("branch", bad, f.sim->now());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(r.status().message().find("metadata key index 7"),
            std::string::npos);
  EXPECT_EQ(headend.counters().packet_unknown_key_index, 1u);
  // After two regenerations index 1 is gone: old packets are refused.
  f.sim->Apply("headend", headend.RegenerateMetadataKey(f.sim->now()));
  f.sim->Apply("headend", headend.RegenerateMetadataKey(f.sim->now()));
  r = headend.ReceivePacket("branch", f.first, f.sim->now());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(headend.counters().packet_unknown_key_index, 2u);
}

TEST(SvrRouterTest, TamperedBfdMetadataIsRejectedAndCounted) {
  auto sim = TwoRouters(FastOptions(6), 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = sim->router("branch");
  SvrRouter& headend = sim->router("headend");
  // Capture a genuine METADATA_KEY from the headend by regenerating.
  std::vector<Action> actions = headend.RegenerateMetadataKey(sim->now());
  std::vector<uint8_t> push;
  for (const Action& a : actions) {
    if (a.kind == Action::Kind::kSendBfd) push = a.bytes;
  }
  ASSERT_FALSE(push.empty());
  auto m = ParseMessage(push);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->type, MessageType::kMetadataKey);
  PathId path = branch.Peers(sim->now())[0].paths[0].id;
  const Counters before = branch.counters();
  for (size_t byte = 4; byte < push.size(); byte += 2) {
    std::vector<uint8_t> bad = push;
    bad[byte] ^= 0x01;
    branch.OnBfdMetadata(path, bad, sim->now());
  }
  const Counters& after = branch.counters();
  EXPECT_GT(after.bfd_authentication_failed, before.bfd_authentication_failed);
  EXPECT_GT(after.bfd_stale, before.bfd_stale);  // flipped key ids
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_index, 1u);
  // Truncations and garbage.
  for (size_t n = 0; n < push.size(); n += 7) {
    branch.OnBfdMetadata(path, absl::MakeConstSpan(push).subspan(0, n),
                         sim->now());
  }
  EXPECT_GE(branch.counters().bfd_malformed, push.size() / 7);
  // The genuine message is accepted, a replay of it changes nothing.
  branch.OnBfdMetadata(path, push, sim->now());
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_index, 2u);
  const uint64_t installs = branch.Peers(sim->now())[0].remote_metadata_keys;
  branch.OnBfdMetadata(path, push, sim->now());
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_index, 2u);
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_keys, installs);
  // An old index replayed after a newer one is stale.
  std::vector<Action> again = headend.RegenerateMetadataKey(sim->now());
  for (const Action& a : again) {
    if (a.kind == Action::Kind::kSendBfd)
      branch.OnBfdMetadata(path, a.bytes, sim->now());
  }
  const uint64_t stale = branch.counters().bfd_stale;
  branch.OnBfdMetadata(path, push, sim->now());
  EXPECT_EQ(branch.counters().bfd_stale, stale + 1);
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_index, 3u);
}

TEST(SvrRouterTest, NewKeysAreUsedOnly30SecondsAfterTheyWereComputed) {
  auto sim = TwoRouters(FastOptions(9), 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = sim->router("branch");
  SvrRouter& headend = sim->router("headend");
  const uint32_t old_id = branch.Peers(sim->now())[0].peer_key_id;
  // Peer key: a new exchange completes within a round trip...
  sim->Apply("branch", branch.RekeyPeer("headend", sim->now()));
  sim->RunFor(absl::Seconds(1));
  EXPECT_EQ(branch.Peers(sim->now())[0].peer_rekey_count, 2u);
  EXPECT_EQ(headend.Peers(sim->now())[0].peer_rekey_count, 2u);
  // ...but both keep sending under the old one for 30 s.
  EXPECT_EQ(branch.Peers(sim->now())[0].peer_key_id, old_id);
  EXPECT_EQ(headend.Peers(sim->now())[0].peer_key_id, old_id);
  sim->RunFor(absl::Seconds(30));
  EXPECT_EQ(branch.Peers(sim->now())[0].peer_key_id, old_id + 1);
  EXPECT_EQ(headend.Peers(sim->now())[0].peer_key_id, old_id + 1);
  EXPECT_EQ(branch.Peers(sim->now())[0].peer_key_fingerprint,
            headend.Peers(sim->now())[0].peer_key_fingerprint);
  // Metadata key: the branch receives index 2 at once but encrypts new
  // sessions' TLVs under index 1 for 30 s more.
  sim->Apply("headend", headend.RegenerateMetadataKey(sim->now()));
  sim->RunFor(absl::Seconds(1));
  EXPECT_EQ(branch.Peers(sim->now())[0].remote_metadata_index, 2u);
  auto index_of_new_session = [&]() -> uint32_t {
    auto id = branch.OpenSession("headend", {}, sim->now());
    EXPECT_TRUE(id.ok());
    auto packet = branch.SendPacket(*id, Bytes("x"), sim->now());
    EXPECT_TRUE(packet.ok());
    EXPECT_TRUE(headend.ReceivePacket("branch", *packet, sim->now()).ok());
    return ParsePacket(*packet)->metadata_key_index;
  };
  EXPECT_EQ(index_of_new_session(), 1u);
  sim->RunFor(absl::Seconds(30));
  EXPECT_EQ(index_of_new_session(), 2u);
}

TEST(SvrRouterTest, PayloadKeyRekeysInsideALongSession) {
  SvrSimulation::Options o = FastOptions(10);
  o.config.payload_key_rekey_interval_hours = 1;
  auto sim = TwoRouters(o, 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = sim->router("branch");
  SvrRouter& headend = sim->router("headend");
  auto id = branch.OpenSession("headend", Bytes("md"), sim->now());
  ASSERT_TRUE(id.ok());
  auto p1 = branch.SendPacket(*id, Bytes("a"), sim->now());
  auto p2 = branch.SendPacket(*id, Bytes("b"), sim->now());
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_TRUE(ParsePacket(*p1)->has_metadata);
  EXPECT_FALSE(ParsePacket(*p2)->has_metadata);
  ASSERT_TRUE(headend.ReceivePacket("branch", *p1, sim->now()).ok());
  // A packet of generation 1 is held back (delayed in the network).
  auto late = branch.SendPacket(*id, Bytes("late"), sim->now());
  ASSERT_TRUE(late.ok());
  // Keep the session alive (idle sessions expire after an hour).
  sim->RunFor(absl::Minutes(30));
  auto keepalive = branch.SendPacket(*id, Bytes("k"), sim->now());
  ASSERT_TRUE(keepalive.ok());
  ASSERT_TRUE(headend.ReceivePacket("branch", *keepalive, sim->now()).ok());
  sim->RunFor(absl::Minutes(31));
  auto p3 = branch.SendPacket(*id, Bytes("c"), sim->now());
  auto p4 = branch.SendPacket(*id, Bytes("d"), sim->now());
  ASSERT_TRUE(p3.ok() && p4.ok());
  auto h3 = ParsePacket(*p3);
  EXPECT_TRUE(h3->has_metadata);  // the new payload key travels again
  EXPECT_EQ(h3->header.generation, 2);
  EXPECT_EQ(ParsePacket(*p4)->header.generation, 2);
  auto r3 = headend.ReceivePacket("branch", *p3, sim->now());
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_EQ(r3->payload, Bytes("c"));
  EXPECT_EQ(r3->session_metadata, Bytes("md"));
  ASSERT_TRUE(headend.ReceivePacket("branch", *p4, sim->now()).ok());
  // The late generation-1 packets still open (previous payload key).
  auto r2 = headend.ReceivePacket("branch", *p2, sim->now());
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->payload, Bytes("b"));
  ASSERT_TRUE(headend.ReceivePacket("branch", *late, sim->now()).ok());
}

TEST(SvrRouterTest, RepeatedMetadataSurvivesALostFirstPacket) {
  crypto::DeterministicRandom random(13);
  auto a_id =
      GenerateSelfSignedIdentity("a-alias", crypto::KeyType::kEcdsaP256, random,
                                 absl::UnixEpoch(), absl::Hours(24 * 365));
  auto b_id =
      GenerateSelfSignedIdentity("b-alias", crypto::KeyType::kEcdsaP256, random,
                                 absl::UnixEpoch(), absl::Hours(24 * 365));
  ASSERT_TRUE(a_id.ok() && b_id.ok());
  RouterOptions ao;
  ao.router_name = "a";
  ao.peers = {{"b", "b-alias"}};
  ao.metadata_packets = 2;
  RouterOptions bo;
  bo.router_name = "b";
  bo.peers = {{"a", "a-alias"}};
  absl::Time now = absl::UnixEpoch() + absl::Hours(1);
  auto a = SvrRouter::Create(ao, *a_id, {}, random, now);
  auto b = SvrRouter::Create(bo, *b_id, {}, random, now);
  ASSERT_TRUE(a.ok() && b.ok());
  // Wire the two engines back to back by hand (the integrator's job).
  PathId at_a{"b", "a", "wan0", "192.0.2.2"};
  PathId at_b{"a", "b", "wan0", "192.0.2.1"};
  std::vector<std::pair<bool, std::vector<uint8_t>>> wire;  // to_b, bytes
  auto collect = [&](bool from_a, std::vector<Action> actions) {
    for (Action& act : actions) {
      if (act.kind == Action::Kind::kSendBfd) {
        wire.push_back({from_a, std::move(act.bytes)});
      }
    }
  };
  collect(true, (*a)->AddPath(at_a, now));
  collect(false, (*b)->AddPath(at_b, now));
  for (int i = 0; i < 1000 && !wire.empty(); ++i) {
    auto [to_b, bytes] = wire.front();
    wire.erase(wire.begin());
    if (to_b) {
      collect(false, (*b)->OnBfdMetadata(at_b, bytes, now));
    } else {
      collect(true, (*a)->OnBfdMetadata(at_a, bytes, now));
    }
  }
  ASSERT_TRUE((*a)->PeerInService("b"));
  ASSERT_TRUE((*b)->PeerInService("a"));
  EXPECT_EQ(RouterOptions{}.metadata_packets, 1);  // the default
  auto session = (*a)->OpenSession("b", Bytes("md"), now);
  ASSERT_TRUE(session.ok());
  auto p1 = (*a)->SendPacket(*session, Bytes("1"), now);  // lost
  auto p2 = (*a)->SendPacket(*session, Bytes("2"), now);
  auto p3 = (*a)->SendPacket(*session, Bytes("3"), now);
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());
  EXPECT_TRUE(ParsePacket(*p1)->has_metadata);
  EXPECT_TRUE(ParsePacket(*p2)->has_metadata);
  EXPECT_FALSE(ParsePacket(*p3)->has_metadata);
  auto r2 = (*b)->ReceivePacket("a", *p2, now);
  ASSERT_TRUE(r2.ok()) << r2.status();
  auto r3 = (*b)->ReceivePacket("a", *p3, now);
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_EQ(r3->payload, Bytes("3"));
  // The lost packet arriving late is still fine (within the window).
  ASSERT_TRUE((*b)->ReceivePacket("a", *p1, now).ok());
  ao.metadata_packets = 0;
  EXPECT_FALSE(SvrRouter::Create(ao, *a_id, {}, random, now).ok());
}

TEST(SvrRouterTest, LateTlvOfAnOlderGenerationDoesNotRollBack) {
  SvrSimulation::Options o = FastOptions(14);
  o.config.payload_key_rekey_interval_hours = 1;
  o.metadata_packets = 2;
  auto sim = TwoRouters(o, 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  SvrRouter& branch = sim->router("branch");
  SvrRouter& headend = sim->router("headend");
  auto id = branch.OpenSession("headend", Bytes("md"), sim->now());
  ASSERT_TRUE(id.ok());
  auto q1 = branch.SendPacket(*id, Bytes("1"), sim->now());
  auto q2 = branch.SendPacket(*id, Bytes("2"), sim->now());  // TLV, late
  ASSERT_TRUE(q1.ok() && q2.ok());
  ASSERT_TRUE(ParsePacket(*q2)->has_metadata);
  ASSERT_TRUE(headend.ReceivePacket("branch", *q1, sim->now()).ok());
  sim->RunFor(absl::Minutes(61));
  auto q3 = branch.SendPacket(*id, Bytes("3"), sim->now());
  auto q4 = branch.SendPacket(*id, Bytes("4"), sim->now());
  auto q5 = branch.SendPacket(*id, Bytes("5"), sim->now());
  ASSERT_TRUE(q3.ok() && q4.ok() && q5.ok());
  EXPECT_EQ(ParsePacket(*q3)->header.generation, 2);
  EXPECT_FALSE(ParsePacket(*q5)->has_metadata);
  ASSERT_TRUE(headend.ReceivePacket("branch", *q3, sim->now()).ok());
  auto late = headend.ReceivePacket("branch", *q2, sim->now());
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->payload, Bytes("2"));
  auto r5 = headend.ReceivePacket("branch", *q5, sim->now());
  ASSERT_TRUE(r5.ok()) << r5.status();
  EXPECT_EQ(r5->payload, Bytes("5"));
}

TEST(SvrRouterTest, OptionsFromConfig) {
  auto config = ParseAuthorityConfig(R"(authority
enhanced-security-key-management true
security-key-management
peer-key-retransmit-interval 10
exit
router hub
peering-common-name hub-alias
neighborhood wan
node hub-1
exit
node hub-2
exit
router spoke
peering-common-name spoke-alias
neighborhood wan
)");
  ASSERT_TRUE(config.ok()) << config.status();
  auto options = RouterOptionsFromConfig(*config, "hub");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->nodes, (std::vector<std::string>{"hub-1", "hub-2"}));
  ASSERT_EQ(options->peers.size(), 1u);
  EXPECT_EQ(options->peers[0].router_name, "spoke");
  EXPECT_EQ(options->peers[0].peering_common_name, "spoke-alias");
  EXPECT_EQ(options->config.peer_key_retransmit_interval_seconds, 10);
  EXPECT_FALSE(RouterOptionsFromConfig(*config, "nobody").ok());
  // The certificate must carry the peering-common-name.
  crypto::DeterministicRandom random(7);
  auto identity =
      GenerateSelfSignedIdentity("other-name", crypto::KeyType::kEcdsaP256,
                                 random, absl::UnixEpoch(), absl::Hours(1));
  ASSERT_TRUE(identity.ok());
  identity->peering_common_name = "hub-alias";
  auto router = SvrRouter::Create(*options, std::move(*identity), {}, random,
                                  absl::UnixEpoch());
  EXPECT_FALSE(router.ok());
  EXPECT_NE(router.status().message().find("other-name"), std::string::npos);
  auto disabled = ParseAuthorityConfig("authority\nrouter a\n");
  ASSERT_TRUE(disabled.ok());
  EXPECT_FALSE(RouterOptionsFromConfig(*disabled, "a").ok());
}

TEST(SvrRouterTest, SelfSignedRouterWithTrustedCasConfiguredAlarms) {
  crypto::DeterministicRandom random(11);
  auto identity =
      GenerateSelfSignedIdentity("me", crypto::KeyType::kEcdsaP256, random,
                                 absl::UnixEpoch(), absl::Hours(24 * 365));
  ASSERT_TRUE(identity.ok());
  RouterOptions o;
  o.router_name = "r";
  o.peers = {{"a", "a-alias"}};
  o.config.trusted_ca_certificates = {"root-ca"};
  auto router = SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch());
  ASSERT_TRUE(router.ok()) << router.status();
  std::vector<Action> actions = (*router)->OnTimer(absl::UnixEpoch());
  bool raised = false;
  for (const Action& a : actions) {
    raised |= a.kind == Action::Kind::kAlarmRaised &&
              a.alarm.severity == AlarmSeverity::kMajor &&
              absl::StrContains(a.alarm.message, "no CA-signed certificate");
  }
  EXPECT_TRUE(raised);
  ASSERT_EQ((*router)->ActiveAlarms().size(), 1u);
  // Without a trusted CA list (the seed's self-signed quick start): quiet.
  o.config.trusted_ca_certificates.clear();
  router = SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch());
  ASSERT_TRUE(router.ok());
  (*router)->OnTimer(absl::UnixEpoch());
  EXPECT_TRUE((*router)->ActiveAlarms().empty());
}

TEST(SvrRouterTest, KeyStatusGolden) {
  auto sim = TwoRouters(FastOptions(12), 1);
  ASSERT_NE(sim, nullptr);
  ASSERT_TRUE(sim->RunUntilConverged(absl::Minutes(1)));
  sim->RunFor(absl::Minutes(20) + absl::Seconds(24));
  sim->Apply("branch", sim->router("branch").RegenerateMetadataKey(sim->now()));
  sim->RunFor(absl::Seconds(1));
  // branch-alias < headend-alias: the branch runs the peer-key timer.
  EXPECT_EQ(ShowSecurityKeyStatus(sim->router("branch"), sim->now()),
            "================================================\n"
            "branch-1\n"
            "================================================\n"
            "Key Manager State: Active Leader\n"
            "Rekey Index: 1\n"
            "Last Rekey: 0 hrs 20 min 25 sec\n"
            "Next Rekey: 23 hrs 39 min 34 sec\n"
            "Key Change Count: 1\n"
            "Config Key Change Count: 1\n"
            "Key Change Error: none\n"
            "Config Key Change Error: none\n"
            "Metadata Rekey Index: 2\n"
            "Metadata Last Rekey: 0 hrs 0 min 1 sec\n"
            "Metadata Next Rekey: 23 hrs 59 min 59 sec\n");
}

TEST(SvrRouterTest, CreateRejectsBadPeerLists) {
  crypto::DeterministicRandom random(8);
  auto identity =
      GenerateSelfSignedIdentity("me", crypto::KeyType::kEcdsaP256, random,
                                 absl::UnixEpoch(), absl::Hours(1));
  ASSERT_TRUE(identity.ok());
  RouterOptions o;
  o.router_name = "r";
  o.peers = {{"a", "me"}};
  EXPECT_FALSE(
      SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch()).ok());
  o.peers = {{"a", "x"}, {"a", "y"}};
  EXPECT_FALSE(
      SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch()).ok());
  o.peers = {{"a", ""}};
  EXPECT_FALSE(
      SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch()).ok());
  o.peers = {{"a", "x"}};
  o.router_name = "";
  EXPECT_FALSE(
      SvrRouter::Create(o, *identity, {}, random, absl::UnixEpoch()).ok());
}

}  // namespace
}  // namespace cygnet::keymgmt::svr
