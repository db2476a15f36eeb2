#include "testing/json_reader.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cygnet::testing {
namespace {

using ::testing::HasSubstr;

std::string WriteFile(const std::string& name, const std::string& contents) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path =
      std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(JsonReaderTest, ReadsAVectorFile) {
  const std::string path =
      WriteFile("vectors.json",
                R"({"numberOfTests": 2, "testGroups": [{"tests": [
                    {"tcId": 1, "result": "valid"},
                    {"tcId": 9007199254740993, "result": "invalid"}]}]})");
  absl::StatusOr<JsonValue> root = ParseJsonFile(path);
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*Int((*root)["numberOfTests"]), 2);
  const JsonValue& tests = (*root)["testGroups"].items()[0]["tests"];
  ASSERT_EQ(tests.items().size(), 2u);
  EXPECT_EQ(tests.items()[0]["result"].string_value(), "valid");
  // Integers beyond 2^53 stay exact.
  EXPECT_EQ(*Int(tests.items()[1]["tcId"]), 9007199254740993);
  EXPECT_FALSE(Int(tests.items()[1]["result"]).ok());
}

// Vector files are far beyond the network limits the parser applies to key
// services (64 KiB, depth 8, 4096 values).
TEST(JsonReaderTest, LimitsFitVectorFiles) {
  std::string big = "[";
  for (int i = 0; i < 100000; ++i) big += i == 0 ? "1" : ",1";
  big += "]";
  absl::StatusOr<JsonValue> root = ParseJsonFile(WriteFile("big.json", big));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->items().size(), 100000u);
}

TEST(JsonReaderTest, ErrorsNameThePath) {
  absl::StatusOr<JsonValue> missing = ParseJsonFile("no/such/file.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no/such/file.json"));
  const std::string path = WriteFile("bad.json", "{\"a\": 1,}");
  absl::StatusOr<JsonValue> bad = ParseJsonFile(path);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace cygnet::testing
