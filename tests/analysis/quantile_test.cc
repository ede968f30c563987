// Expected values are numpy.quantile results (default "linear" method),
// worked out by hand from index = q·(n−1) and numpy's lerp.
#include <algorithm>
#include <cmath>
#include <random>
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

TEST(QuantilesTest, SelectionGivesTheSameBitsAsSortingForManyInputs) {
  // Reference: a full sort and numpy's formula, written out here.
  auto reference = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double idx = static_cast<double>(v.size() - 1) * q;
    const size_t lo = static_cast<size_t>(std::floor(idx));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    const double t = idx - std::floor(idx);
    const double diff = v[hi] - v[lo];
    return t >= 0.5 ? v[hi] - diff * (1.0 - t) : v[lo] + diff * t;
  };
  std::mt19937_64 rng(42);
  const std::vector<double> qs = {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0};
  std::vector<double> scratch;
  for (size_t n : {1u, 2u, 3u, 7u, 100u, 1001u, 20000u}) {
    std::vector<double> v(n);
    // Few distinct values (ties) and continuous values.
    for (int ties = 0; ties < 2; ++ties) {
      for (double& x : v) {
        x = ties ? static_cast<double>(rng() % 5)
                 : std::uniform_real_distribution<double>(-50, 150)(rng);
      }
      std::vector<double> out(qs.size());
      Quantiles(v, qs, out, &scratch);
      for (size_t i = 0; i < qs.size(); ++i) {
        EXPECT_EQ(out[i], reference(v, qs[i])) << "n=" << n << " q=" << qs[i];
        EXPECT_EQ(Quantile(v, qs[i]), reference(v, qs[i]));
      }
    }
  }
}

TEST(QuantilesTest, EmptyInputGivesNaN) {
  std::vector<double> v;
  double out = 0;
  const double q = 0.5;
  std::vector<double> scratch;
  Quantiles(v, std::span<const double>(&q, 1), std::span<double>(&out, 1), &scratch);
  EXPECT_TRUE(std::isnan(out));
}

}  // namespace
}  // namespace smr
