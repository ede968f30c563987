// Pipeline tests (in-process): atomic file writes and render mode's errors.
// Finding and rendering the real SageMaker rule-JSON sets is checked by the
// shared-data tests in real_reports_shared_test.cc.
#include "smr/pipeline.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace smr {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh scratch directory per test.
fs::path Scratch(const std::string& name) {
  const fs::path dir = fs::path(SMR_BINARY_DIR) / "pipeline-tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

bool HasTempFile(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

// ---- WriteFileAtomic ----

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

// ---- RunRender ----

TEST(RunRenderTest, NoReadableRuleJsonIsAnError) {
  const fs::path root = Scratch("render-unreadable");
  fs::create_directories(root / "profiler-reports");
  std::ofstream(root / "profiler-reports" / "LowGPUUtilization.json") << "[]";
  RenderOptions opts;
  opts.input_dir = root.string();
  opts.out_dir = (root / "out").string();
  opts.quiet = true;
  StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
  EXPECT_FALSE(summary.ok());
  EXPECT_FALSE(fs::exists(root / "out"));
}

TEST(ProfilerReportRuleNamesTest, ElevenRulesInSageMakerOrder) {
  // rules-and-report.md §1.
  EXPECT_EQ(ProfilerReportRuleNames(),
            (std::vector<std::string>{"CPUBottleneck", "IOBottleneck", "LowGPUUtilization",
                                      "StepOutlier", "GPUMemoryIncrease", "BatchSize",
                                      "MaxInitializationTime", "LoadBalancing",
                                      "OverallSystemUsage", "Dataloader",
                                      "OverallFrameworkMetrics"}));
}

}  // namespace
}  // namespace smr
