// The report's findings (src/report/findings.h): stages of the rule windows,
// idle GPUs counted for their cause, the cost estimates and the order, on
// small hand-built jobs whose expected figures are worked out in comments.
#include "src/report/findings.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "src/report/report_context.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using report_internal::RankedFindings;
using report_internal::ReportContext;
using report_internal::Stage;
using report_internal::StageBounds;
using report_internal::StageOfWindow;

constexpr int64_t kS = 1'000'000;  // microseconds per second

// A 30-minute job (1000 s .. 2800 s) on one node with 4 GPUs sampled every
// 0.5 s, and TRAIN steps of 1 s from `first_step_s` to 2700 s.
std::unique_ptr<testing::BuiltData> Job(int64_t first_step_s, bool platform_download = false) {
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  for (int g = 0; g < 4; ++g) {
    for (double t = 1000; t <= 1100; t += 0.5)
      d.GpuUtil("algo-1", "gpu" + std::to_string(g), t, 50);
    d.GpuUtil("algo-1", "gpu" + std::to_string(g), 2800, 50);
  }
  for (int c = 0; c < 16; ++c) d.Cpu("algo-1", "cpu" + std::to_string(c), 1000, 10);
  if (platform_download) {
    // 1 MB/s received from 1000 s to 1009 s: 9 seconds counted, 9 MB.
    for (int t = 1000; t <= 1009; ++t) {
      d.Sample("algo-1", "network", "ReceiveBytesPerSecond", "Platform", t, 1e6);
    }
  }
  int64_t step = 0;
  for (int64_t t = first_step_s; t < 2700; ++t) {
    d.Step("algo-1-27", "TRAIN", step++, t * kS, (t + 1) * kS);
  }
  return d.Build();
}

RuleResult Fired(const std::string& name, std::vector<RuleFinding> findings) {
  RuleResult r;
  r.name = name;
  r.triggered = static_cast<int64_t>(findings.size());
  r.findings = std::move(findings);
  return r;
}

std::vector<FindingItem> Rank(const testing::BuiltData& data,
                              const std::vector<RuleResult>& results) {
  ReportInputs in;
  in.results = &results;
  in.store = &data.store;
  in.timeline = &data.timeline;
  const ReportContext ctx(in);
  return RankedFindings(ctx);
}

TEST(FindingsTest, WindowsAreTrainingWhenAtLeastHalfInTheLoop) {
  const StageBounds b{true, 1000 * kS, 2000 * kS};
  EXPECT_EQ(StageOfWindow(b, 900 * kS), Stage::kInitialization);   // 900-960: all before
  EXPECT_EQ(StageOfWindow(b, 969 * kS), Stage::kInitialization);   // 29 s in the loop
  EXPECT_EQ(StageOfWindow(b, 970 * kS), Stage::kTraining);         // 30 s in the loop
  EXPECT_EQ(StageOfWindow(b, 1970 * kS), Stage::kTraining);        // 30 s in the loop
  EXPECT_EQ(StageOfWindow(b, 1971 * kS), Stage::kFinalization);    // 29 s in the loop
  EXPECT_EQ(StageOfWindow(StageBounds{}, 900 * kS), Stage::kJob);  // no steps
}

TEST(FindingsTest, IdleGpusInCpuBottleneckWindowsCountForTheBottleneck) {
  const auto data = Job(1100);
  // CPUBottleneck in the windows at 1500 s and 1560 s with 90 % and 80 % of
  // the datapoints bottlenecked: 54 s + 48 s = 102 s. LowGPUUtilization on
  // all 4 GPUs in both windows: 8 GPU windows x 60 s / 4 GPUs = 120 s,
  // counted for the CPU bottleneck (the larger estimate wins); gpu0 also at
  // 1620 s, where no cause fired: 60 s / 4 = 15 s left to LowGPUUtilization.
  std::vector<RuleFinding> low;
  for (int64_t w : {1500, 1560}) {
    for (int g = 0; g < 4; ++g) low.push_back({w * kS, "algo-1", "gpu" + std::to_string(g), 5});
  }
  low.push_back({1620 * kS, "algo-1", "gpu0", 5});
  const std::vector<RuleResult> results = {
      Fired("CPUBottleneck", {{1500 * kS, "", "", 90}, {1560 * kS, "", "", 80}}),
      Fired("LowGPUUtilization", low)};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rule, "CPUBottleneck");
  EXPECT_EQ(f[0].stage, "training");
  EXPECT_DOUBLE_EQ(f[0].impact_seconds, 120);
  EXPECT_NE(f[0].evidence.find("80.0–90.0 % of the datapoints"), std::string::npos)
      << f[0].evidence;
  EXPECT_NE(f[0].evidence.find("8 GPU windows (the job has 4 GPUs)"), std::string::npos)
      << f[0].evidence;
  // 120 s of a 1800 s job is 6.7 %: at least 5 %, an issue.
  EXPECT_EQ(f[0].severity, Severity::kIssue);
  EXPECT_EQ(f[0].impact, "Estimated cost: 2 min 00 s (6.7 % of the job)");
  EXPECT_EQ(f[0].anchor, "cpu-bottlenecks");
  EXPECT_EQ(f[1].rule, "LowGPUUtilization");
  EXPECT_DOUBLE_EQ(f[1].impact_seconds, 15);
  EXPECT_EQ(f[1].severity, Severity::kWarning);
  EXPECT_NE(f[1].where.find("algo-1 gpu0"), std::string::npos) << f[1].where;
}

