#include "src/rules/rule_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "smr/analysis.h"

namespace smr {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDouble(std::string_view text, double* out) {
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

Status RangeError(std::string_view rule, std::string_view param, std::string_view text,
                  std::string_view allowed) {
  return Status::Error(fmt::format("rule {}: parameter '{}' has invalid value '{}' (allowed: {})",
                                   rule, param, text, allowed));
}

}  // namespace

Status ParsePercentParam(std::string_view rule, std::string_view param,
                         std::string_view text, double* out) {
  double v = 0;
  if (!ParseDouble(text, &v) || v < 0 || v > 100) {
    return RangeError(rule, param, text, "a number from 0 to 100");
  }
  *out = v;
  return Status::Ok();
}

Status ParsePositiveIntParam(std::string_view rule, std::string_view param,
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

Status ParsePositiveParam(std::string_view rule, std::string_view param,
                          std::string_view text, double* out) {
  double v = 0;
  if (!ParseDouble(text, &v) || v <= 0) {
    return RangeError(rule, param, text, "a number greater than 0");
  }
  *out = v;
  return Status::Ok();
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

BoxStats ComputeBoxStats(std::span<const double> values) {
  BoxStats b;
  if (values.empty()) return b;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  b.p25 = QuantileSorted(sorted, 0.25);
  b.p50 = QuantileSorted(sorted, 0.50);
  b.p75 = QuantileSorted(sorted, 0.75);
  b.p95 = QuantileSorted(sorted, 0.95);
  b.max = sorted.back();
  b.min = sorted.front();
  const double iqr = b.p75 - b.p25;
  b.upper = std::min(b.p75 + 1.5 * iqr, b.max);
  b.lower = std::max(b.p25 - 1.5 * iqr, b.min);
  return b;
}

}  // namespace smr
