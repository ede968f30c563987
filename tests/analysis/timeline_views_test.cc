// The timelines' and slow steps' views of the store (src/analysis/
// timeline_views.cc) on small hand-made stores with hand-computed results.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "smr/timeline_views.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

// cpu0: 10, 20, 30, 40 at 1000-1003 s and 100 at 1004 s; cpu1: 30, 40, 50,
// 60 at 1000-1003 s. Buckets of 2 s over [1000, 1008]:
//   [1000, 1002): 10 20 30 40 -> 25
//   [1002, 1004): 30 40 50 60 -> 45
//   [1004, 1006): 100         -> 100
//   [1006, 1008]: nothing     -> NaN
TEST(BucketMeansTest, MeanOfTheSamplesOfEachBucket) {
  TestData d;
  const double cpu0[] = {10, 20, 30, 40}, cpu1[] = {30, 40, 50, 60};
  for (int k = 0; k < 4; ++k) {
    d.Cpu("algo-1", "cpu0", 1000 + k, cpu0[k]).Cpu("algo-1", "cpu1", 1000 + k, cpu1[k]);
  }
  d.Cpu("algo-1", "cpu0", 1004, 100);
  auto b = d.Build();
  const StrId node = b->store.system_nodes()[0];
  const auto cpus = b->store.SeriesOf(node, MetricKind::kCpuUtilization);
  ASSERT_EQ(cpus.size(), 2u);
  const std::vector<double> m = BucketMeans(b->store, cpus, 1000, 1008, 4);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_DOUBLE_EQ(m[0], 25);
  EXPECT_DOUBLE_EQ(m[1], 45);
  EXPECT_DOUBLE_EQ(m[2], 100);
  EXPECT_TRUE(std::isnan(m[3]));
  // A sample at exactly the end goes to the last bucket: over [1000, 1004]
  // in 2 buckets the second holds 30 40 50 60 and 100 -> 56.
  const std::vector<double> end = BucketMeans(b->store, cpus, 1000, 1004, 2);
  EXPECT_DOUBLE_EQ(end[0], 25);
  EXPECT_DOUBLE_EQ(end[1], 56);
  // One series alone: cpu0 over [1000, 1004) in one bucket: (10+20+30+40)/4.
  EXPECT_DOUBLE_EQ(BucketMeans(b->store, {cpus[0]}, 1000, 1003.5, 1)[0], 25);
}

TEST(SystemNodeOfTest, FrameworkNodeToItsSystemNode) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000, 1).Cpu("algo-10", "cpu0", 1000, 1);
  d.Event("algo-1-27", "Step:ModeKeys.TRAIN", "Step:ModeKeys.TRAIN", 1, 2);
  d.Event("algo-10-3", "Step:ModeKeys.TRAIN", "Step:ModeKeys.TRAIN", 1, 2);
  d.Event("elsewhere", "Step:ModeKeys.TRAIN", "Step:ModeKeys.TRAIN", 1, 2);
  auto b = d.Build();
  const MetricStore& st = b->store;
  auto id = [&](const char* s) { return static_cast<StrId>(st.strings().Find(s)); };
  EXPECT_EQ(SystemNodeOf(st, id("algo-1-27")), id("algo-1"));
  EXPECT_EQ(SystemNodeOf(st, id("algo-10-3")), id("algo-10"));
  EXPECT_EQ(SystemNodeOf(st, id("algo-1")), id("algo-1"));
  EXPECT_EQ(SystemNodeOf(st, id("elsewhere")), -1);
}

TEST(SystemNodeOfTest, TheOnlySystemNodeWhenNamesDiffer) {
  TestData d;
  d.Cpu("ip-10-0-0-1", "cpu0", 1000, 1);
  d.Event("worker-0", "Step:ModeKeys.TRAIN", "Step:ModeKeys.TRAIN", 1, 2);
  auto b = d.Build();
  const MetricStore& st = b->store;
  EXPECT_EQ(SystemNodeOf(st, static_cast<StrId>(st.strings().Find("worker-0"))),
            st.strings().Find("ip-10-0-0-1"));
}

