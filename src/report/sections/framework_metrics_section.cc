// "Framework metrics summary" (§2.3): how the job's time splits between
// training phases, CPU and GPU operators and framework operations
// (OverallFrameworkMetrics), the most expensive operators, and step duration
// statistics per node and phase from the timeline.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/job_timing.h"
#include "src/report/kineto_facts.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

Table OperatorTable(const Json& shares, const Json& totals, const std::string& what) {
  std::vector<std::tuple<double, double, std::string>> rows;
  for (const auto& [op, v] : shares.items()) {
    const double total = totals.is_object() ? Num(totals, op.c_str()) : kNaN;
    rows.emplace_back(v.is_number() ? v.get<double>() : 0.0, total, op);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  Table t;
  t.caption = what + " operators (share of the time of the operators above 2 %)";
  t.columns = {"Operator", "Percentage", "Cumulative time (microseconds)"};
  t.numeric = {false, true, true};
  for (const auto& [pct, total, op] : rows) {
    t.rows.push_back(
        {op, FormatNumber(pct, 2), std::isfinite(total) ? fmt::format("{:.0f}", total) : "-"});
  }
  return t;
}

// The phase / CPU-vs-GPU / framework-operation charts, with a sentence on
// the time between steps. The phase shares are of the training loop (first
// step start to last step end), not of the job: the job summary's shares
// are of the job, and the sentence says how the two relate.
void AppendShareCharts(const ReportContext& ctx, const Json& d, Section* s) {
  std::vector<Chart> row;
  if (HasObject(d, "phase")) {
    const double between = Num(d["phase"], "others", 0);
    const JobTiming t = Timing(ctx);
    const std::string loop_share =
        t.has_steps ? fmt::format(" (the training loop is {} of the job, see the job summary)",
                                  FormatPercent(t.loop_pct))
                    : std::string();
    s->blocks.push_back(Paragraph(fmt::format(
        "The chart on the left shows how the training loop, from the first step to the end of "
        "the last one{}, splits between the training phases (TRAIN, EVAL, ...) and the time "
        "between steps when no step ran. These shares are of the time the framework recorded "
        "steps for, not of the whole job. {}",
        loop_share,
        between > 25  ? fmt::format("{} of the training loop passed between steps; look for data "
                                     "loading, synchronisation or evaluation between the steps.",
                                    FormatPercent(between))
        : between > 0 ? fmt::format("Steps ran for most of the training loop; {} of it "
                                    "passed between steps.",
                                    FormatPercent(between))
                      : std::string("Steps ran for most of the training loop."))));
    Chart phase = ShareChart("fw-phase", "Time per phase in the training loop (%)", d["phase"],
                             ChartKind::kBar);
    for (PieSlice& sl : phase.slices) {
      if (sl.label == "others") sl.label = kBetweenStepsLabel;
    }
    row.push_back(std::move(phase));
  }
  if (HasObject(d, "ratio")) {
    row.push_back(
        ShareChart("fw-ratio", "Time on CPU vs GPU operators (%)", d["ratio"], ChartKind::kPie));
  }
  if (HasObject(d, "general")) {
    row.push_back(ShareChart("fw-general", "General framework operations (%)", d["general"],
                             ChartKind::kBar));
  }
  if (!row.empty()) s->blocks.push_back(ChartsBlock(std::move(row)));
}

// "Overview: CPU operators" (or GPU): the most expensive operator and the
// operator table.
Section OperatorsSubsection(const Json& d, const char* dev) {
  Section sub;
  sub.id = fmt::format("{}-operators", dev == std::string("CPU") ? "cpu" : "gpu");
  sub.title = fmt::format("Overview: {} operators", dev);
  sub.level = 3;
  std::string top;
  double top_v = -1;
  for (const auto& [op, v] : d[dev].items()) {
    if (v.is_number() && v.get<double>() > top_v) {
      top_v = v.get<double>();
      top = op;
    }
  }
  sub.blocks.push_back(Paragraph(
      fmt::format("The most expensive {} operator was {} with {} % of the {} operator time "
                  "(the operators above 2 %, as in the table).",
                  dev, top, FormatNumber(top_v, 2), dev)));
  const std::string total_key = std::string(dev) + "_total";
  sub.blocks.push_back(
      TableBlock(OperatorTable(d[dev], d.contains(total_key) ? d[total_key] : Json(), dev)));
  return sub;
}

// One row per rank and phase (at most kMaxRankRows).
Table StepStatsPerRank(const ReportInputs& in) {
  Table t;
  t.caption = "Step durations per rank and phase (seconds)";
  t.columns = {"Rank", "Phase", "Steps", "mean", "p50", "p95", "p99", "max", "min"};
  t.numeric = {false, false, true, true, true, true, true, true, true};
  for (const NodePhaseSteps& np : in.timeline->by_node_phase) {
    const StepStats& st = np.stats;
    t.rows.push_back({std::string(SummaryStore(in)->str(np.node)),
                      std::string(SummaryStore(in)->str(np.phase)), fmt::format("{}", st.count),
                      FormatNumber(st.mean_s, 4), FormatNumber(st.p50_s, 4),
                      FormatNumber(st.p95_s, 4), FormatNumber(st.p99_s, 4),
                      FormatNumber(st.max_s, 4), FormatNumber(st.min_s, 4)});
  }
  TruncateRows(&t, kMaxRankRows, "rows");
  return t;
}

// Across the ranks, one row per phase: the spread of the ranks' step count,
// median and p95 step, and the ranks that stand out.
Table StepStatsAcrossRanks(const ReportInputs& in, size_t ranks) {
  std::map<std::string, std::vector<RankValue>> count, p50, p95;
  std::vector<std::string> order;
  for (const NodePhaseSteps& np : in.timeline->by_node_phase) {
    const std::string phase(SummaryStore(in)->str(np.phase));
    const std::string rank(SummaryStore(in)->str(np.node));
    if (!count.count(phase)) order.push_back(phase);
    count[phase].push_back({rank, static_cast<double>(np.stats.count)});
    p50[phase].push_back({rank, np.stats.p50_s});
    p95[phase].push_back({rank, np.stats.p95_s});
  }
  Table t;
  t.caption = fmt::format("Step durations across the {} ranks (one row per phase)", ranks);
  t.columns = {"Phase",           "Ranks",        "Steps per rank",
               "Median step (s)", "p95 step (s)", "Ranks that stand out (median step)"};
  t.numeric = {false, true, false, false, false, false};
  const auto steps = [](double v) { return fmt::format("{:.0f}", v); };
  const auto secs = [](double v) { return FormatNumber(v, 4); };
  for (const std::string& phase : order) {
    const RankSpread m = SpreadOf(p50[phase], 0.1 * SpreadOf(p50[phase], 0).median);
    if (!m.low.empty() || !m.high.empty()) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    }
    t.rows.push_back({phase, fmt::format("{}", p50[phase].size()),
                      SpreadText(SpreadOf(count[phase], 0), steps), SpreadText(m, secs),
                      SpreadText(SpreadOf(p95[phase], 0), secs), OutlierText(m, p50[phase], secs)});
  }
  return t;
}

