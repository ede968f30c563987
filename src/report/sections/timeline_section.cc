// "Timelines": per node, CPU, each GPU, GPU memory, host memory, I/O wait
// and network traffic (Algorithm and Platform) as small multiples on one
// UTC time axis shared by every node, with the training phases shaded and
// the 60 s windows where a rule fired marked above the chart of the resource
// it concerns; and a utilization heatmap (heatmap_rows.cc) of cores and
// GPUs over time. One node's timeline is open (the one with most rule
// firings), the others are folded.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/timeline_views.h"
#include "src/report/blocks.h"
#include "src/report/charts.h"
#include "src/report/kineto_facts.h"
#include "src/report/metric_series.h"
#include "src/report/report_context.h"
#include "src/report/sections/timeline_parts.h"

namespace smr {
namespace report_internal {
namespace {

// Node timelines drawn at most (the heatmap covers every node): keeps the
// HTML within its size budget for 64 nodes.
constexpr size_t kMaxNodeTimelines = 8;
// More GPUs than this: their utilization as the mean and the minimum per
// sample, their memory as the mean and the maximum (the heatmap has a row
// per GPU).
constexpr size_t kMaxGpuLines = 4;
// Folded node timelines whose charts are printed in the PDF.
constexpr size_t kPdfNodeTimelines = 2;

enum ChartSlot { kCpuChart, kGpuChart, kGpuMemChart, kHostChart, kNetChart, kSlots };

// The chart a rule's firings are marked on.
ChartSlot SlotOfRule(const std::string& rule) {
  if (rule == "LowGPUUtilization" || rule == "BatchSize" || rule == "LoadBalancing") {
    return kGpuChart;
  }
  if (rule == "GPUMemoryIncrease") return kGpuMemChart;
  if (rule == "IOBottleneck") return kHostChart;
  return kCpuChart;
}

Chart NodeChart(const TimelineFrame& f, const std::string& id, const std::string& title,
                const std::string& y_label, bool percent, double height) {
  Chart c = TimeLineChart(id, title, y_label);
  c.x_label = "";
  c.x_min = f.t0_s;
  c.x_max = f.t1_s;
  c.y_tick_room = 30;
  c.height = height;
  if (percent) {
    c.y_min = 0;
    c.y_max = 100;
  }
  c.bands = f.bands;
  return c;
}

// The node's charts, in slot order (slots without data are left out) and
// the rule marks of each slot.
std::vector<Chart> NodeCharts(const ReportInputs& in, const TimelineFrame& f, StrId node) {
  const MetricStore& st = *in.store;
  const std::string name(st.str(node));
  const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
  const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
  const auto gmem = st.SeriesOf(node, MetricKind::kGpuMemory);
  const auto hmem = st.SeriesOf(node, MetricKind::kHostMemoryUsed);
  const auto iow = st.SeriesOf(node, MetricKind::kCpuIoWait);
  std::vector<Chart> slots(kSlots);
  slots[kCpuChart] = NodeChart(f, "tl-cpu-" + name, name + ": CPU utilization (%)", "", true, 150);
  if (!cpus.empty()) {
    slots[kCpuChart].series.push_back(
        {fmt::format("mean of {}", Plural(static_cast<int64_t>(cpus.size()), "core", "cores")),
         AveragePerTimestamp(st, cpus), 0});
  }
  slots[kGpuChart] = NodeChart(f, "tl-gpu-" + name, name + ": GPU utilization (%)", "", true, 160);
  if (gpus.size() <= kMaxGpuLines) {
    for (uint32_t g : gpus) {
      slots[kGpuChart].series.push_back(
          {std::string(st.str(st.series()[g].name)), SeriesPoints(st, g), -1});
    }
  } else {
    const std::string of = fmt::format(" of {} GPUs", gpus.size());
    slots[kGpuChart].series.push_back({"mean" + of, AveragePerTimestamp(st, gpus), 0});
    slots[kGpuChart].series.push_back({"min" + of, MaxPerTimestamp(st, gpus, true), 5});
  }
  slots[kGpuMemChart] =
      NodeChart(f, "tl-gmem-" + name, name + ": GPU memory used (%)", "", true, 130);
  if (gmem.size() <= kMaxGpuLines) {
    for (uint32_t g : gmem) {
      slots[kGpuMemChart].series.push_back(
          {std::string(st.str(st.series()[g].name)), SeriesPoints(st, g), -1});
    }
  } else {
    const std::string of = fmt::format(" of {} GPUs", gmem.size());
    slots[kGpuMemChart].series.push_back({"mean" + of, AveragePerTimestamp(st, gmem), 0});
    slots[kGpuMemChart].series.push_back({"max" + of, MaxPerTimestamp(st, gmem), 5});
  }
  slots[kHostChart] =
      NodeChart(f, "tl-host-" + name, name + ": host memory and I/O wait (%)", "", true, 130);
  if (!hmem.empty())
    slots[kHostChart].series.push_back({"host memory used", AveragePerTimestamp(st, hmem), 2});
  if (!iow.empty()) {
    slots[kHostChart].series.push_back(
        {"I/O wait (mean of cores)", AveragePerTimestamp(st, iow), 5});
  }
  slots[kNetChart] = NodeChart(f, "tl-net-" + name, name + ": network (bytes/s)", "", false, 140);
  for (const NetSeries& n : NetworkSeries()) {
    for (uint32_t s : st.SeriesOf(node, n.kind)) {
      slots[kNetChart].series.push_back({n.label, SeriesPoints(st, s), n.color});
    }
  }
  for (auto& [rule, marks] : RuleMarks(in, name)) {
    std::vector<ChartBand>& to = slots[SlotOfRule(rule)].marks;
    to.insert(to.end(), marks.begin(), marks.end());
  }
  // Marks of a resource without data go to the first chart shown.
  std::vector<Chart> out;
  std::vector<ChartBand> orphans;
  for (Chart& c : slots) {
    if (c.series.empty()) {
      orphans.insert(orphans.end(), c.marks.begin(), c.marks.end());
      continue;
    }
    out.push_back(std::move(c));
  }
  if (!out.empty()) out[0].marks.insert(out[0].marks.end(), orphans.begin(), orphans.end());
  for (Chart& c : out) c.height += 16 * static_cast<double>(MarkRowCount(c.marks));
  return out;
}

// "algo-2: CPU 45 %, GPU 80 % on average; 3 rule firings".
std::string NodeSummary(const ReportInputs& in, StrId node, int64_t firings) {
  const MetricStore& st = *in.store;
  const SpanUsage u = UsageDuring(st, node, st.min_system_ts_s(), st.max_system_ts_s());
  std::string text = std::string(st.str(node)) + ":";
  if (std::isfinite(u.cpu)) text += fmt::format(" CPU {} %", FormatNumber(u.cpu, 0));
  if (std::isfinite(u.gpu)) text += fmt::format(", GPU {} %", FormatNumber(u.gpu, 0));
  text += " on average; ";
  text += firings == 0 ? "no rule fired on this node"
                       : Plural(firings, "rule firing", "rule firings") + " on this node";
  return text;
}

void AddNodeTimelines(const ReportInputs& in, const TimelineFrame& f, Section* s) {
  const MetricStore& st = *in.store;
  // Nodes by firings (most first), then in natural order.
  std::vector<std::pair<int64_t, StrId>> order;
  for (StrId node : st.system_nodes()) {
    int64_t firings = 0;
    for (const auto& [rule, marks] : RuleMarks(in, std::string(st.str(node)))) {
      firings += static_cast<int64_t>(marks.size());
    }
    order.push_back({firings, node});
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  const size_t shown = std::min(order.size(), kMaxNodeTimelines);
  for (size_t i = 0; i < shown; ++i) {
    const auto [firings, node] = order[i];
    std::vector<Chart> charts = NodeCharts(in, f, node);
    if (charts.empty()) continue;
    if (i == 0) {
      Section sub;
      sub.id = "timelines-" + std::string(st.str(node));
      sub.title = "Timeline of " + std::string(st.str(node));
      sub.level = 3;
      if (order.size() > 1) {
        sub.blocks.push_back(Paragraph(
            NodeSummary(in, node, firings) +
            (firings > order[1].first ? ". Shown first: the node with most rule firings." : ".")));
      }
      for (Chart& c : charts) sub.blocks.push_back(ChartBlock(std::move(c)));
      s->subsections.push_back(std::move(sub));
      continue;
    }
    Block d;
    d.kind = BlockKind::kDetails;
    d.text = NodeSummary(in, node, firings);
    d.children_in_pdf = i < kPdfNodeTimelines;
    for (Chart& c : charts) d.children.push_back(ChartBlock(std::move(c)));
    if (s->subsections.empty() || s->subsections.back().id != "timelines-other-nodes") {
      Section sub;
      sub.id = "timelines-other-nodes";
      sub.title = "Timelines of the other nodes";
      sub.level = 3;
      s->subsections.push_back(std::move(sub));
    }
    s->subsections.back().blocks.push_back(std::move(d));
  }
  if (order.size() > shown && !s->subsections.empty()) {
    s->subsections.back().blocks.push_back(Note(
        Severity::kInfo,
        fmt::format("The timelines of {} more nodes are left out to keep the report small; the "
                    "heatmap above shows every node.",
                    order.size() - shown)));
  }
}

}  // namespace

void BuildTimelineSection(const ReportContext& ctx, Section* s) {
  const ReportInputs& in = ctx.in();
  if (in.store == nullptr || !in.store->has_system()) {
    s->blocks.push_back(
        Note(Severity::kInfo,
             in.store == nullptr && in.summary_store != nullptr
                 ? "Timelines draw every node's samples at once; this job was evaluated in groups "
                   "of nodes (--max-memory or MPI), so the charts of raw samples are left out. The "
                   "rule results, findings and tables above and below cover the whole job."
             : in.store == nullptr ? "Timelines need the profiler data; this report was rendered "
                                     "from rule results alone."
             : HasTraces(in)       ? "No SageMaker system metrics were recorded, so there is no "
                                     "system timeline; the PyTorch profiler traces section has the "
                                     "GPU timeline per stream."
                                   : "No system metrics were recorded, so there is no timeline."));
    return;
  }
  const TimelineFrame f = MakeTimelineFrame(in);
  s->blocks.push_back(Paragraph(
      "Every resource of each node over time, on one UTC time axis for all charts and nodes. "
      "Shaded: the training phases (grey: before the first and after the last step). Red "
      "ticks above a chart: the 60-second windows in which the rule named at the left of the "
      "row fired, on the chart of the resource it concerns. Network traffic is shown for both "
      "the training job (Algorithm) and SageMaker itself (Platform: e.g. downloading the "
      "dataset or uploading the model)."));
  AddHeatmap(in, f, s);
  AddNodeTimelines(in, f, s);
}

}  // namespace report_internal
}  // namespace smr
