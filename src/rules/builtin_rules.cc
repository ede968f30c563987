// The one registration list, in SageMaker ProfilerReport order
// (docs/rules.md §1). Rules not implemented yet are marked where they
// will go.
#include <memory>
#include <vector>

#include "smr/rule.h"
#include "src/rules/batch_size.h"
#include "src/rules/cpu_bottleneck.h"
#include "src/rules/dataloader.h"
#include "src/rules/gpu_memory_increase.h"
#include "src/rules/io_bottleneck.h"
#include "src/rules/load_balancing.h"
#include "src/rules/low_gpu_utilization.h"
#include "src/rules/max_initialization_time.h"
#include "src/rules/overall_framework_metrics.h"
#include "src/rules/overall_system_usage.h"
#include "src/rules/step_outlier.h"

namespace smr {

std::vector<std::unique_ptr<Rule>> CreateBuiltinRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(CreateCpuBottleneckRule());
  rules.push_back(CreateIoBottleneckRule());
  rules.push_back(CreateLowGpuUtilizationRule());
  rules.push_back(CreateStepOutlierRule());
  rules.push_back(CreateGpuMemoryIncreaseRule());
  rules.push_back(CreateBatchSizeRule());
  rules.push_back(CreateMaxInitializationTimeRule());
  rules.push_back(CreateLoadBalancingRule());
  rules.push_back(CreateOverallSystemUsageRule());
  rules.push_back(CreateDataloaderRule());
  rules.push_back(CreateOverallFrameworkMetricsRule());
  return rules;
}

}  // namespace smr
