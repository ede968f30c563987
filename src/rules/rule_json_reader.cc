// Reads a rule JSON back into a RuleResult (ParseRuleResultJson, smr/rule.h):
// the inverse of RuleResultToJson, for rendering from rule JSONs.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "smr/rule.h"

namespace smr {

StatusOr<RuleResult> ParseRuleResultJson(const std::string& name, std::string_view json) {
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::exception& e) {
    // e.what(): "[json.exception.parse_error.101] parse error at line 1,
    // column 21: syntax error while parsing ..." -> "line 1, column 21: ...".
    std::string detail = e.what();
    if (const size_t at = detail.find(" at line "); at != std::string::npos) {
      detail = detail.substr(at + 4);
    }
    return Status::Error(fmt::format("not valid JSON: {}", detail));
  }
  if (!j.is_object()) {
    return Status::Error(
        fmt::format("not a JSON object (SageMaker's envelope {{\"RuleTriggered\": "
                    "..., \"Details\": {{...}}, ...}}), got {}",
                    j.type_name()));
  }
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
  for (auto [key, out] : {std::pair<const char*, int64_t*>{"RuleTriggered", &r.triggered},
                          {"Violations", &r.violations},
                          {"Datapoints", &r.datapoints}}) {
    if (!integer(key, out)) {
      return Status::Error(j.contains(key) ? fmt::format("\"{}\" is not an integer", key)
                                           : fmt::format("\"{}\" is missing", key));
    }
  }
  if (auto it = j.find("Details"); it != j.end()) {
    if (!it->is_object()) {
      return Status::Error(fmt::format("\"Details\" is not an object (got {})", it->type_name()));
    }
    r.details = *it;
  }
  if (auto it = j.find("RuleParameters"); it != j.end()) {
    if (!it->is_string()) {
      return Status::Error(
          fmt::format("\"RuleParameters\" is not a string (got {})", it->type_name()));
    }
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
