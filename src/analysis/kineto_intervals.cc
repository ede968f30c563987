// Interval arithmetic of the Kineto analyses and the GPU breakdown of one
// window (smr/kineto_analysis.h: the priority split that sums to the wall
// time, the overlaps, HTA's idle categories).
#include <algorithm>

#include "src/analysis/kineto_internal.h"

namespace smr::kineto {

Intervals Union(Intervals v) {
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
    return a.start < b.start || (a.start == b.start && a.end < b.end);
  });
  Intervals out;
  out.reserve(v.size());
  for (const Interval& i : v) {
    if (i.end <= i.start) continue;
    if (!out.empty() && i.start <= out.back().end) {
      out.back().end = std::max(out.back().end, i.end);
    } else {
      out.push_back(i);
    }
  }
  out.shrink_to_fit();
  return out;
}

Intervals Merge(const Intervals& a, const Intervals& b) {
  Intervals out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const Interval& next =
        (j >= b.size() || (i < a.size() && a[i].start <= b[j].start)) ? a[i++] : b[j++];
    if (!out.empty() && next.start <= out.back().end) {
      out.back().end = std::max(out.back().end, next.end);
    } else {
      out.push_back(next);
    }
  }
  return out;
}

Intervals Intersect(const Intervals& a, const Intervals& b) {
  Intervals out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const int64_t s = std::max(a[i].start, b[j].start);
    const int64_t e = std::min(a[i].end, b[j].end);
    if (s < e) out.push_back({s, e});
    if (a[i].end < b[j].end) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

int64_t Length(const Intervals& u) {
  int64_t sum = 0;
  for (const Interval& i : u) sum += i.end - i.start;
  return sum;
}

int64_t ClipLength(const Intervals& u, int64_t start, int64_t end) {
  auto it = std::partition_point(u.begin(), u.end(),
                                 [start](const Interval& i) { return i.end <= start; });
  int64_t sum = 0;
  for (; it != u.end() && it->start < end; ++it) {
    sum += std::min(it->end, end) - std::max(it->start, start);
  }
  return sum;
}

namespace {

int64_t CountIn(const std::vector<int64_t>& sorted, int64_t start, int64_t end) {
  return std::lower_bound(sorted.begin(), sorted.end(), end) -
         std::lower_bound(sorted.begin(), sorted.end(), start);
}

// HTA's idle categories: the part of every gap of every stream inside the
// window, by kind.
void AddIdleKinds(const TraceIndex& x, int64_t start, int64_t end, GpuBreakdown& b) {
  for (size_t s = 0; s + 1 < x.gap_begin.size(); ++s) {
    auto first = x.gaps.begin() + x.gap_begin[s];
    auto last = x.gaps.begin() + x.gap_begin[s + 1];
    auto it = std::partition_point(first, last, [start](const Gap& g) { return g.end <= start; });
    for (; it != last && it->start < end; ++it) {
      const int64_t len = std::min(it->end, end) - std::max(it->start, start);
      if (len <= 0) continue;
      switch (it->kind) {
        case IdleKind::kHostWait:
          b.idle_host_wait_ns += len;
          break;
        case IdleKind::kKernelWait:
          b.idle_kernel_wait_ns += len;
          break;
        case IdleKind::kOther:
          b.idle_other_ns += len;
          break;
      }
    }
  }
}

}  // namespace

GpuBreakdown BreakdownOver(const TraceIndex& x, int64_t start, int64_t end) {
  GpuBreakdown b;
  b.start_ns = start;
  b.end_ns = end;
  if (end <= start) return b;
  const auto clip = [&](const Intervals& u) { return ClipLength(u, start, end); };
  const int comp = static_cast<int>(KernelType::kComputation);
  const int comm = static_cast<int>(KernelType::kCommunication);
  const int cpy = static_cast<int>(KernelType::kMemcpy);
  const int set = static_cast<int>(KernelType::kMemset);
  b.computation_ns = clip(x.by_type[comp]);
  b.communication_total_ns = clip(x.by_type[comm]);
  b.comm_comp_overlap_ns = clip(x.comm_and_comp);
  b.communication_ns = b.communication_total_ns - b.comm_comp_overlap_ns;
  b.memcpy_ns = clip(x.by_type[cpy]) - clip(x.memcpy_and_cc);
  b.memset_ns = clip(x.by_type[set]) - clip(x.memset_and_ccm);
  b.idle_ns = b.wall_ns() - clip(x.busy);
  b.memory_total_ns = clip(x.memory);
  b.comp_mem_overlap_ns = clip(x.comp_and_mem);
  b.comm_mem_overlap_ns = clip(x.comm_and_mem);
  AddIdleKinds(x, start, end, b);
  b.kernels = CountIn(x.starts[0], start, end);
  b.memcpys = CountIn(x.starts[1], start, end);
  b.memsets = CountIn(x.starts[2], start, end);
  return b;
}

}  // namespace smr::kineto
