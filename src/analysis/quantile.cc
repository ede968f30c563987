// numpy-compatible quantiles (docs/rules.md §3: numpy's default
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

namespace {

struct QuantilePos {
  size_t lo = 0, hi = 0;
  double t = 0;
};

QuantilePos PositionOf(size_t n, double q) {
  QuantilePos p;
  q = std::clamp(q, 0.0, 1.0);
  const double virtual_index = static_cast<double>(n - 1) * q;
  const double below = std::floor(virtual_index);
  p.lo = static_cast<size_t>(below);
  if (p.lo > n - 1) p.lo = n - 1;
  p.hi = std::min(p.lo + 1, n - 1);
  p.t = virtual_index - below;
  return p;
}

double Interpolate(double a, double b, double t) {
  const double diff = b - a;
  if (t >= 0.5) return b - diff * (1.0 - t);
  return a + diff * t;
}

}  // namespace

double QuantileSorted(std::span<const double> sorted, double q) {
  const size_t n = sorted.size();
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  if (n == 1) return sorted[0];
  const QuantilePos p = PositionOf(n, q);
  return Interpolate(sorted[p.lo], sorted[p.hi], p.t);
}

void Quantiles(std::span<const double> values, std::span<const double> qs, std::span<double> out,
               std::vector<double>* scratch) {
  const size_t n = values.size();
  if (n <= 1) {
    for (size_t i = 0; i < qs.size(); ++i) {
      out[i] = n == 0 ? std::numeric_limits<double>::quiet_NaN() : values[0];
    }
    return;
  }
  scratch->assign(values.begin(), values.end());
  std::vector<size_t> need;
  need.reserve(2 * qs.size());
  for (double q : qs) {
    const QuantilePos p = PositionOf(n, q);
    need.push_back(p.lo);
    need.push_back(p.hi);
  }
  std::sort(need.begin(), need.end());
  need.erase(std::unique(need.begin(), need.end()), need.end());
  // After selecting position k, everything right of k is >= it, so the
  // next (larger) position is selected within that part only.
  auto first = scratch->begin();
  for (size_t k : need) {
    auto nth = scratch->begin() + static_cast<std::ptrdiff_t>(k);
    std::nth_element(first, nth, scratch->end());
    first = nth + 1;
  }
  for (size_t i = 0; i < qs.size(); ++i) {
    const QuantilePos p = PositionOf(n, qs[i]);
    out[i] = Interpolate((*scratch)[p.lo], (*scratch)[p.hi], p.t);
  }
}

double Quantile(std::span<const double> values, double q) {
  double out = 0;
  std::vector<double> scratch;
  Quantiles(values, std::span<const double>(&q, 1), std::span<double>(&out, 1), &scratch);
  return out;
}

}  // namespace smr
