// Raw-data views for the report's timelines and slow steps (smr/timeline_views.h):
// utilization per time bucket, the system node of a framework node, the
// utilization and the framework activity during a time span, and the
// slowest and the median step. The report formats them; it does not scan
// the store itself.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include "smr/analysis.h"
#include "smr/timeline_views.h"

namespace smr {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Rows of one series (time-sorted) with t0_s <= ts <= t1_s.
std::span<const uint32_t> RowsIn(const MetricStore& store, uint32_t series, double t0_s,
                                 double t1_s) {
  const std::span<const uint32_t> rows = store.SeriesRows(series);
  const SystemColumns& sys = store.system();
  auto lo = std::lower_bound(rows.begin(), rows.end(), t0_s,
                             [&](uint32_t r, double t) { return sys.ts(r) < t; });
  auto hi =
      std::upper_bound(lo, rows.end(), t1_s, [&](double t, uint32_t r) { return t < sys.ts(r); });
  return {lo, hi};
}

// Mean of the samples of `kind` on `node` in [t0_s, t1_s]; NaN for none.
double MeanOf(const MetricStore& store, StrId node, MetricKind kind, double t0_s, double t1_s,
              std::set<double>* timestamps) {
  double sum = 0;
  int64_t n = 0;
  for (uint32_t s : store.SeriesOf(node, kind)) {
    for (uint32_t r : RowsIn(store, s, t0_s, t1_s)) {
      sum += store.system().value(r);
      ++n;
      if (timestamps != nullptr) timestamps->insert(store.system().ts(r));
    }
  }
  return n > 0 ? sum / static_cast<double>(n) : kNaN;
}

bool IsStepName(std::string_view name) { return name.find("Step:ModeKeys") != name.npos; }

}  // namespace

std::vector<double> BucketMeans(const MetricStore& store, const std::vector<uint32_t>& series,
                                double t0_s, double t1_s, size_t columns) {
  std::vector<double> sum(columns, 0);
  std::vector<int64_t> n(columns, 0);
  if (columns == 0 || !(t1_s > t0_s)) return std::vector<double>(columns, kNaN);
  const double w = (t1_s - t0_s) / static_cast<double>(columns);
  for (uint32_t s : series) {
    for (uint32_t r : RowsIn(store, s, t0_s, t1_s)) {
      const double ts = store.system().ts(r);
      const size_t k = std::min(columns - 1, static_cast<size_t>((ts - t0_s) / w));
      sum[k] += store.system().value(r);
      ++n[k];
    }
  }
  std::vector<double> out(columns, kNaN);
  for (size_t k = 0; k < columns; ++k) {
    if (n[k] > 0) out[k] = sum[k] / static_cast<double>(n[k]);
  }
  return out;
}

int64_t SystemNodeOf(const MetricStore& store, StrId framework_node) {
  const std::string_view fw = store.str(framework_node);
  int64_t best = -1;
  size_t best_len = 0;
  for (StrId node : store.system_nodes()) {
    const std::string_view sys = store.str(node);
    const bool match = fw == sys || (fw.size() > sys.size() && fw.substr(0, sys.size()) == sys &&
                                     fw[sys.size()] == '-');
    if (match && sys.size() >= best_len) {
      best = node;
      best_len = sys.size();
    }
  }
  if (best < 0 && store.system_nodes().size() == 1) best = store.system_nodes()[0];
  return best;
}

SpanUsage UsageDuring(const MetricStore& store, StrId node, double t0_s, double t1_s) {
  SpanUsage u;
  std::set<double> timestamps;
  u.cpu = MeanOf(store, node, MetricKind::kCpuUtilization, t0_s, t1_s, &timestamps);
  u.gpu = MeanOf(store, node, MetricKind::kGpuUtilization, t0_s, t1_s, nullptr);
  u.io_wait = MeanOf(store, node, MetricKind::kCpuIoWait, t0_s, t1_s, nullptr);
  u.samples = static_cast<int64_t>(timestamps.size());
  return u;
}

std::vector<EventTime> EventTimeInside(const MetricStore& store,
                                       const std::vector<uint32_t>& node_events, int64_t start_us,
                                       int64_t end_us, size_t limit) {
  const EventColumns& ev = store.events();
  struct Acc {
    double us = 0;
    std::map<StrId, double> by_phase;
  };
  std::map<StrId, Acc> per_name;
  // Events are sorted by start; none that start after `end_us` can overlap.
  auto last = std::upper_bound(node_events.begin(), node_events.end(), end_us,
                               [&](int64_t t, uint32_t e) { return t < ev.start_us[e]; });
  for (auto it = node_events.begin(); it != last; ++it) {
    const uint32_t e = *it;
    if (ev.end_us[e] < start_us || IsStepName(store.str(ev.name[e]))) continue;
    const double overlap =
        static_cast<double>(std::min(end_us, ev.end_us[e]) - std::max(start_us, ev.start_us[e]));
    if (overlap <= 0) continue;
    Acc& a = per_name[ev.name[e]];
    a.us += overlap;
    a.by_phase[ev.phase[e]] += overlap;
  }
  std::vector<EventTime> out;
  for (const auto& [name, a] : per_name) {
    StrId phase = 0;
    double most = -1;
    for (const auto& [p, us] : a.by_phase) {
      if (us > most) {
        most = us;
        phase = p;
      }
    }
    out.push_back({name, phase, a.us});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const EventTime& a, const EventTime& b) { return a.us > b.us; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

SlowSteps FindSlowSteps(const MetricStore& store, const JobTimeline& timeline, size_t n) {
  SlowSteps out;
  std::map<StrId, int64_t> per_phase;
  for (const StepEvent& s : timeline.steps) ++per_phase[s.phase];
  if (per_phase.empty()) return out;
  const int64_t train = store.strings().Find("Step:ModeKeys.TRAIN");
  if (train >= 0 && per_phase.count(static_cast<StrId>(train)) > 0) {
    out.phase = static_cast<StrId>(train);
  } else {
    int64_t most = -1;
    for (const auto& [p, c] : per_phase) {
      if (c > most) {
        most = c;
        out.phase = p;
      }
    }
  }
  std::vector<uint32_t> idx;
  for (uint32_t i = 0; i < timeline.steps.size(); ++i) {
    if (timeline.steps[i].phase == out.phase) idx.push_back(i);
  }
  out.count = static_cast<int64_t>(idx.size());
  auto dur = [&](uint32_t i) { return timeline.steps[i].end_us - timeline.steps[i].start_us; };
  // timeline.steps is sorted by start, so a stable sort breaks ties by start.
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return dur(a) > dur(b); });
  // Lower median: the ((count - 1) / 2)-th shortest = index count / 2 from the longest.
  out.median = idx[idx.size() / 2];
  out.median_s = static_cast<double>(dur(out.median)) / 1e6;
  idx.resize(std::min(n, idx.size()));
  out.slowest = std::move(idx);
  return out;
}

}  // namespace smr
