#include "smr/store.h"

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>
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
  EXPECT_EQ(ClassifyMetric("network", "ReceiveBytesPerSecond", "Algorithm"),
            MetricKind::kNetRxAlgorithm);
  EXPECT_EQ(ClassifyMetric("network", "TransmitBytesPerSecond", "Platform"),
            MetricKind::kNetTxPlatform);
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
  EXPECT_EQ(s.system().value(rows[0]), 10);
  EXPECT_EQ(s.system().value(rows[1]), 20);
  EXPECT_EQ(s.system().value(rows[2]), 30);
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
  b.AddFile({"framework/x.json", FileKind::kPythonTimeline, 20, 1, 1, 0, false});
  b.SeriesId("algo-9", "gpu", "gpu1", "GPUUtilization");  // unused series first
  b.AddSample(b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization"), 2.0, 6);
  StoreBuilder::Event e;
  e.start_us = 100;
  e.end_us = 200;
  e.name = "Step:ModeKeys.TRAIN";
  e.phase = "Step:ModeKeys.TRAIN";
  e.node = "algo-1-27";
  e.step = 3;
  b.AddEvent(e);
  a.Append(std::move(b));
  MetricStore s = a.Build();
  ASSERT_EQ(s.files().size(), 2u);
  EXPECT_EQ(s.system().series(0), s.system().series(1));  // same series merged
  ASSERT_EQ(s.events().size(), 1u);
  EXPECT_EQ(s.str(s.events().name[0]), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(s.str(s.events().node[0]), "algo-1-27");
  EXPECT_EQ(s.events().step[0], 3);
  // The unused series has no samples, so its node is not a system node.
  ASSERT_EQ(s.system_nodes().size(), 1u);
}

// Files merged into a builder reserved for fewer rows and events than they
// hold, and into one without any reservation, give the same store: every
// row and event, in file order, ids remapped (columns outgrow a
// reservation geometrically, never losing or reordering anything).
TEST(StoreBuilderTest, AppendIntoReservedOrUnreservedBuilderIsTheSame) {
  auto file = [](int f) {
    StoreBuilder b;
    b.AddFile({fmt::format("f{}", f), FileKind::kSystem, 1, 1, 1, 0, false});
    for (int i = 0; i < 5; ++i) {
      b.AddSample(b.SeriesId(fmt::format("algo-{}", f % 2), "cpu", "cpu0", "CPUUtilization"),
                  f * 10.0 + i, f * 100 + i + 0.5);
      const std::string name = fmt::format("op{}", i % 3), node = fmt::format("algo-{}", f % 2);
      StoreBuilder::Event e;  // its strings are views: `name`, `node` outlive AddEvent
      e.start_us = f * 1000 + i;
      e.end_us = e.start_us + 7;
      e.name = name;
      e.node = node;
      e.step = f * 10 + i;
      b.AddEvent(e);
    }
    return b;
  };
  StoreBuilder reserved, plain;
  reserved.ReserveSamples(3);
  reserved.ReserveEvents(3);
  for (int f = 0; f < 4; ++f) {
    reserved.Append(file(f));
    plain.Append(file(f));
  }
  const MetricStore r = reserved.Build(), p = plain.Build();
  ASSERT_EQ(r.system().size(), 20u);
  ASSERT_EQ(p.system().size(), 20u);
  ASSERT_EQ(r.events().size(), 20u);
  ASSERT_EQ(p.events().size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    const int f = static_cast<int>(i / 5), k = static_cast<int>(i % 5);
    for (const MetricStore* s : {&r, &p}) {
      EXPECT_EQ(s->system().ts(i), f * 10.0 + k) << i;
      EXPECT_EQ(s->system().value(i), f * 100 + k + 0.5) << i;
      EXPECT_EQ(s->str(s->series()[s->system().series(i)].node), fmt::format("algo-{}", f % 2));
      EXPECT_EQ(s->events().start_us[i], f * 1000 + k) << i;
      EXPECT_EQ(s->events().step[i], f * 10 + k) << i;
      EXPECT_EQ(s->str(s->events().name[i]), fmt::format("op{}", k % 3)) << i;
      EXPECT_EQ(s->str(s->events().node[i]), fmt::format("algo-{}", f % 2)) << i;
    }
  }
  EXPECT_EQ(r.files().size(), 4u);
  EXPECT_EQ(r.files()[3].rel_path, "f3");
}

TEST(StoreBuilderTest, EmptyBuildIsValid) {
  StoreBuilder b;
  MetricStore s = b.Build();
  EXPECT_FALSE(s.has_system());
  EXPECT_FALSE(s.has_framework());
  EXPECT_TRUE(s.system_nodes().empty());
}

uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

TEST(SystemColumnsTest, EveryValueReadsBackBitForBit) {
  // Short decimals (coded), and values that are not (escaped): -0.0, NaN,
  // 0.1 + 0.2, huge and tiny magnitudes, 7-decimal and random doubles.
  std::vector<double> values = {0.0,
                                -0.0,
                                28.22,
                                34.0,
                                100.0,
                                0.04,
                                -3.5,
                                123456789.0,
                                268435455.0,
                                268435456.0,
                                2.5e9,
                                1e-7,
                                0.1 + 0.2,
                                1718355180.0335424,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::quiet_NaN(),
                                std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<double>(rng() % 1000000) / 100.0);  // like "4711.23"
    values.push_back(std::bit_cast<double>(rng() >> 2));             // arbitrary bits
  }
  SystemColumns c;
  for (size_t i = 0; i < values.size(); ++i) {
    c.Push(static_cast<uint32_t>(i % 3), 1000.0 + static_cast<double>(i / 4), values[i]);
  }
  ASSERT_EQ(c.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(Bits(c.value(i)), Bits(values[i])) << i << " " << values[i];
    ASSERT_EQ(c.ts(i), 1000.0 + static_cast<double>(i / 4));
    ASSERT_EQ(c.series(i), i % 3);
  }
  // Four rows share each timestamp: one run entry each.
  EXPECT_EQ(c.timestamp_runs(), (values.size() + 3) / 4);
  EXPECT_FALSE(c.wide());
  EXPECT_EQ(c.TimestampRange().first, 1000.0);
  EXPECT_EQ(c.TimestampRange().second, 1000.0 + static_cast<double>((values.size() - 1) / 4));
}

