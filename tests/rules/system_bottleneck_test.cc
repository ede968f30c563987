// CPUBottleneck and IOBottleneck: one algorithm (system_bottleneck.h) with a
// different busy dimension, so most tests run for both rules (a
// parameterised suite); the rest check what only one of them does.
#include "src/rules/builtin_rules.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

struct BottleneckCase {
  const char* label;
  std::unique_ptr<Rule> (*make)(int64_t patience);
  // Adds a sample of the busy dimension (CPUUtilization / I/OWaitPercentage).
  TestData& (TestData::*busy)(std::string_view node, std::string_view core, double ts, double v);
  double busy_threshold;   // the default of the busy threshold
  const char* busy_param;  // "cpu_threshold" / "io_threshold"
};

std::unique_ptr<Rule> CpuRule(int64_t patience) {
  CpuBottleneckParams p;
  p.patience = patience;
  return std::make_unique<CpuBottleneckRule>(p);
}

std::unique_ptr<Rule> IoRule(int64_t patience) {
  IoBottleneckParams p;
  p.patience = patience;
  return std::make_unique<IoBottleneckRule>(p);
}

const BottleneckCase kCpu{"CPU", &CpuRule, &TestData::Cpu, 90, "cpu_threshold"};
const BottleneckCase kIo{"IO", &IoRule, &TestData::IoWait, 50, "io_threshold"};

class SystemBottleneckTest : public ::testing::TestWithParam<BottleneckCase> {
 protected:
  const BottleneckCase& c() const { return GetParam(); }
  std::unique_ptr<Rule> RuleWithPatience(int64_t patience) const { return c().make(patience); }
  TestData& Busy(TestData* d, std::string_view node, std::string_view core, double ts,
                 double v) const {
    return (d->*c().busy)(node, core, ts, v);
  }
  // One snapshot: gpu0 and cpu0 of algo-1 at ts.
  void Snapshot(TestData* d, double ts, double gpu, double busy) const {
    d->GpuUtil("algo-1", "gpu0", ts, gpu);
    Busy(d, "algo-1", "cpu0", ts, busy);
  }
  // RuleParameters with the given patience and the other defaults.
  std::string Parameters(int64_t patience) const {
    return "threshold:50\\n" + std::string(c().busy_param) + ":" +
           std::to_string(static_cast<int64_t>(c().busy_threshold)) +
           "\\ngpu_threshold:10\\npatience:" + std::to_string(patience);
  }
};

TEST_P(SystemBottleneckTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1000.5, 5, 95);
  Snapshot(&d, 1001.0, 5, 20);
  Snapshot(&d, 1001.5, 50, 95);
  Snapshot(&d, 1002.0, 0, 99);
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(RuleWithPatience(2)->Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 2, \"Details\": {\"low_gpu_utilization\": 3, "
            "\"bottlenecks\": {\"1000.5\": {\"GPUs\": 1, \"CPUs\": 1}, \"1002.0\": {\"GPUs\": 1, "
            "\"CPUs\": 1}}}, \"Datapoints\": 4, \"RuleParameters\": \"" +
                Parameters(2) + "\"}");
}

TEST_P(SystemBottleneckTest, RatioAboveThresholdTriggersAndCorrelatesFramework) {
  // Same input with a threshold just below 50 %: 50 % > 49.5 % triggers, and
  // the cpu operator strictly containing the bottleneck second 1002.0 is
  // aggregated; the one ending exactly at 1000.5 s is not.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1000.5, 5, 95);
  Snapshot(&d, 1001.0, 5, 20);
  Snapshot(&d, 1001.5, 50, 95);
  Snapshot(&d, 1002.0, 0, 99);
  d.Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'001'900'000, 1'002'100'000);
  d.Event("algo-1-27", "cpu_functions", "aten::relu", 1'000'400'000, 1'000'500'000);
  auto built = d.Build();
  std::unique_ptr<Rule> rule = RuleWithPatience(2);
  ASSERT_TRUE(rule->SetParam("threshold", "49.5").ok());
  RuleResult r = rule->Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 2);
  EXPECT_EQ(r.datapoints, 4);
  // The first window triggers, so SageMaker writes "bottlenecks" before
  // "low_gpu_utilization" (its triggered path). The aggregator runs once per
  // bottleneck second: at 1000.5 s it sees nothing (ratio/phase/phase_time
  // are written empty), at 1002.0 s the operator, so CPU/CPU_total come last.
  EXPECT_EQ(DumpPythonJson(r.details),
            "{\"bottlenecks\": {\"1000.5\": {\"GPUs\": 1, \"CPUs\": 1}, \"1002.0\": {\"GPUs\": 1, "
            "\"CPUs\": 1}}, \"low_gpu_utilization\": 3, \"ratio\": {\"cpu_functions\": 100.0}, "
            "\"phase\": {}, \"phase_time\": {}, \"CPU\": {\"aten::conv2d\": 100.0}, "
            "\"CPU_total\": {\"aten::conv2d\": 200000}}");
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].value, 50.0);
}

