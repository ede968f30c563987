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
  // 1700000120.5 s, last step start 1700000870.25 s: job 900.499706 s,
  // initialization 120.249588 s, loop 749.75 s, finalization 30.500118 s,
  // shown rounded: 900, 120, 750, 31 seconds. Shares of the job, rounded to
  // one decimal: 120.249588 / 900.499706 = 13.354 % -> 13.4 %, 749.75 /
  // 900.499706 = 83.259 % -> 83.3 %, 30.500118 / 900.499706 = 3.387 % ->
  // 3.4 %.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Start time"), "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "End time"), "2023-11-14 22:28:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "900 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "750 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization time"), "120 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Finalization time"), "31 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization"), "13.4 %");
  EXPECT_EQ(KeyValueOf(*s, "Training loop"), "83.3 %");
  EXPECT_EQ(KeyValueOf(*s, "Finalization"), "3.4 %");
  // The text and the pie show the same values.
  EXPECT_NE(AllText(*s).find("Initialization took 13.4 % of the job, the training loop 83.3 % "
                             "and finalization 3.4 %."),
            std::string::npos)
      << AllText(*s);
  const Chart* pie = nullptr;
  for (const Block& b : s->blocks) {
    for (const Chart& c : b.charts) {
      if (c.id == "job-phases") pie = &c;
    }
  }
  ASSERT_NE(pie, nullptr);
  ASSERT_EQ(pie->slices.size(), 3u);
  double total = 0;
  for (const PieSlice& sl : pie->slices) total += sl.value;
  // The pie's own share of each slice, rounded as the key/values are.
  EXPECT_EQ(FormatNumber(100 * pie->slices[0].value / total, 1), "13.4");
  EXPECT_EQ(FormatNumber(100 * pie->slices[1].value / total, 1), "83.3");
  EXPECT_EQ(FormatNumber(100 * pie->slices[2].value / total, 1), "3.4");
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
