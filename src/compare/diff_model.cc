// BuildDiffReportModel (include/smr/compare.h): the comparison as a report
// model, rendered by the same HTML/PDF renderers as the profiler report and
// by RenderMarkdown. Sections: verdict, jobs, cost (with bar charts of cost
// and duration per job), one table per metric group, rules. A table has one
// value column per job and, per later job, its change against the baseline
// and (from the third job on) against the job before it; rows with a
// regression against the baseline are highlighted.
#include <algorithm>

#include <fmt/format.h>

#include "smr/compare.h"

namespace smr {
namespace {

Block TextBlock(BlockKind kind, std::string text, Severity sev = Severity::kInfo) {
  Block b;
  b.kind = kind;
  b.text = std::move(text);
  b.severity = sev;
  return b;
}

Block TableBlock(Table t) {
  Block b;
  b.kind = BlockKind::kTable;
  b.table = std::move(t);
  return b;
}

std::string Labels(const Comparison& c, const char* sep) {
  std::string out;
  for (const JobColumn& j : c.jobs) out += (out.empty() ? "" : sep) + j.label;
  return out;
}

// Column headers: Metric, A, B, "B vs A", C, "C vs A", "C vs B", ...
std::vector<std::string> Columns(const Comparison& c, const char* first) {
  std::vector<std::string> cols = {first};
  for (size_t i = 0; i < c.jobs.size(); ++i) {
    cols.push_back(c.jobs[i].label);
    if (i >= 1) cols.push_back(fmt::format("{} vs {}", c.jobs[i].label, c.jobs[0].label));
    if (i >= 2) cols.push_back(fmt::format("{} vs {}", c.jobs[i].label, c.jobs[i - 1].label));
  }
  return cols;
}

std::string ChangeCell(const MetricRow& row, const Change& ch) {
  const std::string flag = ChangeFlagName(ch.flag);
  return flag.empty() ? FormatChange(row, ch) : fmt::format("{} {}", FormatChange(row, ch), flag);
}

Table MetricTable(const Comparison& c, const std::vector<const MetricRow*>& rows) {
  Table t;
  t.columns = Columns(c, "Metric");
  t.numeric.assign(t.columns.size(), true);
  t.numeric[0] = false;
  for (const MetricRow* m : rows) {
    std::vector<std::string> cells = {m->name};
    bool regression = false;
    for (size_t i = 0; i < c.jobs.size(); ++i) {
      cells.push_back(FormatMetricValue(*m, m->values[i]));
      if (i >= 1) cells.push_back(ChangeCell(*m, m->vs_baseline[i]));
      if (i >= 2) cells.push_back(ChangeCell(*m, m->vs_previous[i]));
      regression = regression || m->vs_baseline[i].flag == ChangeFlag::kRegression;
    }
    if (regression) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back(std::move(cells));
  }
  return t;
}

std::string RuleCell(ChangeFlag f) {
  if (f == ChangeFlag::kRegression) return "newly triggered";
  if (f == ChangeFlag::kImprovement) return "no longer triggered";
  return "";
}

Table RulesTable(const Comparison& c) {
  Table t;
  t.columns = Columns(c, "Rule");
  t.numeric.assign(t.columns.size(), false);
  for (const RuleRow& r : c.rules) {
    std::vector<std::string> cells = {r.name};
    for (size_t i = 0; i < c.jobs.size(); ++i) {
      std::string state = r.states[i].empty() ? "-" : r.states[i];
      std::replace(state.begin(), state.end(), '_', ' ');
      cells.push_back(state);
      if (i >= 1) cells.push_back(RuleCell(r.vs_baseline[i]));
      if (i >= 2) cells.push_back(RuleCell(r.vs_previous[i]));
    }
    if (std::find(r.vs_baseline.begin(), r.vs_baseline.end(), ChangeFlag::kRegression) !=
        r.vs_baseline.end()) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

Table JobsTable(const Comparison& c) {
  Table t;
  t.columns = {"Job", "Input", "Read from", "Nodes", "GPUs", "Data", "Findings"};
  t.numeric = {false, false, false, true, true, false, false};
  for (const JobColumn& j : c.jobs) {
    const JobFacts& f = j.facts;
    const std::string data =
        !f.data_quality ? "-"
                        : (f.data_quality->clean ? "clean" : "records skipped or files not read");
    t.rows.push_back({j.label, j.input, f.source_kind.empty() ? "-" : f.source_kind,
                      f.nodes.empty() ? "-" : std::to_string(f.nodes.size()),
                      f.gpus ? std::to_string(*f.gpus) : "-", data, f.summary});
  }
  return t;
}

Table CostTable(const Comparison& c) {
  Table t;
  t.columns = {"Per job"};
  for (const JobColumn& j : c.jobs) t.columns.push_back(j.label);
  t.numeric.assign(t.columns.size(), true);
  t.numeric[0] = false;
  const auto row = [&](const char* name, auto cell) {
    std::vector<std::string> cells = {name};
    for (const JobColumn& j : c.jobs) cells.push_back(cell(j.cost));
    t.rows.push_back(std::move(cells));
  };
  row("Instance", [](const JobCost& k) {
    return k.instance_type.empty() ? std::string("unknown")
                                   : fmt::format("{} x {}", k.instance_count, k.instance_type);
  });
  row("Instance from",
      [](const JobCost& k) { return k.instance_source.empty() ? "-" : k.instance_source; });
  row("Price per instance-hour", [](const JobCost& k) {
    return k.hourly_price ? fmt::format("${:.3f}", *k.hourly_price) : std::string("unknown");
  });
  row("Price from", [](const JobCost& k) { return k.price_source.empty() ? "-" : k.price_source; });
  row("Billed time per instance", [](const JobCost& k) {
    if (!k.billed_seconds) return std::string("unknown");
    MetricRow seconds;
    seconds.unit = "s";
    return fmt::format("{}{}", FormatMetricValue(seconds, k.billed_seconds),
                       k.billed_from_describe ? "" : " (profiled job duration)");
  });
  row("Cost", [](const JobCost& k) {
    return k.cost_usd ? FormatUsd(*k.cost_usd) : (k.note.empty() ? "unknown" : k.note);
  });
  row("Managed-spot saving", [](const JobCost& k) {
    return k.spot_saving_pct ? fmt::format("{:.1f} %", *k.spot_saving_pct) : std::string("-");
  });
  return t;
}

Block BarChart(const Comparison& c, const char* id, const char* title, const std::string& key) {
  Block b;
  b.kind = BlockKind::kChart;
  b.chart.kind = ChartKind::kBar;
  b.chart.id = id;
  b.chart.title = title;
  b.chart.width = 440;
  b.chart.height = 60 + 34.0 * c.jobs.size();
  for (const MetricRow& m : c.metrics) {
    if (m.key != key) continue;
    for (size_t i = 0; i < c.jobs.size(); ++i) {
      if (m.values[i]) b.chart.slices.push_back({c.jobs[i].label, *m.values[i]});
    }
  }
  return b;
}

// "none", or how many later jobs regress against the baseline: "1 of 2 jobs".
std::string RegressionCard(const Comparison& c) {
  const auto n =
      std::count_if(c.regressions.begin(), c.regressions.end(), [](int r) { return r > 0; });
  if (n == 0) return "none";
  return fmt::format("{} of {} job{}", n, c.jobs.size() - 1, c.jobs.size() == 2 ? "" : "s");
}

// The cost section: formula, table, notes, and bar charts of cost and
// duration per job.
Section CostSection(const Comparison& c) {
  Section s{"cost", "Cost", 2, {}, {}};
  s.blocks.push_back(TextBlock(
      BlockKind::kParagraph,
      "Cost = billed seconds x instance count x price per instance-hour / 3600, in USD. The "
      "billed seconds are BillableTimeInSeconds of the job's describe-training-job JSON, or the "
      "profiled job duration when there is none. Prices are on-demand Linux training prices."));
  s.blocks.push_back(TableBlock(CostTable(c)));
  // One note for the jobs billed for their profiled duration, one per job
  // whose cost is unknown.
  std::string approximated;
  for (const JobColumn& j : c.jobs) {
    if (j.cost.cost_usd && !j.cost.billed_from_describe) {
      approximated += fmt::format("{}{}", approximated.empty() ? "" : ", ", j.label);
    }
  }
  if (!approximated.empty()) {
    s.blocks.push_back(TextBlock(
        BlockKind::kNote,
        fmt::format("{}: billed time approximated by the profiled job duration (no "
                    "describe-training-job JSON; give one with --describe NAME=FILE or put "
                    "training-job.json beside the input).",
                    approximated)));
  }
  for (const JobColumn& j : c.jobs) {
    if (j.cost.cost_usd) continue;
    s.blocks.push_back(TextBlock(
        BlockKind::kNote, fmt::format("{}: cost {}.", j.label, j.cost.note), Severity::kWarning));
  }
  Block charts;
  charts.kind = BlockKind::kCharts;
  for (const auto& [id, title, key] :
       {std::tuple{"diff-cost", "Cost per job (USD)", "cost_usd"},
        std::tuple{"diff-duration", "Job duration per job (seconds)", "duration_s"}}) {
    Block b = BarChart(c, id, title, key);
    if (!b.chart.slices.empty()) charts.charts.push_back(std::move(b.chart));
  }
  if (!charts.charts.empty()) s.blocks.push_back(std::move(charts));
  return s;
}

}  // namespace

ReportModel BuildDiffReportModel(const Comparison& c, const std::string& generated_by) {
  ReportModel m;
  m.kind = "Job comparison";
  m.title = fmt::format("sm-report diff: {}", Labels(c, " vs "));
  m.subtitle = fmt::format("Baseline: {} ({})", c.jobs[0].label, c.jobs[0].input);
  m.generated_by = generated_by;
  m.input_dir = Labels(c, ", ");
  const DiffThresholds& t = c.thresholds;
  m.overview = {{"Jobs", Labels(c, ", ")},
                {"Baseline", c.jobs[0].label},
                {"Regressions", RegressionCard(c)},
                {"Region", c.region},
                {"Thresholds",
                 fmt::format("time {:g} %, cost {:g} %, steps {:g} %, utilization {:g} pts",
                             t.duration_pct, t.cost_pct, t.step_time_pct, t.utilization_points)}};
  Section verdict{"verdict", "Verdict", 2, {}, {}};
  for (size_t i = 1; i < c.jobs.size(); ++i) {
    verdict.blocks.push_back(TextBlock(BlockKind::kNote, c.verdicts[i - 1],
                                       c.regressions[i] > 0 ? Severity::kIssue : Severity::kOk));
  }
  verdict.blocks.push_back(TextBlock(
      BlockKind::kParagraph,
      c.jobs.size() > 2
          ? "Every job is compared with the baseline (the first job) and with the job before it, "
            "so the effect of each change is visible on its own. Changes beyond the thresholds "
            "are marked improvement or regression; rows with a regression against the baseline "
            "are highlighted."
          : "Changes beyond the thresholds are marked improvement or regression; rows with a "
            "regression are highlighted."));
  verdict.blocks.push_back(TextBlock(
      BlockKind::kParagraph,
      fmt::format("Thresholds: job and phase durations {:g} % (and at least {:g} s), cost {:g} %, "
                  "step time {:g} %, "
                  "utilization {:g} percentage points, records skipped and files not read {:g}. "
                  "Less time, less cost, fewer records skipped and higher GPU utilization are "
                  "better; a rule triggered that was not is a regression. CPU and memory "
                  "utilization are shown without a direction.",
                  t.duration_pct, t.duration_min_s, t.cost_pct, t.step_time_pct,
                  t.utilization_points, t.records_skipped)));
  m.sections.push_back(std::move(verdict));
  Section jobs{"jobs", "Jobs", 2, {TableBlock(JobsTable(c))}, {}};
  m.sections.push_back(std::move(jobs));
  m.sections.push_back(CostSection(c));
  const std::pair<const char*, std::vector<const char*>> groups[] = {
      {"Time and cost", {"Time", "Cost"}},
      {"Step time", {"Step time"}},
      {"Utilization", {"Utilization"}},
      {"Data quality", {"Data quality"}},
      {"Nodes and GPUs", {"Job"}}};
  for (const auto& [title, names] : groups) {
    std::vector<const MetricRow*> rows;
    for (const MetricRow& r : c.metrics) {
      if (std::find(names.begin(), names.end(), r.group) != names.end()) rows.push_back(&r);
    }
    if (rows.empty()) continue;
    std::string id = title;
    std::transform(id.begin(), id.end(), id.begin(),
                   [](char ch) { return ch == ' ' ? '-' : std::tolower(ch); });
    m.sections.push_back(Section{id, title, 2, {TableBlock(MetricTable(c, rows))}, {}});
  }
  if (!c.rules.empty())
    m.sections.push_back(Section{"rules", "Rules", 2, {TableBlock(RulesTable(c))}, {}});
  return m;
}

}  // namespace smr