TEST_P(SystemBottleneckTest, UntriggeredFirstWindowKeepsLowGpuFirst) {
  // Window 0: 2 snapshots, no check (patience 2). Window 1: 2 more
  // bottlenecks: 3 of 4 = 75 % > 50 % -> triggered once.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1000.5, 5, 95);
  Snapshot(&d, 1001.0, 50, 20);
  Snapshot(&d, 1070.0, 5, 95);
  Snapshot(&d, 1071.0, 5, 95);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(2)->Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 3);
  EXPECT_EQ(DumpPythonJson(r.details),
            "{\"low_gpu_utilization\": 3, \"bottlenecks\": {\"1000.5\": {\"GPUs\": 1, \"CPUs\": "
            "1}, \"1070.0\": {\"GPUs\": 1, \"CPUs\": 1}, \"1071.0\": {\"GPUs\": 1, \"CPUs\": 1}}, "
            "\"ratio\": {}, \"phase\": {}, \"phase_time\": {}}");
}

TEST_P(SystemBottleneckTest, ValuesExactlyAtThresholdsAreNotBottlenecks) {
  // GPU exactly 10 is not < 10; a core exactly at the busy threshold is not
  // above it.
  const double busy = c().busy_threshold;
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1000.5, 10, 95);
  Snapshot(&d, 1001.0, 5, busy);
  Snapshot(&d, 1001.5, 9.99, busy + 0.01);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(1)->Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 1);
  EXPECT_TRUE(r.details["bottlenecks"].contains("1001.5"));
  EXPECT_EQ(r.details["low_gpu_utilization"].get<int64_t>(), 2);
  EXPECT_EQ(r.triggered, 0);  // 1/3 = 33 %
}

TEST_P(SystemBottleneckTest, PatienceNotReachedNeverTriggers) {
  // 3 bottleneck snapshots, patience 3: Datapoints must be > 3.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) Snapshot(&d, 1000.5 + i, 0, 100);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(3)->Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 3);  // written even when not triggered
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_EQ(RuleWithPatience(2)->Evaluate(built->ctx()).triggered, 1);
}

TEST_P(SystemBottleneckTest, SnapshotGroupsRowsWithin20msOfItsFirstRow) {
  // 1000.25/1000.265: one snapshot (15 ms apart) -> bottleneck. 1001.0 starts
  // a snapshot, 1001.015 joins it, 1001.03 is 30 ms after the snapshot start
  // and opens a new one although it is 15 ms after the previous row: that
  // idle GPU and that busy core never meet.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.25, 0);
  Busy(&d, "algo-1", "cpu0", 1000.265, 95);  // same snapshot: bottleneck
  d.GpuUtil("algo-1", "gpu0", 1001.0, 0);
  d.Sample("algo-1", "memory", "MemoryUsedPercent", "Memory", 1001.015, 5);
  Busy(&d, "algo-1", "cpu0", 1001.03, 95);  // new snapshot
  auto built = d.Build();
  RuleResult r = RuleWithPatience(1)->Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 3);
  EXPECT_EQ(r.violations, 1);
  EXPECT_TRUE(r.details["bottlenecks"].contains("1000.25"));
}

TEST_P(SystemBottleneckTest, CpuOnlyInstanceCannotFlag) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 5; ++i) Busy(&d, "algo-1", "cpu0", 1000.5 + i, 100);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(1)->Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"low_gpu_utilization\": 0, "
            "\"bottlenecks\": {}}, \"Datapoints\": 5, \"RuleParameters\": \"" +
                Parameters(1) + "\"}");
  EXPECT_FALSE(r.applicable);
}

