// The report's "CPU bottlenecks" / "I/O bottlenecks" sections.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, BottleneckShareIsViolationsOverDatapoints) {
  // single-gpu CPUBottleneck: Violations 100, Datapoints 1802 ->
  // 5.549 % shown rounded as 5.5 %, low_gpu_utilization 1310, RuleTriggered 1 (the ratio
  // was above 50 % in the first window and fell later).
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("100 of 1802 samples (5.5 %) were bottlenecks"), std::string::npos) << text;
  EXPECT_NE(text.find("below 10 % in 1310 samples"), std::string::npos) << text;
  EXPECT_NE(text.find("triggered 1 times"), std::string::npos) << text;
  EXPECT_NE(text.find("The rule fired 1 time (once per 60-second window"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace smr
