// Raw-data views for the report (smr/analysis.h): framework activity inside
// a time span, data-loader processes per second, GPU samples per minute,
// mean utilization per training phase and per-series percentiles, read from
// the frozen store.
// The report formats them; it does not scan the store itself.
#include <algorithm>
#include <set>
#include <string_view>

#include "smr/analysis.h"
#include "src/analysis/report_views.h"

namespace smr {

std::vector<uint32_t> FrameworkEventsOfNode(const MetricStore& store, StrId node) {
  std::vector<uint32_t> out;
  const EventColumns& ev = store.events();
  for (uint32_t i = 0; i < ev.size(); ++i) {
    if (ev.node[i] == node) out.push_back(i);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](uint32_t a, uint32_t b) { return ev.start_us[a] < ev.start_us[b]; });
  return out;
}

std::vector<std::pair<double, StrId>> PhaseTimeInside(const MetricStore& store,
                                                      const std::vector<uint32_t>& node_events,
                                                      int64_t start_us, int64_t end_us) {
  const EventColumns& ev = store.events();
  std::map<StrId, double> per_phase;
  // Events are sorted by start; none that start after `end_us` can overlap.
  auto last = std::upper_bound(node_events.begin(), node_events.end(), end_us,
                               [&](int64_t t, uint32_t e) { return t < ev.start_us[e]; });
  for (auto it = node_events.begin(); it != last; ++it) {
    const uint32_t e = *it;
    if (ev.end_us[e] < start_us) continue;
    if (store.str(ev.name[e]).find("Step:ModeKeys") != std::string_view::npos) continue;
    const double overlap =
        static_cast<double>(std::min(end_us, ev.end_us[e]) - std::max(start_us, ev.start_us[e]));
    if (overlap <= 0) continue;
    per_phase[ev.phase[e]] += overlap;
  }
  std::vector<std::pair<double, StrId>> sorted;
  for (const auto& [p, v] : per_phase) sorted.emplace_back(v, p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  return sorted;
}

std::map<int64_t, size_t> DataLoaderProcessesPerSecond(const MetricStore& store) {
  const EventColumns& ev = store.events();
  std::map<int64_t, std::set<int64_t>> pids;
  for (uint32_t e = 0; e < ev.size(); ++e) {
    const std::string_view phase = store.str(ev.phase[e]);
    if (phase != "DataLoaderWorker" && phase != "DataLoaderIter") continue;
    pids[ev.start_us[e] / 1'000'000].insert(ev.os_pid[e]);
  }
  std::map<int64_t, size_t> out;
  for (const auto& [sec, set] : pids) out[sec] = set.size();
  return out;
}

bool HasGpuUtilization(const MetricStore& store) {
  for (const SeriesInfo& si : store.series()) {
    if (si.kind == MetricKind::kGpuUtilization) return true;
  }
  return false;
}

std::map<int64_t, double> GpuSamplesPerMinute(const MetricStore& store) {
  std::map<int64_t, double> out;
  std::set<std::pair<uint32_t, double>> seen;  // (node, ts) of GPU samples
  for (uint32_t row = 0; row < store.system().size(); ++row) {
    const SeriesInfo& si = store.series()[store.system().series(row)];
    if (si.kind != MetricKind::kGpuUtilization) continue;
    if (seen.insert({si.node, store.system().ts(row)}).second) {
      out[static_cast<int64_t>(store.system().ts(row) / 60)] += 1;
    }
  }
  return out;
}

PhaseMeans MeanPerPhase(const MetricStore& store, const JobTimeline& timeline,
                        const std::vector<const std::vector<uint32_t>*>& groups) {
  const auto& phases = timeline.phases;
  PhaseMeans m;
  for (const auto& p : phases) {
    if (std::find(m.labels.begin(), m.labels.end(), p.label) == m.labels.end()) {
      m.labels.push_back(p.label);
    }
  }
  auto label_index = [&](const std::string& l) {
    return static_cast<size_t>(std::find(m.labels.begin(), m.labels.end(), l) - m.labels.begin());
  };
  m.sums.assign(groups.size(), std::vector<std::pair<double, int64_t>>(m.labels.size()));
  m.seconds.assign(m.labels.size(), 0);
  for (const auto& p : phases) m.seconds[label_index(p.label)] += (p.end_us - p.start_us) / 1e6;
  for (size_t k = 0; k < groups.size(); ++k) {
    for (uint32_t s : *groups[k]) {
      for (uint32_t row : store.SeriesRows(s)) {
        const int64_t ts_us = static_cast<int64_t>(store.system().ts(row) * 1e6);
        // Last phase starting at or before ts.
        auto it =
            std::upper_bound(phases.begin(), phases.end(), ts_us,
                             [](int64_t t, const PhaseInterval& p) { return t < p.start_us; });
        if (it == phases.begin()) continue;
        --it;
        if (ts_us > it->end_us) continue;
        auto& a = m.sums[k][label_index(it->label)];
        a.first += store.system().value(row);
        a.second += 1;
      }
    }
  }
  return m;
}

std::vector<SeriesSummary> SummarizeSeries(const MetricStore& store,
                                           const std::vector<uint32_t>& series, double t0_s,
                                           double t1_s) {
  std::vector<SeriesSummary> out;
  std::vector<double> values, qs(2), scratch;
  const double kQ[] = {0.5, 0.95};
  for (uint32_t s : series) {
    values.clear();
    for (uint32_t row : store.SeriesRows(s)) {
      const double ts = store.system().ts(row);
      if (t1_s >= t0_s && (ts < t0_s || ts > t1_s)) continue;
      values.push_back(store.system().value(row));
    }
    SeriesSummary sum;
    sum.series = s;
    sum.n = static_cast<int64_t>(values.size());
    if (!values.empty()) {
      Quantiles(values, kQ, qs, &scratch);
      sum.p50 = qs[0];
      sum.p95 = qs[1];
    }
    out.push_back(sum);
  }
  return out;
}

}  // namespace smr
