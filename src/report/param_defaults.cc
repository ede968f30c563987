// Rule parameters for the report's texts, with the built-in rules' defaults.
#include "src/report/param_defaults.h"

#include <memory>

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
  static const std::vector<std::unique_ptr<Rule>> kRules = CreateBuiltinRules();
  for (const auto& r : kRules) {
    if (r->name() != rule) continue;
    for (const ParamSpec& spec : r->params()) {
      if (spec.name == key) return spec.default_value;
    }
  }
  return "";
}

std::string ParamValue(const RuleResult& r, const std::string& key) {
  for (const auto& [k, v] : ParseRuleParameters(r.rule_parameters)) {
    if (k == key) return v;
  }
  return RuleParamDefault(r.name, key);
}

}  // namespace report_internal
}  // namespace smr
