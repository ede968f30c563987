#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "smr/report_builder.h"

namespace smr {

StatusOr<RuleResult> ParseRuleResultJson(const std::string& name, std::string_view json) {
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(fmt::format("{}: not valid JSON ({})", name, e.what()));
  }
  if (!j.is_object()) return Status::Error(fmt::format("{}: not a JSON object", name));
  RuleResult r;
  r.name = name;
  auto integer = [&](const char* key, int64_t* out) -> bool {
    auto it = j.find(key);
    if (it == j.end()) return false;
    // Range-checked: converting an out-of-range number (1e300, 2^64-1) to
    // int64 is undefined behaviour, and the file is untrusted input.
    if (it->is_number_unsigned()) {
      const uint64_t u = it->get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      *out = static_cast<int64_t>(u);
      return true;
    }
    if (it->is_number_integer()) {
      *out = it->get<int64_t>();
      return true;
    }
    if (!it->is_number_float()) return false;
    const double d = it->get<double>();
    if (!std::isfinite(d) || d < -9.0e18 || d > 9.0e18) return false;
    *out = static_cast<int64_t>(d);
    return true;
  };
  if (!integer("RuleTriggered", &r.triggered) || !integer("Violations", &r.violations) ||
      !integer("Datapoints", &r.datapoints)) {
    return Status::Error(fmt::format(
        "{}: missing RuleTriggered, Violations or Datapoints", name));
  }
  if (auto it = j.find("Details"); it != j.end() && it->is_object()) r.details = *it;
  if (auto it = j.find("RuleParameters"); it != j.end() && it->is_string()) {
    r.rule_parameters = it->get<std::string>();
  }
  // sm-report's addition for a rule that failed with an internal error.
  if (auto it = j.find("Error"); it != j.end() && it->is_string()) {
    r.failed = true;
    r.error = it->get<std::string>();
  }
  return r;
}

}  // namespace smr
