// The stream timeline, kernel / operator tables, launch and synchronization
// tables, the memory chart and the cross-rank view of the PyTorch profiler
// section (pytorch_profiler.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "src/report/charts.h"
#include "src/report/cross_rank.h"
#include "src/report/job_timing.h"
#include "src/report/pytorch_profiler.h"

namespace smr {
namespace report_internal {

namespace {

// Adds `busy` ns spread evenly over [b0, b1) to the columns of width `col`
// from t0 it overlaps, and the overlap to `covered`.
void Spread(double b0, double b1, double busy, double t0, double col, std::vector<double>* sum,
            std::vector<double>* covered) {
  if (!(b1 > b0) || !(col > 0)) return;
  const size_t n = sum->size();
  const auto first = static_cast<size_t>(std::clamp(std::floor((b0 - t0) / col), 0.0, n - 1.0));
  for (size_t c = first; c < n; ++c) {
    const double c0 = t0 + c * col, c1 = c0 + col;
    if (c0 >= b1) break;
    const double ov = std::min(b1, c1) - std::max(b0, c0);
    if (ov <= 0) continue;
    (*sum)[c] += busy * ov / (b1 - b0);
    (*covered)[c] += ov;
  }
}

std::string StreamLabel(const KinetoAnalysis& k, size_t i, const StreamTimeline& s) {
  std::set<int32_t> devices;
  for (const StreamTimeline& o : k.ranks[i].streams) devices.insert(o.device);
  if (devices.size() > 1) {
    return fmt::format("{} gpu{} stream {}", RankLabel(k, i), s.device, s.stream);
  }
  return fmt::format("{} stream {}", RankLabel(k, i), s.stream);
}

// One stream's row: busy % per column of width `col` from t0, the cell's
// kind the kernel type with most time in it.
HeatmapRow StreamRow(const KinetoRankAnalysis& r, const StreamTimeline& s, int64_t t0, double col) {
  std::array<std::vector<double>, 4> busy;
  for (auto& b : busy) b.assign(kTimelineColumns, 0);
  std::vector<double> covered(kTimelineColumns, 0), ignored(kTimelineColumns, 0);
  const double bw = static_cast<double>(r.end_ns - r.start_ns) / s.busy_ns.size();
  for (size_t b = 0; b < s.busy_ns.size(); ++b) {
    const double b0 = static_cast<double>(r.start_ns - t0) + b * bw;
    for (size_t t = 0; t < 4; ++t) {
      Spread(b0, b0 + bw, static_cast<double>(s.busy_ns[b][t]), 0, col, &busy[t],
             t == 0 ? &covered : &ignored);
    }
  }
  HeatmapRow row;
  for (size_t j = 0; j < kTimelineColumns; ++j) {
    double sum = 0;
    int kind = 0;
    for (size_t t = 0; t < 4; ++t) {
      sum += busy[t][j];
      if (busy[t][j] > busy[kind][j]) kind = static_cast<int>(t);
    }
    row.values.push_back(covered[j] > 0 ? std::min(100.0, 100.0 * sum / covered[j]) : kNaN);
    row.kinds.push_back(covered[j] > 0 ? kind : -1);
  }
  return row;
}

}  // namespace

Chart StreamTimelineChart(const KinetoAnalysis& k, const std::vector<size_t>& ranks) {
  Chart c;
  c.kind = ChartKind::kHeatmap;
  c.id = "kineto-streams";
  c.title =
      "GPU busy share per stream (% of each time bucket; colour: the kernel type with most "
      "time in it)";
  c.x_label = TimeAxisLabel(k);
  c.y_min = 0;
  c.y_max = 100;
  c.value_unit = "%";
  int64_t t0 = std::numeric_limits<int64_t>::max(), t1 = std::numeric_limits<int64_t>::min();
  for (size_t i : ranks) {
    if (k.ranks[i].streams.empty()) continue;
    t0 = std::min(t0, k.ranks[i].start_ns);
    t1 = std::max(t1, k.ranks[i].end_ns);
  }
  if (t1 <= t0) return c;
  const double col = static_cast<double>(t1 - t0) / kTimelineColumns;
  for (size_t i : ranks) {
    const KinetoRankAnalysis& r = k.ranks[i];
    bool first = true;
    for (const StreamTimeline& s : r.streams) {
      if (s.busy_ns.empty()) continue;
      HeatmapRow row = StreamRow(r, s, t0, col);
      row.label = StreamLabel(k, i, s);
      row.group = first ? RankLabel(k, i) : "";
      first = false;
      c.heat_rows.push_back(std::move(row));
    }
  }
  for (KernelType t : {KernelType::kComputation, KernelType::kCommunication, KernelType::kMemcpy,
                       KernelType::kMemset}) {
    c.stack_labels.push_back(KernelTypeName(t));
    c.stack_colors.push_back(static_cast<int>(t));  // the breakdown's colours
  }
  const int64_t origin = TraceStartNs(k);
  c.x_min = static_cast<double>(t0 - origin) / 1e9;
  c.x_max = static_cast<double>(t1 - origin) / 1e9;
  c.height = 110 + 16.0 * static_cast<double>(c.heat_rows.size());
  return c;
}

Table TopKernelsTable(const KinetoAnalysis& k, size_t i) {
  const KinetoRankAnalysis& r = k.ranks[i];
  Table t;
  t.caption = fmt::format("Top GPU kernels of {} by total time", RankLabel(k, i));
  t.columns = {"Kernel", "Type", "Count", "Total (ms)", "Mean (µs)", "Share"};
  t.numeric = {false, false, true, true, true, true};
  for (const KernelStat& s : r.top_kernels) {
    if (t.rows.size() == kMaxRankRows) break;
    const std::string shown = ShortName(s.name, kMaxNameChars);
    t.cell_titles.push_back({shown == s.name ? "" : s.name});
    t.rows.push_back({shown, KernelTypeName(s.type), fmt::format("{}", s.count), Ms(s.total_ns),
                      FormatNumber(s.mean_ns / 1e3, 1),
                      FormatPercent(Pct(s.total_ns, r.launches.gpu_event_ns))});
  }
  return t;
}

Table TopOperatorsTable(const KinetoAnalysis& k, size_t i) {
  const KinetoRankAnalysis& r = k.ranks[i];
  Table t;
  t.caption = fmt::format("Top CPU operators of {} by self time", RankLabel(k, i));
  t.columns = {"Operator", "Self (ms)", "Total (ms)", "Count"};
  t.numeric = {false, true, true, true};
  for (const OperatorStat& s : r.top_operators) {
    if (t.rows.size() == kMaxRankRows) break;
    const std::string shown = ShortName(s.name, kMaxNameChars);
    t.cell_titles.push_back({shown == s.name ? "" : s.name});
    t.rows.push_back({shown, Ms(s.self_ns), Ms(s.total_ns), fmt::format("{}", s.count)});
  }
  return t;
}

Table LaunchTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "Kernel launches per rank";
  t.columns = {"Rank",           "Launches",       "Short kernels",  "Launch calls (ms)",
               "Delay p50 (µs)", "Delay p95 (µs)", "Delay max (µs)", "Outliers"};
  t.numeric = {false, true, true, true, true, true, true, true};
  const auto us = [](int64_t ns) { return FormatNumber(static_cast<double>(ns) / 1e3, 1); };
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    const LaunchStats& l = k.ranks[i].launches;
    t.rows.push_back(
        {RankLabel(k, i), fmt::format("{}", l.launches),
         fmt::format("{} ({})", l.short_kernels, FormatPercent(Pct(l.short_kernels, l.gpu_events))),
         Ms(l.launch_call_ns), us(l.delay_p50_ns), us(l.delay_p95_ns), us(l.delay_max_ns),
         fmt::format("{}", l.delay_outliers)});
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

Table SyncTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "Synchronization and synchronous copies per rank";
  t.columns = {"Rank",
               "Sync calls",
               "Blocked (ms)",
               "Sync copies",
               "In sync copies (ms)",
               "Pageable copies",
               "Pageable copy time (ms)"};
  t.numeric = {false, true, true, true, true, true, true};
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    const SyncStats& s = k.ranks[i].sync;
    t.rows.push_back({RankLabel(k, i), fmt::format("{}", s.sync_calls), Ms(s.sync_ns),
                      fmt::format("{}", s.sync_copies), Ms(s.sync_copy_ns),
                      fmt::format("{}", s.pageable_copies), Ms(s.pageable_copy_ns)});
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

Chart MemoryChart(const KinetoAnalysis& k, const std::vector<size_t>& ranks) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = "kineto-memory";
  c.title = "GPU memory allocated by PyTorch (GB)";
  c.x_label = TimeAxisLabel(k);
  c.y_label = "GB";
  const int64_t origin = TraceStartNs(k);
  for (size_t i : ranks) {
    const KinetoRankAnalysis& r = k.ranks[i];
    size_t gpus = 0;
    for (const DeviceMemory& m : r.memory) gpus += m.device >= 0 ? 1 : 0;
    for (const DeviceMemory& m : r.memory) {
      if (m.device < 0 || m.points.empty()) continue;
      ChartSeries s;
      s.label = gpus > 1 ? fmt::format("{} gpu{}", RankLabel(k, i), m.device) : RankLabel(k, i);
      for (const MemoryPoint& p : m.points) {
        s.points.push_back(
            {static_cast<double>(p.ts_ns - origin) / 1e9, static_cast<double>(p.allocated) / 1e9});
      }
      c.series.push_back(std::move(s));
    }
  }
  return c;
}

Chart SkewChart(const KinetoAnalysis& k) {
  Chart c;
  c.kind = ChartKind::kLine;
  c.id = "kineto-skew";
  c.title = "Step time across ranks (ms)";
  c.x_label = "Step";
  c.y_label = "ms";
  ChartSeries median{"median step", {}, 0}, slowest{"slowest rank's step", {}, 5},
      late{"late rank: end after the median end", {}, 1};
  for (const StepSkew& s : k.skew) {
    const double x = static_cast<double>(s.number);
    median.points.push_back({x, static_cast<double>(s.median_duration_ns) / 1e6});
    slowest.points.push_back({x, static_cast<double>(s.slowest_duration_ns) / 1e6});
    late.points.push_back({x, static_cast<double>(s.late_by_ns) / 1e6});
  }
  c.series = {std::move(median), std::move(slowest), std::move(late)};
  return c;
}

Table SkewTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "Steps with the largest difference between the slowest rank and the median";
  t.columns = {"Step",         "Ranks",         "Median (ms)",
               "Slowest rank", "Its step (ms)", "Over median (ms)",
               "Late rank",    "Late by (ms)"};
  t.numeric = {true, true, true, false, true, true, false, true};
  std::vector<const StepSkew*> order;
  for (const StepSkew& s : k.skew) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const StepSkew* a, const StepSkew* b) {
    return a->slowest_duration_ns - a->median_duration_ns >
           b->slowest_duration_ns - b->median_duration_ns;
  });
  for (const StepSkew* s : order) {
    t.rows.push_back({fmt::format("{}", s->number), fmt::format("{}", s->ranks),
                      Ms(s->median_duration_ns), fmt::format("rank {}", s->slowest_rank),
                      Ms(s->slowest_duration_ns),
                      Ms(s->slowest_duration_ns - s->median_duration_ns),
                      fmt::format("rank {}", s->late_rank), Ms(s->late_by_ns)});
  }
  TruncateRows(&t, kMaxRankRows, "steps");
  return t;
}

}  // namespace report_internal
}  // namespace smr
