#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

std::vector<uint32_t> Rows(std::span<const uint32_t> s) { return {s.begin(), s.end()}; }

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

}  // namespace
}  // namespace smr
