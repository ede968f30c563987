// The report's "Framework metrics summary" section: operator tables and phase shares.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, FrameworkOperatorsAreSortedByShare) {
  // four-gpus CPU shares: copy_ 19.05 > to 17.85 > conv2d 16.2 > convolution
  // 15.9 > relu 15.0 > cudnn_convolution 12.4 > batch_norm 3.6.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "cpu-operators");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 7u);
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"aten::copy_", "19.05", "1905000"}));
  EXPECT_EQ(t->rows[1][0], "aten::to");
  EXPECT_EQ(t->rows[4][0], "aten::relu");
  EXPECT_EQ(t->rows.back()[0], "aten::batch_norm");
  // The text gives the table's value.
  EXPECT_NE(AllText(*s).find("aten::copy_ with 19.05 % of the CPU operator time"),
            std::string::npos)
      << AllText(*s);
}

TEST(ReportBuilderTest, NegativeOthersShareIsShownAsWritten) {
  // cpu-only-two-nodes OverallFrameworkMetrics: SageMaker's recurrence left
  // phase {GLOBAL 103.125, others -3.125}; the report draws what the JSON says
  // and does not claim that much time was spent outside the steps. The JSON's
  // "others" is the time between steps in the training loop (not the
  // report's "all others" of a top-N list), and the text says the shares are
  // of the training loop, not of the job.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("cpu-only-two-nodes", &results);
  const Section* s = FindSection(m.sections, "framework-metrics");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("Steps ran for most of the training loop."), std::string::npos)
      << AllText(*s);
  EXPECT_NE(AllText(*s).find("These shares are of the time the framework recorded steps for, not "
                             "of the whole job."),
            std::string::npos)
      << AllText(*s);
  const Chart* phase = nullptr;
  for (const Block& b : s->blocks) {
    for (const Chart& c : b.charts) {
      if (c.id == "fw-phase") phase = &c;
    }
  }
  ASSERT_NE(phase, nullptr);
  ASSERT_EQ(phase->slices.size(), 2u);
  EXPECT_EQ(phase->slices[1].label, "between steps");
  EXPECT_DOUBLE_EQ(phase->slices[1].value, -3.125);
}

}  // namespace
}  // namespace smr