TEST(FindingsTest, IdleGpusOfAnUnbalancedPairCountForLoadBalancing) {
  const auto data = Job(1100);
  // gpu3 is in every pair: the odd one out. Its 3 idle windows go to
  // LoadBalancing (3 x 15 s = 45 s); gpu2 is in no pair and keeps its
  // window (15 s).
  const std::vector<RuleResult> results = {
      Fired("LoadBalancing", {{1500 * kS, "algo-1", "gpu0/gpu3", 0.7},
                              {1560 * kS, "algo-1", "gpu0/gpu3", 0.8},
                              {1560 * kS, "algo-1", "gpu1/gpu3", 0.75}}),
      Fired("LowGPUUtilization", {{1500 * kS, "algo-1", "gpu3", 20},
                                  {1560 * kS, "algo-1", "gpu3", 21},
                                  {1620 * kS, "algo-1", "gpu3", 22},
                                  {1620 * kS, "algo-1", "gpu2", 30}})};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rule, "LoadBalancing");
  EXPECT_DOUBLE_EQ(f[0].impact_seconds, 45);
  EXPECT_NE(f[0].where.find("algo-1 gpu3 against gpu0, gpu1"), std::string::npos) << f[0].where;
  EXPECT_NE(f[0].evidence.find("up to 0.80 (threshold 0.2) in 2 windows"), std::string::npos)
      << f[0].evidence;
  EXPECT_EQ(f[1].rule, "LowGPUUtilization");
  EXPECT_DOUBLE_EQ(f[1].impact_seconds, 15);
}

TEST(FindingsTest, LongInitializationLeadsAndTakesTheIdleGpusBeforeTheFirstStep) {
  // First step at 2500 s: 1500 s (25 min) of initialization. The GPUs idle
  // in two windows before it (1100 s, 1160 s): part of the initialization,
  // not a finding of their own. 9 MB of platform traffic before the step.
  const auto data = Job(2500, /*platform_download=*/true);
  RuleResult init;
  init.name = "MaxInitializationTime";
  init.triggered = 1;
  const std::vector<RuleResult> results = {
      init, Fired("LowGPUUtilization",
                  {{1100 * kS, "algo-1", "gpu0", 0}, {1160 * kS, "algo-1", "gpu0", 0}})};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "MaxInitializationTime");
  EXPECT_EQ(f[0].stage, "initialization");
  EXPECT_DOUBLE_EQ(f[0].impact_seconds, 1500);
  EXPECT_EQ(f[0].title, "Initialization took 25 min 00 s before the first step");
  EXPECT_NE(f[0].evidence.find("9.0 MB of SageMaker platform traffic (input download)"),
            std::string::npos)
      << f[0].evidence;
  EXPECT_NE(f[0].evidence.find("fired for 2 GPU windows before the first step"), std::string::npos)
      << f[0].evidence;
  EXPECT_NE(f[0].action.find("before the first step"), std::string::npos);
}

TEST(FindingsTest, IdleGpusAfterTheLastStepGetFinalizationAdvice) {
  const auto data = Job(1100);
  // Steps end at 2700 s; the window at 2700 s lies after them.
  const std::vector<RuleResult> results = {
      Fired("LowGPUUtilization", {{2700 * kS, "algo-1", "gpu1", 0.5}})};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].stage, "finalization");
  EXPECT_EQ(f[0].title, "GPUs idle after the last step");
  EXPECT_NE(f[0].action.find("checkpoint upload"), std::string::npos);
}

