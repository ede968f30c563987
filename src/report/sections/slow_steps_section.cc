// "Slowest steps": the slowest TRAIN steps (FindSlowSteps) next to the
// median step, each with its duration, the system utilization while it ran
// (UsageDuring) and the framework activity inside it (EventTimeInside).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/timeline_views.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/kineto_facts.h"
#include "src/report/metric_series.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

constexpr size_t kSlowest = 3;
constexpr size_t kTopEvents = 3;
// A step shorter than this is given the system samples of this span around
// its middle (samples come every 0.1-1 s).
constexpr double kMinSpanS = 1.0;
// The step charts show this much time (or one step's length) on each side.
constexpr double kContextS = 5.0;

// "850 ms", "2.61 s", "1 min 05 s".
std::string FormatSpan(double s) {
  if (s < 1) return fmt::format("{} ms", FormatNumber(s * 1000, 0));
  if (s < 60) return fmt::format("{} s", FormatNumber(s, 2));
  return FormatDuration(s);
}

std::string Percent(double v) { return std::isfinite(v) ? FormatNumber(v, 1) : "-"; }

std::string ShortPhase(std::string_view phase) {
  const size_t dot = phase.rfind('.');
  return std::string(dot == std::string_view::npos ? phase : phase.substr(dot + 1));
}

// "DataLoaderIter::GetNext 1.90 s; conv2d 300 ms", "-" when nothing.
std::string ActivityText(const MetricStore& st, const std::vector<EventTime>& events) {
  std::string out;
  for (const EventTime& e : events) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {}", st.str(e.name), FormatSpan(e.us / 1e6));
  }
  return out.empty() ? "-" : out;
}

std::vector<std::string> StepRow(const ReportInputs& in, const StepEvent& step, double median_s,
                                 bool is_median) {
  const MetricStore& st = *in.store;
  const double dur_s = static_cast<double>(step.end_us - step.start_us) / 1e6;
  const double mid_s = static_cast<double>(step.start_us + step.end_us) / 2e6;
  const double half = std::max(dur_s, kMinSpanS) / 2;
  SpanUsage u{NAN, NAN, NAN, 0};
  const int64_t sys = SystemNodeOf(st, step.node);
  if (sys >= 0) u = UsageDuring(st, static_cast<StrId>(sys), mid_s - half, mid_s + half);
  const std::vector<EventTime> events = EventTimeInside(st, FrameworkEventsOfNode(st, step.node),
                                                        step.start_us, step.end_us, kTopEvents);
  return {fmt::format("{}{}", step.step, is_median ? " (median)" : ""),
          std::string(st.str(step.node)),
          FormatUtc(static_cast<double>(step.start_us) / 1e6),
          FormatSpan(dur_s),
          median_s > 0 ? fmt::format("{}×", FormatNumber(dur_s / median_s, 1)) : "-",
          Percent(u.cpu),
          Percent(u.gpu),
          Percent(u.io_wait),
          fmt::format("{}", u.samples),
          ActivityText(st, events)};
}

// Points of `pts` with t0 <= x <= t1.
std::vector<ChartPoint> Within(const std::vector<ChartPoint>& pts, double t0, double t1) {
  std::vector<ChartPoint> out;
  for (const ChartPoint& p : pts) {
    if (p.x >= t0 && p.x <= t1) out.push_back(p);
  }
  return out;
}

// A small timeline of the step's node around the step (the step shaded,
// kContextS or one step's length on each side): mean CPU and GPU
// utilization per sample.
Chart StepChart(const ReportInputs& in, const StepEvent& step, bool is_median) {
  const MetricStore& st = *in.store;
  const double t0 = static_cast<double>(step.start_us) / 1e6;
  const double t1 = static_cast<double>(step.end_us) / 1e6;
  const double margin = std::max(kContextS, t1 - t0);
  Chart c = TimeLineChart(
      fmt::format("slow-step-{}-{}", st.str(step.node), step.step),
      fmt::format("Step {}{} ({})", step.step, is_median ? ", median" : "", FormatSpan(t1 - t0)),
      "Utilization (%)");
  c.x_label = "";
  c.x_min = t0 - margin;
  c.x_max = t1 + margin;
  c.y_min = 0;
  c.y_max = 100;
  c.width = 440;
  c.height = 220;
  c.bands.push_back({t0, t1, "step", is_median ? 2 : 5});
  const int64_t sys = SystemNodeOf(st, step.node);
  if (sys < 0) return c;
  const StrId node = static_cast<StrId>(sys);
  const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
  const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
  if (!cpus.empty()) {
    c.series.push_back({"CPU", Within(AveragePerTimestamp(st, cpus), c.x_min, c.x_max), 0});
  }
  if (!gpus.empty()) {
    c.series.push_back({"GPU", Within(AveragePerTimestamp(st, gpus), c.x_min, c.x_max), 1});
  }
  return c;
}

}  // namespace

void BuildSlowStepsSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  if (in.store == nullptr || in.timeline == nullptr || !in.timeline->has_steps) {
    if (in.store != nullptr && HasTraces(in)) {
      s->blocks.push_back(Note(Severity::kInfo,
                               "This comparison needs SageMaker's framework trace, which the job "
                               "does not have; the PyTorch profiler traces section shows the "
                               "steps of its traces."));
      return;
    }
    s->blocks.push_back(
        Note(Severity::kInfo, in.store == nullptr && in.summary_store != nullptr
                                  ? "The step comparison reads every node's samples and events "
                                    "around each step at once; this job was evaluated in groups "
                                    "of nodes (--max-memory or MPI), so it is left out."
                              : in.store == nullptr
                                  ? "The step comparison needs the profiler data; this report was "
                                    "rendered from rule results alone."
                                  : "No training steps were recorded (no framework trace with "
                                    "step events), so there is no step to compare."));
    return;
  }
  const MetricStore& st = *in.store;
  const SlowSteps slow = FindSlowSteps(st, *in.timeline, kSlowest);
  if (slow.slowest.empty()) return;
  const std::string phase = ShortPhase(st.str(slow.phase));
  const StepEvent& worst = in.timeline->steps[slow.slowest[0]];
  const double worst_s = static_cast<double>(worst.end_us - worst.start_us) / 1e6;
  s->blocks.push_back(Paragraph(fmt::format(
      "The {} slowest of {} {} steps (all nodes) next to the median step. The slowest, step {} "
      "on {}, took {}: {} the median ({}). CPU, GPU and I/O wait are the mean "
      "utilization over the system samples taken while the step ran (for a step shorter than "
      "{} s, during the {} s around its middle; \"Samples\" says how many). The last column "
      "lists the framework events with most time inside the step (summed over events that "
      "overlap, e.g. parallel data-loader workers, so it can exceed the step's duration).",
      slow.slowest.size(), slow.count, phase, worst.step, st.str(worst.node), FormatSpan(worst_s),
      slow.median_s > 0 ? FormatNumber(worst_s / slow.median_s, 1) + " times" : "longer than",
      FormatSpan(slow.median_s), FormatNumber(kMinSpanS, 0), FormatNumber(kMinSpanS, 0))));
  Table t;
  t.caption = fmt::format("Slowest {} steps and the median step", phase);
  t.columns = {"Step",  "Node",  "Start (UTC)", "Duration", "vs median",
               "CPU %", "GPU %", "I/O wait %",  "Samples",  "Framework activity inside (top 3)"};
  t.numeric = {false, false, false, true, true, true, true, true, true, false};
  for (uint32_t i : slow.slowest) {
    t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back(StepRow(in, in.timeline->steps[i], slow.median_s, false));
  }
  t.rows.push_back(StepRow(in, in.timeline->steps[slow.median], slow.median_s, true));
  s->blocks.push_back(TableBlock(std::move(t)));
  std::vector<Chart> charts;
  for (uint32_t i : slow.slowest) charts.push_back(StepChart(in, in.timeline->steps[i], false));
  charts.push_back(StepChart(in, in.timeline->steps[slow.median], true));
  s->blocks.push_back(Paragraph(fmt::format(
      "Mean CPU and GPU utilization of the step's node around each of these steps (the step "
      "shaded, {} s or one step's length on each side).",
      FormatNumber(kContextS, 0))));
  s->blocks.push_back(ChartsBlock(std::move(charts)));
}

}  // namespace report_internal
}  // namespace smr
