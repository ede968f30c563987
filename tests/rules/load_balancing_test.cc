// Length: the rule's hand-computed cases, and its sharded evaluation on two
// nodes whose shard order differs from the walk's first-seen order.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/rule_util.h"
#include "testing/shards.h"
#include "testing/system_job.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

LoadBalancingRule SmallRule(double threshold, int64_t patience, double min_difference = 10) {
  LoadBalancingParams p;
  p.threshold = threshold;
  p.patience = patience;
  p.min_difference = min_difference;
  return LoadBalancingRule(p);
}

// "[0, 0, …, x]" style JSON arrays of 50 bins with one non-zero bin.
std::string OneBin(int bin, int count) {
  std::string s = "[";
  for (int i = 0; i < 50; ++i) {
    if (i) s += ", ";
    s += std::to_string(i == bin ? count : 0);
  }
  return s + "]";
}

// n samples every 0.5 s from `start_s` on each listed GPU of `node`.
void Constant(TestData& d, const std::string& node, const std::vector<std::string>& gpus,
              const std::vector<double>& util, int n, double start_s = 1000.5) {
  for (int i = 0; i < n; ++i) {
    for (size_t g = 0; g < gpus.size(); ++g) d.GpuUtil(node, gpus[g], start_s + 0.5 * i, util[g]);
  }
}

// --- Tiny references of SageMaker's original behaviour (§4.7, §7) ---

// np.histogram(values, bins=np.arange(0, 100, 2)): 49 bins, edges 0 … 98,
// last bin [96, 98] closed, anything above 98 dropped.
std::vector<int64_t> SageMakerHistogram(const std::vector<double>& values) {
  std::vector<int64_t> h(49, 0);
  for (double v : values) {
    if (v < 0 || v > 98) continue;
    h[static_cast<size_t>(std::min(static_cast<int>(v / 2), 48))] += 1;
  }
  return h;
}

// SageMaker's pair loop: the loop over the second GPU sits after the loop over
// the first one, whose variable keeps its last value, so only (last, last) is
// visited and the gpu1 != gpu2 test skips it. Returns the distance checks made.
int SageMakerDistanceChecks(int n_gpus) {
  int last = 0;
  for (int i = 0; i < n_gpus; ++i) last = i;
  int checks = 0;
  for (int j = last; j < n_gpus; ++j) {
    if (j != last) ++checks;
  }
  return checks;
}

TEST(LoadBalancingTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1"}, {100, 0}, 3);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 2).Evaluate(built->ctx());
  EXPECT_EQ(
      RuleResultToJson(r),
      "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"algo-1\": {\"workloads\": "
      "{\"gpu0\": " +
          OneBin(49, 3) + ", \"gpu1\": " + OneBin(0, 3) +
          "}, \"distances\": {\"gpu0\": {\"gpu1\": 0.8325546111576977}}}}, \"Datapoints\": 3, "
          "\"RuleParameters\": \"threshold:0.2\\npatience:2\\nmin_difference:10\"}");
}

TEST(LoadBalancingTest, JensenShannonDistanceByHand) {
  // Disjoint: KL(p‖m) = KL(q‖m) = ln 2 -> sqrt(ln 2).
  std::vector<int64_t> busy(50, 0), idle(50, 0);
  busy[49] = 7;
  idle[0] = 3;  // different totals: each histogram is normalised first
  EXPECT_DOUBLE_EQ(JensenShannonDistance(busy, idle), std::sqrt(std::log(2.0)));
  EXPECT_EQ(JensenShannonDistance(idle, idle), 0.0);
  // p = (½, ½), q = (1, 0), m = (¾, ¼): KL(p‖m) = ½·ln(4/3), KL(q‖m) = ln(4/3)
  // -> d = sqrt(¾·ln(4/3)) ≈ 0.4645.
  std::vector<int64_t> half = {1, 1}, one = {1, 0};
  EXPECT_DOUBLE_EQ(JensenShannonDistance(half, one), std::sqrt(0.75 * std::log(4.0 / 3.0)));
  EXPECT_EQ(JensenShannonDistance(std::vector<int64_t>{0, 0}, one), 0.0);
}

