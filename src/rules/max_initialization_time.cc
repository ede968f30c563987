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
// Sharded (RulePartial): each shard keeps its system time bounds, its
// count of step deliveries and its first and last step delivery by walk
// position (window, then reader order); the earliest first and the latest
// last win, and the threshold check is replayed over the whole plan.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "src/rules/partial_state.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

struct MaxInitState {
  bool has_framework = false;
  bool have_system = false;
  double job_start_s = 0, job_end_s = 0;
  int64_t datapoints = 0;
  Tagged<int64_t> first_step;  // start µs of the first step delivered
  Tagged<int64_t> last_step;   // ... of the last one

  Status Merge(MaxInitState&& o) {
    has_framework = has_framework || o.has_framework;
    if (o.have_system) {
      job_start_s = have_system ? std::min(job_start_s, o.job_start_s) : o.job_start_s;
      job_end_s = have_system ? std::max(job_end_s, o.job_end_s) : o.job_end_s;
      have_system = true;
    }
    datapoints += o.datapoints;
    first_step.KeepFirst(o.first_step);
    last_step.KeepLast(o.last_step);
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_framework);
    out->Put(have_system);
    out->Put(job_start_s);
    out->Put(job_end_s);
    out->Put(datapoints);
    out->Put(first_step);
    out->Put(last_step);
  }
  void Load(StateReader* in) {
    has_framework = in->Get<bool>();
    have_system = in->Get<bool>();
    job_start_s = in->Get<double>();
    job_end_s = in->Get<double>();
    datapoints = in->Get<int64_t>();
    first_step = in->Get<Tagged<int64_t>>();
    last_step = in->Get<Tagged<int64_t>>();
  }
};

MaxInitState Collect(const AnalysisContext& ctx) {
  MaxInitState st;
  const RuleInputs in(ctx);
  st.has_framework = in.store.has_framework();
  for (size_t w = 0; w < in.plan.size(); ++w) {
    for (uint32_t row : in.plan.system_rows(w)) {
      const double ts = in.sys.ts(row);
      if (!st.have_system || ts < st.job_start_s) st.job_start_s = ts;
      if (!st.have_system || ts > st.job_end_s) st.job_end_s = ts;
      st.have_system = true;
    }
    for (uint32_t e : in.plan.events(w)) {
      if (in.store.str(in.ev.name[e]).find("Step:ModeKeys") == std::string_view::npos) continue;
      st.datapoints += 1;
      const Tagged<int64_t> seen{{w, in.store.EventOrder(e)}, in.ev.start_us[e]};
      st.first_step.KeepFirst(seen);
      st.last_step.KeepLast(seen);
    }
  }
  return st;
}

}  // namespace

RuleResult MaxInitializationTimeRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> MaxInitializationTimeRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(ctx));
}

std::unique_ptr<RulePartial> MaxInitializationTimeRule::EmptyPartial() const {
  return MakePartial(MaxInitState{});
}

RuleResult MaxInitializationTimeRule::Finish(RulePartial&& merged,
                                             const AnalysisContext& ctx) const {
  const MaxInitState& st = StateOf<MaxInitState>(merged);
  const WindowPlan& plan = *ctx.windows;
  RuleResult r = StartResult(*this);
  r.details["step_num"] = nlohmann::ordered_json::object();
  if (st.first_step.has()) r.details["step_num"]["first"] = st.first_step.value;
  // The last step is written by every delivery after the first.
  if (st.datapoints > 1) r.details["step_num"]["last"] = st.last_step.value;
  if (st.have_system) {
    r.details["job_start"] = st.job_start_s;
    r.details["job_end"] = st.job_end_s;
  }
  r.datapoints = st.datapoints;
  const double threshold_us = p_.threshold * 60e6;
  // Windows before the one that delivered the first step have seen none.
  const size_t first_step_window =
      st.first_step.has() ? static_cast<size_t>(st.first_step.pos.window) : plan.size();
  for (size_t w = 0; w < plan.size(); ++w) {
    // Fixed check (§7): the elapsed time is measured from the first
    // timestamp to the start of the window being evaluated.
    const double elapsed_us = static_cast<double>(plan.start_us(w) - plan.first_timestamp_us());
    if (w < first_step_window && elapsed_us > threshold_us) {
      r.triggered += 1;
      r.violations += 1;
    }
  }
  if (!st.has_framework) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data: step times are unknown";
  } else if (!st.first_step.has() && plan.size() > 0) {
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
