#include "src/rules/cpu_bottleneck.h"

#include <string>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"
#include "src/rules/system_bottleneck.h"

namespace smr {

std::string_view CpuBottleneckRule::description() const {
  return "Checks if the CPU utilization is high and the GPU utilization is low. It might "
         "indicate CPU bottlenecks, where the GPUs are waiting for data to arrive from the "
         "CPUs. The rule evaluates the CPU and GPU utilization rates, and triggers the issue "
         "if the time spent on the CPU bottlenecks exceeds a threshold percent of the total "
         "training time. The default threshold is 50 percent.";
}

std::string_view CpuBottleneckRule::recommendation() const {
  return "Consider increasing the number of data loaders or applying data pre-fetching.";
}

const std::vector<ParamSpec>& CpuBottleneckRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"threshold", ParamType::kPercent, "50", "%",
       "share of snapshots that must be CPU bottlenecks for the rule to trigger",
       ParamRange::Percent()},
      {"cpu_threshold", ParamType::kPercent, "90", "%",
       "CPU utilization above which a core counts as busy", ParamRange::Percent()},
      {"gpu_threshold", ParamType::kPercent, "10", "%",
       "GPU utilization below which a GPU counts as idle", ParamRange::Percent()},
      {"patience", ParamType::kInt, "1000", "snapshots",
       "snapshots to see before the ratio is checked", ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status CpuBottleneckRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "threshold") return ParsePercentParam(name(), param, value, &p_.threshold);
  if (param == "cpu_threshold") return ParsePercentParam(name(), param, value, &p_.cpu_threshold);
  if (param == "gpu_threshold") return ParsePercentParam(name(), param, value, &p_.gpu_threshold);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  return UnknownParamError(name(), param, params());
}

std::string CpuBottleneckRule::RuleParameters() const {
  return fmt::format("threshold:{}\ncpu_threshold:{}\ngpu_threshold:{}\npatience:{}",
                     FormatParamNumber(p_.threshold), FormatParamNumber(p_.cpu_threshold),
                     FormatParamNumber(p_.gpu_threshold), p_.patience);
}

RuleResult CpuBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  const SystemBottleneckConfig config{name(), "CPUUtilization"};
  RuleResult r = EvaluateSystemBottleneck(
      ctx, config, {p_.threshold, p_.cpu_threshold, p_.gpu_threshold, p_.patience});
  r.rule_parameters = RuleParameters();
  return r;
}

std::unique_ptr<Rule> CreateCpuBottleneckRule() { return std::make_unique<CpuBottleneckRule>(); }

}  // namespace smr
