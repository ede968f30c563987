// "System usage statistics" (§2.2): utilization of each resource per node
// from OverallSystemUsage (over all data when the rule windows left some
// out), and per node the utilization over time and per training phase.
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/metric_series.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {
namespace {

// Paragraph per node, as SageMaker words it (numbers truncated with int());
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
            "The median total CPU utilization on node {} was {} % (p95 {} %); no GPU "
            "metrics were recorded for this node. ",
            node, static_cast<int64_t>(cpu50), static_cast<int64_t>(cpu95));
        continue;
      }
      const Json& gpu = d["GPU"][node];
      const double gpu95 = Num(gpu, "p95", 0);
      const double gpu50 = Num(gpu, "p50", 0);
      if (gpu95 < 70 && cpu95 < 70) {
        text += fmt::format(
            "The 95th percentile of the total GPU utilization on node {} is only {} %, "
            "and the 95th percentile of the total CPU utilization is only {} %. Node {} "
            "is underutilized: consider a smaller instance type. ",
            node, static_cast<int64_t>(gpu95), static_cast<int64_t>(cpu95), node);
      } else if (gpu95 < 70 && cpu95 > 70) {
        text += fmt::format(
            "The 95th percentile of the total GPU utilization on node {} is only {} %, "
            "while the 95th percentile of the total CPU utilization is {} %. The GPUs "
            "are underutilized, likely because of CPU bottlenecks. ",
            node, static_cast<int64_t>(gpu95), static_cast<int64_t>(cpu95));
      } else if (gpu50 > 70) {
        text += fmt::format(
            "The median total GPU utilization on node {} is {} %: the GPUs are well "
            "utilized. ",
            node, static_cast<int64_t>(gpu50));
      } else {
        text += fmt::format(
            "The median total GPU utilization on node {} is {} % and the median total "
            "CPU utilization is {} %. ",
            node, static_cast<int64_t>(gpu50), static_cast<int64_t>(cpu50));
      }
    }
  }
  return text;
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

Section NodeUsage(const ReportInputs& in, StrId node) {
  const MetricStore& st = *in.store;
  const std::string node_name(st.str(node));
  Section sub;
  sub.id = "system-usage-" + node_name;
  sub.title = "Utilization over time on " + node_name;
  sub.level = 3;
  const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
  const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
  const auto gmem = st.SeriesOf(node, MetricKind::kGpuMemory);
  const auto hmem = st.SeriesOf(node, MetricKind::kHostMemoryUsed);
  Chart host =
      PhaseTimeline(in, "timeline-host-" + node_name, fmt::format("{}: CPU and memory", node_name));
  if (!cpus.empty()) host.series.push_back({"CPU (all cores)", AveragePerTimestamp(st, cpus), 0});
  if (!gmem.empty()) host.series.push_back({"GPU memory (avg)", AveragePerTimestamp(st, gmem), 1});
  if (!hmem.empty()) host.series.push_back({"Host memory", AveragePerTimestamp(st, hmem), 2});
  sub.blocks.push_back(Paragraph(fmt::format(
      "Total CPU utilization (average over {}), average GPU memory utilization and host "
      "memory used on {} over the job{}. Shaded areas are the training phases.",
      Plural(static_cast<int64_t>(cpus.size()), "core", "cores"), node_name,
      gpus.empty() ? "" : ", then the utilization of each GPU")));
  sub.blocks.push_back(ChartBlock(std::move(host)));
  if (!gpus.empty()) {
    Chart gc = PhaseTimeline(in, "timeline-gpu-" + node_name,
                             fmt::format("{}: utilization per GPU", node_name));
    for (uint32_t g : gpus) {
      gc.series.push_back({std::string(st.str(st.series()[g].name)), SeriesPoints(st, g), -1});
    }
    sub.blocks.push_back(ChartBlock(std::move(gc)));
  }
  if (in.timeline && !in.timeline->phases.empty()) {
    sub.blocks.push_back(TableBlock(PhaseUsageTable(in, node, cpus, gpus, gmem, hmem)));
  }
  return sub;
}

}  // namespace

void BuildSystemUsageSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  const RuleResult* r =
      in.system_usage_all_data ? in.system_usage_all_data : ctx.Result("OverallSystemUsage");
  if (!r || !r->details.is_object() || r->details.empty()) {
    const RuleStatus* u = r ? nullptr : ctx.Unavailable("OverallSystemUsage");
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
  std::string text = NodeUsageText(d);
  if (!text.empty()) {
    text.pop_back();
    s->blocks.push_back(Paragraph(text));
  }
  s->blocks.push_back(
      Paragraph("The table shows the utilization of each resource per node over the whole job: "
                "maximum, 99th, 95th and 50th percentile and minimum. GPU and CPU values are the "
                "average over all GPUs or cores of the node at each sample; network is the sum of "
                "the algorithm's receive and transmit throughput; I/O is the average I/O wait "
                "per core."));
  s->blocks.push_back(TableBlock(ResourceTable(d)));
  if (in.store && in.store->has_system()) {
    for (StrId node : in.store->system_nodes()) s->subsections.push_back(NodeUsage(in, node));
  }
}

}  // namespace report_internal
}  // namespace smr
