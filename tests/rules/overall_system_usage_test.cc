#include "src/rules/builtin_rules.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "testing/shards.h"
#include "tests/rules/mini_job.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

TEST(OverallSystemUsageTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 10).Cpu("algo-1", "cpu1", 1000.5, 30);
  d.GpuUtil("algo-1", "gpu0", 1000.5, 50).HostMem("algo-1", 1000.5, 20);
  d.Cpu("algo-1", "cpu0", 1001.0, 20).Cpu("algo-1", "cpu1", 1001.0, 40);
  d.GpuUtil("algo-1", "gpu0", 1001.0, 0).HostMem("algo-1", 1001.0, 21);
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(OverallSystemUsageRule().Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"Network\": {}, "
            "\"GPU\": {\"algo-1\": {\"max\": 50.0, \"p99\": 49.5, \"p95\": 47.5, \"p50\": 25.0, "
            "\"min\": 0}}, "
            "\"CPU\": {\"algo-1\": {\"max\": 30.0, \"p99\": 29.9, \"p95\": 29.5, \"p50\": 25.0, "
            "\"min\": 20.0}}, "
            "\"CPU memory\": {\"algo-1\": {\"max\": 21.0, \"p99\": 20.99, \"p95\": 20.95, "
            "\"p50\": 20.5, \"min\": 20.0}}, \"GPU memory\": {}, \"I/O\": {}}, "
            "\"Datapoints\": 2, \"RuleParameters\": \"\"}");
}

TEST(OverallSystemUsageTest, GpuAverageDividesByAllGpusAndNetworkSumsAlgorithmOnly) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int i = 0; i < 4; ++i) {
    d.GpuUtil("algo-1", "gpu" + std::to_string(i), 1000.5, i == 0 ? 91 : 0);
  }
  d.NetRx("algo-1", 1000.5, 1000.004).NetTx("algo-1", 1000.5, 0.002);
  d.Sample("algo-1", "network", "ReceiveBytesPerSecond", "Platform", 1000.5, 5e6);
  d.Cpu("algo-1", "cpu0", 1000.5, 0.001);
  auto built = d.Build();
  RuleResult r = OverallSystemUsageRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["GPU"]["algo-1"]["max"].get<double>(), 22.75);        // 91 / 4
  EXPECT_EQ(r.details["Network"]["algo-1"]["max"].get<double>(), 1000.01);  // rounded
  // 0.001 > 0 is kept as a float and rounds to 0.0 (not the integer 0).
  EXPECT_TRUE(r.details["CPU"]["algo-1"]["max"].is_number_float());
  EXPECT_EQ(r.details["CPU"]["algo-1"]["max"].get<double>(), 0.0);
}

TEST(OverallSystemUsageTest, SamplesOfATimestampAddUpEvenWhenTheyComeBackLater) {
  // One core, samples out of time order: t=1002 (10), t=1001 (30), then
  // t=1002 again (5, a second reading of the same instant: summed like
  // SageMaker's dict does). Per-timestamp totals: {1002: 15, 1001: 30}.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1002.0, 10).Cpu("algo-1", "cpu0", 1001.0, 30);
  d.Cpu("algo-1", "cpu0", 1002.0, 5);
  auto built = d.Build();
  RuleResult r = OverallSystemUsageRule().Evaluate(built->ctx());
  const auto& cpu = r.details["CPU"]["algo-1"];
  EXPECT_EQ(cpu["max"].get<double>(), 30.0);
  EXPECT_EQ(cpu["min"].get<double>(), 15.0);
  EXPECT_EQ(cpu["p50"].get<double>(), 22.5);  // halfway between 15 and 30
  EXPECT_EQ(r.datapoints, 2);
}

TEST(OverallSystemUsageTest, CpuOnlyInstanceHasEmptyGpuKeys) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 50).IoWait("algo-1", "cpu0", 1000.5, 0);
  auto built = d.Build();
  RuleResult r = OverallSystemUsageRule().Evaluate(built->ctx());
  EXPECT_TRUE(r.details["GPU"].empty());
  EXPECT_TRUE(r.details["GPU memory"].empty());
  EXPECT_TRUE(r.details["I/O"]["algo-1"]["max"].is_number_integer());
  EXPECT_EQ(r.datapoints, 1);
}

