// Scratch folders for tests that write files: the one temporary-folder
// helper of the test suite. Each test binary run gets one folder,
// <build>/test-scratch/<binary>-<pid>, created on first use and removed when
// the binary ends: by a gtest environment's TearDown, which also runs after
// failed tests (not after a crash). With SMR_KEEP_TEST_OUTPUT=1 the folder is
// kept and its path printed, for debugging. ScratchDir gives a test a fresh
// folder in it; ScopedScratchDir also removes that folder when it goes out
// of scope, for tests that write a lot.
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
    // Another test binary ending at the same moment removes test-scratch/
    // when it is empty, which can fall between our creating it and creating
    // our folder inside it: try again then.
    for (int attempt = 0;; ++attempt) {
      std::filesystem::create_directories(root, ec);
      if (!ec || attempt == 20) break;
    }
    if (ec) std::filesystem::create_directories(root);  // throws with the reason
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

// A fresh folder named after the running test (suite and name, plus
// `suffix`), below ScratchRoot().
inline std::filesystem::path ScratchDirForTest(const std::string& suffix = "") {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "test";
  for (char& c : name) {
    if (c == '/') c = '_';  // parameterised tests: "Suite/Test/0"
  }
  return ScratchDir(name + suffix);
}

// A fresh scratch folder that is removed when this object goes (write
// permission restored first, so tests may make it read-only). With
// SMR_KEEP_TEST_OUTPUT=1 it is kept.
class ScopedScratchDir {
 public:
  explicit ScopedScratchDir(const std::string& name) : path_(ScratchDir(name)) {}
  // Named after the running test, numbered so that a test may hold several.
  ScopedScratchDir() : path_(ScratchDirForTest("-" + std::to_string(NextNumber()))) {}
  ~ScopedScratchDir() {
    if (KeepTestOutput()) return;
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ScopedScratchDir(const ScopedScratchDir&) = delete;
  ScopedScratchDir& operator=(const ScopedScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  static int NextNumber() {
    static int next = 0;
    return next++;
  }

  std::filesystem::path path_;
};

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
