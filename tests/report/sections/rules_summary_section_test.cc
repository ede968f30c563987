// The report's "Rules summary" section: the rules table.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, RulesSummaryIsSortedByTriggerCountWithoutOverallRules) {
  // single-gpu: GPUMemoryIncrease 41, LowGPUUtilization 7, then CPUBottleneck
  // and Dataloader with 1 each (ties keep ProfilerReport order), five with 0.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "rules-summary");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 9u);  // 11 rules minus the two Overall* ones
  const std::vector<std::pair<std::string, std::string>> top = {{"GPUMemoryIncrease", "41"},
                                                                {"LowGPUUtilization", "7"},
                                                                {"CPUBottleneck", "1"},
                                                                {"Dataloader", "1"}};
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(t->rows[i][0], top[i].first) << i;
    EXPECT_EQ(t->rows[i][1], "triggered") << i;
    EXPECT_EQ(t->rows[i][3], top[i].second) << i;
  }
  EXPECT_EQ(t->rows[0][4], "1802");  // datapoints
  for (size_t i = top.size(); i < t->rows.size(); ++i) EXPECT_EQ(t->rows[i][3], "0") << i;
  for (const auto& row : t->rows) {
    EXPECT_NE(row[0], "OverallSystemUsage");
    EXPECT_NE(row[0], "OverallFrameworkMetrics");
  }
  EXPECT_EQ(t->highlight_rows, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace smr
