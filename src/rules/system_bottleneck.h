// Machinery shared by CPUBottleneck (§4.3) and IOBottleneck (§4.4): the two
// SageMaker rules are one algorithm with a different "busy" dimension
// (CPUUtilization > cpu_threshold, or I/OWaitPercentage > io_threshold).
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
#ifndef SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_
#define SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_

#include <cstdint>

#include "smr/rule.h"
#include "smr/store.h"

namespace smr {

struct SystemBottleneckParams {
  double threshold = 50;       // % of snapshots that must be bottlenecks
  double busy_threshold = 90;  // % above which a core counts as busy
  double gpu_threshold = 10;   // % below which a GPU counts as idle
  int64_t patience = 1000;     // snapshots before the ratio is checked
};

// Evaluates `rule` (its name and RuleParameters go into the result) with
// `busy` the kind of the busy rows: kCpuUtilization or kCpuIoWait.
RuleResult EvaluateSystemBottleneck(const Rule& rule, const AnalysisContext& ctx, MetricKind busy,
                                    const SystemBottleneckParams& params);

}  // namespace smr

#endif  // SMR_SRC_RULES_SYSTEM_BOTTLENECK_H_
