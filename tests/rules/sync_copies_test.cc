#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;

// Rank 0: four 250 ms steps (1 s), step 1 with 30 ms of synchronization.
KinetoRankAnalysis& FourSteps(KinetoFixture* f) {
  KinetoRankAnalysis& r0 = f->Rank(0);
  for (int64_t i = 0; i < 4; ++i) KinetoFixture::Step(&r0, i, i * 250 * kMs, 250 * kMs);
  r0.steps[1].cpu.synchronization_ns = 30 * kMs;
  return r0;
}

TEST(SyncCopiesTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = FourSteps(&f);
  r0.sync.sync_calls = 3;
  r0.sync.sync_ns = 30 * kMs;
  r0.sync.sync_copies = 2;
  r0.sync.sync_copy_ns = 40 * kMs;
  r0.sync.pageable_copies = 4;
  r0.sync.pageable_copy_ns = 8 * kMs;
  r0.gpu_steps.idle_ns = 200 * kMs;  // 20 % > 10
  const RuleResult r = SyncCopiesRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 1);  // step 1: 30 of 250 ms = 12 %
  EXPECT_EQ(r.datapoints, 4);
  const auto& e = r.details["ranks"]["rank 0"];
  EXPECT_EQ(e["wall_s"].get<double>(), 1.0);
  EXPECT_EQ(e["blocked_share"].get<double>(), 7.0);
  EXPECT_EQ(e["gpu_idle_share"].get<double>(), 20.0);
  EXPECT_EQ(e["pageable_per_step"].get<double>(), 1.0);
  EXPECT_EQ(e["reasons"].dump(), "[\"blocked\"]");
  EXPECT_EQ(e["worst_steps"][0]["step"].get<int64_t>(), 1);
  EXPECT_EQ(e["worst_steps"][0]["share"].get<double>(), 12.0);
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.07);
  EXPECT_EQ(r.rule_parameters, "threshold:5\nmax_pageable:2\ngpu_idle_threshold:10");
}

// The same stalls on a GPU that is kept busy (idle 5 %, then exactly 10 %):
// the host only waits for queued work (a GPU-bound job), so nothing fires.
TEST(SyncCopiesTest, BlockedHostOnBusyGpuDoesNotFire) {
  for (const int64_t idle_ms : {50, 100}) {
    KinetoFixture f;
    KinetoRankAnalysis& r0 = FourSteps(&f);
    r0.sync.sync_ns = 800 * kMs;  // 80 % blocked
    r0.gpu_steps.idle_ns = idle_ms * kMs;
    const RuleResult r = SyncCopiesRule().Evaluate(f.ctx());
    EXPECT_EQ(r.triggered, 0) << idle_ms;
    EXPECT_EQ(r.details["ranks"]["rank 0"]["blocked_share"].get<double>(), 80.0);
    EXPECT_EQ(r.details["ranks"]["rank 0"]["reasons"].dump(), "[]");
  }
}

// Saving: the blocked time, but no more than the GPU idle it can explain.
TEST(SyncCopiesTest, SavingIsCappedByGpuIdle) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = FourSteps(&f);
  r0.sync.sync_ns = 300 * kMs;       // 30 % blocked
  r0.gpu_steps.idle_ns = 120 * kMs;  // 12 % idle > 10
  const RuleResult r = SyncCopiesRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.12);
}

TEST(SyncCopiesTest, PageableCopiesAloneFire) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = FourSteps(&f);
  r0.sync.pageable_copies = 12;  // 3 per step > 2
  r0.sync.pageable_copy_ns = 90 * kMs;
  const RuleResult r = SyncCopiesRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.details["ranks"]["rank 0"]["reasons"].dump(), "[\"pageable\"]");
  EXPECT_EQ(r.details["estimated_saving_s"].get<double>(), 0.09);
}

TEST(SyncCopiesTest, ExactlyAtBothLimitsDoesNotFire) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = FourSteps(&f);
  r0.sync.sync_ns = 50 * kMs;   // 5 % of 1 s
  r0.sync.pageable_copies = 8;  // 2 per step
  const RuleResult r = SyncCopiesRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.details["ranks"]["rank 0"]["blocked_share"].get<double>(), 5.0);
  EXPECT_EQ(r.details["ranks"]["rank 0"]["reasons"].dump(), "[]");
}

TEST(SyncCopiesTest, NotApplicableWithoutGpu) {
  KinetoFixture f;
  f.Rank(0).has_gpu = false;
  EXPECT_FALSE(SyncCopiesRule().Evaluate(f.ctx()).applicable);
}

}  // namespace
}  // namespace smr
