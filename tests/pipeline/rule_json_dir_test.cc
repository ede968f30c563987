// Rule-JSON folder discovery for `render` (src/pipeline/rule_json_dir.cc):
// FindRuleJsonDir on the hand-made sets of tests/data/rule_sets and on
// folders made here.
#include "smr/pipeline.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/pipeline/rule_sets.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

using pipeline_test::CopySet;
using pipeline_test::kRuleSets;
using pipeline_test::SingleGpuSet;

// A fresh scratch directory per test (removed when the binary ends).
fs::path Scratch(const std::string& name) { return testing::ScratchDir(name); }

TEST(FindRuleJsonDirTest, AcceptsTheProfilerReportsFolderItself) {
  const fs::path dir = SingleGpuSet() / "profiler-reports";
  StatusOr<std::string> found = FindRuleJsonDir(dir.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), dir);
}

TEST(FindRuleJsonDirTest, FindsTheSageMakerDownloadLayoutAndIgnoresCheckpoints) {
  const fs::path root = Scratch("find-nested");
  const fs::path reports =
      root / "rule-output" / "ProfilerReport-1639601700" / "profiler-output" / "profiler-reports";
  CopySet(SingleGpuSet(), reports);
  // Jupyter checkpoints: a copy of the set inside hidden folders.
  CopySet(SingleGpuSet(), reports / ".ipynb_checkpoints");
  CopySet(SingleGpuSet(), root / ".ipynb_checkpoints" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), reports);
}

TEST(FindRuleJsonDirTest, FindsTheHandMadeDownloadLayoutPastItsCheckpoints) {
  const fs::path root = kRuleSets / "system-only";
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), root / "rule-output" / "ProfilerReport-1720000300" /
                                  "profiler-output" / "profiler-reports");
}

TEST(FindRuleJsonDirTest, TheFolderOfAllHandMadeSetsHoldsFourSets) {
  StatusOr<std::string> found = FindRuleJsonDir(kRuleSets.string());
  ASSERT_FALSE(found.ok());
  const std::string& msg = found.status().message();
  EXPECT_NE(msg.find("4 sets"), std::string::npos) << msg;
  for (const char* set : {"cpu-only-two-nodes", "four-gpus", "single-gpu", "system-only"}) {
    EXPECT_NE(msg.find(set), std::string::npos) << set;
  }
  EXPECT_EQ(msg.find("ipynb"), std::string::npos) << msg;
}

TEST(FindRuleJsonDirTest, SeveralSetsAreAnErrorListingThem) {
  const fs::path root = Scratch("find-several");
  CopySet(SingleGpuSet(), root / "job-a" / "profiler-reports");
  CopySet(SingleGpuSet(), root / "job-b" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_FALSE(found.ok());
  const std::string& msg = found.status().message();
  EXPECT_NE(msg.find("job-a"), std::string::npos) << msg;
  EXPECT_NE(msg.find("job-b"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(FindRuleJsonDirTest, NothingFoundSaysWhatWasLookedFor) {
  const fs::path root = Scratch("find-none");
  fs::create_directories(root / "profiler-reports");
  std::ofstream(root / "profiler-reports" / "notes.json") << "{}";
  // Too deep to be searched.
  CopySet(SingleGpuSet(), root / "1" / "2" / "3" / "4" / "5" / "6" / "7" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().message().find("profiler-reports"), std::string::npos)
      << found.status().message();
  EXPECT_FALSE(FindRuleJsonDir((root / "missing").string()).ok());
}

}  // namespace
}  // namespace smr
