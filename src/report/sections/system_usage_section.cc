// "System usage statistics" (§2.2): utilization of each resource per node
// from OverallSystemUsage (over all data when the rule windows left some
// out), and per node the utilization over time and per training phase.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/kineto_facts.h"
#include "src/report/metric_series.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

// A percentage as the resource table shows it ("22.50 %").
std::string TablePct(double v) { return FormatNumber(v, 2) + " %"; }

// Paragraph per node, as SageMaker words it, with the table's numbers;
// each sentence ends with a blank.
std::string NodeUsageText(const Json& d) {
  std::string text;
  if (HasObject(d, "CPU")) {
    for (const auto& [node, cpu] : d["CPU"].items()) {
      const double cpu95 = Num(cpu, "p95", 0);
      const double cpu50 = Num(cpu, "p50", 0);
      const bool has_gpu = HasObject(d, "GPU") && d["GPU"].contains(node);
      if (!has_gpu) {
        text += fmt::format(
            "The median total CPU utilization on node {} was {} (p95 {}); no GPU "
            "metrics were recorded for this node. ",
            node, TablePct(cpu50), TablePct(cpu95));
        continue;
      }
      const Json& gpu = d["GPU"][node];
      const double gpu95 = Num(gpu, "p95", 0);
      const double gpu50 = Num(gpu, "p50", 0);
      if (gpu95 < 70 && cpu95 < 70) {
        text += fmt::format(
            "The 95th percentile of the total GPU utilization on node {} is only {}, "
            "and the 95th percentile of the total CPU utilization is only {}. Node {} "
            "is underutilized: consider a smaller instance type. ",
            node, TablePct(gpu95), TablePct(cpu95), node);
      } else if (gpu95 < 70 && cpu95 > 70) {
        text += fmt::format(
            "The 95th percentile of the total GPU utilization on node {} is only {}, "
            "while the 95th percentile of the total CPU utilization is {}. The GPUs "
            "are underutilized, likely because of CPU bottlenecks. ",
            node, TablePct(gpu95), TablePct(cpu95));
      } else if (gpu50 > 70) {
        text += fmt::format(
            "The median total GPU utilization on node {} is {}: the GPUs are well "
            "utilized. ",
            node, TablePct(gpu50));
      } else {
        text += fmt::format(
            "The median total GPU utilization on node {} is {} and the median total "
            "CPU utilization is {}. ",
            node, TablePct(gpu50), TablePct(cpu50));
      }
    }
  }
  return text;
}

// Across the nodes, one row per metric: the spread of the nodes' p95 and
// p50 and the nodes whose p95 stands out.
Table AcrossNodesTable(const Json& d, size_t nodes) {
  Table t;
  t.caption =
      fmt::format("Resource utilization across the {} nodes (each node's p95 and p50)", nodes);
  t.columns = {"Metric", "p95 over the nodes", "p50 over the nodes", "Nodes that stand out (p95)"};
  t.numeric = {false, false, false, false};
  for (const auto& [metric, per_node] : d.items()) {
    if (!per_node.is_object() || per_node.empty()) continue;
    const bool net = metric == "Network";
    std::vector<RankValue> p95, p50;
    for (const auto& [node, st] : per_node.items()) {
      p95.push_back({node, Num(st, "p95", 0)});
      p50.push_back({node, Num(st, "p50", 0)});
    }
    const std::function<std::string(double)> fmt_v =
        net ? std::function<std::string(double)>([](double v) { return FormatBytes(v) + "/s"; })
            : std::function<std::string(double)>(TablePct);
    const double gap95 = net ? 0.25 * SpreadOf(p95, 0).median : 10;
    const double gap50 = net ? 0.25 * SpreadOf(p50, 0).median : 10;
    const RankSpread s95 = SpreadOf(p95, gap95);
    if (!s95.low.empty() || !s95.high.empty()) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    }
    t.rows.push_back({metric, SpreadText(s95, fmt_v), SpreadText(SpreadOf(p50, gap50), fmt_v),
                      OutlierText(s95, p95, fmt_v, "node")});
  }
  return t;
}

