// BuildReportModel: the overview, every section of the outline
// (section_list.h) and the state of every rule.
#include "smr/report_builder.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "smr/kineto_analysis.h"
#include "src/report/blocks.h"
#include "src/report/job_timing.h"
#include "src/report/kineto_facts.h"
#include "src/report/kineto_findings.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"
#include "src/report/section_list.h"

namespace smr {
namespace {

using namespace report_internal;  // NOLINT: private helpers of this module

// Headline facts shown at the top.
std::vector<KeyValue> Overview(const ReportContext& ctx) {
  const ReportInputs& in = ctx.in();
  std::vector<KeyValue> kv;
  const JobTiming t = Timing(ctx);
  if (t.has_job) {
    kv.push_back({"Job start (UTC)", FormatUtc(t.start_s)});
    kv.push_back({"Job duration", FormatDuration(t.end_s - t.start_s)});
  }
  if (const MetricStore* summary = SummaryStore(in); summary && summary->has_system()) {
    const MetricStore& s = *summary;
    const auto& nodes = s.system_nodes();
    size_t gpus = 0, cpus = 0;
    if (!nodes.empty()) {
      gpus = s.SeriesOf(nodes[0], MetricKind::kGpuUtilization).size();
      cpus = s.SeriesOf(nodes[0], MetricKind::kCpuUtilization).size();
    }
    kv.push_back({"Nodes", gpus > 0
                               ? fmt::format("{} × {} GPUs, {} vCPUs", nodes.size(), gpus, cpus)
                               : fmt::format("{} × {} vCPUs, no GPU", nodes.size(), cpus)});
  }
  if (in.kineto != nullptr && !in.kineto->empty()) {
    const KinetoFacts f = FactsOf(*in.kineto);
    if (!t.has_job) {
      kv.push_back({"Traced start (UTC)", FormatUtc(f.start_s)});
      kv.push_back({"Traced duration", ShortDuration(f.end_s - f.start_s)});
    }
    kv.push_back({"PyTorch profiler traces",
                  fmt::format("{}, {}{}", Plural(f.ranks, "rank", "ranks"), f.gpus_text,
                              f.steps_max > 0 ? ", " + StepsText(f) + " per rank" : "")});
  }
  if (in.timeline && in.timeline->has_steps) {
    std::map<std::string, int64_t> per_phase;
    for (const StepEvent& st : in.timeline->steps) {
      per_phase[ShortPhase(SummaryStore(in)->str(st.phase))]++;
    }
    std::string steps;
    for (const auto& [p, n] : per_phase) {
      if (!steps.empty()) steps += ", ";
      steps += fmt::format("{} {}", n, p);
    }
    kv.push_back({"Steps", steps});
  }
  if (in.results) {
    int64_t n = 0;
    std::string fired;
    for (const RuleResult& r : *in.results) {
      if (r.name == "OverallSystemUsage" || r.name == "OverallFrameworkMetrics") continue;
      ++n;
      if (RuleStatusOf(r).state == RuleState::kTriggered) {
        fired += (fired.empty() ? "" : ", ") + r.name;
      }
    }
    kv.push_back({"Rules triggered", fired.empty() ? fmt::format("none of {}", n) : fired});
  }
  if (!in.unavailable_rules.empty()) kv.push_back({"Rules not read", ctx.UnavailableList()});
  if (in.diagnostics) {
    kv.push_back({"Data problems",
                  in.diagnostics->total_data_loss() == 0
                      ? std::string("none")
                      : fmt::format("{} records skipped", in.diagnostics->total_data_loss())});
  }
  return kv;
}

// The section of a rule without a result: why it is empty (unreadable or
// missing JSON, disabled), or nothing when the rule is simply absent.
std::optional<Section> RuleSection(const ReportContext& ctx, const SectionSpec& spec) {
  const std::string name = spec.rule;
  Section s;
  s.id = spec.id;
  s.title = spec.title;
  s.level = 3;
  if (const RuleResult* r = ctx.Result(name)) {
    spec.build_rule(*r, ctx.in(), &s);
    return s;
  }
  s.id = "rule-" + name;
  s.title = name;
  if (const RuleStatus* u = ctx.Unavailable(name)) {
    s.blocks.push_back(Note(Severity::kWarning,
                            ReportContext::UnavailableText(*u, "Its findings cannot be shown.")));
    return s;
  }
  if (ctx.IsDisabled(name)) {
    s.blocks.push_back(Note(Severity::kInfo, fmt::format("The {} rule was disabled.", name)));
    return s;
  }
  return std::nullopt;
}

// Walks the outline: rule sections become subsections of the section above
// them; empty sections are left out.
std::vector<Section> Sections(const ReportContext& ctx) {
  std::vector<Section> sections;
  for (const SectionSpec& spec : ReportSections()) {
    std::optional<Section> s;
    if (spec.rule != nullptr) {
      s = RuleSection(ctx, spec);
    } else {
      s.emplace();
      s->id = spec.id;
      s->title = spec.title;
      spec.build(ctx, &*s);
      if (s->blocks.empty() && s->subsections.empty()) s.reset();
    }
    if (!s) continue;
    if (spec.rule != nullptr && !sections.empty()) {
      sections.back().subsections.push_back(std::move(*s));
    } else {
      sections.push_back(std::move(*s));
    }
  }
  return sections;
}

}  // namespace

namespace report_internal {

// Every rule with its state, in registry order (rules not in the registry
// after, in the order given).
std::vector<RuleStatus> RuleStates(const ReportInputs& in) {
  std::vector<RuleStatus> states;
  if (in.results) {
    for (const RuleResult& r : *in.results) states.push_back(RuleStatusOf(r));
  }
  for (const std::string& name : in.disabled_rules) {
    states.push_back({name, RuleState::kDisabled, "disabled by configuration"});
  }
  for (const RuleStatus& u : in.unavailable_rules) states.push_back(u);
  const auto order = [&](const RuleStatus& st) {
    size_t i = 0;
    if (in.rules) {
      for (; i < in.rules->size(); ++i) {
        if ((*in.rules)[i]->name() == st.name) break;
      }
    }
    return i;
  };
  std::stable_sort(states.begin(), states.end(),
                   [&](const RuleStatus& a, const RuleStatus& b) { return order(a) < order(b); });
  return states;
}

}  // namespace report_internal

RuleStatus RuleStatusOf(const RuleResult& r) {
  if (r.failed) return {r.name, RuleState::kFailed, r.error};
  if (!r.applicable) return {r.name, RuleState::kNotApplicable, r.not_applicable_reason};
  if (r.triggered > 0) return {r.name, RuleState::kTriggered, ""};
  if (!r.not_evaluated_reason.empty()) {
    return {r.name, RuleState::kNotEvaluated, r.not_evaluated_reason};
  }
  return {r.name, RuleState::kOk, ""};
}

ReportModel BuildReportModel(const ReportInputs& in) {
  const ReportContext ctx(in);
  ReportModel m;
  m.input_dir = in.input_dir;
  m.generated_by = in.generated_by;
  m.subtitle =
      in.input_dir.empty() ? std::string() : fmt::format("Profiler data: {}", in.input_dir);
  // A job with PyTorch-profiler traces and no SageMaker data is not a
  // SageMaker Debugger job: the title says what the report is about.
  const bool traces_only = in.kineto != nullptr && !in.kineto->empty() &&
                           (SummaryStore(in) == nullptr || (!SummaryStore(in)->has_system() &&
                                                            !SummaryStore(in)->has_framework()));
  if (traces_only) m.title = "PyTorch Profiler Report";
  m.overview = Overview(ctx);
  m.sections = Sections(ctx);
  m.rules = report_internal::RuleStates(in);
  return m;
}

StageTraffic StageTrafficOf(const MetricStore& store, const JobTimeline& timeline) {
  StageTraffic t;
  t.initialization =
      NetworkBytesBetween(store, timeline.job_start_s, timeline.first_step_start_us / 1e6);
  t.finalization =
      NetworkBytesBetween(store, timeline.last_step_end_us / 1e6, timeline.job_end_s + 1);
  return t;
}

}  // namespace smr
