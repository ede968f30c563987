// Rule configuration: parameter overrides from the command line
// (`--rule-param Rule.param=value` or SageMaker ProfilerReport's
// `Rule_param=value`, docs/rules.md §4.13) and from a JSON config file
// (`{"RuleName": {"enabled": bool, "param": value, ...}}`). Values are
// checked against the range each parameter declares (ParamSpec::range:
// percentiles 0-100, positive integers, ...), then parsed by the rule's
// SetParam; the combination of a rule's values by its ValidateParams. Every
// error message is one line naming the rule, the parameter and what is
// allowed; callers report it as a usage error.
#ifndef SMR_RULE_CONFIG_H_
#define SMR_RULE_CONFIG_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

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

// 1-based line and column (in bytes) in a config file.
struct TextPosition {
  int line = 0;
  int column = 0;
};

// A parsed config file: the settings and where each key is, so that an
// error names the line and column of the setting at fault.
struct RuleConfig {
  nlohmann::json settings;  // object of objects; null: no config
  std::string origin;       // the file's path, for messages
  // Where each rule name (param "") and each parameter key starts.
  std::map<std::pair<std::string, std::string>, TextPosition> positions;

  const TextPosition* Position(const std::string& rule, const std::string& param) const;
};

// Parses a config file's text (`origin` names it in messages). The top level
// must be an object of objects. Errors name the line and column: invalid
// JSON (an empty text included) and a key that appears twice in the same
// object, at any depth.
StatusOr<RuleConfig> ParseRuleConfig(std::string_view text, const std::string& origin);

// Reads and parses a config file (ParseRuleConfig).
StatusOr<RuleConfig> LoadRuleConfig(const std::string& path);

// The same, settings only.
StatusOr<nlohmann::json> ParseRuleConfigText(std::string_view text, const std::string& origin);
StatusOr<nlohmann::json> LoadRuleConfigFile(const std::string& path);

// Applies `config` (null or an object as above) and then `overrides` (in
// order: the command line wins over the file, a later override wins over an
// earlier one) to `rules`. Rules that end up disabled are removed from
// `rules` and their names appended to `disabled` (registration order).
// Unknown rules/parameters, bad values and bad config shapes are errors; on
// error `rules` may be partly configured and must not be used.
// Errors about a config setting name the file, line and column.
Status ApplyRuleConfig(const RuleConfig& config, const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled);

// The same with settings without positions; `config_origin` (the file's
// path) names the config in messages.
Status ApplyRuleConfig(const nlohmann::json& config,
                       const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled,
                       std::string_view config_origin = "(inline)");

// Machine-readable description of `rules` (`sm-report rules --json`): a list
// of {name, description, recommendation, parameters: [{name, type, default,
// unit, range: {min, max, min_exclusive, max_exclusive, integer}, allowed,
// description}]} in the given order (range and allowed only for numbers;
// an unbounded end is null).
nlohmann::ordered_json DescribeRulesJson(const std::vector<std::unique_ptr<Rule>>& rules);

// Human-readable description of `rules` (`sm-report rules`).
std::string DescribeRulesText(const std::vector<std::unique_ptr<Rule>>& rules);

}  // namespace smr

#endif  // SMR_RULE_CONFIG_H_
