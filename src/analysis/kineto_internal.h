// Internals of the Kineto analyses (smr/kineto_analysis.h): interval
// arithmetic and the per-trace index every analysis reads (GPU events
// sorted per stream, their launches, the unions by kernel type, the host
// events sorted per thread). Built once per trace in O(n log n).
#ifndef SMR_ANALYSIS_KINETO_INTERNAL_H_
#define SMR_ANALYSIS_KINETO_INTERNAL_H_

#include <cstdint>
#include <vector>

#include "smr/kineto.h"
#include "smr/kineto_analysis.h"

namespace smr::kineto {

struct Interval {
  int64_t start = 0;
  int64_t end = 0;
};
// Sorted, disjoint, non-empty intervals.
using Intervals = std::vector<Interval>;

// Sorts `v` and merges overlapping or touching intervals; drops empty ones.
Intervals Union(Intervals v);
// Union of two unions (linear).
Intervals Merge(const Intervals& a, const Intervals& b);
// Intersection of two unions (linear).
Intervals Intersect(const Intervals& a, const Intervals& b);
int64_t Length(const Intervals& u);
// Length of `u` inside [start, end) (binary search, then the overlapping part).
int64_t ClipLength(const Intervals& u, int64_t start, int64_t end);

// One gap between consecutive GPU events of a stream, with HTA's category.
enum class IdleKind : uint8_t { kHostWait, kKernelWait, kOther };
struct Gap {
  int64_t start = 0;  // end of the previous event
  int64_t end = 0;    // start of the next (>= start: negative gaps are empty)
  IdleKind kind = IdleKind::kOther;
};

// Index of one trace, built once (kineto_index.cc).
struct TraceIndex {
  const KinetoTrace* trace = nullptr;
  const KinetoOptions* options = nullptr;
  // Per name id: the kernel type (GPU activity names only; else computation).
  std::vector<KernelType> type_by_name;
  // Per event: the host runtime/driver event that launched it (same
  // correlation), -1 when none. Filled for GPU activity events only.
  std::vector<int32_t> launch;
  // Kept GPU activity events (after hta_drop_last_step), sorted by
  // (device, stream, start, end); stream_begin[k]..stream_begin[k+1] is the
  // k-th stream. all_gpu: every GPU activity event, in file order.
  std::vector<uint32_t> gpu;
  std::vector<uint32_t> stream_begin;
  size_t all_gpu = 0;
  // Unions of kept GPU activity by type (index KernelType) and the derived
  // sets of the priority split.
  Intervals by_type[4];
  Intervals comp_comm;         // computation ∪ communication
  Intervals comp_comm_memcpy;  // ∪ memcpy
  Intervals busy;              // ∪ memset: all GPU activity
  Intervals memory;            // memcpy ∪ memset
  Intervals comm_and_comp;     // communication ∩ computation
  Intervals memcpy_and_cc;     // memcpy ∩ (computation ∪ communication)
  Intervals memset_and_ccm;    // memset ∩ (computation ∪ communication ∪ memcpy)
  Intervals comp_and_mem;      // computation ∩ memory
  Intervals comm_and_mem;      // communication ∩ memory
  // Start times of kept events by category (kernel, memcpy, memset), sorted.
  std::vector<int64_t> starts[3];
  // Per stream, its gaps in time order; gap_begin as stream_begin.
  std::vector<Gap> gaps;
  std::vector<uint32_t> gap_begin;
  // Host events (cpu_op, user_annotation, runtime, driver) sorted by (tid,
  // start, longer first); thread_begin as stream_begin.
  std::vector<uint32_t> host;
  std::vector<uint32_t> thread_begin;
  // Per name id: 1 when the name is a step annotation (FindSteps).
  std::vector<uint8_t> step_name;

  KernelType type(uint32_t e) const { return type_by_name[trace->events.name[e]]; }
};

// Builds the index; `steps` (host step annotations, sorted by start) decide
// the HTA filter.
void BuildIndex(const KinetoTrace& t, const KinetoOptions& o, const std::vector<KinetoStep>& steps,
                TraceIndex& x);

// GPU breakdown over [start, end) (kineto_intervals.cc).
GpuBreakdown BreakdownOver(const TraceIndex& x, int64_t start, int64_t end);

// Steps from the step pattern, without windows or breakdowns; the step
// thread in `*thread` (-1 without steps), the step names in `*step_name`
// (per name id) (kineto_steps.cc).
std::vector<KinetoStep> FindSteps(const KinetoTrace& t, const KinetoOptions& o, int64_t* thread,
                                  std::vector<uint8_t>* step_name);
// Sets window_end_ns of every step (needs the launches of the index).
void SetStepWindows(const TraceIndex& x, std::vector<KinetoStep>& steps);
// The thread with the most host time (union), -1 without host events.
int64_t BusiestThread(const TraceIndex& x);

// CPU breakdown of one thread over windows (kineto_cpu.cc).
class CpuSplitter {
 public:
  CpuSplitter(const TraceIndex& x, int64_t tid);
  CpuBreakdown Over(int64_t start, int64_t end) const;

 private:
  Intervals all_, dataloader_, optimizer_, sync_, runtime_;
  Intervals opt_and_dl_, dl_opt_, sync_and_dl_opt_, dl_opt_sync_;
};
// Name classes of the CPU breakdown and the sync statistics.
bool IsDataLoaderName(std::string_view name);
bool IsOptimizerName(std::string_view name);
bool IsSyncName(std::string_view name);      // blocking synchronisation calls
bool IsSyncCopyName(std::string_view name);  // synchronous memcpy/memset calls

// Tables (kineto_tables.cc).
std::vector<KernelStat> TopKernels(const TraceIndex& x);
std::vector<OperatorStat> TopOperators(const TraceIndex& x);
LaunchStats Launches(const TraceIndex& x);
SyncStats Syncs(const TraceIndex& x);

// Timelines and memory (kineto_timeline.cc).
std::vector<StreamTimeline> StreamTimelines(const TraceIndex& x, int64_t start, int64_t end);
std::vector<int64_t> BusyPerBucket(const TraceIndex& x, int64_t start, int64_t end,
                                   int64_t bucket_ns);
std::vector<DeviceMemory> MemoryPerDevice(const KinetoTrace& t);

// Cross-rank step skew (kineto_analysis.cc).
std::vector<StepSkew> StepSkews(const std::vector<KinetoRankAnalysis>& ranks);

}  // namespace smr::kineto

#endif  // SMR_ANALYSIS_KINETO_INTERNAL_H_
