// The "Slowest steps" section (src/report/sections/slow_steps_section.cc) on
// a hand-made job: durations, ratio to the median, the utilization during
// each step and the framework activity inside it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
using testing::TestData;

// Seven TRAIN steps on algo-1-0 (start s, duration ms): 0 (1000, 3000),
// 1 (1010, 200), 2 (1020, 100), 3 (1030, 1500), 4 (1040, 300), 5 (1050,
// 200), 6 (1060, 100). Slowest: 0, 3, 4. Sorted: 100 100 200 200 300 1500
// 3000, lower median 200 ms (step 1, the first 200 ms step from the
// longest). Samples every 0.5 s from 1000 to 1062 s: CPU 90 / GPU 10 / I/O
// wait 30 during step 0 (1000-1003 s), else 40 / 80 / 0.
std::unique_ptr<testing::BuiltData> Job() {
  TestData d;
  for (int k = 0; k <= 124; ++k) {
    const double t = 1000 + 0.5 * k;
    const bool slow = t <= 1003;
    d.Cpu("algo-1", "cpu0", t, slow ? 90 : 40);
    d.GpuUtil("algo-1", "gpu0", t, slow ? 10 : 80);
    d.IoWait("algo-1", "cpu0", t, slow ? 30 : 0);
  }
  const int64_t start_s[] = {1000, 1010, 1020, 1030, 1040, 1050, 1060};
  const int64_t ms[] = {3000, 200, 100, 1500, 300, 200, 100};
  for (int k = 0; k < 7; ++k) {
    d.Step("algo-1-0", "TRAIN", k, start_s[k] * 1'000'000, start_s[k] * 1'000'000 + ms[k] * 1000);
  }
  d.Event("algo-1-0", "DataLoaderIter", "DataLoaderIter::GetNext", 1'000'000'000, 1'002'500'000);
  d.Event("algo-1-0", "gpu_functions", "conv", 1'002'500'000, 1'003'000'000);
  d.Event("algo-1-0", "gpu_functions", "conv", 1'004'000'000, 1'005'000'000);  // after step 0
  return d.Build();
}

TEST(SlowStepsSectionTest, SlowestStepsAndTheMedianWithUsageAndActivity) {
  auto b = Job();
  std::vector<RuleResult> results;
  ReportInputs in;
  in.results = &results;
  in.store = &b->store;
  in.timeline = &b->timeline;
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "slow-steps");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 4u);
  // Step 0: 3 s = 15× the 200 ms median; samples 1000..1003 s (7).
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"0", "algo-1-0", "1970-01-01 00:16:40", "3.00 s",
                                                  "15.0×", "90.0", "10.0", "30.0", "7",
                                                  "DataLoaderIter::GetNext 2.50 s; conv 500 ms"}));
  // Step 3: 1.5 s, samples 1030..1031.5 s (4).
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"3", "algo-1-0", "1970-01-01 00:17:10", "1.50 s",
                                                  "7.5×", "40.0", "80.0", "0.0", "4", "-"}));
  EXPECT_EQ(t->rows[2][0], "4");
  EXPECT_EQ(t->rows[2][3], "300 ms");
  EXPECT_EQ(t->rows[2][4], "1.5×");
  // The 200 ms median step gets the 1 s around its middle (1009.6-1010.6 s:
  // samples at 1010 and 1010.5 s).
  EXPECT_EQ(t->rows[3],
            (std::vector<std::string>{"1 (median)", "algo-1-0", "1970-01-01 00:16:50", "200 ms",
                                      "1.0×", "40.0", "80.0", "0.0", "2", "-"}));
  EXPECT_EQ(t->highlight_rows, (std::vector<int>{0, 1, 2}));
  // One chart per row: step 0 shaded over 1000-1003 s, 5 s on each side;
  // the median step (1010-1010.2 s) likewise.
  const Block* row = nullptr;
  for (const Block& blk : s->blocks) {
    if (blk.kind == BlockKind::kCharts) row = &blk;
  }
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->charts.size(), 4u);
  const Chart& c0 = row->charts[0];
  EXPECT_EQ(c0.title, "Step 0 (3.00 s)");
  EXPECT_DOUBLE_EQ(c0.x_min, 995);
  EXPECT_DOUBLE_EQ(c0.x_max, 1008);
  ASSERT_EQ(c0.bands.size(), 1u);
  EXPECT_DOUBLE_EQ(c0.bands[0].x0, 1000);
  EXPECT_DOUBLE_EQ(c0.bands[0].x1, 1003);
  ASSERT_EQ(c0.series.size(), 2u);
  // Samples from 1000 to 1008 s: 17, CPU 90 up to 1003 s, then 40.
  ASSERT_EQ(c0.series[0].points.size(), 17u);
  EXPECT_DOUBLE_EQ(c0.series[0].points[6].y, 90);
  EXPECT_DOUBLE_EQ(c0.series[0].points[7].y, 40);
  EXPECT_DOUBLE_EQ(c0.series[1].points[0].y, 10);
  EXPECT_EQ(row->charts[3].title, "Step 1, median (200 ms)");
  EXPECT_DOUBLE_EQ(row->charts[3].x_min, 1005);
  EXPECT_NE(AllText(*s).find("The 3 slowest of 7 TRAIN steps"), std::string::npos) << AllText(*s);
  EXPECT_NE(AllText(*s).find("step 0 on algo-1-0, took 3.00 s: 15.0 times the median (200 ms)"),
            std::string::npos)
      << AllText(*s);
}

TEST(SlowStepsSectionTest, WithoutStepsItSaysSo) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000, 10);
  auto b = d.Build();
  std::vector<RuleResult> results;
  ReportInputs in;
  in.results = &results;
  in.store = &b->store;
  in.timeline = &b->timeline;
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "slow-steps");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("No training steps were recorded"), std::string::npos);
}

}  // namespace
}  // namespace smr
