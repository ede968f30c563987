// The report's "System usage statistics" section: the JSON's numbers per node and
// metric, and the per-phase table computed from raw samples.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "smr/report_builder.h"
#include "smr/store.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, SystemUsageTableShowsTheJsonNumbers) {
  // four-gpus OverallSystemUsage: GPU {max 24.0, p99 23.25, p95 22.5, p50
  // 2.0, min 0}, CPU {max 52.25, p99 38.75, p95 31.5, p50 21.25, min 0.4},
  // in SageMaker's key order Network, GPU, CPU, CPU memory, GPU memory, I/O.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "system-usage");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 6u);
  std::vector<std::string> metrics;
  for (const auto& row : t->rows) metrics.push_back(row[1]);
  EXPECT_EQ(metrics,
            (std::vector<std::string>{"Network", "GPU", "CPU", "CPU memory", "GPU memory", "I/O"}));
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"algo-1", "GPU", "percent", "24.00", "23.25",
                                                  "22.50", "2.00", "0.00"}));
  EXPECT_EQ(t->rows[2], (std::vector<std::string>{"algo-1", "CPU", "percent", "52.25", "38.75",
                                                  "31.50", "21.25", "0.40"}));
}

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
