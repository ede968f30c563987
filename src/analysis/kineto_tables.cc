// Kernel and operator tables, launch and synchronisation statistics of one
// Kineto trace (smr/kineto_analysis.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "src/analysis/kineto_internal.h"

namespace smr::kineto {
namespace {

struct KernelAcc {
  int64_t count = 0, total = 0, min = 0, max = 0;
};

KernelStat MakeKernelRow(std::string name, KernelType type, const KernelAcc& a, int64_t all_ns) {
  KernelStat k;
  k.name = std::move(name);
  k.type = type;
  k.count = a.count;
  k.total_ns = a.total;
  k.min_ns = a.min;
  k.max_ns = a.max;
  k.mean_ns = a.count > 0 ? static_cast<double>(a.total) / static_cast<double>(a.count) : 0.0;
  k.share = all_ns > 0 ? static_cast<double>(a.total) / static_cast<double>(all_ns) : 0.0;
  return k;
}

void AddTo(KernelAcc& a, int64_t count, int64_t total, int64_t min, int64_t max) {
  a.min = a.count == 0 ? min : std::min(a.min, min);
  a.max = a.count == 0 ? max : std::max(a.max, max);
  a.count += count;
  a.total += total;
}

// Names with rows sorted by `key` descending, then by name.
template <typename Key>
std::vector<StrId> RankNames(const KinetoTrace& t, std::vector<StrId> ids, Key key) {
  std::sort(ids.begin(), ids.end(), [&](StrId a, StrId b) {
    const int64_t ka = key(a), kb = key(b);
    return ka != kb ? ka > kb : t.str(a) < t.str(b);
  });
  return ids;
}

int64_t NearestRank(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto n = static_cast<double>(sorted.size());
  const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(q * n)));
  return sorted[std::min(rank, sorted.size()) - 1];
}

}  // namespace

std::vector<KernelStat> TopKernels(const TraceIndex& x) {
  const KinetoTrace& t = *x.trace;
  const KinetoEvents& ev = t.events;
  std::vector<KernelAcc> acc(t.strings.size());
  std::vector<StrId> ids;
  int64_t all_ns = 0;
  for (uint32_t e : x.gpu) {
    KernelAcc& a = acc[ev.name[e]];
    if (a.count == 0) ids.push_back(ev.name[e]);
    AddTo(a, 1, ev.dur_ns[e], ev.dur_ns[e], ev.dur_ns[e]);
    all_ns += ev.dur_ns[e];
  }
  ids = RankNames(t, std::move(ids), [&](StrId id) { return acc[id].total; });
  std::vector<KernelStat> rows;
  const size_t top = static_cast<size_t>(x.options->top_n);
  KernelAcc other;
  int64_t other_by_type[4] = {0, 0, 0, 0};
  for (size_t k = 0; k < ids.size(); ++k) {
    const KernelAcc& a = acc[ids[k]];
    const KernelType type = x.type_by_name[ids[k]];
    if (k < top) {
      rows.push_back(MakeKernelRow(std::string(t.str(ids[k])), type, a, all_ns));
    } else {
      AddTo(other, a.count, a.total, a.min, a.max);
      other_by_type[static_cast<int>(type)] += a.total;
    }
  }
  if (ids.size() > top) {
    const auto type =
        static_cast<KernelType>(std::max_element(other_by_type, other_by_type + 4) - other_by_type);
    rows.push_back(MakeKernelRow("other", type, other, all_ns));
  }
  return rows;
}

