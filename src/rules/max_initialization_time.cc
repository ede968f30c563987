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
// Not applicable without framework data (step times unknown); not evaluated
// when no step was seen and the check never fired (the evaluated data ends
// before the threshold).
//
// Worked example (threshold 1 minute, t0 = 1000 s, windows of 60 s):
//   system samples at 1000.5 s and 1170.0 s, no framework events -> windows
//   0,1,2 start at 0, 60, 120 s after t0; window 2 (120 s > 60 s) fires.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"step_num": {},
//    "job_start": 1000.5, "job_end": 1170.0}, "Datapoints": 0,
//    "RuleParameters": "threshold:1"}
#include "src/rules/builtin_rules.h"

#include <cmath>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {

RuleResult MaxInitializationTimeRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const MetricStore& store = in.store;
  const WindowPlan& plan = in.plan;

  r.details["step_num"] = nlohmann::ordered_json::object();
  bool have_system = false;
  double job_start_s = 0, job_end_s = 0;
  bool seen_step = false;
  const double threshold_us = p_.threshold * 60e6;

  for (size_t w = 0; w < plan.size(); ++w) {
    for (uint32_t row : plan.system_rows(w)) {
      const double ts = in.sys.ts(row);
      if (!have_system || ts < job_start_s) job_start_s = ts;
      if (!have_system || ts > job_end_s) job_end_s = ts;
      have_system = true;
    }
    if (have_system) {
      r.details["job_start"] = job_start_s;
      r.details["job_end"] = job_end_s;
    }
    for (uint32_t e : plan.events(w)) {
      if (store.str(in.ev.name[e]).find("Step:ModeKeys") == std::string_view::npos) continue;
      r.datapoints += 1;
      if (!seen_step) {
        r.details["step_num"]["first"] = in.ev.start_us[e];
        seen_step = true;
      } else {
        r.details["step_num"]["last"] = in.ev.start_us[e];
      }
    }
    // Fixed check (§7): the elapsed time is measured from the first
    // timestamp to the start of the window being evaluated.
    const double elapsed_us = static_cast<double>(plan.start_us(w) - plan.first_timestamp_us());
    if (!seen_step && elapsed_us > threshold_us) {
      r.triggered += 1;
      r.violations += 1;
    }
  }
  if (!store.has_framework()) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data: step times are unknown";
  } else if (!seen_step && plan.size() > 0) {
    // Never fired and no step: the evaluated data ended before the
    // threshold, so the rule could not tell.
    const double last_us =
        static_cast<double>(plan.start_us(plan.size() - 1) - plan.first_timestamp_us());
    MarkNotEvaluated(fmt::format("no training step recorded, and the evaluated windows reach "
                                 "only {:.0f} min past the first sample; the rule fires only "
                                 "after {} min without a step",
                                 std::floor(last_us / 60e6), FormatParamNumber(p_.threshold)),
                     &r);
  }
  return r;
}

}  // namespace smr
