// Analyses of PyTorch-profiler (Kineto) traces (docs/kineto.md): per rank
// and per step, the GPU time breakdown that sums to wall time, the GPU idle
// split (HTA's host wait / kernel wait / other), the CPU-side breakdown,
// kernels and operators, launch statistics, memory, and the cross-rank view
// (step skew, stragglers). Computed once after ingest; rules and the report
// read the result.
//
// Definitions (HTA's where it has one; docs/compatibility.md lists where
// sm-report departs from HTA and by how much):
//  - GPU activity = kernel, memcpy and memset events (not cuda_sync, not
//    gpu_user_annotation, not host events with a stream argument).
//  - Kernel type by name: communication when it starts with "nccl" or
//    contains "ncclKernel" (NCCL and RCCL); memcpy / memset by category;
//    every other kernel is computation.
//  - A breakdown over a window [start, end) splits it exactly:
//      computation   = union of computation kernels
//      communication = union of communication kernels minus computation
//                      (exposed, i.e. non-overlapped, communication)
//      memcpy        = union of memcpy minus the two above
//      memset        = union of memset minus the three above
//      idle          = the rest (no GPU activity on any stream)
//    so computation + communication + memcpy + memset + idle = end - start.
#ifndef SMR_KINETO_ANALYSIS_H_
#define SMR_KINETO_ANALYSIS_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smr/kineto.h"
#include "smr/status.h"

namespace smr {

class MetricStore;
class StateReader;
class StateWriter;

struct KinetoOptions {
  // The step definition: an ECMAScript regular expression matched against
  // the whole name of host annotations (user_annotation and cpu_op: legacy
  // traces write ProfilerStep as an Operator). Its first capture group, when
  // it has one and it is an integer, is the step number; otherwise steps
  // are numbered 0, 1, ... in time order. Without any match the whole trace
  // is one span (step number -1).
  std::string step_pattern = "ProfilerStep#([0-9]+)";
  // HTA's kernel_wait threshold: an idle gap on a stream shorter than this
  // between two GPU events counts as kernel wait (HTA's default 30 µs).
  int64_t consecutive_kernel_delay_ns = 30'000;
  // HTA's default filter (for comparisons with HTA only; sm-report keeps
  // every step): with 2 or more steps keep only GPU events launched by host
  // events that start before the last step starts. It applies to every GPU
  // figure of the rank (breakdowns, tables, launches, timelines); the steps
  // themselves stay.
  bool hta_drop_last_step = false;
  // With hta_drop_last_step: HTA's include_last_profiler_step=True filter
  // instead, which keeps GPU events launched by host events that start at or
  // before the end of the last step's annotation (unlaunched events are still
  // dropped). Added for the comparisons with HTA's last-step results.
  bool hta_keep_last_step = false;
  // Kernels shorter than this count as short (SmallKernels, the report).
  int64_t short_kernel_ns = 10'000;
  // Rows of the top-kernel and top-operator tables (the rest are summed
  // into one "other" row).
  int top_n = 15;
  // Buckets of the per-stream GPU timeline of the report.
  int timeline_buckets = 240;
};

// Checks `options` (the step pattern compiles, positive values); one-line
// error naming the option.
Status ValidateKinetoOptions(const KinetoOptions& options);

enum class KernelType : uint8_t { kComputation, kCommunication, kMemcpy, kMemset };
const char* KernelTypeName(KernelType t);  // "computation", "communication", ...
// The type of a GPU activity event from its category and name.
KernelType ClassifyGpuEvent(KinetoCategory category, std::string_view name);

// GPU time over one window of one rank, ns. See the header comment.
struct GpuBreakdown {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int64_t computation_ns = 0;
  int64_t communication_ns = 0;  // exposed (not overlapped by computation)
  int64_t memcpy_ns = 0;
  int64_t memset_ns = 0;
  int64_t idle_ns = 0;
  // Unions by type before the priority split, and their overlaps.
  int64_t communication_total_ns = 0;  // union of communication kernels
  int64_t memory_total_ns = 0;         // union of memcpy and memset
  int64_t comm_comp_overlap_ns = 0;    // communication ∩ computation
  int64_t comp_mem_overlap_ns = 0;     // computation ∩ memory
  int64_t comm_mem_overlap_ns = 0;     // communication ∩ memory
  // HTA's idle-time breakdown: per stream, the gaps between consecutive GPU
  // events of that stream inside the window, summed over streams (so it can
  // exceed idle_ns): host wait when the launch of the next event started
  // after the previous event ended (the GPU waited for the CPU), else kernel
  // wait when the gap is below consecutive_kernel_delay_ns, else other.
  // Streams are (device, stream) pairs; a window takes the part of each gap
  // inside it (so steps split a gap at their edges); a negative gap (events
  // of one stream overlapping) counts 0; the launch is the runtime call with
  // the event's correlation (else the driver call).
  int64_t idle_host_wait_ns = 0;
  int64_t idle_kernel_wait_ns = 0;
  int64_t idle_other_ns = 0;
  // Events that start in the window (the rank's GPU window counts every
  // kept event): kernels (category kernel), memcpys, memsets.
  int64_t kernels = 0;
  int64_t memcpys = 0;
  int64_t memsets = 0;

