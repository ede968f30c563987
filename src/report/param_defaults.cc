// Rule parameters for the report's texts, with the built-in rules' defaults.
#include "src/report/param_defaults.h"

namespace smr {
namespace report_internal {

std::vector<std::pair<std::string, std::string>> ParseRuleParameters(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      out.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    } else if (!line.empty()) {
      out.emplace_back(line, "");
    }
    pos = nl + 1;
  }
  return out;
}

std::string RuleParamDefault(const std::string& rule, const std::string& key) {
  return BuiltinParamDefault(rule, key);
}

std::string GivenOrDefault(const std::vector<std::pair<std::string, std::string>>& given,
                           const std::string& rule, const std::string& key) {
  for (const auto& [k, v] : given) {
    if (k == key) return v;
  }
  return RuleParamDefault(rule, key);
}

std::string ParamValue(const RuleResult& r, const std::string& key) {
  return GivenOrDefault(ParseRuleParameters(r.rule_parameters), r.name, key);
}

}  // namespace report_internal
}  // namespace smr
