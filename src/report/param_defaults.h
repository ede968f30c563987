// Rule parameters as the report quotes them: the value in a result's
// RuleParameters text, else the built-in rule's own default (ParamSpec).
// Private to src/report.
#ifndef SMR_SRC_REPORT_PARAM_DEFAULTS_H_
#define SMR_SRC_REPORT_PARAM_DEFAULTS_H_

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "smr/rule.h"

namespace smr {
namespace report_internal {

// Splits "a:1\nb:2" into (key, value) pairs.
std::vector<std::pair<std::string, std::string>> ParseRuleParameters(const std::string& text);

// ParamSpec::default_value of parameter `key` of the built-in rule `rule`
// ("" when there is no such rule or parameter). The one place that looks
// rule defaults up.
std::string RuleParamDefault(const std::string& rule, const std::string& key);

// `key` from r.rule_parameters, else RuleParamDefault(r.name, key).
// SageMaker's JSONs lack sm-report-only parameters (min_difference): the
// default applies.
std::string ParamValue(const RuleResult& r, const std::string& key);

// The value of `key` in `given` (ParseRuleParameters of rule `rule`'s
// parameters), else RuleParamDefault(rule, key).
std::string GivenOrDefault(const std::vector<std::pair<std::string, std::string>>& given,
                           const std::string& rule, const std::string& key);

// ParamValue of each of `keys`, reading r.rule_parameters once; for a
// section's opening paragraph:
//   const auto [window, inc] = ParamValues(r, {"window", "increase"});
template <std::size_t N>
std::array<std::string, N> ParamValues(const RuleResult& r, const char* const (&keys)[N]) {
  const std::vector<std::pair<std::string, std::string>> given =
      ParseRuleParameters(r.rule_parameters);
  std::array<std::string, N> values;
  for (std::size_t i = 0; i < N; ++i) values[i] = GivenOrDefault(given, r.name, keys[i]);
  return values;
}

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_PARAM_DEFAULTS_H_
