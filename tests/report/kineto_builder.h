// Test helper: KinetoAnalysis values built by hand (the report's input for
// PyTorch-profiler traces), with round numbers so the report's percentages
// and milliseconds can be worked out on paper.
#ifndef SMR_TESTS_REPORT_KINETO_BUILDER_H_
#define SMR_TESTS_REPORT_KINETO_BUILDER_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "smr/kineto_analysis.h"

namespace smr {
namespace kineto_test {

// 2023-11-14 22:13:20 UTC.
inline constexpr int64_t kT0 = 1'700'000'000'000'000'000;
inline constexpr int64_t kMs = 1'000'000;

// A GPU breakdown over [start, start + parts' sum) from its parts (ms).
inline GpuBreakdown Gpu(int64_t start_ns, double comp_ms, double comm_ms, double memcpy_ms,
                        double memset_ms, double idle_ms) {
  GpuBreakdown g;
  g.start_ns = start_ns;
  g.computation_ns = std::llround(comp_ms * kMs);
  g.communication_ns = std::llround(comm_ms * kMs);
  g.memcpy_ns = std::llround(memcpy_ms * kMs);
  g.memset_ns = std::llround(memset_ms * kMs);
  g.idle_ns = std::llround(idle_ms * kMs);
  g.end_ns =
      start_ns + g.computation_ns + g.communication_ns + g.memcpy_ns + g.memset_ns + g.idle_ns;
  return g;
}

inline CpuBreakdown Cpu(double loader_ms, double optimizer_ms, double sync_ms, double ops_ms,
                        double idle_ms) {
  CpuBreakdown c;
  c.dataloader_ns = std::llround(loader_ms * kMs);
  c.optimizer_ns = std::llround(optimizer_ms * kMs);
  c.synchronization_ns = std::llround(sync_ms * kMs);
  c.operators_ns = std::llround(ops_ms * kMs);
  c.idle_ns = std::llround(idle_ms * kMs);
  return c;
}

// A rank whose steps last `step_ms` each (back to back from kT0), every
// step split 60 % computation, 15 % exposed communication, 5 % memcpy, 20 %
// idle on the GPU and 10 / 5 / 5 / 60 / 20 % on the host; gpu_steps is the
// sum over the steps.
inline KinetoRankAnalysis Rank(int64_t rank, const std::vector<double>& step_ms,
                               std::string gpu_name = "NVIDIA A100-SXM4-40GB") {
  KinetoRankAnalysis r;
  r.rank = rank;
  r.trace = static_cast<uint32_t>(rank);
  r.file = "rank" + std::to_string(rank) + ".pt.trace.json";
  r.gpu_name = std::move(gpu_name);
  r.has_gpu = true;
  r.start_ns = kT0;
  int64_t t = kT0;
  double total = 0;
  for (size_t i = 0; i < step_ms.size(); ++i) {
    const double d = step_ms[i];
    KinetoStep s;
    s.number = static_cast<int64_t>(i) + 1;
    s.name = "ProfilerStep#" + std::to_string(s.number);
    s.start_ns = t;
    s.gpu = Gpu(t, 0.6 * d, 0.15 * d, 0.05 * d, 0, 0.2 * d);
    s.cpu = Cpu(0.1 * d, 0.05 * d, 0.05 * d, 0.6 * d, 0.2 * d);
    s.window_end_ns = s.gpu.end_ns;
    s.end_ns = s.window_end_ns;
    t = s.window_end_ns;
    total += d;
    r.steps.push_back(std::move(s));
  }
  r.gpu_steps = Gpu(kT0, 0.6 * total, 0.15 * total, 0.05 * total, 0, 0.2 * total);
  r.cpu_steps = Cpu(0.1 * total, 0.05 * total, 0.05 * total, 0.6 * total, 0.2 * total);
  r.gpu = r.gpu_steps;
  r.end_ns = t;
  return r;
}

// One stream of `buckets` buckets, each `busy_ns` of computation.
inline StreamTimeline Stream(int32_t stream, size_t buckets, int64_t busy_ns) {
  StreamTimeline s;
  s.device = 0;
  s.stream = stream;
  s.busy_ns.assign(buckets, {busy_ns, 0, 0, 0});
  return s;
}

// `n` ranks; rank i's steps last 100 + i ms (3 steps), so the last rank is
// the slowest.
inline KinetoAnalysis Ranks(int n) {
  KinetoAnalysis k;
  for (int i = 0; i < n; ++i) {
    const double d = 100 + i;
    k.ranks.push_back(Rank(i, {d, d, d}));
  }
  return k;
}

// A fuller job for looking at the report and rendering it: `n` ranks of 12
// steps (rank 1 is a straggler), two streams per rank (computation and
// NCCL), memory that grows, kernels, operators, launches, synchronization
// and the cross-rank view.
inline KinetoAnalysis Demo(int n) {
  KinetoAnalysis k;
  for (int i = 0; i < n; ++i) {
    std::vector<double> steps;
    for (int s = 0; s < 12; ++s)
      steps.push_back(120 + (s % 5) * 7 + (i == 1 ? 40 : i % 3) + (s == 6 ? 90 : 0));
    KinetoRankAnalysis r = Rank(i, steps);
    r.gpu_steps.communication_total_ns = r.gpu_steps.communication_ns * 3;
    r.gpu_steps.comm_comp_overlap_ns = r.gpu_steps.communication_ns * 2;
    r.gpu_steps.idle_host_wait_ns = r.gpu_steps.idle_ns * 6 / 10;
    r.gpu_steps.idle_kernel_wait_ns = r.gpu_steps.idle_ns * 3 / 10;
    r.gpu_steps.idle_other_ns = r.gpu_steps.idle_ns / 10;
    r.cpu_steps.runtime_ns = r.cpu_steps.operators_ns / 4;
    const size_t buckets = 240;
    StreamTimeline compute = Stream(7, buckets, 0);
    StreamTimeline nccl = Stream(20, buckets, 0);
    nccl.busy_ns.assign(buckets, {0, 0, 0, 0});
    const int64_t bw = (r.end_ns - r.start_ns) / static_cast<int64_t>(buckets);
    for (size_t b = 0; b < buckets; ++b) {
      compute.busy_ns[b][0] = bw * static_cast<int64_t>((b * 7 + i * 3) % 10) / 10;
      nccl.busy_ns[b][1] = (b % 12 < 3) ? bw * 8 / 10 : 0;
    }
    r.streams = {compute, nccl};
    DeviceMemory m;
    m.device = 0;
    for (int p = 0; p <= 50; ++p) {
      m.points.push_back({r.start_ns + (r.end_ns - r.start_ns) * p / 50,
                          static_cast<int64_t>((8 + 0.05 * p + (p % 5) * 0.4 + i * 0.3) * 1e9),
                          -1});
    }
    m.peak_allocated = m.points.back().allocated;
    r.memory = {m};
    const int64_t gpu_ns = r.gpu_steps.computation_ns + r.gpu_steps.communication_total_ns;
    r.launches.gpu_event_ns = gpu_ns;
    r.top_kernels = {
        {"ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
         KernelType::kCommunication, 24, gpu_ns / 4, 0, 0, gpu_ns / 4 / 24.0, 0},
        {"void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x128_16x4_nn_align4>("
         "cutlass_80_tensorop_s1688gemm_128x128_16x4_nn_align4::Params)",
         KernelType::kComputation, 480, gpu_ns / 3, 0, 0, gpu_ns / 3 / 480.0, 0},
        {"void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>>",
         KernelType::kComputation, 2400, gpu_ns / 8, 0, 0, gpu_ns / 8 / 2400.0, 0},
        {"Memcpy HtoD (Pageable -> Device)", KernelType::kMemcpy, 36, gpu_ns / 40, 0, 0,
         gpu_ns / 40 / 36.0, 0},
    };
    r.top_operators = {{"aten::convolution_backward", 240, gpu_ns / 3, gpu_ns / 5, 0},
                       {"aten::addmm", 960, gpu_ns / 6, gpu_ns / 9, 0},
                       {"enumerate(DataLoader)#_MultiProcessingDataLoaderIter.__next__", 12,
                        r.cpu_steps.dataloader_ns, r.cpu_steps.dataloader_ns / 2, 0}};
    r.launches.launches = 4200 + i;
    r.launches.gpu_events = 4300;
    r.launches.short_kernels = 1900;
    r.launches.launch_call_ns = 4300 * 6'000;
    r.launches.delay_p50_ns = 18'000;
    r.launches.delay_p95_ns = 240'000;
    r.launches.delay_max_ns = 3'100'000;
    r.launches.delay_outliers = i == 1 ? 6 : 0;
    r.sync = {36, 12 * kMs, 12, 4, 3 * kMs, 2 * kMs};
    k.ranks.push_back(std::move(r));
  }
  if (n > 1) {
    for (int s = 0; s < 12; ++s) {
      StepSkew sk;
      sk.number = s + 1;
      sk.ranks = n;
      sk.median_duration_ns = std::llround((120 + (s % 5) * 7 + 1 + (s == 6 ? 90 : 0)) * kMs);
      sk.slowest_rank = 1;
      sk.slowest_duration_ns = sk.median_duration_ns + 39 * kMs;
      sk.late_rank = 1;
      sk.late_by_ns = (39 + s) * kMs;
      k.skew.push_back(sk);
    }
  }
  return k;
}

}  // namespace kineto_test
}  // namespace smr

#endif  // SMR_TESTS_REPORT_KINETO_BUILDER_H_
