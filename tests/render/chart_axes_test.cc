// Chart axis maths (src/render/chart_axes.h): nice steps and ticks, UTC time
// ticks and labels, tick value labels, linear scales.
#include "src/render/chart_axes.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NiceStepTest, RoundsUpToOneTwoFiveTimesPowerOfTen) {
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(19.4), 20);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(1), 1);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(7), 10);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0.3), 0.5);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0.2), 0.2);  // 0.2/0.1 is not exactly 2
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(450), 500);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(0), 1);
  EXPECT_DOUBLE_EQ(NiceStepAtLeast(kNaN), 1);
}

TEST(NiceTicksTest, WidensToStepMultiples) {
  const Ticks t = NiceTicks(0, 97, 5);
  EXPECT_DOUBLE_EQ(t.step, 20);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 100);
  EXPECT_EQ(t.values, (std::vector<double>{0, 20, 40, 60, 80, 100}));
}

TEST(NiceTicksTest, NegativeRangeIncludesZero) {
  const Ticks t = NiceTicks(-3, 7, 5);
  EXPECT_DOUBLE_EQ(t.step, 2);
  EXPECT_EQ(t.values, (std::vector<double>{-4, -2, 0, 2, 4, 6, 8}));
}

TEST(NiceTicksTest, EqualBoundsArePadded) {
  // 5..5 -> 4.5..5.5 (10% of 5), raw step 0.25 -> 0.5.
  const Ticks t = NiceTicks(5, 5, 4);
  EXPECT_DOUBLE_EQ(t.step, 0.5);
  ASSERT_EQ(t.values.size(), 3u);
  EXPECT_DOUBLE_EQ(t.values[0], 4.5);
  EXPECT_DOUBLE_EQ(t.values[2], 5.5);
  // 0..0 -> -1..1.
  const Ticks z = NiceTicks(0, 0, 4);
  EXPECT_DOUBLE_EQ(z.lo, -1);
  EXPECT_DOUBLE_EQ(z.hi, 1);
}

TEST(NiceTicksTest, NonFiniteInputGivesUnitRange) {
  const Ticks t = NiceTicks(kNaN, kInf, 5);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
}

TEST(InnerTicksTest, KeepsRangeAndListsInsideTicks) {
  const Ticks t = InnerTicks(0, 3600, 4);  // raw 900 -> 1000
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 3600);
  EXPECT_EQ(t.values, (std::vector<double>{0, 1000, 2000, 3000}));
  const Ticks u = InnerTicks(3, 97, 4);  // raw 23.5 -> 50
  EXPECT_EQ(u.values, (std::vector<double>{50}));
}

TEST(TimeTicksTest, UsesClockStepsAlignedToUtc) {
  // One hour from 22:13:20 UTC, 6 intervals: raw 600 s -> 10 min steps from
  // 22:20 to 23:10.
  const Ticks t = TimeTicks(1700000000, 1700003600, 6);
  EXPECT_DOUBLE_EQ(t.step, 600);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_DOUBLE_EQ(t.values.front(), 1700000400);
  EXPECT_DOUBLE_EQ(t.values.back(), 1700003400);
  EXPECT_EQ(FormatUtcTick(t.values.front(), t.step, false), "22:20");
  EXPECT_EQ(FormatUtcTick(t.values.back(), t.step, true), "11-14 23:10");
  // 7 minutes / 5 -> raw 84 s -> 2 min.
  EXPECT_DOUBLE_EQ(TimeTicks(0, 420, 5).step, 120);
  // Three days / 4 -> raw 64800 s -> 86400 (one day).
  EXPECT_DOUBLE_EQ(TimeTicks(0, 3 * 86400, 4).step, 86400);
}

TEST(TimeFormatTest, FormatsUtc) {
  EXPECT_EQ(FormatUtcDate(1700000000), "2023-11-14");
  EXPECT_EQ(FormatUtcTick(1700000000, 30, false), "22:13:20");
  EXPECT_EQ(FormatUtcTick(0, 3600, false), "00:00");
  EXPECT_EQ(FormatUtcTick(kNaN, 60, false), "");
}

TEST(FormatTickValueTest, DecimalsFollowStepAndSuffixesScale) {
  EXPECT_EQ(FormatTickValue(0.5, 0.5), "0.5");
  EXPECT_EQ(FormatTickValue(3, 1), "3");
  EXPECT_EQ(FormatTickValue(0.25, 0.05), "0.25");
  EXPECT_EQ(FormatTickValue(20000, 10000), "20k");
  EXPECT_EQ(FormatTickValue(2e6, 1e6), "2M");
  EXPECT_EQ(FormatTickValue(3e9, 1e9), "3G");
  EXPECT_EQ(FormatTickValue(4000, 2000), "4000");
  // Accumulated error around zero must not print "-0".
  EXPECT_EQ(FormatTickValue(-1e-17, 0.1), "0.0");
}

TEST(LinearScaleTest, MapsDomainOntoRange) {
  const LinearScale y{0, 100, 200, 0};  // y axis grows upward
  EXPECT_DOUBLE_EQ(y.Map(0), 200);
  EXPECT_DOUBLE_EQ(y.Map(25), 150);
  EXPECT_DOUBLE_EQ(y.Map(100), 0);
  const LinearScale flat{5, 5, 10, 30};
  EXPECT_DOUBLE_EQ(flat.Map(5), 20);
}

}  // namespace
}  // namespace smr
