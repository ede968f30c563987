// libFuzzer entry point for smr::fuzz::FuzzChromeTrace (fuzz/fuzz_common.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!smr::fuzz::FuzzChromeTrace(std::string_view(reinterpret_cast<const char*>(data), size))) {
    __builtin_trap();
  }
  return 0;
}