// Samples at 1000, 1001, 1002 s; the span [1000.5, 1002] holds the last two.
TEST(UsageDuringTest, MeansOverTheSamplesInTheSpan) {
  TestData d;
  for (int k = 0; k < 3; ++k) {
    d.Cpu("algo-1", "cpu0", 1000 + k, 10.0 * (k + 1));          // 10 20 30
    d.Cpu("algo-1", "cpu1", 1000 + k, 50.0);                    // 50 50 50
    d.GpuUtil("algo-1", "gpu0", 1000 + k, 90.0 - 10 * k);       // 90 80 70
    d.IoWait("algo-1", "cpu0", 1000 + k, k == 2 ? 12.0 : 0.0);  // 0 0 12
  }
  auto b = d.Build();
  const StrId node = b->store.system_nodes()[0];
  const SpanUsage u = UsageDuring(b->store, node, 1000.5, 1002);
  EXPECT_DOUBLE_EQ(u.cpu, (20 + 50 + 30 + 50) / 4.0);
  EXPECT_DOUBLE_EQ(u.gpu, 75);
  EXPECT_DOUBLE_EQ(u.io_wait, 6);
  EXPECT_EQ(u.samples, 2);
  const SpanUsage none = UsageDuring(b->store, node, 1002.5, 1003);
  EXPECT_TRUE(std::isnan(none.cpu));
  EXPECT_TRUE(std::isnan(none.gpu));
  EXPECT_EQ(none.samples, 0);
}

// Inside the step [1000, 2000] µs: "next" 300 + 200 µs (two events), "fwd"
// 400 µs, "bwd" overlapping by 100 µs; the step event itself is left out.
TEST(EventTimeInsideTest, TimePerEventNameLargestFirst) {
  TestData d;
  d.Step("algo-1-0", "TRAIN", 5, 1000, 2000);
  d.Event("algo-1-0", "DataLoaderIter", "next", 1000, 1300);
  d.Event("algo-1-0", "DataLoaderIter", "next", 1700, 1900);
  d.Event("algo-1-0", "gpu_functions", "fwd", 1300, 1700);
  d.Event("algo-1-0", "gpu_functions", "bwd", 1900, 2500);
  d.Event("algo-1-0", "gpu_functions", "later", 2100, 2200);
  d.Event("algo-2-0", "gpu_functions", "other node", 1000, 2000);
  auto b = d.Build();
  const MetricStore& st = b->store;
  const StrId node = static_cast<StrId>(st.strings().Find("algo-1-0"));
  const auto events = FrameworkEventsOfNode(st, node);
  const std::vector<EventTime> top = EventTimeInside(st, events, 1000, 2000, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(st.str(top[0].name), "next");
  EXPECT_DOUBLE_EQ(top[0].us, 500);
  EXPECT_EQ(st.str(top[0].phase), "DataLoaderIter");
  EXPECT_EQ(st.str(top[1].name), "fwd");
  EXPECT_DOUBLE_EQ(top[1].us, 400);
  const std::vector<EventTime> all = EventTimeInside(st, events, 1000, 2000, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(st.str(all[2].name), "bwd");
  EXPECT_DOUBLE_EQ(all[2].us, 100);
}

// TRAIN steps of 100, 300, 200, 500 and 50 ms (and a longer EVAL step):
// the slowest three are 500, 300, 200 ms; sorted 50 100 200 300 500, the
// median is 200 ms.
TEST(FindSlowStepsTest, SlowestTrainStepsAndTheMedian) {
  TestData d;
  const int64_t ms[] = {100, 300, 200, 500, 50};
  int64_t t = 1'000'000;
  for (int k = 0; k < 5; ++k) {
    d.Step("algo-1-0", "TRAIN", k, t, t + ms[k] * 1000);
    t += 1'000'000;
  }
  d.Step("algo-1-0", "EVAL", 0, t, t + 9'000'000);
  auto b = d.Build();
  const SlowSteps s = FindSlowSteps(b->store, b->timeline, 3);
  EXPECT_EQ(b->store.str(s.phase), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(s.count, 5);
  ASSERT_EQ(s.slowest.size(), 3u);
  std::vector<int64_t> steps;
  for (uint32_t i : s.slowest) steps.push_back(b->timeline.steps[i].step);
  EXPECT_EQ(steps, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(b->timeline.steps[s.median].step, 2);
  EXPECT_DOUBLE_EQ(s.median_s, 0.2);
}

TEST(FindSlowStepsTest, NoStepsGiveNothing) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000, 1);
  auto b = d.Build();
  const SlowSteps s = FindSlowSteps(b->store, b->timeline, 3);
  EXPECT_TRUE(s.slowest.empty());
  EXPECT_EQ(s.count, 0);
}

}  // namespace
}  // namespace smr
