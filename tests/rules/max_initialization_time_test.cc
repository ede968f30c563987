#include "src/rules/builtin_rules.h"

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

TEST(MaxInitializationTimeTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 1).Cpu("algo-1", "cpu0", 1170.0, 1);
  auto built = d.Build();
  MaxInitializationTimeRule rule;
  ASSERT_TRUE(rule.SetParam("threshold", "1").ok());
  EXPECT_EQ(RuleResultToJson(rule.Evaluate(built->ctx())),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"step_num\": {}, "
            "\"job_start\": 1000.5, \"job_end\": 1170.0}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"threshold:1\"}");
}

TEST(MaxInitializationTimeTest, StepsGiveFirstAndLastStartAndCountBoundaryTwice) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1001.0, 1).Cpu("algo-1", "cpu0", 1100.0, 1);
  d.Step("algo-1-27", "TRAIN", 0, 1'010'000'000, 1'011'000'000);
  d.Step("algo-1-27", "TRAIN", 1, 1'059'000'000, 1'061'000'000);  // crosses 1060 s
  d.Step("algo-1-27", "TRAIN", 2, 1'070'000'000, 1'071'000'000);
  auto built = d.Build();
  RuleResult r = MaxInitializationTimeRule().Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 4);  // step 1 delivered to windows 0 and 1
  EXPECT_EQ(r.details["step_num"]["first"].get<int64_t>(), 1'010'000'000);
  EXPECT_EQ(r.details["step_num"]["last"].get<int64_t>(), 1'070'000'000);
  EXPECT_EQ(r.details["job_start"].get<double>(), 1001.0);
  EXPECT_EQ(r.details["job_end"].get<double>(), 1100.0);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.rule_parameters, "threshold:20");
}

TEST(MaxInitializationTimeTest, ExactlyThresholdMinutesDoesNotFire) {
  // threshold 2 min; windows start 0, 60, 120, 180 s after t0: only the
  // window starting at 180 s (> 120 s) fires; 120 s is not "more than".
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1200.0, 1);  // window 3
  auto built = d.Build();
  MaxInitializationTimeRule rule;
  ASSERT_TRUE(rule.SetParam("threshold", "2").ok());
  RuleResult r = rule.Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 1);
}

TEST(MaxInitializationTimeTest, DeviationFiresWhereSageMakerNever) {
  // SageMaker's check compares its own clock, which ProfilerReport never
  // advances: elapsed = last_timestamp - first_timestamp = 0 in every window.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.0 + 60 * 25, 1);  // 26 windows, no steps
  auto built = d.Build();
  int sagemaker_triggers = 0;
  const int64_t sm_clock = built->windows.first_timestamp_us();
  for (size_t w = 0; w < built->windows.size(); ++w) {
    if (sm_clock - built->windows.first_timestamp_us() > 20 * 60'000'000LL) ++sagemaker_triggers;
  }
  EXPECT_EQ(sagemaker_triggers, 0);
  // Ours: windows starting at 21..25 minutes fire.
  EXPECT_EQ(MaxInitializationTimeRule().Evaluate(built->ctx()).triggered, 5);
}

TEST(MaxInitializationTimeTest, NoFrameworkDataKeepsEmptyStepNum) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 1);
  auto built = d.Build();
  RuleResult r = MaxInitializationTimeRule().Evaluate(built->ctx());
  EXPECT_TRUE(r.details["step_num"].empty());
  EXPECT_EQ(r.datapoints, 0);
}

TEST(MaxInitializationTimeTest, Parameters) {
  MaxInitializationTimeRule rule;
  EXPECT_EQ(rule.RuleParameters(), "threshold:20");
  EXPECT_TRUE(rule.SetParam("threshold", "7.5").ok());
  EXPECT_EQ(rule.RuleParameters(), "threshold:7.5");
  EXPECT_FALSE(rule.SetParam("threshold", "0").ok());
  EXPECT_FALSE(rule.SetParam("threshold", "-3").ok());
  EXPECT_FALSE(rule.SetParam("patience", "3").ok());
}

// The report's states: not applicable without framework data (even though
// it fired: without step events every job looks stuck in initialization),
// not evaluated when the data ends before the threshold without a step, ok
// once a step came in time.
TEST(MaxInitializationTimeTest, StatesNotApplicableNotEvaluatedOk) {
  TestData system_only;
  system_only.SystemFile("algo-1", 1000);
  system_only.Cpu("algo-1", "cpu0", 1000.5, 1).Cpu("algo-1", "cpu0", 1170.0, 1);
  auto built = system_only.Build();
  MaxInitializationTimeRule rule;
  ASSERT_TRUE(rule.SetParam("threshold", "1").ok());
  RuleResult none = rule.Evaluate(built->ctx());
  EXPECT_EQ(none.triggered, 1);  // the JSON is unchanged
  EXPECT_FALSE(none.applicable);
  EXPECT_EQ(none.not_applicable_reason, "no framework profiling data: step times are unknown");

  // Framework data without a step; windows start at 0, 60, 120 s: with a
  // 5-minute threshold nothing was judged.
  TestData short_job;
  short_job.SystemFile("algo-1", 1000).FrameworkFile("1-algo-1", 1'000'000'000);
  short_job.Cpu("algo-1", "cpu0", 1000.5, 1).Cpu("algo-1", "cpu0", 1170.0, 1);
  short_job.Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'010'000'000, 1'010'100'000);
  auto short_built = short_job.Build();
  MaxInitializationTimeRule five;
  ASSERT_TRUE(five.SetParam("threshold", "5").ok());
  RuleResult waiting = five.Evaluate(short_built->ctx());
  EXPECT_EQ(waiting.triggered, 0);
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason,
            "no training step recorded, and the evaluated windows reach only 2 min past the first "
            "sample; the rule fires only after 5 min without a step");
  // The same job with a step at 10 s: judged, ok.
  short_job.Step("algo-1-27", "TRAIN", 0, 1'010'000'000, 1'011'000'000);
  auto step_built = short_job.Build();
  RuleResult ok = five.Evaluate(step_built->ctx());
  EXPECT_EQ(ok.triggered, 0);
  EXPECT_EQ(ok.not_evaluated_reason, "");
  EXPECT_TRUE(ok.applicable);
}

}  // namespace
}  // namespace smr
