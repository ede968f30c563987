// libFuzzer entry point for smr::fuzz::FuzzTfTrace (fuzz/fuzz_common.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!smr::fuzz::FuzzTfTrace(std::string_view(reinterpret_cast<const char*>(data), size))) {
    __builtin_trap();
  }
  return 0;
}
