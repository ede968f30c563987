// CPUBottleneck (docs/rules.md §4.3): flags jobs where the GPUs sit
// idle while CPU cores are saturated. The algorithm is shared with
// IOBottleneck and described in system_bottleneck.h: snapshots are groups of
// system rows within 20 ms (reader order); a snapshot is a bottleneck when it
// has a GPU below gpu_threshold and a core above cpu_threshold; after each
// window, with more than `patience` snapshots and more than `threshold` % of
// them bottlenecks, RuleTriggered += 1 and the framework events around the
// window's bottlenecks are aggregated into Details (§4.12).
//
// Worked example (patience 2; one window from t0 = 1000 s; one GPU, 1 core):
//   1000.5  gpu0 5, cpu0 95   -> snapshot 1: bottleneck {GPUs 1, CPUs 1}
//   1001.0  gpu0 5, cpu0 20   -> snapshot 2: idle GPU only
//   1001.5  gpu0 50, cpu0 95  -> snapshot 3: busy CPU only
//   1002.0  gpu0 0, cpu0 99   -> snapshot 4: bottleneck
//   4 snapshots > 2, 2/4 = 50 % is not > 50 % -> not triggered.
//   {"RuleTriggered": 0, "Violations": 2, "Details": {"low_gpu_utilization": 3,
//    "bottlenecks": {"1000.5": {"GPUs": 1, "CPUs": 1}, "1002.0": {"GPUs": 1, "CPUs": 1}}},
//    "Datapoints": 4, "RuleParameters":
//    "threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:2"}
#ifndef SMR_SRC_RULES_CPU_BOTTLENECK_H_
#define SMR_SRC_RULES_CPU_BOTTLENECK_H_

#include <cstdint>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

// Defaults as ProfilerReport runs the rule.
struct CpuBottleneckParams {
  double threshold = 50;      // % of snapshots that are bottlenecks
  double cpu_threshold = 90;  // % CPUUtilization above which a core is busy
  double gpu_threshold = 10;  // % GPUUtilization below which a GPU is idle
  // Snapshots to see before the ratio is checked (GPUs idle during
  // initialization). The AWS guide says 100.
  int64_t patience = 1000;
};

class CpuBottleneckRule : public ParamRule<CpuBottleneckParams> {
 public:
  static constexpr std::string_view kName = "CPUBottleneck";
  explicit CpuBottleneckRule(CpuBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_CPU_BOTTLENECK_H_
