// The simulated data-parallel job behind --scenario kineto / kineto-legacy
// (kineto_gen.h): per step and rank a DataLoader wait, the input copy, the
// forward and backward kernels launched one operator at a time, an
// all-reduce on its own stream that ends when the last rank reached it, and
// the optimizer. Ranks are simulated together, step by step.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "samples/generator/kineto_gen.h"
#include "samples/generator/prng.h"

namespace smr::samplegen {
namespace {

constexpr int kComputeStream = 7;
constexpr int kNcclStream = 20;
constexpr int64_t kLaunchNs = 5'000;        // cudaLaunchKernel on the host
constexpr int64_t kLaunchLagNs = 3'000;     // launch end -> earliest kernel start
constexpr int64_t kBatchBytes = 4'816'896;  // 8 x 224 x 224 x 3 float32

// One rank being simulated: its clocks and the events written so far.
struct Rank {
  const KinetoScenario* sc = nullptr;
  int rank = 0;
  int64_t host_pid = 0, host_tid = 0;
  int64_t host = 0;  // host thread clock
  int64_t gpu = 0;   // compute stream clock
  int64_t correlation = 0, external = 0;
  int64_t allocated = 0;
  int64_t nccl_launch = 0;  // host time of this step's all-reduce launch
  SplitMix64 rng{1};
  KinetoGenFile file;

  bool legacy() const { return sc->legacy; }
  std::string Cat(const char* current, const char* old) const { return legacy() ? old : current; }
  std::string HostTid() const {
    return legacy() ? fmt::format("\"{}\"", host_tid) : fmt::format("{}", host_tid);
  }
  std::string StreamTid(int stream) const {
    return legacy() ? fmt::format("\"stream {}\"", stream) : fmt::format("{}", stream);
  }
  const char* ExternalKey() const { return legacy() ? "external id" : "External id"; }

