// Test-vector files (Wycheproof, ACVP) read with the library's own strict
// JSON parser (keymgmt/ppk/json.h), for tests only.
//
// One parser serves both: the key-service clients use it on network input
// with tight limits; this loader applies limits sized for vector files
// (several MB, tens of thousands of values). Test infrastructure sits outside
// the library's layers, so a crypto/ test reading vectors through it does not
// make crypto/ depend on keymgmt/.
#ifndef CYGNET_TESTING_JSON_READER_H_
#define CYGNET_TESTING_JSON_READER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "keymgmt/ppk/json.h"

namespace cygnet::testing {

using JsonValue = keymgmt::JsonValue;

// Files up to 64 MiB, nesting 64, strings 16 MiB, 16M values.
keymgmt::JsonLimits TestVectorLimits();

// Reads and parses a file (path relative to the test's working directory,
// i.e. the runfiles root for Bazel tests). Errors name the path.
absl::StatusOr<JsonValue> ParseJsonFile(const std::string& path);

// A number that is an integer in int64 range (vector files use them for
// counts, sizes and ids); error otherwise.
absl::StatusOr<int64_t> Int(const JsonValue& value);

}  // namespace cygnet::testing

#endif  // CYGNET_TESTING_JSON_READER_H_
