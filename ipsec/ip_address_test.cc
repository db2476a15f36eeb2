#include "ipsec/ip_address.h"

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

IpAddress P(absl::string_view text) {
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
  EXPECT_TRUE(address.ok()) << text << ": " << address.status();
  return address.value_or(IpAddress());
}

TEST(IpAddressTest, ParsesIpv4) {
  IpAddress a = P("192.0.2.1");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.v4_host_order(), 0xc0000201u);
  EXPECT_EQ(a, IpAddress::V4(0xc0000201u));
  EXPECT_EQ(a.bytes().size(), 4u);
  EXPECT_EQ(a.bytes()[0], 192);
  EXPECT_EQ(a.ToString(), "192.0.2.1");
  EXPECT_EQ(P("0.0.0.0").ToString(), "0.0.0.0");
  EXPECT_EQ(P("255.255.255.255"), IpAddress::Max(true));
}

TEST(IpAddressTest, RejectsBadIpv4) {
  for (absl::string_view bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "1.2.3.",
        "a.b.c.d", "1.2.3.4/24", " 1.2.3.4", "1.2.3.-4"}) {
    absl::StatusOr<IpAddress> a = IpAddress::Parse(bad);
    EXPECT_FALSE(a.ok()) << bad;
    if (!a.ok()) {
      EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  EXPECT_NE(IpAddress::Parse("300.1.1.1").status().message().find("300.1.1.1"),
            absl::string_view::npos);
}

TEST(IpAddressTest, ParsesIpv6AndPrintsRfc5952) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2001:db8::1", "2001:db8::1"},
      {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // single 0 kept
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},           // longest run
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     // first of equal runs
      {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
      {"0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"},
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
  };
  for (const Case& c : cases) {
    IpAddress a = P(c.in);
    EXPECT_FALSE(a.is_v4()) << c.in;
    EXPECT_EQ(a.bytes().size(), 16u);
    EXPECT_EQ(a.ToString(), c.out) << c.in;
    EXPECT_EQ(P(a.ToString()), a) << c.in;
  }
}

TEST(IpAddressTest, RejectsBadIpv6) {
  for (absl::string_view bad :
       {":", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7", "g::1",
        "1:2:3:4:5:6:7:8:9", "::1.2.3", "1.2.3.4::", ":1::", "1::2:",
        "1:2:3:4:5:6:7::8", "fe80::1%eth0", "[::1]"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
  }
}

TEST(IpAddressTest, FromBytes) {
  const uint8_t v4[] = {10, 0, 0, 1};
  EXPECT_EQ(IpAddress::FromBytes(v4), P("10.0.0.1"));
  std::vector<uint8_t> v6(16, 0);
  v6[15] = 1;
  EXPECT_EQ(IpAddress::FromBytes(v6), P("::1"));
  const uint8_t five[] = {1, 2, 3, 4, 5};
  EXPECT_EQ(IpAddress::FromBytes(five), IpAddress());
  absl::StatusOr<IpAddress> checked = IpAddress::FromBytesChecked(five);
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.status().message().find("5 bytes"),
            absl::string_view::npos);
  EXPECT_TRUE(IpAddress::FromBytesChecked(v4).ok());
}

// The packet path reuses one object per packet: an IPv4 address written
// over an IPv6 one must leave nothing of it behind (equality and hashing read
// all 16 bytes).
TEST(IpAddressTest, AssignBytesReplacesTheWholeAddress) {
  IpAddress address = P("2001:db8::1");
  const uint8_t v4[4] = {192, 0, 2, 7};
  address.AssignBytes(v4);
  EXPECT_TRUE(address.is_v4());
  EXPECT_EQ(address, P("192.0.2.7"));
  EXPECT_EQ(absl::Hash<IpAddress>{}(address),
            absl::Hash<IpAddress>{}(P("192.0.2.7")));
  const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                          0,    0,    0,    0,    0, 0, 0, 2};
  address.AssignBytes(v6);
  EXPECT_EQ(address, P("2001:db8::2"));
  address.AssignBytes({});  // not an address: 0.0.0.0, as FromBytes
  EXPECT_EQ(address, IpAddress());
}

TEST(IpAddressTest, OrderingAndEquality) {
  EXPECT_LT(P("10.0.0.1"), P("10.0.0.2"));
  EXPECT_LT(P("9.255.255.255"), P("10.0.0.0"));
  EXPECT_LT(P("255.255.255.255"), P("::"));  // IPv4 before IPv6
  EXPECT_LT(P("2001:db8::1"), P("2001:db8::2"));
  EXPECT_NE(P("0.0.0.0"), P("::"));
  EXPECT_NE(P("::ffff:10.0.0.1"), P("10.0.0.1"));
  EXPECT_LE(P("1.1.1.1"), P("1.1.1.1"));
  EXPECT_GE(P("1.1.1.2"), P("1.1.1.1"));
  EXPECT_GT(P("::2"), P("::1"));
}

TEST(IpAddressTest, Hash) {
  absl::flat_hash_set<IpAddress> set = {P("10.0.0.1"), P("::a00:1"),
                                        P("10.0.0.1"), P("0.0.0.0"), P("::")};
  EXPECT_EQ(set.size(), 4u);
  EXPECT_TRUE(set.contains(IpAddress::V4(0x0a000001)));
}

TEST(IpAddressTest, PrefixHelpers) {
  EXPECT_EQ(P("10.1.2.3").Masked(8), P("10.0.0.0"));
  EXPECT_EQ(P("10.1.2.3").Masked(20), P("10.1.0.0"));
  EXPECT_EQ(P("10.1.2.3").Masked(0), P("0.0.0.0"));
  EXPECT_EQ(P("10.1.2.3").Masked(32), P("10.1.2.3"));
  EXPECT_EQ(P("10.1.2.3").Masked(99), P("10.1.2.3"));
  EXPECT_EQ(P("10.1.2.3").LastInPrefix(20), P("10.1.15.255"));
  EXPECT_EQ(P("2001:db8::1").Masked(32), P("2001:db8::"));
  EXPECT_EQ(P("2001:db8::").LastInPrefix(33),
            P("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_TRUE(P("10.1.2.3").SharesPrefix(P("10.1.200.1"), 16));
  EXPECT_FALSE(P("10.1.2.3").SharesPrefix(P("10.2.0.0"), 16));
  EXPECT_FALSE(P("0.0.0.0").SharesPrefix(P("::"), 0));
}

TEST(IpAddressTest, NextAndPrevious) {
  EXPECT_EQ(P("10.0.0.255").Next(), P("10.0.1.0"));
  EXPECT_EQ(P("10.0.1.0").Previous(), P("10.0.0.255"));
  EXPECT_EQ(P("255.255.255.255").Next(), P("255.255.255.255"));
  EXPECT_EQ(P("0.0.0.0").Previous(), P("0.0.0.0"));
  EXPECT_EQ(P("::ffff").Next(), P("::1:0"));
  EXPECT_TRUE(IpAddress::Max(false).IsMax());
  EXPECT_TRUE(IpAddress::Zero(false).IsZero());
  EXPECT_FALSE(P("::1").IsZero());
}

}  // namespace
}  // namespace cygnet::ipsec
