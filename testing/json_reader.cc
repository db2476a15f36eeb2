#include "testing/json_reader.h"

#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace cygnet::testing {

keymgmt::JsonLimits TestVectorLimits() {
  keymgmt::JsonLimits limits;
  limits.max_input_bytes = size_t{64} << 20;
  limits.max_depth = 64;
  limits.max_string_bytes = size_t{16} << 20;
  limits.max_values = size_t{16} << 20;
  return limits;
}

absl::StatusOr<JsonValue> ParseJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open JSON file ", path));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<JsonValue> value =
      keymgmt::ParseJson(contents.str(), TestVectorLimits());
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", value.status().message()));
  }
  return value;
}

absl::StatusOr<int64_t> Int(const JsonValue& value) {
  return value.AsInt(std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max());
}

}  // namespace cygnet::testing
