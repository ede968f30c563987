// "Training job summary" (§2.1): start, end and duration of the job and of
// its training loop, initialization and finalization, with a pie of the
// three and the time per training phase.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/job_timing.h"
#include "src/report/kineto_facts.h"
#include "src/report/kineto_findings.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

namespace {

// Seconds per phase label of the timeline (TRAIN, EVAL, the gaps).
Chart PhaseBar(const JobTimeline& tl) {
  Chart bar;
  bar.kind = ChartKind::kBar;
  bar.id = "phase-durations";
  bar.title = "Time per phase of the job (seconds)";
  std::map<std::string, double> total;
  std::vector<std::string> order;
  for (const PhaseInterval& p : tl.phases) {
    if (!total.count(p.label)) order.push_back(p.label);
    total[p.label] += (p.end_us - p.start_us) / 1e6;
  }
  for (const auto& label : order) bar.slices.push_back({label, total[label]});
  bar.width = 480;
  bar.height = 260;
  return bar;
}

// The PyTorch profiler traces' facts: ranks, GPUs, the traced span, steps.
std::vector<KeyValue> KinetoKeyValues(const KinetoAnalysis& k) {
  const KinetoFacts f = FactsOf(k);
  std::vector<KeyValue> kv = {
      {"Ranks", fmt::format("{}", f.ranks)},
      {"GPUs", f.gpus_text},
      {"Traced start", FormatUtc(f.start_s) + " UTC"},
      {"Traced end", FormatUtc(f.end_s) + " UTC"},
      {"Traced duration", ShortDuration(f.end_s - f.start_s)},
      {"Steps per rank", f.steps_max > 0 ? StepsText(f) : "none (no step annotation)"},
  };
  if (f.traces != f.ranks) kv.push_back({"Trace files", fmt::format("{}", f.traces)});
  return kv;
}

// The job facts from the system metrics (or MaxInitializationTime).
void SystemSummary(const ReportContext& ctx, const JobTiming& t, Section* s) {
  const ReportInputs& in = ctx.in();
  if (!t.has_job) {
    const RuleStatus* u = ctx.Unavailable("MaxInitializationTime");
    s->blocks.push_back(
        Note(Severity::kWarning,
             u ? ReportContext::UnavailableText(*u,
                                                "The job start, end and duration come from it, so "
                                                "they cannot be shown.")
               : "No system metrics were found, so the job start, end and "
                 "duration cannot be computed."));
    return;
  }
  s->blocks.push_back(Paragraph(fmt::format(
      "The following table gives a summary of the training job: start and end time, duration of "
      "the training loop and of the time before it (initialization) and after it (finalization). "
      "Your training job started on {} UTC and ran for {} ({}).{}",
      FormatUtc(t.start_s), FormatSeconds(t.job_duration), FormatDuration(t.end_s - t.start_s),
      t.has_steps ? fmt::format(" Initialization took {} of the job, the training loop {} and "
                                "finalization {}.",
                                FormatPercent(t.init_pct), FormatPercent(t.loop_pct),
                                FormatPercent(t.fin_pct))
                  : std::string())));
  std::vector<KeyValue> kv = {
      {"Start time", FormatUtc(t.start_s) + " UTC"},
      {"End time", FormatUtc(t.end_s) + " UTC"},
      {"Job duration", FormatSeconds(t.job_duration)},
  };
  if (t.has_steps) {
    kv.push_back({"Training loop start", FormatUtc(t.first_s) + " UTC"});
    kv.push_back({"Training loop end", FormatUtc(t.last_s) + " UTC"});
    kv.push_back({"Training loop duration", FormatSeconds(t.loop)});
    kv.push_back({"Initialization time", FormatSeconds(t.init)});
    kv.push_back({"Finalization time", FormatSeconds(t.fin)});
    kv.push_back({"Initialization", FormatPercent(t.init_pct)});
    kv.push_back({"Training loop", FormatPercent(t.loop_pct)});
    kv.push_back({"Finalization", FormatPercent(t.fin_pct)});
  }
  s->blocks.push_back(KeyValues(std::move(kv)));
  if (!t.has_steps) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No step information was profiled (no Step:ModeKeys events), "
                             "so initialization and finalization time cannot be computed."));
    return;
  }
  Chart pie;
  pie.kind = ChartKind::kPie;
  pie.id = "job-phases";
  pie.title = "Share of the job";
  // The shares themselves, so the chart shows the key/values' numbers.
  pie.slices = {
      {"Initialization", t.init_pct}, {"Training loop", t.loop_pct}, {"Finalization", t.fin_pct}};
  pie.width = 420;
  pie.height = 260;
  std::vector<Chart> row{pie};
  if (const RuleResult* r = ctx.Result("MaxInitializationTime"); r && r->triggered > 0) {
    s->blocks.push_back(
        Note(Severity::kIssue,
             fmt::format("Initialization took {} ({} of the job), longer than the "
                         "MaxInitializationTime threshold of {} minutes. Check data download and "
                         "preprocessing before "
                         "the first step; for large datasets consider streaming input (Pipe or "
                         "FastFile mode) instead of downloading everything first.",
                         FormatSeconds(t.init), FormatPercent(t.init_pct),
                         ParamValue(*r, "threshold"))));
  }
  if (in.timeline && !in.timeline->phases.empty()) row.push_back(PhaseBar(*in.timeline));
  s->blocks.push_back(ChartsBlock(std::move(row)));
  return;
}

}  // namespace

void BuildJobSummarySection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  const JobTiming t = Timing(ctx);
  const bool traces = in.kineto != nullptr && !in.kineto->empty();
  if (!t.has_job && traces) {
    s->blocks.push_back(Paragraph(
        "This job has PyTorch profiler traces but no SageMaker system metrics, so the facts below "
        "come from the traces. They cover only the part of the job the profiler recorded (its "
        "schedule's active steps), not the whole job, so initialization and finalization time "
        "are not known."));
    s->blocks.push_back(KeyValues(KinetoKeyValues(*in.kineto)));
    return;
  }
  SystemSummary(ctx, t, s);
  if (traces) {
    s->blocks.push_back(Paragraph("The PyTorch profiler traces of this job:"));
    s->blocks.push_back(KeyValues(KinetoKeyValues(*in.kineto)));
  }
}

}  // namespace report_internal
}  // namespace smr
