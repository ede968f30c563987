// Steps of the Kineto analyses (smr/kineto_analysis.h): windows that
// partition the stepped span, the last step extended to the end of its GPU
// work, per-step GPU and CPU breakdowns, numbering, and the step skew
// across ranks.
#include <gtest/gtest.h>

#include "smr/kineto_analysis.h"
#include "smr/store.h"
#include "tests/analysis/kineto_builder.h"

namespace smr {
namespace {

using testing::KinetoBuilder;
using testing::operator""_us;
using C = KinetoCategory;

// ProfilerStep#5 [0,100), #6 [100,250), #7 [250,300) µs on thread 1.
// Stream 7: a launched at 10 (step 5) runs [20,80); b launched at 90 (step 5)
// runs [95,130), into step 6's window; c launched at 260 (step 7) runs
// [280,400): the last window extends to 400.
// Windows [0,100) [100,250) [250,400):
//   step 5 busy [20,80)+[95,100) = 65, idle 35, 2 kernels start in it
//   step 6 busy [100,130) = 30, idle 120, none start in it
//   step 7 busy [280,400) = 120, idle 30, 1 kernel
// Stepped span [0,400): busy 215, idle 185.
KinetoTrace StepTrace() {
  KinetoBuilder b;
  b.Annotation("ProfilerStep#5", 0_us, 100_us);
  b.Annotation("ProfilerStep#6", 100_us, 150_us);
  b.Annotation("ProfilerStep#7", 250_us, 50_us);
  b.Gpu(C::kGpuUserAnnotation, "ProfilerStep#6", 100_us, 150_us, 7);  // not a step
  b.Launched("a", 10_us, 20_us, 60_us, 7);
  b.Launched("b", 90_us, 95_us, 35_us, 7);
  b.Launched("c", 260_us, 280_us, 120_us, 7);
  return b.Take();
}

TEST(KinetoSteps, WindowsPartitionAndTheLastExtendsToItsGpuWork) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(StepTrace(), KinetoOptions{});
  ASSERT_EQ(a.steps.size(), 3u);
  EXPECT_EQ(a.steps[0].number, 5);
  EXPECT_EQ(a.steps[0].name, "ProfilerStep#5");
  EXPECT_EQ(a.steps[2].number, 7);
  EXPECT_EQ(a.steps[0].start_ns, 0);
  EXPECT_EQ(a.steps[0].end_ns, 100_us);
  EXPECT_EQ(a.steps[0].window_end_ns, 100_us);
  EXPECT_EQ(a.steps[1].window_end_ns, 250_us);
  EXPECT_EQ(a.steps[2].end_ns, 300_us);
  EXPECT_EQ(a.steps[2].window_end_ns, 400_us);
  EXPECT_EQ(a.steps[2].duration_ns(), 150_us);
}

TEST(KinetoSteps, PerStepGpuBreakdownFollowsTheWindows) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(StepTrace(), KinetoOptions{});
  ASSERT_EQ(a.steps.size(), 3u);
  EXPECT_EQ(a.steps[0].gpu.computation_ns, 65_us);
  EXPECT_EQ(a.steps[0].gpu.idle_ns, 35_us);
  EXPECT_EQ(a.steps[0].gpu.kernels, 2);
  EXPECT_EQ(a.steps[1].gpu.computation_ns, 30_us);
  EXPECT_EQ(a.steps[1].gpu.idle_ns, 120_us);
  EXPECT_EQ(a.steps[1].gpu.kernels, 0);
  EXPECT_EQ(a.steps[2].gpu.computation_ns, 120_us);
  EXPECT_EQ(a.steps[2].gpu.idle_ns, 30_us);
  EXPECT_EQ(a.steps[2].gpu.kernels, 1);
  EXPECT_EQ(a.gpu_steps.start_ns, 0);
  EXPECT_EQ(a.gpu_steps.end_ns, 400_us);
  EXPECT_EQ(a.gpu_steps.computation_ns, 215_us);
  EXPECT_EQ(a.gpu_steps.idle_ns, 185_us);
  // HTA's window is the GPU-active one: [20,400).
  EXPECT_EQ(a.gpu.start_ns, 20_us);
  EXPECT_EQ(a.gpu.end_ns, 400_us);
}

// Idle gaps of stream 7 are split by the windows: [80,95) (b launched at 90
// > 80: host wait 15) lies in step 5; [130,280) (c launched at 260 > 130:
// host wait 150) is split 120 in step 6, 30 in step 7.
TEST(KinetoSteps, IdleGapsAreSplitAtWindowEdges) {
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(StepTrace(), KinetoOptions{});
  ASSERT_EQ(a.steps.size(), 3u);
  EXPECT_EQ(a.steps[0].gpu.idle_host_wait_ns, 15_us);
  EXPECT_EQ(a.steps[1].gpu.idle_host_wait_ns, 120_us);
  EXPECT_EQ(a.steps[2].gpu.idle_host_wait_ns, 30_us);
  EXPECT_EQ(a.gpu.idle_host_wait_ns, 165_us);
}

