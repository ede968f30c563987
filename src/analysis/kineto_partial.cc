// The Kineto analyses of a sharded run (smr/kineto_analysis.h): each shard
// analyses its own traces; the shards' KinetoAnalysis travel in their byte
// form (smr/state_io.h) to the process that merges them into the whole
// job's analysis. A rank's analysis depends only on its own trace, so the
// merge only orders the ranks as AnalyzeKineto orders them for the whole
// store and recomputes the cross-rank view (the step skew).
//
// Completeness guard: next to the writer of every struct a static_assert
// pins its size, expressed in the sizes of std::string and std::vector so
// that it holds for every 64-bit standard library. Adding a field changes
// the size and breaks the build until the writer and the reader below are
// updated (and the assert with them). Structs of int64_t only are written
// whole (Put); for them the assert also requires unique object
// representations, so no padding byte (whose value is unspecified) ever
// reaches the byte form. A field squeezed into existing padding (a bool
// after a bool) keeps the size: check the padding notes when adding one.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "smr/kineto_analysis.h"
#include "smr/state_io.h"
#include "src/analysis/kineto_internal.h"

namespace smr {
namespace {

constexpr size_t kStr = sizeof(std::string);
constexpr size_t kVec = sizeof(std::vector<int64_t>);

// A struct of int64_t fields only, written whole: exactly `fields` of them
// and no padding.
template <typename T>
constexpr bool WholeInts(size_t fields) {
  return sizeof(T) == fields * sizeof(int64_t) && std::has_unique_object_representations_v<T> &&
         std::is_trivially_copyable_v<T>;
}

static_assert(WholeInts<GpuBreakdown>(18), "GpuBreakdown changed: update kineto_partial.cc");
static_assert(WholeInts<CpuBreakdown>(6), "CpuBreakdown changed: update kineto_partial.cc");
static_assert(WholeInts<LaunchStats>(11), "LaunchStats changed: update kineto_partial.cc");
static_assert(WholeInts<SyncStats>(6), "SyncStats changed: update kineto_partial.cc");
static_assert(WholeInts<MemoryPoint>(3), "MemoryPoint changed: update kineto_partial.cc");
static_assert(WholeInts<StepSkew>(7), "StepSkew changed: update kineto_partial.cc");
static_assert(WholeInts<std::array<int64_t, 4>>(4));

// Reads values and checks the ones with a restricted range (bools, enums);
// bad() once a value was out of range.
class Loader {
 public:
  explicit Loader(StateReader* in) : in_(in) {}
  template <typename T>
  T Get() {
    return in_->Get<T>();
  }
  std::string GetString() { return in_->GetString(); }
  template <typename T>
  std::vector<T> GetVector() {
    return in_->GetVector<T>();
  }
  bool GetBool() {
    const auto b = in_->Get<uint8_t>();
    if (b > 1) bad_ = true;
    return b == 1;
  }
  KernelType GetKernelType() {
    const auto t = in_->Get<uint8_t>();
    if (t > static_cast<uint8_t>(KernelType::kMemset)) bad_ = true;
    return static_cast<KernelType>(t);
  }
  // A count of elements that follow; loops stop once the reader failed.
  uint64_t GetCount() { return in_->Get<uint64_t>(); }
  bool ok() const { return in_->ok() && !bad_; }
  bool bad() const { return bad_; }

