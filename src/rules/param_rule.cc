// Parameter values of the rule tables (param_rule.h): parsing with
// SageMaker-style validation (rulesconfig: percentiles 0-100, positive
// integers) and printing as SageMaker's RuleParameters show them.
#include "src/rules/param_rule.h"

#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "src/rules/python_json.h"

namespace smr {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status RangeError(std::string_view rule, std::string_view param, std::string_view text,
                  std::string_view allowed) {
  return Status::Error(fmt::format("rule {}: parameter '{}' has invalid value '{}' (allowed: {})",
                                   rule, param, text, allowed));
}

}  // namespace

bool ParseParamNumber(std::string_view text, double* out) {
  text = Trim(text);
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return false;
  if (!std::isfinite(v)) return false;
  *out = v;
  return true;
}

std::string ParamValueText(double v) { return FormatParamNumber(v); }
std::string ParamValueText(int64_t v) { return std::to_string(v); }
std::string ParamValueText(const std::string& v) { return v.empty() ? "None" : v; }

Status ParseParamValue(std::string_view rule, std::string_view param, ParamType type,
                       std::string_view text, double* out) {
  double v = 0;
  if (type == ParamType::kPercent) {
    if (!ParseParamNumber(text, &v) || v < 0 || v > 100) {
      return RangeError(rule, param, text, "a number from 0 to 100");
    }
  } else if (!ParseParamNumber(text, &v) || v <= 0) {
    return RangeError(rule, param, text, "a number greater than 0");
  }
  *out = v;
  return Status::Ok();
}

Status ParseParamValue(std::string_view rule, std::string_view param, ParamType,
                       std::string_view text, int64_t* out) {
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || res.ec != std::errc() || res.ptr != t.data() + t.size() || v < 1) {
    return RangeError(rule, param, text, "a positive integer");
  }
  *out = v;
  return Status::Ok();
}

Status ParseParamValue(std::string_view, std::string_view, ParamType, std::string_view text,
                       std::string* out) {
  *out = (text == "None") ? std::string() : std::string(text);
  return Status::Ok();
}

std::string JoinRuleParameters(const std::vector<std::pair<std::string_view, std::string>>& kv) {
  std::string out;
  for (size_t i = 0; i < kv.size(); ++i) {
    if (i > 0) out += '\n';
    out += fmt::format("{}:{}", kv[i].first, kv[i].second);
  }
  return out;
}

Status UnknownParamError(std::string_view rule, std::string_view param,
                         const std::vector<ParamSpec>& specs) {
  if (specs.empty()) {
    return Status::Error(
        fmt::format("rule {} has no parameter '{}' (it takes no parameters)", rule, param));
  }
  std::string names;
  for (const ParamSpec& s : specs) {
    if (!names.empty()) names += ", ";
    names += s.name;
  }
  return Status::Error(
      fmt::format("rule {} has no parameter '{}' (allowed: {})", rule, param, names));
}

}  // namespace smr
