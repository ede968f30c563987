#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

TEST(TimelineTest, JobBoundsComeFromSystemTimestamps) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1005.25, 1).Cpu("algo-1", "cpu0", 1001.5, 1);
  auto built = d.Build();
  EXPECT_TRUE(built->timeline.has_system);
  EXPECT_EQ(built->timeline.job_start_s, 1001.5);
  EXPECT_EQ(built->timeline.job_end_s, 1005.25);
  EXPECT_FALSE(built->timeline.has_steps);
  EXPECT_TRUE(built->timeline.phases.empty());
}

TEST(TimelineTest, StepsPhasesAndGaps) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000.0, 1).Cpu("algo-1", "cpu0", 1100.0, 1);
  // TRAIN 1010-1020 s, 1020-1030 s; EVAL 1040-1045 s; a non-step event.
  d.Step("algo-1-27", "TRAIN", 0, 1'010'000'000, 1'020'000'000);
  d.Step("algo-1-27", "TRAIN", 1, 1'020'000'000, 1'030'000'000);
  d.Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'011'000'000, 1'012'000'000);
  d.Step("algo-1-27", "EVAL", 0, 1'040'000'000, 1'045'000'000);
  auto built = d.Build();
  const JobTimeline& tl = built->timeline;
  ASSERT_TRUE(tl.has_steps);
  EXPECT_EQ(tl.steps.size(), 3u);
  EXPECT_EQ(tl.first_step_start_us, 1'010'000'000);
  EXPECT_EQ(tl.last_step_start_us, 1'040'000'000);
  EXPECT_EQ(tl.last_step_end_us, 1'045'000'000);

  ASSERT_EQ(tl.phases.size(), 5u);
  EXPECT_EQ(tl.phases[0].label, "Before first step");
  EXPECT_EQ(tl.phases[0].start_us, 1'000'000'000);
  EXPECT_EQ(tl.phases[0].end_us, 1'010'000'000);
  EXPECT_EQ(tl.phases[1].label, "TRAIN");
  EXPECT_EQ(tl.phases[1].phase, "TRAIN");
  EXPECT_EQ(tl.phases[1].end_us, 1'030'000'000);
  EXPECT_EQ(tl.phases[2].label, "Between TRAIN and EVAL");
  EXPECT_EQ(tl.phases[2].start_us, 1'030'000'000);
  EXPECT_EQ(tl.phases[2].end_us, 1'040'000'000);
  EXPECT_EQ(tl.phases[3].label, "EVAL");
  EXPECT_EQ(tl.phases[4].label, "After last step");
  EXPECT_EQ(tl.phases[4].end_us, 1'100'000'000);

  // by (node, phase): EVAL sorts before TRAIN.
  ASSERT_EQ(tl.by_node_phase.size(), 2u);
  EXPECT_EQ(built->store.str(tl.by_node_phase[0].phase), "Step:ModeKeys.EVAL");
  const StepStats& train = tl.by_node_phase[1].stats;
  EXPECT_EQ(train.count, 2);
  EXPECT_EQ(train.mean_s, 10.0);
  EXPECT_EQ(train.min_s, 10.0);
  EXPECT_EQ(train.p95_s, 10.0);
}

TEST(TimelineTest, StepStatsUseNumpyQuantiles) {
  TestData d;
  d.Step("n", "TRAIN", 0, 0, 1'000'000);
  d.Step("n", "TRAIN", 1, 2'000'000, 4'000'000);
  d.Step("n", "TRAIN", 2, 5'000'000, 9'000'000);  // durations 1, 2, 4 s
  auto built = d.Build();
  const StepStats& s = built->timeline.by_node_phase.at(0).stats;
  EXPECT_DOUBLE_EQ(s.mean_s, 7.0 / 3.0);
  EXPECT_EQ(s.p50_s, 2.0);
  EXPECT_DOUBLE_EQ(s.p95_s, 3.8);  // index 1.9 between 2 and 4
  EXPECT_EQ(s.max_s, 4.0);
  // No system data: no before/after intervals.
  ASSERT_EQ(built->timeline.phases.size(), 1u);
  EXPECT_EQ(built->timeline.phases[0].label, "TRAIN");
}

}  // namespace
}  // namespace smr
