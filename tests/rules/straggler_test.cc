#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

StepSkew Skew(int64_t number, int64_t late_rank, int64_t late_by_ms, int64_t slowest_rank) {
  StepSkew s;
  s.number = number;
  s.ranks = 2;
  s.median_duration_ns = 100 * kMs;
  s.late_rank = late_rank;
  s.late_by_ns = late_by_ms * kMs;
  s.slowest_rank = slowest_rank;
  return s;
}

// Ranks 0 and 1 with steps 1..4 of 100 ms; the skew of the worked example.
void WorkedExample(KinetoFixture* f) {
  f->Rank(0);
  f->Rank(1);
  for (int64_t i = 1; i <= 4; ++i) {
    KinetoFixture::Step(&f->k.ranks[0], i, (i - 1) * 100 * kMs, 100 * kMs);
    KinetoFixture::Step(&f->k.ranks[1], i, (i - 1) * 100 * kMs, 100 * kMs);
  }
  f->k.skew = {Skew(1, 1, 20, 1), Skew(2, 1, 30, 1), Skew(3, 1, 5, 0), Skew(4, 0, 15, 0)};
}

TEST(StragglerTest, WorkedExampleFromHeader) {
  KinetoFixture f;
  WorkedExample(&f);
  const RuleResult r = StragglerRule().Evaluate(f.ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 3, \"Details\": {\"steps\": 4, \"ranks\": "
            "{\"rank 0\": {\"late_steps\": 1, \"late_share\": 25.0, \"late_s\": 0.015, "
            "\"slowest_steps\": 2, \"worst_steps\": [{\"step\": 4, \"start_us\": "
            "1704067200300000, \"late_by_ms\": 15.0}], \"triggered\": false}, \"rank 1\": "
            "{\"late_steps\": 2, \"late_share\": 50.0, \"late_s\": 0.05, \"slowest_steps\": 2, "
            "\"worst_steps\": [{\"step\": 2, \"start_us\": 1704067200100000, \"late_by_ms\": "
            "30.0}, {\"step\": 1, \"start_us\": 1704067200000000, \"late_by_ms\": 20.0}], "
            "\"triggered\": true}}, \"estimated_saving_s\": 0.05}, \"Datapoints\": 4, "
            "\"RuleParameters\": \"ratio:50\\nthreshold:10\\nmin_steps:3\"}");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 1");
  EXPECT_EQ(r.findings[0].window_start_us, (kT0 + 100 * kMs) / 1000);
  EXPECT_EQ(r.findings[0].value, 50.0);
}

TEST(StragglerTest, RatioAboveTheLateShareDoesNotFire) {
  KinetoFixture f;
  WorkedExample(&f);
  StragglerRule rule;
  ASSERT_TRUE(rule.SetParam("ratio", "51").ok());
  const RuleResult r = rule.Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 3);
}

TEST(StragglerTest, LateByExactlyTheThresholdIsNotLate) {
  KinetoFixture f;
  WorkedExample(&f);
  // 10 ms of a 100 ms median step = 10 %: not more than 10 %.
  f.k.skew = {Skew(1, 1, 10, 1), Skew(2, 1, 10, 1), Skew(3, 1, 10, 1)};
  const RuleResult r = StragglerRule().Evaluate(f.ctx());
  EXPECT_EQ(r.violations, 0);
  EXPECT_EQ(r.triggered, 0);
  StragglerRule lower;
  ASSERT_TRUE(lower.SetParam("threshold", "9").ok());
  EXPECT_EQ(lower.Evaluate(f.ctx()).triggered, 1);
}

TEST(StragglerTest, SingleRankIsNotApplicable) {
  KinetoFixture f;
  KinetoFixture::Step(&f.Rank(0), 1, 0, 100 * kMs);
  const RuleResult r = StragglerRule().Evaluate(f.ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "a single rank: no other rank to be late against");
}

TEST(StragglerTest, TooFewCommonStepsIsNotEvaluated) {
  KinetoFixture f;
  WorkedExample(&f);
  f.k.skew.resize(2);  // steps 1 and 2, both late on rank 1
  const RuleResult r = StragglerRule().Evaluate(f.ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.not_evaluated_reason, "2 steps seen on two or more ranks; needs 3 (min_steps)");
  StragglerRule two;
  ASSERT_TRUE(two.SetParam("min_steps", "2").ok());
  EXPECT_EQ(two.Evaluate(f.ctx()).triggered, 1);
}

}  // namespace
}  // namespace smr
