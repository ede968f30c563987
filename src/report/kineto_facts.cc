// Headline facts of the PyTorch-profiler traces (kineto_facts.h).
#include "src/report/kineto_facts.h"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace smr {
namespace report_internal {

KinetoFacts FactsOf(const KinetoAnalysis& k) {
  KinetoFacts f;
  if (k.ranks.empty()) return f;
  f.traces = static_cast<int64_t>(k.ranks.size());
  std::set<int64_t> ranks;
  int64_t start = std::numeric_limits<int64_t>::max(), end = std::numeric_limits<int64_t>::min();
  f.steps = std::numeric_limits<int64_t>::max();
  for (const KinetoRankAnalysis& r : k.ranks) {
    ranks.insert(r.rank);
    if (r.has_gpu) ++f.gpu_ranks;
    if (!r.gpu_name.empty() &&
        std::find(f.gpu_names.begin(), f.gpu_names.end(), r.gpu_name) == f.gpu_names.end()) {
      f.gpu_names.push_back(r.gpu_name);
    }
    start = std::min(start, r.start_ns);
    end = std::max(end, r.end_ns);
    const auto n = static_cast<int64_t>(r.steps.size());
    f.steps = std::min(f.steps, n);
    f.steps_max = std::max(f.steps_max, n);
  }
  f.ranks = static_cast<int64_t>(ranks.size());
  f.start_s = static_cast<double>(start) / 1e9;
  f.end_s = static_cast<double>(end) / 1e9;
  std::string names;
  for (const std::string& n : f.gpu_names) names += (names.empty() ? "" : ", ") + n;
  if (f.gpu_ranks == 0) {
    f.gpus_text = "no GPU activity";
  } else {
    f.gpus_text = fmt::format("{} {}{}", f.gpu_ranks, f.gpu_ranks == 1 ? "GPU" : "GPUs",
                              names.empty() ? "" : " (" + names + ")");
  }
  return f;
}

bool HasTraces(const ReportInputs& in) { return in.kineto != nullptr && !in.kineto->empty(); }

std::string StepsText(const KinetoFacts& f) {
  if (f.steps == f.steps_max) return fmt::format("{} {}", f.steps, f.steps == 1 ? "step" : "steps");
  return fmt::format("{} to {} steps", f.steps, f.steps_max);
}

}  // namespace report_internal
}  // namespace smr
