// LowGPUUtilization on the GPU busy time of Kineto traces (no GPU
// utilization series).
#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/builtin_rules.h"
#include "tests/rules/kineto_builder.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

LowGpuUtilizationRule SmallRule(int64_t patience, int64_t window) {
  LowGpuUtilizationRule rule;
  EXPECT_TRUE(rule.SetParam("patience", std::to_string(patience)).ok());
  EXPECT_TRUE(rule.SetParam("window", std::to_string(window)).ok());
  return rule;
}

TEST(LowGpuUtilizationKinetoTest, BusySharePerBucketIsTheSample) {
  // Buckets of 100 ms busy 0, 0 and 10 ms: samples 0, 0, 10 % -- the numbers
  // of the SageMaker worked example in low_gpu_utilization.cc.
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  r0.end_ns = kT0 + 300 * kMs;
  r0.gpu_busy_ns = {0, 0, 10 * kMs};
  const RuleResult r = SmallRule(2, 3).Evaluate(f.ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"rank 0\": {\"gpu0\": "
            "{\"gpu_max\": 10.0, \"gpu_95\": 9.0, \"gpu_5\": 0.0, \"p25\": 0.0, \"p50\": 0.0, "
            "\"p75\": 5.0, \"p95\": 9.0, \"upper\": 10.0, \"lower\": 0.0}}, "
            "\"last_timestamp\": 1704067200200000}, \"Datapoints\": 3, \"RuleParameters\": "
            "\"threshold_p95:70\\nthreshold_p5:10\\nwindow:3\\npatience:2\"}");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 0");
  EXPECT_EQ(r.findings[0].device, "gpu0");
  EXPECT_EQ(r.findings[0].value, 9.0);
}

TEST(LowGpuUtilizationKinetoTest, LastBucketIsItsActualLength) {
  // 10 ms of 100, then 25 ms of the last 50 ms: samples 10 and 50 %.
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(1);
  r0.end_ns = kT0 + 150 * kMs;
  r0.gpu_busy_ns = {10 * kMs, 25 * kMs};
  StreamTimeline st;
  st.device = 3;
  r0.streams.push_back(st);
  const RuleResult r = SmallRule(1, 2).Evaluate(f.ctx());
  ASSERT_EQ(r.triggered, 1);  // p95 = 10 + 0.95 * 40 = 48 < 70
  EXPECT_EQ(r.details["rank 1"]["gpu3"]["gpu_max"].get<double>(), 50.0);
  EXPECT_EQ(r.details["rank 1"]["gpu3"]["gpu_95"].get<double>(), 48.0);
}

TEST(LowGpuUtilizationKinetoTest, BusyGpuDoesNotFire) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  r0.end_ns = kT0 + 300 * kMs;
  r0.gpu_busy_ns = {70 * kMs, 70 * kMs, 70 * kMs};  // p95 70: not below 70
  EXPECT_EQ(SmallRule(2, 3).Evaluate(f.ctx()).triggered, 0);
}

TEST(LowGpuUtilizationKinetoTest, ShortTracesAreNotEvaluatedWithTheDefaults) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  r0.end_ns = kT0 + 300 * kMs;
  r0.gpu_busy_ns = {0, 0, 0};
  const RuleResult r = LowGpuUtilizationRule().Evaluate(f.ctx());
  EXPECT_TRUE(r.applicable);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_EQ(r.not_evaluated_reason,
            "at most 3 Kineto buckets of 100 ms per rank; needs more than 1000 (patience)");
}

TEST(LowGpuUtilizationKinetoTest, GpuSeriesTakePrecedence) {
  // A SageMaker GPU series exists: the Kineto buckets are not used.
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 90).GpuUtil("algo-1", "gpu0", 1001.0, 90);
  d.GpuUtil("algo-1", "gpu0", 1001.5, 90);
  auto built = d.Build();
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  r0.end_ns = kT0 + 300 * kMs;
  r0.gpu_busy_ns = {0, 0, 0};
  AnalysisContext ctx = built->ctx();
  ctx.kineto = &f.k;
  const RuleResult r = SmallRule(2, 3).Evaluate(ctx);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_FALSE(r.details.contains("rank 0"));
}

}  // namespace
}  // namespace smr
