// The per-trace index of the Kineto analyses (kineto_internal.h): kernel
// types by name, launches by correlation, HTA's last-step filter, GPU events
// sorted per stream, the unions by type, the idle gaps per stream and the
// host events sorted per thread.
#include <algorithm>
#include <tuple>

#include "src/analysis/kineto_internal.h"

namespace smr::kineto {
namespace {

void ClassifyNames(const KinetoTrace& t, TraceIndex& x) {
  const KinetoEvents& ev = t.events;
  x.type_by_name.assign(t.strings.size(), KernelType::kComputation);
  std::vector<uint8_t> done(t.strings.size(), 0);
  for (size_t i = 0; i < ev.size(); ++i) {
    if (!IsGpuActivity(ev.category[i]) || done[ev.name[i]]) continue;
    done[ev.name[i]] = 1;
    x.type_by_name[ev.name[i]] = ClassifyGpuEvent(ev.category[i], t.str(ev.name[i]));
  }
}

// launch[i] = the runtime call (else driver call) with the GPU event's
// correlation; the first in file order when several share it.
void FindLaunches(const KinetoEvents& ev, TraceIndex& x) {
  struct Key {
    int64_t correlation;
    int priority;
    uint32_t index;
  };
  std::vector<Key> keys;
  for (size_t i = 0; i < ev.size(); ++i) {
    const KinetoCategory c = ev.category[i];
    if ((c == KinetoCategory::kRuntime || c == KinetoCategory::kDriver) && ev.correlation[i] >= 0) {
      keys.push_back(
          {ev.correlation[i], c == KinetoCategory::kRuntime ? 0 : 1, static_cast<uint32_t>(i)});
    }
  }
  const auto less = [](const Key& a, const Key& b) {
    return std::tie(a.correlation, a.priority, a.index) <
           std::tie(b.correlation, b.priority, b.index);
  };
  std::sort(keys.begin(), keys.end(), less);
  x.launch.assign(ev.size(), -1);
  for (size_t i = 0; i < ev.size(); ++i) {
    if (!IsGpuActivity(ev.category[i])) continue;
    ++x.all_gpu;
    if (ev.correlation[i] < 0) continue;
    auto it = std::lower_bound(keys.begin(), keys.end(), Key{ev.correlation[i], -1, 0}, less);
    if (it != keys.end() && it->correlation == ev.correlation[i]) {
      x.launch[i] = static_cast<int32_t>(it->index);
    }
  }
}

// Kept GPU events sorted by (device, stream, start, end), and the streams.
void SortGpuEvents(const KinetoEvents& ev, const KinetoOptions& o,
                   const std::vector<KinetoStep>& steps, TraceIndex& x) {
  const bool filter = o.hta_drop_last_step && steps.size() >= 2;
  // HTA: launched before the last step starts, or (keeping the last step)
  // at or before the latest end of a step annotation.
  int64_t limit = steps.empty() ? 0 : steps.back().start_ns;
  if (o.hta_keep_last_step) {
    for (const KinetoStep& s : steps) limit = std::max(limit, s.end_ns + 1);
  }
  x.gpu.reserve(x.all_gpu);
  for (size_t i = 0; i < ev.size(); ++i) {
    if (!IsGpuActivity(ev.category[i])) continue;
    if (filter && (x.launch[i] < 0 || ev.start_ns[x.launch[i]] >= limit)) continue;
    x.gpu.push_back(static_cast<uint32_t>(i));
  }
  std::sort(x.gpu.begin(), x.gpu.end(), [&ev](uint32_t a, uint32_t b) {
    return std::tie(ev.device[a], ev.stream[a], ev.start_ns[a], ev.dur_ns[a], a) <
           std::tie(ev.device[b], ev.stream[b], ev.start_ns[b], ev.dur_ns[b], b);
  });
  for (size_t k = 0; k < x.gpu.size(); ++k) {
    const uint32_t e = x.gpu[k];
    if (k == 0 || ev.device[e] != ev.device[x.gpu[k - 1]] ||
        ev.stream[e] != ev.stream[x.gpu[k - 1]]) {
      x.stream_begin.push_back(static_cast<uint32_t>(k));
    }
  }
  x.stream_begin.push_back(static_cast<uint32_t>(x.gpu.size()));
}

void BuildUnions(const KinetoEvents& ev, TraceIndex& x) {
  Intervals by_type[4];
  for (uint32_t e : x.gpu) {
    by_type[static_cast<int>(x.type(e))].push_back({ev.start_ns[e], ev.end_ns(e)});
    const int cat = ev.category[e] == KinetoCategory::kKernel   ? 0
                    : ev.category[e] == KinetoCategory::kMemcpy ? 1
                                                                : 2;
    x.starts[cat].push_back(ev.start_ns[e]);
  }
  for (auto& s : x.starts) std::sort(s.begin(), s.end());
  for (int t = 0; t < 4; ++t) x.by_type[t] = Union(std::move(by_type[t]));
  const Intervals& comp = x.by_type[0];
  const Intervals& comm = x.by_type[1];
  const Intervals& cpy = x.by_type[2];
  const Intervals& set = x.by_type[3];
  x.comp_comm = Merge(comp, comm);
  x.comp_comm_memcpy = Merge(x.comp_comm, cpy);
  x.busy = Merge(x.comp_comm_memcpy, set);
  x.memory = Merge(cpy, set);
  x.comm_and_comp = Intersect(comm, comp);
  x.memcpy_and_cc = Intersect(cpy, x.comp_comm);
  x.memset_and_ccm = Intersect(set, x.comp_comm_memcpy);
  x.comp_and_mem = Intersect(comp, x.memory);
  x.comm_and_mem = Intersect(comm, x.memory);
}

// HTA's idle gaps: between consecutive events of a stream (the first has
// none); host wait when the next event's launch started after the previous
// event ended, else kernel wait below the threshold, else other.
void BuildGaps(const KinetoEvents& ev, const KinetoOptions& o, TraceIndex& x) {
  x.gaps.reserve(x.gpu.size());
  for (size_t s = 0; s + 1 < x.stream_begin.size(); ++s) {
    x.gap_begin.push_back(static_cast<uint32_t>(x.gaps.size()));
    for (uint32_t k = x.stream_begin[s] + 1; k < x.stream_begin[s + 1]; ++k) {
      const uint32_t prev = x.gpu[k - 1];
      const uint32_t next = x.gpu[k];
      const int64_t prev_end = ev.end_ns(prev);
      const int64_t gap = ev.start_ns[next] - prev_end;
      Gap g{prev_end, std::max(prev_end, ev.start_ns[next]), IdleKind::kOther};
      if (x.launch[next] >= 0 && ev.start_ns[x.launch[next]] > prev_end) {
        g.kind = IdleKind::kHostWait;
      } else if (gap < o.consecutive_kernel_delay_ns) {
        g.kind = IdleKind::kKernelWait;
      }
      if (g.end > g.start) x.gaps.push_back(g);
    }
  }
  x.gap_begin.push_back(static_cast<uint32_t>(x.gaps.size()));
}

void SortHostEvents(const KinetoEvents& ev, TraceIndex& x) {
  for (size_t i = 0; i < ev.size(); ++i) {
    const KinetoCategory c = ev.category[i];
    if (c == KinetoCategory::kCpuOp || c == KinetoCategory::kUserAnnotation ||
        c == KinetoCategory::kRuntime || c == KinetoCategory::kDriver) {
      x.host.push_back(static_cast<uint32_t>(i));
    }
  }
  std::sort(x.host.begin(), x.host.end(), [&ev](uint32_t a, uint32_t b) {
    return std::tie(ev.tid[a], ev.start_ns[a], ev.dur_ns[b], a) <
           std::tie(ev.tid[b], ev.start_ns[b], ev.dur_ns[a], b);
  });
  for (size_t k = 0; k < x.host.size(); ++k) {
    if (k == 0 || ev.tid[x.host[k]] != ev.tid[x.host[k - 1]]) {
      x.thread_begin.push_back(static_cast<uint32_t>(k));
    }
  }
  x.thread_begin.push_back(static_cast<uint32_t>(x.host.size()));
}

}  // namespace

void BuildIndex(const KinetoTrace& t, const KinetoOptions& o, const std::vector<KinetoStep>& steps,
                TraceIndex& x) {
  x.trace = &t;
  x.options = &o;
  ClassifyNames(t, x);
  FindLaunches(t.events, x);
  SortGpuEvents(t.events, o, steps, x);
  BuildUnions(t.events, x);
  BuildGaps(t.events, o, x);
  SortHostEvents(t.events, x);
}

}  // namespace smr::kineto
