// Rule configuration: parameter overrides from the command line
// (`--rule-param Rule.param=value` or SageMaker ProfilerReport's
// `Rule_param=value`, docs/rules.md §4.13) and from a JSON config file
// (`{"RuleName": {"enabled": bool, "param": value, ...}}`). Values are
// validated by each rule's SetParam (percentiles 0-100, positive integers,
// ...). Every error message is one line naming the rule, the parameter and
// what is allowed; callers report it as a usage error.
#ifndef SMR_RULE_CONFIG_H_
#define SMR_RULE_CONFIG_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "smr/rule.h"
#include "smr/status.h"

namespace smr {

// One `Rule.param=value` setting. The pseudo-parameter "enabled" (true/false)
// switches a rule on or off.
struct RuleParamOverride {
  std::string rule;
  std::string param;
  std::string value;
  std::string source;  // the argument as typed, for error messages
};

// Parses "Rule.param=value" or "Rule_param=value" (rule names contain no '_'
// and no '.'; the earlier of the two separates rule and parameter). Only the
// syntax is checked here; names and values are checked by ApplyRuleConfig.
StatusOr<RuleParamOverride> ParseRuleParamArg(std::string_view arg);

// Parses a config file's text (`origin` names it in messages). The top level
// must be an object of objects; an empty text is an error.
StatusOr<nlohmann::json> ParseRuleConfigText(std::string_view text, const std::string& origin);

// Reads and parses a config file (ParseRuleConfigText).
StatusOr<nlohmann::json> LoadRuleConfigFile(const std::string& path);

// Applies `config` (null or an object as above) and then `overrides` (in
// order: the command line wins over the file, a later override wins over an
// earlier one) to `rules`. Rules that end up disabled are removed from
// `rules` and their names appended to `disabled` (registration order).
// Unknown rules/parameters, bad values and bad config shapes are errors; on
// error `rules` may be partly configured and must not be used.
// `config_origin` (the file's path) names the config in messages.
Status ApplyRuleConfig(const nlohmann::json& config,
                       const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled,
                       std::string_view config_origin = "(inline)");

// Machine-readable description of `rules` (`sm-report rules --json`): a list
// of {name, description, recommendation, parameters: [{name, type, default,
// unit, description}]} in the given order.
nlohmann::ordered_json DescribeRulesJson(const std::vector<std::unique_ptr<Rule>>& rules);

// Human-readable description of `rules` (`sm-report rules`).
std::string DescribeRulesText(const std::vector<std::unique_ptr<Rule>>& rules);

}  // namespace smr

#endif  // SMR_RULE_CONFIG_H_
