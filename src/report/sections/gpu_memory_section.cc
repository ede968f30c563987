// "GPU memory" (GPUMemoryIncrease, §4.5): per node the GPUs' memory
// utilization box plots from the rule JSON and, with raw data, the memory
// utilization over time with the windows in which the rule fired.
#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/store.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/metric_series.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// One node's GPUs from the JSON: a sentence per GPU and the box plots.
void AppendNodeBoxes(const std::string& node, const Json& gpus, std::vector<Block>* out) {
  Chart c =
      PercentBoxChart("gpumem-" + node, fmt::format("GPU memory utilization on node {}", node),
                      "Memory utilization (%)", 260);
  std::string text;
  for (const auto& [gpu, st] : gpus.items()) {
    BoxPlot b = BoxFrom(gpu, st, true);
    c.boxes.push_back(b);
    text += fmt::format("{} on {}: increase {} points, maximum {} %", gpu, node,
                        FormatNumber(Num(st, "increase", 0), 2),
                        FormatNumber(Num(st, "gpu_max", 0), 1));
    if (Num(st, "p95", 100) < 50) {
      text += fmt::format(", p95 only {} %", FormatNumber(Num(st, "p95", 0), 1));
    }
    if (Num(st, "p95", 0) - Num(st, "p05", 0) > 50) text += "; fluctuates a lot";
    text += ". ";
  }
  if (!text.empty()) {
    text.pop_back();
    out->push_back(Paragraph(text));
  }
  if (!c.boxes.empty()) out->push_back(ChartBlock(std::move(c)));
}

// One node's GPU memory over time, the windows in which the rule fired
// there shaded (consecutive windows as one band).
Chart NodeTimeline(const MetricStore& st, StrId node, const std::vector<uint32_t>& mems,
                   const RuleResult& r) {
  Chart c = TimeLineChart(fmt::format("gpumem-timeline-{}", st.str(node)),
                          fmt::format("{}: GPU memory utilization over time", st.str(node)),
                          "Memory utilization (%)");
  c.y_min = 0;
  c.y_max = 100;
  c.height = 260;
  for (uint32_t sid : mems) {
    c.series.push_back({std::string(st.str(st.series()[sid].name)), SeriesPoints(st, sid), -1});
  }
  std::set<int64_t> windows;
  for (const RuleFinding& f : r.findings) {
    if (f.node == st.str(node)) windows.insert(f.window_start_us);
  }
  for (auto it = windows.begin(); it != windows.end();) {
    int64_t start = *it, end = *it + 60'000'000;
    for (++it; it != windows.end() && *it <= end; ++it) end = *it + 60'000'000;
    c.bands.push_back({start / 1e6, end / 1e6, "increase", 2});
  }
  return c;
}

}  // namespace

void BuildGpuMemorySection(const RuleResult& r, const ReportInputs& in, Section* s) {
  const auto [inc, window] = ParamValues(r, {"increase", "window"});
  const std::string intro = fmt::format(
      "The GPUMemoryIncrease rule watches the memory utilization of every GPU: it fires when the "
      "mean of the last {} samples is more than {} percentage points above the mean of the "
      "samples before them (for example from 10 % to {} %), once a GPU has enough samples. A "
      "steadily growing footprint can end in an out-of-memory error.",
      window, inc, 10 + std::atof(inc.c_str()));
  AppendRuleIntro(r, intro, s);
  if (r.failed || !r.applicable) {
    AppendStatusNote(r, "", s);
    return;
  }
  const Json& d = r.details;
  if (r.datapoints == 0) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No GPU memory utilization was recorded (CPU-only instance), so "
                             "the rule does not apply."));
    return;
  }
  if (r.triggered == 0) {
    AppendStatusNote(r, "GPU memory did not grow sharply on any GPU.", s);
  } else {
    const std::string when = LastWindow(d);
    s->blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule fired {}, once per memory sample that met the "
                    "condition{}{}. What to do: if memory approaches the GPU's maximum, use a "
                    "larger instance or a smaller batch, and look for tensors kept alive across "
                    "steps.",
                    Plural(r.triggered, "time", "times"),
                    r.findings.empty() ? std::string()
                                       : fmt::format(", {} (the table counts the windows per GPU)",
                                                     WhereFired(SpreadOfFindings(r))),
                    when.empty() ? "" : "; last in the window starting " + when)));
    AppendFindingsTable(r, "Increase (points)", s);
  }
  // Per node: the GPUs that fired (box plots) and the memory over time.
  std::vector<NodeDetail> per_node;
  const auto detail = [&](const std::string& node) -> NodeDetail& {
    for (NodeDetail& n : per_node) {
      if (n.node == node) return n;
    }
    return per_node.emplace_back(NodeDetail{node, false, {}});
  };
  for (const auto& [node, gpus] : d.items()) {
    if (!gpus.is_object()) continue;
    NodeDetail& n = detail(node);
    n.finding = true;
    AppendNodeBoxes(node, gpus, &n.blocks);
  }
  if (in.store) {
    const MetricStore& st = *in.store;
    for (StrId node : st.system_nodes()) {
      const auto mems = st.SeriesOf(node, MetricKind::kGpuMemory);
      if (mems.empty()) continue;
      detail(std::string(st.str(node)))
          .blocks.push_back(ChartBlock(NodeTimeline(st, node, mems, r)));
    }
  }
  AppendNodeDetails(std::move(per_node),
                    fmt::format("GPU memory of each node: the GPUs that fired, with box plots, "
                                "and memory over time"),
                    &s->blocks);
}

}  // namespace report_internal
}  // namespace smr
