// "Workload balancing" (LoadBalancing, §4.7): per node the GPUs'
// utilization histograms and the pairwise distances between them
// (workload_distances.h), flagged pairs first.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/param_defaults.h"
#include "src/report/report_context.h"
#include "src/report/rule_section_helpers.h"
#include "src/report/workload_distances.h"

namespace smr {
namespace report_internal {
namespace {

// Pairs listed per node beyond the flagged ones.
constexpr size_t kMaxPairRows = 10;

// One node's histograms chart and pair table; counts its flagged pairs.
void AppendNodeWorkloads(const std::string& node, const Json& nd, double threshold,
                         double min_difference, std::vector<Block>* out, size_t* flagged) {
  Chart h = HistogramChart("workloads-" + node, fmt::format("Workloads on node {}", node),
                           "GPU utilization (%)", "Samples");
  std::vector<std::pair<std::string, std::vector<double>>> hists;
  for (const auto& [gpu, arr] : nd["workloads"].items()) {
    if (!arr.is_array()) continue;
    std::vector<double> counts;
    for (const auto& v : arr) counts.push_back(v.is_number() ? v.get<double>() : 0.0);
    const double bin_w = counts.empty() ? 2.0 : 100.0 / std::max<size_t>(counts.size(), 50);
    HistogramSeries hs;
    hs.label = gpu;
    for (size_t i = 0; i < counts.size(); ++i) {
      hs.bins.push_back({i * 2.0, i * 2.0 + std::max(bin_w, 2.0), counts[i]});
    }
    h.histograms.push_back(std::move(hs));
    hists.emplace_back(gpu, std::move(counts));
  }
  h.height = 260;
  out->push_back(ChartBlock(std::move(h)));
  if (hists.size() < 2) {
    out->push_back(
        Note(Severity::kInfo, fmt::format("Node {} has a single GPU: nothing to balance.", node)));
    return;
  }
  Table t;
  t.caption = fmt::format("Pairwise distances between the GPUs of {} (flagged first)", node);
  t.columns = {"GPU", "GPU", "Jensen–Shannon distance", "Mean utilization difference (points)",
               "Flagged"};
  t.numeric = {false, false, true, true, false};
  for (const WorkloadPair& p : WorkloadPairs(hists, threshold, min_difference)) {
    if (p.flagged) {
      ++*flagged;
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    }
    t.rows.push_back(
        {p.a, p.b, FormatNumber(p.d, 2), FormatNumber(p.difference, 1), p.flagged ? "yes" : "no"});
  }
  // The flagged pairs and the closest to being flagged; the rest only
  // repeat that the GPUs are alike.
  TruncateRows(&t, std::max<size_t>(t.highlight_rows.size(), kMaxPairRows),
               "pairs (not flagged, smaller distances)");
  out->push_back(TableBlock(std::move(t)));
}

}  // namespace

void BuildLoadBalancingSection(const RuleResult& r, const ReportInputs& /*in*/, Section* s) {
  // SageMaker's JSONs have no min_difference: sm-report's default applies.
  const auto [thr, min_diff] = ParamValues(r, {"threshold", "min_difference"});
  const std::string intro = fmt::format(
      "The LoadBalancing rule compares the utilization histograms of the GPUs of each node. "
      "When the Jensen–Shannon distance between two GPUs' histograms exceeds {} and their mean "
      "utilizations differ by at least {} percentage points, the work is unevenly spread: some "
      "GPUs wait while others compute.",
      thr, min_diff);
  AppendRuleIntro(r, intro, s);
  if (AppendStatusNote(r, "The GPUs of each node had similar utilization.", s)) return;
  std::vector<NodeDetail> per_node;
  size_t nodes = 0, flagged = 0;
  std::vector<std::string> flagged_nodes;
  for (const auto& [node, nd] : r.details.items()) {
    if (!nd.is_object() || !HasObject(nd, "workloads")) continue;
    ++nodes;
    const size_t before = flagged;
    NodeDetail detail{node, false, {}};
    AppendNodeWorkloads(node, nd, std::atof(thr.c_str()), std::atof(min_diff.c_str()),
                        &detail.blocks, &flagged);
    detail.finding = flagged > before;
    if (detail.finding) flagged_nodes.push_back(node);
    per_node.push_back(std::move(detail));
  }
  if (nodes > 1) {
    std::string where;
    for (size_t i = 0; i < flagged_nodes.size() && i < 5; ++i) {
      where += (i ? ", " : "") + flagged_nodes[i];
    }
    if (flagged_nodes.size() > 5) where += fmt::format(" and {} more", flagged_nodes.size() - 5);
    s->blocks.push_back(Paragraph(
        flagged == 0 ? fmt::format("No pair of GPUs is imbalanced on any of the {} nodes.", nodes)
                     : fmt::format("{} imbalanced on {} of the {} nodes: {}.",
                                   Plural(static_cast<int64_t>(flagged), "pair of GPUs is",
                                          "pairs of GPUs are"),
                                   flagged_nodes.size(), nodes, where)));
  }
  AppendNodeDetails(std::move(per_node), "Workload histograms and GPU pairs of each node",
                    &s->blocks);
  if (nodes == 0) {
    s->blocks.push_back(Note(Severity::kInfo,
                             "No GPU utilization was recorded (CPU-only instance or too few "
                             "samples), so the rule does not apply."));
  } else if (r.triggered > 0) {
    const FindingsSpread f = SpreadOfFindings(r);
    s->blocks.push_back(Note(
        Severity::kWarning,
        fmt::format("The rule fired {}: once per pair of GPUs and window that met the "
                    "condition{}. The pair tables show every pair at the rule's last evaluation. "
                    "What to do: check that every GPU gets the same amount of work (data "
                    "sharding, batch split, device placement); consider a different distributed "
                    "training strategy or framework.",
                    Plural(r.triggered, "time", "times"),
                    r.findings.empty() ? std::string()
                                       : ", " + WhereFired(f, "pair of GPUs", "pairs of GPUs"))));
  }
}

}  // namespace report_internal
}  // namespace smr
