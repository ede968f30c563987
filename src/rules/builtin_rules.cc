// The one registration list, in SageMaker ProfilerReport order
// (rules-and-report.md §1). Rules not implemented yet are marked where they
// will go.
#include <memory>
#include <vector>

#include "smr/rule.h"
#include "src/rules/batch_size.h"
#include "src/rules/low_gpu_utilization.h"
#include "src/rules/max_initialization_time.h"
#include "src/rules/overall_framework_metrics.h"
#include "src/rules/overall_system_usage.h"

namespace smr {

std::vector<std::unique_ptr<Rule>> CreateBuiltinRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  // CPUBottleneck (§4.3) goes here.
  // IOBottleneck (§4.4) goes here.
  rules.push_back(CreateLowGpuUtilizationRule());
  // StepOutlier (§4.6) goes here.
  // GPUMemoryIncrease (§4.5) goes here.
  rules.push_back(CreateBatchSizeRule());
  rules.push_back(CreateMaxInitializationTimeRule());
  // LoadBalancing (§4.7) goes here.
  rules.push_back(CreateOverallSystemUsageRule());
  // Dataloader (§4.8) goes here.
  rules.push_back(CreateOverallFrameworkMetricsRule());
  return rules;
}

}  // namespace smr
