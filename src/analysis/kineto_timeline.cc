// Per-stream GPU timelines, GPU busy time per 100 ms bucket and the memory
// series of one Kineto trace (smr/kineto_analysis.h).
#include <algorithm>

#include "src/analysis/kineto_internal.h"

namespace smr::kineto {
namespace {

// Equal buckets over [start, start + span): edge(b) = start + span × b / n.
struct Buckets {
  int64_t start = 0, span = 0, n = 0;
  int64_t Edge(int64_t b) const {
    return start + static_cast<int64_t>(static_cast<__int128>(span) * b / n);
  }
  int64_t Of(int64_t t) const {
    if (t <= start) return 0;
    const auto b = static_cast<int64_t>(static_cast<__int128>(t - start) * n / span);
    return std::min(b, n - 1);
  }
  // Calls add(bucket, ns) for the part of [s, e) in each bucket.
  template <typename Add>
  void Spread(int64_t s, int64_t e, Add add) const {
    s = std::max(s, start);
    e = std::min(e, start + span);
    for (int64_t b = Of(s); s < e && b < n; ++b) {
      // Of() may land one bucket early when the edge rounds down.
      const int64_t hi = std::min(e, Edge(b + 1));
      if (hi > s) add(b, hi - s);
      s = std::max(s, hi);
    }
  }
};

}  // namespace

std::vector<StreamTimeline> StreamTimelines(const TraceIndex& x, int64_t start, int64_t end) {
  const KinetoEvents& ev = x.trace->events;
  const int64_t n = x.options->timeline_buckets;
  const Buckets buckets{start, std::max<int64_t>(0, end - start), n};
  std::vector<StreamTimeline> out;
  for (size_t s = 0; s + 1 < x.stream_begin.size(); ++s) {
    StreamTimeline line;
    const uint32_t first = x.gpu[x.stream_begin[s]];
    line.device = ev.device[first];
    line.stream = ev.stream[first];
    line.busy_ns.assign(static_cast<size_t>(n), {0, 0, 0, 0});
    for (uint32_t k = x.stream_begin[s]; k < x.stream_begin[s + 1] && buckets.span > 0; ++k) {
      const uint32_t e = x.gpu[k];
      const int type = static_cast<int>(x.type(e));
      buckets.Spread(ev.start_ns[e], ev.end_ns(e),
                     [&](int64_t b, int64_t ns) { line.busy_ns[b][type] += ns; });
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<int64_t> BusyPerBucket(const TraceIndex& x, int64_t start, int64_t end,
                                   int64_t bucket_ns) {
  if (end <= start || bucket_ns <= 0) return {};
  const int64_t n = (end - start + bucket_ns - 1) / bucket_ns;
  std::vector<int64_t> out(static_cast<size_t>(n), 0);
  for (const Interval& i : x.busy) {
    int64_t s = std::max(i.start, start);
    const int64_t e = std::min(i.end, end);
    while (s < e) {
      const int64_t b = (s - start) / bucket_ns;
      const int64_t hi = std::min(e, start + (b + 1) * bucket_ns);
      out[b] += hi - s;
      s = hi;
    }
  }
  return out;
}

std::vector<DeviceMemory> MemoryPerDevice(const KinetoTrace& t) {
  const std::vector<KinetoMemorySample>& m = t.memory;
  const auto device_of = [&](size_t i) { return m[i].device_type == 0 ? -1 : m[i].device; };
  std::vector<uint32_t> order(m.size());
  for (size_t i = 0; i < m.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int32_t da = device_of(a), db = device_of(b);
    return da != db ? da < db : (m[a].ts_ns != m[b].ts_ns ? m[a].ts_ns < m[b].ts_ns : a < b);
  });
  constexpr size_t kMaxPoints = 500;
  std::vector<DeviceMemory> out;
  std::vector<MemoryPoint> points;
  for (size_t k = 0; k < order.size();) {
    DeviceMemory d;
    d.device = device_of(order[k]);
    points.clear();
    int64_t running = 0;
    for (; k < order.size() && device_of(order[k]) == d.device; ++k) {
      const KinetoMemorySample& s = m[order[k]];
      running += s.bytes;
      const int64_t allocated = s.total_allocated >= 0 ? s.total_allocated : running;
      points.push_back({s.ts_ns, allocated, s.total_reserved});
      d.peak_allocated = std::max(d.peak_allocated, allocated);
    }
    if (points.size() <= kMaxPoints) {
      d.points = points;
    } else {
      // kMaxPoints buckets of consecutive samples; the largest of each.
      for (size_t b = 0; b < kMaxPoints; ++b) {
        const size_t lo = b * points.size() / kMaxPoints;
        const size_t hi = (b + 1) * points.size() / kMaxPoints;
        auto best = std::max_element(
            points.begin() + lo, points.begin() + hi,
            [](const MemoryPoint& a, const MemoryPoint& c) { return a.allocated < c.allocated; });
        d.points.push_back(*best);
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace smr::kineto
