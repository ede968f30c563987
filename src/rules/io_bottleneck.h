// IOBottleneck (docs/rules.md §4.4): flags jobs where the GPUs sit
// idle while CPU cores wait for I/O. The algorithm is shared with
// CPUBottleneck and described in system_bottleneck.h: snapshots are groups of
// system rows within 20 ms (reader order); a snapshot is a bottleneck when it
// has a GPU below gpu_threshold and a core whose I/OWaitPercentage is above
// io_threshold (the entries still count those cores under "CPUs"); after each
// window, with more than `patience` snapshots and more than `threshold` % of
// them bottlenecks, RuleTriggered += 1 and the framework events around the
// window's bottlenecks are aggregated into Details (§4.12).
//
// Worked example (patience 2; one window from t0 = 1000 s; one GPU, 1 core):
//   1000.5  gpu0 5, cpu0 iowait 95  -> snapshot 1: bottleneck {GPUs 1, CPUs 1}
//   1001.0  gpu0 5, cpu0 iowait 20  -> snapshot 2: idle GPU only
//   1001.5  gpu0 50, cpu0 iowait 95  -> snapshot 3: busy core only
//   1002.0  gpu0 0, cpu0 iowait 99   -> snapshot 4: bottleneck
//   4 snapshots > 2, 2/4 = 50 % is not > 50 % -> not triggered.
//   {"RuleTriggered": 0, "Violations": 2, "Details": {"low_gpu_utilization": 3,
//    "bottlenecks": {"1000.5": {"GPUs": 1, "CPUs": 1}, "1002.0": {"GPUs": 1, "CPUs": 1}}},
//    "Datapoints": 4, "RuleParameters":
//    "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:2"}
#ifndef SMR_SRC_RULES_IO_BOTTLENECK_H_
#define SMR_SRC_RULES_IO_BOTTLENECK_H_

#include <cstdint>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

// Defaults as ProfilerReport runs the rule.
struct IoBottleneckParams {
  double threshold = 50;     // % of snapshots that are bottlenecks
  double io_threshold = 50;  // % I/OWaitPercentage above which a core waits
  // % GPUUtilization below which a GPU is idle. The AWS guide says 70.
  double gpu_threshold = 10;
  // Snapshots to see before the ratio is checked (GPUs idle during
  // initialization).
  int64_t patience = 1000;
};

class IoBottleneckRule : public ParamRule<IoBottleneckParams> {
 public:
  static constexpr std::string_view kName = "IOBottleneck";
  explicit IoBottleneckRule(IoBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_IO_BOTTLENECK_H_