Table ResourceTable(const Json& d) {
  Table t;
  t.caption = "Resource utilization per node";
  t.columns = {"Node", "Metric", "Unit", "max", "p99", "p95", "p50", "min"};
  t.numeric = {false, false, false, true, true, true, true, true};
  for (const auto& [metric, nodes] : d.items()) {
    if (!nodes.is_object()) continue;
    const std::string unit = metric == "Network" ? "bytes/s" : "percent";
    for (const auto& [node, st] : nodes.items()) {
      // Init-captures: clang before 16 cannot capture structured bindings.
      auto cell = [&st = st, &metric = metric](const char* k) {
        const double v = Num(st, k);
        if (!std::isfinite(v)) return std::string("-");
        return metric == "Network" ? FormatBytes(v) : FormatNumber(v, 2);
      };
      t.rows.push_back(
          {node, metric, unit, cell("max"), cell("p99"), cell("p95"), cell("p50"), cell("min")});
    }
  }
  TruncateRows(&t, 6 * kMaxRankRows, "rows");
  return t;
}

// Mean utilization per training phase (TRAIN, EVAL, before/between/after).
Table PhaseUsageTable(const ReportInputs& in, StrId node, const std::vector<uint32_t>& cpus,
                      const std::vector<uint32_t>& gpus, const std::vector<uint32_t>& gmem,
                      const std::vector<uint32_t>& hmem) {
  const MetricStore& st = *in.store;
  const PhaseMeans m = MeanPerPhase(st, *in.timeline, {&cpus, &gpus, &gmem, &hmem});
  Table t;
  t.caption = fmt::format("Mean utilization per phase on {} (percent)", st.str(node));
  t.columns = {"Phase", "Duration", "CPU", "GPU", "GPU memory", "Host memory"};
  t.numeric = {false, true, true, true, true, true};
  for (size_t i = 0; i < m.labels.size(); ++i) {
    std::vector<std::string> row = {m.labels[i], FormatDuration(m.seconds[i])};
    for (size_t k = 0; k < 4; ++k) {
      row.push_back(m.sums[k][i].second == 0
                        ? "-"
                        : FormatNumber(m.sums[k][i].first / m.sums[k][i].second, 1));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

// A utilization timeline with the training phases as shaded bands.
Chart PhaseTimeline(const ReportInputs& in, const std::string& id, const std::string& title) {
  Chart c = TimeLineChart(id, title, "Utilization (%)");
  c.y_min = 0;
  c.y_max = 100;
  c.height = 300;
  if (in.timeline) {
    for (const PhaseInterval& p : in.timeline->phases) {
      if (p.phase.empty()) continue;
      c.bands.push_back({p.start_us / 1e6, p.end_us / 1e6, p.label, p.phase == "EVAL" ? 1 : 0});
    }
  }
  return c;
}

// One node's utilization over time and per phase.
std::vector<Block> NodeUsage(const ReportInputs& in, StrId node) {
  const MetricStore& st = *in.store;
  const std::string node_name(st.str(node));
  std::vector<Block> blocks;
  const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
  const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
  const auto gmem = st.SeriesOf(node, MetricKind::kGpuMemory);
  const auto hmem = st.SeriesOf(node, MetricKind::kHostMemoryUsed);
  Chart host =
      PhaseTimeline(in, "timeline-host-" + node_name, fmt::format("{}: CPU and memory", node_name));
  if (!cpus.empty()) host.series.push_back({"CPU (all cores)", AveragePerTimestamp(st, cpus), 0});
  if (!gmem.empty()) host.series.push_back({"GPU memory (avg)", AveragePerTimestamp(st, gmem), 1});
  if (!hmem.empty()) host.series.push_back({"Host memory", AveragePerTimestamp(st, hmem), 2});
  blocks.push_back(Paragraph(fmt::format(
      "Total CPU utilization (average over {}), average GPU memory utilization and host "
      "memory used on {} over the job{}. Shaded areas are the training phases.",
      Plural(static_cast<int64_t>(cpus.size()), "core", "cores"), node_name,
      gpus.empty() ? "" : ", then the utilization of each GPU")));
  blocks.push_back(ChartBlock(std::move(host)));
  if (!gpus.empty()) {
    Chart gc = PhaseTimeline(in, "timeline-gpu-" + node_name,
                             fmt::format("{}: utilization per GPU", node_name));
    for (uint32_t g : gpus) {
      gc.series.push_back({std::string(st.str(st.series()[g].name)), SeriesPoints(st, g), -1});
    }
    blocks.push_back(ChartBlock(std::move(gc)));
  }
  if (in.timeline && !in.timeline->phases.empty()) {
    blocks.push_back(TableBlock(PhaseUsageTable(in, node, cpus, gpus, gmem, hmem)));
  }
  return blocks;
}

// One subsection per node for up to kMaxRanksInPdf nodes; beyond, one
// subsection holding each of the first kMaxNodesDrawn nodes folded.
void AppendNodeTimelines(const ReportInputs& in, Section* s) {
  const auto& nodes = in.store->system_nodes();
  if (nodes.size() <= 1) {
    for (StrId node : nodes) {
      Section sub;
      sub.id = "system-usage-" + std::string(SummaryStore(in)->str(node));
      sub.title = "Utilization over time on " + std::string(SummaryStore(in)->str(node));
      sub.level = 3;
      sub.blocks = NodeUsage(in, node);
      s->subsections.push_back(std::move(sub));
    }
    return;
  }
  Section sub;
  sub.id = "system-usage-per-node";
  sub.title = "Utilization over time per node";
  sub.level = 3;
  const size_t drawn = std::min(nodes.size(), kMaxNodesDrawn);
  sub.blocks.push_back(Paragraph(fmt::format(
      "Each node's CPU, GPU and memory utilization over the job and per training phase{}. The "
      "table above compares the nodes.",
      drawn < nodes.size()
          ? fmt::format(", for the first {} of the {} nodes (the others look alike unless the "
                        "table above names them)",
                        drawn, nodes.size())
          : std::string())));
  for (size_t i = 0; i < drawn; ++i) {
    sub.blocks.push_back(
        Folded(fmt::format("Utilization over time on {}", SummaryStore(in)->str(nodes[i])),
               NodeUsage(in, nodes[i]), nodes.size() <= kMaxRanksInPdf));
  }
  s->subsections.push_back(std::move(sub));
}

}  // namespace

void BuildSystemUsageSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  const RuleResult* r =
      in.system_usage_all_data ? in.system_usage_all_data : ctx.Result("OverallSystemUsage");
  if (!r || !r->details.is_object() || r->details.empty()) {
    const RuleStatus* u = r ? nullptr : ctx.Unavailable("OverallSystemUsage");
    if (u == nullptr && HasTraces(in)) {
      s->blocks.push_back(Note(Severity::kInfo,
                               "No SageMaker system metrics were found, only PyTorch profiler "
                               "traces, so there are no system usage statistics."));
      return;
    }
    s->blocks.push_back(
        Note(Severity::kWarning,
             u ? ReportContext::UnavailableText(*u,
                                                "The system usage statistics come from it, so they "
                                                "cannot be shown.")
               : "No system metrics were found."));
    return;
  }
  if (in.system_usage_all_data) {
    s->blocks.push_back(
        Note(Severity::kInfo,
             "These statistics cover all system data. OverallSystemUsage.json, like SageMaker's, "
             "covers the rule windows only (see the Rules summary), so its numbers can differ "
             "slightly."));
  }
  const Json& d = r->details;
  std::set<std::string> nodes;
  for (const auto& [metric, per_node] : d.items()) {
    if (!per_node.is_object()) continue;
    for (const auto& [node, st] : per_node.items()) nodes.insert(node);
  }
  std::vector<Block> per_node;
  std::string text = NodeUsageText(d);
  if (!text.empty()) {
    text.pop_back();
    per_node.push_back(Paragraph(text));
  }
  per_node.push_back(
      Paragraph("The table shows the utilization of each resource per node over the whole job: "
                "maximum, 99th, 95th and 50th percentile and minimum. GPU and CPU values are the "
                "average over all GPUs or cores of the node at each sample; network is the sum of "
                "the algorithm's receive and transmit throughput; I/O is the average I/O wait "
                "per core."));
  per_node.push_back(TableBlock(ResourceTable(d)));
  if (nodes.size() <= 1) {
    for (Block& b : per_node) s->blocks.push_back(std::move(b));
  } else {
    s->blocks.push_back(Paragraph(fmt::format(
        "The job ran on {} nodes. The table compares them: for each resource the spread of the "
        "nodes' 95th and 50th percentiles and the nodes that stand out; each node's own "
        "statistics are folded below it.",
        nodes.size())));
    s->blocks.push_back(TableBlock(AcrossNodesTable(d, nodes.size())));
    s->blocks.push_back(Folded(fmt::format("Statistics of each of the {} nodes", nodes.size()),
                               std::move(per_node), nodes.size() <= kMaxRanksInPdf));
  }
  if (in.store && in.store->has_system()) AppendNodeTimelines(in, s);
}

}  // namespace report_internal
}  // namespace smr
