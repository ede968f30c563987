#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

// Rank 0: one 100 ms step whose GPU idles `idle` ms, `host_wait` ms of
// which HTA counts as host wait (summed over streams).
void OneStep(KinetoFixture* f, int64_t idle, int64_t host_wait) {
  KinetoRankAnalysis& r0 = f->Rank(0);
  KinetoStep& s = KinetoFixture::Step(&r0, 7, 0, 100 * kMs);
  s.gpu.idle_ns = idle * kMs;
  s.gpu.idle_host_wait_ns = host_wait * kMs;
  r0.gpu_steps.idle_ns = idle * kMs;
  r0.gpu_steps.idle_host_wait_ns = host_wait * kMs;
}

TEST(HostBoundTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  OneStep(&f, 40, 50);  // host wait min(50, 40) = 40 ms of 100
  const RuleResult r = HostBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"ranks\": {\"rank 0\": "
            "{\"steps\": 1, \"wall_s\": 0.1, \"idle_s\": 0.04, \"host_wait_s\": 0.04, "
            "\"host_wait_share\": 40.0, \"steps_above\": 1, \"worst_steps\": [{\"step\": 7, "
            "\"start_us\": 1704067200000000, \"share\": 40.0}], \"triggered\": true}}, "
            "\"estimated_saving_s\": 0.04}, \"Datapoints\": 1, \"RuleParameters\": "
            "\"threshold:20\"}");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].window_start_us, kT0 / 1000);
  EXPECT_EQ(r.findings[0].value, 40.0);
}

TEST(HostBoundTest, ExactlyAtThresholdDoesNotFire) {
  KinetoFixture f;
  OneStep(&f, 60, 20);  // 20 % host wait: not above 20
  const RuleResult r = HostBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 0);
  EXPECT_EQ(r.details["ranks"]["rank 0"]["host_wait_share"].get<double>(), 20.0);
}

TEST(HostBoundTest, IdleWithoutHostWaitDoesNotFire) {
  KinetoFixture f;
  OneStep(&f, 90, 0);  // the GPU idles, but not waiting for launches
  EXPECT_EQ(HostBoundRule().Evaluate(f.ctx()).triggered, 0);
}

TEST(HostBoundTest, WithoutStepsTheWholeSpanIsOneDatapoint) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(3);
  r0.gpu_steps.end_ns = kT0 + 1000 * kMs;
  r0.gpu_steps.idle_ns = 500 * kMs;
  r0.gpu_steps.idle_host_wait_ns = 300 * kMs;
  const RuleResult r = HostBoundRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);  // 30 %
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.datapoints, 1);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 3");
  EXPECT_EQ(r.findings[0].window_start_us, kT0 / 1000);
}

TEST(HostBoundTest, NotApplicableWithoutGpuOrTraces) {
  KinetoFixture f;
  f.Rank(0).has_gpu = false;
  const RuleResult r = HostBoundRule().Evaluate(f.ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "no GPU activity in the PyTorch-profiler traces");
  AnalysisContext ctx = f.ctx();
  ctx.kineto = nullptr;
  EXPECT_FALSE(HostBoundRule().Evaluate(ctx).applicable);
}

}  // namespace
}  // namespace smr
