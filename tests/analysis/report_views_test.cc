// Raw-data views for the report (src/analysis/report_views.cc) and the UTC
// calendar helper (smr/utc_time.h), on hand-made stores.
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "smr/store.h"
#include "smr/utc_time.h"

namespace smr {
namespace {

StoreBuilder::Event Ev(const char* node, const char* phase, int64_t start_us, int64_t end_us,
                       int64_t pid = -1) {
  StoreBuilder::Event e;
  e.node = node;
  e.name = phase;
  e.phase = phase;
  e.start_us = start_us;
  e.end_us = end_us;
  e.os_pid = pid;
  return e;
}

// A step 100..200 us on node n1 with Forward 100..160 and Backward 150..230
// inside (overlaps 60 and 50), an event on another node and a step event
// (not counted).
TEST(ReportViewsTest, PhaseTimeInsideSumsOverlapsPerPhaseLargestFirst) {
  StoreBuilder b;
  b.AddEvent(Ev("n1", "Backward", 150, 230));
  b.AddEvent(Ev("n1", "Forward", 100, 160));
  b.AddEvent(Ev("n2", "Forward", 100, 200));
  b.AddEvent(Ev("n1", "Step:ModeKeys.TRAIN", 100, 200));
  b.AddEvent(Ev("n1", "Forward", 300, 400));
  const MetricStore st = b.Build();
  const StrId n1 = static_cast<StrId>(st.strings().Find("n1"));
  const std::vector<uint32_t> events = FrameworkEventsOfNode(st, n1);
  ASSERT_EQ(events.size(), 4u);
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_LE(st.events().start_us[events[i - 1]], st.events().start_us[events[i]]);
  }
  const auto inside = PhaseTimeInside(st, events, 100, 200);
  ASSERT_EQ(inside.size(), 2u);
  EXPECT_EQ(st.str(inside[0].second), "Forward");
  EXPECT_EQ(inside[0].first, 60);
  EXPECT_EQ(st.str(inside[1].second), "Backward");
  EXPECT_EQ(inside[1].first, 50);
  EXPECT_TRUE(PhaseTimeInside(st, events, 250, 290).empty());
}

TEST(ReportViewsTest, DataLoaderProcessesAreCountedPerSecond) {
  StoreBuilder b;
  b.AddEvent(Ev("n1", "DataLoaderWorker", 1'000'000, 1'100'000, 11));
  b.AddEvent(Ev("n1", "DataLoaderWorker", 1'500'000, 1'600'000, 11));
  b.AddEvent(Ev("n1", "DataLoaderIter", 1'700'000, 1'800'000, 12));
  b.AddEvent(Ev("n1", "DataLoaderIter", 2'000'000, 2'100'000, 12));
  b.AddEvent(Ev("n1", "Forward", 2'000'000, 2'100'000, 13));
  const MetricStore st = b.Build();
  EXPECT_EQ(DataLoaderProcessesPerSecond(st), (std::map<int64_t, size_t>{{1, 2}, {2, 1}}));
}

TEST(ReportViewsTest, GpuSamplesPerMinuteCountDistinctNodeTimestamps) {
  StoreBuilder b;
  const uint32_t g0 = b.SeriesId("algo-1", "gpu", "gpu0", "GPUUtilization");
  const uint32_t g1 = b.SeriesId("algo-1", "gpu", "gpu1", "GPUUtilization");
  const uint32_t cpu = b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization");
  for (double ts : {60.0, 70.0, 130.0}) {
    b.AddSample(g0, ts, 50);
    b.AddSample(g1, ts, 50);
    b.AddSample(cpu, ts, 50);
  }
  const MetricStore st = b.Build();
  EXPECT_TRUE(HasGpuUtilization(st));
  EXPECT_EQ(GpuSamplesPerMinute(st), (std::map<int64_t, double>{{1, 2}, {2, 1}}));

  StoreBuilder cpu_only;
  cpu_only.AddSample(cpu_only.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization"), 60, 1);
  EXPECT_FALSE(HasGpuUtilization(cpu_only.Build()));
}

TEST(UtcTimeTest, CalendarFieldsOfEpochSeconds) {
  std::tm tm{};
  ASSERT_TRUE(UtcCalendar(1639601706.9, &tm));  // 2021-12-15 20:55:06 UTC
  EXPECT_EQ(tm.tm_year + 1900, 2021);
  EXPECT_EQ(tm.tm_mon + 1, 12);
  EXPECT_EQ(tm.tm_mday, 15);
  EXPECT_EQ(tm.tm_hour, 20);
  EXPECT_EQ(tm.tm_min, 55);
  EXPECT_EQ(tm.tm_sec, 6);
  ASSERT_TRUE(UtcCalendar(-0.5, &tm));  // floor: 1969-12-31 23:59:59
  EXPECT_EQ(tm.tm_year + 1900, 1969);
  EXPECT_EQ(tm.tm_sec, 59);
  std::tm untouched{};
  untouched.tm_mday = 7;
  EXPECT_FALSE(UtcCalendar(std::numeric_limits<double>::quiet_NaN(), &untouched));
  EXPECT_FALSE(UtcCalendar(std::numeric_limits<double>::infinity(), &untouched));
  EXPECT_EQ(untouched.tm_mday, 7);
}

}  // namespace
}  // namespace smr
