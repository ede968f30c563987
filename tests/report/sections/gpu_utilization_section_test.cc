// The report's "GPU utilization analysis" section (LowGPUUtilization).
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, LowGpuBoxPlotsCarryTheJsonStatistics) {
  // four-gpus LowGPUUtilization gpu0: p50 8, p75 52, upper 96, gpu_max 96;
  // gpu1-gpu3 idle.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "gpu-utilization");
  ASSERT_NE(s, nullptr);
  const Chart* box = nullptr;
  for (const Block& b : s->blocks) {
    if (b.kind == BlockKind::kChart && b.chart.kind == ChartKind::kBox) box = &b.chart;
  }
  ASSERT_NE(box, nullptr);
  ASSERT_EQ(box->boxes.size(), 4u);
  EXPECT_EQ(box->boxes[0].label, "gpu0");
  EXPECT_DOUBLE_EQ(box->boxes[0].p50, 8.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].p75, 52.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].upper, 96.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].max, 96.0);
  EXPECT_EQ(box->boxes[3].label, "gpu3");
  EXPECT_DOUBLE_EQ(box->boxes[3].max, 4.0);
}

}  // namespace
}  // namespace smr
