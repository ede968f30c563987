// The one list of built-in rules, in SageMaker ProfilerReport order
// (docs/rules.md §1): it drives the registry (CreateBuiltinRules), the
// ProfilerReport rule names and the parameter-default lookup.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smr/rule.h"
#include "src/rules/batch_size.h"
#include "src/rules/dataloader.h"
#include "src/rules/gpu_memory_increase.h"
#include "src/rules/load_balancing.h"
#include "src/rules/low_gpu_utilization.h"
#include "src/rules/max_initialization_time.h"
#include "src/rules/overall_framework_metrics.h"
#include "src/rules/overall_system_usage.h"
#include "src/rules/step_outlier.h"
#include "src/rules/system_bottleneck.h"

namespace smr {
namespace {

template <typename R>
std::unique_ptr<Rule> Make() {
  return std::make_unique<R>();
}

// The name is the rule's own (its descriptor's), which outlives the instance.
template <typename R>
BuiltinRule Entry() {
  return {R().name(), &Make<R>};
}

}  // namespace

std::span<const BuiltinRule> BuiltinRules() {
  static const BuiltinRule kBuiltinRules[] = {
      Entry<CpuBottleneckRule>(),
      Entry<IoBottleneckRule>(),
      Entry<LowGpuUtilizationRule>(),
      Entry<StepOutlierRule>(),
      Entry<GpuMemoryIncreaseRule>(),
      Entry<BatchSizeRule>(),
      Entry<MaxInitializationTimeRule>(),
      Entry<LoadBalancingRule>(),
      Entry<OverallSystemUsageRule>(),
      Entry<DataloaderRule>(),
      Entry<OverallFrameworkMetricsRule>(),
  };
  return kBuiltinRules;
}

const BuiltinRule* FindBuiltinRule(std::string_view name) {
  for (const BuiltinRule& rule : BuiltinRules()) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

std::vector<std::string> BuiltinRuleNames() {
  std::vector<std::string> names;
  for (const BuiltinRule& rule : BuiltinRules()) names.emplace_back(rule.name);
  return names;
}

std::vector<std::unique_ptr<Rule>> CreateBuiltinRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  for (const BuiltinRule& rule : BuiltinRules()) rules.push_back(rule.create());
  return rules;
}

std::string BuiltinParamDefault(std::string_view rule, std::string_view param) {
  const BuiltinRule* entry = FindBuiltinRule(rule);
  if (entry == nullptr) return "";
  const std::unique_ptr<Rule> instance = entry->create();
  for (const ParamSpec& spec : instance->params()) {
    if (spec.name == param) return spec.default_value;
  }
  return "";
}

}  // namespace smr
