// Building blocks of the PyTorch profiler section (pytorch_profiler.h).
#include "src/report/pytorch_profiler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "smr/analysis.h"
#include "src/report/cross_rank.h"
#include "src/report/job_timing.h"

namespace smr {
namespace report_internal {

namespace {

constexpr int kGpuColors[] = {0, 1, 2, 3, 7};
constexpr int kCpuColors[] = {4, 2, 5, 0, 7};

Chart StackedChart(const std::string& id, const std::string& title, bool gpu) {
  Chart c;
  c.kind = ChartKind::kStackedBar;
  c.id = id;
  c.title = title;
  for (size_t i = 0; i < 5; ++i) {
    c.stack_labels.push_back(gpu ? kGpuParts[i] : kCpuParts[i]);
    c.stack_colors.push_back(gpu ? kGpuColors[i] : kCpuColors[i]);
  }
  return c;
}

// Height for `bars` bars plus title, legend and axis.
double BarsHeight(size_t bars) { return 110 + 24.0 * static_cast<double>(bars); }

StackedBar PercentBar(std::string label, const std::vector<int64_t>& parts, int64_t whole) {
  StackedBar b;
  b.label = std::move(label);
  for (int64_t p : parts) b.values.push_back(Pct(p, whole));
  return b;
}

int64_t Sum(const std::vector<int64_t>& v) { return std::accumulate(v.begin(), v.end(), 0LL); }

std::string MsPct(int64_t ns, int64_t whole) {
  return fmt::format("{} ({})", Ms(ns), FormatPercent(Pct(ns, whole)));
}

}  // namespace

std::vector<int64_t> GpuParts(const GpuBreakdown& g) {
  return {g.computation_ns, g.communication_ns, g.memcpy_ns, g.memset_ns, g.idle_ns};
}

std::vector<int64_t> CpuParts(const CpuBreakdown& c) {
  return {c.dataloader_ns, c.optimizer_ns, c.synchronization_ns, c.operators_ns, c.idle_ns};
}

std::string Ms(int64_t ns) {
  if (ns == 0) return "0";
  const double ms = static_cast<double>(ns) / 1e6;
  return FormatNumber(ms, std::fabs(ms) < 1 ? 3 : 1);
}

double Pct(int64_t part, int64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0;
}

std::string RankLabel(const KinetoAnalysis& k, size_t i) {
  const KinetoRankAnalysis& r = k.ranks[i];
  size_t same = 0;
  for (const KinetoRankAnalysis& o : k.ranks) same += o.rank == r.rank ? 1 : 0;
  if (same > 1) return fmt::format("rank {} ({})", r.rank, r.file);
  return fmt::format("rank {}", r.rank);
}

std::string ShortName(const std::string& name, size_t max_chars) {
  size_t chars = 0, cut = std::string::npos;
  for (size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) == 0x80) continue;  // continuation
    if (chars == max_chars - 1) cut = i;
    ++chars;
  }
  if (chars <= max_chars || max_chars == 0) return name;
  return name.substr(0, cut) + "…";
}

int64_t TraceStartNs(const KinetoAnalysis& k) {
  int64_t t = k.ranks.empty() ? 0 : k.ranks[0].start_ns;
  for (const KinetoRankAnalysis& r : k.ranks) t = std::min(t, r.start_ns);
  return t;
}

std::string TimeAxisLabel(const KinetoAnalysis& k) {
  return fmt::format("Seconds since {} UTC", FormatUtc(static_cast<double>(TraceStartNs(k)) / 1e9));
}

std::vector<double> StepDurations(const KinetoRankAnalysis& r) {
  std::vector<double> d;
  for (const KinetoStep& s : r.steps) d.push_back(static_cast<double>(s.duration_ns()));
  return d;
}

double TypicalStepNs(const KinetoRankAnalysis& r) {
  if (r.steps.empty()) return static_cast<double>(r.gpu_steps.wall_ns());
  return Quantile(StepDurations(r), 0.5);
}

