// Tables and statistics of the Kineto analyses (smr/kineto_analysis.h): top
// kernels with the "other" row, operator self time, launch delays, sync
// statistics, per-stream timelines and the memory series.
#include <gtest/gtest.h>

#include <algorithm>

#include "smr/kineto_analysis.h"
#include "tests/analysis/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoBuilder;
using testing::operator""_us;
using testing::operator""_ms;
using C = KinetoCategory;

// Stream 7, one after another: "a" 10+20+30, "b" 50, "c" 5+5, a pageable
// memcpy 15 (µs). All GPU time 135. Ranked: a 60, b 50, memcpy 15, c 10.
// top_n 2: a, b, then "other" = memcpy + c: 3 events, 25 µs, min 5, max 15,
// of type memcpy (15 of its 25 µs).
TEST(KinetoTables, TopKernelsWithOtherRow) {
  KinetoBuilder b;
  int64_t t = 0;
  const auto add = [&](const char* name, int64_t dur, C c = C::kKernel) {
    b.Gpu(c, name, t, dur, 7);
    t += dur + 1_us;
  };
  add("a", 10_us);
  add("c", 5_us);
  add("a", 20_us);
  add("b", 50_us);
  add("a", 30_us);
  add("Memcpy HtoD (Pageable -> Device)", 15_us, C::kMemcpy);
  add("c", 5_us);
  KinetoOptions o;
  o.top_n = 2;
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), o);
  ASSERT_EQ(r.top_kernels.size(), 3u);
  const KernelStat& a = r.top_kernels[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.type, KernelType::kComputation);
  EXPECT_EQ(a.count, 3);
  EXPECT_EQ(a.total_ns, 60_us);
  EXPECT_EQ(a.min_ns, 10_us);
  EXPECT_EQ(a.max_ns, 30_us);
  EXPECT_DOUBLE_EQ(a.mean_ns, 20'000.0);
  EXPECT_DOUBLE_EQ(a.share, 60.0 / 135.0);
  EXPECT_EQ(r.top_kernels[1].name, "b");
  const KernelStat& other = r.top_kernels[2];
  EXPECT_EQ(other.name, "other");
  EXPECT_EQ(other.type, KernelType::kMemcpy);
  EXPECT_EQ(other.count, 3);
  EXPECT_EQ(other.total_ns, 25_us);
  EXPECT_EQ(other.min_ns, 5_us);
  EXPECT_EQ(other.max_ns, 15_us);
  EXPECT_DOUBLE_EQ(other.mean_ns, 25'000.0 / 3.0);
  EXPECT_DOUBLE_EQ(other.share, 25.0 / 135.0);
  EXPECT_EQ(r.sync.pageable_copies, 1);
  EXPECT_EQ(r.sync.pageable_copy_ns, 15_us);
}

TEST(KinetoTables, NoOtherRowWhenEverythingFits) {
  KinetoBuilder b;
  b.Kernel("a", 0, 10_us, 7);
  b.Kernel("ncclKernel_AllReduce", 20_us, 10_us, 8);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(r.top_kernels.size(), 2u);
  // Equal totals: by name.
  EXPECT_EQ(r.top_kernels[0].name, "a");
  EXPECT_EQ(r.top_kernels[1].type, KernelType::kCommunication);
}

// Thread 1: aten::linear [0,100) holding aten::addmm [10,60) (holding
// cudaLaunchKernel [20,30)) and aten::relu [70,90); aten::addmm [200,240).
// Thread 2: aten::linear [0,50) alone (not nested in thread 1's events).
// Self: linear 100-50-20 = 30 and 50 -> 80; addmm 50-10 = 40 and 40 -> 80;
// relu 20. All self time 180. Equal self time: by name.
KinetoTrace OperatorTrace() {
  KinetoBuilder b;
  b.Op("aten::linear", 0_us, 100_us);
  b.Op("aten::addmm", 10_us, 50_us);
  b.Runtime("cudaLaunchKernel", 20_us, 10_us, 5);
  b.Op("aten::relu", 70_us, 20_us);
  b.Op("aten::addmm", 200_us, 40_us);
  b.Op("aten::linear", 0_us, 50_us, 2);
  return b.Take();
}

TEST(KinetoTables, OperatorSelfTimeFromNestingPerThread) {
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(OperatorTrace(), KinetoOptions{});
  ASSERT_EQ(r.top_operators.size(), 3u);
  EXPECT_EQ(r.top_operators[0].name, "aten::addmm");
  EXPECT_EQ(r.top_operators[0].count, 2);
  EXPECT_EQ(r.top_operators[0].total_ns, 90_us);
  EXPECT_EQ(r.top_operators[0].self_ns, 80_us);
  EXPECT_DOUBLE_EQ(r.top_operators[0].share, 80.0 / 180.0);
  EXPECT_EQ(r.top_operators[1].name, "aten::linear");
  EXPECT_EQ(r.top_operators[1].total_ns, 150_us);
  EXPECT_EQ(r.top_operators[1].self_ns, 80_us);
  EXPECT_EQ(r.top_operators[2].name, "aten::relu");
  EXPECT_EQ(r.top_operators[2].self_ns, 20_us);
}

TEST(KinetoTables, OperatorOtherRow) {
  KinetoOptions o;
  o.top_n = 1;
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(OperatorTrace(), o);
  ASSERT_EQ(r.top_operators.size(), 2u);
  EXPECT_EQ(r.top_operators[1].name, "other");
  EXPECT_EQ(r.top_operators[1].count, 3);
  EXPECT_EQ(r.top_operators[1].total_ns, 170_us);
  EXPECT_EQ(r.top_operators[1].self_ns, 100_us);
  EXPECT_DOUBLE_EQ(r.top_operators[1].share, 100.0 / 180.0);
}

// 20 kernels launched 10 µs before they start, one 5 ms after its launch,
// one without a launch; all 5 µs long (short). Delays sorted: 20 × 10 µs,
// 5 ms. Nearest rank: p50 = 11th = 10 µs, p95 = 20th = 10 µs; the outlier
// limit is max(10 + 3 × 0 µs, 1 ms) = 1 ms -> 1 outlier.
TEST(KinetoTables, LaunchDelaysAndOutliers) {
  KinetoBuilder b;
  for (int i = 0; i < 20; ++i) b.Launched("k", i * 100_us, i * 100_us + 10_us, 5_us, 7);
  b.Launched("late", 2100_us, 2100_us + 5_ms, 5_us, 7);
  b.Kernel("lone", 9_ms, 5_us, 7);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  const LaunchStats& l = r.launches;
  EXPECT_EQ(l.gpu_events, 22);
  EXPECT_EQ(l.gpu_event_ns, 22 * 5_us);
  EXPECT_EQ(l.launches, 21);
  EXPECT_EQ(l.unlaunched, 1);
  EXPECT_EQ(l.launch_call_ns, 21 * 1_us);
  EXPECT_EQ(l.short_kernels, 22);
  EXPECT_EQ(l.delay_p50_ns, 10_us);
  EXPECT_EQ(l.delay_p95_ns, 10_us);
  EXPECT_EQ(l.delay_max_ns, 5_ms);
  EXPECT_EQ(l.delay_outliers, 1);
}

// Delays 1..20 ms and 40 ms (21 launches): p50 = 11th = 11 ms, p95 = 20th =
// 20 ms; limit 11 + 3 × 9 = 38 ms -> only the 40 ms delay is an outlier.
TEST(KinetoTables, OutlierLimitAboveOneMillisecond) {
  KinetoBuilder b;
  for (int i = 1; i <= 20; ++i) b.Launched("k", i * 100_ms, i * 100_ms + i * 1_ms, 1_us, 7);
  b.Launched("k", 3000_ms, 3040_ms, 1_us, 7);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_EQ(r.launches.delay_p50_ns, 11_ms);
  EXPECT_EQ(r.launches.delay_p95_ns, 20_ms);
  EXPECT_EQ(r.launches.delay_outliers, 1);
}

// Thread 1: cudaDeviceSynchronize [0,100), aten::item [50,150),
// aten::_local_scalar_dense [60,140) -> union [0,150). Thread 2:
// cudaStreamSynchronize [0,20). 4 calls, 170 µs. cudaMemcpy [200,230) and
// cudaMemset [250,260) are synchronous copies (40 µs); cudaMemcpyAsync is not.
TEST(KinetoTables, SyncStats) {
  KinetoBuilder b;
  b.Runtime("cudaDeviceSynchronize", 0_us, 100_us, -1);
  b.Op("aten::item", 50_us, 100_us);
  b.Op("aten::_local_scalar_dense", 60_us, 80_us);
  b.Runtime("cudaStreamSynchronize", 0_us, 20_us, -1, 2);
  b.Runtime("cudaMemcpy", 200_us, 30_us, -1);
  b.Runtime("cudaMemcpyAsync", 240_us, 5_us, -1);
  b.Runtime("cudaMemset", 250_us, 10_us, -1);
  b.Gpu(C::kMemcpy, "Memcpy DtoD (Device -> Device)", 300_us, 5_us, 7);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_EQ(r.sync.sync_calls, 4);
  EXPECT_EQ(r.sync.sync_ns, 170_us);
  EXPECT_EQ(r.sync.sync_copies, 2);
  EXPECT_EQ(r.sync.sync_copy_ns, 40_us);
  EXPECT_EQ(r.sync.pageable_copies, 0);
}

// Span [0,400) µs (a host op at 0), 4 buckets of 100 µs. Stream 7: a kernel
// [50,250) -> 50, 100, 50, 0 computation. Stream 20: NCCL [350,400) -> 50
// communication in the last bucket.
TEST(KinetoTables, StreamTimelineBuckets) {
  KinetoBuilder b;
  b.Op("aten::mm", 0, 10_us);
  b.Kernel("ncclKernel_x", 350_us, 50_us, 20);
  b.Kernel("gemm", 50_us, 200_us, 7);
  KinetoOptions o;
  o.timeline_buckets = 4;
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), o);
  ASSERT_EQ(r.streams.size(), 2u);
  EXPECT_EQ(r.streams[0].stream, 7);
  EXPECT_EQ(r.streams[0].device, 0);
  ASSERT_EQ(r.streams[0].busy_ns.size(), 4u);
  const int comp = static_cast<int>(KernelType::kComputation);
  const int comm = static_cast<int>(KernelType::kCommunication);
  EXPECT_EQ(r.streams[0].busy_ns[0][comp], 50_us);
  EXPECT_EQ(r.streams[0].busy_ns[1][comp], 100_us);
  EXPECT_EQ(r.streams[0].busy_ns[2][comp], 50_us);
  EXPECT_EQ(r.streams[0].busy_ns[3][comp], 0);
  EXPECT_EQ(r.streams[1].stream, 20);
  EXPECT_EQ(r.streams[1].busy_ns[3][comm], 50_us);
  EXPECT_EQ(r.streams[1].busy_ns[3][comp], 0);
}

