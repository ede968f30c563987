// "Dataloading analysis" (Dataloader, §4.8): the median number of parallel
// data-loader processes against the CPU cores, the loader processes per
// second over time (DataLoaderProcessesPerSecond, smr/analysis.h) and the
// rule's histogram of data-loading times.
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// Where the rule did not fire (not evaluated, or quiet in its evaluated
// windows) but the final median is out of range: says so first, as
// SageMaker's report did ("only ran on average 1 dataloader workers").
std::string UnjudgedPrefix(RuleState state, double cores, double loaders, bool low) {
  if (state == RuleState::kTriggered) return "";
  return fmt::format(
      "Your training instance provided {} CPU cores, and the job ran {} data-loader "
      "process{} in parallel (median over the seconds with loader activity). {} ",
      FormatNumber(cores, 0), FormatNumber(loaders, 0), loaders == 1 ? "" : "es",
      state == RuleState::kNotEvaluated
          ? "The rule had too little data to judge (see above), but the data shows the problem."
          : fmt::format("The rule did not fire, but the job's median is {} its range.",
                        low ? "below" : "above"));
}

// The verdict on the number of loaders, and a pin_memory hint. Without a
// trigger, a median outside the range still gets the advice; the OK note
// is only for a rule in state ok.
void AppendVerdict(const RuleResult& r, const Json& d, const std::string& lo, const std::string& hi,
                   double cores, double loaders, Section* s) {
  const double min_v = cores * std::atof(lo.c_str()) / 100;
  const double max_v = cores * std::atof(hi.c_str()) / 100;
  const RuleState state = RuleStatusOf(r).state;
  // Without a core count (no CPU samples) the range is unknown.
  const bool low = cores > 0 && loaders<min_v, high = cores> 0 && loaders > max_v;
  if ((r.triggered > 0 && loaders < min_v) || (r.triggered == 0 && low)) {
    s->blocks.push_back(Note(
        Severity::kWarning,
        UnjudgedPrefix(state, cores, loaders, true) +
            fmt::format("The median number of parallel data loaders ({}) is below {} % of the {} "
                        "cores ({}). What to do: increase num_workers of the DataLoader (for "
                        "example to {}) so data preparation keeps up with the GPUs.",
                        FormatNumber(loaders, 0), lo, FormatNumber(cores, 0),
                        FormatNumber(min_v, 1), FormatNumber(std::ceil(min_v), 0))));
  } else if ((r.triggered > 0 && loaders > max_v) || (r.triggered == 0 && high)) {
    s->blocks.push_back(Note(
        Severity::kWarning,
        UnjudgedPrefix(state, cores, loaders, false) +
            fmt::format("The median number of parallel data loaders ({}) is above {} % of the {} "
                        "cores ({}). What to do: reduce num_workers; too many loader processes "
                        "compete for the CPU.",
                        FormatNumber(loaders, 0), hi, FormatNumber(cores, 0),
                        FormatNumber(max_v, 1))));
  } else if (r.triggered > 0) {
    s->blocks.push_back(Note(Severity::kWarning,
                             "The number of parallel data loaders left the recommended range "
                             "during the job."));
  } else if (state == RuleState::kOk) {
    s->blocks.push_back(Note(Severity::kOk,
                             "The number of parallel data loaders stayed within the "
                             "recommended range."));
  }
  if (d.contains("pin_memory") && d["pin_memory"] == false) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "pin_memory is off: enabling it (DataLoader(pin_memory=True)) "
                             "speeds up host-to-GPU copies."));
  }
}

// Parallel loader processes per second over time, with the recommended
// range as two lines; nullopt without loader events.
std::optional<Chart> LoadersOverTime(const MetricStore& st, const std::string& lo,
                                     const std::string& hi, double min_v, double max_v) {
  const std::map<int64_t, size_t> per_second = DataLoaderProcessesPerSecond(st);
  if (per_second.empty()) return std::nullopt;
  Chart c = TimeLineChart("dataloaders-over-time", "Parallel data-loader processes per second",
                          "Processes");
  ChartSeries sr{"loader processes", {}, 0};
  for (const auto& [sec, n] : per_second) {
    sr.points.push_back({static_cast<double>(sec), static_cast<double>(n)});
  }
  const double x0 = sr.points.front().x, x1 = sr.points.back().x;
  c.series.push_back(std::move(sr));
  c.series.push_back({fmt::format("{} % of cores", lo), {{x0, min_v}, {x1, min_v}}, 5});
  c.series.push_back({fmt::format("{} % of cores", hi), {{x0, max_v}, {x1, max_v}}, 6});
  c.y_min = 0;
  c.width = 440;
  c.height = 260;
  return c;
}