TEST(LoadBalancingTest, DeviationPairLoopComparesDifferentGpus) {
  // 4 GPUs, gpu0 busy, gpu1-3 idle. SageMaker: no distance is ever computed
  // (0 triggers, as in every real report); we flag (gpu0, gpu1/2/3).
  EXPECT_EQ(SageMakerDistanceChecks(4), 0);
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1", "gpu2", "gpu3"}, {90, 0, 0, 0}, 5);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 4).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 3);
  EXPECT_EQ(r.violations, 3);
  const auto& dist = r.details["algo-1"]["distances"];
  ASSERT_EQ(dist.size(), 1u);
  EXPECT_EQ(dist["gpu0"].size(), 3u);
  EXPECT_DOUBLE_EQ(dist["gpu0"]["gpu3"].get<double>(), std::sqrt(std::log(2.0)));
}

TEST(LoadBalancingTest, DeviationSaturatedGpuIsCounted) {
  // GPU at 99-100 %: SageMaker's histogram drops every sample (sum 0 < 6);
  // ours keeps them all in the closed last bin [98, 100].
  const std::vector<double> values = {99, 100, 100, 99.5, 98, 100};
  const std::vector<int64_t> sm = SageMakerHistogram(values);
  EXPECT_EQ(sm.size(), 49u);
  EXPECT_EQ(std::accumulate(sm.begin(), sm.end(), int64_t{0}), 1);  // only the 98
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (size_t i = 0; i < values.size(); ++i) {
    d.GpuUtil("algo-1", "gpu0", 1000.5 + 0.5 * static_cast<double>(i), values[i]);
  }
  auto built = d.Build();
  RuleResult r = LoadBalancingRule().Evaluate(built->ctx());
  const auto& h = r.details["algo-1"]["workloads"]["gpu0"];
  ASSERT_EQ(h.size(), 50u);
  EXPECT_EQ(h[49].get<int64_t>(), 6);
  EXPECT_EQ(h[48].get<int64_t>(), 0);
}

TEST(LoadBalancingTest, BinEdgesAreHalfOpenExceptTheLast) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  const std::vector<double> values = {0, 1.99, 2, 97.9, -1, 120};
  for (size_t i = 0; i < values.size(); ++i) {
    d.GpuUtil("algo-1", "gpu0", 1000.5 + 0.5 * static_cast<double>(i), values[i]);
  }
  auto built = d.Build();
  const auto h = LoadBalancingRule().Evaluate(built->ctx()).details["algo-1"]["workloads"]["gpu0"];
  EXPECT_EQ(h[0].get<int64_t>(), 3);   // 0, 1.99, and -1 clamped
  EXPECT_EQ(h[1].get<int64_t>(), 1);   // 2
  EXPECT_EQ(h[48].get<int64_t>(), 1);  // 97.9 in [96, 98)
  EXPECT_EQ(h[49].get<int64_t>(), 1);  // 120 clamped
}

TEST(LoadBalancingTest, GpusOfDifferentNodesAreNotCompared) {
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  Constant(d, "algo-1", {"gpu0"}, {100}, 5);
  Constant(d, "algo-2", {"gpu0"}, {0}, 5);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_FALSE(r.details["algo-1"].contains("distances"));
  EXPECT_TRUE(r.details["algo-2"].contains("workloads"));
}

TEST(LoadBalancingTest, DistanceExactlyAtThresholdDoesNotFire) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1"}, {100, 0}, 3);
  auto built = d.Build();
  LoadBalancingRule rule = SmallRule(0.2, 2);
  ASSERT_TRUE(rule.SetParam("threshold", "0.8325546111576977").ok());  // sqrt(ln 2)
  EXPECT_EQ(rule.values().threshold, std::sqrt(std::log(2.0)));
  EXPECT_EQ(rule.Evaluate(built->ctx()).triggered, 0);
  ASSERT_TRUE(rule.SetParam("threshold", "0.8325").ok());
  EXPECT_EQ(rule.Evaluate(built->ctx()).triggered, 1);
}

TEST(LoadBalancingTest, PatienceNeedsMoreSamplesOnBothGpus) {
  // Like the real short jobs: workloads written, nothing compared.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1"}, {100, 0}, 3);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 3).Evaluate(built->ctx());  // 3 is not > 3
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"algo-1\": {\"workloads\": "
            "{\"gpu0\": " +
                OneBin(49, 3) + ", \"gpu1\": " + OneBin(0, 3) +
                "}}}, \"Datapoints\": 3, \"RuleParameters\": "
                "\"threshold:0.2\\npatience:3\\nmin_difference:10\"}");
}

