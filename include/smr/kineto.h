// PyTorch-profiler (Kineto) traces: what the importer keeps of one trace
// file (one rank's profiling window). docs/kineto.md describes the format
// and every variation of it the importer handles.
//
// Times are int64 nanoseconds since the Unix epoch, parsed from the decimal
// text of `ts`/`dur` (µs with up to 3 decimals) without going through a
// double, plus `baseTimeNanoseconds` for traces with relative timestamps.
// Only complete events (`ph:"X"`) are kept as events; instant memory events
// become memory samples; flows, metadata and other instants are counted.
#ifndef SMR_KINETO_H_
#define SMR_KINETO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smr/string_pool.h"

namespace smr {

// The event's category, current and legacy names normalised (legacy
// `Operator` = kCpuOp, `Runtime` = kRuntime, `Kernel` = kKernel, `Memcpy` =
// kMemcpy, `Memset` = kMemset). An event is classified by its category,
// never by its pid.
enum class KinetoCategory : uint8_t {
  kCpuOp,              // cpu_op, Operator
  kUserAnnotation,     // user_annotation (ProfilerStep#N, record_function)
  kPythonFunction,     // python_function
  kRuntime,            // cuda_runtime, Runtime (also HIP runtime calls)
  kDriver,             // cuda_driver (cuLaunchKernel, ...)
  kKernel,             // kernel, Kernel
  kMemcpy,             // gpu_memcpy, Memcpy
  kMemset,             // gpu_memset, Memset
  kCudaSync,           // cuda_sync (Stream Sync, Context Sync, Event Sync,
                       // Stream Wait Event): the GPU waiting, not busy
  kGpuUserAnnotation,  // gpu_user_annotation (spans kernels; not busy time)
  kOther,              // any other category (kept and counted; never GPU time)
};
const char* KinetoCategoryName(KinetoCategory c);  // "cpu_op", "kernel", ...

// kKernel, kMemcpy, kMemset: the events that make a GPU busy.
constexpr bool IsGpuActivity(KinetoCategory c) {
  return c == KinetoCategory::kKernel || c == KinetoCategory::kMemcpy ||
         c == KinetoCategory::kMemset;
}
// The categories that run on the host (a thread of the process).
constexpr bool IsHostCategory(KinetoCategory c) {
  return c == KinetoCategory::kCpuOp || c == KinetoCategory::kUserAnnotation ||
         c == KinetoCategory::kPythonFunction || c == KinetoCategory::kRuntime ||
         c == KinetoCategory::kDriver;
}

// Complete events of one trace, in file order (NOT sorted: real traces are
// not; the analysis sorts what it needs). One row per `ph:"X"` event.
struct KinetoEvents {
  std::vector<int64_t> start_ns;  // epoch ns
  std::vector<int64_t> dur_ns;    // >= 0 (zero-length events are kept)
  std::vector<KinetoCategory> category;
  std::vector<StrId> name;          // into KinetoTrace::strings
  std::vector<StrId> raw_category;  // the category as written ("cpu_op", "Operator", ...)
  // GPU-side events (IsGpuActivity, kCudaSync, kGpuUserAnnotation): the
  // device (args.device, else pid) and stream (args.stream: int, numeric or
  // hex string; else tid, "stream 7" read as 7); -1 when there is none
  // (4294967295 and -1 both mean "no stream"). Host events: device -1,
  // stream -1.
  std::vector<int32_t> device;
  std::vector<int32_t> stream;
  // Host events: the thread (int tid or numeric string); GPU events: -1.
  std::vector<int64_t> tid;
  std::vector<int64_t> pid;
  // args.correlation (kernels, memcpy/memset, runtime/driver launches), else
  // -1. A GPU event and the runtime call that launched it share it.
  std::vector<int64_t> correlation;
  // args["External id"] / args["external id"] (legacy), else -1.
  std::vector<int64_t> external_id;
  // Memcpy/memset: args.bytes, else -1.
  std::vector<int64_t> bytes;

  size_t size() const { return start_ns.size(); }
  int64_t end_ns(size_t i) const { return start_ns[i] + dur_ns[i]; }
};

// One `[memory]` instant event (allocator state after an allocation or free).
struct KinetoMemorySample {
  int64_t ts_ns = 0;
  int32_t device = -1;           // args["Device Id"]; -1 = CPU
  int32_t device_type = -1;      // args["Device Type"] (0 CPU, 1 CUDA)
  int64_t bytes = 0;             // args.Bytes (negative: a free)
  int64_t total_allocated = -1;  // args["Total Allocated"], -1 absent (legacy)
  int64_t total_reserved = -1;   // args["Total Reserved"], -1 absent
};

// What the importer counted in one trace besides the kept events (the
// data-quality section shows them; a skipped event is also a diagnostic
// with its file and line).
struct KinetoCounts {
  int64_t events_read = 0;       // elements of the traceEvents array
  int64_t complete = 0;          // ph X kept as events
  int64_t memory = 0;            // [memory] instants kept as samples
  int64_t flows = 0;             // ph s/f/t (not needed: joins use correlation)
  int64_t metadata = 0;          // ph M
  int64_t other_instants = 0;    // ph i/I other than [memory]
  int64_t other_phases = 0;      // any other ph (B/E, C, ...): counted, not used
  int64_t non_thread = 0;        // string pids like "Spans", "Traces", "" (skipped)
  int64_t unknown_category = 0;  // X events of a category not listed above (kept as kOther)
  int64_t skipped = 0;           // malformed events (not an object, no ts,
                                 // negative dur, ...): each a diagnostic
};

// One trace file: one rank's profiling window.
struct KinetoTrace {
  std::string rel_path;     // relative to the input folder (messages, report)
  uint32_t file_index = 0;  // into MetricStore::files()
  // distributedInfo: rank (-1 when absent: the report shows the trace as
  // rank 0, as HTA does, but says it is unknown), world size (-1 unknown),
  // backend ("" unknown).
  int64_t rank = -1;
  int64_t world_size = -1;
  std::string backend;
  // baseTimeNanoseconds when the file has it (its ts are then relative to
  // it), else 0 (ts are epoch µs).
  int64_t base_time_ns = 0;
  bool relative_timestamps = false;
  bool legacy = false;      // legacy category names (2020-21 profiler)
  bool bare_array = false;  // the top level was an array, not an object
  // deviceProperties names by device id ("" unknown).
  std::vector<std::string> gpu_names;
  StringPool strings;
  KinetoEvents events;
  std::vector<KinetoMemorySample> memory;
  KinetoCounts counts;

  int64_t RankOrZero() const { return rank < 0 ? 0 : rank; }
  std::string_view str(StrId id) const { return strings.Get(id); }
};

}  // namespace smr

#endif  // SMR_KINETO_H_
