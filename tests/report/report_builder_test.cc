// The report model (ReportBuilder): the per-phase table from raw samples.
// The report built from real SageMaker rule JSONs is checked by the
// shared-data tests in real_reports_shared_test.cc.
#include "smr/report_builder.h"

#include <gtest/gtest.h>

#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

// The per-phase table is computed from raw samples, so it gets its own
// hand-computed input: one core sampled at 1000/1010/1030/1050 s, a TRAIN
// step 1005-1020 s and an EVAL step 1025-1040 s.
TEST(ReportBuilderTest, PhaseUsageTableAveragesSamplesPerPhase) {
  StoreBuilder b;
  const uint32_t cpu = b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization");
  b.AddSample(cpu, 1000.0, 10);
  b.AddSample(cpu, 1010.0, 20);
  b.AddSample(cpu, 1030.0, 60);
  b.AddSample(cpu, 1050.0, 80);
  auto step = [&](const char* phase, int64_t start_s, int64_t end_s) {
    StoreBuilder::Event e;
    e.start_us = start_s * 1'000'000;
    e.end_us = end_s * 1'000'000;
    e.name = phase;
    e.phase = phase;
    e.node = "algo-1-0";
    e.step = 0;
    b.AddEvent(e);
  };
  step("Step:ModeKeys.TRAIN", 1005, 1020);
  step("Step:ModeKeys.EVAL", 1025, 1040);
  const MetricStore store = b.Build();
  const JobTimeline timeline = BuildTimeline(store);

  std::vector<RuleResult> results(1);
  results[0].name = "OverallSystemUsage";
  results[0].details["CPU"]["algo-1"]["p95"] = 60.0;
  ReportInputs in;
  in.results = &results;
  in.store = &store;
  in.timeline = &timeline;
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "system-usage-algo-1");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Mean utilization per phase");
  ASSERT_NE(t, nullptr);
  // Columns: Phase, Duration, CPU, GPU, GPU memory, Host memory.
  ASSERT_EQ(t->rows.size(), 5u);
  EXPECT_EQ(t->rows[0][0], "Before first step");
  EXPECT_EQ(t->rows[0][1], "5 s");
  EXPECT_EQ(t->rows[0][2], "10.0");
  EXPECT_EQ(t->rows[1][0], "TRAIN");
  EXPECT_EQ(t->rows[1][2], "20.0");
  EXPECT_EQ(t->rows[2][0], "Between TRAIN and EVAL");
  EXPECT_EQ(t->rows[2][2], "-");  // no sample in 1020-1025 s
  EXPECT_EQ(t->rows[3][0], "EVAL");
  EXPECT_EQ(t->rows[3][1], "15 s");
  EXPECT_EQ(t->rows[3][2], "60.0");
  EXPECT_EQ(t->rows[4][0], "After last step");
  EXPECT_EQ(t->rows[4][2], "80.0");  // the last sample sits on the end
  EXPECT_EQ(t->rows[4][3], "-");     // no GPU on this node
}

}  // namespace
}  // namespace smr