TEST(LoadBalancingTest, ImbalancedPairCountsOncePerWindow) {
  // Three windows of imbalance (samples at 1000.5…, 1060.5…, 1120.5…):
  // the cumulative histograms are compared after each window.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int w = 0; w < 3; ++w) Constant(d, "algo-1", {"gpu0", "gpu1"}, {100, 0}, 2, 1000.5 + 60 * w);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 3);
  EXPECT_EQ(r.violations, 3);
  EXPECT_EQ(r.datapoints, 6);
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[2].window_start_us, 1'120'000'000);
  EXPECT_EQ(r.findings[2].device, "gpu0/gpu1");
}

TEST(LoadBalancingTest, CpuOnlyInstanceHasEmptyDetails) {
  // Real CPU-only report (JawnMarc): Details {}, Datapoints 0.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) d.Cpu("algo-1", "cpu0", 1000.5 + i, 50);
  auto built = d.Build();
  RuleResult r = LoadBalancingRule().Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"threshold:0.2\\npatience:1000\\nmin_difference:10\"}");
  EXPECT_FALSE(r.applicable);
}

TEST(LoadBalancingTest, MultiNodeFourGpusEach) {
  // algo-1: gpu0 busy, gpu1-3 idle (like klay-liu) -> 3 pairs; algo-2:
  // balanced -> no distances.
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  const std::vector<std::string> gpus = {"gpu0", "gpu1", "gpu2", "gpu3"};
  for (int i = 0; i < 4; ++i) {
    Constant(d, "algo-1", gpus, {91, 0, 0, 0}, 1, 1000.5 + i);
    Constant(d, "algo-2", gpus, {50, 50, 50, 50}, 1, 1000.5 + i);
  }
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 3).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 3);
  EXPECT_EQ(r.datapoints, 4);
  EXPECT_EQ(r.details["algo-1"]["workloads"].size(), 4u);
  EXPECT_EQ(r.details["algo-1"]["distances"]["gpu0"].size(), 3u);
  EXPECT_EQ(r.details["algo-2"]["workloads"].size(), 4u);
  EXPECT_FALSE(r.details["algo-2"].contains("distances"));
  EXPECT_EQ(r.details["algo-2"]["workloads"]["gpu3"][25].get<int64_t>(), 4);
}

TEST(LoadBalancingTest, PairsUseNaturalGpuOrderWorkloadsFirstSeenOrder) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu10", "gpu2"}, {100, 0}, 3);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 2).Evaluate(built->ctx());
  ASSERT_EQ(r.triggered, 1);
  EXPECT_TRUE(r.details["algo-1"]["distances"]["gpu2"].contains("gpu10"));
  EXPECT_EQ(r.details["algo-1"]["workloads"].begin().key(), "gpu10");
}

// --- The mean-difference test (min_difference) ---

TEST(LoadBalancingTest, HistogramMeanCountsEachSampleAtItsBinMiddle) {
  std::vector<int64_t> h(50, 0);
  h[0] = 1;   // [0, 2)    -> 1 %
  h[49] = 1;  // [98, 100] -> 99 %
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(h), 50.0);
  h[45] = 2;  // [90, 92)  -> 91 %: (1 + 99 + 2·91) / 4
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(h), 70.5);
  // SageMaker's 49-bin layout: the last bin [96, 98] -> 97 %.
  std::vector<int64_t> sm(49, 0);
  sm[48] = 3;
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(sm), 97.0);
  EXPECT_EQ(HistogramMeanUtilization(std::vector<int64_t>(50, 0)), 0.0);
}

