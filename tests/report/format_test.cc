#include <cmath>

#include <gtest/gtest.h>

#include "smr/report_builder.h"

namespace smr {
namespace {

TEST(FormatTest, UtcTimesAreUtcAndTruncateToSeconds) {
  // 1639601706 = 2021-12-15 20:55:06 UTC (Afi83 job start).
  EXPECT_EQ(FormatUtc(1639601706.999), "2021-12-15 20:55:06");
  EXPECT_EQ(FormatUtc(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatUtc(NAN), "-");
}

TEST(FormatTest, DurationsPickReadableUnits) {
  EXPECT_EQ(FormatDuration(42), "42 s");
  EXPECT_EQ(FormatDuration(908), "15 min 08 s");
  EXPECT_EQ(FormatDuration(3723), "1 h 02 min");
}

TEST(FormatTest, NumbersAndBytes) {
  EXPECT_EQ(FormatNumber(97.04999999999995, 2), "97.05");
  EXPECT_EQ(FormatNumber(-0.0001, 2), "0.00");
  EXPECT_EQ(FormatNumber(INFINITY, 2), "-");
  EXPECT_EQ(FormatBytes(84088717.28), "84.1 MB");
  EXPECT_EQ(FormatBytes(512), "512 B");
}

}  // namespace
}  // namespace smr
