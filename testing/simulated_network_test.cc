#include "testing/simulated_network.h"

#include "gtest/gtest.h"

namespace cygnet::testing {
namespace {

Endpoint At(const char* address, uint16_t port) {
  return Endpoint{*ipsec::IpAddress::Parse(address), port};
}

Datagram Make(uint8_t tag) {
  return Datagram{At("192.0.2.1", 500), At("192.0.2.2", 500), {tag}};
}

std::vector<uint8_t> RunAll(uint64_t seed, const NetworkConditions& conditions,
                            int count) {
  SimulatedNetwork network(seed, conditions);
  absl::Time now = absl::UnixEpoch();
  for (int i = 0; i < count; ++i) {
    network.Send(Make(static_cast<uint8_t>(i)), now);
    now += absl::Milliseconds(1);
  }
  std::vector<uint8_t> order;
  while (!network.idle()) {
    now = network.NextDeliveryTime();
    for (const Datagram& d : network.DeliverDue(now))
      order.push_back(d.bytes[0]);
  }
  return order;
}

TEST(SimulatedNetworkTest, PerfectNetworkDeliversInOrderAfterDelay) {
  NetworkConditions perfect;
  perfect.min_delay = perfect.max_delay = absl::Milliseconds(5);
  SimulatedNetwork network(1, perfect);
  absl::Time start = absl::UnixEpoch();
  network.Send(Make(1), start);
  network.Send(Make(2), start);
  EXPECT_EQ(network.NextDeliveryTime(), start + absl::Milliseconds(5));
  EXPECT_TRUE(network.DeliverDue(start + absl::Milliseconds(4)).empty());
  std::vector<Datagram> due = network.DeliverDue(start + absl::Milliseconds(5));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].bytes[0], 1);
  EXPECT_EQ(due[1].bytes[0], 2);
  EXPECT_TRUE(network.idle());
}

TEST(SimulatedNetworkTest, SameSeedSameDeliveries) {
  NetworkConditions lossy{0.2, 0.1, 0.3};
  EXPECT_EQ(RunAll(42, lossy, 200), RunAll(42, lossy, 200));
  EXPECT_NE(RunAll(42, lossy, 200), RunAll(43, lossy, 200));
}

TEST(SimulatedNetworkTest, ConditionsShowInCounters) {
  NetworkConditions lossy{0.25, 0.25, 0.25};
  SimulatedNetwork network(7, lossy);
  absl::Time now = absl::UnixEpoch();
  for (int i = 0; i < 4000; ++i) network.Send(Make(0), now);
  const NetworkCounters& c = network.counters();
  EXPECT_EQ(c.sent, 4000u);
  // Each effect happens about a quarter of the time.
  EXPECT_NEAR(static_cast<double>(c.dropped), 1000, 150);
  EXPECT_NEAR(static_cast<double>(c.duplicated), 750, 150);
  EXPECT_GT(c.reordered, 500u);
  size_t delivered = network.DeliverDue(absl::InfiniteFuture()).size();
  EXPECT_EQ(delivered, c.sent - c.dropped + c.duplicated);
}

TEST(SimulatedNetworkTest, BlackholeDropsQueuedAndNewDatagrams) {
  SimulatedNetwork network(3, NetworkConditions{});
  absl::Time now = absl::UnixEpoch();
  network.Send(Make(1), now);
  network.SetBlackholed(*ipsec::IpAddress::Parse("192.0.2.2"), true);
  network.Send(Make(2), now);
  EXPECT_TRUE(network.DeliverDue(absl::InfiniteFuture()).empty());
  EXPECT_EQ(network.counters().blackholed, 2u);
  network.SetBlackholed(*ipsec::IpAddress::Parse("192.0.2.2"), false);
  network.Send(Make(3), now);
  EXPECT_EQ(network.DeliverDue(absl::InfiniteFuture()).size(), 1u);
}

}  // namespace
}  // namespace cygnet::testing
