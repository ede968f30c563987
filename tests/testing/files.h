// Reading and writing whole files in tests (no error handling beyond what a
// test needs: a missing file reads as "", and writing creates the parent
// folders).
#ifndef SMR_TESTS_TESTING_FILES_H_
#define SMR_TESTS_TESTING_FILES_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace smr {
namespace testing {

// The bytes of `p` ("" if it cannot be read).
inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `data` to `p` (replacing it), creating the parent folders; returns `p`.
inline std::filesystem::path WriteFile(const std::filesystem::path& p, std::string_view data) {
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  return p;
}

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_FILES_H_
