// Test helpers for the broken-input tests: a scratch folder to write input
// into, system-metrics lines, discovery + import of a folder, and a UTF-8
// check.
#ifndef SMR_TESTS_INGEST_BROKEN_INPUT_UTIL_H_
#define SMR_TESTS_INGEST_BROKEN_INPUT_UTIL_H_

#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "smr/discover.h"
#include "smr/ingest.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr::broken_input {

namespace fs = std::filesystem;

inline bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// A fresh folder for this test, removed when it goes (tests/testing/scratch.h).
class TempDir : public testing::ScopedScratchDir {
 public:
  fs::path Write(const std::string& rel, std::string_view data) const {
    return testing::WriteFile(path() / rel, data);
  }
};

inline std::string SysLine(double ts, double value = 1.0, const std::string& node = "algo-1") {
  std::ostringstream o;
  o.precision(17);
  o << R"({"Type":"cpu","Name":"cpu0","Dimension":"CPUUtilization","Value":)" << value
    << R"(,"NodeId":")" << node << R"(","Timestamp":)" << ts << "}";
  return o.str();
}

struct Imported {
  Discovery discovery;
  IngestResult result;
};

inline Imported ImportDir(const std::string& dir) {
  Imported r;
  StatusOr<Discovery> d = DiscoverInputs(dir);
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return r;
  r.discovery = std::move(*d);
  r.result = ImportAll(r.discovery, IngestOptions{2});
  return r;
}

}  // namespace smr::broken_input

#endif  // SMR_TESTS_INGEST_BROKEN_INPUT_UTIL_H_
