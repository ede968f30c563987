// Rule configuration from the command line and a JSON config file; rule
// descriptions for `sm-report rules`.
#include "smr/rule_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace smr {
namespace {

constexpr std::string_view kEnabled = "enabled";

std::string RuleNames(const std::vector<std::unique_ptr<Rule>>& rules) {
  std::string names;
  for (const auto& r : rules) {
    if (!names.empty()) names += ", ";
    names += r->name();
  }
  return names;
}

std::string ParamNames(const Rule& rule) {
  std::string names;
  for (const ParamSpec& p : rule.params()) {
    names += p.name;
    names += ", ";
  }
  names += kEnabled;
  return names;
}

std::string TypeName(ParamType t) {
  switch (t) {
    case ParamType::kInt: return "int";
    case ParamType::kDouble: return "double";
    case ParamType::kPercent: return "percent";
    case ParamType::kString: return "string";
  }
  return "string";
}

// A number as the rules' Parse*Param helpers read it: surrounding blanks
// and a leading '+' allowed, finite.
bool ParseNumber(std::string_view text, double* out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return false;
  }
  *out = v;
  return true;
}

bool ParseBool(std::string_view text, bool* out) {
  std::string t;
  for (char c : text) {
    if (c != ' ' && c != '\t') t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (t == "true" || t == "1") {
    *out = true;
    return true;
  }
  if (t == "false" || t == "0") {
    *out = false;
    return true;
  }
  return false;
}

// Applies one setting of one rule. `where` prefixes error messages
// ("--rule-param X.y=1", "config file cfg.json").
class Configurator {
 public:
  explicit Configurator(std::vector<std::unique_ptr<Rule>>* rules)
      : rules_(rules), enabled_(rules->size(), true) {}

  // Index of rule `name`, or an error listing the valid rule names.
  StatusOr<size_t> Find(std::string_view name, std::string_view where) const {
    for (size_t i = 0; i < rules_->size(); ++i) {
      if ((*rules_)[i]->name() == name) return i;
    }
    return Status::Error(fmt::format("{}: unknown rule '{}' (rules: {})", where, name,
                                     RuleNames(*rules_)));
  }

  Status Set(size_t index, std::string_view param, std::string_view value,
             std::string_view where) {
    Rule& rule = *(*rules_)[index];
    if (param == kEnabled) {
      bool on = true;
      if (!ParseBool(value, &on)) {
        return Status::Error(fmt::format(
            "{}: rule {}: parameter 'enabled' has invalid value '{}' (allowed: true, false)",
            where, rule.name(), value));
      }
      enabled_[index] = on;
      return Status::Ok();
    }
    const auto& specs = rule.params();
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const ParamSpec& s) { return s.name == param; });
    if (spec == specs.end()) {
      return Status::Error(fmt::format("{}: rule {} has no parameter '{}' (allowed: {})", where,
                                       rule.name(), param, ParamNames(rule)));
    }
    // The declared range first, so that every rule rejects what is not
    // meaningful with the same message; SetParam then parses the value.
    if (const std::optional<ParamRange> range = ParamRangeOf(*spec); range) {
      double v = 0;
      if (!ParseNumber(value, &v) || !range->Contains(v)) {
        return Status::Error(
            fmt::format("{}: rule {}: parameter '{}' has invalid value '{}' (allowed: {})", where,
                        rule.name(), param, value, range->Describe()));
      }
    }
    Status st = rule.SetParam(param, value);
    if (!st.ok()) return Status::Error(fmt::format("{}: {}", where, st.message()));
    return Status::Ok();
  }

  // Drops the disabled rules and checks each remaining rule's combination
  // of values (Rule::ValidateParams).
  Status Finish(std::vector<std::string>* disabled) {
    std::vector<std::unique_ptr<Rule>> kept;
    for (size_t i = 0; i < rules_->size(); ++i) {
      if (enabled_[i]) {
        kept.push_back(std::move((*rules_)[i]));
      } else if (disabled) {
        disabled->emplace_back((*rules_)[i]->name());
      }
    }
    *rules_ = std::move(kept);
    for (const auto& rule : *rules_) {
      if (Status st = rule->ValidateParams(); !st.ok()) return st;
    }
    return Status::Ok();
  }

 private:
  std::vector<std::unique_ptr<Rule>>* rules_;
  std::vector<bool> enabled_;
};

