// "Step duration analysis" (StepOutlier, §4.6): step statistics per node
// and phase from the rule JSON, histograms of the step durations and the
// slowest outlier steps from the timeline, with the framework activity
// inside them (PhaseTimeInside, smr/analysis.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/store.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"
#include "src/report/slow_steps.h"

namespace smr {
namespace report_internal {
namespace {

// Per-rank histograms drawn at most (those with the most outlier steps).
constexpr size_t kMaxHistograms = 16;

// "Forward 52 %, DataLoaderIter 31 %": the top three phases of the
// framework events inside a step.
std::string ActivityInside(const MetricStore& st, const std::vector<uint32_t>& node_events,
                           int64_t start, int64_t end) {
  const std::vector<std::pair<double, StrId>> sorted = PhaseTimeInside(st, node_events, start, end);
  double total = 0;
  std::vector<PieSlice> shares;
  for (const auto& [v, p] : sorted) {
    total += v;
    shares.push_back({std::string(st.str(p)), v});
  }
  if (total <= 0) return "no framework events recorded";
  KeepTopWithRest(&shares, 4);
  std::string out;
  for (const PieSlice& sl : shares) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {:.0f} %", sl.label, 100 * sl.value / total);
  }
  return out;
}

// The JSON's per-node statistics (SageMaker shape): "node|phase" -> stats.
std::map<std::string, const Json*> JsonStats(const Json& d) {
  std::map<std::string, const Json*> json_stats;
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
  return json_stats;
}

int64_t OutliersOf(const Json& st) {
  return static_cast<int64_t>(Num(st, "number_of_outliers", 0));
}

// The outlier steps the rule counted at its last evaluation (the sum of the
// tables' Outliers column).
int64_t LastOutliers(const std::map<std::string, const Json*>& stats) {
  int64_t n = 0;
  for (const auto& [key, st] : stats) n += OutliersOf(*st);
  return n;
}

// The JSON's statistics, one row per node and phase (budgeted: the rows
// left out are summed into one, so the Outliers column still adds up).
Table StepStatsTable(const std::map<std::string, const Json*>& json_stats,
                     const std::string& n_out) {
  Table t;
  t.caption =
      "Step durations per rank and phase at the rule's last evaluation (seconds; phases "
      "with more than 100 steps)";
  t.columns = {"Rank", "Phase", "mean", "max", "p99", "p95", "p50", "min", "σ", "Outliers"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true};
  int64_t rest = 0;
  size_t left_out = 0;
  for (const auto& [key, st] : json_stats) {
    if (t.rows.size() >= kMaxRankRows) {
      rest += OutliersOf(*st);
      ++left_out;
      continue;
    }
    const size_t bar = key.find('|');
    const Json& ss = st->contains("step_stats") ? (*st)["step_stats"] : Json();
    const int64_t outliers = OutliersOf(*st);
    t.rows.push_back({key.substr(0, bar), key.substr(bar + 1), FormatNumber(Num(ss, "mean"), 4),
                      FormatNumber(Num(ss, "max"), 4), FormatNumber(Num(ss, "p99"), 4),
                      FormatNumber(Num(ss, "p95"), 4), FormatNumber(Num(ss, "p50"), 4),
                      FormatNumber(Num(ss, "min"), 4), FormatNumber(Num(*st, "stddev"), 2),
                      fmt::format("{}", outliers)});
    if (outliers > std::atof(n_out.c_str())) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()) - 1);
    }
  }
  if (left_out > 0) {
    std::vector<std::string> row(t.columns.size());
    row[0] = fmt::format("… and {} more", left_out);
    row.back() = fmt::format("{}", rest);
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Across ranks, per phase: how many ranks, the spread of their mean step
// and the outliers the rule counted (one row per phase).
Table StepStatsAcrossRanks(const std::map<std::string, const Json*>& json_stats) {
  std::map<std::string, std::vector<RankValue>> means;
  std::map<std::string, int64_t> outliers;
  std::map<std::string, int64_t> ranks_with;
  for (const auto& [key, st] : json_stats) {
    const size_t bar = key.find('|');
    const std::string phase = key.substr(bar + 1);
    const Json& ss = st->contains("step_stats") ? (*st)["step_stats"] : Json();
    means[phase].push_back({key.substr(0, bar), Num(ss, "mean", 0)});
    outliers[phase] += OutliersOf(*st);
    if (OutliersOf(*st) > 0) ++ranks_with[phase];
  }
  Table t;
  t.caption = "Step durations across ranks at the rule's last evaluation (one row per phase)";
  t.columns = {"Phase",
               "Ranks",
               "Mean step (s) over the ranks",
               "Ranks that stand out",
               "Ranks with outliers",
               "Outliers"};
  t.numeric = {false, true, false, false, true, true};
  const auto secs = [](double v) { return FormatNumber(v, 4) + " s"; };
  for (const auto& [phase, v] : means) {
    const RankSpread sp = SpreadOf(v, 0.05 * Quantile(
                                                 [&] {
                                                   std::vector<double> x;
                                                   for (const RankValue& rv : v)
                                                     x.push_back(rv.value);
                                                   return x;
                                                 }(),
                                                 0.5));
    t.rows.push_back({phase, fmt::format("{}", v.size()), SpreadText(sp, secs),
                      OutlierText(sp, v, secs), fmt::format("{}", ranks_with[phase]),
                      fmt::format("{}", outliers[phase])});
  }
  return t;
}

// The rule's statistics: for one rank the table itself; for several a row
// per phase across the ranks, the per-rank table folded. False when the
// JSON has none.
bool AppendStepStats(const Json& d, const std::string& n_out, Section* s) {
  const auto json_stats = JsonStats(d);
  if (json_stats.empty()) return false;
  std::set<std::string> ranks;
  for (const auto& [key, st] : json_stats) ranks.insert(key.substr(0, key.find('|')));
  if (ranks.size() <= 1) {
    s->blocks.push_back(TableBlock(StepStatsTable(json_stats, n_out)));
    return true;
  }
  s->blocks.push_back(TableBlock(StepStatsAcrossRanks(json_stats)));
  s->blocks.push_back(Folded(fmt::format("Step statistics of each of the {} ranks", ranks.size()),
                             {TableBlock(StepStatsTable(json_stats, n_out))},
                             ranks.size() <= kMaxRanksInPdf));
  return true;
}

// Histogram of one rank and phase's step durations (40 bins up to the
// threshold or the slowest step), the threshold as a dashed line.
Chart StepHistogram(const RankPhaseSteps& p) {
  Chart h = HistogramChart(fmt::format("steps-{}-{}", p.rank, p.phase),
                           fmt::format("{} {}: step durations", p.rank, p.phase),
                           "Step duration (s)", "Steps");
  const auto [mn, mx] = std::minmax_element(p.durs.begin(), p.durs.end());
  const double lo = *mn, hi = std::max(*mx, p.threshold);
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
  h.vlines.push_back(p.threshold);
  h.width = 440;
  h.height = 240;
  return h;
}

// Framework events per rank, looked up once.
class RankEvents {
 public:
  explicit RankEvents(const MetricStore& st) : st_(st) {}
  std::string Inside(StrId node, int64_t start, int64_t end) {
    auto it = events_.find(node);
    if (it == events_.end()) it = events_.emplace(node, FrameworkEventsOfNode(st_, node)).first;
    return ActivityInside(st_, it->second, start, end);
  }

 private:
  const MetricStore& st_;
  std::map<StrId, std::vector<uint32_t>> events_;
};

// The 10 slowest outlier steps of each rank and phase (at most kMaxRankRows
// rows).
Table SlowestPerRank(const MetricStore& st, const JobTimeline& tl,
                     const std::vector<RankPhaseSteps>& ranks, RankEvents* events) {
  Table t;
  t.caption =
      "The 10 slowest outlier steps of each rank and phase (duration above mean + k·σ "
      "of the rank's phase)";
  t.columns = {"Rank",
               "Phase",
               "Step",
               "Start (UTC)",
               "Duration (s)",
               "Threshold (s)",
               "Activity inside the step"};
  t.numeric = {false, false, true, false, true, true, false};
  size_t total = 0;
  for (const RankPhaseSteps& p : ranks) {
    for (size_t i = 0; i < p.outliers.size() && i < 10; ++i, ++total) {
      if (t.rows.size() >= kMaxRankRows) continue;
      const StepEvent& e = tl.steps[p.outliers[i]];
      t.rows.push_back({p.rank, p.phase, fmt::format("{}", e.step), FormatUtc(e.start_us / 1e6),
                        FormatNumber((e.end_us - e.start_us) / 1e6, 3),
                        FormatNumber(p.threshold, 3),
                        events->Inside(p.np->node, e.start_us, e.end_us)});
    }
  }
  if (total > t.rows.size()) {
    std::vector<std::string> row(t.columns.size());
    row[0] = fmt::format("… and {} more rows", total - t.rows.size());
    t.rows.push_back(std::move(row));
  }
  (void)st;
  return t;
}

// The slow steps grouped by step number across ranks: one sentence per
// phase and a table of the groups (budgeted).
void AppendAcrossRanks(const MetricStore& st, const JobTimeline& tl,
                       const std::vector<RankPhaseSteps>& ranks,
                       const std::vector<SlowStepGroup>& groups, RankEvents* events, Section* s) {
  std::map<std::string, std::vector<const SlowStepGroup*>> all, some;
  std::map<std::string, size_t> n_ranks;
  for (const SlowStepGroup& g : groups) {
    (g.OnAllRanks() ? all : some)[g.phase].push_back(&g);
    n_ranks[g.phase] = g.ranks_in_phase;
  }
  std::string text;
  for (const auto& [phase, n] : n_ranks) {
    std::vector<int64_t> steps;
    std::vector<double> ratios;
    for (const SlowStepGroup* g : all[phase]) {
      steps.push_back(g->step);
      ratios.push_back(g->median_ratio);
    }
    if (!steps.empty()) {
      text +=
          fmt::format("{}: {} {} {} slow on all {} ranks, by {}× the median step{}. ", phase,
                      steps.size() == 1 ? "step" : "steps", StepList(steps),
                      steps.size() == 1 ? "is" : "are", n, FormatNumber(Quantile(ratios, 0.5), 1),
                      steps.size() == 1 ? "" : " (median over those steps)");
    }
    std::set<std::string> where;
    std::vector<int64_t> other;
    for (const SlowStepGroup* g : some[phase]) {
      other.push_back(g->step);
      for (const auto& [ri, si] : g->slow) where.insert(ranks[ri].rank);
    }
    if (!other.empty()) {
      text += fmt::format("{}{} {} {} slow on some ranks only ({} of {} ranks). ",
                          steps.empty() ? phase + ": " : "", other.size() == 1 ? "Step" : "Steps",
                          StepList(other), other.size() == 1 ? "is" : "are", where.size(), n);
    }
  }
  if (!text.empty()) {
    text.pop_back();
    s->blocks.push_back(Paragraph(text));
  }
  Table t;
  t.caption = "Slow steps across ranks: one row per step number, those slow on every rank first";
  t.columns = {"Phase",
               "Step",
               "Slow on (ranks)",
               "First start (UTC)",
               "Median duration (s)",
               "× median step",
               "Activity inside (first rank)"};
  t.numeric = {false, true, true, false, true, true, false};
  for (const SlowStepGroup& g : groups) {
    if (t.rows.size() >= 20) break;
    const StepEvent& e = tl.steps[g.slow[0].second];
    t.rows.push_back({g.phase, fmt::format("{}", g.step),
                      fmt::format("{} of {}", g.slow.size(), g.ranks_in_phase),
                      FormatUtc(g.first_start_us / 1e6), FormatNumber(g.median_duration, 3),
                      FormatNumber(g.median_ratio, 1),
                      events->Inside(ranks[g.slow[0].first].np->node, e.start_us, e.end_us)});
    if (g.OnAllRanks()) t.highlight_rows.push_back(static_cast<int>(t.rows.size()) - 1);
  }
  TruncateRows(&t, 20, "steps");
  if (groups.size() > 20) t.rows.back()[0] = fmt::format("… and {} more steps", groups.size() - 20);
  if (!t.rows.empty()) s->blocks.push_back(TableBlock(std::move(t)));
  (void)st;
}

// With the timeline: the outliers over all recorded steps; for several ranks
// the same steps grouped across ranks first and the per-rank histograms and
// tables folded, for one rank the histograms and the table as they are.
void AppendTimelineViews(const ReportInputs& in, double kk, Section* s) {
  const MetricStore& st = *in.store;
  const JobTimeline& tl = *in.timeline;
  const std::vector<RankPhaseSteps> ranks = OutlierStepsPerRank(st, tl, kk);
  std::set<std::string> rank_names;
  size_t n_outliers = 0;
  for (const RankPhaseSteps& p : ranks) {
    rank_names.insert(p.rank);
    n_outliers += p.outliers.size();
  }
  RankEvents events(st);
  std::vector<Chart> charts;
  std::vector<const RankPhaseSteps*> by_outliers;
  for (const RankPhaseSteps& p : ranks) by_outliers.push_back(&p);
  std::stable_sort(by_outliers.begin(), by_outliers.end(), [](const auto* a, const auto* b) {
    return a->outliers.size() > b->outliers.size();
  });
  for (const RankPhaseSteps* p : by_outliers) {
    if (charts.size() < kMaxHistograms) charts.push_back(StepHistogram(*p));
  }
  const std::string hist_text = fmt::format(
      "Histograms of the step durations per rank and phase{}; the dashed line is the outlier "
      "threshold (mean + k·σ).",
      ranks.size() > kMaxHistograms ? fmt::format(" ({} of {}: those with the most outlier steps)",
                                                  kMaxHistograms, ranks.size())
                                    : std::string());
  if (rank_names.size() <= 1) {
    if (!charts.empty()) {
      s->blocks.push_back(Paragraph(hist_text));
      s->blocks.push_back(ChartsBlock(std::move(charts)));
    }
    Table t = SlowestPerRank(st, tl, ranks, &events);
    if (n_outliers > 0) {
      s->blocks.push_back(TableBlock(std::move(t)));
    } else {
      s->blocks.push_back(Note(Severity::kInfo, "No step took longer than its phase's threshold."));
    }
    return;
  }
  s->blocks.push_back(Paragraph(fmt::format(
      "Over all recorded steps, {} steps of the {} ranks are above their phase's threshold.",
      n_outliers, rank_names.size())));
  if (n_outliers == 0) return;
  AppendAcrossRanks(st, tl, ranks, GroupSlowSteps(tl, ranks), &events, s);
  std::vector<Block> detail;
  if (!charts.empty()) {
    detail.push_back(Paragraph(hist_text));
    detail.push_back(ChartsBlock(std::move(charts)));
  }
  detail.push_back(TableBlock(SlowestPerRank(st, tl, ranks, &events)));
  s->blocks.push_back(Folded(
      fmt::format("Per-rank detail: step-duration histograms and the slowest outlier steps of "
                  "each of the {} ranks",
                  rank_names.size()),
      std::move(detail), rank_names.size() <= kMaxRanksInPdf));
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
    const int64_t last = LastOutliers(JsonStats(d));
    s->blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule fired {}: once per rank, phase and 60-second window in which "
                    "the phase had more than {} outlier steps. It re-counts all steps so far "
                    "after every window, so its Violations ({}) add up the same outliers once "
                    "per window. At its last evaluation {} were outliers (the Outliers column "
                    "below). What to do: look at what runs inside the slow steps (table below) "
                    "and at the CPU and I/O bottleneck sections; slow data loading, "
                    "synchronisation or periodic work (checkpoints, evaluation, logging) are "
                    "the usual causes.",
                    Plural(r.triggered, "time", "times"), n_out, r.violations,
                    Plural(last, "step", "steps"))));
  }
  if (!AppendStepStats(d, n_out, s) && r.datapoints > 0) {
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
