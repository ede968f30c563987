#include "src/rules/builtin_rules.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "testing/shards.h"
#include "testing/system_job.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

LowGpuUtilizationRule SmallRule(int64_t patience, int64_t window) {
  LowGpuUtilizationRule rule;
  EXPECT_TRUE(rule.SetParam("patience", std::to_string(patience)).ok());
  EXPECT_TRUE(rule.SetParam("window", std::to_string(window)).ok());
  return rule;
}

TEST(LowGpuUtilizationTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 0).GpuUtil("algo-1", "gpu0", 1001.0, 0);
  d.GpuUtil("algo-1", "gpu0", 1001.5, 10);
  auto built = d.Build();
  RuleResult r = SmallRule(2, 3).Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"algo-1\": {\"gpu0\": "
            "{\"gpu_max\": 10.0, \"gpu_95\": 9.0, \"gpu_5\": 0.0, \"p25\": 0.0, \"p50\": 0.0, "
            "\"p75\": 5.0, \"p95\": 9.0, \"upper\": 10.0, \"lower\": 0.0}}, "
            "\"last_timestamp\": 1000000000}, \"Datapoints\": 3, \"RuleParameters\": "
            "\"threshold_p95:70\\nthreshold_p5:10\\nwindow:3\\npatience:2\"}");
}

TEST(LowGpuUtilizationTest, PatienceNotReachedNeverChecks) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) d.GpuUtil("algo-1", "gpu0", 1000.5 + i, 0);
  auto built = d.Build();
  RuleResult r = SmallRule(3, 3).Evaluate(built->ctx());  // needs > 3 values
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_TRUE(r.details.empty());
}

TEST(LowGpuUtilizationTest, P95ExactlyAtThresholdIsNotFlagged) {
  // All values 70: p95 == 70 is neither < 70 nor > 70.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) d.GpuUtil("algo-1", "gpu0", 1000.5 + i, 70);
  auto built = d.Build();
  EXPECT_EQ(SmallRule(2, 4).Evaluate(built->ctx()).triggered, 0);
}

TEST(LowGpuUtilizationTest, FluctuationNeedsP5BelowThreshold) {
  // Last 3 values {0, 100, 100}: p95 = 100 > 70, p5 = 10·... index 0.1 -> 10.0.
  // p5 == threshold_p5 (10) is not below it; with threshold_p5 11 it is.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 0).GpuUtil("algo-1", "gpu0", 1001.0, 100);
  d.GpuUtil("algo-1", "gpu0", 1001.5, 100);
  auto built = d.Build();
  LowGpuUtilizationRule rule = SmallRule(2, 3);
  EXPECT_EQ(rule.Evaluate(built->ctx()).triggered, 0);
  ASSERT_TRUE(rule.SetParam("threshold_p5", "11").ok());
  RuleResult r = rule.Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.details["algo-1"]["gpu0"]["gpu_5"].get<double>(), 10.0);
}

TEST(LowGpuUtilizationTest, CountsEveryFlaggedGpuInEveryWindow) {
  // Two GPUs idle over three windows; patience 1 -> windows 0..2 each flag
  // both GPUs once they have 2 values: window 0 has 2 values each.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int w = 0; w < 3; ++w) {
    for (int k = 0; k < 2; ++k) {
      const double ts = 1000.5 + 60 * w + k;
      d.GpuUtil("algo-1", "gpu0", ts, 0).GpuUtil("algo-1", "gpu1", ts, 0);
    }
  }
  auto built = d.Build();
  RuleResult r = SmallRule(1, 500).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 6);
  EXPECT_EQ(r.violations, 6);
  EXPECT_EQ(r.datapoints, 6);
  EXPECT_EQ(r.details["last_timestamp"].get<int64_t>(), 1'120'000'000);
  EXPECT_TRUE(r.details["algo-1"].contains("gpu1"));
}

TEST(LowGpuUtilizationTest, CpuOnlyInstanceHasNoDatapoints) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) d.Cpu("algo-1", "cpu0", 1000.5 + i, 50);
  auto built = d.Build();
  RuleResult r = LowGpuUtilizationRule().Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"threshold_p95:70\\nthreshold_p5:10\\nwindow:500\\n"
            "patience:1000\"}");
  EXPECT_FALSE(r.applicable);
}

