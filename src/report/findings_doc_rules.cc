// The "rules" array of findings.json (findings_doc_rules.h).
#include "src/report/findings_doc_rules.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/report_builder.h"
#include "src/report/param_defaults.h"

namespace smr {
namespace report_internal {
namespace {

// What a rule's firings measure and the parameter they are compared with:
// "measured" is the worst firing's value (largest when `above`, else
// smallest) next to that parameter's value.
struct Measure {
  const char* rule;
  const char* param;  // "" = no single threshold
  const char* description;
  const char* unit;
  bool above;  // the rule fires when the value is above the threshold
};

constexpr Measure kMeasures[] = {
    {"CPUBottleneck", "threshold",
     "share of datapoints that were CPU bottlenecks (busy core, idle GPU), highest when the rule "
     "fired",
     "%", true},
    {"IOBottleneck", "threshold",
     "share of datapoints that were I/O bottlenecks (I/O wait, idle GPU), highest when the rule "
     "fired",
     "%", true},
    {"LowGPUUtilization", "threshold_p95",
     "GPU utilization p95 of the last `window` samples (p5 for a fluctuating GPU), lowest when "
     "the rule fired",
     "%", false},
    {"BatchSize", "gpu_threshold_p95",
     "GPU utilization p95 of the last `window` samples, lowest when the rule fired", "%", false},
    {"GPUMemoryIncrease", "increase",
     "growth of the moving average of GPU memory utilization, largest when the rule fired", "%",
     true},
    {"LoadBalancing", "threshold",
     "Jensen-Shannon distance of the most different pair of GPUs when the rule fired", "", true},
    {"StepOutlier", "n_outliers", "outlier steps of one rank and phase, most when the rule fired",
     "steps", true},
    {"Dataloader", "",
     "median number of parallel data-loader processes when the rule fired (the rule compares it "
     "with min_threshold and max_threshold % of the CPU cores)",
     "processes", true},
    {"DataloaderBound", "threshold",
     "data-loading share of the median step of a firing rank, highest among them", "%", true},
    {"HostBound", "threshold",
     "share of a firing rank's stepped time the GPU waited for kernel launches, highest among "
     "them",
     "%", true},
    {"CommunicationBound", "threshold",
     "exposed (not overlapped) communication share of a firing rank's stepped time, highest "
     "among them",
     "%", true},
    {"Straggler", "ratio",
     "share of the common steps the straggler rank finished late, highest among the late ranks",
     "%", true},
    {"SyncCopies", "threshold",
     "share of a firing rank's stepped time the host was blocked in synchronization and "
     "synchronous copies, highest among them (a rank can also fire on pageable copies per step "
     "against max_pageable)",
     "%", true},
    {"SmallKernels", "threshold",
     "share of GPU events shorter than the short-kernel limit on a firing rank, highest among "
     "them (a rank can also fire because its launch calls take longer than its GPU work)",
     "%", true},
};

const Measure* MeasureOf(const std::string& rule) {
  for (const Measure& m : kMeasures) {
    if (rule == m.rule) return &m;
  }
  return nullptr;
}

double ParamAsNumber(const RuleResult& r, const char* key) {
  const std::string v = ParamValue(r, key);
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  return (end != v.c_str() && std::isfinite(d)) ? d : NAN;
}

// MaxInitializationTime: minutes from the first timestamp to the first
// step (its Details), whether or not it fired.
Json InitializationMeasure(const RuleResult& r) {
  const Json& d = r.details;
  if (!HasObject(d, "step_num")) return nullptr;
  const double first_us = Num(d["step_num"], "first");
  const double start_s = Num(d, "job_start");
  if (!std::isfinite(first_us) || !std::isfinite(start_s)) return nullptr;
  return {{"description", "minutes from the job's first timestamp to the first step"},
          {"value", (first_us / 1e6 - start_s) / 60.0},
          {"threshold", NumOrNull(ParamAsNumber(r, "threshold"))},
          {"unit", "minutes"}};
}

Json Measured(const RuleResult& r) {
  if (r.name == "MaxInitializationTime") return InitializationMeasure(r);
  const Measure* m = MeasureOf(r.name);
  if (!m || r.findings.empty()) return nullptr;
  double worst = r.findings.front().value;
  for (const RuleFinding& f : r.findings) {
    worst = m->above ? std::max(worst, f.value) : std::min(worst, f.value);
  }
  return {{"description", m->description},
          {"value", NumOrNull(worst)},
          {"threshold", *m->param ? NumOrNull(ParamAsNumber(r, m->param)) : Json(nullptr)},
          {"unit", m->unit}};
}

Json Fired(const RuleResult& r) {
  Json out = Json::array();
  for (size_t i = 0; i < r.findings.size() && i < kMaxFiredListed; ++i) {
    const RuleFinding& f = r.findings[i];
    const double start_s = static_cast<double>(f.window_start_us) / 1e6;
    out.push_back({{"window_start", IsoUtc(start_s)},
                   {"window_start_epoch_s", start_s},
                   {"node", f.node},
                   {"device", f.device},
                   {"value", NumOrNull(f.value)}});
  }
  return out;
}

Json Parameters(const RuleResult* r, const Rule* rule) {
  Json out = Json::object();
  if (rule) {
    for (const ParamSpec& p : rule->params()) {
      out[p.name] = r ? ParamValue(*r, p.name) : p.default_value;
    }
  } else if (r) {
    for (const auto& [k, v] : ParseRuleParameters(r->rule_parameters)) out[k] = v;
  }
  return out;
}

// The 1-based rank of the finding that covers `rule`: its own finding, else
// one whose evidence names it (LowGPUUtilization and BatchSize counted under
// a CPU or I/O bottleneck or an unbalanced pair); null when none.
Json FindingRank(const std::string& rule, const std::vector<FindingItem>& ranked) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (ranked[i].rule == rule) return i + 1;
  }
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (ranked[i].evidence.find(rule) != std::string::npos) return i + 1;
  }
  return nullptr;
}

}  // namespace

