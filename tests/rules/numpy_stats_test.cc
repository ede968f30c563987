// numpy-compatible statistics (src/rules/numpy_stats.h).
#include "src/rules/numpy_stats.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace smr {
namespace {

TEST(NumpyStatsTest, NumpyMeanUsesPairwiseSummation) {
  // numpy sums the first 8 values in a tree, then adds the 9th:
  // ((1e16+1)+(1+1)) + ((1+1)+(1+1)) = 1e16+6, + 1 -> 1e16+8 (ties to even);
  // a left-to-right sum would stay at 1e16.
  std::vector<double> v = {1e16, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(NumpyMean(v), (1e16 + 8) / 9);
  EXPECT_TRUE(std::isnan(NumpyMean({})));
}

TEST(NumpyStatsTest, NumpyHistogramSemantics) {
  // np.histogram([1, 2, 3, 4], bins=3): edges [1, 2, 3, 4], last bin closed.
  NumpyHistogram h = ComputeNumpyHistogram(std::vector<double>{1, 2, 3, 4}, 3);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{1, 1, 2}));
  EXPECT_EQ(h.edges, (std::vector<double>{1, 2, 3, 4}));
  // Single value v: range [v − 0.5, v + 0.5], the value in the middle bin.
  h = ComputeNumpyHistogram(std::vector<double>{2.0}, 2);
  EXPECT_EQ(h.edges, (std::vector<double>{1.5, 2.0, 2.5}));
  EXPECT_EQ(h.counts, (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(ComputeNumpyHistogram(std::vector<double>{}, 10).counts.empty());
}

TEST(NumpyStatsTest, NoValuesGiveNumpysUnitRangeWhenAsked) {
  // np.histogram([], bins=4): range [0, 1], all counts 0.
  const NumpyHistogram h = ComputeNumpyHistogramOrUnitRange(std::vector<double>{}, 4);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(h.edges, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  // With values it is the plain histogram.
  EXPECT_EQ(ComputeNumpyHistogramOrUnitRange(std::vector<double>{1, 2, 3, 4}, 3).counts,
            (std::vector<int64_t>{1, 1, 2}));
}

TEST(NumpyStatsTest, PopulationStandardDeviation) {
  // np.std([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0
  EXPECT_EQ(NumpyStd(std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9}), 2.0);
  // Pairwise sum of 300 ones splits into blocks and stays exact.
  const std::vector<double> ones(300, 1.0);
  EXPECT_EQ(PairwiseSum(ones.data(), ones.size()), 300.0);
}

}  // namespace
}  // namespace smr