// The rule's histogram of data-loading time per event, with a sentence on
// its percentiles.
void AppendLoadingTime(const Json& d, std::vector<Chart>* row, Section* s) {
  if (!HasObject(d, "dataloading_time")) return;
  const Json& dt = d["dataloading_time"];
  std::optional<HistogramSeries> hs = StoredHistogram(dt, "events");
  if (!hs) return;
  Chart h =
      HistogramChart("dataloading-time", "Dataloading time per event", "Duration (s)", "Events");
  h.histograms.push_back(std::move(*hs));
  h.width = 440;
  h.height = 260;
  row->push_back(std::move(h));
  s->blocks.push_back(Paragraph(fmt::format(
      "Dataloading time per event: median {} s, 95th percentile {} s, 25th percentile {} s.",
      FormatNumber(Num(dt, "p50"), 4), FormatNumber(Num(dt, "p95"), 4),
      FormatNumber(Num(dt, "p25"), 4))));
}

}  // namespace

void BuildDataloaderSection(const RuleResult& r, const ReportInputs& in, Section* s) {
  const auto [lo, hi] = ParamValues(r, {"min_threshold", "max_threshold"});
  const std::string intro = fmt::format(
      "The Dataloader rule counts how many data-loader processes run in parallel (per second) "
      "and compares the median with the number of CPU cores: fewer than {} % of the cores "
      "leaves CPUs idle and can starve the GPUs, more than {} % oversubscribes the CPU.",
      lo, hi);
  AppendRuleIntro(r, intro, s);
  const Json& d = r.details;
  if (AppendStatusNote(r, "", s)) return;
  if (!d.is_object() || d.empty()) {
    // Not evaluated (no loader events in the rule's windows): said above.
    if (!r.not_evaluated_reason.empty()) return;
    s->blocks.push_back(Note(Severity::kInfo,
                             "No PyTorch data-loader events were recorded (dataloader "
                             "profiling off, or a TensorFlow job), so the rule does not apply."));
    return;
  }
  const double cores = Num(d, "cores", 0);
  const double loaders = Num(d, "dataloaders", 0);
  std::vector<KeyValue> kv = {
      {"CPU cores", FormatNumber(cores, 0)},
      {"Median parallel data loaders", FormatNumber(loaders, 0)},
  };
  if (d.contains("num_workers")) kv.push_back({"num_workers", d["num_workers"].dump()});
  if (d.contains("pin_memory")) kv.push_back({"pin_memory", d["pin_memory"].dump()});
  if (d.contains("prefetch")) kv.push_back({"prefetch", d["prefetch"].dump()});
  s->blocks.push_back(KeyValues(std::move(kv)));
  AppendVerdict(r, d, lo, hi, cores, loaders, s);
  if (r.triggered > 0) {
    // RuleTriggered is 1 once any window is outside the range; Violations
    // counts those windows.
    s->blocks.push_back(Paragraph(fmt::format(
        "The rule fired {}: the median left the range after {} of its 60-second evaluations.",
        Plural(r.triggered, "time", "times"), r.violations)));
  }
  std::vector<Chart> row;
  if (in.store) {
    const double min_v = cores * std::atof(lo.c_str()) / 100;
    const double max_v = cores * std::atof(hi.c_str()) / 100;
    if (auto c = LoadersOverTime(*in.store, lo, hi, min_v, max_v)) row.push_back(std::move(*c));
  }
  AppendLoadingTime(d, &row, s);
  if (!row.empty()) s->blocks.push_back(ChartsBlock(std::move(row)));
}

}  // namespace report_internal
}  // namespace smr
