// Stateful IKE fuzzer: a responder IkeEngine fed sequences of mutated
// datagrams from a recorded valid exchange (see ike_engine_fuzz_harness.h
// for the input format and the checked bounds).
#include <cstddef>
#include <cstdint>

#include "fuzz/ike_engine_fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cygnet::fuzz::RunIkeEngineFuzzInput(data, size);
  return 0;
}