RankPick PickRanks(const KinetoAnalysis& k, const std::set<std::string>& flagged) {
  RankPick p;
  const size_t n = k.ranks.size();
  if (n == 0) return p;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return TypicalStepNs(k.ranks[a]) < TypicalStepNs(k.ranks[b]);
  });
  p.median = order[(n - 1) / 2];
  p.slowest = order[n - 1];
  p.open.push_back(p.median);
  if (p.slowest != p.median) p.open.push_back(p.slowest);
  // The others, flagged first, then slowest first, up to kMaxNodesDrawn
  // drawn in all.
  std::vector<size_t> rest(order.rbegin(), order.rend());
  std::stable_partition(rest.begin(), rest.end(),
                        [&](size_t i) { return flagged.count(RankLabel(k, i)) > 0; });
  for (size_t i : rest) {
    if (i == p.median || i == p.slowest) continue;
    if (p.open.size() + p.folded.size() < kMaxNodesDrawn) {
      p.folded.push_back(i);
    } else {
      ++p.left_out;
    }
  }
  return p;
}

Chart GpuBreakdownChart(const KinetoAnalysis& k) {
  Chart c = StackedChart("kineto-gpu-breakdown", "GPU time per rank (% of the stepped time)", true);
  for (size_t i = 0; i < k.ranks.size() && i < kMaxRankRows; ++i) {
    const GpuBreakdown& g = k.ranks[i].gpu_steps;
    c.stacks.push_back(PercentBar(RankLabel(k, i), GpuParts(g), g.wall_ns()));
  }
  c.y_min = 0;
  c.y_max = 100;
  c.x_label = "% of the stepped wall time";
  c.height = BarsHeight(c.stacks.size());
  return c;
}

Table GpuBreakdownTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "GPU time per rank over the stepped time: ms (% of the wall time)";
  // The GPU's name only when the ranks differ (else the section's first
  // sentence names it).
  std::set<std::string> names;
  for (const KinetoRankAnalysis& r : k.ranks) names.insert(r.gpu_name);
  const bool gpu_column = names.size() > 1;
  t.columns = {"Rank",   "Wall (ms)", "Computation", "Exposed communication",
               "Memcpy", "Memset",    "Idle"};
  t.numeric = {false, true, true, true, true, true, true};
  if (gpu_column) {
    t.columns.insert(t.columns.begin() + 1, "GPU");
    t.numeric.insert(t.numeric.begin() + 1, false);
  }
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    const KinetoRankAnalysis& r = k.ranks[i];
    const GpuBreakdown& g = r.gpu_steps;
    std::vector<std::string> row = {RankLabel(k, i), Ms(g.wall_ns())};
    if (gpu_column) row.insert(row.begin() + 1, r.gpu_name.empty() ? "-" : r.gpu_name);
    for (int64_t part : GpuParts(g)) row.push_back(MsPct(part, g.wall_ns()));
    t.rows.push_back(std::move(row));
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

