// IOBottleneck: its parameter table and texts; the algorithm is
// system_bottleneck.cc's with I/OWaitPercentage as the busy dimension.
#include "src/rules/io_bottleneck.h"

#include "src/rules/system_bottleneck.h"

namespace smr {
namespace {

using P = IoBottleneckParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be I/O bottlenecks for the rule to trigger",
     ParamRange::Percent()},
    {"io_threshold", &P::io_threshold, ParamType::kPercent, "%",
     "I/O wait above which a core counts as waiting", ParamRange::Percent()},
    {"gpu_threshold", &P::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle", ParamRange::Percent()},
    {"patience", &P::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked", ParamRange::PositiveInteger()},
};

constexpr RuleDescriptor<P> kDescriptor = {
    IoBottleneckRule::kName,
    "Checks if the data I/O wait time is high and the GPU utilization is low. It might indicate "
    "IO bottlenecks where GPU is waiting for data to arrive from storage. The rule evaluates the "
    "I/O and GPU utilization rates and triggers the issue if the time spent on the IO "
    "bottlenecks exceeds a threshold percent of the total training time. The default threshold "
    "is 50 percent.",
    "Pre-fetch data or choose different file formats, such as binary formats that improve I/O "
    "performance.",
    kRows,
};

}  // namespace

IoBottleneckRule::IoBottleneckRule(IoBottleneckParams params) : ParamRule(kDescriptor, params) {}

RuleResult IoBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return EvaluateSystemBottleneck(
      *this, ctx, MetricKind::kCpuIoWait,
      {p_.threshold, p_.io_threshold, p_.gpu_threshold, p_.patience});
}

}  // namespace smr
