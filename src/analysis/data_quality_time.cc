// Per-node time analysis for the data-quality summary: sample counts and
// ranges, out-of-order samples, the sampling interval and gaps of system
// metrics, and the range of framework events.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/analysis/data_quality_internal.h"

namespace smr {

DqNode* NodeFor(std::map<std::string, DqNode>* nodes, const std::string& name) {
  DqNode& n = (*nodes)[name];
  n.node = name;
  return &n;
}

namespace {

double Median(std::vector<double>* v) {
  if (v->empty()) return 0;
  const size_t mid = v->size() / 2;
  std::nth_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid), v->end());
  double m = (*v)[mid];
  if (v->size() % 2 == 0) {
    m = (m + *std::max_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  }
  return m;
}

// Gaps of one node: pairs of consecutive timestamps (in time order, over
// all the node's series) more than `limit` apart. Without sorting: with
// buckets `limit`/2 wide (bucket numbers grow with the timestamp, and two
// timestamps more than `limit` apart can never share a bucket, whatever the
// rounding), a gap can only run from the latest timestamp of a non-empty
// bucket to the earliest of the next non-empty one, and each such pair is a
// gap iff it is more than `limit` apart. A far-future clock jump
// would need too many buckets; then the timestamps are sorted instead.
std::vector<DqGap> FindGaps(const MetricStore& store, StrId node, double lo, double hi,
                            size_t count, double limit) {
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  std::vector<DqGap> gaps;
  if (count < 2 || !(hi > lo)) return gaps;
  const double width = limit / 2;
  const double span_buckets = std::floor((hi - lo) / width) + 1;
  if (span_buckets <= static_cast<double>(4 * count + 1024)) {
    const auto n_buckets = static_cast<size_t>(span_buckets);
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<double> bmin(n_buckets, kInf), bmax(n_buckets, -kInf);
    // Order does not matter here: rows in storage order (sequential reads).
    std::vector<char> mine(series.size(), 0);
    for (uint32_t s = 0; s < series.size(); ++s) mine[s] = series[s].node == node;
    for (size_t row = 0; row < sys.size(); ++row) {
      if (!mine[sys.series(row)]) continue;
      const double ts = sys.ts(row);
      const size_t b = std::min(n_buckets - 1, static_cast<size_t>((ts - lo) / width));
      bmin[b] = std::min(bmin[b], ts);
      bmax[b] = std::max(bmax[b], ts);
    }
    double prev_max = -kInf;
    for (size_t b = 0; b < n_buckets; ++b) {
      if (bmin[b] == kInf) continue;
      if (prev_max != -kInf && bmin[b] - prev_max > limit) {
        gaps.push_back(DqGap{prev_max, bmin[b]});
      }
      prev_max = bmax[b];
    }
    return gaps;
  }
  std::vector<double> all_ts;
  all_ts.reserve(count);
  for (uint32_t s = 0; s < series.size(); ++s) {
    if (series[s].node != node) continue;
    for (uint32_t row : store.SeriesRows(s)) all_ts.push_back(sys.ts(row));
  }
  std::sort(all_ts.begin(), all_ts.end());
  for (size_t i = 1; i < all_ts.size(); ++i) {
    if (all_ts[i] - all_ts[i - 1] > limit) gaps.push_back(DqGap{all_ts[i - 1], all_ts[i]});
  }
  return gaps;
}

// Sample counts, time range and ordering of each system node; `by_id` and
// `node_of` map node ids and series to their entries.
void CountSystemSamples(const MetricStore& store, std::map<std::string, DqNode>* nodes,
                        std::unordered_map<StrId, DqNode*>* by_id_out,
                        std::vector<DqNode*>* node_of_out) {
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  // Reader order: a sample earlier than its series' previous one is out of
  // order (a clock step back, or files merged out of order).
  std::vector<double> last(series.size(), -std::numeric_limits<double>::infinity());
  std::unordered_map<StrId, DqNode*>& by_id = *by_id_out;
  for (StrId id : store.system_nodes()) {
    by_id[id] = NodeFor(nodes, SanitizeUtf8(store.str(id)));
  }
  std::vector<DqNode*>& node_of = *node_of_out;
  node_of.assign(series.size(), nullptr);
  for (size_t s = 0; s < series.size(); ++s) {
    auto it = by_id.find(series[s].node);
    if (it != by_id.end()) node_of[s] = it->second;
  }
  for (size_t row = 0; row < sys.size(); ++row) {
    const uint32_t s = sys.series(row);
    DqNode* n = node_of[s];
    const double ts = sys.ts(row);
    if (n->system_samples == 0) {
      n->first_s = n->last_s = ts;
    } else {
      n->first_s = std::min(n->first_s, ts);
      n->last_s = std::max(n->last_s, ts);
    }
    ++n->system_samples;
    if (ts < last[s]) {
      ++n->out_of_order_samples;
      n->max_backward_jump_s = std::max(n->max_backward_jump_s, last[s] - ts);
    }
    last[s] = ts;
  }
}

// Interval: the median step between consecutive samples of each series
// (series of one node are sampled together, a few ms apart, so the union
// of their timestamps would give ms steps). Gaps: steps of the node's
// union of timestamps longer than kGapIntervals intervals.
void AnalyseNodeInterval(const MetricStore& store, StrId id, DqNode* n,
                         const std::vector<DqNode*>& node_of) {
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  std::vector<double> steps;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t count = 0;
  steps.reserve(static_cast<size_t>(n->system_samples));  // at most one per sample
  if (n->out_of_order_samples == 0) {
    // Every series of the node is in time order as stored, so storage
    // order gives the same steps as SeriesRows, with sequential reads.
    std::vector<double> prev(series.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t row = 0; row < sys.size(); ++row) {
      const uint32_t s = sys.series(row);
      if (node_of[s] != n) continue;
      const double ts = sys.ts(row);
      if (ts > prev[s]) steps.push_back(ts - prev[s]);  // false while NaN
      prev[s] = ts;
    }
    lo = n->first_s;
    hi = n->last_s;
    count = n->system_samples;
  } else {
    for (uint32_t s = 0; s < series.size(); ++s) {
      if (series[s].node != id) continue;
      double prev = 0;
      bool have_prev = false;
      for (uint32_t row : store.SeriesRows(s)) {
        const double ts = sys.ts(row);
        lo = std::min(lo, ts);
        hi = std::max(hi, ts);
        ++count;
        if (have_prev && ts > prev) steps.push_back(ts - prev);
        prev = ts;
        have_prev = true;
      }
    }
  }
  n->median_interval_s = Median(&steps);
  if (n->median_interval_s <= 0) return;
  const double limit = DataQuality::kGapIntervals * n->median_interval_s;
  n->gaps = FindGaps(store, id, lo, hi, count, limit);
}

}  // namespace