TEST(SystemColumnsTest, ShortDecimalsTakeTwelveBytesAndOthersAreEscaped) {
  SystemColumns c;
  c.Reserve(1002);  // exact capacity, so bytes() counts only what is used
  for (int i = 0; i < 1000; ++i) c.Push(0, 5.0, i * 0.25);  // quarter steps: 2 decimals
  EXPECT_EQ(c.escaped_values(), 0u);
  c.Push(0, 5.0, 0.1 + 0.2);  // 0.30000000000000004: not a short decimal
  c.Push(0, 5.0, -0.0);       // the sign of zero must survive
  EXPECT_EQ(c.escaped_values(), 2u);
  // 3 x uint32 per row, one timestamp run, two escaped doubles.
  EXPECT_EQ(c.bytes(), 1002u * 12 + 8 + 2 * 8);
}

TEST(SystemColumnsTest, AppendRenumbersTimestampRunsAndEscapes) {
  SystemColumns a, b;
  a.Push(1, 10.0, 0.1 + 0.2);
  a.Push(2, 10.0, 7.5);
  b.Push(3, 20.0, 1e-300);
  b.Push(4, 21.0, 0.1 + 0.7);
  b.Push(5, 21.0, 42.0);
  a.AppendFrom(std::move(b));
  EXPECT_EQ(b.size(), 0u);
  ASSERT_EQ(a.size(), 5u);
  const double want_v[] = {0.1 + 0.2, 7.5, 1e-300, 0.1 + 0.7, 42.0};
  const double want_t[] = {10.0, 10.0, 20.0, 21.0, 21.0};
  for (size_t r = 0; r < 5; ++r) {
    EXPECT_EQ(Bits(a.value(r)), Bits(want_v[r])) << r;
    EXPECT_EQ(a.ts(r), want_t[r]) << r;
    EXPECT_EQ(a.series(r), r + 1) << r;
  }
  EXPECT_EQ(a.escaped_values(), 3u);
  EXPECT_EQ(a.timestamp_runs(), 3u);
  a.RemapSeries({9, 8, 7, 6, 5, 4});
  EXPECT_EQ(a.series(0), 8u);
  EXPECT_EQ(a.series(4), 4u);
}

TEST(SystemColumnsTest, FullEscapeTableSwitchesToPlainDoublesWithoutLosingAny) {
  SystemColumns a(/*escape_capacity=*/2), b(/*escape_capacity=*/2);
  // 0.1 + 0.2, 1/3, 2/3 are not m / 10^k for k <= 6: each needs an escape.
  const double vals[] = {1.5, 0.1 + 0.2, 2.25, 1.0 / 3.0, 2.0 / 3.0, 3.0};
  for (int i = 0; i < 3; ++i) a.Push(0, 1.0, vals[i]);
  EXPECT_FALSE(a.wide());
  a.Push(0, 1.0, vals[3]);
  EXPECT_FALSE(a.wide());   // two escapes fit
  a.Push(0, 2.0, vals[4]);  // the third does not
  EXPECT_TRUE(a.wide());
  a.Push(0, 2.0, vals[5]);
  for (size_t r = 0; r < 6; ++r) EXPECT_EQ(Bits(a.value(r)), Bits(vals[r])) << r;
  // Appending coded columns whose escapes would overflow also goes wide.
  SystemColumns c(2), d(2);
  c.Push(0, 1.0, 0.1 + 0.2);
  c.Push(0, 1.0, 9.0);
  d.Push(0, 1.0, 1.0 / 3.0);
  d.Push(0, 1.0, 2.0 / 3.0);
  c.AppendFrom(std::move(d));
  EXPECT_TRUE(c.wide());
  const double want[] = {0.1 + 0.2, 9.0, 1.0 / 3.0, 2.0 / 3.0};
  for (size_t r = 0; r < 4; ++r) EXPECT_EQ(Bits(c.value(r)), Bits(want[r])) << r;
}

}  // namespace
}  // namespace smr
