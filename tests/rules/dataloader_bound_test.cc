#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

// Rank 0: steps 1..3 of 100 ms with `a`, `b`, `c` ms of data loading.
void ThreeSteps(KinetoFixture* f, int64_t a, int64_t b, int64_t c) {
  KinetoRankAnalysis& r0 = f->Rank(0);
  KinetoFixture::Step(&r0, 1, 0, 100 * kMs).cpu.dataloader_ns = a * kMs;
  KinetoFixture::Step(&r0, 2, 100 * kMs, 100 * kMs).cpu.dataloader_ns = b * kMs;
  KinetoFixture::Step(&r0, 3, 200 * kMs, 100 * kMs).cpu.dataloader_ns = c * kMs;
}

TEST(DataloaderBoundTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  ThreeSteps(&f, 5, 20, 30);
  const RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
  // Shares 5, 20, 30 %: median 20 > 10; steps 2 and 3 above; 55 ms loading.
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 2, \"Details\": {\"ranks\": {\"rank 0\": "
            "{\"steps\": 3, \"evaluated\": true, \"median_share\": 20.0, \"dataloader_s\": 0.055, "
            "\"step_time_s\": 0.3, \"steps_above\": 2, \"worst_steps\": [{\"step\": 3, "
            "\"start_us\": 1704067200200000, \"share\": 30.0}, {\"step\": 2, \"start_us\": "
            "1704067200100000, \"share\": 20.0}, {\"step\": 1, \"start_us\": 1704067200000000, "
            "\"share\": 5.0}], \"triggered\": true}}, \"estimated_saving_s\": 0.055}, "
            "\"Datapoints\": 3, \"RuleParameters\": \"threshold:10\\nmin_steps:3\"}");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 0");
  EXPECT_EQ(r.findings[0].device, "");
  EXPECT_EQ(r.findings[0].window_start_us, (kT0 + 200 * kMs) / 1000);  // worst step's start
  EXPECT_EQ(r.findings[0].value, 20.0);
  EXPECT_TRUE(r.applicable);
  EXPECT_TRUE(r.not_evaluated_reason.empty());
}

TEST(DataloaderBoundTest, MedianExactlyAtThresholdDoesNotFire) {
  KinetoFixture f;
  ThreeSteps(&f, 10, 10, 10);  // 10 % each: not above 10
  const RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 0);
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_FALSE(r.details["ranks"]["rank 0"]["triggered"].get<bool>());
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.0);
  EXPECT_TRUE(r.findings.empty());
}

TEST(DataloaderBoundTest, OneSlowStepIsNotTheMedian) {
  // 90 % in one step, 0 in the others: median 0, one violation, no trigger.
  KinetoFixture f;
  ThreeSteps(&f, 0, 90, 0);
  const RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 1);
}

TEST(DataloaderBoundTest, LowerThresholdFires) {
  KinetoFixture f;
  ThreeSteps(&f, 10, 10, 10);
  DataloaderBoundRule rule;
  ASSERT_TRUE(rule.SetParam("threshold", "9.5").ok());
  EXPECT_EQ(rule.Evaluate(f.ctx()).triggered, 1);
}

TEST(DataloaderBoundTest, TooFewStepsIsNotEvaluated) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  KinetoFixture::Step(&r0, 1, 0, 100 * kMs).cpu.dataloader_ns = 90 * kMs;
  KinetoFixture::Step(&r0, 2, 100 * kMs, 100 * kMs).cpu.dataloader_ns = 90 * kMs;
  const RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.not_evaluated_reason, "at most 2 steps per rank; needs 3 (min_steps)");
  EXPECT_FALSE(r.details["ranks"]["rank 0"]["evaluated"].get<bool>());
  DataloaderBoundRule two;
  ASSERT_TRUE(two.SetParam("min_steps", "2").ok());
  EXPECT_EQ(two.Evaluate(f.ctx()).triggered, 1);
}

TEST(DataloaderBoundTest, WithoutKinetoTracesNotApplicable) {
  KinetoFixture f;
  AnalysisContext ctx = f.ctx();
  ctx.kineto = nullptr;
  const RuleResult r = DataloaderBoundRule().Evaluate(ctx);
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "no PyTorch-profiler (Kineto) traces");
  EXPECT_FALSE(DataloaderBoundRule().Evaluate(f.ctx()).applicable);  // empty analysis
}

TEST(DataloaderBoundTest, CountsFiringRanksAndTheLargestSaving) {
  KinetoFixture f;
  f.Rank(0);
  f.Rank(1);
  for (int64_t i = 0; i < 3; ++i) {
    KinetoFixture::Step(&f.k.ranks[0], i, i * 100 * kMs, 100 * kMs).cpu.dataloader_ns = 50 * kMs;
    KinetoFixture::Step(&f.k.ranks[1], i, i * 100 * kMs, 100 * kMs).cpu.dataloader_ns = 20 * kMs;
  }
  const RuleResult r = DataloaderBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 2);
  EXPECT_EQ(r.violations, 6);
  EXPECT_EQ(r.datapoints, 6);
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.15);  // rank 0: 3 x 50 ms
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[1].node, "rank 1");
}

}  // namespace
}  // namespace smr