TEST_P(SystemBottleneckTest, TwoNodesInterleavedInReaderOrder) {
  // Reader order: algo-1's file, then algo-2's file. algo-2 samples 100 ms
  // after algo-1, so every sample is its own snapshot (Datapoints 2x); rows
  // of both nodes within 20 ms would share one snapshot.
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  for (int i = 0; i < 3; ++i) {
    d.GpuUtil("algo-1", "gpu0", 1000.5 + i, 0);
    Busy(&d, "algo-1", "cpu0", 1000.5 + i, 95);
  }
  for (int i = 0; i < 3; ++i) {
    d.GpuUtil("algo-2", "gpu0", 1000.6 + i, 50);
    Busy(&d, "algo-2", "cpu0", 1000.6 + i, 95);
    Busy(&d, "algo-2", "cpu1", 1000.6 + i, 95);
  }
  d.GpuUtil("algo-1", "gpu0", 1010.0, 0).GpuUtil("algo-2", "gpu0", 1010.01, 0);
  Busy(&d, "algo-2", "cpu0", 1010.01, 95);
  Busy(&d, "algo-2", "cpu1", 1010.01, 95);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(1)->Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 7);
  EXPECT_EQ(r.violations, 4);
  EXPECT_EQ(r.details["low_gpu_utilization"].get<int64_t>(), 4);
  EXPECT_EQ(r.details["bottlenecks"]["1010.0"]["GPUs"].get<int64_t>(), 2);
  EXPECT_EQ(r.details["bottlenecks"]["1010.0"]["CPUs"].get<int64_t>(), 2);
  EXPECT_EQ(r.triggered, 1);  // 4/7 = 57 %
}

TEST_P(SystemBottleneckTest, BoundarySampleIsSeenByBothWindows) {
  // A sample exactly at t0 + 60 s is delivered to windows 0 and 1 (SageMaker
  // reads both ends inclusive): one snapshot, but its idle GPU is counted in
  // low_gpu_utilization once per window.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1060.0, 0, 95);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(1)->Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 1);
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.details["low_gpu_utilization"].get<int64_t>(), 2);
}

TEST_P(SystemBottleneckTest, EmptyInputWritesEmptyKeys) {
  TestData d;
  auto built = d.Build();
  EXPECT_EQ(DumpPythonJson(RuleWithPatience(1000)->Evaluate(built->ctx()).details),
            "{\"low_gpu_utilization\": 0, \"bottlenecks\": {}}");
}

// The report's states: not evaluated while Datapoints <= patience, ok once
// the ratio was checked, triggered, not applicable without the busy
// dimension.
TEST_P(SystemBottleneckTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) Snapshot(&d, 1000.5 + 0.5 * i, 0, 100);
  auto built = d.Build();
  RuleResult waiting = RuleWithPatience(4)->Evaluate(built->ctx());  // 4 is not > 4
  EXPECT_EQ(waiting.triggered, 0);
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason, "4 system snapshots; needs more than 4 (patience)");
  RuleResult fired = RuleWithPatience(3)->Evaluate(built->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
  TestData quiet;
  quiet.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) Snapshot(&quiet, 1000.5 + 0.5 * i, 80, 10);
  auto quiet_built = quiet.Build();
  RuleResult ok = RuleWithPatience(3)->Evaluate(quiet_built->ctx());
  EXPECT_EQ(ok.triggered, 0);
  EXPECT_TRUE(ok.applicable);
  EXPECT_EQ(ok.not_evaluated_reason, "");
  TestData gpu_only;
  gpu_only.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) gpu_only.GpuUtil("algo-1", "gpu0", 1000.5 + 0.5 * i, 0);
  auto gpu_built = gpu_only.Build();
  RuleResult none = RuleWithPatience(1)->Evaluate(gpu_built->ctx());
  EXPECT_FALSE(none.applicable);
  EXPECT_EQ(none.not_applicable_reason,
            std::string(c().busy_param) == "io_threshold"
                ? "no I/OWaitPercentage samples: no I/O bottleneck can be flagged"
                : "no CPUUtilization samples: no CPU bottleneck can be flagged");
}

