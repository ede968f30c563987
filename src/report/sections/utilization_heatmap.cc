// The utilization heatmap of the timeline section (timeline_parts.h): rows
// are the CPU cores and GPUs of a single node, or per node its CPU (mean of
// the cores) and its GPUs (each, or their mean when there are too many
// rows); columns are up to 240 equal time buckets of the job; each cell is
// the mean utilization in its bucket (BucketMeans).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "smr/timeline_views.h"
#include "src/report/blocks.h"
#include "src/report/sections/timeline_parts.h"

namespace smr {
namespace report_internal {
namespace {

constexpr size_t kMaxColumns = 240;
constexpr size_t kMaxCoreRows = 32;    // a single node's cores, grouped beyond
constexpr size_t kMaxDetailRows = 96;  // per-GPU rows of a multi-node job
constexpr size_t kMaxRows = 64;

struct RowSpec {
  std::string label, group;
  std::vector<uint32_t> series;
};

std::vector<RowSpec> SingleNodeRows(const MetricStore& st, StrId node) {
  std::vector<RowSpec> rows;
  const auto cpus = st.SeriesOf(node, MetricKind::kCpuUtilization);
  const size_t chunk = (cpus.size() + kMaxCoreRows - 1) / kMaxCoreRows;
  for (size_t i = 0; i < cpus.size(); i += chunk) {
    const size_t j = std::min(cpus.size(), i + chunk);
    RowSpec r;
    r.label = j - i == 1 ? std::string(st.str(st.series()[cpus[i]].name))
                         : fmt::format("{}-{}", st.str(st.series()[cpus[i]].name),
                                       st.str(st.series()[cpus[j - 1]].name));
    r.group = i == 0 ? "CPU" : "";
    r.series.assign(cpus.begin() + i, cpus.begin() + j);
    rows.push_back(std::move(r));
  }
  bool first = true;
  for (uint32_t g : st.SeriesOf(node, MetricKind::kGpuUtilization)) {
    rows.push_back({std::string(st.str(st.series()[g].name)), first ? "GPU" : "", {g}});
    first = false;
  }
  return rows;
}

// Per node: CPU (mean of its cores), then each GPU, or the GPUs' mean when
// per-GPU rows would exceed kMaxDetailRows; beyond kMaxRows / 2 nodes only
// the GPU mean (the CPU mean without GPUs), up to kMaxRows nodes.
std::vector<RowSpec> MultiNodeRows(const MetricStore& st, std::string* what) {
  const std::vector<StrId>& nodes = st.system_nodes();
  size_t detail_rows = 0;
  for (StrId n : nodes) detail_rows += 1 + st.SeriesOf(n, MetricKind::kGpuUtilization).size();
  const bool per_gpu = detail_rows <= kMaxDetailRows;
  const bool with_cpu = nodes.size() * 2 <= kMaxRows;
  *what = !with_cpu ? "per node, the mean of its GPUs (of its cores for a node without GPU)"
          : per_gpu ? "per node, its CPU (mean of its cores) and each GPU"
                    : "per node, its CPU (mean of its cores) and the mean of its GPUs";
  if (nodes.size() > kMaxRows) *what += fmt::format(", for the first {} nodes", kMaxRows);
  std::vector<RowSpec> rows;
  for (size_t k = 0; k < nodes.size() && k < kMaxRows; ++k) {
    const std::string node(st.str(nodes[k]));
    const auto cpus = st.SeriesOf(nodes[k], MetricKind::kCpuUtilization);
    const auto gpus = st.SeriesOf(nodes[k], MetricKind::kGpuUtilization);
    const size_t first = rows.size();
    if (!cpus.empty() && (with_cpu || gpus.empty())) rows.push_back({node + " CPU", "", cpus});
    if (per_gpu) {
      for (uint32_t g : gpus) {
        rows.push_back({node + " " + std::string(st.str(st.series()[g].name)), "", {g}});
      }
    } else if (!gpus.empty()) {
      rows.push_back({node + " GPU", "", gpus});
    }
    if (rows.size() > first) rows[first].group = node;
  }
  return rows;
}

}  // namespace

void AddHeatmap(const ReportInputs& in, const TimelineFrame& f, Section* s) {
  const MetricStore& st = *in.store;
  const bool single = st.system_nodes().size() == 1;
  std::string rows_text = "each CPU core and each GPU";
  if (single) {
    const size_t cores = st.SeriesOf(st.system_nodes()[0], MetricKind::kCpuUtilization).size();
    if (cores > kMaxCoreRows) {
      rows_text = fmt::format("the CPU cores in groups of {} (their mean) and each GPU",
                              (cores + kMaxCoreRows - 1) / kMaxCoreRows);
    }
  }
  std::vector<RowSpec> specs =
      single ? SingleNodeRows(st, st.system_nodes()[0]) : MultiNodeRows(st, &rows_text);
  if (specs.empty() || !(f.t1_s > f.t0_s)) return;
  const size_t columns =
      std::clamp<size_t>(static_cast<size_t>(std::floor(f.t1_s - f.t0_s)), 1, kMaxColumns);
  const double bucket_s = (f.t1_s - f.t0_s) / static_cast<double>(columns);
  Chart c;
  c.kind = ChartKind::kHeatmap;
  c.id = "utilization-heatmap";
  c.title = "Utilization heatmap";
  c.x_is_time = true;
  c.x_min = f.t0_s;
  c.x_max = f.t1_s;
  c.y_min = 0;
  c.y_max = 100;
  c.value_unit = "%";
  for (const RowSpec& r : specs) {
    c.heat_rows.push_back(
        {r.label, r.group, BucketMeans(st, r.series, f.t0_s, f.t1_s, columns), {}});
  }
  const double row_h = specs.size() <= 40 ? 13 : std::max(4.0, 600.0 / specs.size());
  c.height = 85 + row_h * static_cast<double>(specs.size());
  Section sub;
  sub.id = "timelines-heatmap";
  sub.title = "Utilization heatmap";
  sub.level = 3;
  sub.blocks.push_back(Paragraph(fmt::format(
      "Rows: {}. Columns: {} s each. Colour: the mean utilization in that time, from light "
      "(idle) to dark (busy); blank where no sample was recorded.",
      rows_text, FormatNumber(bucket_s, bucket_s < 10 ? 1 : 0))));
  sub.blocks.push_back(ChartBlock(std::move(c)));
  s->subsections.push_back(std::move(sub));
}

}  // namespace report_internal
}  // namespace smr
