// The GPU breakdown of the Kineto analyses (smr/kineto_analysis.h) on small
// hand-built traces: the priority split, the overlaps, HTA's idle categories,
// zero-length events, HTA's last-step filter and traces without GPU events.
#include <gtest/gtest.h>

#include "smr/kineto_analysis.h"
#include "tests/analysis/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoBuilder;
using testing::operator""_us;
using testing::operator""_ms;
using C = KinetoCategory;

// Streams (µs):
//   7: gemm_a [0,100)  gemm_b [150,250)            gemm_d [300,320)
//  20:    ncclKernel [50,200)     Memcpy [270,310)
//  21:                                   Memset [305,340)
// Window [0,340) = 340.
//  computation   C = [0,100)+[150,250)+[300,320)           = 220
//  communication M = [50,200) = 150; M∩C = [50,100)+[150,200) = 100 -> exposed 50
//  memcpy        Y = [270,310) = 40; Y∩(C∪M) = [300,310) = 10      -> 30
//  memset        Z = [305,340) = 35; Z∩(C∪M∪Y) = [305,320) = 15    -> 20
//  busy = [0,250)+[270,340) = 320 -> idle 20; 220+50+30+20+20 = 340
//  memory total Y∪Z = [270,340) = 70; C∩(Y∪Z) = [300,320) = 20; M∩(Y∪Z) = 0
// Idle per stream: 7: [100,150) gemm_b launched at 120 > 100: host wait 50;
//   [250,300) gemm_d launched at 200 < 250, 50 >= 30: other 50.
//   20: [200,270) memcpy launched at 10 < 200, 70 >= 30: other 70. 21: none.
KinetoTrace OverlapTrace() {
  KinetoBuilder b;
  b.Launched("gemm_a", 0_us, 0_us, 100_us, 7);
  b.Launched("gemm_b", 120_us, 150_us, 100_us, 7);
  b.Launched("gemm_d", 200_us, 300_us, 20_us, 7);
  b.Launched("ncclKernel_AllReduce_RING_LL_Sum_float", 40_us, 50_us, 150_us, 20);
  b.Launched("Memcpy DtoD (Device -> Device)", 10_us, 270_us, 40_us, 20, C::kMemcpy);
  b.Launched("Memset (Device)", 260_us, 305_us, 35_us, 21, C::kMemset);
  return b.Take();
}

TEST(KinetoBreakdown, PrioritySplitOfOverlappingTypesOnThreeStreams) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(OverlapTrace(), KinetoOptions{});
  ASSERT_TRUE(a.has_gpu);
  const GpuBreakdown& g = a.gpu;
  EXPECT_EQ(g.start_ns, 0_us);
  EXPECT_EQ(g.end_ns, 340_us);
  EXPECT_EQ(g.computation_ns, 220_us);
  EXPECT_EQ(g.communication_ns, 50_us);
  EXPECT_EQ(g.memcpy_ns, 30_us);
  EXPECT_EQ(g.memset_ns, 20_us);
  EXPECT_EQ(g.idle_ns, 20_us);
  EXPECT_EQ(g.computation_ns + g.communication_ns + g.memcpy_ns + g.memset_ns + g.idle_ns,
            g.wall_ns());
  EXPECT_EQ(g.busy_ns(), 320_us);
  EXPECT_EQ(g.communication_total_ns, 150_us);
  EXPECT_EQ(g.memory_total_ns, 70_us);
  EXPECT_EQ(g.comm_comp_overlap_ns, 100_us);
  EXPECT_EQ(g.comp_mem_overlap_ns, 20_us);
  EXPECT_EQ(g.comm_mem_overlap_ns, 0);
  EXPECT_EQ(g.idle_host_wait_ns, 50_us);
  EXPECT_EQ(g.idle_kernel_wait_ns, 0);
  EXPECT_EQ(g.idle_other_ns, 120_us);
  EXPECT_EQ(g.kernels, 4);
  EXPECT_EQ(g.memcpys, 1);
  EXPECT_EQ(g.memsets, 1);
}

TEST(KinetoBreakdown, WithoutStepsTheStepSpanIsTheTraceSpan) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(OverlapTrace(), KinetoOptions{});
  EXPECT_TRUE(a.steps.empty());
  EXPECT_EQ(a.start_ns, 0);
  EXPECT_EQ(a.end_ns, 340_us);
  EXPECT_EQ(a.gpu_steps.start_ns, 0);
  EXPECT_EQ(a.gpu_steps.end_ns, 340_us);
  EXPECT_EQ(a.gpu_steps.computation_ns, 220_us);
  EXPECT_EQ(a.gpu_steps.idle_ns, 20_us);
}

