// "Step duration analysis" (StepOutlier, §4.6): step statistics per node
// and phase from the rule JSON, histograms of the step durations and the
// slowest outlier steps from the timeline, with the framework activity
// inside them (PhaseTimeInside, smr/analysis.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/store.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// "Forward 52 %, DataLoaderIter 31 %": the top three phases of the
// framework events inside a step.
std::string ActivityInside(const MetricStore& st, const std::vector<uint32_t>& node_events,
                           int64_t start, int64_t end) {
  const std::vector<std::pair<double, StrId>> sorted = PhaseTimeInside(st, node_events, start, end);
  double total = 0;
  for (const auto& [v, p] : sorted) total += v;
  if (total <= 0) return "no framework events recorded";
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < 3; ++i) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {:.0f} %", st.str(sorted[i].second), 100 * sorted[i].first / total);
  }
  return out;
}

// The JSON's per-node statistics (SageMaker shape), one table; false when
// the JSON has none.
bool AppendStepStatsTable(const Json& d, const std::string& n_out, Section* s) {
  std::map<std::string, const Json*> json_stats;  // "node|phase" -> stats object
  if (HasObject(d, "step_details_by_phase")) {
    for (const auto& [node, phases] : d["step_details_by_phase"].items()) {
      if (!phases.is_object()) continue;
      for (const auto& [phase, st] : phases.items()) json_stats[node + "|" + phase] = &st;
    }
  }
  if (HasObject(d, "step_details")) {
    for (const auto& [node, st] : d["step_details"].items()) {
      if (!st.is_object()) continue;
      const std::string phase =
          st.contains("phase") && st["phase"].is_string() ? st["phase"].get<std::string>() : "";
      json_stats.emplace(node + "|" + phase, &st);
    }
  }
  if (json_stats.empty()) return false;
  Table t;
  t.caption = "Step durations per node and phase (seconds; phases with more than 100 steps)";
  t.columns = {"Node", "Phase", "mean", "max", "p99", "p95", "p50", "min", "σ", "Outliers"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true};
  for (const auto& [key, st] : json_stats) {
    const size_t bar = key.find('|');
    const Json& ss = st->contains("step_stats") ? (*st)["step_stats"] : Json();
    const double outliers = Num(*st, "number_of_outliers", 0);
    t.rows.push_back({key.substr(0, bar), key.substr(bar + 1), FormatNumber(Num(ss, "mean"), 4),
                      FormatNumber(Num(ss, "max"), 4), FormatNumber(Num(ss, "p99"), 4),
                      FormatNumber(Num(ss, "p95"), 4), FormatNumber(Num(ss, "p50"), 4),
                      FormatNumber(Num(ss, "min"), 4), FormatNumber(Num(*st, "stddev"), 2),
                      fmt::format("{}", static_cast<int64_t>(outliers))});
    if (outliers > std::atof(n_out.c_str())) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()) - 1);
    }
  }
  s->blocks.push_back(TableBlock(std::move(t)));
  return true;
}

// Mean, standard deviation and outlier threshold (mean + k·σ) of the step
// durations (seconds) of one node and phase.
struct PhaseSteps {
  std::vector<double> durs;
  double thr = 0;
};

PhaseSteps StepDurations(const JobTimeline& tl, const NodePhaseSteps& np, double kk) {
  PhaseSteps p;
  for (uint32_t si : np.steps) {
    const StepEvent& e = tl.steps[si];
    p.durs.push_back((e.end_us - e.start_us) / 1e6);
  }
  if (p.durs.empty()) return p;
  double mean = 0;
  for (double v : p.durs) mean += v;
  mean /= p.durs.size();
  double var = 0;
  for (double v : p.durs) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / p.durs.size());
  p.thr = mean + kk * sd;
  return p;
}

// Histogram of one node and phase's step durations (40 bins up to the
// threshold or the slowest step), the threshold as a dashed line.
Chart StepHistogram(const MetricStore& st, const NodePhaseSteps& np, const PhaseSteps& p) {
  const std::string_view node = st.str(np.node);
  const std::string phase = ShortPhase(st.str(np.phase));
  Chart h = HistogramChart(fmt::format("steps-{}-{}", node, phase),
                           fmt::format("{} {}: step durations", node, phase), "Step duration (s)",
                           "Steps");
  const auto [mn, mx] = std::minmax_element(p.durs.begin(), p.durs.end());
  const double lo = *mn, hi = std::max(*mx, p.thr);
  const int bins = 40;
  const double width = hi > lo ? (hi - lo) / bins : 1.0;
  HistogramSeries hs;
  hs.label = "steps";
  for (int b = 0; b < bins; ++b) hs.bins.push_back({lo + b * width, lo + (b + 1) * width, 0});
  for (double v : p.durs) {
    int b = static_cast<int>((v - lo) / width);
    b = std::clamp(b, 0, bins - 1);
    hs.bins[b].count += 1;
  }
  h.histograms.push_back(std::move(hs));
  h.vlines.push_back(p.thr);
  h.width = 440;
  h.height = 240;
  return h;
}

// The ten slowest steps above the threshold, slowest first.
std::vector<uint32_t> SlowestOutliers(const JobTimeline& tl, const NodePhaseSteps& np, double thr) {
  std::vector<uint32_t> outliers;
  for (uint32_t si : np.steps) {
    const StepEvent& e = tl.steps[si];
    if ((e.end_us - e.start_us) / 1e6 > thr) outliers.push_back(si);
  }
  std::stable_sort(outliers.begin(), outliers.end(), [&](uint32_t a, uint32_t b) {
    const auto& ea = tl.steps[a];
    const auto& eb = tl.steps[b];
    return (ea.end_us - ea.start_us) > (eb.end_us - eb.start_us);
  });
  if (outliers.size() > 10) outliers.resize(10);
  return outliers;
}

