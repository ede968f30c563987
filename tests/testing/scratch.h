// Scratch folders for tests that write files. Each test binary run gets one
// folder, <build>/test-scratch/<binary>-<pid>, created on first use and
// removed when the binary ends: by a gtest environment's TearDown, which
// also runs after failed tests (not after a crash). With
// SMR_KEEP_TEST_OUTPUT=1 the folder is kept and its path printed, for
// debugging.
#ifndef SMR_TESTS_TESTING_SCRATCH_H_
#define SMR_TESTS_TESTING_SCRATCH_H_

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

namespace smr {
namespace testing {

inline bool KeepTestOutput() {
  const char* keep = std::getenv("SMR_KEEP_TEST_OUTPUT");
  return keep != nullptr && *keep != '\0' && std::strcmp(keep, "0") != 0;
}

inline std::filesystem::path& ScratchRootStorage() {
  static std::filesystem::path root;
  return root;
}

// This run's scratch folder (created on first call).
inline const std::filesystem::path& ScratchRoot() {
  std::filesystem::path& root = ScratchRootStorage();
  if (root.empty()) {
    std::error_code ec;
    std::string binary = std::filesystem::read_symlink("/proc/self/exe", ec).filename().string();
    if (binary.empty()) binary = "test";
    root = std::filesystem::path(SMR_BINARY_DIR) / "test-scratch" /
           (binary + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root, ec);
    std::filesystem::create_directories(root);
  }
  return root;
}

// A fresh, empty folder `name` below ScratchRoot().
inline std::filesystem::path ScratchDir(const std::string& name) {
  const std::filesystem::path dir = ScratchRoot() / name;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  return dir;
}

// Removes the scratch folder (and test-scratch/ when it is left empty).
class ScratchEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::filesystem::path& root = ScratchRootStorage();
    if (root.empty()) return;
    if (KeepTestOutput()) {
      std::cerr << "SMR_KEEP_TEST_OUTPUT: test files kept in " << root.string() << "\n";
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
    std::filesystem::remove(root.parent_path(), ec);  // only if empty
    root.clear();
  }
};

// Registered once per binary, before main runs the tests.
inline ::testing::Environment* const kScratchEnvironment =
    ::testing::AddGlobalTestEnvironment(new ScratchEnvironment);

}  // namespace testing
}  // namespace smr

#endif  // SMR_TESTS_TESTING_SCRATCH_H_