Table OverlapIdleTable(const KinetoAnalysis& k) {
  Table t;
  t.caption =
      "Communication overlapped by computation, and the GPU idle gaps by cause (summed over "
      "streams): ms (% of the gaps)";
  t.columns = {"Rank",      "Communication (ms)", "Overlapped by computation",
               "Host wait", "Kernel wait",        "Other"};
  t.numeric = {false, true, true, true, true, true};
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    const GpuBreakdown& g = k.ranks[i].gpu_steps;
    const int64_t gaps = g.idle_host_wait_ns + g.idle_kernel_wait_ns + g.idle_other_ns;
    t.rows.push_back({RankLabel(k, i), Ms(g.communication_total_ns),
                      g.communication_total_ns > 0
                          ? FormatPercent(Pct(g.comm_comp_overlap_ns, g.communication_total_ns))
                          : "-",
                      MsPct(g.idle_host_wait_ns, gaps), MsPct(g.idle_kernel_wait_ns, gaps),
                      MsPct(g.idle_other_ns, gaps)});
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

Chart CpuBreakdownChart(const KinetoAnalysis& k) {
  Chart c =
      StackedChart("kineto-cpu-breakdown",
                   "Host time of the training thread per rank (% of the stepped time)", false);
  for (size_t i = 0; i < k.ranks.size() && i < kMaxRankRows; ++i) {
    const std::vector<int64_t> parts = CpuParts(k.ranks[i].cpu_steps);
    c.stacks.push_back(PercentBar(RankLabel(k, i), parts, Sum(parts)));
  }
  c.y_min = 0;
  c.y_max = 100;
  c.x_label = "% of the stepped wall time";
  c.height = BarsHeight(c.stacks.size());
  return c;
}

Table CpuBreakdownTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "Host time of the training thread per rank: ms (% of the stepped time)";
  t.columns = {"Rank",      "Dataloader", "Optimizer",           "Synchronization",
               "Operators", "Idle",       "In launch calls (ms)"};
  t.numeric = {false, true, true, true, true, true, true};
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    const CpuBreakdown& c = k.ranks[i].cpu_steps;
    const std::vector<int64_t> parts = CpuParts(c);
    std::vector<std::string> row = {RankLabel(k, i)};
    for (int64_t p : parts) row.push_back(MsPct(p, Sum(parts)));
    row.push_back(Ms(c.runtime_ns));
    t.rows.push_back(std::move(row));
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

Table StepDistributionTable(const KinetoAnalysis& k) {
  Table t;
  t.caption = "Step time per rank (ms)";
  t.columns = {"Rank", "Steps", "Min", "Median", "p95", "Max"};
  t.numeric = {false, true, true, true, true, true};
  const RankPick pick = PickRanks(k);
  for (size_t i = 0; i < k.ranks.size(); ++i) {
    std::vector<double> d = StepDurations(k.ranks[i]);
    if (d.empty()) continue;
    std::sort(d.begin(), d.end());
    const auto ms = [](double ns) { return Ms(static_cast<int64_t>(std::llround(ns))); };
    if (i == pick.slowest && k.ranks.size() > 1) {
      t.highlight_rows.push_back(static_cast<int>(t.rows.size()));
    }
    t.rows.push_back({RankLabel(k, i), fmt::format("{}", d.size()), ms(d.front()),
                      ms(QuantileSorted(d, 0.5)), ms(QuantileSorted(d, 0.95)), ms(d.back())});
  }
  TruncateRows(&t, kMaxRankRows, "ranks");
  return t;
}

namespace {

// The steps drawn: all, or the kMaxStepBars slowest in step order.
std::vector<size_t> DrawnSteps(const KinetoRankAnalysis& r) {
  std::vector<size_t> idx(r.steps.size());
  std::iota(idx.begin(), idx.end(), 0);
  if (idx.size() <= kMaxStepBars) return idx;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    return r.steps[a].duration_ns() > r.steps[b].duration_ns();
  });
  idx.resize(kMaxStepBars);
  std::sort(idx.begin(), idx.end());
  return idx;
}

Chart StepChart(const KinetoAnalysis& k, size_t i, bool gpu) {
  const KinetoRankAnalysis& r = k.ranks[i];
  const std::vector<size_t> drawn = DrawnSteps(r);
  const std::string which =
      drawn.size() < r.steps.size() ? fmt::format(", the {} slowest steps", drawn.size()) : "";
  Chart c = StackedChart(
      fmt::format("kineto-steps-{}-{}", gpu ? "gpu" : "cpu", i),
      fmt::format("{} time per step of {} (ms{})", gpu ? "GPU" : "Host", RankLabel(k, i), which),
      gpu);
  for (size_t s : drawn) {
    const KinetoStep& st = r.steps[s];
    StackedBar b;
    b.label = fmt::format("step {}", st.number);
    for (int64_t p : gpu ? GpuParts(st.gpu) : CpuParts(st.cpu)) {
      b.values.push_back(static_cast<double>(p) / 1e6);
    }
    c.stacks.push_back(std::move(b));
  }
  c.x_label = "ms";
  c.width = 450;
  c.height = BarsHeight(c.stacks.size()) + 20;
  return c;
}

}  // namespace

Chart StepGpuChart(const KinetoAnalysis& k, size_t i) { return StepChart(k, i, true); }
Chart StepCpuChart(const KinetoAnalysis& k, size_t i) { return StepChart(k, i, false); }

}  // namespace report_internal
}  // namespace smr
