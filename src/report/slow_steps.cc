// Outlier steps per rank and grouped across ranks (slow_steps.h).
#include "src/report/slow_steps.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {

std::vector<RankPhaseSteps> OutlierStepsPerRank(const MetricStore& st, const JobTimeline& tl,
                                                double k) {
  std::vector<RankPhaseSteps> out;
  for (const NodePhaseSteps& np : tl.by_node_phase) {
    RankPhaseSteps r;
    r.np = &np;
    r.rank = std::string(st.str(np.node));
    r.phase = ShortPhase(st.str(np.phase));
    for (uint32_t si : np.steps)
      r.durs.push_back((tl.steps[si].end_us - tl.steps[si].start_us) / 1e6);
    if (r.durs.empty()) continue;
    double mean = 0;
    for (double v : r.durs) mean += v;
    mean /= r.durs.size();
    double var = 0;
    for (double v : r.durs) var += (v - mean) * (v - mean);
    r.threshold = mean + k * std::sqrt(var / r.durs.size());
    r.median = Quantile(r.durs, 0.5);
    for (size_t i = 0; i < np.steps.size(); ++i) {
      if (r.durs[i] > r.threshold) r.outliers.push_back(np.steps[i]);
    }
    std::stable_sort(r.outliers.begin(), r.outliers.end(), [&](uint32_t a, uint32_t b) {
      return tl.steps[a].end_us - tl.steps[a].start_us > tl.steps[b].end_us - tl.steps[b].start_us;
    });
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SlowStepGroup> GroupSlowSteps(const JobTimeline& tl,
                                          const std::vector<RankPhaseSteps>& ranks) {
  std::map<std::string, size_t> ranks_in_phase;
  std::map<std::pair<std::string, int64_t>, SlowStepGroup> groups;
  for (size_t ri = 0; ri < ranks.size(); ++ri) {
    const RankPhaseSteps& r = ranks[ri];
    ++ranks_in_phase[r.phase];
    for (uint32_t si : r.outliers) {
      SlowStepGroup& g = groups[{r.phase, tl.steps[si].step}];
      g.phase = r.phase;
      g.step = tl.steps[si].step;
      g.slow.emplace_back(ri, si);
    }
  }
  std::vector<SlowStepGroup> out;
  for (auto& [key, g] : groups) {
    g.ranks_in_phase = ranks_in_phase[g.phase];
    std::vector<double> ratios, durs;
    g.first_start_us = tl.steps[g.slow[0].second].start_us;
    for (const auto& [ri, si] : g.slow) {
      const StepEvent& e = tl.steps[si];
      const double d = (e.end_us - e.start_us) / 1e6;
      durs.push_back(d);
      ratios.push_back(ranks[ri].median > 0 ? d / ranks[ri].median : 0);
      g.first_start_us = std::min(g.first_start_us, e.start_us);
    }
    g.median_ratio = Quantile(ratios, 0.5);
    g.median_duration = Quantile(durs, 0.5);
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const SlowStepGroup& a, const SlowStepGroup& b) {
    if (a.OnAllRanks() != b.OnAllRanks()) return a.OnAllRanks();
    if (a.slow.size() != b.slow.size()) return a.slow.size() > b.slow.size();
    if (a.median_ratio != b.median_ratio) return a.median_ratio > b.median_ratio;
    return a.step < b.step;
  });
  return out;
}

std::string StepList(std::vector<int64_t> steps, size_t shown) {
  std::sort(steps.begin(), steps.end());
  std::string out;
  for (size_t i = 0; i < steps.size() && i < shown; ++i) {
    out += fmt::format("{}{}", i ? ", " : "", steps[i]);
  }
  if (steps.size() > shown) out += ", …";
  if (steps.size() > 1) out += fmt::format(" ({} steps)", steps.size());
  return out;
}

}  // namespace report_internal
}  // namespace smr
