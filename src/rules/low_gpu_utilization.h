// LowGPUUtilization (docs/rules.md §4.1): flags GPUs whose utilization
// is low or fluctuating.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUUtilization sample is appended to its (node, gpu) list in reader order.
// After each window, for each (node, gpu) in first-seen order: Datapoints =
// number of its values; if it has more than `patience` values, p95w/p5w are
// the numpy quantiles of its last `window` values and the GPU is flagged if
//   p95w < threshold_p95                        (under-used), or
//   p95w > threshold_p95 and p5w < threshold_p5 (fluctuating).
// A flag adds 1 to RuleTriggered and Violations and overwrites
// Details[node][gpu] = {gpu_max, gpu_95, gpu_5, p25, p50, p75, p95, upper,
// lower} (gpu_95/gpu_5 over the last `window` values, the others over all
// values, Tukey whiskers) and Details["last_timestamp"] = start (µs) of the
// window. When a list exceeds 1 000 000 values all lists are dropped (the
// current GPU is still checked; SageMaker would raise on the next GPU of the
// same pass, we end that pass instead).
//
// Worked example (patience 2, window 3, one window starting at t0 = 1000 s):
//   algo-1/gpu0 samples 0, 0, 10  -> 3 values > patience; last 3 = {0,0,10}:
//   p95w = 9.0 < 70 -> flagged once.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"gpu0":
//    {"gpu_max": 10.0, "gpu_95": 9.0, "gpu_5": 0.0, "p25": 0.0, "p50": 0.0,
//     "p75": 5.0, "p95": 9.0, "upper": 10.0, "lower": 0.0}},
//    "last_timestamp": 1000000000}, "Datapoints": 3, "RuleParameters":
//    "threshold_p95:70\nthreshold_p5:10\nwindow:3\npatience:2"}
#ifndef SMR_SRC_RULES_LOW_GPU_UTILIZATION_H_
#define SMR_SRC_RULES_LOW_GPU_UTILIZATION_H_

#include <cstdint>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

struct LowGpuUtilizationParams {
  // % p95 of the last `window` samples below which a GPU is under-used;
  // above it (with a low p5) it is fluctuating.
  double threshold_p95 = 70;
  double threshold_p5 = 10;  // % p5 threshold of the fluctuation test
  int64_t window = 500;      // samples: how many of the latest the p95/p5 use
  // Samples a GPU needs before it is checked (GPUs idle during
  // initialization).
  int64_t patience = 1000;
};

class LowGpuUtilizationRule : public ParamRule<LowGpuUtilizationParams> {
 public:
  explicit LowGpuUtilizationRule(LowGpuUtilizationParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_LOW_GPU_UTILIZATION_H_
