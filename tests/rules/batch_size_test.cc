#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "smr/rule.h"
#include "testing/shards.h"
#include "tests/rules/mini_job.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

BatchSizeRule SmallRule(int64_t patience, int64_t window) {
  BatchSizeRule rule;
  EXPECT_TRUE(rule.SetParam("patience", std::to_string(patience)).ok());
  EXPECT_TRUE(rule.SetParam("window", std::to_string(window)).ok());
  return rule;
}

TEST(BatchSizeTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  const double cpu0[] = {10, 20, 30}, cpu1[] = {20, 30, 40}, gpu[] = {0, 10, 20},
               mem[] = {40, 40, 44};
  for (int i = 0; i < 3; ++i) {
    const double ts = 1000.5 + 0.5 * i;
    d.Cpu("algo-1", "cpu0", ts, cpu0[i]).Cpu("algo-1", "cpu1", ts, cpu1[i]);
    d.GpuUtil("algo-1", "gpu0", ts, gpu[i]).GpuMem("algo-1", "gpu0", ts, mem[i]);
  }
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(SmallRule(2, 2).Evaluate(built->ctx())),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"algo-1\": {"
            "\"cpu\": {\"p25\": 20.0, \"p50\": 25.0, \"p75\": 30.0, \"p95\": 34.0, "
            "\"upper\": 35.0, \"lower\": 15.0}, "
            "\"gpu0\": {\"p25\": 5.0, \"p50\": 10.0, \"p75\": 15.0, \"p95\": 19.0, "
            "\"upper\": 20.0, \"lower\": 0.0}, "
            "\"gpu0_memory\": {\"p25\": 40.0, \"p50\": 40.0, \"p75\": 42.0, \"p95\": 43.6, "
            "\"upper\": 44.0, \"lower\": 40.0}}, \"last_timestamp\": 1000000000}, "
            "\"Datapoints\": 3, \"RuleParameters\": \"cpu_threshold_p95:70\\n"
            "gpu_threshold_p95:70\\ngpu_memory_threshold_p95:70\\npatience:2\\nwindow:2\"}");
}

// One node, one core, one GPU with constant values.
std::unique_ptr<testing::BuiltData> Constant(int n, double cpu, double gpu, double mem) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < n; ++i) {
    const double ts = 1000.5 + 0.5 * i;
    d.Cpu("algo-1", "cpu0", ts, cpu).GpuUtil("algo-1", "gpu0", ts, gpu);
    d.GpuMem("algo-1", "gpu0", ts, mem);
  }
  return d.Build();
}

TEST(BatchSizeTest, ThresholdsAreStrict) {
  EXPECT_EQ(SmallRule(2, 2).Evaluate(Constant(3, 70, 0, 0)->ctx()).triggered, 0);  // CPU at 70
  EXPECT_EQ(SmallRule(2, 2).Evaluate(Constant(3, 0, 70, 0)->ctx()).triggered, 0);  // GPU at 70
  EXPECT_EQ(SmallRule(2, 2).Evaluate(Constant(3, 0, 0, 70)->ctx()).triggered, 0);  // mem at 70
  EXPECT_EQ(SmallRule(2, 2).Evaluate(Constant(3, 69.9, 69.9, 69.9)->ctx()).triggered, 1);
}

TEST(BatchSizeTest, NeedsMoreThanWindowAndPatienceValues) {
  RuleResult r = SmallRule(3, 2).Evaluate(Constant(3, 0, 0, 0)->ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_EQ(SmallRule(2, 3).Evaluate(Constant(3, 0, 0, 0)->ctx()).triggered, 0);
}

TEST(BatchSizeTest, CpuOnlyInstanceNeverTriggers) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) d.Cpu("algo-1", "cpu0", 1000.5 + i, 10);
  auto built = d.Build();
  RuleResult r = SmallRule(1, 1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 5);
  EXPECT_FALSE(r.applicable);
}

TEST(BatchSizeTest, DeviationMemoryWhiskersUseMemoryQuartile) {
  // GPU utilization busy for a long time then idle (flagged on the last
  // window), memory constant 10: SageMaker's IQR = p75(mem) − p25(util).
  TestData d;
  d.SystemFile("algo-1", 1000);
  const double util[] = {100, 100, 100, 100, 100, 100, 0, 0};
  for (int i = 0; i < 8; ++i) {
    const double ts = 1000.5 + 0.5 * i;
    d.Cpu("algo-1", "cpu0", ts, 5).GpuUtil("algo-1", "gpu0", ts, util[i]);
    d.GpuMem("algo-1", "gpu0", ts, 10);
  }
  auto built = d.Build();
  RuleResult r = SmallRule(2, 2).Evaluate(built->ctx());
  ASSERT_EQ(r.triggered, 1);
  const auto& mem = r.details["algo-1"]["gpu0_memory"];

  // Reference of the original formula.
  std::vector<double> u(std::begin(util), std::end(util));
  std::vector<double> m(8, 10.0);
  const double sm_iqr = Quantile(m, 0.75) - Quantile(u, 0.25);  // 10 - 75
  const double sm_upper = std::min(Quantile(m, 0.75) + 1.5 * sm_iqr, 10.0);
  const double sm_lower = std::max(Quantile(m, 0.25) - 1.5 * sm_iqr, 10.0);
  EXPECT_EQ(sm_upper, -87.5);
  EXPECT_EQ(sm_lower, 107.5);
  // Ours: IQR 0 -> whiskers at the data.
  EXPECT_EQ(mem["upper"].get<double>(), 10.0);
  EXPECT_EQ(mem["lower"].get<double>(), 10.0);
  EXPECT_EQ(r.details["algo-1"]["gpu0"]["p25"].get<double>(), 75.0);
}

