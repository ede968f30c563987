// All GPUs at a glance (gpu_overview.h).
#include "src/report/gpu_overview.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/analysis/report_views.h"
#include "src/report/blocks.h"
#include "src/report/cross_rank.h"

namespace smr {
namespace report_internal {
namespace {

// Two GPUs whose medians differ by less than this (percentage points)
// never stand out from each other.
constexpr double kMinGapPoints = 10;

std::string Pct(double v) { return FormatNumber(v, 1) + " %"; }

}  // namespace

// Length: one table, its summary and its budget, read top to bottom.
std::optional<GpuOverview> GpuUtilizationOverview(const ReportInputs& in) {
  if (!in.store || !in.store->has_system()) return std::nullopt;
  const MetricStore& st = *in.store;
  double t0 = 0, t1 = -1;  // all samples without steps
  if (in.timeline && in.timeline->has_steps) {
    t0 = in.timeline->first_step_start_us / 1e6;
    t1 = in.timeline->last_step_end_us / 1e6;
  }
  std::vector<RankValue> values;
  std::vector<std::string> columns;  // GPU names, first-seen order per node
  std::map<std::string, std::map<std::string, size_t>> cell;  // node -> gpu -> values index
  std::vector<std::string> nodes;
  for (StrId node : st.system_nodes()) {
    const auto gpus = st.SeriesOf(node, MetricKind::kGpuUtilization);
    if (gpus.empty()) continue;
    const std::string node_name(st.str(node));
    nodes.push_back(node_name);
    for (const SeriesSummary& s : SummarizeSeries(st, gpus, t0, t1)) {
      if (s.n == 0) continue;
      const std::string gpu(st.str(st.series()[s.series].name));
      if (std::find(columns.begin(), columns.end(), gpu) == columns.end()) columns.push_back(gpu);
      cell[node_name][gpu] = values.size();
      values.push_back({node_name + "/" + gpu, s.p50});
    }
  }
  if (values.empty()) return std::nullopt;
  GpuOverview o;
  o.nodes = nodes.size();
  o.gpus = values.size();
  const RankSpread sp = SpreadOf(values, kMinGapPoints);
  std::set<size_t> low(sp.low.begin(), sp.low.end()), high(sp.high.begin(), sp.high.end());
  o.outliers = low.size() + high.size();
  o.summary = fmt::format("Median utilization of each GPU during the {}, over the {} GPUs: {}; {}.",
                          t1 >= t0 ? "training loop" : "job", values.size(), SpreadText(sp, Pct),
                          OutlierText(sp, values, Pct, "GPU"));
  Table& t = o.table;
  t.caption = fmt::format("Median GPU utilization during the {} (%), one row per node{}",
                          t1 >= t0 ? "training loop" : "job",
                          o.outliers > 0 ? "; ▼/▲: below/above the other GPUs" : "");
  t.columns = {"Node"};
  for (const auto& c : columns) t.columns.push_back(c);
  t.numeric.assign(t.columns.size(), true);
  t.numeric[0] = false;
  // Nodes with an outlier first (then node order), so a budget keeps them.
  std::vector<std::pair<bool, std::string>> order;
  for (const std::string& n : nodes) {
    bool out = false;
    for (const auto& [gpu, i] : cell[n]) out = out || low.count(i) || high.count(i);
    order.push_back({out, n});
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [out, n] : order) {
    std::vector<std::string> row = {n};
    for (const auto& c : columns) {
      auto it = cell[n].find(c);
      if (it == cell[n].end()) {
        row.push_back("-");
        continue;
      }
      const size_t i = it->second;
      row.push_back(FormatNumber(values[i].value, 1) + (low.count(i)    ? kLowMark
                                                        : high.count(i) ? kHighMark
                                                                        : ""));
    }
    if (out) t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    t.rows.push_back(std::move(row));
  }
  TruncateRows(&t, kMaxRankRows, "nodes (no GPU stands out on them)");
  return o;
}

}  // namespace report_internal
}  // namespace smr
