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
  d.Cpu("algo-1", "cpu0", 1000.0, 1);   // row 0: window 0 only
  d.Cpu("algo-1", "cpu0", 1059.9, 2);   // row 1: window 0
  d.Cpu("algo-1", "cpu0", 1060.0, 3);   // row 2: boundary: windows 0 and 1
  d.Cpu("algo-1", "cpu0", 1060.5, 4);   // row 3: window 1
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

}  // namespace
}  // namespace smr
