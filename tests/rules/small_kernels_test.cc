#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

// Rank 0 over a 1 s span: `events` GPU events, `shorts` of them short, the
// GPU busy `busy` ms, launch calls `launch` ms, GPU event time 400 ms.
void Rank0(KinetoFixture* f, int64_t events, int64_t shorts, int64_t busy, int64_t launch) {
  KinetoRankAnalysis& r0 = f->Rank(0);
  r0.gpu_steps.end_ns = kT0 + 1000 * kMs;
  r0.gpu_steps.idle_ns = (1000 - busy) * kMs;
  r0.launches.gpu_events = events;
  r0.launches.short_kernels = shorts;
  r0.launches.launch_call_ns = launch * kMs;
  r0.launches.gpu_event_ns = 400 * kMs;
}

TEST(SmallKernelsTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  Rank0(&f, 1000, 800, 300, 250);
  const RuleResult r = SmallKernelsRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 800);
  EXPECT_EQ(r.datapoints, 1000);
  const auto& e = r.details["ranks"]["rank 0"];
  EXPECT_EQ(e["short_share"].get<double>(), 80.0);
  EXPECT_EQ(e["busy_share"].get<double>(), 30.0);
  EXPECT_EQ(e["short_kernel_us"].get<double>(), 10.0);
  EXPECT_EQ(e["mean_event_us"].get<double>(), 400.0);  // 400 ms / 1000
  EXPECT_FALSE(e["launch_bound"].get<bool>());
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.25);  // min(250, 700 idle) ms
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].value, 80.0);
  EXPECT_EQ(r.rule_parameters, "threshold:50\nbusy_threshold:50\nmin_events:100");
}

// A rank with fewer than min_events (100) GPU events is not checked: one
// 0.02 µs kernel on an idle GPU (a real 2026 trace has exactly that) is no
// evidence of launch overhead. 99 events: not evaluated; 100: fires.
TEST(SmallKernelsTest, TooFewEventsAreNotEvaluated) {
  KinetoFixture f;
  Rank0(&f, 99, 99, 10, 1);
  const RuleResult r = SmallKernelsRule().Evaluate(f.ctx());
  EXPECT_TRUE(r.applicable);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.datapoints, 0);
  EXPECT_FALSE(r.details["ranks"].contains("rank 0"));
  EXPECT_EQ(r.not_evaluated_reason,
            "every rank has fewer than 100 GPU activity events (min_events)");
  KinetoFixture g;
  Rank0(&g, 100, 100, 10, 1);
  const RuleResult fired = SmallKernelsRule().Evaluate(g.ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_TRUE(fired.not_evaluated_reason.empty());
}

TEST(SmallKernelsTest, ExactlyAtThresholdsDoesNotFire) {
  KinetoFixture f;
  Rank0(&f, 1000, 500, 300, 100);  // 50 % short: not above
  EXPECT_EQ(SmallKernelsRule().Evaluate(f.ctx()).triggered, 0);
  KinetoFixture g;
  Rank0(&g, 1000, 800, 500, 100);  // busy 50 %: not below
  EXPECT_EQ(SmallKernelsRule().Evaluate(g.ctx()).triggered, 0);
}

TEST(SmallKernelsTest, LaunchCallsLongerThanGpuWorkFire) {
  KinetoFixture f;
  Rank0(&f, 1000, 0, 900, 500);  // 500 ms of launches for 400 ms of GPU work
  const RuleResult r = SmallKernelsRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_TRUE(r.details["ranks"]["rank 0"]["launch_bound"].get<bool>());
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.1);  // idle 100 ms
}

TEST(SmallKernelsTest, NotApplicableWithoutGpuEvents) {
  KinetoFixture f;
  Rank0(&f, 0, 0, 0, 0);
  const RuleResult r = SmallKernelsRule().Evaluate(f.ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "no GPU activity events in the PyTorch-profiler traces");
}

}  // namespace
}  // namespace smr
