#include "keymgmt/ppk/manual_ppk_source.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

crypto::SecretBytes Key(const std::string& s) {
  return crypto::SecretBytes::Copy(
      {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

const absl::Time kNow = absl::FromUnixSeconds(1000);

TEST(ManualPpkSourceTest, NewKeyIsFirstConfiguredForPeer) {
  ManualPpkSource src;
  ASSERT_TRUE(src.AddKey("r2", "123", Key("first-key")).ok());
  ASSERT_TRUE(src.AddKey("r2", "124", Key("second-key")).ok());
  ASSERT_TRUE(src.AddKey("r3", "200", Key("other-peer")).ok());
  PpkSource::RequestId rid = src.RequestNewKey("r2", kNow);
  auto results = src.TakeResults(kNow);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, rid);
  ASSERT_TRUE(results[0].second.ok());
  EXPECT_EQ(results[0].second->id, "123");
  EXPECT_TRUE(results[0].second->key.Equals(Key("first-key")));
  // Each result exactly once.
  EXPECT_TRUE(src.TakeResults(kNow).empty());
}

TEST(ManualPpkSourceTest, KeyByIdLooksUpTheId) {
  ManualPpkSource src;
  ASSERT_TRUE(src.AddKey("r1", "123", Key("k123")).ok());
  ASSERT_TRUE(src.AddKey("r1", "124", Key("k124")).ok());
  PpkSource::RequestId a = src.RequestKeyById("r1", "124", kNow);
  PpkSource::RequestId b = src.RequestKeyById("r1", "123", kNow);
  EXPECT_NE(a, b);
  auto results = src.TakeResults(kNow);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].first, a);
  EXPECT_EQ(results[0].second->id, "124");
  EXPECT_TRUE(results[0].second->key.Equals(Key("k124")));
  EXPECT_EQ(results[1].first, b);
  EXPECT_TRUE(results[1].second->key.Equals(Key("k123")));
}

TEST(ManualPpkSourceTest, UnknownIdIsNotFound) {
  ManualPpkSource src;
  ASSERT_TRUE(src.AddKey("r1", "123", Key("k123")).ok());
  PpkSource::RequestId rid = src.RequestKeyById("r1", "999", kNow);
  auto results = src.TakeResults(kNow);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, rid);
  EXPECT_EQ(results[0].second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(results[0].second.status().message(), "unknown PPK ID '999'");
}

TEST(ManualPpkSourceTest, PeerWithoutKeyIsNotFound) {
  ManualPpkSource src;
  ASSERT_TRUE(src.AddKey("r1", "123", Key("k123")).ok());
  src.RequestNewKey("r9", kNow);
  auto results = src.TakeResults(kNow);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(results[0].second.status().message(), HasSubstr("'r9'"));
}

TEST(ManualPpkSourceTest, AddKeyRejectsBadEntries) {
  ManualPpkSource src;
  EXPECT_EQ(src.AddKey("r1", "", Key("k")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(src.AddKey("r1", "1", crypto::SecretBytes()).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(src.AddKey("r1", "1", Key("k")).ok());
  absl::Status dup = src.AddKey("r2", "1", Key("other"));
  EXPECT_EQ(dup.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(dup.message(), HasSubstr("'1'"));
  EXPECT_EQ(src.size(), 1u);
}

TEST(ManualPpkSourceTest, NeverPendingAndKeySurvivesRequests) {
  ManualPpkSource src;
  EXPECT_EQ(src.NextTimeout(), absl::InfiniteFuture());
  ASSERT_TRUE(src.AddKey("r1", "7", Key("k7")).ok());
  for (int i = 0; i < 3; ++i) src.RequestNewKey("r1", kNow);
  EXPECT_EQ(src.NextTimeout(), absl::InfiniteFuture());
  auto results = src.TakeResults(kNow);
  ASSERT_EQ(results.size(), 3u);
  for (auto& r : results) {
    ASSERT_TRUE(r.second.ok());
    EXPECT_TRUE(r.second->key.Equals(Key("k7")));
  }
}

}  // namespace
}  // namespace cygnet::keymgmt
