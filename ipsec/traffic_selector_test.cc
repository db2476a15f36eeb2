#include "ipsec/traffic_selector.h"

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

IpAddress A(absl::string_view text) { return *IpAddress::Parse(text); }

TrafficSelector S(absl::string_view text) {
  absl::StatusOr<TrafficSelector> selector =
      TrafficSelector::ParseAddresses(text);
  EXPECT_TRUE(selector.ok()) << text << ": " << selector.status();
  return selector.value_or(TrafficSelector());
}

TEST(TrafficSelectorTest, ParseAndToString) {
  EXPECT_EQ(S("10.0.0.0/24").ToString(), "10.0.0.0/24");
  EXPECT_EQ(S("10.0.0.1-10.0.0.9").ToString(), "10.0.0.1-10.0.0.9");
  EXPECT_EQ(S("10.0.0.0-10.0.0.255").ToString(), "10.0.0.0/24");
  EXPECT_EQ(S("192.0.2.7").ToString(), "192.0.2.7/32");
  EXPECT_EQ(S("2001:db8::/32").ToString(), "2001:db8::/32");
  EXPECT_EQ(S("2001:db8::1-2001:db8::5").ToString(), "2001:db8::1-2001:db8::5");
  EXPECT_EQ(S("any4").ToString(), "0.0.0.0/0");
  EXPECT_EQ(S("any6").ToString(), "::/0");
  EXPECT_EQ(S("10.0.0.0/24").PrefixLength(), 24);
  EXPECT_EQ(S("10.0.0.1-10.0.0.9").PrefixLength(), std::nullopt);
  absl::StatusOr<TrafficSelector> web =
      TrafficSelector::FromPrefix(A("10.1.0.0"), 16, /*protocol=*/6, 80, 80);
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->ToString(), "10.1.0.0/16 proto 6 port 80");
  web = TrafficSelector::Create(A("10.1.0.0"), A("10.1.0.3"), 17, 1000, 2000);
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->ToString(), "10.1.0.0/30 proto 17 port 1000-2000");
}

TEST(TrafficSelectorTest, SeedStartEndForm) {
  // Seed 001, `show ikev2 session`: "Local Selector : 1.1.1.1/1000 -
  // 1.1.1.1/1000" and "0.0.0.0/0 - 255.255.255.255/65535".
  absl::StatusOr<TrafficSelector> one =
      TrafficSelector::Create(A("1.1.1.1"), A("1.1.1.1"), 0, 1000, 1000);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->ToStartEndString(), "1.1.1.1/1000 - 1.1.1.1/1000");
  EXPECT_EQ(TrafficSelector::Any(true).ToStartEndString(),
            "0.0.0.0/0 - 255.255.255.255/65535");
}

TEST(TrafficSelectorTest, Errors) {
  EXPECT_EQ(
      TrafficSelector::ParseAddresses("10.0.0.1/24").status().message(),
      "prefix 10.0.0.1/24: host bits are set (did you mean 10.0.0.0/24?)");
  EXPECT_EQ(TrafficSelector::ParseAddresses("10.0.0.0/33").status().message(),
            "prefix length 33 for 10.0.0.0: must be 0..32");
  EXPECT_EQ(
      TrafficSelector::ParseAddresses("10.0.0.9-10.0.0.1").status().message(),
      "traffic selector start address 10.0.0.9 is above end address "
      "10.0.0.1");
  EXPECT_EQ(TrafficSelector::ParseAddresses("10.0.0.1-::1").status().message(),
            "traffic selector addresses 10.0.0.1 and ::1: families differ");
  EXPECT_FALSE(TrafficSelector::ParseAddresses("10.0.0.0/x").ok());
  EXPECT_FALSE(TrafficSelector::ParseAddresses("bogus").ok());
  absl::StatusOr<TrafficSelector> opaque =
      TrafficSelector::Create(A("1.1.1.1"), A("1.1.1.1"), 6, 65535, 0);
  ASSERT_FALSE(opaque.ok());
  EXPECT_NE(opaque.status().message().find("start port 65535"),
            absl::string_view::npos);
}

