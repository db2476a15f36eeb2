// The stateful IKE fuzzer's recording replays: without these checks a
// harness whose recording broke (e.g. after an engine change) would fuzz
// nothing but the parser.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "fuzz/ike_engine_fuzz_harness.h"
#include "gtest/gtest.h"

namespace cygnet::fuzz {
namespace {

// Op 0 for every recorded message in order.
std::vector<uint8_t> InOrder() {
  std::vector<uint8_t> program;
  for (size_t k = 0; k < RecordedExchange().size(); ++k) {
    program.push_back(0);
    program.push_back(static_cast<uint8_t>(k));
  }
  return program;
}

TEST(IkeEngineFuzzReplayTest, RecordingCoversEveryExchange) {
  // IKE_SA_INIT, IKE_AUTH, three CREATE_CHILD_SA, the deletes.
  std::printf("recorded %zu datagrams\n", RecordedExchange().size());
  EXPECT_GE(RecordedExchange().size(), 6u);
  EXPECT_LE(RecordedExchange().size(), 255u);
}

TEST(IkeEngineFuzzReplayTest, InOrderReplayReachesEveryState) {
  std::vector<uint8_t> program = InOrder();
  RunSummary s = RunIkeEngineFuzzInput(program.data(), program.size());
  EXPECT_EQ(s.established, 1);
  EXPECT_EQ(s.child_installed, 1);
  EXPECT_EQ(s.child_rekeyed, 2);
  EXPECT_EQ(s.ike_rekeyed, 1);
  EXPECT_GE(s.ike_deleted, 1);
  EXPECT_EQ(s.counters.integrity_failures, 0u);
  EXPECT_EQ(s.counters.malformed, 0u);
}

TEST(IkeEngineFuzzReplayTest, FlippedIkeAuthByteFailsIntegrity) {
  // INIT, then IKE_AUTH with its last byte (inside the ICV) flipped.
  std::vector<uint8_t> program = {0, 0, 1, 1, 0 /* 1 flip */};
  uint16_t last = static_cast<uint16_t>(RecordedExchange()[1].size() - 1);
  program.push_back(last >> 8);
  program.push_back(last & 0xff);
  program.push_back(0x01);
  RunSummary s = RunIkeEngineFuzzInput(program.data(), program.size());
  EXPECT_EQ(s.established, 0);
  EXPECT_EQ(s.counters.integrity_failures, 1u);
}

TEST(IkeEngineFuzzReplayTest, FloodFromManyPeersStaysBounded) {
  // IKE_SA_INIT from 200 addresses: cookies and the half-open limit hold.
  std::vector<uint8_t> program;
  for (int i = 0; i < 60; ++i) {
    program.push_back(6);
    program.push_back(static_cast<uint8_t>(i * 4));  // port 500
    program.push_back(0);
  }
  RunSummary s = RunIkeEngineFuzzInput(program.data(), program.size());
  EXPECT_LE(s.max_ike_sas, FuzzLimits().max_half_open);
  EXPECT_GT(s.counters.cookies_sent, 0u);
  EXPECT_EQ(s.established, 0);
}

}  // namespace
}  // namespace cygnet::fuzz
