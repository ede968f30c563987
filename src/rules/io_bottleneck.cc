#include "src/rules/io_bottleneck.h"

#include <string>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"
#include "src/rules/system_bottleneck.h"

namespace smr {

std::string_view IoBottleneckRule::description() const {
  return "Checks if the data I/O wait time is high and the GPU utilization is low. It might "
         "indicate IO bottlenecks where GPU is waiting for data to arrive from storage. The "
         "rule evaluates the I/O and GPU utilization rates and triggers the issue if the time "
         "spent on the IO bottlenecks exceeds a threshold percent of the total training time. "
         "The default threshold is 50 percent.";
}

std::string_view IoBottleneckRule::recommendation() const {
  return "Pre-fetch data or choose different file formats, such as binary formats that "
         "improve I/O performance.";
}

const std::vector<ParamSpec>& IoBottleneckRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"threshold", ParamType::kPercent, "50", "%",
       "share of snapshots that must be I/O bottlenecks for the rule to trigger",
       ParamRange::Percent()},
      {"io_threshold", ParamType::kPercent, "50", "%",
       "I/O wait above which a core counts as waiting", ParamRange::Percent()},
      {"gpu_threshold", ParamType::kPercent, "10", "%",
       "GPU utilization below which a GPU counts as idle", ParamRange::Percent()},
      {"patience", ParamType::kInt, "1000", "snapshots",
       "snapshots to see before the ratio is checked", ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status IoBottleneckRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "threshold") return ParsePercentParam(name(), param, value, &p_.threshold);
  if (param == "io_threshold") return ParsePercentParam(name(), param, value, &p_.io_threshold);
  if (param == "gpu_threshold") return ParsePercentParam(name(), param, value, &p_.gpu_threshold);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  return UnknownParamError(name(), param, params());
}

std::string IoBottleneckRule::RuleParameters() const {
  return fmt::format("threshold:{}\nio_threshold:{}\ngpu_threshold:{}\npatience:{}",
                     FormatParamNumber(p_.threshold), FormatParamNumber(p_.io_threshold),
                     FormatParamNumber(p_.gpu_threshold), p_.patience);
}

RuleResult IoBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  const SystemBottleneckConfig config{name(), "I/OWaitPercentage"};
  RuleResult r = EvaluateSystemBottleneck(
      ctx, config, {p_.threshold, p_.io_threshold, p_.gpu_threshold, p_.patience});
  r.rule_parameters = RuleParameters();
  return r;
}

std::unique_ptr<Rule> CreateIoBottleneckRule() { return std::make_unique<IoBottleneckRule>(); }

}  // namespace smr