  void Host(const std::string& cat, const std::string& name, int64_t ts, int64_t dur,
            const std::string& args = "") {
    file.events.push_back(
        {'X', cat, name, fmt::format("{}", host_pid), HostTid(), ts, dur, args, ""});
  }
  void Op(const std::string& name, int64_t ts, int64_t dur) {
    Host(Cat("cpu_op", "Operator"), name, ts, dur,
         fmt::format("\"External id\": {}, \"Sequence number\": {}", external + 1, external + 1));
    ++external;
  }
  // A runtime call at `ts` launching `name` on `stream` no earlier than
  // `not_before`; returns the GPU event's end.
  int64_t Launch(const char* call, const std::string& gpu_cat, const std::string& name, int stream,
                 int64_t ts, int64_t not_before, int64_t dur, const std::string& gpu_args = "") {
    const int64_t corr = ++correlation;
    const int device = rank % 8;
    Host(Cat("cuda_runtime", "Runtime"), call, ts, kLaunchNs,
         fmt::format("\"cbid\": 211, \"correlation\": {}, \"{}\": {}", corr, ExternalKey(),
                     external));
    const int64_t start = std::max(ts + kLaunchNs + kLaunchLagNs, not_before);
    std::string args = fmt::format(
        "\"{}\": {}, \"queued\": 0, \"device\": {}, \"context\": 1,\n      \"stream\": {}, "
        "\"correlation\": {}",
        ExternalKey(), external, device, stream, corr);
    if (!gpu_args.empty()) args += ", " + gpu_args;
    file.events.push_back(
        {'X', gpu_cat, name, fmt::format("{}", device), StreamTid(stream), start, dur, args, ""});
    const std::string flow_cat = legacy() ? "async" : "ac2g";
    const std::string flow_name = legacy() ? "launch" : "ac2g";
    file.events.push_back({'s', flow_cat, flow_name, fmt::format("{}", host_pid), HostTid(), ts, 0,
                           "", fmt::format("\"id\": {}", corr)});
    file.events.push_back({'f', flow_cat, flow_name, fmt::format("{}", device), StreamTid(stream),
                           start, 0, "", fmt::format("\"id\": {}, \"bp\": \"e\"", corr)});
    return start + dur;
  }
  void Memory(int64_t ts, int64_t bytes) {
    allocated += bytes;
    std::string args = fmt::format("\"Addr\": 140271, \"Bytes\": {}, ", bytes);
    if (!legacy()) {
      args += fmt::format("\"Total Allocated\": {}, \"Total Reserved\": {}, ", allocated,
                          int64_t{1} << 30);
    }
    args += fmt::format("\"Device Id\": {}, \"Device Type\": 1", rank % 8);
    file.events.push_back({'i', legacy() ? "" : "cpu_instant_event", "[memory]",
                           fmt::format("{}", host_pid), HostTid(), ts, 0, args, "\"s\": \"t\""});
  }
  // A compute kernel of about `mean` ns (the straggler's are longer).
  int64_t KernelNs(int64_t mean) {
    double d = static_cast<double>(mean) * rng.Uniform(0.8, 1.2);
    if (rank == sc->straggler_rank) d *= sc->straggler_factor;
    return std::max<int64_t>(1'000, static_cast<int64_t>(d));
  }
};

// One step of one rank up to the all-reduce launch: returns when its
// all-reduce kernel can start.
int64_t RunToAllReduce(Rank* r, int64_t step_start) {
  const KinetoScenario& sc = *r->sc;
  r->host = step_start;
  r->Memory(step_start + 2'000, kBatchBytes);
  r->Op("enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__", step_start + 5'000,
        300'000 + sc.dataloader_stall_ns);
  r->host = step_start + 310'000 + sc.dataloader_stall_ns;
  r->Op("aten::to", r->host, 30'000);
  r->gpu = r->Launch("cudaMemcpyAsync", r->Cat("gpu_memcpy", "Memcpy"),
                     "Memcpy HtoD (Pageable -> Device)", kComputeStream, r->host + 10'000, r->gpu,
                     400'000,
                     fmt::format("\"bytes\": {}, \"memory bandwidth (GB/s)\": 12.0", kBatchBytes));
  r->host += 40'000;
  const int kernels = sc.small_kernels ? sc.kernels_per_step * 3 : sc.kernels_per_step;
  const int64_t kernel_ns = sc.small_kernels ? 4'000 : sc.kernel_ns;
  const int64_t gap = sc.small_kernels ? 20'000 : sc.launch_gap_ns;
  const int nccl_at = sc.exposed_nccl ? kernels : kernels * 3 / 4;
  int64_t nccl_ready = -1;
  for (int k = 0; k < kernels; ++k) {
    if (k == kernels / 2) {
      r->Op("aten::zero_", r->host, 15'000);
      r->gpu = r->Launch("cudaMemsetAsync", r->Cat("gpu_memset", "Memset"), "Memset (Device)",
                         kComputeStream, r->host + 2'000, r->gpu, 2'000, "\"bytes\": 1048576");
      r->host += 17'000;
    }
    const bool backward = k >= kernels / 2;
    r->Op(backward ? "autograd::engine::evaluate_function: ConvolutionBackward0" : "aten::conv2d",
          r->host, gap - 2'000);
    r->gpu = r->Launch("cudaLaunchKernel", r->Cat("kernel", "Kernel"),
                       backward ? "void cudnn::bn_bw_1C11_kernel_new<float>(float*)"
                                : "sm80_xmma_fprop_implicit_gemm_f32f32_tf32f32_f32",
                       kComputeStream, r->host + 5'000, r->gpu, r->KernelNs(kernel_ns),
                       "\"grid\": [128, 1, 1], \"block\": [256, 1, 1]");
    r->host += gap;
    if (k + 1 == nccl_at) {
      r->Op("nccl:all_reduce", r->host, 20'000);
      r->nccl_launch = r->host + 2'000;
      // Exposed: the all-reduce waits for the whole backward pass.
      nccl_ready = std::max(r->nccl_launch + kLaunchNs + kLaunchLagNs,
                            sc.exposed_nccl ? r->gpu : int64_t{0});
      r->host += 20'000;
    }
  }
  return nccl_ready;
}

// The rest of the step once every rank reached the all-reduce, which ends
// at `nccl_end`; returns when the rank's step ends.
int64_t FinishStep(Rank* r, int step, int64_t step_start, int64_t nccl_ready, int64_t nccl_end) {
  r->Launch("cudaLaunchKernel", r->Cat("kernel", "Kernel"),
            "ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", kNcclStream, r->nccl_launch,
            nccl_ready, nccl_end - nccl_ready);
  // The host waits for the gradients, then steps the optimizer.
  const int64_t wait_from = r->host;
  const int64_t ready = std::max(nccl_end, r->gpu);
  r->Host(r->Cat("cuda_runtime", "Runtime"), "cudaStreamSynchronize", wait_from,
          std::max<int64_t>(ready - wait_from, 1'000),
          fmt::format("\"cbid\": 131, \"correlation\": {}", ++r->correlation));
  r->host = std::max(ready, wait_from + 1'000) + 5'000;
  const int64_t opt_start = r->host;
  r->gpu = std::max(r->gpu, nccl_end);
  for (int k = 0; k < 8; ++k) {
    r->gpu = r->Launch("cudaLaunchKernel", r->Cat("kernel", "Kernel"),
                       "void at::native::multi_tensor_apply_kernel<float>(float*)", kComputeStream,
                       r->host, r->gpu, 20'000);
    r->host += 12'000;
  }
  r->Op("Optimizer.step#SGD.step", opt_start - 2'000, r->host - opt_start + 4'000);
  r->Memory(r->host + 1'000, -kBatchBytes);
  const int64_t end = std::max(r->host + 5'000, r->gpu);
  const std::string step_name = fmt::format("ProfilerStep#{}", step);
  r->Host(r->Cat("user_annotation", "Operator"), step_name, step_start, end - step_start);
  if (!r->legacy()) {
    r->file.events.push_back({'X', "gpu_user_annotation", step_name, fmt::format("{}", r->rank % 8),
                              r->StreamTid(kComputeStream), step_start + 400'000,
                              end - step_start - 400'000, "", ""});
  }
  return end;
}

void Frame(Rank* r, int64_t first, int64_t last) {
  auto meta = [&](const std::string& name, const std::string& pid, const std::string& tid,
                  const std::string& value) {
    r->file.events.push_back(
        {'M', "", name, pid, tid, first, 0, fmt::format("\"name\": \"{}\"", value), ""});
  };
  const std::string host_pid = fmt::format("{}", r->host_pid);
  const std::string dev = fmt::format("{}", r->rank % 8);
  meta("process_name", host_pid, "0", "python");
  meta("thread_name", host_pid, r->HostTid(), "thread 1 (python)");
  meta("process_name", dev, "0", fmt::format("GPU {}", r->rank % 8));
  meta("thread_name", dev, r->StreamTid(kComputeStream), "stream 7");
  meta("thread_name", dev, r->StreamTid(kNcclStream), "stream 20");
  r->file.events.push_back({'X', "Trace", "PyTorch Profiler (0)", "\"Spans\"",
                            "\"PyTorch Profiler\"", first, last - first, "\"Op count\": 0", ""});
  r->file.events.push_back({'i', "", "Iteration Start: PyTorch Profiler", "\"Traces\"",
                            "\"Trace PyTorch Profiler\"", first, 0, "", "\"s\": \"g\""});
  r->file.events.push_back(
      {'i', "", "Record Window End", "\"\"", "\"\"", last + 1'000, 0, "", "\"s\": \"g\""});
}

}  // namespace

std::vector<KinetoGenFile> MakeKinetoJob(const KinetoScenario& sc) {
  std::vector<Rank> ranks(static_cast<size_t>(sc.ranks));
  for (int i = 0; i < sc.ranks; ++i) {
    Rank& r = ranks[static_cast<size_t>(i)];
    r.sc = &sc;
    r.rank = i;
    r.host_pid = 2910249 + i * 17;
    r.host_tid = r.host_pid + 9503;
    r.rng = SplitMix64::ForStream(sc.seed, fmt::format("kineto-rank-{}", i));
    r.file.legacy = sc.legacy;
    // Kineto's base: the start rounded down to a whole minute.
    r.file.base_time_ns = sc.legacy ? 0 : sc.start_ns - sc.start_ns % 60'000'000'000;
    r.file.rank = i;
    r.file.world_size = sc.ranks;
    r.file.devices = {{i % 8, "NVIDIA A100-SXM4-40GB"}};
  }
  int64_t step_start = sc.start_ns;
  for (int s = 0; s < sc.steps; ++s) {
    const int step = 5 + s;  // numbering starts anywhere (docs/kineto-variations.md)
    std::vector<int64_t> ready(ranks.size());
    int64_t last_ready = 0;
    for (size_t i = 0; i < ranks.size(); ++i) {
      ready[i] = RunToAllReduce(&ranks[i], step_start);
      last_ready = std::max(last_ready, ready[i]);
    }
    // Exposed: the gradients of a larger model (three times the all-reduce), so
    // the non-overlapped communication is well above CommunicationBound's
    // default 15 % of the step.
    const int64_t nccl_end = last_ready + sc.allreduce_ns * (sc.exposed_nccl ? 3 : 1);
    int64_t next = 0;
    for (size_t i = 0; i < ranks.size(); ++i) {
      next = std::max(next, FinishStep(&ranks[i], step, step_start, ready[i], nccl_end));
    }
    step_start = next + 50'000;
  }
  std::vector<KinetoGenFile> files;
  for (Rank& r : ranks) {
    Frame(&r, sc.start_ns - 1'000'000, step_start);
    files.push_back(std::move(r.file));
  }
  return files;
}

bool GenerateKineto(const KinetoScenario& sc, const std::string& out_dir, KinetoSummary* summary,
                    std::string* error) {
  const std::vector<KinetoGenFile> files = MakeKinetoJob(sc);
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path =
        (std::filesystem::path(out_dir) / fmt::format("rank-{}.pt.trace.json.gz", i)).string();
    if (!WriteKinetoTrace(files[i], path, error)) return false;
    ++summary->files;
    for (const KinetoGenEvent& e : files[i].events) summary->events += e.ph == 'X' ? 1 : 0;
    std::error_code ec;
    summary->bytes += static_cast<int64_t>(std::filesystem::file_size(path, ec));
    summary->paths.push_back(path);
  }
  return true;
}

}  // namespace smr::samplegen
