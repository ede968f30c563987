// The report's "Training job summary" section: job timing from MaxInitializationTime
// (render mode) and the note when no steps were profiled.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, JobSummaryComesFromMaxInitializationTime) {
  // job_start 1700000000.250412, job_end 1700000900.750118, first step
  // 1700000120.5 s, last step start 1700000870.25 s:
  // int(900.4997) = 900, int(749.75) = 749, int(120.2496) = 120,
  // int(30.5001) = 30; int(120/900*100) = 13, int(749/900*100) = 83,
  // int(30/900*100) = 3.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Start time"), "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "End time"), "2023-11-14 22:28:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "900 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "749 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization time"), "120 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Finalization time"), "30 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization"), "13 %");
  EXPECT_EQ(KeyValueOf(*s, "Training loop"), "83 %");
  EXPECT_EQ(KeyValueOf(*s, "Finalization"), "3 %");
}

TEST(ReportBuilderTest, NoStepsMeansNoLoopRowsAndAnExplanation) {
  // system-only: no framework profiling, step_num {}.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("system-only", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "263 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "<missing>");
  bool explained = false;
  for (const Block& b : s->blocks) {
    if (b.kind == BlockKind::kNote && b.text.find("No step information") != std::string::npos) {
      explained = true;
    }
  }
  EXPECT_TRUE(explained);
}

}  // namespace
}  // namespace smr