TEST(KinetoSteps, PatternWithoutNumberCountsInTimeOrder) {
  KinetoBuilder b;
  b.Annotation("train_step", 100_us, 10_us);
  b.Annotation("train_step", 0_us, 10_us);
  b.Op("ProfilerStep#3", 50_us, 10_us);  // legacy form (cpu_op), not this pattern
  KinetoOptions o;
  o.step_pattern = "train_step";
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), o);
  ASSERT_EQ(a.steps.size(), 2u);
  EXPECT_EQ(a.steps[0].number, 0);
  EXPECT_EQ(a.steps[0].start_ns, 0);
  EXPECT_EQ(a.steps[0].window_end_ns, 100_us);
  EXPECT_EQ(a.steps[1].number, 1);
  EXPECT_EQ(a.steps[1].window_end_ns, 110_us);
}

TEST(KinetoSteps, InvalidPatternGivesOneSpanInsteadOfThrowing) {
  KinetoBuilder b;
  b.Annotation("ProfilerStep#1", 0_us, 10_us);
  KinetoOptions o;
  o.step_pattern = "ProfilerStep#(";
  EXPECT_FALSE(ValidateKinetoOptions(o).ok());
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), o);
  EXPECT_TRUE(a.steps.empty());
  EXPECT_EQ(a.cpu_steps.operators_ns, 10_us);  // the annotation is a host event then
}

TEST(KinetoSteps, LegacyOperatorStepsAndWholeNameMatch) {
  KinetoBuilder b;
  b.Op("ProfilerStep#3", 0_us, 10_us);
  b.Op("ProfilerStep#4", 10_us, 10_us);
  b.Op("ProfilerStep#4.backward", 12_us, 1_us);  // the whole name must match
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(a.steps.size(), 2u);
  EXPECT_EQ(a.steps[0].number, 3);
  EXPECT_EQ(a.steps[1].number, 4);
}

// Thread 1, ProfilerStep#1 [0,1000) µs:
//  DataLoader annotation [0,200) holding aten::item [150,180)
//  aten::linear [250,500) holding cudaLaunchKernel [300,310), aten::item
//    [400,450) and cudaStreamSynchronize [420,460)
//  Optimizer.step [600,800) holding cudaDeviceSynchronize [700,720);
//    Optimizer.zero_grad [780,850)
//  thread 2: one op [0,1000) (another thread: ignored)
// dataloader 200; optimizer [600,850) 250; synchronization [150,180)+[400,460)+
// [700,720) = 110 minus the parts in dataloader/optimizer (30+20) = 60;
// all host time [0,200)+[250,500)+[600,850) = 700 -> operators 700-510 = 190;
// idle 300; runtime [300,310)+[420,460)+[700,720) = 70.
TEST(KinetoSteps, CpuBreakdownPriorities) {
  KinetoBuilder b;
  b.Annotation("ProfilerStep#1", 0_us, 1000_us);
  b.Annotation("enumerate(DataLoader)#_SingleProcessDataLoaderIter.__next__", 0_us, 200_us);
  b.Op("aten::item", 150_us, 30_us);
  b.Op("aten::linear", 250_us, 250_us);
  b.Runtime("cudaLaunchKernel", 300_us, 10_us, 1);
  b.Op("aten::item", 400_us, 50_us);
  b.Runtime("cudaStreamSynchronize", 420_us, 40_us, -1);
  b.Annotation("Optimizer.step#SGD.step", 600_us, 200_us);
  b.Runtime("cudaDeviceSynchronize", 700_us, 20_us, -1);
  b.Annotation("Optimizer.zero_grad#SGD.zero_grad", 780_us, 70_us);
  b.Op("aten::mm", 0_us, 1000_us, 2);
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  ASSERT_EQ(a.steps.size(), 1u);
  const CpuBreakdown& c = a.steps[0].cpu;
  EXPECT_EQ(c.dataloader_ns, 200_us);
  EXPECT_EQ(c.optimizer_ns, 250_us);
  EXPECT_EQ(c.synchronization_ns, 60_us);
  EXPECT_EQ(c.operators_ns, 190_us);
  EXPECT_EQ(c.idle_ns, 300_us);
  EXPECT_EQ(c.runtime_ns, 70_us);
  EXPECT_EQ(c.dataloader_ns + c.optimizer_ns + c.synchronization_ns + c.operators_ns + c.idle_ns,
            1000_us);
  EXPECT_EQ(a.cpu_steps.operators_ns, 190_us);
}