// Device 0 with totals (100, 300, 200 bytes); the CPU (-1) without totals
// (legacy): +50, +70, -30 -> 50, 120, 90.
TEST(KinetoTables, MemoryPerDevice) {
  KinetoBuilder b;
  b.Memory(30_us, 0, -100, 200, 512);
  b.Memory(10_us, 0, 100, 100, 512);
  b.Memory(20_us, 0, 200, 300, 512);
  b.Memory(5_us, -1, 50, -1);
  b.Memory(6_us, -1, 70, -1);
  b.Memory(7_us, -1, -30, -1);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(r.memory.size(), 2u);
  EXPECT_EQ(r.memory[0].device, -1);
  ASSERT_EQ(r.memory[0].points.size(), 3u);
  EXPECT_EQ(r.memory[0].points[1].allocated, 120);
  EXPECT_EQ(r.memory[0].points[2].allocated, 90);
  EXPECT_EQ(r.memory[0].points[2].reserved, -1);
  EXPECT_EQ(r.memory[0].peak_allocated, 120);
  EXPECT_EQ(r.memory[1].device, 0);
  EXPECT_EQ(r.memory[1].points[0].ts_ns, 10_us);
  EXPECT_EQ(r.memory[1].points[2].allocated, 200);
  EXPECT_EQ(r.memory[1].points[2].reserved, 512);
  EXPECT_EQ(r.memory[1].peak_allocated, 300);
}

// 1,200 samples allocated = i, one spike of 1e9 at i = 601: 500 points,
// the spike among them, every point one of the samples, the last = 1,199.
TEST(KinetoTables, MemoryDownsampledKeepsPeaks) {
  KinetoBuilder b;
  for (int64_t i = 0; i < 1200; ++i) b.Memory(i * 1_us, 0, 1, i == 601 ? 1'000'000'000 : i);
  const KinetoRankAnalysis r = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(r.memory.size(), 1u);
  const auto& p = r.memory[0].points;
  EXPECT_EQ(p.size(), 500u);
  EXPECT_EQ(r.memory[0].peak_allocated, 1'000'000'000);
  EXPECT_TRUE(std::any_of(p.begin(), p.end(),
                          [](const MemoryPoint& m) { return m.allocated == 1'000'000'000; }));
  EXPECT_EQ(p.back().allocated, 1199);
  EXPECT_TRUE(std::is_sorted(p.begin(), p.end(), [](const MemoryPoint& a, const MemoryPoint& c) {
    return a.ts_ns < c.ts_ns;
  }));
}

}  // namespace
}  // namespace smr
