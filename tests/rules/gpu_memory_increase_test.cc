#include "src/rules/builtin_rules.h"

#include <cmath>
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

GpuMemoryIncreaseRule SmallRule(double increase, int64_t patience, int64_t window = 10) {
  GpuMemoryIncreaseParams p;
  p.increase = increase;
  p.patience = patience;
  p.window = window;
  return GpuMemoryIncreaseRule(p);
}

// One memory sample per 0.5 s on algo-1/gpu0 from 1000.5 s.
TestData SeriesData(const std::vector<double>& values) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (size_t i = 0; i < values.size(); ++i) {
    d.GpuMem("algo-1", "gpu0", 1000.5 + 0.5 * static_cast<double>(i), values[i]);
  }
  return d;
}

const std::vector<double> kWorkedExample = {0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 37, 37};

TEST(GpuMemoryIncreaseTest, WorkedExampleFromHeader) {
  auto built = SeriesData(kWorkedExample).Build();
  RuleResult r = SmallRule(5, 11).Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"algo-1\": {\"gpu0\": "
            "{\"increase\": 6.066666666666667, \"gpu_max\": 37.0, \"p05\": 0.0, \"p25\": 0.0, "
            "\"p50\": 0.0, \"p75\": 3.0, \"p95\": 37.0, \"upper\": 7.5, \"lower\": 0.0}}, "
            "\"last_timestamp\": 1000000000}, \"Datapoints\": 12, \"RuleParameters\": "
            "\"increase:5\\npatience:11\\nwindow:10\"}");
  // mean(last 10) − mean(values[-11:-2]) = 74/10 − 12/9 = 546/90.
  EXPECT_EQ(r.details["algo-1"]["gpu0"]["increase"].get<double>(), 74.0 / 10 - 12.0 / 9);
  EXPECT_NEAR(r.details["algo-1"]["gpu0"]["increase"].get<double>() * 90, 546, 1e-9);
}

TEST(GpuMemoryIncreaseTest, PreviousSliceIsNineValuesOffsetByOne) {
  // A plain "previous 10 values" average would give 7.4 − 12/10 = 6.2 and
  // fire at increase 6.1; SageMaker's 9-value slice gives 6.0667 and does not.
  auto built = SeriesData(kWorkedExample).Build();
  EXPECT_EQ(SmallRule(6.1, 11).Evaluate(built->ctx()).triggered, 0);
  EXPECT_EQ(SmallRule(6.06, 11).Evaluate(built->ctx()).triggered, 1);
}

TEST(GpuMemoryIncreaseTest, ReproducesRealReportIncreaseDigits) {
  // Afi83's real GPUMemoryIncrease.json has "increase": 6.066666666666666,
  // the double of 84/10 − 21/9 (also 546/90): slice sums 84 and 21.
  auto built = SeriesData({0, 21, 0, 0, 0, 0, 0, 0, 0, 0, 42, 42}).Build();
  RuleResult r = SmallRule(5, 11).Evaluate(built->ctx());
  ASSERT_EQ(r.triggered, 1);
  EXPECT_NE(RuleResultToJson(r).find("\"increase\": 6.066666666666666,"), std::string::npos);
}

TEST(GpuMemoryIncreaseTest, GeneralWindowUsesWindowMinusOneValues) {
  // window 3: diff = mean(v[-3:]) − mean(v[-4:-2]) (2 values).
  // Values 0, 6, 0, 9, 9: at n = 5 > 4: 18/3 − (6 + 0)/2 = 6 − 3 = 3.
  auto built = SeriesData({0, 6, 0, 9, 9}).Build();
  RuleResult r = SmallRule(2.5, 4, 3).Evaluate(built->ctx());
  ASSERT_EQ(r.triggered, 1);
  EXPECT_EQ(r.details["algo-1"]["gpu0"]["increase"].get<double>(), 3.0);
  EXPECT_EQ(SmallRule(3, 4, 3).Evaluate(built->ctx()).triggered, 0);
}

TEST(GpuMemoryIncreaseTest, IncreaseExactlyAtThresholdDoesNotFire) {
  // S10 = 50, S9 = 0: diff = 5.0 exactly.
  auto built = SeriesData({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 25}).Build();
  EXPECT_EQ(SmallRule(5, 11).Evaluate(built->ctx()).triggered, 0);
  EXPECT_EQ(SmallRule(4.99, 11).Evaluate(built->ctx()).triggered, 1);
}

