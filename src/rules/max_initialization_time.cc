// MaxInitializationTime: parameter table, texts and the job-start/first-step
// bookkeeping (max_initialization_time.h).
#include "src/rules/max_initialization_time.h"

#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

using P = MaxInitializationTimeParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold", &P::threshold, ParamType::kDouble, "minutes",
     "time after the first timestamp by which the first step must have started"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "MaxInitializationTime",
    "Checks if the time spent on initialization exceeds a threshold percent of the total "
    "training time. The rule waits until the first step of training loop starts. The "
    "initialization can take longer if downloading the entire dataset from Amazon S3 in File "
    "mode. The default threshold is 20 minutes.",
    "Initialization takes too long. If using File mode, consider switching to Pipe mode in case "
    "you are using TensorFlow framework.",
    kRows,
};

}  // namespace

MaxInitializationTimeRule::MaxInitializationTimeRule(MaxInitializationTimeParams params)
    : ParamRule(kDescriptor, params) {}

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
    r.not_applicable_reason = "no framework profiling data: step times are unknown";
  }
  return r;
}

}  // namespace smr
