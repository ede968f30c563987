// "Batch size" (BatchSize, §4.9): GPUs underused because the batch is too
// small, with CPU, GPU and GPU memory box plots per node.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"

namespace smr {
namespace report_internal {

void BuildBatchSizeSection(const RuleResult& r, const ReportInputs& /*in*/, Section* s) {
  const auto [window, cpu_p95, gpu_p95, memory_p95, patience] = ParamValues(
      r,
      {"window", "cpu_threshold_p95", "gpu_threshold_p95", "gpu_memory_threshold_p95", "patience"});
  const std::string intro = fmt::format(
      "The BatchSize rule detects GPUs that are underused because the batch is too small: "
      "it flags a GPU when, over the last {} samples, the 95th percentiles of the node's "
      "total CPU utilization, the GPU's utilization and its memory utilization are below "
      "{} %, {} % and {} %, after {} samples.",
      window, cpu_p95, gpu_p95, memory_p95, patience);
  AppendRuleIntro(r, intro, s);
  if (AppendStatusNote(r,
                       "No GPU was found underused with low CPU and GPU memory usage; the "
                       "batch size does not look too small.",
                       s, "The rule failed: ") ||
      r.triggered == 0) {
    return;
  }
  const std::string when = LastWindow(r.details);
  s->blocks.push_back(
      Note(Severity::kWarning,
           fmt::format("The rule fired {}{}{}. What to do: run on a smaller instance "
                       "type, or increase the batch size so each step gives the GPU more work.",
                       Plural(r.triggered, "time", "times"),
                       r.findings.empty()
                           ? std::string()
                           : fmt::format(", once per GPU and window that met the condition: {}",
                                         WhereFired(SpreadOfFindings(r))),
                       when.empty() ? "" : "; last in the window starting " + when)));
  AppendFindingsTable(r, "GPU p95 (%)", s);
  std::vector<NodeDetail> per_node;
  for (const auto& [node, stats] : r.details.items()) {
    if (!stats.is_object()) continue;
    NodeDetail& detail = per_node.emplace_back(NodeDetail{node, true, {}});
    Chart c = PercentBoxChart("batchsize-" + node,
                              fmt::format("CPU, GPU and GPU memory utilization on node {}", node),
                              "Utilization (%)", 280);
    std::vector<std::string> flagged;
    for (const auto& [key, st] : stats.items()) {
      c.boxes.push_back(BoxFrom(key, st, key != "cpu"));
      if (key != "cpu" && key.find("_memory") == std::string::npos) flagged.push_back(key);
    }
    std::string list;
    for (const auto& g : flagged) list += (list.empty() ? "" : ", ") + g;
    detail.blocks.push_back(Paragraph(
        fmt::format("Flagged on node {}: {}. The box plots show the distribution over the job "
                    "(box: 25th to 75th percentile, line: median, whiskers: 1.5 × IQR).",
                    node, list.empty() ? std::string("-") : list)));
    detail.blocks.push_back(ChartBlock(std::move(c)));
  }
  const size_t nodes = per_node.size();
  AppendNodeDetails(std::move(per_node),
                    fmt::format("Flagged GPUs and box plots of each of the {} nodes", nodes),
                    &s->blocks);
}

}  // namespace report_internal
}  // namespace smr
