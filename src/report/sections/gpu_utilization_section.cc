// "GPU utilization analysis" (LowGPUUtilization, §4.2): underused and
// fluctuating GPUs per node, with their utilization box plots.
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/gpu_overview.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {
namespace {

// The GPUs of one node the rule flagged (last evaluation): a table of
// their percentiles and a box plot.
// Counts the flagged GPUs into *under / *fluct.
void AppendNodeGpus(const std::string& node, const Json& gpus, double thr95, double thr5,
                    std::vector<Block>* out, size_t* under_n, size_t* fluct_n) {
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
    ++*(under ? under_n : fluct_n);
    if (under) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back({gpu, finding, FormatNumber(g95, 1), FormatNumber(g5, 1),
                      FormatNumber(Num(st, "p50", 0), 1), FormatNumber(Num(st, "gpu_max", 0), 1)});
  }
  out->push_back(TableBlock(std::move(t)));
  out->push_back(ChartBlock(std::move(c)));
}

// All GPUs at a glance (gpu_overview.h), with raw data.
void AppendOverview(const ReportInputs& in, Section* s) {
  std::optional<GpuOverview> o = GpuUtilizationOverview(in);
  if (!o) return;
  s->blocks.push_back(Paragraph(o->summary));
  s->blocks.push_back(TableBlock(std::move(o->table)));
}

}  // namespace

void BuildGpuUtilizationSection(const RuleResult& r, const ReportInputs& in, Section* s) {
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
                       "The rule failed: ")) {
    return;
  }
  if (r.triggered == 0) {
    AppendOverview(in, s);
    return;
  }
  const std::string when = LastWindow(r.details);
  s->blocks.push_back(
      Note(Severity::kIssue,
           fmt::format("The rule fired {}{}{}. What to do: check for CPU or I/O "
                       "bottlenecks that starve the GPUs, reduce blocking calls (synchronisation, "
                       "logging) in the training loop, consider a different distributed training "
                       "strategy, or increase the batch size.",
                       Plural(r.triggered, "time", "times"),
                       r.findings.empty()
                           ? std::string()
                           : fmt::format(", once per GPU and window that met the condition: {}",
                                         WhereFired(SpreadOfFindings(r))),
                       when.empty() ? ""
                                    : "; it was last triggered in the window "
                                      "starting " +
                                          when)));
  AppendFindingsTable(r, "p95/p5 of window (%)", s);
  AppendOverview(in, s);
  const double thr95 = std::atof(p95.c_str()), thr5 = std::atof(p5.c_str());
  std::vector<NodeDetail> per_node;
  size_t under = 0, fluct = 0;
  for (const auto& [node, gpus] : r.details.items()) {
    if (!gpus.is_object()) continue;
    const size_t before = under;
    NodeDetail detail{node, false, {}};
    AppendNodeGpus(node, gpus, thr95, thr5, &detail.blocks, &under, &fluct);
    detail.finding = under > before;  // underused GPUs first
    per_node.push_back(std::move(detail));
  }
  const size_t nodes = per_node.size();
  AppendNodeDetails(std::move(per_node),
                    fmt::format("GPUs flagged at the rule's last evaluation: {} underused and {} "
                                "fluctuating, on {} nodes (per-node tables and box plots)",
                                under, fluct, nodes),
                    &s->blocks);
}

}  // namespace report_internal
}  // namespace smr
