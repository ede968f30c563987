// Number formatting shared by the diff's outputs (include/smr/compare.h):
// USD with 2 decimals and thousands separators, metric values with the
// row's decimals and unit, and changes as a signed percentage / points /
// count with the absolute change.
#include <cmath>

#include <fmt/format.h>

#include "smr/compare.h"

namespace smr {
namespace {

// "18262.4" with 0 decimals -> "18,262"; the sign is kept.
std::string Grouped(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", std::fabs(v), decimals);
  const size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  for (size_t i = int_end; i > 3; i -= 3) s.insert(i - 3, ",");
  const bool negative = v < 0 && s.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + s : s;
}

std::string Signed(double v, int decimals) {
  const std::string s = Grouped(v, decimals);
  return s[0] == '-' || s.find_first_not_of("0.,") == std::string::npos ? s : "+" + s;
}

std::string WithUnit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  if (unit == "USD") return number;
  return fmt::format("{} {}", number, unit);
}

}  // namespace

std::string FormatUsd(double usd) {
  const std::string s = Grouped(usd, 2);
  return s[0] == '-' ? "-$" + s.substr(1) : "$" + s;
}

std::string FormatMetricValue(const MetricRow& row, std::optional<double> v) {
  if (!v) return "-";
  if (row.unit == "USD") return FormatUsd(*v);
  return WithUnit(Grouped(*v, row.decimals), row.unit);
}

std::string FormatChange(const MetricRow& row, const Change& c) {
  if (!c.delta) return "-";
  const std::string usd = FormatUsd(std::fabs(*c.delta));
  const std::string abs =
      row.unit == "USD" ? (usd == "$0.00" ? usd : (*c.delta < 0 ? "-" : "+") + usd)
                        : WithUnit(Signed(*c.delta, row.decimals), row.unit == "%" ? "" : row.unit);
  if (row.threshold_kind == ThresholdKind::kPoints) {
    return fmt::format("{} points", Signed(*c.delta, 1));
  }
  if (row.threshold_kind == ThresholdKind::kAbsolute || !c.delta_pct) return abs;
  return fmt::format("{} % ({})", Signed(*c.delta_pct, 1), abs);
}

const char* ChangeFlagName(ChangeFlag f) {
  switch (f) {
    case ChangeFlag::kNone:
      return "";
    case ChangeFlag::kImprovement:
      return "improvement";
    case ChangeFlag::kRegression:
      return "regression";
  }
  return "";
}

}  // namespace smr
