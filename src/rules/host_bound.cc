// HostBound (docs/rules.md §8.2): ranks whose GPU idles waiting for the CPU
// to launch work.
//
// Algorithm: for each rank with GPU activity, over its stepped span
// (KinetoRankAnalysis::gpu_steps: the steps' windows, or the whole trace
// without steps) the host-wait idle time is min(idle_host_wait_ns,
// idle_ns): HTA's host wait (gaps a stream spent before a kernel whose
// launch started after the previous kernel ended), summed over streams and
// therefore capped by the time no stream was busy. The rank fires when
// 100 · host wait / wall time is above `threshold`. Per step the same share
// from KinetoStep::gpu; Violations = steps above `threshold` (a rank
// without steps counts as one span); Datapoints = steps (or spans).
// Details.ranks["rank N"] = {steps, wall_s, idle_s, host_wait_s,
// host_wait_share, steps_above, worst_steps: [{step, start_us, share}],
// triggered}; the saving of a firing rank is host_wait_s. Not applicable
// without Kineto traces or when no trace has GPU activity.
//
// Worked example (threshold 20): rank 0 with one step of 100 ms, GPU idle
// 40 ms of which HTA counts 50 ms host wait over two streams: host wait =
// min(50, 40) = 40 ms, share 40 % > 20 -> fires, Violations 1, Datapoints
// 1, estimated_saving_s 0.04.
#include <algorithm>
#include <vector>

#include "smr/analysis.h"
#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

int64_t HostWaitNs(const GpuBreakdown& g) { return std::min(g.idle_host_wait_ns, g.idle_ns); }

}  // namespace

RuleResult HostBoundRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  KinetoVerdicts verdicts(&r);
  bool any_gpu = false;
  for (const KinetoRankAnalysis& rank : k->ranks) {
    if (!rank.has_gpu) continue;
    any_gpu = true;
    const GpuBreakdown& g = rank.gpu_steps;
    const double share =
        Percent(static_cast<double>(HostWaitNs(g)), static_cast<double>(g.wall_ns()));
    const std::vector<StepValue> steps =
        StepShares(rank, [](const KinetoStep& s) { return HostWaitNs(s.gpu); });
    const bool fires = share > p_.threshold;
    const int64_t above = CountStepViolations(steps, p_.threshold, fires, &r);
    nlohmann::ordered_json e;
    e["steps"] = steps.size();
    e["wall_s"] = Seconds(g.wall_ns());
    e["idle_s"] = Seconds(g.idle_ns);
    e["host_wait_s"] = Seconds(HostWaitNs(g));
    e["host_wait_share"] = share;
    e["steps_above"] = above;
    e["worst_steps"] = WorstSteps(steps, "share");
    verdicts.Add(rank, std::move(e), fires, Seconds(HostWaitNs(g)),
                 WorstStepStart(steps, g.start_ns), share);
  }
  verdicts.Finish();
  if (!any_gpu) {
    r.applicable = false;
    r.not_applicable_reason = "no GPU activity in the PyTorch-profiler traces";
  }
  return r;
}

}  // namespace smr
