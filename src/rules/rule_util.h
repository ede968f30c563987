// Helpers shared by the rule implementations: parameter parsing with
// SageMaker-style validation (rulesconfig: percentiles 0-100, positive
// integers) and Tukey box statistics.
#ifndef SMR_SRC_RULES_RULE_UTIL_H_
#define SMR_SRC_RULES_RULE_UTIL_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "smr/status.h"

namespace smr {

// Percent in [0, 100].
Status ParsePercentParam(std::string_view rule, std::string_view param,
                         std::string_view text, double* out);
// Integer >= 1.
Status ParsePositiveIntParam(std::string_view rule, std::string_view param,
                             std::string_view text, int64_t* out);
// Number > 0.
Status ParsePositiveParam(std::string_view rule, std::string_view param,
                          std::string_view text, double* out);
// "rule X has no parameter 'y' (allowed: a, b)"; for rules without
// parameters the message says so.
Status UnknownParamError(std::string_view rule, std::string_view param,
                         const std::vector<ParamSpec>& specs);

// numpy quantiles of all values plus Tukey whiskers:
// upper = min(p75 + 1.5·IQR, max), lower = max(p25 − 1.5·IQR, min).
struct BoxStats {
  double p25 = 0, p50 = 0, p75 = 0, p95 = 0;
  double max = 0, min = 0;
  double upper = 0, lower = 0;
};
BoxStats ComputeBoxStats(std::span<const double> values);

}  // namespace smr

#endif  // SMR_SRC_RULES_RULE_UTIL_H_
