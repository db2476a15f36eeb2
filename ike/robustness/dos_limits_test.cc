// Denial-of-service limits of the IKE engine (EngineLimits): each test floods
// one limit in a hand-wired two-engine setup and shows the limit holds, the
// refusals are counted, and a legitimate peer still establishes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "ike/robustness/attack_test_support.h"
#include "ike/wire/message.h"

namespace cygnet::ike::robustness {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

std::string Peer(int i) { return absl::StrCat("198.51.100.", 100 + i); }

std::unique_ptr<Node> Responder(EngineLimits limits) {
  auto responder = std::make_unique<Node>(7, kResponderAddress, limits);
  EXPECT_TRUE(
      responder->engine
          .AddPolicy(TestPolicy("r", kResponderAddress, kInitiatorAddress))
          .ok());
  return responder;
}

// IKE_SA_INITs from `count` spoofed addresses that never answer.
void SpoofedInitFlood(Node& responder, int count, absl::Time now) {
  for (int i = 0; i < count; ++i) {
    std::string from = Peer(i % 150);
    wire::Message init = InitiatorSaInit(1000 + i, from);
    responder.engine.HandleDatagram({Ip(from), 500}, responder.endpoint,
                                    EncodeOrDie(init), now);
    responder.Drain();
  }
}

// RFC 7296 2.6 / RFC 8019: above cookie_threshold half-open SAs, IKE_SA_INIT
// without a valid cookie gets only a COOKIE notify and creates no state; a
// spoofing flood therefore stops at the threshold while a real peer, which
// can echo the cookie, gets through.
TEST(DosLimitsTest, CookiesStopASpoofedInitFloodAtTheThreshold) {
  EngineLimits limits;
  limits.cookie_threshold = 4;
  limits.max_half_open = 64;
  std::unique_ptr<Node> responder = Responder(limits);
  SpoofedInitFlood(*responder, 300, kStart);
  EXPECT_EQ(responder->engine.half_open_count(), limits.cookie_threshold);
  EXPECT_EQ(responder->engine.ike_sa_count(), limits.cookie_threshold);
  EXPECT_GE(responder->engine.counters().cookies_sent, 296u);
  // The first replies are full IKE_SA_INIT responses; every later one is a
  // bare COOKIE notify, smaller than the request (no amplification).
  ASSERT_EQ(responder->sent.size(), 300u);
  for (size_t i = limits.cookie_threshold; i < responder->sent.size(); ++i) {
    EXPECT_LE(responder->sent[i].bytes.size(), 100u);
  }
  EXPECT_TRUE(
      LegitimatePeerEstablishes(*responder, kInitiatorAddress, 5, kStart))
      << responder->Reasons();
}

// With cookies effectively off, max_half_open caps the state a flood can
// create; the excess is counted in half_open_dropped. Once
// half_open_timeout passes, the half-open SAs are freed and a legitimate
// peer gets through again.
TEST(DosLimitsTest, HalfOpenLimitHoldsAndTimesOut) {
  EngineLimits limits;
  limits.cookie_threshold = 1000;
  limits.max_half_open = 10;
  limits.max_ike_sas_per_peer = 1000;
  limits.half_open_timeout = absl::Seconds(30);
  std::unique_ptr<Node> responder = Responder(limits);
  SpoofedInitFlood(*responder, 100, kStart);
  EXPECT_EQ(responder->engine.half_open_count(), 10u);
  EXPECT_EQ(responder->engine.counters().half_open_dropped, 90u);
  // Full: even a real peer is refused right now (this is why cookies exist).
  EXPECT_FALSE(
      LegitimatePeerEstablishes(*responder, kInitiatorAddress, 6, kStart));
  absl::Time later = kStart + limits.half_open_timeout + absl::Seconds(61);
  responder->engine.HandleTimeout(later);
  responder->Drain();
  EXPECT_EQ(responder->engine.half_open_count(), 0u) << responder->Reasons();
  EXPECT_TRUE(
      LegitimatePeerEstablishes(*responder, kInitiatorAddress, 7, later))
      << responder->Reasons();
}

// max_ike_sas_per_peer: one address cannot hold more IKE SAs than that,
// established or half-open; other peers are unaffected.
TEST(DosLimitsTest, PerPeerLimitHolds) {
  EngineLimits limits;
  limits.max_ike_sas_per_peer = 3;
  std::unique_ptr<Node> responder = Responder(limits);
  int established = 0;
  for (int i = 0; i < 8; ++i) {
    established +=
        LegitimatePeerEstablishes(*responder, Peer(1), 100 + i, kStart) ? 1 : 0;
  }
  EXPECT_EQ(established, 3);
  EXPECT_EQ(responder->engine.ike_sa_count(), 3u);
  EXPECT_GE(responder->engine.counters().half_open_dropped, 5u);
  EXPECT_TRUE(LegitimatePeerEstablishes(*responder, Peer(2), 200, kStart));
}

// max_ike_sas: the global cap holds however many peers try.
TEST(DosLimitsTest, GlobalIkeSaLimitHolds) {
  EngineLimits limits;
  limits.max_ike_sas = 5;
  std::unique_ptr<Node> responder = Responder(limits);
  int established = 0;
  for (int i = 0; i < 12; ++i) {
    established +=
        LegitimatePeerEstablishes(*responder, Peer(i), 300 + i, kStart) ? 1 : 0;
  }
  EXPECT_EQ(established, 5);
  EXPECT_EQ(responder->engine.ike_sa_count(), 5u);
  EXPECT_GE(responder->engine.counters().half_open_dropped, 7u);
  // Deleting one frees a slot for the next peer.
  std::vector<IkeSaStatus> status = responder->engine.Status(kStart);
  ASSERT_FALSE(status.empty());
  ASSERT_TRUE(responder->engine.DeleteIkeSa(status[0].id, kStart).ok());
  responder->Drain();
  absl::Time later = kStart + absl::Minutes(2);
  for (int i = 0; i < 60 && responder->engine.ike_sa_count() > 4; ++i) {
    later += absl::Seconds(1);
    if (responder->engine.NextTimeout() <= later) {
      responder->engine.HandleTimeout(later);
      responder->Drain();
    }
  }
  EXPECT_EQ(responder->engine.ike_sa_count(), 4u) << responder->Reasons();
  EXPECT_TRUE(LegitimatePeerEstablishes(*responder, Peer(40), 400, later));
}

// Retransmitted (duplicate) requests are answered from the response cache:
// a replay flood of one IKE_SA_INIT creates one SA, not many.
TEST(DosLimitsTest, ReplayedInitCreatesOneSa) {
  std::unique_ptr<Node> responder = Responder({});
  std::vector<uint8_t> init =
      EncodeOrDie(InitiatorSaInit(77, kInitiatorAddress));
  for (int i = 0; i < 200; ++i) {
    responder->engine.HandleDatagram({Ip(kInitiatorAddress), 500},
                                     responder->endpoint, init, kStart);
  }
  responder->Drain();
  EXPECT_EQ(responder->engine.ike_sa_count(), 1u);
  EXPECT_EQ(responder->engine.half_open_count(), 1u);
}

}  // namespace
}  // namespace cygnet::ike::robustness
