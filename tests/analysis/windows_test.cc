#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

std::vector<uint32_t> Rows(const RowRuns& s) { return {s.begin(), s.end()}; }

TEST(WindowPlanTest, EmptyStoreHasNoWindows) {
  auto built = TestData().SystemFile("algo-1", 1000).Build();
  EXPECT_EQ(built->windows.size(), 0u);
}

TEST(WindowPlanTest, FirstTimestampIsEarliestFileName) {
  TestData d;
  d.SystemFile("algo-1", 1060).FrameworkFile("1-algo-1", 1'000'500'000);
  d.Cpu("algo-1", "cpu0", 1070.0, 1);
  auto built = d.Build();
  EXPECT_EQ(built->windows.first_timestamp_us(), 1'000'500'000);
  EXPECT_EQ(built->windows.start_us(0), 1'000'500'000);
  EXPECT_EQ(built->windows.end_us(0), 1'060'500'000);
}

TEST(WindowPlanTest, SampleOnBoundaryBelongsToBothWindows) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.0, 1);  // row 0: window 0 only
  d.Cpu("algo-1", "cpu0", 1059.9, 2);  // row 1: window 0
  d.Cpu("algo-1", "cpu0", 1060.0, 3);  // row 2: boundary: windows 0 and 1
  d.Cpu("algo-1", "cpu0", 1060.5, 4);  // row 3: window 1
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 2u);
  EXPECT_EQ(Rows(built->windows.system_rows(0)), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(Rows(built->windows.system_rows(1)), (std::vector<uint32_t>{2, 3}));
}

// Rows of a window that are not consecutive (two nodes' files interleaved
// in time, a boundary sample in the middle) become separate runs, and the
// runs iterate as exactly the window's rows.
TEST(WindowPlanTest, InterleavedRowsSplitIntoRuns) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1010.0, 1);  // row 0: window 0
  d.Cpu("algo-1", "cpu0", 1011.0, 1);  // row 1: window 0
  d.Cpu("algo-1", "cpu0", 1070.0, 1);  // row 2: window 1
  d.Cpu("algo-1", "cpu0", 1020.0, 1);  // row 3: window 0
  d.Cpu("algo-1", "cpu0", 1060.0, 1);  // row 4: both
  d.Cpu("algo-1", "cpu0", 1080.0, 1);  // row 5: window 1
  d.Cpu("algo-1", "cpu0", 1081.0, 1);  // row 6: window 1
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 2u);
  const RowRuns w0 = built->windows.system_rows(0), w1 = built->windows.system_rows(1);
  EXPECT_EQ(Rows(w0), (std::vector<uint32_t>{0, 1, 3, 4}));
  EXPECT_EQ(Rows(w1), (std::vector<uint32_t>{2, 4, 5, 6}));
  EXPECT_EQ(w0.runs().size(), 2u);  // [0, 2) and [3, 5)
  EXPECT_EQ(w1.runs().size(), 2u);  // [2, 3) and [4, 7)
  EXPECT_EQ(w0.size(), 4u);
  EXPECT_FALSE(w0.empty());
}

TEST(WindowPlanTest, KeepsReaderOrderInsideWindow) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1010.0, 1);
  d.Cpu("algo-1", "cpu0", 1005.0, 2);  // earlier timestamp, later row
  auto built = d.Build();
  EXPECT_EQ(Rows(built->windows.system_rows(0)), (std::vector<uint32_t>{0, 1}));
}

TEST(WindowPlanTest, EventOverlappingBoundaryIsDeliveredTwice) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Event("1-algo-1", "cpu_functions", "op", 1'050'000'000, 1'070'000'000);  // spans 1060 s
  d.Event("1-algo-1", "cpu_functions", "op", 1'061'000'000, 1'062'000'000);
  d.Event("1-algo-1", "cpu_functions", "op", 1'000'000'000, 1'060'000'000);  // ends on boundary
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 2u);
  EXPECT_EQ(Rows(built->windows.events(0)), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Rows(built->windows.events(1)), (std::vector<uint32_t>{0, 1, 2}));
}

TEST(WindowPlanTest, WindowsContinueUntilLastDatumIsCovered) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 1);
  d.Cpu("algo-1", "cpu0", 1250.0, 1);  // 250 s after t0 -> window 4
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 5u);
  EXPECT_TRUE(built->windows.system_rows(2).empty());
  EXPECT_EQ(Rows(built->windows.system_rows(4)), (std::vector<uint32_t>{1}));
}

