// DataloaderBound (docs/rules.md §8.1): ranks whose training steps wait for
// the DataLoader.
//
// Algorithm: for each rank (KinetoAnalysis::ranks, in order) with at least
// `min_steps` steps of positive duration, the data-loading share of each
// step is 100 · CpuBreakdown::dataloader_ns / step duration (the step's
// window, KinetoStep::duration_ns). The rank fires when the median share
// (numpy median) is above `threshold`. Violations = steps (of checked
// ranks) whose share is above `threshold`; Datapoints = steps of all ranks.
// Details.ranks["rank N"] = {steps, evaluated, median_share, dataloader_s,
// step_time_s, steps_above, worst_steps: [{step, start_us, share}] (3
// largest), triggered}; the saving of a firing rank is its dataloader_s
// (the loading could run in background workers). Not applicable without
// Kineto traces; not evaluated when no rank has `min_steps` steps.
//
// Worked example (threshold 10, min_steps 3): rank 0, steps 1..3 of 100 ms
// each with 5, 20 and 30 ms of data loading: shares 5, 20, 30 %, median 20 %
// > 10 -> fires; steps above: 2 -> Violations 2, Datapoints 3; saving =
// 55 ms. Details: {"ranks": {"rank 0": {"steps": 3, "evaluated": true,
// "median_share": 20.0, "dataloader_s": 0.055, "step_time_s": 0.3,
// "steps_above": 2, "worst_steps": [{"step": 3, ..., "share": 30.0}, {"step":
// 2, ..., "share": 20.0}, {"step": 1, ..., "share": 5.0}], "triggered":
// true}}, "estimated_saving_s": 0.055}.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {

RuleResult DataloaderBoundRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  KinetoVerdicts verdicts(&r);
  size_t most = 0;
  for (const KinetoRankAnalysis& rank : k->ranks) {
    const std::vector<StepValue> shares =
        StepShares(rank, [](const KinetoStep& s) { return s.cpu.dataloader_ns; });
    r.datapoints += static_cast<int64_t>(shares.size());
    most = std::max(most, shares.size());
    nlohmann::ordered_json e;
    e["steps"] = shares.size();
    const bool evaluated = static_cast<int64_t>(shares.size()) >= p_.min_steps;
    e["evaluated"] = evaluated;
    if (!evaluated) {
      verdicts.Add(rank, std::move(e), false, 0, 0, 0);
      continue;
    }
    std::vector<double> values;
    int64_t loading_ns = 0, step_ns = 0;
    for (const KinetoStep& s : rank.steps) {
      if (s.duration_ns() <= 0) continue;
      loading_ns += s.cpu.dataloader_ns;
      step_ns += s.duration_ns();
    }
    for (const StepValue& s : shares) values.push_back(s.value);
    const double median = Quantile(values, 0.5);
    const int64_t above = CountAbove(shares, p_.threshold);
    r.violations += above;
    e["median_share"] = median;
    e["dataloader_s"] = Seconds(loading_ns);
    e["step_time_s"] = Seconds(step_ns);
    e["steps_above"] = above;
    e["worst_steps"] = WorstSteps(shares, "share");
    verdicts.Add(rank, std::move(e), median > p_.threshold, Seconds(loading_ns),
                 WorstStepStart(shares, rank.start_ns), median);
  }
  verdicts.Finish();
  if (static_cast<int64_t>(most) < p_.min_steps) {
    MarkNotEvaluated(fmt::format("at most {} step{} per rank; needs {} (min_steps)", most,
                                 most == 1 ? "" : "s", p_.min_steps),
                     &r);
  }
  return r;
}

}  // namespace smr
