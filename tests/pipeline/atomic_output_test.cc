// Atomic output (src/pipeline/atomic_output.cc): WriteFileAtomic replaces
// files whole and leaves no temporary file; WriteAll stops at the first
// failure and lists what it wrote.
#include "src/pipeline/atomic_output.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/pipeline.h"
#include "tests/pipeline/rule_sets.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

using pipeline_test::HasTempFile;
using testing::ReadFile;

// A fresh scratch directory per test (removed when the binary ends).
fs::path Scratch(const std::string& name) { return testing::ScratchDir(name); }

TEST(WriteFileAtomicTest, CreatesMissingParentDirectories) {
  const fs::path dir = Scratch("atomic-create");
  const fs::path target = dir / "a" / "b" / "out.txt";
  ASSERT_TRUE(WriteFileAtomic(target.string(), "hello").ok());
  EXPECT_EQ(ReadFile(target), "hello");
}

TEST(WriteFileAtomicTest, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  const fs::path dir = Scratch("atomic-replace");
  const fs::path target = dir / "out.txt";
  std::ofstream(target) << "an older and longer content";
  ASSERT_TRUE(WriteFileAtomic(target.string(), "new").ok());
  EXPECT_EQ(ReadFile(target), "new");
  EXPECT_FALSE(HasTempFile(dir));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(WriteFileAtomicTest, FailsWhenTheParentIsAFile) {
  const fs::path dir = Scratch("atomic-fail");
  std::ofstream(dir / "blocker") << "x";
  const Status st = WriteFileAtomic((dir / "blocker" / "out.txt").string(), "data");
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(st.message().empty());
  EXPECT_FALSE(HasTempFile(dir));
}

TEST(WriteAllTest, WritesInOrderAndListsEveryPath) {
  const fs::path dir = Scratch("write-all");
  const OutputFiles files = {{(dir / "a.json").string(), "{}"},
                             {(dir / "sub" / "b.html").string(), "<html></html>"}};
  std::vector<std::string> written;
  ASSERT_TRUE(WriteAll(files, &written).ok());
  EXPECT_EQ(written, (std::vector<std::string>{files[0].first, files[1].first}));
  EXPECT_EQ(ReadFile(dir / "a.json"), "{}");
  EXPECT_EQ(ReadFile(dir / "sub" / "b.html"), "<html></html>");
  EXPECT_FALSE(HasTempFile(dir));
}

TEST(WriteAllTest, StopsAtTheFirstFailureAndListsOnlyWhatWasWritten) {
  const fs::path dir = Scratch("write-all-fail");
  testing::WriteFile(dir / "blocker", "x");
  const OutputFiles files = {{(dir / "first.json").string(), "1"},
                             {(dir / "blocker" / "second.json").string(), "2"},
                             {(dir / "third.json").string(), "3"}};
  std::vector<std::string> written;
  EXPECT_FALSE(WriteAll(files, &written).ok());
  EXPECT_EQ(written, std::vector<std::string>{files[0].first});
  EXPECT_EQ(ReadFile(dir / "first.json"), "1");
  EXPECT_FALSE(fs::exists(dir / "third.json"));
  EXPECT_FALSE(HasTempFile(dir));
}

}  // namespace
}  // namespace smr
