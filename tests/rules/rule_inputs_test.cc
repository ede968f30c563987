// The rules' series selection and shared evaluation start
// (src/rules/rule_inputs.h).
#include "src/rules/rule_inputs.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "src/rules/builtin_rules.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

TEST(RuleInputsTest, RuleKindIsTheStoreKindForSageMakerSeries) {
  TestData d;
  d.GpuUtil("algo-1", "gpu0", 1, 1).GpuMem("algo-1", "gpu0", 1, 1);
  d.Cpu("algo-1", "cpu0", 1, 1).IoWait("algo-1", "cpu0", 1, 1);
  d.HostMem("algo-1", 1, 1).NetRx("algo-1", 1, 1);
  auto built = d.Build();
  ASSERT_EQ(built->store.series().size(), 6u);
  for (const SeriesInfo& info : built->store.series()) {
    EXPECT_EQ(RuleMetricKind(built->store, info), info.kind);
  }
}

TEST(RuleInputsTest, DimensionDecidesWhenTheTypeDisagrees) {
  // SageMaker's rules look at the Dimension only; the store says "other".
  TestData d;
  d.Sample("algo-1", "accelerator", "gpu0", "GPUUtilization", 1, 1);
  auto built = d.Build();
  const SeriesInfo& info = built->store.series()[0];
  EXPECT_EQ(info.kind, MetricKind::kOther);
  EXPECT_EQ(RuleMetricKind(built->store, info), MetricKind::kGpuUtilization);
  const SeriesMask gpu = SeriesOfKind(built->store, MetricKind::kGpuUtilization);
  EXPECT_TRUE(gpu.any);
  EXPECT_TRUE(gpu[0]);
}

TEST(RuleInputsTest, NoSeriesOfAKindMakesTheRuleNotApplicable) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1, 1);
  auto built = d.Build();
  RuleResult r = StartResult(LowGpuUtilizationRule());
  EXPECT_EQ(r.name, "LowGPUUtilization");
  EXPECT_EQ(r.rule_parameters, "threshold_p95:70\nthreshold_p5:10\nwindow:500\npatience:1000");
  RequireSeries(SeriesOfKind(built->store, MetricKind::kGpuUtilization), "GPUUtilization", &r);
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason,
            "no GPUUtilization samples (CPU-only instance or no system data)");
}

struct Gpu {
  StrId gpu = 0;
  int hits = 0;
};

TEST(RuleInputsTest, NodeGpuTableKeepsFirstSeenOrder) {
  NodeGpuTable<Gpu> table;
  table.At(2, 7).hits += 1;
  table.At(1, 5).hits += 1;
  table.At(2, 6).hits += 1;
  table.At(2, 7).hits += 1;
  ASSERT_EQ(table.nodes().size(), 2u);
  EXPECT_EQ(table.nodes()[0].node, 2u);
  ASSERT_EQ(table.nodes()[0].gpus.size(), 2u);
  EXPECT_EQ(table.nodes()[0].gpus[0].gpu, 7u);
  EXPECT_EQ(table.nodes()[0].gpus[0].hits, 2);
  EXPECT_EQ(table.nodes()[0].gpus[1].gpu, 6u);
  EXPECT_EQ(table.nodes()[1].node, 1u);
  table.clear();
  EXPECT_TRUE(table.nodes().empty());
  EXPECT_EQ(table.At(2, 7).hits, 0);
}

TEST(RuleInputsTest, RequiredSeriesOfKindSelectsAndMarksAMissingKind) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000, 1).GpuMem("algo-1", "gpu0", 1000, 1);
  auto built = d.Build();
  RuleResult r;
  const SeriesMask mem =
      RequiredSeriesOfKind(built->store, MetricKind::kGpuMemory, "GPUMemoryUtilization", &r);
  EXPECT_TRUE(mem.any);
  EXPECT_TRUE(r.applicable);
  const SeriesMask util =
      RequiredSeriesOfKind(built->store, MetricKind::kGpuUtilization, "GPUUtilization", &r);
  EXPECT_FALSE(util.any);
  EXPECT_FALSE(r.applicable);
  EXPECT_EQ(r.not_applicable_reason,
            "no GPUUtilization samples (CPU-only instance or no system data)");
}

TEST(RuleInputsTest, ForEachSampleVisitsTheSelectedRowsOfAWindowInOrder) {
  TestData d;
  d.GpuUtil("algo-1", "gpu0", 1000.5, 10).Cpu("algo-1", "cpu0", 1000.5, 90);
  d.GpuUtil("algo-1", "gpu1", 1001.0, 20).GpuUtil("algo-1", "gpu0", 1001.5, 30);
  auto built = d.Build();
  const RuleInputs in(built->ctx());
  ASSERT_EQ(in.plan.size(), 1u);
  const SeriesMask gpu = SeriesOfKind(in.store, MetricKind::kGpuUtilization);
  std::vector<std::pair<std::string, double>> seen;
  ForEachSample(in, 0, gpu, [&](uint32_t row, const SeriesInfo& info) {
    seen.emplace_back(std::string(in.store.str(info.name)), in.sys.value(row));
  });
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, double>>{
                      {"gpu0", 10}, {"gpu1", 20}, {"gpu0", 30}}));
}

}  // namespace
}  // namespace smr
