// The built-in rules' parameters and texts, then the one list of rules. Per
// rule, in SageMaker ProfilerReport order (docs/rules.md §1): its parameter
// table (one ParamRow per parameter: name, Params member, type, unit,
// description, range when not the type's default), its descriptor (name,
// description, recommendation, and the RuleParameters layout when it is not
// every row in row order) and its constructor. The Params structs and rule
// classes are declared in builtin_rules.h; each rule's Evaluate is in
// src/rules/<rule>.cc. The list drives the registry (CreateBuiltinRules), the
// ProfilerReport rule names and the parameter-default lookup.
#include "src/rules/builtin_rules.h"

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/rule.h"
#include "src/rules/kineto_rules.h"
#include "src/rules/python_json.h"

namespace smr {

// ---- CPUBottleneck ----------------------------------------------------------

namespace cpu_bottleneck {

using P = CpuBottleneckParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be CPU bottlenecks for the rule to trigger"},
    {"cpu_threshold", &P::cpu_threshold, ParamType::kPercent, "%",
     "CPU utilization above which a core counts as busy"},
    {"gpu_threshold", &P::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle"},
    {"patience", &P::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "CPUBottleneck",
    "Checks if the CPU utilization is high and the GPU utilization is low. It might indicate CPU "
    "bottlenecks, where the GPUs are waiting for data to arrive from the CPUs. The rule "
    "evaluates the CPU and GPU utilization rates, and triggers the issue if the time spent on "
    "the CPU bottlenecks exceeds a threshold percent of the total training time. The default "
    "threshold is 50 percent.",
    "Consider increasing the number of data loaders or applying data pre-fetching.",
    kRows,
};

}  // namespace cpu_bottleneck

CpuBottleneckRule::CpuBottleneckRule(CpuBottleneckParams params)
    : ParamRule(cpu_bottleneck::kDescriptor, params) {}

// ---- IOBottleneck -----------------------------------------------------------

namespace io_bottleneck {

using P = IoBottleneckParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be I/O bottlenecks for the rule to trigger"},
    {"io_threshold", &P::io_threshold, ParamType::kPercent, "%",
     "I/O wait above which a core counts as waiting"},
    {"gpu_threshold", &P::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle"},
    {"patience", &P::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "IOBottleneck",
    "Checks if the data I/O wait time is high and the GPU utilization is low. It might indicate "
    "IO bottlenecks where GPU is waiting for data to arrive from storage. The rule evaluates the "
    "I/O and GPU utilization rates and triggers the issue if the time spent on the IO "
    "bottlenecks exceeds a threshold percent of the total training time. The default threshold "
    "is 50 percent.",
    "Pre-fetch data or choose different file formats, such as binary formats that improve I/O "
    "performance.",
    kRows,
};

}  // namespace io_bottleneck

IoBottleneckRule::IoBottleneckRule(IoBottleneckParams params)
    : ParamRule(io_bottleneck::kDescriptor, params) {}

// ---- LowGPUUtilization ------------------------------------------------------

namespace low_gpu_utilization {

using P = LowGpuUtilizationParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold_p95", &P::threshold_p95, ParamType::kPercent, "%",
     "p95 of the last `window` samples below which a GPU counts as under-used"},
    {"threshold_p5", &P::threshold_p5, ParamType::kPercent, "%",
     "p5 below which a GPU with a high p95 counts as fluctuating"},
    {"window", &P::window, ParamType::kInt, "samples", "number of latest samples for p95/p5"},
    {"patience", &P::patience, ParamType::kInt, "samples",
     "samples a GPU needs before it is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "LowGPUUtilization",
    "Checks if the GPU utilization is low or fluctuating. This can happen due to bottlenecks, "
    "blocking calls for synchronizations, or a small batch size.",
    "Check if there are bottlenecks, minimize blocking calls, change distributed training "
    "strategy, or increase the batch size.",
    kRows,
};

}  // namespace low_gpu_utilization

LowGpuUtilizationRule::LowGpuUtilizationRule(LowGpuUtilizationParams params)
    : ParamRule(low_gpu_utilization::kDescriptor, params) {}

// ---- StepOutlier ------------------------------------------------------------

namespace step_outlier {

using P = StepOutlierParams;

constexpr ParamRow<P> kRows[] = {
    {"stddev", &P::stddev, ParamType::kDouble, "standard deviations",
     "a step longer than mean + stddev · standard deviation is an outlier"},
    {"mode", &P::mode, ParamType::kString, "",
     "event name that also counts as a step (None: only Step:ModeKeys.* events)"},
    {"n_outliers", &P::n_outliers, ParamType::kInt, "steps",
     "outliers of one node and phase tolerated before the rule triggers"},
};

// SageMaker prints stddev twice, first as "threshold".
constexpr PrintedParam kPrinted[] = {
    {"threshold", "stddev"},
    {"mode", "mode"},
    {"n_outliers", "n_outliers"},
    {"stddev", "stddev"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "StepOutlier",
    "Detects outliers in step duration. The step duration for forward and backward pass should "
    "be roughly the same throughout the training. If there are significant outliers, it may "
    "indicate a system stall or bottleneck issues.",
    "Check if there are any bottlenecks (CPU, I/O) correlated to the step outliers.",
    kRows,
    kPrinted,
};

}  // namespace step_outlier

StepOutlierRule::StepOutlierRule(StepOutlierParams params)
    : ParamRule(step_outlier::kDescriptor, std::move(params)) {}

// ---- GPUMemoryIncrease ------------------------------------------------------

namespace gpu_memory_increase {

using P = GpuMemoryIncreaseParams;

constexpr ParamRow<P> kRows[] = {
    {"increase", &P::increase, ParamType::kPercent, "%",
     "growth of the moving average of GPU memory utilization that triggers the rule"},
    {"patience", &P::patience, ParamType::kInt, "samples",
     "samples a GPU needs before the rule can trigger"},
    {"window", &P::window, ParamType::kInt, "samples", "length of the moving average"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "GPUMemoryIncrease",
    "Measures the average GPU memory footprint and triggers if there is a large increase.",
    "Choose a larger instance type with more memory if footprint is close to maximum available "
    "memory.",
    kRows,
};

}  // namespace gpu_memory_increase

GpuMemoryIncreaseRule::GpuMemoryIncreaseRule(GpuMemoryIncreaseParams params)
    : ParamRule(gpu_memory_increase::kDescriptor, params) {}

// ---- BatchSize --------------------------------------------------------------

namespace batch_size {

using P = BatchSizeParams;

constexpr ParamRow<P> kRows[] = {
    {"cpu_threshold_p95", &P::cpu_threshold_p95, ParamType::kPercent, "%",
     "p95 threshold of the total CPU"},
    {"gpu_threshold_p95", &P::gpu_threshold_p95, ParamType::kPercent, "%",
     "p95 threshold of GPU utilization"},
    {"gpu_memory_threshold_p95", &P::gpu_memory_threshold_p95, ParamType::kPercent, "%",
     "p95 threshold of GPU memory utilization"},
    {"patience", &P::patience, ParamType::kInt, "samples", "values needed before the first check"},
    {"window", &P::window, ParamType::kInt, "samples", "number of latest values for the p95s"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "BatchSize",
    "Checks if GPUs are underutilized because the batch size is too small. To detect this "
    "problem, the rule analyzes the average GPU memory footprint, the CPU and the GPU "
    "utilization.",
    "The batch size is too small, and GPUs are underutilized. Consider running on a smaller "
    "instance type or increasing the batch size.",
    kRows,
};

}  // namespace batch_size

BatchSizeRule::BatchSizeRule(BatchSizeParams params) : ParamRule(batch_size::kDescriptor, params) {}

// ---- MaxInitializationTime --------------------------------------------------

namespace max_initialization_time {

using P = MaxInitializationTimeParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kDouble, "minutes",
     "time after the first timestamp by which the first step must have started"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "MaxInitializationTime",
    "Checks if the time spent on initialization exceeds a threshold percent of the total "
    "training time. The rule waits until the first step of training loop starts. The "
    "initialization can take longer if downloading the entire dataset from Amazon S3 in File "
    "mode. The default threshold is 20 minutes.",
    "Initialization takes too long. If using File mode, consider switching to Pipe mode in case "
    "you are using TensorFlow framework.",
    kRows,
};

}  // namespace max_initialization_time

MaxInitializationTimeRule::MaxInitializationTimeRule(MaxInitializationTimeParams params)
    : ParamRule(max_initialization_time::kDescriptor, params) {}

// ---- LoadBalancing ----------------------------------------------------------

namespace load_balancing {

using P = LoadBalancingParams;

// RuleParameters: SageMaker's two lines, then sm-report's min_difference, so
// the JSON tells which test produced its verdict.
constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kDouble, "",
     "Jensen-Shannon distance between two GPUs' utilization histograms that must be exceeded "
     "for the pair to count as imbalanced",
     ParamRange::Positive(1)},
    {"patience", &P::patience, ParamType::kInt, "samples",
     "samples each GPU needs before it is compared"},
    {"min_difference", &P::min_difference, ParamType::kPercent, "%",
     "difference of the two GPUs' mean utilizations (percentage points) that must also be "
     "reached; 0 leaves the distance as the only test (sm-report extension)"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "LoadBalancing",
    "Detects workload balancing issues across GPUs. Workload imbalance can occur in training jobs "
    "with data parallelism. The gradients are accumulated on a primary GPU, and this GPU might "
    "be overused with regard to other GPUs, resulting in reducing the efficiency of data "
    "parallelization.",
    "Choose a different distributed training strategy or a different distributed training "
    "framework.",
    kRows,
};

}  // namespace load_balancing

LoadBalancingRule::LoadBalancingRule(LoadBalancingParams params)
    : ParamRule(load_balancing::kDescriptor, params) {}

// ---- OverallSystemUsage -----------------------------------------------------

namespace overall_system_usage {

constexpr RuleDescriptor<NoParams> kDescriptor = {
    "OverallSystemUsage",
    "Aggregates the system usage of each worker node (CPU, GPU, their memory, network and I/O "
    "wait) and reports its percentiles. It never triggers.",
    "Compare the utilization with the instance capacity: a node that stays far below it could "
    "run on a smaller instance type.",
    {},
};

}  // namespace overall_system_usage

OverallSystemUsageRule::OverallSystemUsageRule()
    : ParamRule(overall_system_usage::kDescriptor, {}) {}

// ---- Dataloader -------------------------------------------------------------

namespace dataloader {

using P = DataloaderParams;

constexpr ParamRow<P> kRows[] = {
    {"min_threshold", &P::min_threshold, ParamType::kDouble, "% of cores",
     "fewer parallel data loaders than this share of the CPU cores is a violation"},
    {"max_threshold", &P::max_threshold, ParamType::kDouble, "% of cores",
     "more parallel data loaders than this share of the CPU cores is a violation"},
    {"patience", &P::patience, ParamType::kInt, "seconds",
     "seconds with data-loading activity needed before the first check (hidden in SageMaker's "
     "RuleParameters; sm-report extension)"},
};

// Only min_threshold and max_threshold, as SageMaker prints them.
constexpr PrintedParam kPrinted[] = {
    {"min_threshold", "min_threshold"},
    {"max_threshold", "max_threshold"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "Dataloader",
    "Checks how many data loaders are running in parallel and whether the total number is equal "
    "the number of available CPU cores. The rule triggers if number is much smaller or larger "
    "than the number of available cores. If too small, it might lead to low GPU utilization. If "
    "too large, it might impact other compute intensive operations on CPU.",
    "Change the number of data loader processes.",
    kRows,
    kPrinted,
};

}  // namespace dataloader

DataloaderRule::DataloaderRule(DataloaderParams params)
    : ParamRule(dataloader::kDescriptor, params) {}

Status DataloaderRule::ValidateParams() const {
  if (p_.min_threshold < p_.max_threshold) return Status::Ok();
  return Status::Error(
      fmt::format("rule {}: min_threshold ({}) must be less than max_threshold ({})", name(),
                  FormatParamNumber(p_.min_threshold), FormatParamNumber(p_.max_threshold)));
}

// ---- OverallFrameworkMetrics ------------------------------------------------

namespace overall_framework_metrics {

constexpr RuleDescriptor<NoParams> kDescriptor = {
    "OverallFrameworkMetrics",
    "Summarizes the time spent in framework operations: CPU and GPU operators, training and "
    "evaluation phases, forward and backward pass and data loading. It never triggers.",
    "Look at the most expensive operators and at the time spent outside the training steps.",
    {},
};

}  // namespace overall_framework_metrics

OverallFrameworkMetricsRule::OverallFrameworkMetricsRule()
    : ParamRule(overall_framework_metrics::kDescriptor, {}) {}

// ---- The list ---------------------------------------------------------------

namespace {

template <typename R>
std::unique_ptr<Rule> Make() {
  return std::make_unique<R>();
}

// The name is the rule's own (its descriptor's), which outlives the instance.
// Entry: one of SageMaker ProfilerReport's rules; Extra: a rule sm-report
// adds (no JSON of it in SageMaker's output).
template <typename R>
BuiltinRule Entry() {
  return {R().name(), &Make<R>, true};
}
template <typename R>
[[maybe_unused]] BuiltinRule Extra() {
  return {R().name(), &Make<R>, false};
}
// Kineto: a rule sm-report adds that reads PyTorch-profiler traces only.
template <typename R>
BuiltinRule Kineto() {
  return {R().name(), &Make<R>, false, true};
}

}  // namespace

std::span<const BuiltinRule> BuiltinRules() {
  // One row a rule, in SageMaker ProfilerReport's order, then the rules on
  // Kineto traces (kineto_rules.h).
  // clang-format off
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
      Kineto<DataloaderBoundRule>(),
      Kineto<HostBoundRule>(),
      Kineto<CommunicationBoundRule>(),
      Kineto<StragglerRule>(),
      Kineto<SyncCopiesRule>(),
      Kineto<SmallKernelsRule>(),
  };
  // clang-format on
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

std::vector<std::string> ProfilerReportRuleNamesOf(std::span<const BuiltinRule> rules) {
  std::vector<std::string> names;
  for (const BuiltinRule& rule : rules) {
    if (rule.profiler_report) names.emplace_back(rule.name);
  }
  return names;
}

std::vector<std::unique_ptr<Rule>> CreateBuiltinRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  for (const BuiltinRule& rule : BuiltinRules()) rules.push_back(rule.create());
  return rules;
}

void DropKinetoRules(bool has_kineto, std::vector<std::unique_ptr<Rule>>* rules) {
  if (has_kineto) return;
  std::erase_if(*rules, [](const std::unique_ptr<Rule>& rule) {
    const BuiltinRule* entry = FindBuiltinRule(rule->name());
    return entry != nullptr && entry->needs_kineto;
  });
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
