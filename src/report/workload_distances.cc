// The LoadBalancing pair test on the JSON's histograms (workload_distances.h).
#include "src/report/workload_distances.h"

#include <algorithm>
#include <cmath>

namespace smr {
namespace report_internal {
namespace {

double JensenShannon(const std::vector<double>& a, const std::vector<double>& b) {
  double sa = 0, sb = 0;
  for (double v : a) sa += v;
  for (double v : b) sb += v;
  if (sa <= 0 || sb <= 0) return std::nan("");
  double js = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double p = a[i] / sa, q = b[i] / sb, m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * std::log(p / m);
    if (q > 0) js += 0.5 * q * std::log(q / m);
  }
  return std::sqrt(std::max(0.0, js));
}

// Mean utilization (%) of a workloads histogram of 2-point bins, each sample
// at the middle of its bin (bin i -> 2i+1 %), as the rule computes it.
double HistogramMean(const std::vector<double>& counts) {
  double n = 0, sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    n += counts[i];
    sum += (2.0 * static_cast<double>(i) + 1.0) * counts[i];
  }
  return n > 0 ? sum / n : std::nan("");
}

}  // namespace

std::vector<WorkloadPair> WorkloadPairs(
    const std::vector<std::pair<std::string, std::vector<double>>>& hists, double threshold,
    double min_difference) {
  std::vector<WorkloadPair> pairs;
  for (size_t i = 0; i < hists.size(); ++i) {
    for (size_t j = i + 1; j < hists.size(); ++j) {
      const double d = JensenShannon(hists[i].second, hists[j].second);
      const double diff = std::abs(HistogramMean(hists[i].second) - HistogramMean(hists[j].second));
      const bool flagged =
          std::isfinite(d) && d > threshold && std::isfinite(diff) && diff >= min_difference;
      pairs.push_back({hists[i].first, hists[j].first, d, diff, flagged});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const WorkloadPair& x, const WorkloadPair& y) {
    if (x.flagged != y.flagged) return x.flagged;
    const double dx = std::isfinite(x.d) ? x.d : -1, dy = std::isfinite(y.d) ? y.d : -1;
    return dx > dy;
  });
  return pairs;
}

}  // namespace report_internal
}  // namespace smr