TEST(BatchSizeTest, Parameters) {
  BatchSizeRule rule;
  EXPECT_EQ(rule.RuleParameters(),
            "cpu_threshold_p95:70\ngpu_threshold_p95:70\ngpu_memory_threshold_p95:70\n"
            "patience:1000\nwindow:500");
  EXPECT_TRUE(rule.SetParam("gpu_memory_threshold_p95", "50").ok());
  EXPECT_EQ(rule.values().gpu_memory_threshold_p95, 50);
  EXPECT_FALSE(rule.SetParam("cpu_threshold_p95", "-1").ok());
  EXPECT_FALSE(rule.SetParam("window", "-5").ok());
  Status s = rule.SetParam("batch", "1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("BatchSize"), std::string::npos);
}

TEST(BatchSizeTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  // 3 total-CPU values: patience 3 (window 2) and window 3 (patience 2).
  RuleResult by_patience = SmallRule(3, 2).Evaluate(Constant(3, 0, 0, 0)->ctx());
  EXPECT_EQ(by_patience.not_evaluated_reason,
            "at most 3 total-CPU values per node; needs more than 3 (patience)");
  RuleResult by_window = SmallRule(2, 3).Evaluate(Constant(3, 0, 0, 0)->ctx());
  EXPECT_EQ(by_window.not_evaluated_reason,
            "at most 3 total-CPU values per node; needs more than 3 (window)");
  RuleResult busy = SmallRule(2, 2).Evaluate(Constant(3, 70, 0, 0)->ctx());  // judged, CPU busy
  EXPECT_EQ(busy.triggered, 0);
  EXPECT_TRUE(busy.applicable);
  EXPECT_EQ(busy.not_evaluated_reason, "");
  RuleResult fired = SmallRule(2, 2).Evaluate(Constant(3, 0, 0, 0)->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
  // A GPU without memory samples cannot be judged.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) {
    d.Cpu("algo-1", "cpu0", 1000.5 + i, 0).GpuUtil("algo-1", "gpu0", 1000.5 + i, 0);
  }
  auto built = d.Build();
  RuleResult no_memory = SmallRule(1, 1).Evaluate(built->ctx());
  EXPECT_FALSE(no_memory.applicable);
  EXPECT_EQ(no_memory.not_applicable_reason,
            "no GPUMemoryUtilization samples: a GPU's memory use cannot be judged");
}

TEST(BatchSizeTest, CpuOnlyInstanceDoesNotApply) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) d.Cpu("algo-1", "cpu0", 1000.5 + i, 10);
  auto built = d.Build();
  RuleResult r = SmallRule(1, 1).Evaluate(built->ctx());
  EXPECT_EQ(r.not_applicable_reason,
            "no GPUUtilization samples (CPU-only instance or no system data)");
  EXPECT_EQ(r.not_evaluated_reason, "");
}

TEST(BatchSizeTest, ShardsReplayTheChecksInWindowAndCpuDictOrder) {
  // patience 2, window 2. algo-1 is read first (first in the cpu dict) but
  // has only one CPU value in window 0 and fires in window 1; algo-2 (in
  // the other shard) fires in windows 0 and 1. Details: algo-2 (first to fire), last_timestamp,
  // algo-1; Datapoints from the node checked last (algo-2, 7 values).
  const double t0 = 1600000000;
  testing::MiniJob job("batch-two-nodes");
  std::vector<std::string> a1, a2;
  auto sample = [](std::vector<std::string>* out, const char* node, double ts, double cpu) {
    out->push_back(testing::CpuLine(node, "cpu0", ts, cpu));
    out->push_back(testing::GpuLine(node, "gpu0", ts, 5));
    out->push_back(testing::GpuMemLine(node, "gpu0", ts, 6));
  };
  for (double dt : {1.0, 61.0, 62.0}) sample(&a1, "algo-1", t0 + dt, 10);
  for (double dt : {2.0, 3.0, 4.0, 63.0, 64.0, 65.0, 66.0})
    sample(&a2, "algo-2", t0 + dt, 20 + dt / 10);
  job.System("algo-1", 1600000000, a1);
  job.System("algo-2", 1600000000, a2);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;
  const BatchSizeRule rule = SmallRule(2, 2);
  for (int groups = 1; groups <= 2; ++groups) {
    const auto sharded = testing::LoadShardedJob(job.dir(), groups, options);
    ASSERT_EQ(sharded->shards.size(), static_cast<size_t>(groups));
    testing::ExpectShardedEqualsWhole(rule, *sharded);
  }
  const auto whole = testing::LoadShardedJob(job.dir(), 1, options);
  const RuleResult r = rule.Evaluate(whole->WholeContext());
  EXPECT_EQ(r.triggered, 3);
  std::vector<std::string> keys;
  for (const auto& [key, value] : r.details.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"algo-2", "last_timestamp", "algo-1"}));
  EXPECT_EQ(r.datapoints, 7);
  // The values of algo-2's last trigger: all 7 CPU values (upper: the max).
  EXPECT_EQ(r.details["algo-2"]["cpu"]["upper"].get<double>(), 20 + 66.0 / 10);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].node, "algo-2");
  EXPECT_EQ(r.findings[1].node, "algo-1");
  EXPECT_EQ(r.findings[2].node, "algo-2");
}

}  // namespace
}  // namespace smr