INSTANTIATE_TEST_SUITE_P(CpuAndIo, SystemBottleneckTest, ::testing::Values(kCpu, kIo),
                         [](const ::testing::TestParamInfo<BottleneckCase>& info) {
                           return std::string(info.param.label);
                         });

IoBottleneckRule IoRuleWithPatience(int64_t patience) {
  IoBottleneckParams p;
  p.patience = patience;
  return IoBottleneckRule(p);
}

TEST(IoBottleneckTest, IgnoresCpuUtilizationAndUsesIoWait) {
  // Busy CPUs do not count; I/O wait exactly 50 is not > 50; 50.5 is.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 0).Cpu("algo-1", "cpu0", 1000.5, 100);
  d.GpuUtil("algo-1", "gpu0", 1001.0, 0).IoWait("algo-1", "cpu0", 1001.0, 50);
  d.GpuUtil("algo-1", "gpu0", 1001.5, 0).IoWait("algo-1", "cpu0", 1001.5, 50.5);
  d.IoWait("algo-1", "cpu1", 1001.5, 70);
  auto built = d.Build();
  RuleResult r = IoRuleWithPatience(2).Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.details["bottlenecks"]["1001.5"]["CPUs"].get<int64_t>(), 2);
  EXPECT_EQ(r.triggered, 0);  // 1/3
}

TEST(IoBottleneckTest, TriggersAndCorrelatesLikeCpuBottleneck) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) {
    d.GpuUtil("algo-1", "gpu0", 1000.5 + i, 0).IoWait("algo-1", "cpu0", 1000.5 + i, 80);
  }
  d.Event("algo-1-27", "DataLoaderIter", "DataLoaderIter", 1'000'000'000, 1'002'000'000);
  auto built = d.Build();
  RuleResult r = IoRuleWithPatience(2).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  // The loader event contains 1000.5 and 1001.5 s: counted twice.
  EXPECT_EQ(DumpPythonJson(r.details["general"]), "{\"DataLoaderIter\": 100.0}");
  EXPECT_TRUE(r.details.contains("ratio"));
}

TEST(IoBottleneckTest, CpuOnlyInstanceCannotFlag) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) d.IoWait("algo-1", "cpu0", 1000.5 + i, 99);
  auto built = d.Build();
  RuleResult r = IoRuleWithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 0);
  EXPECT_EQ(r.datapoints, 4);
  EXPECT_FALSE(r.applicable);
}

TEST(CpuBottleneckTest, ParametersDefaultsOverridesAndErrors) {
  CpuBottleneckRule rule;
  EXPECT_EQ(rule.RuleParameters(),
            "threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:1000");
  EXPECT_TRUE(rule.SetParam("cpu_threshold", "85.5").ok());
  EXPECT_TRUE(rule.SetParam("patience", "100").ok());
  EXPECT_EQ(rule.RuleParameters(),
            "threshold:50\ncpu_threshold:85.5\ngpu_threshold:10\npatience:100");
  Status unknown = rule.SetParam("io_threshold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("CPUBottleneck"), std::string::npos);
  EXPECT_NE(unknown.message().find("cpu_threshold"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("gpu_threshold", "100.5").ok());
  EXPECT_FALSE(rule.SetParam("threshold", "-1").ok());
  EXPECT_FALSE(rule.SetParam("patience", "0").ok());
  EXPECT_EQ(rule.values().gpu_threshold, 10);
  EXPECT_EQ(rule.values().patience, 100);
}

TEST(IoBottleneckTest, ParametersDefaultsOverridesAndErrors) {
  IoBottleneckRule rule;
  EXPECT_EQ(rule.RuleParameters(),
            "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:1000");
  EXPECT_TRUE(rule.SetParam("io_threshold", "20").ok());
  EXPECT_TRUE(rule.SetParam("threshold", "12.5").ok());
  EXPECT_EQ(rule.RuleParameters(),
            "threshold:12.5\nio_threshold:20\ngpu_threshold:10\npatience:1000");
  Status unknown = rule.SetParam("cpu_threshold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("IOBottleneck"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("io_threshold", "101").ok());
  EXPECT_FALSE(rule.SetParam("patience", "-5").ok());
  EXPECT_EQ(rule.values().io_threshold, 20);
}

}  // namespace
}  // namespace smr
