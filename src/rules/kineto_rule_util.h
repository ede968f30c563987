// Helpers shared by the rules on Kineto traces (kineto_rules.h): the rank
// key, the check that traces exist, per-step shares, the worst steps and
// the per-rank verdicts every such rule writes.
#ifndef SMR_SRC_RULES_KINETO_RULE_UTIL_H_
#define SMR_SRC_RULES_KINETO_RULE_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/analysis.h"
#include "smr/kineto_analysis.h"
#include "smr/rule.h"

namespace smr {

// "rank 3": the node key of Details and RuleFinding.
std::string RankKey(int64_t rank);

// The Kineto analyses of `ctx`; nullptr (and `r` marked not applicable)
// when there are none.
const KinetoAnalysis* RequireKineto(const AnalysisContext& ctx, RuleResult* r);

// 100 · part / whole; 0 when whole <= 0.
double Percent(double part, double whole);
// ns -> s.
double Seconds(int64_t ns);
// µs of an epoch-ns time (RuleFinding::window_start_us).
int64_t MicrosOf(int64_t ns);

// One step's value (a share in %, unless a rule says otherwise).
struct StepValue {
  int64_t number = -1;
  int64_t start_ns = 0;
  double value = 0;
};

// Per step of `rank` with a positive duration: 100 · part(step) / duration.
template <typename Part>
std::vector<StepValue> StepShares(const KinetoRankAnalysis& rank, Part part) {
  std::vector<StepValue> out;
  for (const KinetoStep& s : rank.steps) {
    if (s.duration_ns() <= 0) continue;
    out.push_back({s.number, s.start_ns,
                   Percent(static_cast<double>(part(s)), static_cast<double>(s.duration_ns()))});
  }
  return out;
}

// Steps whose value is above `threshold`.
int64_t CountAbove(const std::vector<StepValue>& steps, double threshold);

// Counts one rank's steps into r's Datapoints (its steps; one span without
// steps) and Violations (steps above `threshold`; without steps, the span
// when `span_fires`), and returns that rank's violations.
int64_t CountStepViolations(const std::vector<StepValue>& steps, double threshold, bool span_fires,
                            RuleResult* r);

// The `n` steps with the largest values (ties: earlier step first) as
// [{"step": N, "start_us": t, <key>: value}, ...].
nlohmann::ordered_json WorstSteps(std::vector<StepValue> steps, const char* key, size_t n = 3);

// The step with the largest value; its start, or `fallback_ns` without steps.
int64_t WorstStepStart(const std::vector<StepValue>& steps, int64_t fallback_ns);

// The envelope every Kineto rule fills: Details.ranks[RankKey] entries,
// Details.estimated_saving_s (the largest saving of a firing rank).
struct KinetoVerdicts {
  explicit KinetoVerdicts(RuleResult* r);
  // Adds the rank's entry; when it fires, counts a trigger, keeps its
  // saving and adds a RuleFinding (node "rank N", `device`, the worst
  // step's start, `value`). A second entry of the same rank is keyed
  // "rank N (file)".
  void Add(const KinetoRankAnalysis& rank, nlohmann::ordered_json entry, bool fires,
           double saving_s, int64_t window_start_ns, double value, const std::string& device = "");
  // Writes estimated_saving_s.
  void Finish();

  RuleResult* r;
  double saving_s = 0;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_KINETO_RULE_UTIL_H_
