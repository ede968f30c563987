// BatchSize (docs/rules.md §4.2): flags GPUs that are under-used
// together with the CPU and the GPU memory, which suggests the batch size is
// too small (or the instance too large).
//
// Algorithm (cumulative over the windows): per node, the CPUUtilization
// samples of a window are summed per timestamp and divided by the number of
// distinct cores ever seen on that node (one "total CPU" value per
// timestamp); GPUUtilization and GPUMemoryUtilization values are kept per
// (node, gpu). After each window, for each node (first-seen order):
// Datapoints = its number of total-CPU values; if that exceeds both `window`
// and `patience` and p95 of the last `window` CPU values < cpu_threshold_p95,
// every GPU of the node with more than `window` values whose last-`window`
// p95 utilization < gpu_threshold_p95 and p95 memory <
// gpu_memory_threshold_p95 adds 1 to RuleTriggered and Violations and
// (over)writes Details[node] {cpu, gpuN, gpuN_memory} = {p25, p50, p75, p95,
// upper, lower} over all values (Tukey whiskers, each with its own IQR: see
// docs/compatibility.md for SageMaker's memory-IQR defect) and
// Details["last_timestamp"] = window start (µs).
//
// Worked example (patience 2, window 2; one node, cores cpu0/cpu1, gpu0):
//   t=1000.5: cpu 10, 20; gpu0 0;  memory 40
//   t=1001.0: cpu 20, 30; gpu0 10; memory 40
//   t=1001.5: cpu 30, 40; gpu0 20; memory 44
//   total CPU {15, 25, 35}: last 2 p95 34.5 < 70; gpu0 last 2 p95 19.5 < 70;
//   memory last 2 p95 43.8 < 70 -> triggered once.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {
//    "cpu": {"p25": 20.0, "p50": 25.0, "p75": 30.0, "p95": 34.0, "upper": 35.0, "lower": 15.0},
//    "gpu0": {"p25": 5.0, "p50": 10.0, "p75": 15.0, "p95": 19.0, "upper": 20.0, "lower": 0.0},
//    "gpu0_memory": {"p25": 40.0, "p50": 40.0, "p75": 42.0, "p95": 43.6, "upper": 44.0,
//    "lower": 40.0}}, "last_timestamp": 1000000000}, "Datapoints": 3, "RuleParameters":
//    "cpu_threshold_p95:70\ngpu_threshold_p95:70\ngpu_memory_threshold_p95:70\npatience:2\nwindow:2"}
#ifndef SMR_SRC_RULES_BATCH_SIZE_H_
#define SMR_SRC_RULES_BATCH_SIZE_H_

#include <cstdint>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

struct BatchSizeParams {
  // % p95 of the node's total CPU (last `window` values) must be below this.
  double cpu_threshold_p95 = 70;
  double gpu_threshold_p95 = 70;  // % p95 of a GPU's utilization (last `window`)
  // % p95 of a GPU's memory utilization (last `window` values).
  double gpu_memory_threshold_p95 = 70;
  // Samples (SageMaker's documentation says 100, its container runs 1000).
  // Total-CPU values a node needs before it is checked.
  int64_t patience = 1000;
  int64_t window = 500;  // samples: how many latest values the p95s use
};

class BatchSizeRule : public ParamRule<BatchSizeParams> {
 public:
  explicit BatchSizeRule(BatchSizeParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_BATCH_SIZE_H_
