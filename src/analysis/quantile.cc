// numpy-compatible quantiles (rules-and-report.md §3: numpy's default
// "linear" method). The exact floating-point steps matter because the rule
// JSONs print Python reprs (e.g. 97.04999999999995), so the interpolation
// follows numpy's _lerp: a + (b-a)·t, or b - (b-a)·(1-t) when t >= 0.5.
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "smr/analysis.h"

namespace smr {

double QuantileSorted(std::span<const double> sorted, double q) {
  const size_t n = sorted.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return sorted[0];
  q = std::clamp(q, 0.0, 1.0);
  const double virtual_index = static_cast<double>(n - 1) * q;
  const double below = std::floor(virtual_index);
  size_t lo = static_cast<size_t>(below);
  if (lo > n - 1) lo = n - 1;
  const size_t hi = std::min(lo + 1, n - 1);
  const double t = virtual_index - below;
  const double a = sorted[lo];
  const double b = sorted[hi];
  const double diff = b - a;
  if (t >= 0.5) return b - diff * (1.0 - t);
  return a + diff * t;
}

double Quantile(std::span<const double> values, double q) {
  std::vector<double> copy(values.begin(), values.end());
  std::sort(copy.begin(), copy.end());
  return QuantileSorted(copy, q);
}

}  // namespace smr