// A config value as the text SetParam parses. JSON numbers keep their
// shortest round-trip form (80 -> "80", 0.25 -> "0.25").
StatusOr<std::string> ValueText(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::number_integer: return std::to_string(v.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
    case nlohmann::json::value_t::number_float: return fmt::format("{}", v.get<double>());
    case nlohmann::json::value_t::string: return v.get<std::string>();
    case nlohmann::json::value_t::boolean: return std::string(v.get<bool>() ? "true" : "false");
    default: return Status::Error("");
  }
}

// A range bound for `rules --json`: whole numbers as integers (0, not 0.0),
// an unbounded end as null (JSON has no infinity).
nlohmann::ordered_json BoundJson(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

StatusOr<RuleParamOverride> ParseRuleParamArg(std::string_view arg) {
  const auto usage = [&] {
    return Status::Error(fmt::format(
        "--rule-param '{}': expected Rule.param=value or Rule_param=value "
        "(e.g. CPUBottleneck.threshold=60)",
        arg));
  };
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return usage();
  const std::string_view key = arg.substr(0, eq);
  const size_t sep = std::min(key.find('.'), key.find('_'));
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= key.size()) return usage();
  RuleParamOverride o;
  o.rule = std::string(key.substr(0, sep));
  o.param = std::string(key.substr(sep + 1));
  o.value = std::string(arg.substr(eq + 1));
  o.source = std::string(arg);
  return o;
}

StatusOr<nlohmann::json> ParseRuleConfigText(std::string_view text, const std::string& origin) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::Error(fmt::format(
        "config file {}: not valid JSON at byte {} (expected {{\"RuleName\": {{\"param\": "
        "value, \"enabled\": true}}}})",
        origin, e.byte));
  }
  if (!j.is_object()) {
    return Status::Error(fmt::format(
        "config file {}: top level must be an object {{\"RuleName\": {{\"param\": value}}}}",
        origin));
  }
  for (const auto& [rule, settings] : j.items()) {
    if (!settings.is_object()) {
      return Status::Error(fmt::format(
          "config file {}: rule {}: settings must be an object {{\"param\": value}}", origin,
          rule));
    }
  }
  return j;
}

StatusOr<nlohmann::json> LoadRuleConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::Error(fmt::format("config file {}: is a directory, expected a JSON file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(fmt::format("config file {}: cannot be read", path));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(fmt::format("config file {}: cannot be read", path));
  return ParseRuleConfigText(ss.str(), path);
}

Status ApplyRuleConfig(const nlohmann::json& config,
                       const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled, std::string_view config_origin) {
  Configurator cfg(rules);
  const std::string origin = fmt::format("config file {}", config_origin);
  if (!config.is_null()) {
    if (!config.is_object()) {
      return Status::Error(fmt::format(
          "{}: top level must be an object {{\"RuleName\": {{\"param\": value}}}}", origin));
    }
    // nlohmann::json objects iterate in key order: deterministic.
    for (const auto& [rule_name, settings] : config.items()) {
      StatusOr<size_t> index = cfg.Find(rule_name, origin);
      if (!index.ok()) return index.status();
      if (!settings.is_object()) {
        return Status::Error(fmt::format(
            "{}: rule {}: settings must be an object {{\"param\": value}}", origin, rule_name));
      }
      for (const auto& [param, value] : settings.items()) {
        StatusOr<std::string> text = ValueText(value);
        if (!text.ok() || (value.is_boolean() && param != kEnabled)) {
          return Status::Error(fmt::format(
              "{}: rule {}: parameter '{}' must be a JSON number or string, got {}", origin,
              rule_name, param, value.dump()));
        }
        Status st = cfg.Set(*index, param, *text, origin);
        if (!st.ok()) return st;
      }
    }
  }
  for (const RuleParamOverride& o : overrides) {
    const std::string where = fmt::format("--rule-param {}", o.source);
    StatusOr<size_t> index = cfg.Find(o.rule, where);
    if (!index.ok()) return index.status();
    Status st = cfg.Set(*index, o.param, o.value, where);
    if (!st.ok()) return st;
  }
  return cfg.Finish(disabled);
}

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