TEST(OverallSystemUsageTest, EmptyStoreStillListsMetricKeys) {
  auto built = TestData().Build();
  EXPECT_EQ(RuleResultToJson(OverallSystemUsageRule().Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"Network\": {}, "
            "\"GPU\": {}, \"CPU\": {}, \"CPU memory\": {}, \"GPU memory\": {}, \"I/O\": {}}, "
            "\"Datapoints\": 0, \"RuleParameters\": \"\"}");
}

TEST(OverallSystemUsageTest, MemoryGuardKeepsTheStatisticsRecordedAtTheClear) {
  // algo-1 has 1,000,002 CPU timestamps in window 0 (the last, t0 + 60 s,
  // on the boundary with window 1): after window 0 the guard records every
  // node and drops the sums. Window 1 then adds t0 + 60 s again (a new
  // timestamp after the clear: 40 alone) and t0 + 70 s; algo-2 has no
  // sample after the clear and keeps what the guard recorded. Cores
  // cpu0 and cpu1: divisor 2.
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  for (int i = 0; i <= 1'000'000; ++i) d.Cpu("algo-1", "cpu0", 1000 + i * 5e-5, 10);
  d.Cpu("algo-1", "cpu0", 1060.0, 40).Cpu("algo-1", "cpu0", 1070.0, 20);
  d.Cpu("algo-2", "cpu1", 1001.0, 30);
  auto built = d.Build();
  ASSERT_EQ(built->windows.size(), 2u);
  const RuleResult r = OverallSystemUsageRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["CPU"].dump(),
            R"({"algo-1":{"max":20.0,"p99":19.9,"p95":19.5,"p50":15.0,"min":10.0},)"
            R"("algo-2":{"max":15.0,"p99":15.0,"p95":15.0,"p50":15.0,"min":15.0}})");
  // The first CPU node after the clear (algo-1) has two timestamps.
  EXPECT_EQ(r.datapoints, 2);
}

TEST(OverallSystemUsageTest, ShardsKeepTheWalksNodeOrderAndTheJobsGpuCount) {
  // algo-1 is read first; with two shards merged in either order (the
  // harness merges right to left too) Details must still list algo-1 first, divide its
  // GPU by the job's two GPU names and count its boundary sample (t0 + 60 s)
  // twice.
  const double t0 = 1600000000;
  testing::MiniJob job("usage-two-nodes");
  job.System("algo-1", 1600000000,
             {testing::CpuLine("algo-1", "cpu0", t0 + 0.5, 10),
              testing::GpuLine("algo-1", "gpu0", t0 + 0.5, 50),
              testing::CpuLine("algo-1", "cpu0", t0 + 60, 20),
              testing::CpuLine("algo-1", "cpu0", t0 + 61, 5)});
  std::vector<std::string> lines;
  for (int i = 1; i <= 20; ++i) {
    for (const char* core : {"cpu0", "cpu1"})
      lines.push_back(testing::CpuLine("algo-2", core, t0 + i, 40));
    for (const char* gpu : {"gpu0", "gpu1"})
      lines.push_back(testing::GpuLine("algo-2", gpu, t0 + i, 80));
  }
  job.System("algo-2", 1600000000, lines);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;
  OverallSystemUsageRule rule;
  for (int groups = 1; groups <= 2; ++groups) {
    const auto sharded = testing::LoadShardedJob(job.dir(), groups, options);
    ASSERT_EQ(sharded->shards.size(), static_cast<size_t>(groups));
    testing::ExpectShardedEqualsWhole(rule, *sharded);
  }
  const auto whole = testing::LoadShardedJob(job.dir(), 1, options);
  const RuleResult r = rule.Evaluate(whole->WholeContext());
  EXPECT_EQ(r.details["GPU"].dump(),
            R"({"algo-1":{"max":25.0,"p99":25.0,"p95":25.0,"p50":25.0,"min":25.0},)"
            R"("algo-2":{"max":80.0,"p99":80.0,"p95":80.0,"p50":80.0,"min":80.0}})");
  EXPECT_EQ(r.details["CPU"]["algo-1"]["max"].get<double>(), 20.0);  // (20 + 20) / 2
  EXPECT_EQ(r.details["CPU"]["algo-1"]["min"].get<double>(), 2.5);   // 5 / 2
  EXPECT_EQ(r.datapoints, 3);
}

TEST(OverallSystemUsageTest, TakesNoParameters) {
  OverallSystemUsageRule rule;
  EXPECT_EQ(rule.RuleParameters(), "");
  Status s = rule.SetParam("threshold", "1");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("OverallSystemUsage"), std::string::npos);
}

}  // namespace
}  // namespace smr
