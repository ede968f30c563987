#include "src/rules/max_initialization_time.h"

#include <string>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {

std::string_view MaxInitializationTimeRule::description() const {
  return "Checks if the time spent on initialization exceeds a threshold percent of the total "
         "training time. The rule waits until the first step of training loop starts. The "
         "initialization can take longer if downloading the entire dataset from Amazon S3 in "
         "File mode. The default threshold is 20 minutes.";
}

std::string_view MaxInitializationTimeRule::recommendation() const {
  return "Initialization takes too long. If using File mode, consider switching to Pipe mode in "
         "case you are using TensorFlow framework.";
}

const std::vector<ParamSpec>& MaxInitializationTimeRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"threshold", ParamType::kDouble, "20", "minutes",
       "time after the first timestamp by which the first step must have started",
       ParamRange::Positive()},
  };
  return kSpecs;
}

Status MaxInitializationTimeRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "threshold") return ParsePositiveParam(name(), param, value, &p_.threshold);
  return UnknownParamError(name(), param, params());
}

std::string MaxInitializationTimeRule::RuleParameters() const {
  return "threshold:" + FormatParamNumber(p_.threshold);
}

RuleResult MaxInitializationTimeRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const SystemColumns& sys = store.system();
  const EventColumns& ev = store.events();

  r.details["step_num"] = nlohmann::ordered_json::object();
  bool have_system = false;
  double job_start_s = 0, job_end_s = 0;
  bool seen_step = false;
  const double threshold_us = p_.threshold * 60e6;

  for (size_t w = 0; w < plan.size(); ++w) {
    for (uint32_t row : plan.system_rows(w)) {
      const double ts = sys.ts(row);
      if (!have_system || ts < job_start_s) job_start_s = ts;
      if (!have_system || ts > job_end_s) job_end_s = ts;
      have_system = true;
    }
    if (have_system) {
      r.details["job_start"] = job_start_s;
      r.details["job_end"] = job_end_s;
    }
    for (uint32_t e : plan.events(w)) {
      if (store.str(ev.name[e]).find("Step:ModeKeys") == std::string_view::npos) continue;
      r.datapoints += 1;
      if (!seen_step) {
        r.details["step_num"]["first"] = ev.start_us[e];
        seen_step = true;
      } else {
        r.details["step_num"]["last"] = ev.start_us[e];
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

std::unique_ptr<Rule> CreateMaxInitializationTimeRule() {
  return std::make_unique<MaxInitializationTimeRule>();
}

}  // namespace smr