std::vector<OperatorStat> TopOperators(const TraceIndex& x) {
  const KinetoTrace& t = *x.trace;
  const KinetoEvents& ev = t.events;
  std::vector<int64_t> child_ns(x.host.size(), 0);
  std::vector<uint32_t> stack;
  for (size_t th = 0; th + 1 < x.thread_begin.size(); ++th) {
    stack.clear();
    for (uint32_t k = x.thread_begin[th]; k < x.thread_begin[th + 1]; ++k) {
      const uint32_t e = x.host[k];
      while (!stack.empty() && ev.end_ns(x.host[stack.back()]) <= ev.start_ns[e]) stack.pop_back();
      if (!stack.empty() && ev.end_ns(e) <= ev.end_ns(x.host[stack.back()])) {
        child_ns[stack.back()] += ev.dur_ns[e];
      }
      stack.push_back(k);
    }
  }
  std::vector<OperatorStat> acc(t.strings.size());
  std::vector<StrId> ids;
  int64_t all_self = 0;
  for (size_t k = 0; k < x.host.size(); ++k) {
    const uint32_t e = x.host[k];
    if (ev.category[e] != KinetoCategory::kCpuOp) continue;
    OperatorStat& o = acc[ev.name[e]];
    if (o.count == 0) ids.push_back(ev.name[e]);
    const int64_t self = std::max<int64_t>(0, ev.dur_ns[e] - child_ns[k]);
    ++o.count;
    o.total_ns += ev.dur_ns[e];
    o.self_ns += self;
    all_self += self;
  }
  ids = RankNames(t, std::move(ids), [&](StrId id) { return acc[id].self_ns; });
  std::vector<OperatorStat> rows;
  OperatorStat other;
  other.name = "other";
  const size_t top = static_cast<size_t>(x.options->top_n);
  for (size_t k = 0; k < ids.size(); ++k) {
    OperatorStat& o = acc[ids[k]];
    if (k < top) {
      o.name = std::string(t.str(ids[k]));
      rows.push_back(std::move(o));
    } else {
      other.count += o.count;
      other.total_ns += o.total_ns;
      other.self_ns += o.self_ns;
    }
  }
  if (ids.size() > top) rows.push_back(std::move(other));
  for (OperatorStat& o : rows) {
    o.share = all_self > 0 ? static_cast<double>(o.self_ns) / static_cast<double>(all_self) : 0.0;
  }
  return rows;
}

LaunchStats Launches(const TraceIndex& x) {
  const KinetoEvents& ev = x.trace->events;
  const KinetoOptions& o = *x.options;
  LaunchStats s;
  std::vector<int64_t> delays;
  std::vector<int32_t> calls;
  delays.reserve(x.gpu.size());
  calls.reserve(x.gpu.size());
  for (uint32_t e : x.gpu) {
    ++s.gpu_events;
    s.gpu_event_ns += ev.dur_ns[e];
    if (ev.dur_ns[e] < o.short_kernel_ns) {
      ++s.short_kernels;
      s.short_kernel_ns += ev.dur_ns[e];
    }
    if (x.launch[e] < 0) {
      ++s.unlaunched;
      continue;
    }
    ++s.launches;
    calls.push_back(x.launch[e]);
    delays.push_back(ev.start_ns[e] - ev.start_ns[x.launch[e]]);
  }
  std::sort(calls.begin(), calls.end());
  calls.erase(std::unique(calls.begin(), calls.end()), calls.end());
  for (int32_t c : calls) s.launch_call_ns += ev.dur_ns[c];
  std::sort(delays.begin(), delays.end());
  s.delay_p50_ns = NearestRank(delays, 0.50);
  s.delay_p95_ns = NearestRank(delays, 0.95);
  s.delay_max_ns = delays.empty() ? 0 : delays.back();
  const int64_t limit =
      std::max<int64_t>(s.delay_p50_ns + 3 * (s.delay_p95_ns - s.delay_p50_ns), 1'000'000);
  s.delay_outliers = delays.end() - std::upper_bound(delays.begin(), delays.end(), limit);
  return s;
}

SyncStats Syncs(const TraceIndex& x) {
  const KinetoTrace& t = *x.trace;
  const KinetoEvents& ev = t.events;
  SyncStats s;
  for (size_t th = 0; th + 1 < x.thread_begin.size(); ++th) {
    int64_t open_start = 0, open_end = 0;
    bool open = false;
    for (uint32_t k = x.thread_begin[th]; k < x.thread_begin[th + 1]; ++k) {
      const uint32_t e = x.host[k];
      const std::string_view name = t.str(ev.name[e]);
      if (IsSyncCopyName(name)) {
        ++s.sync_copies;
        s.sync_copy_ns += ev.dur_ns[e];
      }
      if (!IsSyncName(name)) continue;
      ++s.sync_calls;
      if (open && ev.start_ns[e] <= open_end) {
        open_end = std::max(open_end, ev.end_ns(e));
        continue;
      }
      if (open) s.sync_ns += open_end - open_start;
      open = true;
      open_start = ev.start_ns[e];
      open_end = ev.end_ns(e);
    }
    if (open) s.sync_ns += open_end - open_start;
  }
  for (uint32_t e : x.gpu) {
    if (ev.category[e] == KinetoCategory::kMemcpy &&
        t.str(ev.name[e]).find("Pageable") != std::string_view::npos) {
      ++s.pageable_copies;
      s.pageable_copy_ns += ev.dur_ns[e];
    }
  }
  return s;
}

}  // namespace smr::kineto
