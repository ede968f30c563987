// StepOutlier (docs/rules.md §4.6): flags steps that take much longer
// than the others of the same node and phase.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// framework event whose name contains "Step:ModeKeys" (or equals `mode`)
// adds 1 to Datapoints and its duration (s) and step number to the list of
// its (node, event name); node ids are the framework ids "algo-N-<pid>". A
// step delivered to two windows (it crosses the boundary) is counted once
// (SageMaker counts it twice: docs/compatibility.md). After each window, for
// each (node, phase) in first-seen order with more than 100 durations:
// threshold = mean + stddev·std (numpy, population std); outliers = durations
// > threshold; the statistics
//   {step_stats: {mean, max, p99, p95, p50, min}, number_of_outliers, phase,
//    stddev: round(std, 2), probs, binedges, step_numbers}
// (probs/binedges: numpy 100-bin histogram of the durations < threshold;
// step_numbers: outlier step numbers as strings, in arrival order) are
// written to Details.step_details[node] -- overwritten by the node's last
// phase, as SageMaker does -- and to the additive
// Details.step_details_by_phase[node][phase], which keeps every phase. If
// there are more than n_outliers outliers: RuleTriggered += 1, Violations +=
// number of outliers, and the framework events of the window overlapping the
// outlier steps seen in this window (looked up by step number per node) are
// aggregated into Details (§4.12).
//
// Worked example (n_outliers 1; node algo-1-27, window 0): 102 TRAIN steps,
// steps 0 and 1 last 2.0 s, steps 2..101 0.125 s; one cpu_functions event
// aten::conv2d of 1.5 s inside step 0. mean = 16.5/102 = 0.16176470588235295,
// std = 0.2599657283774071, threshold = 0.9416618910145743: steps 0 and 1 are
// outliers (2 > n_outliers 1); the 100 others fill histogram bin 50 of
// [-0.375, 0.625] (numpy widens a zero-width range by 0.5 on each side).
//   {"RuleTriggered": 1, "Violations": 2, "Details": {"step_details":
//    {"algo-1-27": {"step_stats": {"mean": 0.16176470588235295, "max": 2.0,
//     "p99": 1.9812499999999904, "p95": 0.125, "p50": 0.125, "min": 0.125},
//     "number_of_outliers": 2, "phase": "Step:ModeKeys.TRAIN", "stddev": 0.26,
//     "probs": [0 x50, 100, 0 x49], "binedges": [-0.375, -0.365, ..., 0.625],
//     "step_numbers": ["0", "1"]}},
//    "step_details_by_phase": {"algo-1-27": {"Step:ModeKeys.TRAIN": {...same...}}},
//    "ratio": {"cpu_functions": 100.0}, "CPU": {"aten::conv2d": 100.0},
//    "CPU_total": {"aten::conv2d": 1500000}, "phase": {"Step:ModeKeys.TRAIN": 100.0},
//    "phase_time": {}}, "Datapoints": 102,
//    "RuleParameters": "threshold:3\nmode:None\nn_outliers:1\nstddev:3"}
#ifndef SMR_SRC_RULES_STEP_OUTLIER_H_
#define SMR_SRC_RULES_STEP_OUTLIER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

struct StepOutlierParams {
  // A step is an outlier when its duration exceeds mean + stddev · standard
  // deviation of its node and phase. (RuleParameters prints it twice, as
  // "threshold" and "stddev", like SageMaker.)
  double stddev = 3;
  // Empty (printed "None"): every Step:ModeKeys.* event. Otherwise also
  // events with exactly this name count as steps.
  std::string mode;
  // The rule triggers for a node and phase with more outliers than this.
  int64_t n_outliers = 10;
};

class StepOutlierRule : public ParamRule<StepOutlierParams> {
 public:
  explicit StepOutlierRule(StepOutlierParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_STEP_OUTLIER_H_
