// Rule descriptions for `sm-report rules` (text and --json), from each
// rule's texts and parameter specs.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "smr/rule_config.h"

namespace smr {
namespace {

std::string TypeName(ParamType t) {
  switch (t) {
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "double";
    case ParamType::kPercent:
      return "percent";
    case ParamType::kString:
      return "string";
  }
  return "string";
}

// A range bound for `rules --json`: whole numbers as integers (0, not 0.0),
// an unbounded end as null (JSON has no infinity).
nlohmann::ordered_json BoundJson(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

nlohmann::ordered_json DescribeRulesJson(const std::vector<std::unique_ptr<Rule>>& rules) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& rule : rules) {
    nlohmann::ordered_json r = nlohmann::ordered_json::object();
    r["name"] = std::string(rule->name());
    r["description"] = std::string(rule->description());
    r["recommendation"] = std::string(rule->recommendation());
    nlohmann::ordered_json params = nlohmann::ordered_json::array();
    for (const ParamSpec& p : rule->params()) {
      nlohmann::ordered_json pj = nlohmann::ordered_json::object();
      pj["name"] = p.name;
      pj["type"] = TypeName(p.type);
      pj["default"] = p.default_value;
      pj["unit"] = p.unit;
      if (const std::optional<ParamRange> range = ParamRangeOf(p); range) {
        nlohmann::ordered_json rj = nlohmann::ordered_json::object();
        rj["min"] = BoundJson(range->min);
        rj["max"] = BoundJson(range->max);
        rj["min_exclusive"] = range->min_exclusive;
        rj["max_exclusive"] = range->max_exclusive;
        rj["integer"] = range->integer;
        pj["range"] = std::move(rj);
        pj["allowed"] = range->Describe();
      }
      pj["description"] = p.description;
      params.push_back(std::move(pj));
    }
    r["parameters"] = std::move(params);
    list.push_back(std::move(r));
  }
  return list;
}

std::string DescribeRulesText(const std::vector<std::unique_ptr<Rule>>& rules) {
  std::string out;
  for (const auto& rule : rules) {
    if (!out.empty()) out += "\n";
    out += fmt::format("{}\n  {}\n", rule->name(), rule->description());
    if (!rule->recommendation().empty()) {
      out += fmt::format("  Recommendation: {}\n", rule->recommendation());
    }
    if (rule->params().empty()) {
      out += "  Parameters: none\n";
      continue;
    }
    const auto with_unit = [](const ParamSpec& p) {
      return p.unit.empty() ? p.default_value : fmt::format("{} {}", p.default_value, p.unit);
    };
    const auto allowed = [](const ParamSpec& p) {
      const std::optional<ParamRange> range = ParamRangeOf(p);
      return range ? range->Short() : std::string("any text");
    };
    size_t name_width = 0, default_width = 0, allowed_width = 0;
    for (const ParamSpec& p : rule->params()) {
      name_width = std::max(name_width, p.name.size());
      default_width = std::max(default_width, with_unit(p).size());
      allowed_width = std::max(allowed_width, allowed(p).size());
    }
    out += "  Parameters (default, allowed values):\n";
    for (const ParamSpec& p : rule->params()) {
      out += fmt::format("    {:<{}}  {:<{}}  {:<{}}  {}\n", p.name, name_width, with_unit(p),
                         default_width, allowed(p), allowed_width, p.description);
    }
  }
  return out;
}

}  // namespace smr
