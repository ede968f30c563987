// The Kineto analyses (smr/kineto_analysis.h): one trace (AnalyzeKinetoTrace,
// built from the index of kineto_index.cc), every trace of the store in
// parallel, and the step skew across ranks.
#include "smr/kineto_analysis.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <tuple>

#include "smr/store.h"
#include "src/analysis/kineto_internal.h"

namespace smr {
namespace {

void SetSpan(const KinetoTrace& t, KinetoRankAnalysis& a) {
  const KinetoEvents& ev = t.events;
  if (ev.size() == 0) return;
  a.start_ns = ev.start_ns[0];
  a.end_ns = ev.end_ns(0);
  for (size_t i = 1; i < ev.size(); ++i) {
    a.start_ns = std::min(a.start_ns, ev.start_ns[i]);
    a.end_ns = std::max(a.end_ns, ev.end_ns(i));
  }
}

GpuBreakdown WholeGpuWindow(const kineto::TraceIndex& x) {
  if (x.gpu.empty()) return {};
  const KinetoEvents& ev = x.trace->events;
  int64_t start = ev.start_ns[x.gpu[0]], end = ev.end_ns(x.gpu[0]);
  for (uint32_t e : x.gpu) {
    start = std::min(start, ev.start_ns[e]);
    end = std::max(end, ev.end_ns(e));
  }
  GpuBreakdown b = kineto::BreakdownOver(x, start, end);
  // Every kept event belongs to this window, also a zero-length one at its end.
  b.kernels = static_cast<int64_t>(x.starts[0].size());
  b.memcpys = static_cast<int64_t>(x.starts[1].size());
  b.memsets = static_cast<int64_t>(x.starts[2].size());
  return b;
}

int64_t MedianOf(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  if (n == 0) return 0;
  return n % 2 == 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

}  // namespace

KinetoRankAnalysis AnalyzeKinetoTrace(const KinetoTrace& trace, const KinetoOptions& options) {
  KinetoRankAnalysis a;
  a.rank = trace.RankOrZero();
  a.file = trace.rel_path;
  for (const std::string& g : trace.gpu_names) {
    if (!g.empty()) {
      a.gpu_name = g;
      break;
    }
  }
  SetSpan(trace, a);
  int64_t thread = -1;
  kineto::TraceIndex x;
  a.steps = kineto::FindSteps(trace, options, &thread, &x.step_name);
  kineto::BuildIndex(trace, options, a.steps, x);
  a.has_gpu = x.all_gpu > 0;
  a.gpu = WholeGpuWindow(x);
  kineto::SetStepWindows(x, a.steps);
  if (thread < 0) thread = kineto::BusiestThread(x);
  const kineto::CpuSplitter cpu(x, thread);
  for (KinetoStep& s : a.steps) {
    s.gpu = kineto::BreakdownOver(x, s.start_ns, s.window_end_ns);
    s.cpu = cpu.Over(s.start_ns, s.window_end_ns);
  }
  const int64_t span_start = a.steps.empty() ? a.start_ns : a.steps.front().start_ns;
  const int64_t span_end = a.steps.empty() ? a.end_ns : a.steps.back().window_end_ns;
  a.gpu_steps = kineto::BreakdownOver(x, span_start, span_end);
  a.cpu_steps = cpu.Over(span_start, span_end);
  a.top_kernels = kineto::TopKernels(x);
  a.top_operators = kineto::TopOperators(x);
  a.launches = kineto::Launches(x);
  a.sync = kineto::Syncs(x);
  a.streams = kineto::StreamTimelines(x, a.start_ns, a.end_ns);
  a.gpu_busy_ns = kineto::BusyPerBucket(x, a.start_ns, a.end_ns, a.busy_bucket_ns);
  a.memory = kineto::MemoryPerDevice(trace);
  return a;
}

namespace kineto {

std::vector<StepSkew> StepSkews(const std::vector<KinetoRankAnalysis>& ranks) {
  struct Seen {
    int64_t rank, duration, end;
  };
  std::map<int64_t, std::vector<Seen>> by_number;
  for (const KinetoRankAnalysis& r : ranks) {
    for (const KinetoStep& s : r.steps) {
      if (s.number >= 0) by_number[s.number].push_back({r.rank, s.duration_ns(), s.end_ns});
    }
  }
  std::vector<StepSkew> out;
  for (const auto& [number, seen] : by_number) {
    if (seen.size() < 2) continue;
    StepSkew k;
    k.number = number;
    k.ranks = static_cast<int64_t>(seen.size());
    std::vector<int64_t> durations, ends;
    const Seen* slowest = &seen[0];
    const Seen* late = &seen[0];
    for (const Seen& s : seen) {
      durations.push_back(s.duration);
      ends.push_back(s.end);
      if (std::tie(s.duration, slowest->rank) > std::tie(slowest->duration, s.rank)) slowest = &s;
      if (std::tie(s.end, late->rank) > std::tie(late->end, s.rank)) late = &s;
    }
    k.median_duration_ns = MedianOf(durations);
    k.slowest_rank = slowest->rank;
    k.slowest_duration_ns = slowest->duration;
    k.late_rank = late->rank;
    k.late_by_ns = late->end - MedianOf(ends);
    out.push_back(k);
  }
  return out;
}

}  // namespace kineto

KinetoAnalysis AnalyzeKineto(const MetricStore& store, const KinetoOptions& options, int jobs) {
  KinetoAnalysis out;
  out.options = options;
  const std::vector<KinetoTrace>& traces = store.kineto();
  out.ranks.resize(traces.size());
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i = next++; i < traces.size(); i = next++) {
      out.ranks[i] = AnalyzeKinetoTrace(traces[i], options);
      out.ranks[i].trace = static_cast<uint32_t>(i);
    }
  };
  size_t threads = jobs > 0 ? static_cast<size_t>(jobs) : std::thread::hardware_concurrency();
  threads = std::max<size_t>(1, std::min(threads, traces.size()));
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  std::stable_sort(out.ranks.begin(), out.ranks.end(),
                   [](const KinetoRankAnalysis& a, const KinetoRankAnalysis& b) {
                     return std::tie(a.rank, a.file) < std::tie(b.rank, b.file);
                   });
  out.skew = kineto::StepSkews(out.ranks);
  return out;
}

}  // namespace smr
