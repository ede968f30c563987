// "GPU utilization analysis" (LowGPUUtilization, §4.2): underused and
// fluctuating GPUs per node, with their utilization box plots.
#include <cmath>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// The GPUs of one node the rule flagged (last evaluation): a table of
// their percentiles and a box plot.
void AppendNodeGpus(const std::string& node, const Json& gpus, double thr95, double thr5,
                    Section* s) {
  Chart c = PercentBoxChart("lowgpu-" + node, fmt::format("GPU utilization on node {}", node),
                            "Utilization (%)", 280);
  Table t;
  t.caption = fmt::format("GPUs flagged on node {} (last evaluation)", node);
  t.columns = {"GPU",        "Finding", "p95 last window (%)", "p5 last window (%)",
               "Median (%)", "Max (%)"};
  t.numeric = {false, false, true, true, true, true};
  for (const auto& [gpu, st] : gpus.items()) {
    const double g95 = Num(st, "gpu_95", 0), g5 = Num(st, "gpu_5", 0);
    const bool under = g95 < thr95;
    c.boxes.push_back(BoxFrom(gpu, st, under));
    std::string finding = under ? "underused (p95 below threshold)"
                                : (g5 < thr5 ? "fluctuating (p5 below threshold)" : "flagged");
    if (g95 - g5 > 50) finding += "; fluctuates a lot";
    if (under) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back({gpu, finding, FormatNumber(g95, 1), FormatNumber(g5, 1),
                      FormatNumber(Num(st, "p50", 0), 1), FormatNumber(Num(st, "gpu_max", 0), 1)});
  }
  s->blocks.push_back(TableBlock(std::move(t)));
  s->blocks.push_back(ChartBlock(std::move(c)));
}

}  // namespace

void BuildGpuUtilizationSection(const RuleResult& r, const ReportInputs& /*in*/, Section* s) {
  const auto [p95, p5, window, patience] =
      ParamValues(r, {"threshold_p95", "threshold_p5", "window", "patience"});
  const std::string intro = fmt::format(
      "The LowGPUUtilization rule looks for GPUs that are underused or whose utilization "
      "fluctuates. It checks each GPU of each node once it has more than {} samples: the "
      "GPU is flagged as underused when the 95th percentile of its last {} samples is "
      "below {} %, and as fluctuating when that 95th percentile is above {} % while the 5th "
      "percentile is below {} %.",
      patience, window, p95, p95, p5);
  AppendRuleIntro(r, intro, s);
  if (AppendStatusNote(r, "No GPU was underused or fluctuating in any evaluated window.", s,
                       "The rule failed: ") ||
      r.triggered == 0) {
    return;
  }
  const std::string when = LastWindow(r.details);
  s->blocks.push_back(
      Note(Severity::kIssue,
           fmt::format("The rule was triggered {} times{}. What to do: check for CPU or I/O "
                       "bottlenecks that starve the GPUs, reduce blocking calls (synchronisation, "
                       "logging) in the training loop, consider a different distributed training "
                       "strategy, or increase the batch size.",
                       r.triggered,
                       when.empty() ? ""
                                    : "; it was last triggered in the window "
                                      "starting " +
                                          when)));
  if (!r.findings.empty()) {
    s->blocks.push_back(TableBlock(FindingsTable(r, "p95/p5 of window (%)")));
  }
  const double thr95 = std::atof(p95.c_str()), thr5 = std::atof(p5.c_str());
  for (const auto& [node, gpus] : r.details.items()) {
    if (gpus.is_object()) AppendNodeGpus(node, gpus, thr95, thr5, s);
  }
}

}  // namespace report_internal
}  // namespace smr
