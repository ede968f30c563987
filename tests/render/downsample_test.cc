// Min/max envelope of dense line series (src/render/downsample.h).
#include "src/render/downsample.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(MinMaxEnvelopeTest, KeepsMinAndMaxOfEveryColumn) {
  // 4 columns of width 3 over [0, 12); column 2 is empty.
  const std::vector<ChartPoint> pts = {{0, 5},    {1, -2}, {2, 7},  {3, 1},   {4, 1},
                                       {5, kNaN}, {9, 4},  {10, 9}, {11, -3}, {kInf, 100}};
  const std::vector<EnvelopeColumn> env = MinMaxEnvelope(pts, 0, 12, 4);
  ASSERT_EQ(env.size(), 3u);
  EXPECT_DOUBLE_EQ(env[0].x, 0);  // first point's x, not the column centre
  EXPECT_DOUBLE_EQ(env[0].lo, -2);
  EXPECT_DOUBLE_EQ(env[0].hi, 7);
  EXPECT_DOUBLE_EQ(env[1].x, 4.5);  // centre of [3, 6)
  EXPECT_DOUBLE_EQ(env[1].lo, 1);
  EXPECT_DOUBLE_EQ(env[1].hi, 1);
  EXPECT_DOUBLE_EQ(env[2].x, 11);  // last point's x
  EXPECT_DOUBLE_EQ(env[2].lo, -3);
  EXPECT_DOUBLE_EQ(env[2].hi, 9);
}

TEST(MinMaxEnvelopeTest, MillionPointsGiveAtMostOneEntryPerColumn) {
  std::vector<ChartPoint> pts;
  pts.reserve(1000000);
  for (int i = 0; i < 1000000; ++i) {
    pts.push_back({double(i), std::sin(i * 0.001) * 10});
  }
  pts[123457].y = 1000;  // one-sample spikes must survive
  pts[876543].y = -1000;
  const std::vector<EnvelopeColumn> env = MinMaxEnvelope(pts, 0, 999999, 300);
  EXPECT_EQ(env.size(), 300u);
  double lo = 0, hi = 0;
  for (size_t i = 0; i < env.size(); ++i) {
    EXPECT_LE(env[i].lo, env[i].hi);
    lo = std::min(lo, env[i].lo);
    hi = std::max(hi, env[i].hi);
    if (i > 0) {
      EXPECT_LT(env[i - 1].x, env[i].x);
    }
  }
  EXPECT_DOUBLE_EQ(lo, -1000);
  EXPECT_DOUBLE_EQ(hi, 1000);
  EXPECT_DOUBLE_EQ(env.front().x, 0);
  EXPECT_DOUBLE_EQ(env.back().x, 999999);
}

}  // namespace
}  // namespace smr
