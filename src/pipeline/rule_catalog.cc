// The rule lists the pipeline offers the CLI: SageMaker ProfilerReport's rule
// names (what `render` reads) and the built-in rules' descriptions (what
// `sm-report rules` prints), so that main needs no rule internals.
#include "smr/pipeline.h"
#include "smr/rule.h"
#include "smr/rule_config.h"

namespace smr {

const std::vector<std::string>& ProfilerReportRuleNames() {
  static const std::vector<std::string> kNames = ProfilerReportRuleNamesOf(BuiltinRules());
  return kNames;
}

std::string DescribeBuiltinRules(bool as_json) {
  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  return as_json ? DescribeRulesJson(rules).dump(2) + "\n" : DescribeRulesText(rules);
}

}  // namespace smr