  int64_t wall_ns() const { return end_ns - start_ns; }
  // Busy = wall - idle.
  int64_t busy_ns() const { return wall_ns() - idle_ns; }
};

// Host time over one window on the thread that runs the steps (the thread
// of the step annotations; without steps the thread with the most host
// time), ns, split by priority so the parts sum to end - start:
// dataloader > optimizer > synchronization > other operators > idle.
// Host events are cpu_op, user_annotation (not the step annotations
// themselves), runtime and driver calls; python_function is not counted.
// Synchronization also lists the hip* equivalents and cudaMemset.
struct CpuBreakdown {
  int64_t dataloader_ns = 0;       // ops/annotations whose name contains
                                   // "DataLoader" (enumerate(DataLoader)#...__next__)
  int64_t optimizer_ns = 0;        // names starting with "Optimizer." (step, zero_grad)
  int64_t synchronization_ns = 0;  // cudaDeviceSynchronize, cudaStreamSynchronize,
                                   // cudaEventSynchronize, synchronous cudaMemcpy,
                                   // aten::item / aten::_local_scalar_dense
  int64_t operators_ns = 0;        // other host events (ops, runtime calls)
  int64_t idle_ns = 0;             // no host event on that thread
  int64_t runtime_ns = 0;          // of the above, time inside runtime/driver
                                   // calls (launch overhead); informational
};

struct KinetoStep {
  int64_t number = -1;   // ProfilerStep#N's N (or the ordinal)
  std::string name;      // the annotation ("ProfilerStep#12")
  int64_t start_ns = 0;  // the annotation's start
  int64_t end_ns = 0;    // the annotation's end (host side)
  // The step's window: [start, next step's start); the last step's extends
  // to the end of the GPU work it launched. Windows partition the stepped
  // part of the trace.
  int64_t window_end_ns = 0;
  GpuBreakdown gpu;  // over [start_ns, window_end_ns)
  CpuBreakdown cpu;  // over [start_ns, window_end_ns)
  int64_t duration_ns() const { return window_end_ns - start_ns; }
};

struct KernelStat {
  std::string name;
  KernelType type = KernelType::kComputation;
  int64_t count = 0;
  int64_t total_ns = 0;
  int64_t min_ns = 0;
  int64_t max_ns = 0;
  double mean_ns = 0;
  double share = 0;  // of all GPU activity time of the rank (sum of durations)
  // The "other" row: count and total summed, min/max over its launches,
  // type = the type with most of its time.
};

struct OperatorStat {
  std::string name;
  int64_t count = 0;
  int64_t total_ns = 0;  // inclusive
  int64_t self_ns = 0;   // minus host children on the same thread (rows: cpu_op;
                         // children: any host event nested in it, runtime
                         // calls included)
  double share = 0;      // self time / host time of all operators
};

// Launches and their delays: the runtime/driver call that launched a GPU
// event (joined by correlation) and when the event started.
struct LaunchStats {
  int64_t launches = 0;         // GPU events with a launch in the trace
  int64_t unlaunched = 0;       // GPU events whose launch is not in the trace
  int64_t launch_call_ns = 0;   // summed duration of those launch calls
  int64_t short_kernels = 0;    // GPU activity events < short_kernel_ns
  int64_t short_kernel_ns = 0;  // their summed duration
  int64_t gpu_events = 0;       // all GPU activity events
  int64_t gpu_event_ns = 0;     // their summed duration
  // Launch delay = GPU event start - launch call start; percentiles by
  // nearest rank over the launched events.
  int64_t delay_p50_ns = 0;
  int64_t delay_p95_ns = 0;
  int64_t delay_max_ns = 0;
  int64_t delay_outliers = 0;  // delays above p50 + 3 × (p95 - p50), at least 1 ms
};

// Synchronous copies and host stalls (SyncCopies).
struct SyncStats {
  int64_t sync_calls = 0;       // cudaDeviceSynchronize, cudaStreamSynchronize,
                                // cudaEventSynchronize, aten::item,
                                // aten::_local_scalar_dense
  int64_t sync_ns = 0;          // host time blocked in them (union per thread)
  int64_t sync_copies = 0;      // synchronous memcpy/memset launches
                                // (cudaMemcpy, cudaMemset, not *Async)
  int64_t pageable_copies = 0;  // Memcpy events from/to pageable memory
  int64_t pageable_copy_ns = 0;
  int64_t sync_copy_ns = 0;  // host time in synchronous copy calls
};

struct StreamTimeline {
  int32_t device = -1;
  int32_t stream = -1;
  // timeline_buckets equal buckets over the rank's span: busy ns per type
  // (index KernelType).
  std::vector<std::array<int64_t, 4>> busy_ns;
};

struct MemoryPoint {
  int64_t ts_ns = 0;
  int64_t allocated = 0;  // bytes
  int64_t reserved = -1;  // -1 unknown
};
struct DeviceMemory {
  int32_t device = -1;  // -1: CPU
  // Downsampled to at most 500 (500 buckets of consecutive samples, the
  // largest allocation of each kept). Device -1 when Device Type is 0 (CPU);
  // allocated = Total Allocated, else the running sum of Bytes (legacy).
  std::vector<MemoryPoint> points;
  int64_t peak_allocated = 0;
};

struct KinetoRankAnalysis {
  uint32_t trace = 0;    // index into MetricStore::kineto()
  int64_t rank = 0;      // KinetoTrace::RankOrZero()
  std::string file;      // rel_path
  std::string gpu_name;  // first device's name, "" unknown
  bool has_gpu = false;  // any GPU activity event
  int64_t start_ns = 0;  // first event start (any kept event)
  int64_t end_ns = 0;    // last event end
  // Over the GPU-active window [first GPU activity start, last GPU activity
  // end] (HTA's temporal-breakdown window), after the HTA filter when
  // hta_drop_last_step is set.
  GpuBreakdown gpu;
  // Over the stepped span [first step start, last step window end] (the
  // sum of the steps' windows); equals the trace span without steps.
  GpuBreakdown gpu_steps;
  CpuBreakdown cpu_steps;
  std::vector<KinetoStep> steps;            // in time order; empty: no step matched
  std::vector<KernelStat> top_kernels;      // by total time, top_n + "other"
  std::vector<OperatorStat> top_operators;  // by self time, top_n + "other"
  LaunchStats launches;
  SyncStats sync;
  std::vector<StreamTimeline> streams;  // by (device, stream)
  // GPU busy time (union of GPU activity over all streams) per bucket of
  // busy_bucket_ns (100 ms) from start_ns: the utilization a sampler like
  // nvidia-smi would have seen (LowGPUUtilization without system metrics).
  int64_t busy_bucket_ns = 100'000'000;
  std::vector<int64_t> gpu_busy_ns;
  std::vector<DeviceMemory> memory;  // empty without memory events
};

// A step number's times across ranks.
struct StepSkew {
  int64_t number = -1;
  int64_t ranks = 0;  // ranks that have the step
  // Medians of an even count: the lower middle + half the difference
  // (rounded down); ties go to the lowest rank; unnumbered steps (-1) are
  // not compared.
  int64_t median_duration_ns = 0;
  int64_t slowest_rank = -1;  // longest duration
  int64_t slowest_duration_ns = 0;
  int64_t late_rank = -1;  // latest host end of the step annotation
  int64_t late_by_ns = 0;  // its end - the median end over ranks
};

struct KinetoAnalysis {
  KinetoOptions options;
  std::vector<KinetoRankAnalysis> ranks;  // by (rank, file)
  std::vector<StepSkew> skew;             // step numbers seen on 2+ ranks
  bool empty() const { return ranks.empty(); }
};

// Analyses one trace.
KinetoRankAnalysis AnalyzeKinetoTrace(const KinetoTrace& trace, const KinetoOptions& options);
// Analyses every trace of the store (ranks in parallel, `jobs` threads, 0 =
// all cores) and the cross-rank view. Deterministic for any `jobs`.
KinetoAnalysis AnalyzeKineto(const MetricStore& store, const KinetoOptions& options, int jobs = 0);

// Sharded runs (docs/scaling.md): each shard analyses its own traces
// (AnalyzeKineto over the shard's store) and the process that merges needs
// the whole job's analysis.
//
// The byte form of an analysis (smr/state_io.h): every field, doubles bit
// for bit. Load fails (error status, `a` untouched) when the bytes run out
// or hold an impossible value (a bool or kernel type out of range).
void SaveKinetoAnalysis(const KinetoAnalysis& a, StateWriter* out);
Status LoadKinetoAnalysis(StateReader* in, KinetoAnalysis* a);
// The whole job's analysis from the analyses of shards that together hold
// each trace once (computed with the same options): the ranks of all parts
// in AnalyzeKineto's order for the whole store (by (rank, file)), the step
// skew recomputed, the options of the first part. Each rank's `trace` is
// renumbered to the trace's index in the whole job's MetricStore::kineto()
// (sorted by (rank, rel_path)), so the result equals AnalyzeKineto over the
// whole store field for field, for any split and any order of `parts`.
KinetoAnalysis MergeKinetoAnalyses(std::vector<KinetoAnalysis> parts);

}  // namespace smr

#endif  // SMR_KINETO_ANALYSIS_H_
