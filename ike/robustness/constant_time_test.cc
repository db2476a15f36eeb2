// MAC / AUTH / cookie comparisons do not use an early-exit compare.
//
// This test binary defines memcmp and bcmp itself (the executable's
// definitions take precedence over the C library's for every caller in the
// process, including the library code under test), and flags any call whose
// operands start with a watched byte string. An early-exit comparison of a
// received value, whether written as memcmp, std::equal or std::vector's
// operator==, compiles to one of these calls; crypto::ConstantTimeEquals
// and BoringSSL's CRYPTO_memcmp do not. The positive control shows a
// vector == on a watched value is caught. (A source grep would be the
// complement; this checks the code paths that actually run.)
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/time/time.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"
#include "ike/authentication.h"
#include "ike/robustness/attack_test_support.h"
#include "ike/wire/message.h"

namespace {

constexpr size_t kWatchSize = 12;
uint8_t g_watch[kWatchSize];
std::atomic<bool> g_watching{false};
std::atomic<int> g_flagged{0};

bool StartsWithWatch(const void* p, size_t n) {
  if (n < kWatchSize) return false;
  const auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < kWatchSize; ++i) {
    if (b[i] != g_watch[i]) return false;
  }
  return true;
}

int Compare(const void* a, const void* b, size_t n) {
  if (g_watching.load(std::memory_order_relaxed) &&
      (StartsWithWatch(a, n) || StartsWithWatch(b, n))) {
    g_flagged.fetch_add(1, std::memory_order_relaxed);
  }
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // namespace

extern "C" int memcmp(const void* a, const void* b, size_t n) {
  return Compare(a, b, n);
}
extern "C" int bcmp(const void* a, const void* b, size_t n) {
  return Compare(a, b, n);
}

namespace cygnet::ike::robustness {
namespace {

class Watch {
 public:
  explicit Watch(const std::vector<uint8_t>& value) {
    std::copy(value.begin(), value.begin() + kWatchSize, g_watch);
    g_flagged = 0;
    g_watching = true;
  }
  ~Watch() { g_watching = false; }
  int flagged() const { return g_flagged.load(); }
};

// Keeps the compiler from proving anything about the compared sizes.
__attribute__((noinline)) bool VectorEquals(const std::vector<uint8_t>& a,
                                            const std::vector<uint8_t>& b) {
  return a == b;
}

TEST(ConstantTimeTest, PositiveControlCatchesVectorEquality) {
  std::vector<uint8_t> received(32, 0x5c);
  received[0] = 0x01;
  std::vector<uint8_t> expected(32, 0x5c);
  Watch watch(received);
  EXPECT_FALSE(VectorEquals(received, expected));
  EXPECT_GE(watch.flagged(), 1);
}

TEST(ConstantTimeTest, PskAuthIsComparedInConstantTime) {
  crypto::SecretBytes psk = crypto::SecretBytes::Copy(
      std::vector<uint8_t>{'s', 'e', 'c', 'r', 'e', 't', '-', 'k', 'e', 'y'});
  std::vector<uint8_t> signed_octets(200, 0x33);
  absl::StatusOr<std::vector<uint8_t>> good = ComputeSharedKeyAuth(
      crypto::PrfAlgorithm::kHmacSha256, psk, signed_octets);
  ASSERT_TRUE(good.ok());
  std::vector<uint8_t> bad = *good;
  bad.back() ^= 1;  // same prefix: an early-exit compare would run long
  {
    Watch watch(bad);
    EXPECT_FALSE(VerifySharedKeyAuth(crypto::PrfAlgorithm::kHmacSha256, psk,
                                     signed_octets, bad)
                     .ok());
    EXPECT_EQ(watch.flagged(), 0);
  }
  {
    Watch watch(*good);
    EXPECT_TRUE(VerifySharedKeyAuth(crypto::PrfAlgorithm::kHmacSha256, psk,
                                    signed_octets, *good)
                    .ok());
    EXPECT_EQ(watch.flagged(), 0);
  }
}

// The responder's cookie check (RFC 7296 2.6): a wrong cookie of the right
// length and shape.
TEST(ConstantTimeTest, CookieIsComparedInConstantTime) {
  EngineLimits limits;
  limits.cookie_threshold = 0;  // always demand a cookie
  Node responder(9, kResponderAddress, limits);
  ASSERT_TRUE(
      responder.engine
          .AddPolicy(TestPolicy("r", kResponderAddress, kInitiatorAddress))
          .ok());
  wire::Message init = InitiatorSaInit(10, kInitiatorAddress);
  std::vector<uint8_t> wrong_cookie = {0,    0,    0,    1,    0xc0, 0x0c, 0x1e,
                                       0x5a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
                                       0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc};
  wire::Notify cookie;
  cookie.type = wire::NotifyType::kCookie;
  cookie.data = wrong_cookie;
  init.payloads.insert(init.payloads.begin(),
                       wire::Payload::Of(std::move(cookie)));
  std::vector<uint8_t> bytes = EncodeOrDie(init);
  absl::Time now = absl::FromUnixSeconds(1700000000);
  Watch watch(wrong_cookie);
  responder.engine.HandleDatagram({Ip(kInitiatorAddress), 500},
                                  responder.endpoint, bytes, now);
  EXPECT_EQ(responder.engine.counters().cookies_sent, 1u);  // refused
  EXPECT_EQ(responder.engine.ike_sa_count(), 0u);
  EXPECT_EQ(watch.flagged(), 0);
}

}  // namespace
}  // namespace cygnet::ike::robustness