TEST(GpuMemoryIncreaseTest, PatienceAndWindowNotReached) {
  auto twelve = SeriesData(kWorkedExample).Build();
  // 12 values: needs more than `patience` values.
  EXPECT_EQ(SmallRule(5, 12).Evaluate(twelve->ctx()).triggered, 0);
  // 11 values = window + 1: no moving average yet, whatever the patience.
  std::vector<double> eleven(kWorkedExample.begin() + 1, kWorkedExample.end());
  auto built = SeriesData(eleven).Build();
  RuleResult r = SmallRule(0.1, 1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 11);
  EXPECT_TRUE(r.details.empty());
}

TEST(GpuMemoryIncreaseTest, CountsEverySampleAboveThreshold) {
  // Ramp v_i = 10·i, 20 values: mean(last 10) − mean(v[-11:-2]) =
  // 10·(n − 5.5) − 10·(n − 7) = 15 at every n >= 12 -> 9 triggering samples
  // (n = 12 … 20) in one window; Details from the last one (all 20 values).
  std::vector<double> ramp;
  for (int i = 0; i < 20; ++i) ramp.push_back(10.0 * i);
  auto built = SeriesData(ramp).Build();
  RuleResult r = SmallRule(5, 11).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 9);
  EXPECT_EQ(r.violations, 9);
  EXPECT_EQ(r.datapoints, 20);
  const auto& e = r.details["algo-1"]["gpu0"];
  EXPECT_EQ(e["increase"].get<double>(), 15.0);
  EXPECT_EQ(e["gpu_max"].get<double>(), 190.0);
  EXPECT_DOUBLE_EQ(e["p05"].get<double>(), 9.5);  // 0.05·19 = 0.95 -> 9.5
  EXPECT_DOUBLE_EQ(e["p50"].get<double>(), 95.0);
  EXPECT_DOUBLE_EQ(e["p95"].get<double>(), 180.5);
}

TEST(GpuMemoryIncreaseTest, CpuOnlyInstanceHasNoDatapoints) {
  // Real CPU-only report (JawnMarc): Datapoints 0, Details {}.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) d.Cpu("algo-1", "cpu0", 1000.5 + i, 50);
  auto built = d.Build();
  RuleResult r = GpuMemoryIncreaseRule().Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"increase:5\\npatience:1000\\nwindow:10\"}");
  EXPECT_FALSE(r.applicable);
}

TEST(GpuMemoryIncreaseTest, MultiNodeKeepsSageMakerKeyOrder) {
  // 2 nodes × 4 GPUs, interleaved; only algo-1/gpu1 and algo-2/gpu3 jump.
  // SageMaker inserts last_timestamp after the first triggered node, so a
  // later node follows it (as in the real suinaowawa report).
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  for (size_t i = 0; i < kWorkedExample.size(); ++i) {
    const double ts = 1000.5 + 0.5 * static_cast<double>(i);
    for (const char* node : {"algo-1", "algo-2"}) {
      for (int g = 0; g < 4; ++g) {
        const bool jumps =
            (std::string(node) == "algo-1" && g == 1) || (std::string(node) == "algo-2" && g == 3);
        d.GpuMem(node, "gpu" + std::to_string(g), ts, jumps ? kWorkedExample[i] : 20);
      }
    }
  }
  auto built = d.Build();
  RuleResult r = SmallRule(5, 11).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 2);
  EXPECT_EQ(r.datapoints, 12);
  std::vector<std::string> keys;
  for (auto it = r.details.begin(); it != r.details.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"algo-1", "last_timestamp", "algo-2"}));
  EXPECT_EQ(r.details["algo-1"].size(), 1u);
  EXPECT_TRUE(r.details["algo-1"].contains("gpu1"));
  EXPECT_TRUE(r.details["algo-2"].contains("gpu3"));
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].node, "algo-2");
  EXPECT_EQ(r.findings[1].device, "gpu3");
}

