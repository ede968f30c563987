// CompareJobs: changes, threshold flags (just below / just above), the
// direction of each metric, rule changes, the job-before comparison of a
// third job, and the verdict lines.
#include <gtest/gtest.h>

#include "smr/compare.h"
#include "tests/compare/compare_test_util.h"

namespace smr {
namespace {

const MetricRow& Row(const Comparison& c, const std::string& key) {
  for (const MetricRow& m : c.metrics) {
    if (m.key == key) return m;
  }
  ADD_FAILURE() << "no row " << key;
  static const MetricRow kNone;
  return kNone;
}

JobColumn Synthetic(const std::string& label, double duration, double gpu_p50, double cpu_p50,
                    double train_p50, int64_t skipped) {
  JobColumn j;
  j.label = label;
  j.facts.duration_s = duration;
  j.facts.utilization = {{"gpu", {gpu_p50, gpu_p50}}, {"cpu", {cpu_p50, cpu_p50}}};
  j.facts.step_time = {{"TRAIN", {train_p50, train_p50}, 100}};
  j.facts.data_quality = JobDataQuality{skipped == 0, 0, skipped};
  return j;
}

ChangeFlag Flag(const Comparison& c, const std::string& key, size_t job = 1) {
  return Row(c, key).vs_baseline[job].flag;
}

TEST(ComparisonTest, ThresholdsFlagOnlyChangesBeyondThem) {
  // Exactly at the thresholds (5 %, 10 points, 0 records): not flagged.
  Comparison at =
      CompareJobs({Synthetic("A", 1000, 50, 50, 0.5, 0), Synthetic("B", 1050, 60, 80, 0.55, 0)},
                  DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(Flag(at, "duration_s"), ChangeFlag::kNone);
  EXPECT_EQ(Flag(at, "utilization_pct.gpu.p50"), ChangeFlag::kNone);
  EXPECT_EQ(Flag(at, "step_time_s.TRAIN.p50"), ChangeFlag::kNone);    // +10 % exactly
  EXPECT_EQ(Flag(at, "utilization_pct.cpu.p50"), ChangeFlag::kNone);  // +30 points, no direction
  EXPECT_NEAR(*Row(at, "duration_s").vs_baseline[1].delta_pct, 5.0, 1e-12);
  EXPECT_EQ(at.regressions[1], 0);
  EXPECT_FALSE(AnyRegression(at));
  // Just beyond them: 5.05 %, 10.5 points, 10.2 %, one record skipped.
  Comparison worse = CompareJobs(
      {Synthetic("A", 1000, 50, 50, 0.5, 0), Synthetic("B", 1050.5, 39.5, 50, 0.551, 1)},
      DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(Flag(worse, "duration_s"), ChangeFlag::kRegression);
  EXPECT_EQ(Flag(worse, "utilization_pct.gpu.p50"), ChangeFlag::kRegression);
  EXPECT_EQ(Flag(worse, "step_time_s.TRAIN.p50"), ChangeFlag::kRegression);
  EXPECT_EQ(Flag(worse, "records_skipped"), ChangeFlag::kRegression);
  EXPECT_EQ(worse.regressions[1], 6);  // p50 and p95 of GPU utilization and of TRAIN steps
  EXPECT_TRUE(AnyRegression(worse));
  Comparison better =
      CompareJobs({Synthetic("A", 1000, 50, 50, 0.5, 1), Synthetic("B", 949.5, 60.5, 50, 0.449, 0)},
                  DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(Flag(better, "duration_s"), ChangeFlag::kImprovement);
  EXPECT_EQ(Flag(better, "utilization_pct.gpu.p50"), ChangeFlag::kImprovement);
  EXPECT_EQ(Flag(better, "step_time_s.TRAIN.p50"), ChangeFlag::kImprovement);
  EXPECT_EQ(Flag(better, "records_skipped"), ChangeFlag::kImprovement);
  EXPECT_EQ(better.regressions[1], 0);
}

// A duration change beyond 5 % is flagged only when it is 10 s or more:
// 100 -> 110 s (+10 %, 10 s) is, 60 -> 69.5 s (+15.8 %, 9.5 s) is not.
TEST(ComparisonTest, SmallDurationChangesAreNotFlagged) {
  Comparison c =
      CompareJobs({Synthetic("A", 100, 50, 50, 0.5, 0), Synthetic("B", 110, 50, 50, 0.5, 0)},
                  DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(Flag(c, "duration_s"), ChangeFlag::kRegression);
  c = CompareJobs({Synthetic("A", 60, 50, 50, 0.5, 0), Synthetic("B", 69.5, 50, 50, 0.5, 0)},
                  DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(Flag(c, "duration_s"), ChangeFlag::kNone);
  EXPECT_NEAR(*Row(c, "duration_s").vs_baseline[1].delta_pct, 15.8333, 1e-4);
}

TEST(ComparisonTest, ThresholdsComeFromTheConfig) {
  DiffThresholds t;
  t.duration_pct = 10;
  const Comparison c =
      CompareJobs({Synthetic("A", 1000, 50, 50, 0.5, 0), Synthetic("B", 1080, 50, 50, 0.5, 0)}, t,
                  kDefaultRegion);
  EXPECT_EQ(Flag(c, "duration_s"), ChangeFlag::kNone);  // +8 % < 10 %
}

// The classic example of docs/diff.md: bs64 -> bs1024 on one ml.p3.2xlarge.
TEST(ComparisonTest, BatchSizeExampleVerdict) {
  const Comparison c = CompareJobs({testing::DiffJob("bs64"), testing::DiffJob("bs1024")},
                                   DiffThresholds{}, kDefaultRegion);
  ASSERT_EQ(c.verdicts.size(), 1u);
  EXPECT_EQ(c.verdicts[0],
            "bs1024 vs bs64: training 95.1 % faster, cost $18.45 (95.1 %) lower; 2 rules no "
            "longer triggered; no regressions");
  const MetricRow& d = Row(c, "duration_s");
  EXPECT_EQ(*d.vs_baseline[1].delta, 895.0 - 18262.0);
  EXPECT_EQ(FormatChange(d, d.vs_baseline[1]), "-95.1 % (-17,367 s)");
  const MetricRow& cost = Row(c, "cost_usd");
  EXPECT_EQ(FormatChange(cost, cost.vs_baseline[1]), "-95.1 % (-$18.45)");
  EXPECT_EQ(FormatMetricValue(cost, cost.values[0]), "$19.40");
  const MetricRow& gpu = Row(c, "utilization_pct.gpu.p50");
  EXPECT_EQ(FormatChange(gpu, gpu.vs_baseline[1]), "+69.0 points");
  EXPECT_EQ(gpu.vs_baseline[1].flag, ChangeFlag::kImprovement);
}

// A third job is compared with the baseline and with the job before it:
// bs1024-2x (2 x ml.p3.2xlarge, 520 s) improves on bs64 in time and GPU
// utilization but regresses against bs1024 (GPU p50 91 -> 75 %, TRAIN p95
// 0.31 -> 0.45 s), triggers StepOutlier and skips 12 records.
// Cost: 18,262 x 3.825 / 3600 = 19.4034; 520 x 2 x 3.825 / 3600 = 1.105;
// saving 18.2984 = 94.3 %.
TEST(ComparisonTest, ThirdJobAgainstBaselineAndPrevious) {
  const Comparison c = CompareJobs({testing::DiffJob("bs64"), testing::DiffJob("bs1024"),
                                    testing::DiffJob("bs1024-2x", "ml.p3.2xlarge", 2)},
                                   DiffThresholds{}, kDefaultRegion);
  ASSERT_EQ(c.verdicts.size(), 2u);
  EXPECT_EQ(c.verdicts[1],
            "bs1024-2x vs bs64: training 97.2 % faster, cost $18.30 (94.3 %) lower; 1 rule "
            "newly triggered; 2 rules no longer triggered; 2 regressions (Records skipped, "
            "StepOutlier newly triggered)");
  EXPECT_EQ(Flag(c, "utilization_pct.gpu.p50", 2), ChangeFlag::kImprovement);
  EXPECT_EQ(Row(c, "utilization_pct.gpu.p50").vs_previous[2].flag, ChangeFlag::kRegression);
  EXPECT_EQ(*Row(c, "utilization_pct.gpu.p50").vs_previous[2].delta, 75.0 - 91.0);
  EXPECT_EQ(Flag(c, "step_time_s.TRAIN.p95", 2), ChangeFlag::kImprovement);
  EXPECT_EQ(Row(c, "step_time_s.TRAIN.p95").vs_previous[2].flag, ChangeFlag::kRegression);
  EXPECT_EQ(c.regressions, (std::vector<int>{0, 0, 2}));
  const auto rule = [&](const std::string& name) {
    for (const RuleRow& r : c.rules) {
      if (r.name == name) return r;
    }
    return RuleRow{};
  };
  EXPECT_EQ(rule("StepOutlier").vs_baseline[2], ChangeFlag::kRegression);
  EXPECT_EQ(rule("StepOutlier").vs_previous[2], ChangeFlag::kRegression);
  EXPECT_EQ(rule("BatchSize").vs_baseline[2], ChangeFlag::kImprovement);
  EXPECT_EQ(rule("BatchSize").vs_previous[2], ChangeFlag::kNone);  // already resolved in bs1024
  EXPECT_EQ(Row(c, "nodes").values[2], 2.0);
}

TEST(ComparisonTest, UnknownCostAndTimeSayUnknown) {
  JobColumn a = testing::DiffJob("bs64", "ml.x9.huge");
  JobColumn b = testing::DiffJob("bs1024");
  b.facts.duration_s.reset();
  const Comparison c = CompareJobs({a, b}, DiffThresholds{}, kDefaultRegion);
  EXPECT_EQ(c.verdicts[0],
            "bs1024 vs bs64: training time unknown, cost unknown; 2 rules no longer triggered; "
            "no regressions");
}

}  // namespace
}  // namespace smr
