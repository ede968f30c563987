// OverallFrameworkMetrics (docs/rules.md §4.11): where the framework
// time went, for the report's "Framework metrics summary". Never triggers,
// no parameters, Datapoints 0.
//
// Algorithm (cumulative over the windows; an event overlapping two windows
// is delivered, and summed, twice, as in SageMaker), by event phase:
// contains "cpu" (any case) -> CPU operators; contains "gpu" -> GPU
// operators; contains "Step" -> step phases; Forward-/Backward-
// SubModuleInternal -> forward/backward totals; other phases without ":CPU"/
// ":GPU" -> `general`; Horovod-file events -> `horovod`. Details:
//   ratio      share (%) of each gpu phase then each cpu phase in their total;
//   CPU / GPU  per-operator share after dropping operators <= 2 % and
//              renormalising; CPU_total / GPU_total their summed µs (ints);
//   phase      share of each step phase plus "others" (inserted after the
//              first step phase) = time between the first step start and the
//              last step end not covered by any step (each step counted once);
//              SageMaker's recurrence for "others" can go negative, ours
//              cannot (docs/compatibility.md);
//   phase_time {};  general, forward_backward, horovod when present.
// Key order follows the window in which each key first appeared in SageMaker
// (ratio, phase and phase_time exist from the first window).
//
// Worked example (all events in window 0, times in µs after t0):
//   Step:ModeKeys.TRAIN [0, 75000] and [125000, 200000];
//   cpu_functions: aten::conv2d 60000, aten::relu 39000, aten::add 1000 µs;
//   gpu_functions-dev:0: volta_gemm 25000 µs; DataLoaderIter 25000 µs, Forward 75000 µs.
//   {"RuleTriggered": 0, "Violations": 0, "Details": {"ratio": {"gpu_functions-dev:0": 20.0,
//    "cpu_functions": 80.0}, "CPU": {"aten::conv2d": 60.60606060606061,
//    "aten::relu": 39.39393939393939}, "CPU_total": {"aten::conv2d": 60000, "aten::relu": 39000},
//    "GPU": {"volta_gemm": 100.0}, "GPU_total": {"volta_gemm": 25000},
//    "phase": {"Step:ModeKeys.TRAIN": 75.0, "others": 25.0}, "phase_time": {},
//    "general": {"DataLoaderIter": 25.0, "Forward": 75.0}}, "Datapoints": 0, "RuleParameters": ""}
#ifndef SMR_SRC_RULES_OVERALL_FRAMEWORK_METRICS_H_
#define SMR_SRC_RULES_OVERALL_FRAMEWORK_METRICS_H_

#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

class OverallFrameworkMetricsRule : public ParamRule<NoParams> {
 public:
  OverallFrameworkMetricsRule();
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_OVERALL_FRAMEWORK_METRICS_H_
