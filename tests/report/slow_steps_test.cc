// Outlier steps per rank and grouped across ranks (src/report/slow_steps.h)
// on a hand-made two-rank job.
#include "src/report/slow_steps.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/store_builder.h"

namespace smr::report_internal {
namespace {

// Two ranks of 20 TRAIN steps of 1 s each, back to back from t = 1000 s.
// Step 10 takes 5 s on both ranks (a stall every rank sees); step 15 takes
// 5 s on algo-1-1 only.
//   algo-1-1: 18 × 1 s + 2 × 5 s: mean 1.4, variance (18·0.16 + 2·12.96)/20
//     = 1.44, σ 1.2; threshold with k = 2: 1.4 + 2.4 = 3.8 -> steps 10, 15.
//   algo-2-1: 19 × 1 s + 5 s: mean 1.2, variance (19·0.04 + 14.44)/20 =
//     0.76, σ 0.8718; threshold 2.9436 -> step 10.
// Median step on both ranks: 1 s, so each slow step is 5× the median.
std::unique_ptr<testing::BuiltData> TwoRanks() {
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  for (const char* rank : {"algo-1-1", "algo-2-1"}) {
    int64_t t = 1'000'000'000;
    for (int64_t step = 0; step < 20; ++step) {
      const bool slow = step == 10 || (step == 15 && std::string(rank) == "algo-1-1");
      const int64_t dur = slow ? 5'000'000 : 1'000'000;
      d.Step(rank, "TRAIN", step, t, t + dur);
      t += dur;
    }
  }
  return d.Build();
}

TEST(SlowStepsTest, OutliersPerRankUseTheRanksOwnThreshold) {
  const auto b = TwoRanks();
  const std::vector<RankPhaseSteps> ranks = OutlierStepsPerRank(b->store, b->timeline, 2);
  ASSERT_EQ(ranks.size(), 2u);
  EXPECT_EQ(ranks[0].rank, "algo-1-1");
  EXPECT_EQ(ranks[0].phase, "TRAIN");
  EXPECT_NEAR(ranks[0].threshold, 3.8, 1e-9);
  EXPECT_DOUBLE_EQ(ranks[0].median, 1.0);
  ASSERT_EQ(ranks[0].outliers.size(), 2u);
  EXPECT_EQ(ranks[1].rank, "algo-2-1");
  EXPECT_NEAR(ranks[1].threshold, 1.2 + 2 * 0.8717797887081348, 1e-9);
  ASSERT_EQ(ranks[1].outliers.size(), 1u);
  EXPECT_EQ(b->timeline.steps[ranks[1].outliers[0]].step, 10);
}

TEST(SlowStepsTest, TheSameStepOnEveryRankComesFirst) {
  const auto b = TwoRanks();
  const std::vector<RankPhaseSteps> ranks = OutlierStepsPerRank(b->store, b->timeline, 2);
  const std::vector<SlowStepGroup> groups = GroupSlowSteps(b->timeline, ranks);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].step, 10);
  EXPECT_TRUE(groups[0].OnAllRanks());
  EXPECT_EQ(groups[0].slow.size(), 2u);
  EXPECT_EQ(groups[0].ranks_in_phase, 2u);
  EXPECT_DOUBLE_EQ(groups[0].median_ratio, 5.0);
  EXPECT_DOUBLE_EQ(groups[0].median_duration, 5.0);
  // Step 10 starts after ten 1-s steps on both ranks.
  EXPECT_EQ(groups[0].first_start_us, 1'010'000'000);
  EXPECT_EQ(groups[1].step, 15);
  EXPECT_FALSE(groups[1].OnAllRanks());
  ASSERT_EQ(groups[1].slow.size(), 1u);
  EXPECT_EQ(ranks[groups[1].slow[0].first].rank, "algo-1-1");
}

TEST(SlowStepsTest, OneRankIsNeverAllRanks) {
  // A step slow on the only rank of its phase is not "slow on all ranks".
  SlowStepGroup g;
  g.ranks_in_phase = 1;
  g.slow = {{0, 0}};
  EXPECT_FALSE(g.OnAllRanks());
}

TEST(SlowStepsTest, StepListShowsTheFirstStepsAndTheCount) {
  EXPECT_EQ(StepList({120, 60, 180}), "60, 120, 180 (3 steps)");
  EXPECT_EQ(StepList({7}), "7");
  EXPECT_EQ(StepList({5, 4, 3, 2, 1}, 3), "1, 2, 3, … (5 steps)");
}

}  // namespace
}  // namespace smr::report_internal
