// The report's "Step duration analysis" section (StepOutlier).
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, StepOutlierTableShowsTheJsonStatistics) {
  // four-gpus StepOutlier: algo-1-31 TRAIN mean 0.4375218, max 9.1234567,
  // 12 outliers (> n_outliers 10), stddev 0.61.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "step-duration");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Step durations per rank and phase");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0],
            (std::vector<std::string>{"algo-1-31", "Step:ModeKeys.TRAIN", "0.4375", "9.1235",
                                      "2.5000", "0.5000", "0.3750", "0.2500", "0.61", "12"}));
  EXPECT_EQ(t->highlight_rows, std::vector<int>{0});
}

}  // namespace
}  // namespace smr