TEST(LoadBalancingTest, TwoPointOffsetOfNarrowHistogramsStaysQuiet) {
  // The reported false positive in miniature: gpu0 at 90/92 %, gpu1 two
  // points lower at 88/90 %. p = ½ in bins 45, 46; q = ½ in bins 44, 45;
  // m = (¼, ½, ¼): KL(p‖m) = KL(q‖m) = ½·ln 2, d = sqrt(½·ln 2) ≈ 0.589 > 0.2,
  // but the means are 92 % and 90 %: 2 points < 10.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) {
    Constant(d, "algo-1", {"gpu0", "gpu1"}, {i % 2 ? 92.0 : 90.0, i % 2 ? 90.0 : 88.0}, 1,
             1000.5 + i);
  }
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 3).Evaluate(built->ctx());
  const auto& w = r.details["algo-1"]["workloads"];
  const auto h0 = w["gpu0"].get<std::vector<int64_t>>();
  const auto h1 = w["gpu1"].get<std::vector<int64_t>>();
  EXPECT_DOUBLE_EQ(JensenShannonDistance(h0, h1), std::sqrt(0.5 * std::log(2.0)));
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(h0), 92.0);
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(h1), 90.0);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 0);
  EXPECT_FALSE(r.details["algo-1"].contains("distances"));
  // min_difference 0 is the distance alone, which flags the pair.
  RuleResult distance_only = SmallRule(0.2, 3, 0).Evaluate(built->ctx());
  EXPECT_EQ(distance_only.triggered, 1);
  EXPECT_DOUBLE_EQ(distance_only.details["algo-1"]["distances"]["gpu0"]["gpu1"].get<double>(),
                   std::sqrt(0.5 * std::log(2.0)));
  EXPECT_EQ(SmallRule(0.2, 3, 2).Evaluate(built->ctx()).triggered, 1);    // 2 >= 2
  EXPECT_EQ(SmallRule(0.2, 3, 2.5).Evaluate(built->ctx()).triggered, 0);  // 2 < 2.5
}

TEST(LoadBalancingTest, MeanDifferenceOfExactlyMinDifferenceFires) {
  // 50 % -> bin 25, mean 51 %; 40 % -> bin 20, mean 41 %: 10 points apart,
  // disjoint histograms (d = sqrt(ln 2)).
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1"}, {50, 40}, 3);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 2).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_DOUBLE_EQ(r.details["algo-1"]["distances"]["gpu0"]["gpu1"].get<double>(),
                   std::sqrt(std::log(2.0)));
  EXPECT_EQ(SmallRule(0.2, 2, 10.01).Evaluate(built->ctx()).triggered, 0);
}

TEST(LoadBalancingTest, LargeMeanDifferenceAloneDoesNotFire) {
  // Both tests must pass. gpu0 idle half of the time, gpu1 70 % of the
  // time, otherwise both at 100 %: means 50 % and 30.4 % (19.6 points), but
  // p = (½, ½), q = (0.7, 0.3), m = (0.6, 0.4):
  //   KL(p‖m) = ½·ln(5/6) + ½·ln(5/4),  KL(q‖m) = 0.7·ln(7/6) + 0.3·ln(3/4),
  //   d = sqrt(½·(KL(p‖m) + KL(q‖m))) ≈ 0.145 < 0.2.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 10; ++i) {
    Constant(d, "algo-1", {"gpu0", "gpu1"}, {i < 5 ? 0.0 : 100.0, i < 7 ? 0.0 : 100.0}, 1,
             1000.5 + i);
  }
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 9).Evaluate(built->ctx());
  const auto& w = r.details["algo-1"]["workloads"];
  const auto h0 = w["gpu0"].get<std::vector<int64_t>>();
  const auto h1 = w["gpu1"].get<std::vector<int64_t>>();
  const double kl_p = 0.5 * std::log(5.0 / 6.0) + 0.5 * std::log(5.0 / 4.0);
  const double kl_q = 0.7 * std::log(7.0 / 6.0) + 0.3 * std::log(3.0 / 4.0);
  EXPECT_NEAR(JensenShannonDistance(h0, h1), std::sqrt(0.5 * (kl_p + kl_q)), 1e-12);
  EXPECT_NEAR(HistogramMeanUtilization(h0) - HistogramMeanUtilization(h1), 19.6, 1e-12);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(SmallRule(0.14, 9).Evaluate(built->ctx()).triggered, 1);  // d ≈ 0.1449
}

TEST(LoadBalancingTest, IntermittentlyIdleGpuFiresOnItsMean) {
  // gpu0 computes 40 % of the time at 90 % and waits otherwise; gpu1 is
  // idle (like the real klay-liu job). Both medians lie in bin 0, but the
  // means are (6·1 + 4·91)/10 = 37 % and 1 %: 36 points.
  // p = (0.6, 0.4), q = (1, 0), m = (0.8, 0.2): KL(p‖m) = 0.6·ln(3/4) +
  // 0.4·ln 2, KL(q‖m) = ln(5/4), d ≈ 0.405.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 10; ++i) {
    Constant(d, "algo-1", {"gpu0", "gpu1"}, {i < 6 ? 0.0 : 90.0, 0.0}, 1, 1000.5 + i);
  }
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 9).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  const double kl_p = 0.6 * std::log(0.75) + 0.4 * std::log(2.0);
  const double kl_q = std::log(1.25);
  EXPECT_NEAR(r.details["algo-1"]["distances"]["gpu0"]["gpu1"].get<double>(),
              std::sqrt(0.5 * (kl_p + kl_q)), 1e-12);
  const auto h0 = r.details["algo-1"]["workloads"]["gpu0"].get<std::vector<int64_t>>();
  EXPECT_DOUBLE_EQ(HistogramMeanUtilization(h0), 37.0);
}