// Stream 7: k1 [0,10) k0 [50,50) (zero length) k2 [60,70) (µs).
// Busy 20 of the window [0,70) -> idle 50; gaps [10,50) 40 and [50,60) 10,
// all launched at 0: other 40 (>= 30) and kernel wait 10.
TEST(KinetoBreakdown, ZeroLengthKernelsCountButTakeNoTime) {
  KinetoBuilder b;
  b.Launched("k1", 0, 0_us, 10_us, 7);
  b.Launched("k0", 0, 50_us, 0, 7);
  b.Launched("k2", 0, 60_us, 10_us, 7);
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_EQ(a.gpu.wall_ns(), 70_us);
  EXPECT_EQ(a.gpu.computation_ns, 20_us);
  EXPECT_EQ(a.gpu.idle_ns, 50_us);
  EXPECT_EQ(a.gpu.kernels, 3);
  EXPECT_EQ(a.gpu.idle_other_ns, 40_us);
  EXPECT_EQ(a.gpu.idle_kernel_wait_ns, 10_us);
  EXPECT_EQ(a.gpu.idle_host_wait_ns, 0);
  EXPECT_EQ(a.launches.gpu_events, 3);
  EXPECT_EQ(a.launches.short_kernels, 1);  // only k0 is below 10 µs
  EXPECT_EQ(a.launches.short_kernel_ns, 0);
}

// Stream 7, each kernel 10 µs, gaps before k2..k6:
//  k2: 29.999 µs, launched early           -> kernel wait 29,999 ns
//  k3: 30 µs exactly, launched early       -> other 30,000 (not below 30)
//  k4: 40 µs, launched exactly at k3's end -> other 40,000 (not after it)
//  k5: 20 µs, launched 1 ns after k4's end -> host wait 20,000
//  k6: 5 µs, no launch in the trace        -> kernel wait 5,000
TEST(KinetoBreakdown, IdleCategoriesAtTheirBoundaries) {
  KinetoBuilder b;
  int64_t t = 0;
  b.Launched("k1", 0, t, 10_us, 7);
  t += 10_us + 29'999;
  b.Launched("k2", 1_us, t, 10_us, 7);
  t += 10_us + 30_us;
  b.Launched("k3", 2_us, t, 10_us, 7);
  const int64_t k3_end = t + 10_us;
  t = k3_end + 40_us;
  b.Launched("k4", k3_end, t, 10_us, 7);
  const int64_t k4_end = t + 10_us;
  t = k4_end + 20_us;
  b.Launched("k5", k4_end + 1, t, 10_us, 7);
  t += 10_us + 5_us;
  b.Kernel("k6", t, 10_us, 7);
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_EQ(a.gpu.idle_host_wait_ns, 20'000);
  EXPECT_EQ(a.gpu.idle_kernel_wait_ns, 29'999 + 5'000);
  EXPECT_EQ(a.gpu.idle_other_ns, 30'000 + 40'000);
  EXPECT_EQ(a.gpu.idle_ns, 29'999 + 30'000 + 40'000 + 20'000 + 5'000);
  EXPECT_EQ(a.launches.unlaunched, 1);
  EXPECT_EQ(a.launches.launches, 5);
}

TEST(KinetoBreakdown, ThresholdIsAnOption) {
  KinetoBuilder b;
  b.Launched("k1", 0, 0_us, 10_us, 7);
  b.Launched("k2", 0, 50_us, 10_us, 7);  // gap 40 µs
  KinetoOptions o;
  o.consecutive_kernel_delay_ns = 41_us;
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), o);
  EXPECT_EQ(a.gpu.idle_kernel_wait_ns, 40_us);
  EXPECT_EQ(a.gpu.idle_other_ns, 0);
}