void AnalyseSystemTime(const MetricStore& store, std::map<std::string, DqNode>* nodes) {
  if (store.system().size() == 0) return;
  std::unordered_map<StrId, DqNode*> by_id;
  std::vector<DqNode*> node_of;
  CountSystemSamples(store, nodes, &by_id, &node_of);
  for (StrId id : store.system_nodes()) AnalyseNodeInterval(store, id, by_id[id], node_of);
}

void AnalyseFrameworkTime(const MetricStore& store, std::map<std::string, DqNode>* nodes) {
  const EventColumns& ev = store.events();
  std::unordered_map<StrId, DqNode*> by_id;
  for (size_t i = 0; i < ev.size(); ++i) {
    auto it = by_id.find(ev.node[i]);
    if (it == by_id.end()) {
      it = by_id.emplace(ev.node[i], NodeFor(nodes, SanitizeUtf8(store.str(ev.node[i])))).first;
    }
    DqNode* n = it->second;
    if (n->framework_events == 0) {
      n->framework_first_us = ev.start_us[i];
      n->framework_last_us = ev.end_us[i];
    } else {
      n->framework_first_us = std::min(n->framework_first_us, ev.start_us[i]);
      n->framework_last_us = std::max(n->framework_last_us, ev.end_us[i]);
    }
    ++n->framework_events;
  }
}

}  // namespace smr