TEST(LowGpuUtilizationTest, ParametersDefaultsOverridesAndErrors) {
  LowGpuUtilizationRule rule;
  EXPECT_EQ(rule.RuleParameters(), "threshold_p95:70\nthreshold_p5:10\nwindow:500\npatience:1000");
  EXPECT_TRUE(rule.SetParam("threshold_p95", "80.5").ok());
  EXPECT_EQ(rule.values().threshold_p95, 80.5);
  EXPECT_EQ(rule.RuleParameters(),
            "threshold_p95:80.5\nthreshold_p5:10\nwindow:500\npatience:1000");
  Status unknown = rule.SetParam("thresold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("LowGPUUtilization"), std::string::npos);
  EXPECT_NE(unknown.message().find("threshold_p95"), std::string::npos);
  Status range = rule.SetParam("threshold_p5", "101");
  EXPECT_FALSE(range.ok());
  EXPECT_NE(range.message().find("0 to 100"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("window", "0").ok());
  EXPECT_FALSE(rule.SetParam("patience", "1.5").ok());
  EXPECT_FALSE(rule.SetParam("patience", "abc").ok());
  EXPECT_EQ(rule.values().patience, 1000);
}

// The report's states: not evaluated below the patience, ok once judged,
// triggered, not applicable without GPU samples.
TEST(LowGpuUtilizationTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) d.GpuUtil("algo-1", "gpu0", 1000.5 + i, 90);
  for (int i = 0; i < 2; ++i) d.GpuUtil("algo-1", "gpu1", 1000.5 + i, 90);
  auto built = d.Build();
  RuleResult waiting = SmallRule(3, 3).Evaluate(built->ctx());  // 3 is not > 3
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason,
            "at most 3 samples per GPU; needs more than 3 (patience)");
  RuleResult judged = SmallRule(2, 3).Evaluate(built->ctx());  // gpu0 judged: busy, quiet
  EXPECT_EQ(judged.triggered, 0);
  EXPECT_TRUE(judged.applicable);
  EXPECT_EQ(judged.not_evaluated_reason, "");
  TestData idle;
  idle.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) idle.GpuUtil("algo-1", "gpu0", 1000.5 + i, 0);
  auto idle_built = idle.Build();
  RuleResult fired = SmallRule(2, 3).Evaluate(idle_built->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
  TestData cpu;
  cpu.SystemFile("algo-1", 1000);
  cpu.Cpu("algo-1", "cpu0", 1000.5, 50);
  auto cpu_built = cpu.Build();
  RuleResult none = SmallRule(2, 3).Evaluate(cpu_built->ctx());
  EXPECT_FALSE(none.applicable);
  EXPECT_EQ(none.not_applicable_reason,
            "no GPUUtilization samples (CPU-only instance or no system data)");
  EXPECT_EQ(none.not_evaluated_reason, "");
}

// algo-1's first file (window 0) starts the input, so algo-1 is the first
// of two shards, but algo-2's GPUs are seen first (window 1, algo-1's in
// window 2): the finished result follows the walk's first-seen order.
TEST(LowGpuUtilizationTest, ShardsKeepTheWalksFirstSeenOrder) {
  testing::SystemJob files("LowGpuUtilizationShards");
  files.File("algo-1", 1600000000).Cpu(1600000000.5, 50);  // no GPU sample yet
  files.File("algo-2", 1600000060);
  for (int i = 0; i < 4; ++i)
    files.Gpu("gpu0", 1600000060.5 + i, 0).Gpu("gpu1", 1600000060.5 + i, 90);
  files.File("algo-1", 1600000120);
  for (int i = 0; i < 4; ++i) files.Gpu("gpu3", 1600000120.5 + i, 5);
  files.File("algo-2", 1600000180);
  for (int i = 0; i < 4; ++i) files.Gpu("gpu0", 1600000180.5 + i, 0);
  const std::string dir = files.Write();
  LowGpuUtilizationParams p;
  p.patience = 2;
  p.window = 3;
  const LowGpuUtilizationRule rule(p);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;

  const auto one = testing::LoadShardedJob(dir, 1, options);
  const RuleResult whole = rule.Evaluate(one->WholeContext());
  EXPECT_EQ(testing::KeysOf(whole.details),
            (std::vector<std::string>{"algo-2", "last_timestamp", "algo-1"}));
  EXPECT_EQ(whole.triggered, 5);   // algo-2/gpu0 in windows 1, 2, 3; algo-1/gpu3 in 2, 3
  EXPECT_EQ(whole.datapoints, 4);  // algo-1/gpu3, the table's last GPU
  const auto two = testing::LoadShardedJob(dir, 2, options);
  ASSERT_EQ(two->groups[0].keys, std::vector<std::string>{"algo-1"});
  testing::ExpectShardedEqualsWhole(rule, *two);
  EXPECT_EQ(testing::FindingLines(testing::FinishShards(rule, *two)), testing::FindingLines(whole));
}

TEST(LowGpuUtilizationTest, ANodeInTwoPartialsIsAnError) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 1);
  auto built = d.Build();
  const LowGpuUtilizationRule rule;
  std::unique_ptr<RulePartial> a = rule.Partial(built->ctx());
  const Status st = a->Merge(std::move(*rule.Partial(built->ctx())));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("algo-1"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace smr
