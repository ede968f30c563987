// OverallSystemUsage (docs/rules.md §4.10): per-node utilization
// statistics for the report's "System usage statistics" table. Never
// triggers, takes no parameters (RuleParameters "").
//
// Algorithm (cumulative over the windows): per metric and node, samples are
// summed per timestamp (a sample delivered to two windows is added twice, as
// in SageMaker); at the end the statistics over the per-timestamp sums are
// divided by n: GPU and GPU memory by the number of distinct GPU names,
// CPU and I/O (per-core I/OWaitPercentage) by the number of distinct core
// names, CPU memory (MemoryUsedPercent) and Network (every Dimension
// "Algorithm" series) by 1. Stats {max, p99, p95, p50, min}: values > 0 as
// round(x, 2) floats, values <= 0 as the integer 0. Details key order
// Network, GPU, CPU, CPU memory, GPU memory, I/O (a metric without data maps
// to {}). Datapoints = number of CPU timestamps of the first node seen.
//
// Worked example (one node, 2 cores, 1 GPU, two timestamps):
//   t=1000.5: cpu0 10, cpu1 30, gpu0 50, MemoryUsedPercent 20
//   t=1001.0: cpu0 20, cpu1 40, gpu0 0,  MemoryUsedPercent 21
//   CPU sums {40, 60} / 2 cores -> max 30.0, p99 29.9, p95 29.5, p50 25.0, min 20.0
//   GPU {50, 0} / 1 -> max 50.0, p99 49.5, p95 47.5, p50 25.0, min 0
//   {"RuleTriggered": 0, "Violations": 0, "Details": {"Network": {},
//    "GPU": {"algo-1": {"max": 50.0, "p99": 49.5, "p95": 47.5, "p50": 25.0, "min": 0}},
//    "CPU": {"algo-1": {"max": 30.0, "p99": 29.9, "p95": 29.5, "p50": 25.0, "min": 20.0}},
//    "CPU memory": {"algo-1": {"max": 21.0, "p99": 20.99, "p95": 20.95, "p50": 20.5,
//    "min": 20.0}}, "GPU memory": {}, "I/O": {}}, "Datapoints": 2, "RuleParameters": ""}
#ifndef SMR_SRC_RULES_OVERALL_SYSTEM_USAGE_H_
#define SMR_SRC_RULES_OVERALL_SYSTEM_USAGE_H_

#include <cstdint>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

class OverallSystemUsageRule : public ParamRule<NoParams> {
 public:
  OverallSystemUsageRule();
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_OVERALL_SYSTEM_USAGE_H_
