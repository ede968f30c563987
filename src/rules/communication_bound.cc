// CommunicationBound (docs/rules.md §8.3): ranks that spend much of their
// time in collective communication the GPU does not hide behind
// computation.
//
// Algorithm: for each rank with GPU activity, over its stepped span
// (KinetoRankAnalysis::gpu_steps) the exposed communication is
// GpuBreakdown::communication_ns (communication kernels minus the time
// computation kernels run at the same time). The rank fires when 100 ·
// exposed / wall time is above `threshold`. Per step the same share from
// KinetoStep::gpu; Violations = steps above `threshold` (a rank without
// steps counts as one span); Datapoints = steps (or spans).
// Details.ranks["rank N"] = {steps, wall_s, communication_s (all
// communication, communication_total_ns), exposed_s, exposed_share,
// overlapped_share (100 · comm_comp_overlap_ns / communication_total_ns),
// steps_above, worst_steps: [{step, start_us, share}], triggered}; the
// saving of a firing rank is exposed_s. Not applicable without Kineto
// traces or when no trace has a communication kernel (NCCL/RCCL).
//
// Worked example (threshold 15): rank 1, one step of 200 ms with 80 ms of
// NCCL kernels of which 30 ms overlap computation: exposed 50 ms, share
// 25 % > 15 -> fires; overlapped_share 37.5 %; estimated_saving_s 0.05.
#include <vector>

#include "smr/analysis.h"
#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {

RuleResult CommunicationBoundRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  KinetoVerdicts verdicts(&r);
  bool any_comm = false;
  for (const KinetoRankAnalysis& rank : k->ranks) {
    const GpuBreakdown& g = rank.gpu_steps;
    if (!rank.has_gpu || g.communication_total_ns <= 0) continue;
    any_comm = true;
    const double share =
        Percent(static_cast<double>(g.communication_ns), static_cast<double>(g.wall_ns()));
    const std::vector<StepValue> steps =
        StepShares(rank, [](const KinetoStep& s) { return s.gpu.communication_ns; });
    const bool fires = share > p_.threshold;
    const int64_t above = CountStepViolations(steps, p_.threshold, fires, &r);
    nlohmann::ordered_json e;
    e["steps"] = steps.size();
    e["wall_s"] = Seconds(g.wall_ns());
    e["communication_s"] = Seconds(g.communication_total_ns);
    e["exposed_s"] = Seconds(g.communication_ns);
    e["exposed_share"] = share;
    e["overlapped_share"] = Percent(static_cast<double>(g.comm_comp_overlap_ns),
                                    static_cast<double>(g.communication_total_ns));
    e["steps_above"] = above;
    e["worst_steps"] = WorstSteps(steps, "share");
    verdicts.Add(rank, std::move(e), fires, Seconds(g.communication_ns),
                 WorstStepStart(steps, g.start_ns), share);
  }
  verdicts.Finish();
  if (!any_comm) {
    r.applicable = false;
    r.not_applicable_reason = "no communication (NCCL/RCCL) kernels in the PyTorch-profiler traces";
  }
  return r;
}

}  // namespace smr
