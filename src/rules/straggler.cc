// Straggler (docs/rules.md §8.4): one rank that is consistently the last to
// finish its steps, so that the others wait for it.
//
// Algorithm: over KinetoAnalysis::skew (the step numbers seen on two or
// more ranks; Datapoints = their number), a step is late when its late rank
// (latest host end of the step annotation) finished more than `threshold`
// % of the step's median duration after the median end over ranks:
// late_by_ns · 100 > threshold · median_duration_ns. Violations = late
// steps. A rank fires when it is the late rank of at least `ratio` % of the
// common steps (100 · late steps / Datapoints >= ratio). Details =
// {"steps": common steps, "ranks": {"rank N": {late_steps, late_share,
// late_s (summed late_by), slowest_steps (steps in which it had the longest
// duration), worst_steps: [{step, start_us, late_by_ms}], triggered}},
// "estimated_saving_s"}; the saving of a firing rank is its late_s (the
// time the other ranks waited for it). Not applicable without Kineto traces
// or with fewer than two ranks; not evaluated with fewer than `min_steps`
// common steps.
//
// Worked example (ratio 50, threshold 10, min_steps 3): ranks 0 and 1,
// steps 1..4 of median 100 ms; rank 1 late by 20, 30 and 5 ms in steps
// 1..3, rank 0 late by 15 ms in step 4. Late steps (> 10 ms): 1, 2 (rank
// 1), 4 (rank 0) -> Violations 3; rank 1: 2 of 4 = 50 % >= 50 -> fires,
// late_s 0.05; rank 0: 25 % -> does not. RuleTriggered 1, Datapoints 4.
#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/kineto_rule_util.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

struct LateRank {
  std::vector<StepValue> late;  // value: late_by in ms
  int64_t late_ns = 0;
  int64_t slowest = 0;
};

// The start of step `number` on `rank`, or the rank's start.
int64_t StepStart(const KinetoRankAnalysis& rank, int64_t number) {
  for (const KinetoStep& s : rank.steps) {
    if (s.number == number) return s.start_ns;
  }
  return rank.start_ns;
}

}  // namespace

RuleResult StragglerRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const KinetoAnalysis* k = RequireKineto(ctx, &r);
  if (k == nullptr) return r;
  std::map<int64_t, const KinetoRankAnalysis*> ranks;  // first trace of each rank
  for (const KinetoRankAnalysis& rank : k->ranks) ranks.emplace(rank.rank, &rank);
  if (ranks.size() < 2) {
    r.applicable = false;
    r.not_applicable_reason = "a single rank: no other rank to be late against";
    return r;
  }
  std::map<int64_t, LateRank> late;
  for (const StepSkew& s : k->skew) {
    late[s.slowest_rank].slowest += s.slowest_rank >= 0 ? 1 : 0;
    const double limit = p_.threshold * static_cast<double>(s.median_duration_ns);
    if (s.late_rank < 0 || static_cast<double>(s.late_by_ns) * 100 <= limit) continue;
    LateRank& lr = late[s.late_rank];
    const auto it = ranks.find(s.late_rank);
    const int64_t start = it == ranks.end() ? 0 : StepStart(*it->second, s.number);
    lr.late.push_back({s.number, start, static_cast<double>(s.late_by_ns) / 1e6});
    lr.late_ns += s.late_by_ns;
    r.violations += 1;
  }
  r.datapoints = static_cast<int64_t>(k->skew.size());
  r.details["steps"] = r.datapoints;
  KinetoVerdicts verdicts(&r);
  const bool evaluated = r.datapoints >= p_.min_steps;
  for (const auto& [number, rank] : ranks) {
    const LateRank& lr = late[number];
    const double share =
        Percent(static_cast<double>(lr.late.size()), static_cast<double>(r.datapoints));
    nlohmann::ordered_json e;
    e["late_steps"] = lr.late.size();
    e["late_share"] = share;
    e["late_s"] = Seconds(lr.late_ns);
    e["slowest_steps"] = lr.slowest;
    e["worst_steps"] = WorstSteps(lr.late, "late_by_ms");
    const bool fires = evaluated && !lr.late.empty() && share >= p_.ratio;
    verdicts.Add(*rank, std::move(e), fires, Seconds(lr.late_ns),
                 WorstStepStart(lr.late, rank->start_ns), share);
  }
  verdicts.Finish();
  if (!evaluated) {
    MarkNotEvaluated(fmt::format("{} step{} seen on two or more ranks; needs {} (min_steps)",
                                 r.datapoints, r.datapoints == 1 ? "" : "s", p_.min_steps),
                     &r);
  }
  return r;
}

}  // namespace smr