TEST(TrafficSelectorTest, Matches) {
  TrafficSelector any_net = S("10.0.0.0/24");
  EXPECT_TRUE(any_net.Matches(A("10.0.0.0"), 6, 1));
  EXPECT_TRUE(any_net.Matches(A("10.0.0.255"), 17, 65535));
  EXPECT_FALSE(any_net.Matches(A("10.0.1.0"), 6, 1));
  EXPECT_FALSE(any_net.Matches(A("::a00:1"), 6, 1));  // other family
  TrafficSelector dns =
      *TrafficSelector::Create(A("10.0.0.53"), A("10.0.0.53"), 17, 53, 53);
  EXPECT_TRUE(dns.Matches(A("10.0.0.53"), 17, 53));
  EXPECT_FALSE(dns.Matches(A("10.0.0.53"), 6, 53));
  EXPECT_FALSE(dns.Matches(A("10.0.0.53"), 17, 54));
  TrafficSelector v6 = S("2001:db8::/64");
  EXPECT_TRUE(v6.Matches(A("2001:db8::ffff:1"), 58, 0));
  EXPECT_FALSE(v6.Matches(A("2001:db8:0:1::1"), 58, 0));
}

TEST(TrafficSelectorTest, ContainsAndIntersect) {
  TrafficSelector wide = S("10.0.0.0/8");
  TrafficSelector narrow = S("10.1.0.0/16");
  EXPECT_TRUE(wide.Contains(narrow));
  EXPECT_FALSE(narrow.Contains(wide));
  EXPECT_EQ(*wide.Intersect(narrow), narrow);
  EXPECT_EQ(*S("10.0.0.0-10.0.0.100").Intersect(S("10.0.0.50-10.0.0.200")),
            S("10.0.0.50-10.0.0.100"));
  EXPECT_FALSE(S("10.0.0.0/24").Intersect(S("10.0.1.0/24")).has_value());
  EXPECT_FALSE(S("any4").Intersect(S("any6")).has_value());
  TrafficSelector tcp =
      *TrafficSelector::Create(A("0.0.0.0"), A("255.255.255.255"), 6, 0, 1023);
  TrafficSelector udp =
      *TrafficSelector::Create(A("0.0.0.0"), A("255.255.255.255"), 17);
  EXPECT_FALSE(tcp.Intersect(udp).has_value());
  std::optional<TrafficSelector> tcp_net = narrow.Intersect(tcp);
  ASSERT_TRUE(tcp_net.has_value());
  EXPECT_EQ(tcp_net->ToString(), "10.1.0.0/16 proto 6 port 0-1023");
  EXPECT_TRUE(narrow.Contains(*tcp_net));
  EXPECT_FALSE(tcp_net->Contains(narrow));
  EXPECT_FALSE(tcp.Contains(S("any4")));  // protocol any is wider
}

TEST(TrafficSelectorTest, NarrowPerRfc7296) {
  // Initiator proposes 0.0.0.0/0 (and the packet's 10.1.2.3); responder
  // policy allows 10.1.0.0/16 and 192.168.0.0/24.
  std::vector<TrafficSelector> proposed = {S("10.1.2.3"), S("any4")};
  std::vector<TrafficSelector> allowed = {S("10.1.0.0/16"),
                                          S("192.168.0.0/24")};
  std::vector<TrafficSelector> narrowed = Narrow(proposed, allowed);
  ASSERT_EQ(narrowed.size(), 3u);
  EXPECT_EQ(narrowed[0].ToString(), "10.1.2.3/32");
  EXPECT_EQ(narrowed[1].ToString(), "10.1.0.0/16");
  EXPECT_EQ(narrowed[2].ToString(), "192.168.0.0/24");
  EXPECT_TRUE(Narrow({S("172.16.0.0/12")}, allowed).empty());
  // A result contained in an earlier one is dropped.
  EXPECT_EQ(Narrow({S("10.0.0.0/8"), S("10.1.0.0/24")}, {S("any4")}).size(),
            1u);
}

TEST(TrafficSelectorTest, SelectorListsMatchBothDirections) {
  std::vector<TrafficSelector> local = {S("10.0.0.0/24")};
  std::vector<TrafficSelector> remote = {S("10.9.0.0/24"), S("10.8.0.0/24")};
  FiveTuple out{A("10.0.0.5"), A("10.8.0.7"), 6, 40000, 443};
  EXPECT_TRUE(SelectorsMatch(local, remote, out, /*outbound=*/true));
  EXPECT_FALSE(SelectorsMatch(local, remote, out, /*outbound=*/false));
  FiveTuple in{A("10.9.0.7"), A("10.0.0.5"), 6, 443, 40000};
  EXPECT_TRUE(SelectorsMatch(local, remote, in, /*outbound=*/false));
  FiveTuple elsewhere{A("10.0.0.5"), A("10.7.0.7"), 6, 40000, 443};
  EXPECT_FALSE(SelectorsMatch(local, remote, elsewhere, /*outbound=*/true));
  EXPECT_FALSE(SelectorsMatch({}, remote, out, true));
}

}  // namespace
}  // namespace cygnet::ipsec
