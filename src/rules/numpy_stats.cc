// numpy-compatible sums, means, standard deviation and histogram
// (numpy_stats.h).
#include "src/rules/numpy_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace smr {

double PairwiseSum(const double* a, size_t n) {
  constexpr size_t kBlock = 128;
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}

double NumpyMean(std::span<const double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return PairwiseSum(values.data(), values.size()) / static_cast<double>(values.size());
}

double NumpyStd(std::span<const double> values) {
  const double mean = NumpyMean(values);
  std::vector<double> sq(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double d = values[i] - mean;
    sq[i] = d * d;
  }
  return std::sqrt(NumpyMean(sq));
}

namespace {

// np.histogram over the range [first, last].
NumpyHistogram HistogramOver(std::span<const double> values, int bins, double first, double last) {
  NumpyHistogram h;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  // np.linspace(first, last, bins + 1): i·step + first, last edge exact.
  const double step = (last - first) / bins;
  h.edges.resize(static_cast<size_t>(bins) + 1);
  for (int i = 0; i < bins; ++i) h.edges[static_cast<size_t>(i)] = i * step + first;
  h.edges[static_cast<size_t>(bins)] = last;
  h.counts.assign(static_cast<size_t>(bins), 0);
  const double denom = last - first;
  for (double x : values) {
    if (!(x >= first && x <= last)) continue;  // NaN
    auto idx = static_cast<int64_t>((x - first) / denom * bins);
    if (idx >= bins) idx = bins - 1;
    // numpy's correction against the computed edges (within ~1 ulp).
    if (x < h.edges[static_cast<size_t>(idx)] && idx > 0) --idx;
    if (idx != bins - 1 && x >= h.edges[static_cast<size_t>(idx) + 1]) ++idx;
    h.counts[static_cast<size_t>(idx)] += 1;
  }
  return h;
}

}  // namespace

NumpyHistogram ComputeNumpyHistogram(std::span<const double> values, int bins) {
  if (values.empty() || bins < 1) return {};
  auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  return HistogramOver(values, bins, *min_it, *max_it);
}

NumpyHistogram ComputeNumpyHistogramOrUnitRange(std::span<const double> values, int bins) {
  if (bins < 1) return {};
  if (values.empty()) return HistogramOver(values, bins, 0, 1);
  return ComputeNumpyHistogram(values, bins);
}

}  // namespace smr
