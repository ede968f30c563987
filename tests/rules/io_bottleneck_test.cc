#include "src/rules/io_bottleneck.h"

#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

IoBottleneckRule RuleWithPatience(int64_t patience) {
  IoBottleneckParams p;
  p.patience = patience;
  return IoBottleneckRule(p);
}

void Snapshot(TestData* d, double ts, double gpu, double iowait) {
  d->GpuUtil("algo-1", "gpu0", ts, gpu).IoWait("algo-1", "cpu0", ts, iowait);
}

TEST(IoBottleneckTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  Snapshot(&d, 1000.5, 5, 95);
  Snapshot(&d, 1001.0, 5, 20);
  Snapshot(&d, 1001.5, 50, 95);
  Snapshot(&d, 1002.0, 0, 99);
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(RuleWithPatience(2).Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 2, \"Details\": {\"low_gpu_utilization\": 3, "
            "\"bottlenecks\": {\"1000.5\": {\"GPUs\": 1, \"CPUs\": 1}, \"1002.0\": {\"GPUs\": 1, "
            "\"CPUs\": 1}}}, \"Datapoints\": 4, \"RuleParameters\": "
            "\"threshold:50\\nio_threshold:50\\ngpu_threshold:10\\npatience:2\"}");
}

TEST(IoBottleneckTest, IgnoresCpuUtilizationAndUsesIoWait) {
  // Busy CPUs do not count; I/O wait exactly 50 is not > 50; 50.5 is.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 0).Cpu("algo-1", "cpu0", 1000.5, 100);
  Snapshot(&d, 1001.0, 0, 50);
  Snapshot(&d, 1001.5, 0, 50.5);
  d.IoWait("algo-1", "cpu1", 1001.5, 70);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(2).Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.details["bottlenecks"]["1001.5"]["CPUs"].get<int64_t>(), 2);
  EXPECT_EQ(r.triggered, 0);  // 1/3
}

TEST(IoBottleneckTest, TriggersAndCorrelatesLikeCpuBottleneck) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 3; ++i) Snapshot(&d, 1000.5 + i, 0, 80);
  d.Event("algo-1-27", "DataLoaderIter", "DataLoaderIter", 1'000'000'000, 1'002'000'000);
  auto built = d.Build();
  RuleResult r = RuleWithPatience(2).Evaluate(built->ctx());
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
  RuleResult r = RuleWithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 0);
  EXPECT_EQ(r.datapoints, 4);
  EXPECT_FALSE(r.applicable);
}

TEST(IoBottleneckTest, ParametersDefaultsOverridesAndErrors) {
  IoBottleneckRule rule;
  EXPECT_EQ(rule.RuleParameters(), "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:1000");
  EXPECT_TRUE(rule.SetParam("io_threshold", "20").ok());
  EXPECT_TRUE(rule.SetParam("threshold", "12.5").ok());
  EXPECT_EQ(rule.RuleParameters(), "threshold:12.5\nio_threshold:20\ngpu_threshold:10\npatience:1000");
  Status unknown = rule.SetParam("cpu_threshold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("IOBottleneck"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("io_threshold", "101").ok());
  EXPECT_FALSE(rule.SetParam("patience", "-5").ok());
  EXPECT_EQ(rule.values().io_threshold, 20);
}

}  // namespace
}  // namespace smr