// With the timeline: a histogram per node and phase and the table of the
// slowest outlier steps with the activity inside them.
void AppendTimelineViews(const ReportInputs& in, double kk, Section* s) {
  const MetricStore& st = *in.store;
  const JobTimeline& tl = *in.timeline;
  std::vector<Chart> charts;
  Table outl;
  outl.caption = "Slowest outlier steps (duration above mean + k·σ of the phase)";
  outl.columns = {"Node",
                  "Phase",
                  "Step",
                  "Start (UTC)",
                  "Duration (s)",
                  "Threshold (s)",
                  "Activity inside the step"};
  outl.numeric = {false, false, true, false, true, true, false};
  std::map<StrId, std::vector<uint32_t>> node_events;
  for (const NodePhaseSteps& np : tl.by_node_phase) {
    const PhaseSteps p = StepDurations(tl, np, kk);
    if (p.durs.empty()) continue;
    charts.push_back(StepHistogram(st, np, p));
    const std::vector<uint32_t> outliers = SlowestOutliers(tl, np, p.thr);
    if (!outliers.empty() && !node_events.count(np.node)) {
      node_events[np.node] = FrameworkEventsOfNode(st, np.node);
    }
    for (uint32_t si : outliers) {
      const StepEvent& e = tl.steps[si];
      outl.rows.push_back({std::string(st.str(np.node)), ShortPhase(st.str(np.phase)),
                           fmt::format("{}", e.step), FormatUtc(e.start_us / 1e6),
                           FormatNumber((e.end_us - e.start_us) / 1e6, 3), FormatNumber(p.thr, 3),
                           ActivityInside(st, node_events[np.node], e.start_us, e.end_us)});
    }
  }
  if (!charts.empty()) {
    s->blocks.push_back(Paragraph(
        "Histograms of all step durations per node and phase; the dashed line is the outlier "
        "threshold (mean + k·σ)."));
    s->blocks.push_back(ChartsBlock(std::move(charts)));
  }
  if (!outl.rows.empty()) {
    s->blocks.push_back(TableBlock(std::move(outl)));
  } else {
    s->blocks.push_back(Note(Severity::kInfo, "No step took longer than its phase's threshold."));
  }
}

// Render-from-JSON: the histogram of non-outlier steps the rule stored.
void AppendStoredHistograms(const Json& d, Section* s) {
  std::vector<Chart> charts;
  for (const auto& [node, st] : d["step_details"].items()) {
    std::optional<HistogramSeries> hs = StoredHistogram(st, node);
    if (!hs) continue;
    Chart h =
        HistogramChart("steps-" + node, fmt::format("{}: step durations (outliers excluded)", node),
                       "Step duration (s)", "Steps");
    h.histograms.push_back(std::move(*hs));
    h.width = 440;
    h.height = 240;
    charts.push_back(std::move(h));
  }
  if (!charts.empty()) s->blocks.push_back(ChartsBlock(std::move(charts)));
}

}  // namespace

void BuildStepOutlierSection(const RuleResult& r, const ReportInputs& in, Section* s) {
  const auto [k, n_out] = ParamValues(r, {"stddev", "n_outliers"});
  const std::string intro = fmt::format(
      "The StepOutlier rule measures the duration of every training step per node and phase. "
      "A step is an outlier when it takes longer than the mean plus {} standard deviations of "
      "its phase; the rule fires when a phase with more than 100 steps has more than {} "
      "outliers. Outliers point at hiccups such as data stalls, checkpointing, garbage "
      "collection or contention with other processes.",
      k, n_out);
  AppendRuleIntro(r, intro, s);
  const Json& d = r.details;
  if (AppendStatusNote(r, "No phase had more outlier steps than the rule allows.", s)) return;
  const bool has_steps =
      HasObject(d, "step_details") || (in.timeline && !in.timeline->by_node_phase.empty());
  if (!has_steps && r.datapoints == 0) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No step events were recorded (framework profiling off or no "
                             "Step:ModeKeys events), so step durations cannot be analysed."));
    return;
  }
  if (r.triggered > 0) {
    s->blocks.push_back(
        Note(Severity::kWarning,
             fmt::format("The rule was triggered {} times ({} outlier steps counted over the "
                         "evaluations). What to do: look at what runs inside the slow steps (table "
                         "below) and at the CPU and I/O bottleneck sections; slow data loading, "
                         "synchronisation or periodic work (checkpoints, evaluation, logging) are "
                         "the usual causes.",
                         r.triggered, r.violations)));
  }
  if (!AppendStepStatsTable(d, n_out, s) && r.datapoints > 0) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No phase had more than 100 steps, so the rule computed no "
                             "statistics."));
  }
  if (in.store && in.timeline && !in.timeline->by_node_phase.empty()) {
    AppendTimelineViews(in, std::atof(k.c_str()), s);
  } else if (HasObject(d, "step_details")) {
    AppendStoredHistograms(d, s);
  }
  if (r.triggered > 0) AppendCorrelatedActivity(d, "stepoutlier", "the outlier steps", s);
}

}  // namespace report_internal
}  // namespace smr