 private:
  StateReader* in_;
  bool bad_ = false;
};

// Size: string, int64, two bools (padded to 8), int64, two ints.
static_assert(sizeof(KinetoOptions) == kStr + 32, "KinetoOptions changed: update its writer");
void SaveOptions(const KinetoOptions& o, StateWriter* out) {
  out->PutString(o.step_pattern);
  out->Put(o.consecutive_kernel_delay_ns);
  out->Put<uint8_t>(o.hta_drop_last_step ? 1 : 0);
  out->Put<uint8_t>(o.hta_keep_last_step ? 1 : 0);
  out->Put(o.short_kernel_ns);
  out->Put(o.top_n);
  out->Put(o.timeline_buckets);
}
void LoadOptions(Loader& in, KinetoOptions* o) {
  o->step_pattern = in.GetString();
  o->consecutive_kernel_delay_ns = in.Get<int64_t>();
  o->hta_drop_last_step = in.GetBool();
  o->hta_keep_last_step = in.GetBool();
  o->short_kernel_ns = in.Get<int64_t>();
  o->top_n = in.Get<int>();
  o->timeline_buckets = in.Get<int>();
}

// Size: int64, string, three int64, the two breakdowns.
static_assert(sizeof(KinetoStep) == 8 + kStr + 24 + sizeof(GpuBreakdown) + sizeof(CpuBreakdown),
              "KinetoStep changed: update its writer");
void SaveStep(const KinetoStep& s, StateWriter* out) {
  out->Put(s.number);
  out->PutString(s.name);
  out->Put(s.start_ns);
  out->Put(s.end_ns);
  out->Put(s.window_end_ns);
  out->Put(s.gpu);
  out->Put(s.cpu);
}
KinetoStep LoadStep(Loader& in) {
  KinetoStep s;
  s.number = in.Get<int64_t>();
  s.name = in.GetString();
  s.start_ns = in.Get<int64_t>();
  s.end_ns = in.Get<int64_t>();
  s.window_end_ns = in.Get<int64_t>();
  s.gpu = in.Get<GpuBreakdown>();
  s.cpu = in.Get<CpuBreakdown>();
  return s;
}

// Size: string, the type (padded to 8), four int64, two doubles.
static_assert(sizeof(KernelStat) == kStr + 56, "KernelStat changed: update its writer");
void SaveKernel(const KernelStat& k, StateWriter* out) {
  out->PutString(k.name);
  out->Put(k.type);
  out->Put(k.count);
  out->Put(k.total_ns);
  out->Put(k.min_ns);
  out->Put(k.max_ns);
  out->Put(k.mean_ns);
  out->Put(k.share);
}
KernelStat LoadKernel(Loader& in) {
  KernelStat k;
  k.name = in.GetString();
  k.type = in.GetKernelType();
  k.count = in.Get<int64_t>();
  k.total_ns = in.Get<int64_t>();
  k.min_ns = in.Get<int64_t>();
  k.max_ns = in.Get<int64_t>();
  k.mean_ns = in.Get<double>();
  k.share = in.Get<double>();
  return k;
}

// Size: string, three int64, a double.
static_assert(sizeof(OperatorStat) == kStr + 32, "OperatorStat changed: update its writer");
void SaveOperator(const OperatorStat& o, StateWriter* out) {
  out->PutString(o.name);
  out->Put(o.count);
  out->Put(o.total_ns);
  out->Put(o.self_ns);
  out->Put(o.share);
}
OperatorStat LoadOperator(Loader& in) {
  OperatorStat o;
  o.name = in.GetString();
  o.count = in.Get<int64_t>();
  o.total_ns = in.Get<int64_t>();
  o.self_ns = in.Get<int64_t>();
  o.share = in.Get<double>();
  return o;
}

// Size: two int32, a vector.
static_assert(sizeof(StreamTimeline) == 8 + kVec, "StreamTimeline changed: update its writer");
void SaveStream(const StreamTimeline& s, StateWriter* out) {
  out->Put(s.device);
  out->Put(s.stream);
  out->PutVector(s.busy_ns);
}
StreamTimeline LoadStream(Loader& in) {
  StreamTimeline s;
  s.device = in.Get<int32_t>();
  s.stream = in.Get<int32_t>();
  s.busy_ns = in.GetVector<std::array<int64_t, 4>>();
  return s;
}

// Size: int32 (padded to 8), a vector, int64.
static_assert(sizeof(DeviceMemory) == 16 + kVec, "DeviceMemory changed: update its writer");
void SaveMemory(const DeviceMemory& m, StateWriter* out) {
  out->Put(m.device);
  out->PutVector(m.points);
  out->Put(m.peak_allocated);
}
DeviceMemory LoadMemory(Loader& in) {
  DeviceMemory m;
  m.device = in.Get<int32_t>();
  m.points = in.GetVector<MemoryPoint>();
  m.peak_allocated = in.Get<int64_t>();
  return m;
}

template <typename T, typename Save>
void SaveAll(const std::vector<T>& v, StateWriter* out, Save save) {
  out->Put<uint64_t>(v.size());
  for (const T& x : v) save(x, out);
}
template <typename T, typename Load>
void LoadAll(Loader& in, std::vector<T>* v, Load load) {
  v->clear();
  const uint64_t n = in.GetCount();
  // No reserve: a corrupt count must not allocate; the loop ends as soon as
  // the bytes run out.
  for (uint64_t i = 0; i < n && in.ok(); ++i) v->push_back(load(in));
}

// Size: uint32 (padded to 8), int64, two strings, a bool (padded to 8), two
// int64, two GPU breakdowns, a CPU breakdown, launch and sync stats, int64
// and six vectors.
static_assert(sizeof(KinetoRankAnalysis) == 2 * kStr + 6 * kVec + 48 + 2 * sizeof(GpuBreakdown) +
                                                sizeof(CpuBreakdown) + sizeof(LaunchStats) +
                                                sizeof(SyncStats),
              "KinetoRankAnalysis changed: update its writer");
void SaveRank(const KinetoRankAnalysis& r, StateWriter* out) {
  out->Put(r.trace);
  out->Put(r.rank);
  out->PutString(r.file);
  out->PutString(r.gpu_name);
  out->Put<uint8_t>(r.has_gpu ? 1 : 0);
  out->Put(r.start_ns);
  out->Put(r.end_ns);
  out->Put(r.gpu);
  out->Put(r.gpu_steps);
  out->Put(r.cpu_steps);
  SaveAll(r.steps, out, SaveStep);
  SaveAll(r.top_kernels, out, SaveKernel);
  SaveAll(r.top_operators, out, SaveOperator);
  out->Put(r.launches);
  out->Put(r.sync);
  SaveAll(r.streams, out, SaveStream);
  out->Put(r.busy_bucket_ns);
  out->PutVector(r.gpu_busy_ns);
  SaveAll(r.memory, out, SaveMemory);
}
KinetoRankAnalysis LoadRank(Loader& in) {
  KinetoRankAnalysis r;
  r.trace = in.Get<uint32_t>();
  r.rank = in.Get<int64_t>();
  r.file = in.GetString();
  r.gpu_name = in.GetString();
  r.has_gpu = in.GetBool();
  r.start_ns = in.Get<int64_t>();
  r.end_ns = in.Get<int64_t>();
  r.gpu = in.Get<GpuBreakdown>();
  r.gpu_steps = in.Get<GpuBreakdown>();
  r.cpu_steps = in.Get<CpuBreakdown>();
  LoadAll(in, &r.steps, LoadStep);
  LoadAll(in, &r.top_kernels, LoadKernel);
  LoadAll(in, &r.top_operators, LoadOperator);
  r.launches = in.Get<LaunchStats>();
  r.sync = in.Get<SyncStats>();
  LoadAll(in, &r.streams, LoadStream);
  r.busy_bucket_ns = in.Get<int64_t>();
  r.gpu_busy_ns = in.GetVector<int64_t>();
  LoadAll(in, &r.memory, LoadMemory);
  return r;
}

// Size: the options and two vectors.
static_assert(sizeof(KinetoAnalysis) == sizeof(KinetoOptions) + 2 * kVec,
              "KinetoAnalysis changed: update its writer");

}  // namespace

void SaveKinetoAnalysis(const KinetoAnalysis& a, StateWriter* out) {
  SaveOptions(a.options, out);
  SaveAll(a.ranks, out, SaveRank);
  out->PutVector(a.skew);
}

Status LoadKinetoAnalysis(StateReader* in, KinetoAnalysis* a) {
  Loader loader(in);
  KinetoAnalysis k;
  LoadOptions(loader, &k.options);
  LoadAll(loader, &k.ranks, LoadRank);
  k.skew = loader.GetVector<StepSkew>();
  if (loader.bad()) return Status::Error("the Kineto analysis state holds an impossible value");
  if (!loader.ok()) return Status::Error("the Kineto analysis state is truncated");
  *a = std::move(k);
  return Status::Ok();
}

KinetoAnalysis MergeKinetoAnalyses(std::vector<KinetoAnalysis> parts) {
  KinetoAnalysis out;
  if (parts.empty()) return out;
  out.options = std::move(parts.front().options);
  for (KinetoAnalysis& p : parts) {
    out.ranks.insert(out.ranks.end(), std::make_move_iterator(p.ranks.begin()),
                     std::make_move_iterator(p.ranks.end()));
  }
  // AnalyzeKineto's order for the whole store: MetricStore::kineto() sorts
  // the traces by (RankOrZero, rel_path), i.e. by (rank, file) here (a
  // job's files have distinct paths, so no two parts tie), and each rank's
  // trace is its place in that order.
  std::stable_sort(out.ranks.begin(), out.ranks.end(),
                   [](const KinetoRankAnalysis& a, const KinetoRankAnalysis& b) {
                     return std::tie(a.rank, a.file) < std::tie(b.rank, b.file);
                   });
  for (size_t i = 0; i < out.ranks.size(); ++i) out.ranks[i].trace = static_cast<uint32_t>(i);
  out.skew = kineto::StepSkews(out.ranks);
  return out;
}

}  // namespace smr