// ProfilerStep#1..3 at [0,100) [100,200) [200,300) µs. Kernels (stream 7):
//  pre:  launched at -50, runs [-40,-30)   (before the first step: kept)
//  k1:   launched at 10,  runs [20,50)
//  k2:   launched at 110, runs [120,160)
//  k3:   launched at 210, runs [220,260)   (last step: dropped)
//  lone: no launch,       runs [270,280)   (dropped by the filter)
// Filtered window [-40,160) = 200, busy 10+30+40 = 80 -> idle 120.
// Unfiltered window [-40,280) = 320, busy 130 -> idle 190.
void AddThreeSteps(KinetoBuilder& b) {
  b.Annotation("ProfilerStep#1", 0_us, 100_us);
  b.Annotation("ProfilerStep#2", 100_us, 100_us);
  b.Annotation("ProfilerStep#3", 200_us, 100_us);
  b.Runtime("cudaLaunchKernel", -50'000, 1_us, 1);
  b.Kernel("pre", -40'000, 10_us, 7, 1);
  b.Launched("k1", 10_us, 20_us, 30_us, 7);
  b.Launched("k2", 110_us, 120_us, 40_us, 7);
  b.Launched("k3", 210_us, 220_us, 40_us, 7);
  b.Kernel("lone", 270_us, 10_us, 7);
}

KinetoTrace ThreeStepTrace() {
  KinetoBuilder b;
  AddThreeSteps(b);
  return b.Take();
}

TEST(KinetoBreakdown, HtaDropLastStepKeepsWorkLaunchedBeforeTheLastStep) {
  KinetoOptions o;
  o.hta_drop_last_step = true;
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(ThreeStepTrace(), o);
  EXPECT_EQ(a.gpu.start_ns, -40'000);
  EXPECT_EQ(a.gpu.end_ns, 160_us);
  EXPECT_EQ(a.gpu.computation_ns, 80_us);
  EXPECT_EQ(a.gpu.idle_ns, 120_us);
  EXPECT_EQ(a.gpu.kernels, 3);
  EXPECT_EQ(a.launches.gpu_events, 3);
  EXPECT_EQ(a.launches.unlaunched, 0);
  ASSERT_EQ(a.steps.size(), 3u);  // the steps themselves stay
}

TEST(KinetoBreakdown, WithoutTheFilterEveryGpuEventCounts) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(ThreeStepTrace(), KinetoOptions{});
  EXPECT_EQ(a.gpu.start_ns, -40'000);
  EXPECT_EQ(a.gpu.end_ns, 280_us);
  EXPECT_EQ(a.gpu.computation_ns, 130_us);
  EXPECT_EQ(a.gpu.idle_ns, 190_us);
  EXPECT_EQ(a.gpu.kernels, 5);
  EXPECT_EQ(a.launches.unlaunched, 1);
}

// Keeping the last step as HTA does: launches up to the end of the last
// step's annotation (300 µs) count. Added: at_end launched at 300 runs
// [310,315) (kept), after launched at 301 runs [320,325) (dropped); lone has
// no launch (dropped). Kept: pre, k1, k2, k3, at_end -> window [-40,315) =
// 355, busy 10+30+40+40+5 = 125, idle 230.
TEST(KinetoBreakdown, HtaKeepLastStepKeepsLaunchesUpToTheLastStepEnd) {
  KinetoBuilder b;
  AddThreeSteps(b);
  b.Launched("at_end", 300_us, 310_us, 5_us, 7);
  b.Launched("after", 300_us + 1, 320_us, 5_us, 7);
  KinetoOptions o;
  o.hta_drop_last_step = true;
  o.hta_keep_last_step = true;
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), o);
  EXPECT_EQ(a.gpu.kernels, 5);
  EXPECT_EQ(a.gpu.start_ns, -40'000);
  EXPECT_EQ(a.gpu.end_ns, 315_us);
  EXPECT_EQ(a.gpu.computation_ns, 125_us);
  EXPECT_EQ(a.gpu.idle_ns, 230_us);
}

TEST(KinetoBreakdown, HtaFilterNeedsTwoSteps) {
  KinetoBuilder b;
  b.Annotation("ProfilerStep#1", 0_us, 100_us);
  b.Launched("k1", 10_us, 20_us, 30_us, 7);
  b.Kernel("lone", 200_us, 10_us, 7);
  KinetoOptions o;
  o.hta_drop_last_step = true;
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), o);
  EXPECT_EQ(a.gpu.kernels, 2);
  EXPECT_EQ(a.gpu.end_ns, 210_us);
}

TEST(KinetoBreakdown, CpuOnlyTraceHasNoGpuAndDoesNotCrash) {
  KinetoBuilder b;
  b.Annotation("ProfilerStep#1", 0_us, 100_us);
  b.Op("aten::add", 10_us, 20_us);
  b.Host(C::kCudaSync, "Event Sync", 30_us, 5_us, -1);  // not GPU activity
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_FALSE(a.has_gpu);
  EXPECT_EQ(a.gpu.wall_ns(), 0);
  EXPECT_EQ(a.gpu.kernels, 0);
  EXPECT_TRUE(a.top_kernels.empty());
  EXPECT_TRUE(a.streams.empty());
  ASSERT_EQ(a.steps.size(), 1u);
  EXPECT_EQ(a.steps[0].gpu.idle_ns, 100_us);
  EXPECT_EQ(a.steps[0].cpu.operators_ns, 20_us);
  EXPECT_EQ(a.launches.gpu_events, 0);
  EXPECT_EQ(a.launches.delay_p50_ns, 0);
}

TEST(KinetoBreakdown, EmptyTrace) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(KinetoTrace{}, KinetoOptions{});
  EXPECT_FALSE(a.has_gpu);
  EXPECT_TRUE(a.steps.empty());
  EXPECT_TRUE(a.gpu_busy_ns.empty());
  EXPECT_EQ(a.gpu_steps.wall_ns(), 0);
}

// gpu_busy_ns: buckets of 100 ms from the trace start (0). Stream 7 runs
// [50,150) ms, stream 8 [100,120) ms (inside it), stream 7 [240,250) ms.
// Span [0,250) ms -> 3 buckets: 50, 50 (the overlap counts once), 10 ms.
TEST(KinetoBreakdown, BusyPerHundredMillisecondsIsTheUnionOverStreams) {
  KinetoBuilder b;
  b.Op("step", 0, 1_ms);
  b.Kernel("a", 50_ms, 100_ms, 7);
  b.Kernel("b", 100_ms, 20_ms, 8);
  b.Kernel("c", 240_ms, 10_ms, 7);
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(a.gpu_busy_ns.size(), 3u);
  EXPECT_EQ(a.gpu_busy_ns[0], 50_ms);
  EXPECT_EQ(a.gpu_busy_ns[1], 50_ms);
  EXPECT_EQ(a.gpu_busy_ns[2], 10_ms);
}

}  // namespace
}  // namespace smr
