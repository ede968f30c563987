// CPUBottleneck: its parameter table and texts; the algorithm is
// system_bottleneck.cc's with CPUUtilization as the busy dimension.
#include "src/rules/cpu_bottleneck.h"

#include "src/rules/system_bottleneck.h"

namespace smr {
namespace {

using P = CpuBottleneckParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be CPU bottlenecks for the rule to trigger",
     ParamRange::Percent()},
    {"cpu_threshold", &P::cpu_threshold, ParamType::kPercent, "%",
     "CPU utilization above which a core counts as busy", ParamRange::Percent()},
    {"gpu_threshold", &P::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle", ParamRange::Percent()},
    {"patience", &P::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked", ParamRange::PositiveInteger()},
};

constexpr RuleDescriptor<P> kDescriptor = {
    CpuBottleneckRule::kName,
    "Checks if the CPU utilization is high and the GPU utilization is low. It might indicate CPU "
    "bottlenecks, where the GPUs are waiting for data to arrive from the CPUs. The rule "
    "evaluates the CPU and GPU utilization rates, and triggers the issue if the time spent on "
    "the CPU bottlenecks exceeds a threshold percent of the total training time. The default "
    "threshold is 50 percent.",
    "Consider increasing the number of data loaders or applying data pre-fetching.",
    kRows,
};

}  // namespace

CpuBottleneckRule::CpuBottleneckRule(CpuBottleneckParams params)
    : ParamRule(kDescriptor, params) {}

RuleResult CpuBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return EvaluateSystemBottleneck(
      *this, ctx, MetricKind::kCpuUtilization,
      {p_.threshold, p_.cpu_threshold, p_.gpu_threshold, p_.patience});
}

}  // namespace smr