Json NumOrNull(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

std::string IsoUtc(double epoch_s) {
  std::string s = FormatUtc(epoch_s);
  if (s.size() > 10) s[10] = 'T';
  return s + "Z";
}

std::string RuleStateKey(RuleState s) {
  // The report's name with "_" for " "; "ok" says what it means here.
  if (s == RuleState::kOk) return "not_triggered";
  std::string key = RuleStateName(s);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

Json RuleEntries(const ReportContext& ctx, const std::vector<FindingItem>& ranked) {
  Json out = Json::array();
  const bool raw = SummaryStore(ctx.in()) != nullptr;
  for (const RuleStatus& st : RuleStates(ctx.in())) {
    const RuleResult* r = ctx.Result(st.name);
    const Rule* rule = ctx.RuleByName(st.name);
    Json e;
    e["name"] = st.name;
    e["state"] = RuleStateKey(st.state);
    e["state_detail"] = st.detail;
    e["triggered"] = r ? Json(r->triggered) : Json(nullptr);
    e["violations"] = r ? Json(r->violations) : Json(nullptr);
    e["datapoints"] = r ? Json(r->datapoints) : Json(nullptr);
    e["parameters"] = Parameters(r, rule);
    e["measured"] = r ? Measured(*r) : Json(nullptr);
    e["fired"] = r ? Fired(*r) : Json::array();
    // The firings are known from raw data only; a rule JSON has just the
    // count of triggers.
    e["fired_total"] = (r && raw) ? Json(r->findings.size()) : Json(nullptr);
    e["finding_rank"] = st.state == RuleState::kTriggered ? FindingRank(st.name, ranked) : Json();
    e["recommendation"] = rule ? std::string(rule->recommendation()) : std::string();
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace report_internal
}  // namespace smr
