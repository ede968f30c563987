#include "smr/store.h"

#include <gtest/gtest.h>

namespace smr {
namespace {

TEST(StringPoolTest, InternsOnceAndKeepsIdsStableWhileGrowing) {
  StringPool pool;
  EXPECT_EQ(pool.Get(0), "");
  const StrId a = pool.Intern("algo-1");
  for (int i = 0; i < 10000; ++i) pool.Intern("s" + std::to_string(i));
  EXPECT_EQ(pool.Intern("algo-1"), a);
  EXPECT_EQ(pool.Get(a), "algo-1");
  EXPECT_EQ(pool.Find("s9999"), pool.Intern("s9999"));
  EXPECT_EQ(pool.Find("missing"), -1);
}

TEST(ClassifyMetricTest, KnowsEveryCombinationOfTheSpec) {
  EXPECT_EQ(ClassifyMetric("cpu", "cpu3", "CPUUtilization"), MetricKind::kCpuUtilization);
  EXPECT_EQ(ClassifyMetric("cpu", "cpu3", "I/OWaitPercentage"), MetricKind::kCpuIoWait);
  EXPECT_EQ(ClassifyMetric("gpu", "gpu0", "GPUUtilization"), MetricKind::kGpuUtilization);
  EXPECT_EQ(ClassifyMetric("gpu", "gpu0", "GPUMemoryUtilization"), MetricKind::kGpuMemory);
  EXPECT_EQ(ClassifyMetric("memory", "MemoryUsedPercent", ""), MetricKind::kHostMemoryUsed);
  EXPECT_EQ(ClassifyMetric("i/o", "IOPS", ""), MetricKind::kIoIops);
  EXPECT_EQ(ClassifyMetric("network", "ReceiveBytesPerSecond", "Algorithm"), MetricKind::kNetRxAlgorithm);
  EXPECT_EQ(ClassifyMetric("network", "TransmitBytesPerSecond", "Platform"), MetricKind::kNetTxPlatform);
  EXPECT_EQ(ClassifyMetric("gpu", "gpu0", "GPUTemperature"), MetricKind::kOther);
}

TEST(NaturalLessTest, OrdersNumbersNumerically) {
  EXPECT_TRUE(NaturalLess("algo-2", "algo-10"));
  EXPECT_FALSE(NaturalLess("algo-10", "algo-2"));
  EXPECT_TRUE(NaturalLess("gpu9", "gpu10"));
  EXPECT_TRUE(NaturalLess("a", "b"));
  EXPECT_FALSE(NaturalLess("gpu1", "gpu1"));
  EXPECT_TRUE(NaturalLess("gpu1", "gpu01"));  // tie broken, still strict
  EXPECT_FALSE(NaturalLess("gpu01", "gpu1"));
}

TEST(StoreBuilderTest, BuildSortsSeriesRowsByTimeAndFindsNodes) {
  StoreBuilder b;
  const uint32_t g0 = b.SeriesId("algo-10", "gpu", "gpu0", "GPUUtilization");
  const uint32_t c1 = b.SeriesId("algo-2", "cpu", "cpu1", "CPUUtilization");
  EXPECT_EQ(b.SeriesId("algo-10", "gpu", "gpu0", "GPUUtilization"), g0);
  b.AddSample(g0, 3.0, 30);
  b.AddSample(c1, 1.5, 15);
  b.AddSample(g0, 1.0, 10);
  b.AddSample(g0, 2.0, 20);
  MetricStore s = b.Build();
  ASSERT_EQ(s.system().size(), 4u);
  auto rows = s.SeriesRows(g0);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(s.system().value[rows[0]], 10);
  EXPECT_EQ(s.system().value[rows[1]], 20);
  EXPECT_EQ(s.system().value[rows[2]], 30);
  EXPECT_DOUBLE_EQ(s.min_system_ts_s(), 1.0);
  EXPECT_DOUBLE_EQ(s.max_system_ts_s(), 3.0);
  ASSERT_EQ(s.system_nodes().size(), 2u);
  EXPECT_EQ(s.str(s.system_nodes()[0]), "algo-2");
  EXPECT_EQ(s.str(s.system_nodes()[1]), "algo-10");
  EXPECT_EQ(s.series()[g0].device, 0);
  EXPECT_EQ(s.series()[c1].kind, MetricKind::kCpuUtilization);
}

TEST(StoreBuilderTest, AppendRemapsStringsSeriesAndFiles) {
  StoreBuilder a, b;
  a.AddFile({"system/1.algo-1.json", FileKind::kSystem, 10, 1, 1, 0, false});
  a.AddSample(a.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization"), 1.0, 5);
  const uint32_t fb = b.AddFile({"framework/x.json", FileKind::kPythonTimeline, 20, 1, 1, 0, false});
  b.SeriesId("algo-9", "gpu", "gpu1", "GPUUtilization");  // unused series first
  b.AddSample(b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization"), 2.0, 6);
  StoreBuilder::Event e;
  e.start_us = 100;
  e.end_us = 200;
  e.name = "Step:ModeKeys.TRAIN";
  e.phase = "Step:ModeKeys.TRAIN";
  e.node = "algo-1-27";
  e.step = 3;
  e.file = fb;
  b.AddEvent(e);
  a.Append(std::move(b));
  MetricStore s = a.Build();
  ASSERT_EQ(s.files().size(), 2u);
  EXPECT_EQ(s.system().series[0], s.system().series[1]);  // same series merged
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.str(s.events().name[0]), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(s.str(s.events().node[0]), "algo-1-27");
  EXPECT_EQ(s.events().file[0], 1u);
  EXPECT_EQ(s.events().step[0], 3);
  // The unused series has no samples, so its node is not a system node.
  ASSERT_EQ(s.system_nodes().size(), 1u);
}

TEST(StoreBuilderTest, EmptyBuildIsValid) {
  StoreBuilder b;
  MetricStore s = b.Build();
  EXPECT_FALSE(s.has_system());
  EXPECT_FALSE(s.has_framework());
  EXPECT_TRUE(s.system_nodes().empty());
}

}  // namespace
}  // namespace smr