TEST(LoadBalancingTest, GpuDoingExtraWorkFiresAgainstEveryOtherGpu) {
  // gpu0 gathers the outputs and computes the loss (PyTorch DataParallel):
  // 90 % against 60 % on gpu1-3. Disjoint histograms (d = sqrt(ln 2)), means
  // 91 % and 61 %. The three equally loaded GPUs are not flagged.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Constant(d, "algo-1", {"gpu0", "gpu1", "gpu2", "gpu3"}, {90, 60, 60, 60}, 5);
  auto built = d.Build();
  RuleResult r = SmallRule(0.2, 4).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 3);
  const auto& dist = r.details["algo-1"]["distances"];
  ASSERT_EQ(dist.size(), 1u);
  ASSERT_EQ(dist["gpu0"].size(), 3u);
  for (const char* g : {"gpu1", "gpu2", "gpu3"}) {
    EXPECT_DOUBLE_EQ(dist["gpu0"][g].get<double>(), std::sqrt(std::log(2.0))) << g;
  }
}

TEST(LoadBalancingTest, ParametersDefaultsOverridesAndErrors) {
  LoadBalancingRule rule;
  // SageMaker's two lines, then sm-report's min_difference.
  EXPECT_EQ(rule.RuleParameters(), "threshold:0.2\npatience:1000\nmin_difference:10");
  EXPECT_TRUE(rule.SetParam("threshold", "0.5").ok());
  EXPECT_TRUE(rule.SetParam("patience", "10").ok());
  EXPECT_TRUE(rule.SetParam("min_difference", "2.5").ok());
  EXPECT_EQ(rule.RuleParameters(), "threshold:0.5\npatience:10\nmin_difference:2.5");
  EXPECT_TRUE(rule.SetParam("min_difference", "0").ok());  // distance only
  EXPECT_EQ(rule.values().min_difference, 0.0);
  EXPECT_FALSE(rule.SetParam("min_difference", "100.5").ok());
  EXPECT_FALSE(rule.SetParam("min_difference", "-1").ok());
  EXPECT_FALSE(rule.SetParam("min_difference", "ten").ok());
  EXPECT_EQ(rule.values().min_difference, 0.0);
  Status unknown = rule.SetParam("window", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("LoadBalancing"), std::string::npos);
  EXPECT_NE(unknown.message().find("threshold"), std::string::npos);
  EXPECT_NE(unknown.message().find("min_difference"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("threshold", "0").ok());
  EXPECT_FALSE(rule.SetParam("threshold", "abc").ok());
  EXPECT_FALSE(rule.SetParam("patience", "0").ok());
  EXPECT_EQ(rule.values().threshold, 0.5);
}

TEST(LoadBalancingTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  TestData two;
  two.SystemFile("algo-1", 1000);
  Constant(two, "algo-1", {"gpu0", "gpu1"}, {100, 0}, 3);
  auto built = two.Build();
  RuleResult waiting = SmallRule(0.2, 3).Evaluate(built->ctx());  // 3 is not > 3
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason,
            "at most 3 samples per GPU; needs more than 3 (patience)");
  RuleResult fired = SmallRule(0.2, 2).Evaluate(built->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
  TestData even;
  even.SystemFile("algo-1", 1000);
  Constant(even, "algo-1", {"gpu0", "gpu1"}, {50, 50}, 3);
  auto even_built = even.Build();
  RuleResult quiet = SmallRule(0.2, 2).Evaluate(even_built->ctx());
  EXPECT_EQ(quiet.triggered, 0);
  EXPECT_TRUE(quiet.applicable);
  EXPECT_EQ(quiet.not_evaluated_reason, "");
}

TEST(LoadBalancingTest, SingleGpuHasNothingToBalance) {
  TestData one;
  one.SystemFile("algo-1", 1000);
  Constant(one, "algo-1", {"gpu0"}, {30}, 5);
  auto built = one.Build();
  RuleResult r = SmallRule(0.2, 2).Evaluate(built->ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "a single GPU (gpu0): nothing to balance");
  // Two nodes with one GPU each: GPUs of different nodes are not compared.
  TestData two_nodes;
  two_nodes.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  Constant(two_nodes, "algo-1", {"gpu0"}, {100}, 5);
  Constant(two_nodes, "algo-2", {"gpu0"}, {0}, 5);
  auto built2 = two_nodes.Build();
  RuleResult r2 = SmallRule(0.2, 2).Evaluate(built2->ctx());
  EXPECT_FALSE(r2.applicable);
  EXPECT_EQ(r2.not_applicable_reason, "one GPU per node: nothing to balance");
  EXPECT_EQ(r2.triggered, 0);
}

// algo-1's first file (window 0) starts the input, so algo-1 is the first
// of two shards, but algo-2's GPUs are seen first (window 1, algo-1's in
// window 2): the finished result follows the walk's first-seen order.
TEST(LoadBalancingTest, ShardsKeepTheWalksFirstSeenOrder) {
  testing::SystemJob files("LoadBalancingShards");
  files.File("algo-1", 1600000000).Cpu(1600000000.5, 50);  // no GPU sample yet
  files.File("algo-2", 1600000060);
  for (int i = 0; i < 3; ++i)
    files.Gpu("gpu0", 1600000060.5 + i, 100).Gpu("gpu1", 1600000060.5 + i, 0);
  files.File("algo-1", 1600000120);
  for (int i = 0; i < 3; ++i)
    files.Gpu("gpu1", 1600000120.5 + i, 0).Gpu("gpu0", 1600000120.5 + i, 100);
  files.File("algo-2", 1600000180);
  files.Gpu("gpu0", 1600000180.5, 100).Gpu("gpu1", 1600000180.5, 0);
  const std::string dir = files.Write();
  const LoadBalancingRule rule = SmallRule(0.2, 2);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;

  const auto one = testing::LoadShardedJob(dir, 1, options);
  const RuleResult whole = rule.Evaluate(one->WholeContext());
  EXPECT_EQ(testing::KeysOf(whole.details), (std::vector<std::string>{"algo-2", "algo-1"}));
  EXPECT_EQ(testing::KeysOf(whole.details["algo-1"]["workloads"]),
            (std::vector<std::string>{"gpu1", "gpu0"}));
  EXPECT_EQ(whole.triggered, 5);   // algo-2 in windows 1, 2, 3; algo-1 in 2, 3
  EXPECT_EQ(whole.datapoints, 4);  // algo-2/gpu1 has the last sample
  const auto two = testing::LoadShardedJob(dir, 2, options);
  ASSERT_EQ(two->groups[0].keys, std::vector<std::string>{"algo-1"});
  testing::ExpectShardedEqualsWhole(rule, *two);
  EXPECT_EQ(testing::FindingLines(testing::FinishShards(rule, *two)), testing::FindingLines(whole));
}

// A GPU over SageMaker's memory guard: the shard finishes its result on its
// own (also through the byte form) and cannot be merged with another that
// holds samples.
TEST(LoadBalancingTest, AShardWhoseMemoryGuardFiredFinishesAlone) {
  TestData big;
  big.SystemFile("algo-1", 1000);
  for (int64_t i = 0; i <= kMaxDatapoints; ++i)
    big.GpuUtil("algo-1", "gpu0", 1000.5 + 1e-6 * i, 50);
  big.GpuUtil("algo-1", "gpu1", 1010.5, 0);
  auto built = big.Build();
  TestData small;
  small.SystemFile("algo-2", 1000);
  small.GpuUtil("algo-2", "gpu0", 1000.5, 50);
  auto other = small.Build();
  const LoadBalancingRule rule = SmallRule(0.2, 2);
  std::unique_ptr<RulePartial> p = rule.Partial(built->ctx());
  const RuleResult whole = rule.Evaluate(built->ctx());
  EXPECT_EQ(whole.datapoints, 1);  // the histograms started afresh
  EXPECT_EQ(RuleResultToJson(rule.Finish(std::move(*testing::RoundTrip(rule, *p)), built->ctx())),
            RuleResultToJson(whole));
  const Status st = p->Merge(std::move(*rule.Partial(other->ctx())));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("memory guard"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace smr
