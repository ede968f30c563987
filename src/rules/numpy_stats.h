// numpy-compatible statistics the rule JSONs print with all 17 digits, so
// the association order of every sum matters: numpy's pairwise summation,
// mean, population standard deviation and np.histogram with equal bins.
#ifndef SMR_SRC_RULES_NUMPY_STATS_H_
#define SMR_SRC_RULES_NUMPY_STATS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace smr {

// numpy's DOUBLE_pairwise_sum (umath loops): 8 accumulators for blocks of up
// to 128 values, recursive halves (multiples of 8) above.
double PairwiseSum(const double* a, size_t n);

// numpy's mean of a float64 array: the pairwise sum divided by the count.
// NaN for an empty span, like numpy.
double NumpyMean(std::span<const double> values);

// np.std (ddof 0): sqrt(mean(|x - mean(x)|²)).
double NumpyStd(std::span<const double> values);

// np.histogram(values, bins=n): n equal bins over [min, max] (widened by
// ±0.5 when min == max), edges from np.linspace, last bin closed; each value
// is placed by comparing it with the computed edges, as numpy does. No
// values (or bins < 1): empty vectors.
struct NumpyHistogram {
  std::vector<int64_t> counts;
  std::vector<double> edges;
};
NumpyHistogram ComputeNumpyHistogram(std::span<const double> values, int bins);

// The same, but no values give numpy's bins over [0, 1] (all counts 0).
NumpyHistogram ComputeNumpyHistogramOrUnitRange(std::span<const double> values, int bins);

}  // namespace smr

#endif  // SMR_SRC_RULES_NUMPY_STATS_H_
