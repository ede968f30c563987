// SmallKernels (docs/rules.md §8.6): ranks whose GPU time goes to launch
// overhead: many tiny kernels on a mostly idle GPU, or more CPU time in
// launch calls than GPU time in the kernels.
//
// Algorithm: for each rank with GPU activity events (LaunchStats):
// short_share = 100 · short_kernels / gpu_events (events shorter than
// KinetoOptions::short_kernel_ns), busy_share = 100 · busy / wall time of
// the stepped span (gpu_steps). The rank fires when short_share >
// `threshold` and busy_share < `busy_threshold`, or when launch_call_ns >
// gpu_event_ns (launch-bound). Datapoints = GPU activity events;
// Violations = short kernels of the firing ranks. Details.ranks["rank N"] =
// {gpu_events, short_kernels, short_share, short_kernel_us, busy_share,
// launch_call_s, gpu_event_s, mean_event_us, launch_bound, worst_steps:
// [{step, start_us, idle_share}] (the steps with the idlest GPU),
// triggered}; the saving of a firing rank is min(launch_call_s, GPU idle
// time of the stepped span). Not applicable without Kineto traces or
// without GPU activity events; a rank with fewer than `min_events` of them
// is not checked (no Details entry), and when no rank has enough the
// result is "not evaluated".
//
// Worked example (threshold 50, busy_threshold 50): rank 0, 1000 GPU events
// of which 800 shorter than 10 µs (80 % > 50), GPU busy 300 ms of a 1 s
// span (30 % < 50) -> fires, Violations 800, Datapoints 1000; launch calls
// 250 ms, idle 700 ms -> estimated_saving_s 0.25.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {

RuleResult SmallKernelsRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  KinetoVerdicts verdicts(&r);
  bool any_events = false;
  bool any_checked = false;
  for (const KinetoRankAnalysis& rank : k->ranks) {
    const LaunchStats& l = rank.launches;
    if (!rank.has_gpu || l.gpu_events <= 0) continue;
    any_events = true;
    if (l.gpu_events < p_.min_events) continue;
    any_checked = true;
    const GpuBreakdown& g = rank.gpu_steps;
    const double short_share =
        Percent(static_cast<double>(l.short_kernels), static_cast<double>(l.gpu_events));
    const double busy = Percent(static_cast<double>(g.busy_ns()), static_cast<double>(g.wall_ns()));
    const bool launch_bound = l.launch_call_ns > l.gpu_event_ns;
    const bool fires = (short_share > p_.threshold && busy < p_.busy_threshold) || launch_bound;
    const std::vector<StepValue> steps =
        StepShares(rank, [](const KinetoStep& s) { return s.gpu.idle_ns; });
    r.datapoints += l.gpu_events;
    if (fires) r.violations += l.short_kernels;
    nlohmann::ordered_json e;
    e["gpu_events"] = l.gpu_events;
    e["short_kernels"] = l.short_kernels;
    e["short_share"] = short_share;
    e["short_kernel_us"] = static_cast<double>(k->options.short_kernel_ns) / 1e3;
    e["busy_share"] = busy;
    e["launch_call_s"] = Seconds(l.launch_call_ns);
    e["gpu_event_s"] = Seconds(l.gpu_event_ns);
    e["mean_event_us"] =
        static_cast<double>(l.gpu_event_ns) / 1e3 / static_cast<double>(l.gpu_events);
    e["launch_bound"] = launch_bound;
    e["worst_steps"] = WorstSteps(steps, "idle_share");
    verdicts.Add(rank, std::move(e), fires, Seconds(std::min(l.launch_call_ns, g.idle_ns)),
                 WorstStepStart(steps, g.start_ns), short_share);
  }
  verdicts.Finish();
  if (!any_events) {
    r.applicable = false;
    r.not_applicable_reason = "no GPU activity events in the PyTorch-profiler traces";
  } else if (!any_checked) {
    r.not_evaluated_reason =
        fmt::format("every rank has fewer than {} GPU activity events (min_events)", p_.min_events);
  }
  return r;
}

}  // namespace smr
