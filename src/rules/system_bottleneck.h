// CPUBottleneck (docs/rules.md §4.3) and IOBottleneck (§4.4): flag jobs
// where the GPUs sit idle while CPU cores are saturated (CPUBottleneck) or
// wait for I/O (IOBottleneck). The two SageMaker rules are one algorithm with
// a different "busy" dimension (CPUUtilization > cpu_threshold, or
// I/OWaitPercentage > io_threshold; the entries still count those cores under
// "CPUs").
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): the system
// rows of each window are scanned in reader order; a new snapshot starts
// whenever a row's timestamp differs by more than 20 ms from the current
// snapshot's timestamp (Datapoints counts snapshots; the current snapshot
// carries over into the next window). Within one window, per snapshot: the
// GPUUtilization rows below gpu_threshold (the first of a snapshot also adds
// 1 to low_gpu_utilization) and the busy rows above the busy threshold are
// counted; a snapshot with both is a bottleneck {"GPUs": n, "CPUs": m}, keyed
// by repr(snapshot timestamp) (re-seen in a later window: overwritten in
// place). After each window, if Datapoints > patience and
// 100·#bottlenecks/Datapoints > threshold: RuleTriggered += 1 and the
// framework events of the window strictly containing each of the window's
// bottleneck timestamps are aggregated into Details (§4.12). Violations =
// number of bottlenecks, always written. Over 1 000 000 bottlenecks, the list
// is dropped at the next window start (SageMaker's memory guard).
// Details: {"low_gpu_utilization": int, "bottlenecks": {...}, [§4.12 keys]}
// (if the very first window already triggers, "bottlenecks" comes first, as
// in SageMaker).
//
// Worked example (CPUBottleneck, patience 2; one window from t0 = 1000 s; one
// GPU, 1 core; IOBottleneck reads the same with I/O wait instead of CPU):
//   1000.5  gpu0 5, cpu0 95   -> snapshot 1: bottleneck {GPUs 1, CPUs 1}
//   1001.0  gpu0 5, cpu0 20   -> snapshot 2: idle GPU only
//   1001.5  gpu0 50, cpu0 95  -> snapshot 3: busy CPU only
//   1002.0  gpu0 0, cpu0 99   -> snapshot 4: bottleneck
//   4 snapshots > 2, 2/4 = 50 % is not > 50 % -> not triggered.
//   {"RuleTriggered": 0, "Violations": 2, "Details": {"low_gpu_utilization": 3,
//    "bottlenecks": {"1000.5": {"GPUs": 1, "CPUs": 1}, "1002.0": {"GPUs": 1, "CPUs": 1}}},
//    "Datapoints": 4, "RuleParameters":
//    "threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:2"}
//   (IOBottleneck: "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:2")
#ifndef SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_
#define SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_

#include <cstdint>

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
  explicit CpuBottleneckRule(CpuBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

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
  explicit IoBottleneckRule(IoBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_