// Without steps the CPU breakdown is over the trace span, on the thread with
// the most host time: thread 2 (ops [0,50) and [60,100): 90) over thread 1
// (one op [0,80): 80). Span [0,100): operators 90, idle 10.
TEST(KinetoSteps, WithoutStepsTheBusiestThreadOverTheTraceSpan) {
  KinetoBuilder b;
  b.Op("aten::a", 0_us, 80_us, 1);
  b.Op("aten::b", 0_us, 50_us, 2);
  b.Op("aten::c", 60_us, 40_us, 2);
  b.Op("aten::d", 10_us, 20_us, 2);  // nested in aten::b: no extra time
  const KinetoRankAnalysis a = AnalyzeKinetoTrace(b.Take(), KinetoOptions{});
  EXPECT_TRUE(a.steps.empty());
  EXPECT_EQ(a.cpu_steps.operators_ns, 90_us);
  EXPECT_EQ(a.cpu_steps.idle_ns, 10_us);
}

// Rank r has ProfilerStep#1 [0, d1) and #2 [d1, d1 + d2) (annotations, no
// GPU work, so windows end at the next start / the annotation end):
//   rank 0: d1 100, d2 100, plus #3 [200,250) (on one rank only: no skew row)
//   rank 1: d1 130, d2 60
//   rank 2: d1 110, d2 190
// Step 1: durations 100,130,110 -> median 110, slowest rank 1 (130);
//   ends 100,130,110 -> late rank 1 by 130 - 110 = 20.
// Step 2: durations 100 (rank 0: window [100,200)), 60, 190 -> median 100,
//   slowest rank 2; ends 200,190,300 -> median 200, late rank 2 by 100.
KinetoTrace SkewRank(int64_t rank, int64_t d1, int64_t d2, bool third) {
  KinetoBuilder b;
  b.trace().rank = rank;
  b.trace().rel_path = "rank" + std::to_string(rank) + ".json";
  b.Annotation("ProfilerStep#1", 0, d1);
  b.Annotation("ProfilerStep#2", d1, d2);
  if (third) b.Annotation("ProfilerStep#3", 200_us, 50_us);
  return b.Take();
}

MetricStore SkewStore() {
  StoreBuilder sb;
  sb.AddKinetoTrace(SkewRank(2, 110_us, 190_us, false));
  sb.AddKinetoTrace(SkewRank(0, 100_us, 100_us, true));
  sb.AddKinetoTrace(SkewRank(1, 130_us, 60_us, false));
  return sb.Build();
}

TEST(KinetoSteps, StepSkewAcrossThreeRanks) {
  const MetricStore store = SkewStore();
  const KinetoAnalysis k = AnalyzeKineto(store, KinetoOptions{}, 2);
  ASSERT_EQ(k.ranks.size(), 3u);
  EXPECT_EQ(k.ranks[0].rank, 0);
  EXPECT_EQ(k.ranks[1].rank, 1);
  EXPECT_EQ(k.ranks[2].rank, 2);
  EXPECT_EQ(store.kineto()[k.ranks[1].trace].rank, 1);
  ASSERT_EQ(k.skew.size(), 2u);
  EXPECT_EQ(k.skew[0].number, 1);
  EXPECT_EQ(k.skew[0].ranks, 3);
  EXPECT_EQ(k.skew[0].median_duration_ns, 110_us);
  EXPECT_EQ(k.skew[0].slowest_rank, 1);
  EXPECT_EQ(k.skew[0].slowest_duration_ns, 130_us);
  EXPECT_EQ(k.skew[0].late_rank, 1);
  EXPECT_EQ(k.skew[0].late_by_ns, 20_us);
  EXPECT_EQ(k.skew[1].number, 2);
  EXPECT_EQ(k.skew[1].median_duration_ns, 100_us);
  EXPECT_EQ(k.skew[1].slowest_rank, 2);
  EXPECT_EQ(k.skew[1].slowest_duration_ns, 190_us);
  EXPECT_EQ(k.skew[1].late_rank, 2);
  EXPECT_EQ(k.skew[1].late_by_ns, 100_us);
}

TEST(KinetoSteps, SameResultForAnyNumberOfJobs) {
  const MetricStore store = SkewStore();
  const KinetoAnalysis one = AnalyzeKineto(store, KinetoOptions{}, 1);
  const KinetoAnalysis many = AnalyzeKineto(store, KinetoOptions{}, 8);
  ASSERT_EQ(one.ranks.size(), many.ranks.size());
  for (size_t i = 0; i < one.ranks.size(); ++i) {
    EXPECT_EQ(one.ranks[i].file, many.ranks[i].file);
    EXPECT_EQ(one.ranks[i].trace, many.ranks[i].trace);
    EXPECT_EQ(one.ranks[i].steps.size(), many.ranks[i].steps.size());
  }
  ASSERT_EQ(one.skew.size(), many.skew.size());
  EXPECT_EQ(one.skew[1].late_by_ns, many.skew[1].late_by_ns);
}

}  // namespace
}  // namespace smr