TEST(FindingsTest, TimeLostInOutlierStepsIsBeyondTheMedianStep) {
  // 20 steps of 1 s and one of 10 s: mean 30/21 = 1.43 s, population
  // sigma 1.92 s, limit mean + 3 sigma = 7.18 s: the 10 s step is the only
  // outlier, 9 s beyond the 1 s median.
  testing::TestData d;
  // System data until 1060 s: 20 s after the last step, too short a
  // finalization for a finding of its own.
  d.SystemFile("algo-1", 1000)
      .GpuUtil("algo-1", "gpu0", 1000, 50)
      .GpuUtil("algo-1", "gpu0", 1060, 50);
  int64_t t = 1010 * kS;
  for (int i = 0; i < 21; ++i) {
    const int64_t len = i == 7 ? 10 * kS : kS;
    d.Step("algo-1-27", "TRAIN", i, t, t + len);
    t += len;
  }
  const auto data = d.Build();
  const std::vector<RuleResult> results = {Fired("StepOutlier", {{1000 * kS, "algo-1-27", "", 1}})};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_DOUBLE_EQ(f[0].impact_seconds, 9);
  EXPECT_EQ(f[0].where, "1 slow step on 1 rank: step 7");
  EXPECT_NE(f[0].evidence.find("1 of 21 steps"), std::string::npos) << f[0].evidence;
  EXPECT_NE(f[0].evidence.find("up to 10.0× the median step"), std::string::npos) << f[0].evidence;
}

TEST(FindingsTest, FewDataLoadersAreNamedWithTheCoreCount) {
  const auto data = Job(1100);  // 16 cores
  const std::vector<RuleResult> results = {Fired("Dataloader", {{1500 * kS, "", "", 2}})};
  const std::vector<FindingItem> f = Rank(*data, results);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].title, "Too few data-loader processes for the CPU cores");
  // 70-200 % of 16 cores: 11.2-32 processes.
  EXPECT_NE(f[0].evidence.find("(16 cores: 11.2–32.0 processes)"), std::string::npos)
      << f[0].evidence;
  EXPECT_NE(f[0].action.find("Only about 2 data-loader processes ran in parallel on 16 cores"),
            std::string::npos);
}

TEST(FindingsTest, FromRuleJsonsAloneFindingsFollowCauseBeforeSymptom) {
  RuleResult batch;
  batch.name = "BatchSize";
  batch.triggered = 4;
  batch.datapoints = 900;
  RuleResult cpu = batch;
  cpu.name = "CPUBottleneck";
  cpu.triggered = 2;
  const std::vector<RuleResult> results = {batch, cpu};
  ReportInputs in;
  in.results = &results;
  const ReportContext ctx(in);
  const std::vector<FindingItem> f = RankedFindings(ctx);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].rule, "CPUBottleneck");
  EXPECT_EQ(f[1].rule, "BatchSize");
  EXPECT_EQ(f[1].evidence.find("Fired 4 times over 900 datapoints"), 0u) << f[1].evidence;
  EXPECT_TRUE(f[0].impact.empty());
}

TEST(FindingsTest, AHealthyJobGetsOneOkLine) {
  const auto data = Job(1100);
  RuleResult quiet;
  quiet.name = "CPUBottleneck";
  const std::vector<RuleResult> results = {quiet};
  ReportInputs in;
  in.results = &results;
  in.store = &data->store;
  in.timeline = &data->timeline;
  EXPECT_TRUE(RankedFindings(ReportContext(in)).empty());
  const ReportModel m = BuildReportModel(in);
  ASSERT_FALSE(m.sections.empty());
  EXPECT_EQ(m.sections[0].id, "findings");
  const Block* box = nullptr;
  for (const Block& b : m.sections[0].blocks) {
    if (b.kind == BlockKind::kFindings) box = &b;
  }
  ASSERT_NE(box, nullptr);
  ASSERT_EQ(box->findings.size(), 1u);
  EXPECT_EQ(box->findings[0].severity, Severity::kOk);
  EXPECT_EQ(box->findings[0].title, "No problem found");
  EXPECT_EQ(box->findings[0].evidence, "1 rule evaluated the data and none fired.");
}

}  // namespace
}  // namespace smr
