// Expected values are numpy.quantile results (default "linear" method),
// worked out by hand from index = q·(n−1) and numpy's lerp.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "smr/analysis.h"

namespace smr {
namespace {

TEST(QuantileTest, MedianOfEvenCountInterpolatesHalfway) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_EQ(Quantile(v, 0.5), 2.5);
}

TEST(QuantileTest, MatchesNumpyReprOfP95OnOneToTen) {
  // np.quantile(np.arange(1, 11), 0.95) == 9.549999999999999 (not 9.55).
  std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(Quantile(v, 0.95), 9.549999999999999);
}

TEST(QuantileTest, UpperHalfUsesLerpFromAbove) {
  // index 1.9 between 0 and 10: 10 - 10·0.1 = 9.0 exactly.
  std::vector<double> v = {0, 10, 0};
  EXPECT_EQ(Quantile(v, 0.95), 9.0);
  EXPECT_EQ(Quantile(v, 0.05), 0.0);
}

TEST(QuantileTest, LowerQuartile) {
  std::vector<double> v = {1, 2, 3, 4};
  EXPECT_EQ(Quantile(v, 0.25), 1.75);
}

TEST(QuantileTest, EndpointsAreMinAndMax) {
  std::vector<double> v = {5, -3, 8, 1};
  EXPECT_EQ(Quantile(v, 0.0), -3);
  EXPECT_EQ(Quantile(v, 1.0), 8);
}

TEST(QuantileTest, SingleValueAndEmpty) {
  std::vector<double> one = {7};
  EXPECT_EQ(Quantile(one, 0.3), 7);
  std::vector<double> none;
  EXPECT_TRUE(std::isnan(Quantile(none, 0.5)));
}

TEST(QuantileTest, SortedVariantDoesNotSort) {
  std::vector<double> sorted = {1, 2, 3};
  EXPECT_EQ(QuantileSorted(sorted, 0.5), 2);
}

}  // namespace
}  // namespace smr