TEST(GpuMemoryIncreaseTest, ParametersDefaultsOverridesAndErrors) {
  GpuMemoryIncreaseRule rule;
  EXPECT_EQ(rule.RuleParameters(), "increase:5\npatience:1000\nwindow:10");
  EXPECT_TRUE(rule.SetParam("increase", "7.5").ok());
  EXPECT_TRUE(rule.SetParam("window", "20").ok());
  EXPECT_EQ(rule.RuleParameters(), "increase:7.5\npatience:1000\nwindow:20");
  Status unknown = rule.SetParam("threshold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("GPUMemoryIncrease"), std::string::npos);
  EXPECT_NE(unknown.message().find("increase"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("increase", "101").ok());
  EXPECT_FALSE(rule.SetParam("increase", "-1").ok());
  EXPECT_FALSE(rule.SetParam("window", "0").ok());
  EXPECT_FALSE(rule.SetParam("patience", "2.5").ok());
  EXPECT_EQ(rule.values().increase, 7.5);
  EXPECT_EQ(rule.values().patience, 1000);
}

TEST(GpuMemoryIncreaseTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  auto twelve = SeriesData(kWorkedExample).Build();
  // 12 samples, patience 12: never judged.
  RuleResult waiting = SmallRule(5, 12).Evaluate(twelve->ctx());
  EXPECT_EQ(waiting.not_evaluated_reason,
            "at most 12 samples per GPU; needs more than 12 (patience)");
  // Window 10 needs 12 samples whatever the patience: 11 are too few.
  std::vector<double> eleven(kWorkedExample.begin() + 1, kWorkedExample.end());
  auto built = SeriesData(eleven).Build();
  EXPECT_EQ(SmallRule(0.1, 1).Evaluate(built->ctx()).not_evaluated_reason,
            "at most 11 samples per GPU; needs more than 11 (window + 1)");
  // Judged and quiet (increase 6.07 is not > 7), judged and fired.
  RuleResult quiet = SmallRule(7, 11).Evaluate(twelve->ctx());
  EXPECT_EQ(quiet.triggered, 0);
  EXPECT_EQ(quiet.not_evaluated_reason, "");
  EXPECT_TRUE(quiet.applicable);
  RuleResult fired = SmallRule(5, 11).Evaluate(twelve->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
}

// algo-1's first file (window 0) starts the input, so algo-1 is the first
// of two shards, but algo-2's GPUs are seen first (window 1, algo-1's in
// window 2): the finished result follows the walk's first-seen order.
TEST(GpuMemoryIncreaseTest, ShardsKeepTheWalksFirstSeenOrder) {
  testing::SystemJob files("GpuMemoryIncreaseShards");
  files.File("algo-1", 1600000000).Cpu(1600000000.5, 50);  // no GPU sample yet
  files.File("algo-2", 1600000060);
  const double first[] = {0, 0, 0, 50, 50};
  for (int i = 0; i < 5; ++i) files.GpuMem("gpu0", 1600000060.5 + i, first[i]);
  files.File("algo-1", 1600000120);
  const double second[] = {0, 0, 0, 40};
  for (int i = 0; i < 4; ++i) files.GpuMem("gpu1", 1600000120.5 + i, second[i]);
  files.File("algo-2", 1600000180);
  files.GpuMem("gpu0", 1600000180.5, 60).GpuMem("gpu0", 1600000181.5, 90);
  const std::string dir = files.Write();
  const GpuMemoryIncreaseRule rule = SmallRule(5, 3, 2);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;

  const auto one = testing::LoadShardedJob(dir, 1, options);
  const RuleResult whole = rule.Evaluate(one->WholeContext());
  EXPECT_EQ(testing::KeysOf(whole.details),
            (std::vector<std::string>{"algo-2", "last_timestamp", "algo-1"}));
  EXPECT_EQ(whole.triggered, 4);   // algo-2/gpu0 at its 4th, 5th and 7th sample, algo-1/gpu1
  EXPECT_EQ(whole.datapoints, 7);  // algo-2/gpu0 has the last sample
  EXPECT_EQ(whole.details["last_timestamp"], 1600000180000000);
  const auto two = testing::LoadShardedJob(dir, 2, options);
  ASSERT_EQ(two->groups[0].keys, std::vector<std::string>{"algo-1"});
  testing::ExpectShardedEqualsWhole(rule, *two);
  EXPECT_EQ(testing::FindingLines(testing::FinishShards(rule, *two)), testing::FindingLines(whole));
}

}  // namespace
}  // namespace smr
