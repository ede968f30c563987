// GPUMemoryIncrease (docs/rules.md §4.5): flags large increases of the
// moving average of GPU memory utilization.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUMemoryUtilization sample is appended to its (node, gpu) list in reader
// order, and on *every* new value (not once per window):
//   Datapoints = length of that list;
//   once the list has n > window + 1 values:
//     diff = mean(values[n-window .. n-1]) − mean(values[n-window-1 .. n-3])
//   i.e. SageMaker's "previous" slice values[-window-1:-2]: only window − 1
//   values, ending two before the last one (for window 10: values[-11:-2], 9
//   values, hence the 1/90 fractions such as 6.0666… = 546/90 in real
//   reports). This quirk decides verdicts and is kept exactly; means use
//   numpy's pairwise summation so `increase` matches to the last digit.
//   With window 1 the previous slice is empty (numpy: NaN), so nothing fires.
//   If diff > increase and n > patience: RuleTriggered and Violations grow by
//   1 (they count *samples*, e.g. 11467 in a 4-hour job), Details[node][gpu]
//   is overwritten with {increase: diff, gpu_max, p05, p25, p50, p75, p95,
//   upper, lower} (statistics over all values of that GPU at that moment,
//   Tukey whiskers) and Details["last_timestamp"] = start (µs) of the window.
// When a list exceeds 1 000 000 values all lists are dropped and the current
// sample is not checked (SageMaker raises KeyError on it).
//
// Worked example (increase 5, patience 11, window 10; t0 = 1000 s):
//   algo-1/gpu0 memory 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 37, 37 (12 samples)
//   -> at the 12th sample: mean(last 10) = 74/10 = 7.4,
//      mean(values[-11:-2]) = mean(12, 0 ×8) = 12/9,
//      diff = 7.4 − 1.333… = 6.066666666666667 (≈ 546/90) > 5 and 12 > 11.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"gpu0":
//    {"increase": 6.066666666666667, "gpu_max": 37.0, "p05": 0.0, "p25": 0.0,
//     "p50": 0.0, "p75": 3.0, "p95": 37.0, "upper": 7.5, "lower": 0.0}},
//    "last_timestamp": 1000000000}, "Datapoints": 12, "RuleParameters":
//    "increase:5\npatience:11\nwindow:10"}
#ifndef SMR_SRC_RULES_GPU_MEMORY_INCREASE_H_
#define SMR_SRC_RULES_GPU_MEMORY_INCREASE_H_

#include <cstdint>
#include <string_view>

#include "src/rules/numpy_stats.h"
#include "src/rules/param_rule.h"

namespace smr {

struct GpuMemoryIncreaseParams {
  // Percentage points (the AWS guide says 10, the container ran 5). The rule
  // fires when the moving average grows by more than this.
  double increase = 5;
  // Samples (guide: 100). No trigger until a GPU has more samples than this
  // (memory is allocated during initialization).
  int64_t patience = 1000;
  int64_t window = 10;  // samples (guide: 500): length of the moving average
};

class GpuMemoryIncreaseRule : public ParamRule<GpuMemoryIncreaseParams> {
 public:
  explicit GpuMemoryIncreaseRule(GpuMemoryIncreaseParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_GPU_MEMORY_INCREASE_H_
