// StepOutlier on the steps of Kineto traces (no SageMaker step events).
#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/builtin_rules.h"
#include "tests/rules/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoFixture;
using testing::kMs;
using testing::kT0;

// Rank 2: steps 0 and 1 of 2 s, steps 2..101 of 125 ms (the numbers of the
// SageMaker worked example in step_outlier.cc).
void HundredAndTwoSteps(KinetoFixture* f) {
  KinetoRankAnalysis& r = f->Rank(2);
  int64_t t = 0;
  for (int64_t i = 0; i < 102; ++i) {
    const int64_t d = i < 2 ? 2000 * kMs : 125 * kMs;
    KinetoFixture::Step(&r, i, t, d);
    t += d;
  }
}

TEST(StepOutlierKinetoTest, FlagsTheSlowStepsOfARank) {
  KinetoFixture f;
  HundredAndTwoSteps(&f);
  StepOutlierRule rule;
  ASSERT_TRUE(rule.SetParam("n_outliers", "1").ok());
  const RuleResult r = rule.Evaluate(f.ctx());
  EXPECT_TRUE(r.applicable);
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 2);
  EXPECT_EQ(r.datapoints, 102);
  const auto& e = r.details["step_details"]["rank 2"];
  EXPECT_EQ(e["phase"].get<std::string>(), "ProfilerStep");
  EXPECT_EQ(e["number_of_outliers"].get<int64_t>(), 2);
  EXPECT_EQ(e["stddev"].get<double>(), 0.26);
  EXPECT_EQ(e["step_stats"]["mean"].get<double>(), 0.16176470588235295);
  EXPECT_EQ(e["step_numbers"].dump(), "[\"0\",\"1\"]");
  EXPECT_EQ(r.details["step_details_by_phase"]["rank 2"]["ProfilerStep"], e);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].node, "rank 2");
  EXPECT_EQ(r.findings[0].device, "ProfilerStep");
  EXPECT_EQ(r.findings[0].window_start_us, kT0 / 1000);  // step 0
  EXPECT_EQ(r.findings[0].value, 2.0);
}

TEST(StepOutlierKinetoTest, DefaultToleratesTwoOutliers) {
  KinetoFixture f;
  HundredAndTwoSteps(&f);
  const RuleResult r = StepOutlierRule().Evaluate(f.ctx());  // n_outliers 10
  EXPECT_EQ(r.triggered, 0);
  EXPECT_TRUE(r.not_evaluated_reason.empty());
  EXPECT_EQ(r.details["step_details"]["rank 2"]["number_of_outliers"].get<int64_t>(), 2);
}

TEST(StepOutlierKinetoTest, FewStepsAreNotEvaluated) {
  KinetoFixture f;
  KinetoRankAnalysis& r0 = f.Rank(0);
  for (int64_t i = 0; i < 5; ++i) KinetoFixture::Step(&r0, i, i * 100 * kMs, 100 * kMs);
  const RuleResult r = StepOutlierRule().Evaluate(f.ctx());
  EXPECT_TRUE(r.applicable);
  EXPECT_EQ(r.datapoints, 5);
  EXPECT_EQ(r.not_evaluated_reason,
            "at most 5 Kineto steps per rank; needs more than 100 (the rule's minimum)");
}

TEST(StepOutlierKinetoTest, WithoutKinetoStepsTheRuleIsUnchanged) {
  KinetoFixture f;
  f.Rank(0);  // a trace without steps
  const RuleResult r = StepOutlierRule().Evaluate(f.ctx());
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason, "no framework profiling data: step durations are unknown");
}

}  // namespace
}  // namespace smr
