// Job timeline (docs/rules.md §2.1, §4.9): job start/end from system
// data, steps from framework events named "Step:ModeKeys*", per (node,
// phase) step statistics, and a partition of the job into phase intervals.
#include <algorithm>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "smr/analysis.h"

namespace smr {
namespace {

constexpr std::string_view kStepMarker = "Step:ModeKeys";

// "Step:ModeKeys.TRAIN" -> "TRAIN"; anything else after the marker as is.
std::string ShortPhase(std::string_view name) {
  size_t pos = name.find(kStepMarker);
  if (pos == std::string_view::npos) return std::string(name);
  std::string_view rest = name.substr(pos + kStepMarker.size());
  if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
  if (rest.empty()) return std::string(name);
  return std::string(rest);
}

StepStats ComputeStats(const std::vector<double>& durations_s) {
  StepStats s;
  s.count = static_cast<int64_t>(durations_s.size());
  if (durations_s.empty()) return s;
  std::vector<double> sorted = durations_s;
  std::sort(sorted.begin(), sorted.end());
  s.mean_s =
      std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
  s.min_s = sorted.front();
  s.max_s = sorted.back();
  s.p50_s = QuantileSorted(sorted, 0.50);
  s.p95_s = QuantileSorted(sorted, 0.95);
  s.p99_s = QuantileSorted(sorted, 0.99);
  return s;
}

// Per (node, phase), ordered naturally by node then by phase name, with
// each group's step statistics.
void GroupByNodePhase(const MetricStore& store, JobTimeline* out) {
  JobTimeline& tl = *out;
  std::vector<uint32_t> order(tl.steps.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const StepEvent& x = tl.steps[a];
    const StepEvent& y = tl.steps[b];
    if (x.node != y.node) return NaturalLess(store.str(x.node), store.str(y.node));
    if (x.phase != y.phase) return store.str(x.phase) < store.str(y.phase);
    return false;
  });
  for (uint32_t idx : order) {
    const StepEvent& s = tl.steps[idx];
    if (tl.by_node_phase.empty() || tl.by_node_phase.back().node != s.node ||
        tl.by_node_phase.back().phase != s.phase) {
      NodePhaseSteps group;
      group.node = s.node;
      group.phase = s.phase;
      tl.by_node_phase.push_back(group);
    }
    tl.by_node_phase.back().steps.push_back(idx);
  }
  for (NodePhaseSteps& group : tl.by_node_phase) {
    std::vector<double> durations_s;
    durations_s.reserve(group.steps.size());
    for (uint32_t idx : group.steps) {
      const StepEvent& s = tl.steps[idx];
      durations_s.push_back(static_cast<double>(s.end_us - s.start_us) / 1e6);
    }
    group.stats = ComputeStats(durations_s);
  }
}

// Phase partition: consecutive steps (all nodes, by start) of one phase
// form a run; positive gaps between runs are labelled.
void PartitionPhases(const MetricStore& store, JobTimeline* out) {
  JobTimeline& tl = *out;
  struct Run {
    std::string phase;
    int64_t start_us, end_us;
  };
  std::vector<Run> runs;
  for (const StepEvent& s : tl.steps) {
    std::string phase = ShortPhase(store.str(s.phase));
    if (!runs.empty() && runs.back().phase == phase) {
      runs.back().end_us = std::max(runs.back().end_us, s.end_us);
    } else {
      runs.push_back({std::move(phase), s.start_us, s.end_us});
    }
  }
  const int64_t job_start_us = static_cast<int64_t>(tl.job_start_s * 1e6);
  const int64_t job_end_us = static_cast<int64_t>(tl.job_end_s * 1e6);
  if (tl.has_system && job_start_us < tl.first_step_start_us) {
    tl.phases.push_back({"Before first step", "", job_start_us, tl.first_step_start_us});
  }
  int64_t covered_until = runs.front().start_us;
  for (size_t r = 0; r < runs.size(); ++r) {
    const Run& run = runs[r];
    if (r > 0 && run.start_us > covered_until) {
      tl.phases.push_back(
          {"Between " + runs[r - 1].phase + " and " + run.phase, "", covered_until, run.start_us});
    }
    // Runs on several nodes may overlap; intervals stay disjoint.
    const int64_t start = std::max(run.start_us, covered_until);
    const int64_t end = std::max(run.end_us, start);
    tl.phases.push_back({run.phase, run.phase, start, end});
    covered_until = std::max(covered_until, end);
  }
  if (tl.has_system && job_end_us > covered_until) {
    tl.phases.push_back({"After last step", "", covered_until, job_end_us});
  }
}

}  // namespace

JobTimeline BuildTimeline(const MetricStore& store) {
  JobTimeline tl;
  tl.has_system = store.has_system();
  if (tl.has_system) {
    tl.job_start_s = store.min_system_ts_s();
    tl.job_end_s = store.max_system_ts_s();
  }

  const EventColumns& ev = store.events();
  for (size_t i = 0; i < ev.size(); ++i) {
    if (store.str(ev.name[i]).find(kStepMarker) == std::string_view::npos) continue;
    StepEvent s;
    s.event = static_cast<uint32_t>(i);
    s.node = ev.node[i];
    s.phase = ev.name[i];
    s.step = ev.step[i];
    s.start_us = ev.start_us[i];
    s.end_us = std::max(ev.end_us[i], ev.start_us[i]);
    tl.steps.push_back(s);
  }
  std::sort(tl.steps.begin(), tl.steps.end(), [](const StepEvent& a, const StepEvent& b) {
    if (a.start_us != b.start_us) return a.start_us < b.start_us;
    return a.event < b.event;
  });
  if (tl.steps.empty()) return tl;

  tl.has_steps = true;
  tl.first_step_start_us = tl.steps.front().start_us;
  tl.last_step_start_us = tl.steps.back().start_us;
  // "End of the last step": the latest end of any step, so that the
  // "After last step" interval never overlaps a step on another node.
  tl.last_step_end_us = tl.steps.back().end_us;
  for (const StepEvent& s : tl.steps) tl.last_step_end_us = std::max(tl.last_step_end_us, s.end_us);

  GroupByNodePhase(store, &tl);
  PartitionPhases(store, &tl);
  return tl;
}

}  // namespace smr