TEST(WindowPlanTest, WithoutFileNamesStartsAtEarliestWholeSecond) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000.7, 1);
  auto built = d.Build();
  EXPECT_EQ(built->windows.first_timestamp_us(), 1'000'000'000);
}

TEST(WindowPlanTest, ClockJumpDecadesAheadDoesNotCreateMillionsOfWindows) {
  // A fuzzer found that one sample dated 50 years ahead made 26 M windows.
  // Long empty stretches are left out; the data around them keeps its
  // windows and order.
  TestData d;
  d.SystemFile("algo-1", 1'600'000'000);
  d.Cpu("algo-1", "cpu0", 1'600'000'010.0, 1);  // window 0
  d.Cpu("algo-1", "cpu0", 1'600'000'070.0, 2);  // window 1
  const double far = 1'600'000'000.0 + 50.0 * 365 * 86400 + 30;
  d.Cpu("algo-1", "cpu0", far, 3);
  auto built = d.Build();
  const WindowPlan& w = built->windows;
  EXPECT_LT(w.size(), 3000u);  // two blocks of 1024 windows, not 26 M
  EXPECT_EQ(w.start_us(0), 1'600'000'000'000'000);
  EXPECT_EQ(Rows(w.system_rows(0)), (std::vector<uint32_t>{0}));
  EXPECT_EQ(Rows(w.system_rows(1)), (std::vector<uint32_t>{1}));
  // The far sample sits in the window whose start precedes it by < 60 s.
  size_t found = w.size();
  for (size_t k = 0; k < w.size(); ++k) {
    if (Rows(w.system_rows(k)) == std::vector<uint32_t>{2}) found = k;
  }
  ASSERT_LT(found, w.size());
  EXPECT_LE(w.start_us(found), static_cast<int64_t>(far * 1e6));
  EXPECT_GT(w.end_us(found), static_cast<int64_t>(far * 1e6));
}

TEST(WindowPlanTest, ShortJobsKeepEveryWindowEvenWhenEmpty) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1010.0, 1);
  d.Cpu("algo-1", "cpu0", 1000.0 + 600 + 5, 2);  // 10 minutes later
  auto built = d.Build();
  EXPECT_EQ(built->windows.size(), 11u);  // empty windows 1..9 are kept
  EXPECT_TRUE(built->windows.system_rows(5).empty());
}

// ---- SageMaker's stop rule (the default) ---------------------------------

// Three per-minute system files at 1000, 1060 and 1120 s with a sample every
// 0.5 s from 1000.0 to 1179.5 s (360 rows, row i at 1000 + i/2).
TestData ThreeMinutes() {
  TestData d;
  d.StopWhereSageMakerStops();
  for (int64_t t : {1000, 1060, 1120}) d.SystemFile("algo-1", t);
  for (int i = 0; i < 360; ++i) d.Cpu("algo-1", "cpu0", 1000.0 + i * 0.5, i);
  return d;
}

TEST(WindowPlanSageMakerTest, StopsBeforeTheWindowStartingAtTheLatestFileTimestamp) {
  // Latest timestamp 1120 s: windows start at 1000 and 1060 (< 1120); the
  // window starting at 1120 is never run, so the last file is not evaluated.
  auto built = ThreeMinutes().Build();
  const WindowPlan& w = built->windows;
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w.evaluated_end_us(), 1'120'000'000);
  EXPECT_EQ(w.system_rows(0).size(), 121u);  // 1000.0 .. 1060.0 inclusive
  EXPECT_EQ(w.system_rows(1).size(), 121u);  // 1060.0 .. 1120.0 inclusive
  const WindowCoverage& c = w.coverage();
  EXPECT_TRUE(c.stops_like_sagemaker);
  EXPECT_EQ(c.latest_file_ts_us, 1'120'000'000);
  EXPECT_EQ(c.system_rows_after, 119);  // 1120.5 .. 1179.5
  EXPECT_EQ(c.system_rows_before, 0);
  EXPECT_DOUBLE_EQ(c.system_seconds_after, 59.5);
}

TEST(WindowPlanSageMakerTest, AnalyzeTrailingDataCoversEverySample) {
  TestData d = ThreeMinutes();
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 2u);
  TestData all;
  for (int64_t t : {1000, 1060, 1120}) all.SystemFile("algo-1", t);
  for (int i = 0; i < 360; ++i) all.Cpu("algo-1", "cpu0", 1000.0 + i * 0.5, i);
  auto trailing = all.Build();  // the DSL's default: analyze_trailing_data
  const WindowPlan& w = trailing->windows;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w.system_rows(2).size(), 120u);  // 1120.0 (also in window 1) .. 1179.5
  EXPECT_FALSE(w.coverage().stops_like_sagemaker);
  EXPECT_EQ(w.coverage().system_rows_after, 0);
  EXPECT_DOUBLE_EQ(w.coverage().system_seconds_after, 0);
}

TEST(WindowPlanSageMakerTest, SmallerFrameworkLatestTimestampStopsEarlier) {
  TestData d;
  d.StopWhereSageMakerStops();
  for (int64_t t = 1000; t <= 1240; t += 60) d.SystemFile("algo-1", t);
  d.FrameworkFile("1-algo-1", 1'100'000'000);  // trace file ending at 1100 s
  for (int i = 0; i < 600; ++i) d.Cpu("algo-1", "cpu0", 1000.0 + i * 0.5, i);
  auto built = d.Build();
  // Windows start at 1000 and 1060 (< 1100), not at 1120 and later.
  ASSERT_EQ(built->windows.size(), 2u);
  EXPECT_EQ(built->windows.coverage().latest_file_ts_us, 1'100'000'000);
  EXPECT_EQ(built->windows.coverage().system_rows_after, 600 - 241);
}

TEST(WindowPlanSageMakerTest, SingleSystemFileGivesNoWindow) {
  // SageMaker's first window [t0, t0 + 60 s] already starts at the latest
  // timestamp, so ProfilerReport evaluates nothing.
  TestData d;
  d.StopWhereSageMakerStops();
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1010.0, 1);
  auto built = d.Build();
  EXPECT_EQ(built->windows.size(), 0u);
  EXPECT_EQ(built->windows.coverage().system_rows_after, 1);
}

TEST(WindowPlanSageMakerTest, FilesWithoutRecordsDoNotMoveTheWalk) {
  // An empty file named two years earlier and an all-bad file named a day
  // later are ignored: the walk is that of the three real files.
  TestData d = ThreeMinutes();
  d.SystemFile("algo-1", 1000 - 2 * 365 * 86400, /*records=*/0);
  d.SystemFile("algo-1", 1000 + 86400, /*records=*/0);
  d.FrameworkFile("1-algo-1", 900'000'000, /*records=*/0);
  auto built = d.Build();
  EXPECT_EQ(built->windows.first_timestamp_us(), 1'000'000'000);
  EXPECT_EQ(built->windows.size(), 2u);
  EXPECT_EQ(built->windows.coverage().latest_file_ts_us, 1'120'000'000);
}

TEST(WindowPlanSageMakerTest, EventsEndingBeforeTheFirstWindowAreLeftOut) {
  // The trace file is named by its end time (1010 s), after the system
  // file's 1000 s; an event ending at 999 s overlaps no window.
  TestData d;
  d.StopWhereSageMakerStops();
  d.SystemFile("algo-1", 1000).SystemFile("algo-1", 1060).SystemFile("algo-1", 1120);
  d.FrameworkFile("1-algo-1", 1'130'000'000);
  d.Cpu("algo-1", "cpu0", 999.0, 1);                                         // before t0
  d.Event("1-algo-1", "cpu_functions", "op", 990'000'000, 999'000'000);      // before t0
  d.Event("1-algo-1", "cpu_functions", "op", 995'000'000, 1'000'000'000);    // touches t0
  d.Event("1-algo-1", "cpu_functions", "op", 1'125'000'000, 1'126'000'000);  // after the end
  auto built = d.Build();
  const WindowPlan& w = built->windows;
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(Rows(w.events(0)), (std::vector<uint32_t>{1}));
  EXPECT_EQ(w.coverage().events_before, 1);
  EXPECT_EQ(w.coverage().events_after, 1);
  EXPECT_EQ(w.coverage().system_rows_before, 1);
  EXPECT_TRUE(w.system_rows(0).empty());
}

}  // namespace
}  // namespace smr
