#include "ipsec/policy_database.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

IpAddress A(absl::string_view text) { return *IpAddress::Parse(text); }
TrafficSelector S(absl::string_view text) {
  return *TrafficSelector::ParseAddresses(text);
}

Policy MakePolicy(PolicyId id, absl::string_view local,
                  absl::string_view remote, PolicyAction action) {
  Policy policy;
  policy.id = id;
  policy.name = absl::StrCat("p", id);
  policy.local = {S(local)};
  policy.remote = {S(remote)};
  policy.action = action;
  return policy;
}

FiveTuple Out(absl::string_view source, absl::string_view destination,
              uint8_t protocol = 6, uint16_t source_port = 40000,
              uint16_t destination_port = 443) {
  return FiveTuple{A(source), A(destination), protocol, source_port,
                   destination_port};
}

TEST(PolicyDatabaseTest, FirstMatchWinsAndNoMatchIsNullopt) {
  PolicyDatabase spd;
  ASSERT_TRUE(
      spd.Add(MakePolicy(1, "10.0.0.0/24", "10.9.0.5", PolicyAction::kBypass))
          .ok());
  ASSERT_TRUE(spd.Add(MakePolicy(2, "10.0.0.0/24", "10.9.0.0/16",
                                 PolicyAction::kProtect))
                  .ok());
  ASSERT_TRUE(
      spd.Add(MakePolicy(3, "any4", "any4", PolicyAction::kDiscard)).ok());
  EXPECT_EQ(spd.size(), 3u);

  std::optional<PolicyDecision> d =
      spd.LookupOutbound(Out("10.0.0.1", "10.9.0.5"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->id, 1u);
  EXPECT_EQ(d->action, PolicyAction::kBypass);
  d = spd.LookupOutbound(Out("10.0.0.1", "10.9.3.3"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->id, 2u);
  EXPECT_EQ(d->action, PolicyAction::kProtect);
  d = spd.LookupOutbound(Out("10.5.0.1", "10.9.3.3"));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->action, PolicyAction::kDiscard);
  EXPECT_FALSE(
      spd.LookupOutbound(Out("2001:db8::1", "2001:db8::2")).has_value());
}

TEST(PolicyDatabaseTest, ProtocolsAndPortsAndIpv6) {
  PolicyDatabase spd;
  Policy dns;
  dns.id = 10;
  // Protocols of one policy agree: UDP on both sides.
  dns.local = {*TrafficSelector::Create(IpAddress::Zero(false),
                                        IpAddress::Max(false), 17)};
  dns.remote = {*TrafficSelector::Create(A("2001:db8::53"), A("2001:db8::53"),
                                         17, 53, 53)};
  dns.action = PolicyAction::kBypass;
  ASSERT_TRUE(spd.Add(dns).ok());
  ASSERT_TRUE(spd.Add(MakePolicy(11, "2001:db8:1::/48", "2001:db8::/32",
                                 PolicyAction::kProtect))
                  .ok());
  EXPECT_EQ(
      spd.LookupOutbound(Out("2001:db8:1::7", "2001:db8::53", 17, 5353, 53))
          ->id,
      10u);
  EXPECT_EQ(
      spd.LookupOutbound(Out("2001:db8:1::7", "2001:db8::53", 6, 5353, 53))->id,
      11u);
  EXPECT_EQ(
      spd.LookupOutbound(Out("2001:db8:1::7", "2001:db8::53", 17, 5353, 54))
          ->id,
      11u);
}

TEST(PolicyDatabaseTest, InboundDirectionSwapsSides) {
  PolicyDatabase spd;
  ASSERT_TRUE(spd.Add(MakePolicy(1, "10.0.0.0/24", "10.9.0.0/16",
                                 PolicyAction::kProtect))
                  .ok());
  FiveTuple inbound = Out("10.9.1.1", "10.0.0.7");
  EXPECT_EQ(spd.LookupInbound(inbound)->id, 1u);
  EXPECT_FALSE(spd.LookupOutbound(inbound).has_value());
  EXPECT_TRUE(spd.InboundAllowedBy(1, inbound));
  EXPECT_FALSE(spd.InboundAllowedBy(1, Out("10.8.1.1", "10.0.0.7")));
  EXPECT_FALSE(spd.InboundAllowedBy(2, inbound));
}

TEST(PolicyDatabaseTest, ListsOfSelectorsMatchAnyCombination) {
  PolicyDatabase spd;
  Policy policy =
      MakePolicy(5, "10.0.0.0/24", "10.9.0.0/24", PolicyAction::kProtect);
  policy.local.push_back(S("10.0.1.0/24"));
  policy.remote.push_back(S("10.8.0.0/24"));
  ASSERT_TRUE(spd.Add(policy).ok());
  EXPECT_TRUE(spd.LookupOutbound(Out("10.0.1.1", "10.8.0.1")).has_value());
  EXPECT_TRUE(spd.LookupOutbound(Out("10.0.0.1", "10.8.0.1")).has_value());
  EXPECT_FALSE(spd.LookupOutbound(Out("10.0.2.1", "10.8.0.1")).has_value());
}

TEST(PolicyDatabaseTest, AddRemoveMoveReplace) {
  PolicyDatabase spd;
  ASSERT_TRUE(
      spd.Add(MakePolicy(1, "any4", "any4", PolicyAction::kDiscard)).ok());
  ASSERT_TRUE(
      spd.Add(MakePolicy(2, "any4", "10.0.0.0/8", PolicyAction::kProtect),
              /*index=*/0)
          .ok());
  EXPECT_EQ(spd.LookupOutbound(Out("1.1.1.1", "10.1.1.1"))->id, 2u);
  ASSERT_TRUE(spd.Move(2, 5).ok());  // clamped to the end
  EXPECT_EQ(spd.LookupOutbound(Out("1.1.1.1", "10.1.1.1"))->id, 1u);
  EXPECT_EQ(spd.List()[1].id, 2u);
  ASSERT_TRUE(spd.Move(2, 0).ok());
  EXPECT_EQ(spd.List()[0].id, 2u);
  ASSERT_TRUE(
      spd.Replace(MakePolicy(2, "any4", "10.0.0.0/8", PolicyAction::kBypass))
          .ok());
  EXPECT_EQ(spd.LookupOutbound(Out("1.1.1.1", "10.1.1.1"))->action,
            PolicyAction::kBypass);
  EXPECT_EQ(spd.List()[0].id, 2u);  // position kept
  ASSERT_TRUE(spd.Remove(2).ok());
  EXPECT_EQ(spd.LookupOutbound(Out("1.1.1.1", "10.1.1.1"))->id, 1u);
  EXPECT_EQ(spd.size(), 1u);
}

TEST(PolicyDatabaseTest, Errors) {
  PolicyDatabase spd;
  ASSERT_TRUE(
      spd.Add(MakePolicy(1, "any4", "any4", PolicyAction::kDiscard)).ok());
  absl::Status s =
      spd.Add(MakePolicy(1, "any4", "any4", PolicyAction::kBypass));
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "policy 1: already present");
  EXPECT_EQ(
      spd.Add(MakePolicy(0, "any4", "any4", PolicyAction::kBypass)).message(),
      "policy \"p0\": id 0 is reserved");
  Policy empty = MakePolicy(4, "any4", "any4", PolicyAction::kBypass);
  empty.remote.clear();
  EXPECT_EQ(spd.Add(empty).message(),
            "policy 4: needs at least one remote selector");
  EXPECT_EQ(
      spd.Add(MakePolicy(5, "any4", "any6", PolicyAction::kBypass)).message(),
      "policy 5: selector ::/0 is not of the same address family as "
      "0.0.0.0/0");
  Policy mixed = MakePolicy(6, "any4", "any4", PolicyAction::kBypass);
  mixed.remote = {*TrafficSelector::Create(A("1.1.1.1"), A("1.1.1.1"), 6)};
  EXPECT_EQ(spd.Add(mixed).message(),
            "policy 6: selector 1.1.1.1/32 proto 6 has protocol 6, but "
            "0.0.0.0/0 has 0");
  EXPECT_EQ(spd.Remove(9).message(), "policy 9: not found");
  EXPECT_EQ(spd.Move(9, 0).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      spd.Replace(MakePolicy(9, "any4", "any4", PolicyAction::kBypass)).code(),
      absl::StatusCode::kNotFound);
  EXPECT_STREQ(PolicyActionName(PolicyAction::kProtect), "protect");
}

// Readers see either the old or the new state of a policy, never a torn one:
// policy 7 always maps 10.7.0.0/16 to protect, and a writer keeps adding,
// moving and removing other policies around it.
TEST(PolicyDatabaseTest, ConcurrentReadersAndWriter) {
  PolicyDatabase spd;
  ASSERT_TRUE(
      spd.Add(MakePolicy(7, "any4", "10.7.0.0/16", PolicyAction::kProtect))
          .ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      FiveTuple packet = Out("1.1.1.1", "10.7.3.3");
      while (!stop.load(std::memory_order_relaxed)) {
        std::optional<PolicyDecision> d = spd.LookupOutbound(packet);
        if (!d.has_value() || d->id != 7 ||
            d->action != PolicyAction::kProtect) {
          bad.fetch_add(1);
        }
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    PolicyId id = 100 + i % 10;
    (void)spd.Add(MakePolicy(id, "any4", "10.8.0.0/16", PolicyAction::kBypass),
                  static_cast<size_t>(i % 3));
    (void)spd.Move(7, static_cast<size_t>(i % 4));
    if (i % 2) (void)spd.Remove(id);
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace cygnet::ipsec
