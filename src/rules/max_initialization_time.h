// MaxInitializationTime (docs/rules.md §4.9, §7): how long the job
// took to reach its first training step; also the source of the report's
// job summary (job_start/job_end, first/last step).
//
// Algorithm (cumulative over the windows): job_start/job_end = min/max
// timestamp (float s) of the system samples delivered so far. Every
// framework event whose *name* contains "Step:ModeKeys" adds 1 to Datapoints
// (a step overlapping two windows is delivered, and counted, twice, as in
// SageMaker); the first one seen sets step_num.first, every later one sets
// step_num.last (start µs). After each window: if no step has been seen and
// the window starts more than `threshold` minutes after the first timestamp,
// RuleTriggered and Violations grow by 1. (SageMaker's ProfilerReport never
// fires this check because its clock never advances; see
// docs/compatibility.md.)
//
// Worked example (threshold 1 minute, t0 = 1000 s, windows of 60 s):
//   system samples at 1000.5 s and 1170.0 s, no framework events -> windows
//   0,1,2 start at 0, 60, 120 s after t0; window 2 (120 s > 60 s) fires.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"step_num": {},
//    "job_start": 1000.5, "job_end": 1170.0}, "Datapoints": 0,
//    "RuleParameters": "threshold:1"}
#ifndef SMR_SRC_RULES_MAX_INITIALIZATION_TIME_H_
#define SMR_SRC_RULES_MAX_INITIALIZATION_TIME_H_

#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

struct MaxInitializationTimeParams {
  // Minutes. Fire while no training step has started this long after the
  // first timestamp of the profiler data.
  double threshold = 20;
};

class MaxInitializationTimeRule : public ParamRule<MaxInitializationTimeParams> {
 public:
  explicit MaxInitializationTimeRule(MaxInitializationTimeParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_MAX_INITIALIZATION_TIME_H_
