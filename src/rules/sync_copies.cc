// SyncCopies (docs/rules.md §8.5): ranks whose host blocks on the GPU
// (synchronization, blocking reads, synchronous copies) or copies through
// pageable memory.
//
// Algorithm: for each rank with GPU activity, from its SyncStats (the whole
// trace) and its stepped span (gpu_steps): blocked = sync_ns +
// sync_copy_ns, blocked_share = 100 · blocked / wall time; pageable per
// step = pageable_copies / steps (one span without steps). The rank fires
// when blocked_share > `threshold` while the GPU idles more than
// `gpu_idle_threshold` % of the stepped span (gpu_idle_share; a host blocked on
// a busy GPU only waits for work in flight: a GPU-bound job, not a stall), or
// when pageable per step > `max_pageable`.
// Per step the share of CpuBreakdown::synchronization_ns; Violations = steps
// above `threshold` (a rank without steps counts as one span); Datapoints =
// steps (or spans). Details.ranks["rank N"] = {steps, wall_s, sync_calls,
// sync_s, sync_copies, sync_copy_s, blocked_share, gpu_idle_share, pageable_copies,
// pageable_copy_s, pageable_per_step, reasons: ["blocked", "pageable"] (the
// tests that fired), worst_steps: [{step, start_us, share}], triggered}; the
// saving of a firing rank is the larger of min(blocked, GPU idle) (the GPU
// idle the stalls can explain) and pageable_copy_s (the copies could overlap
// compute from pinned memory). Not applicable without
// Kineto traces or when no trace has GPU activity.
//
// Worked example (threshold 5, max_pageable 2, gpu_idle_threshold 10): rank
// 0, four steps over 1 s, GPU idle 200 ms (20 %), sync 30 ms (aten::item) +
// sync copies 40 ms = 70 ms = 7 % > 5 -> fires ("blocked"); with the GPU idle
// only 50 ms (5 %) it would not; 4 pageable copies = 1 per step (not above 2).
#include <algorithm>
#include <vector>

#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {

RuleResult SyncCopiesRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  KinetoVerdicts verdicts(&r);
  bool any_gpu = false;
  for (const KinetoRankAnalysis& rank : k->ranks) {
    if (!rank.has_gpu) continue;
    any_gpu = true;
    const SyncStats& s = rank.sync;
    const int64_t wall = rank.gpu_steps.wall_ns();
    const int64_t blocked = s.sync_ns + s.sync_copy_ns;
    const double share = Percent(static_cast<double>(blocked), static_cast<double>(wall));
    const std::vector<StepValue> steps =
        StepShares(rank, [](const KinetoStep& st) { return st.cpu.synchronization_ns; });
    const double spans = static_cast<double>(std::max<size_t>(rank.steps.size(), 1));
    const double pageable = static_cast<double>(s.pageable_copies) / spans;
    const double gpu_idle_share =
        Percent(static_cast<double>(rank.gpu_steps.idle_ns), static_cast<double>(wall));
    const bool blocked_fires = share > p_.threshold && gpu_idle_share > p_.gpu_idle_threshold;
    const bool pageable_fires = pageable > p_.max_pageable;
    const int64_t above = CountStepViolations(steps, p_.threshold, blocked_fires, &r);
    nlohmann::ordered_json e;
    e["steps"] = steps.size();
    e["wall_s"] = Seconds(wall);
    e["sync_calls"] = s.sync_calls;
    e["sync_s"] = Seconds(s.sync_ns);
    e["sync_copies"] = s.sync_copies;
    e["sync_copy_s"] = Seconds(s.sync_copy_ns);
    e["blocked_share"] = share;
    e["gpu_idle_share"] = gpu_idle_share;
    e["pageable_copies"] = s.pageable_copies;
    e["pageable_copy_s"] = Seconds(s.pageable_copy_ns);
    e["pageable_per_step"] = pageable;
    e["reasons"] = nlohmann::ordered_json::array();
    if (blocked_fires) e["reasons"].push_back("blocked");
    if (pageable_fires) e["reasons"].push_back("pageable");
    e["steps_above"] = above;
    e["worst_steps"] = WorstSteps(steps, "share");
    const double saving =
        Seconds(std::max(std::min(blocked, rank.gpu_steps.idle_ns), s.pageable_copy_ns));
    verdicts.Add(rank, std::move(e), blocked_fires || pageable_fires, saving,
                 WorstStepStart(steps, rank.gpu_steps.start_ns), share);
  }
  verdicts.Finish();
  if (!any_gpu) {
    r.applicable = false;
    r.not_applicable_reason = "no GPU activity in the PyTorch-profiler traces";
  }
  return r;
}

}  // namespace smr