// Step duration statistics per rank and phase, from the timeline; for
// several ranks a row per phase across them, the per-rank table folded.
Section StepStatisticsSubsection(const ReportInputs& in) {
  Section sub;
  sub.id = "step-statistics";
  sub.title = "Step duration statistics";
  sub.level = 3;
  std::set<StrId> ranks;
  for (const NodePhaseSteps& np : in.timeline->by_node_phase) ranks.insert(np.node);
  if (ranks.size() <= 1) {
    sub.blocks.push_back(
        Paragraph("Duration of the training steps per rank (process) and phase, in seconds."));
    sub.blocks.push_back(TableBlock(StepStatsPerRank(in)));
    return sub;
  }
  sub.blocks.push_back(Paragraph(fmt::format(
      "Duration of the training steps of the {} ranks (processes), in seconds: per phase the "
      "spread over the ranks and the ranks whose median step differs by more than 10 % from "
      "the others; each rank's statistics are folded below.",
      ranks.size())));
  sub.blocks.push_back(TableBlock(StepStatsAcrossRanks(in, ranks.size())));
  sub.blocks.push_back(Folded(fmt::format("Step durations of each of the {} ranks", ranks.size()),
                              {TableBlock(StepStatsPerRank(in))}, ranks.size() <= kMaxRanksInPdf));
  return sub;
}

}  // namespace

void BuildFrameworkMetricsSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  const RuleResult* r = ctx.Result("OverallFrameworkMetrics");
  if (const RuleStatus* u = r ? nullptr : ctx.Unavailable("OverallFrameworkMetrics")) {
    s->blocks.push_back(
        Note(Severity::kWarning,
             ReportContext::UnavailableText(*u,
                                            "The framework metrics summary comes from it, so it "
                                            "cannot be shown.")));
  }
  if (r && (HasObject(r->details, "phase") || HasObject(r->details, "ratio"))) {
    const Json& d = r->details;
    AppendShareCharts(ctx, d, s);
    for (const char* dev : {"CPU", "GPU"}) {
      if (HasObject(d, dev)) s->subsections.push_back(OperatorsSubsection(d, dev));
    }
  }
  if (in.timeline && !in.timeline->by_node_phase.empty()) {
    s->subsections.push_back(StepStatisticsSubsection(in));
  }
  if (s->blocks.empty() && s->subsections.empty()) {
    s->blocks.push_back(
        Note(Severity::kInfo, HasTraces(in)
                                  ? "No SageMaker framework metrics were profiled for this job; "
                                    "its PyTorch profiler traces have their own section."
                                  : "No framework metrics were profiled for this job (no trace "
                                    "files under framework/)."));
  }
}

}  // namespace report_internal
}  // namespace smr
