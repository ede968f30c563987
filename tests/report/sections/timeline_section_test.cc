// The "Timelines" section (src/report/sections/timeline_section.cc,
// timeline_parts.cc, utilization_heatmap.cc) on small hand-made stores:
// Platform traffic is shown, rule firings are marked at their windows on
// the chart of their resource, every chart shares the job's time axis, the
// heatmap holds the bucket means, and other nodes are folded.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
using testing::TestData;

ReportModel Build(const testing::BuiltData& b, const std::vector<RuleResult>& results) {
  ReportInputs in;
  in.results = &results;
  in.store = &b.store;
  in.timeline = &b.timeline;
  return BuildReportModel(in);
}

// Every chart of a section, including folded ones.
std::vector<const Chart*> Charts(const Section& s) {
  std::vector<const Chart*> out;
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kChart) out.push_back(&b.chart);
    for (const Block& c : b.children) {
      if (c.kind == BlockKind::kChart) out.push_back(&c.chart);
    }
  }
  return out;
}

const Chart* ChartTitled(const Section& s, const std::string& part) {
  for (const Chart* c : Charts(s)) {
    if (c->title.find(part) != std::string::npos) return c;
  }
  return nullptr;
}

double MaxY(const ChartSeries& s) {
  double m = 0;
  for (const ChartPoint& p : s.points) m = std::max(m, p.y);
  return m;
}

// A dataset download shows as Platform traffic, not as 0 B.
TEST(TimelineSectionTest, PlatformNetworkTrafficIsShown) {
  TestData d;
  for (int k = 0; k < 3; ++k) {
    d.Cpu("algo-1", "cpu0", 1000 + k, 20);
    d.Sample("algo-1", "network", "ReceiveBytesPerSecond", "Platform", 1000 + k, 1e6 * (k + 1));
  }
  auto b = d.Build();
  const ReportModel m = Build(*b, {});
  const Section* s = FindSection(m.sections, "timelines-algo-1");
  ASSERT_NE(s, nullptr);
  const Chart* net = ChartTitled(*s, "network");
  ASSERT_NE(net, nullptr);
  ASSERT_EQ(net->series.size(), 1u);
  EXPECT_EQ(net->series[0].label, "Platform receive");
  EXPECT_DOUBLE_EQ(MaxY(net->series[0]), 3e6);
}

// Up to 4 GPUs: a line each; 5 GPUs (10, 20, 30, 40, 50 %): the mean (30)
// and maximum (50) memory, the mean (30) and minimum (10) utilization.
TEST(TimelineSectionTest, ManyGpusAreTheirMeanAndExtremes) {
  TestData d;
  for (int g = 0; g < 5; ++g) {
    const std::string gpu = "gpu" + std::to_string(g);
    d.GpuMem("algo-1", gpu, 1000, 10.0 * (g + 1)).GpuMem("algo-1", gpu, 1001, 10.0 * (g + 1));
    d.GpuUtil("algo-1", gpu, 1000, 10.0 * (g + 1));
  }
  auto b = d.Build();
  const ReportModel m = Build(*b, {});
  const Section* s = FindSection(m.sections, "timelines-algo-1");
  ASSERT_NE(s, nullptr);
  const Chart* mem = ChartTitled(*s, "GPU memory");
  ASSERT_NE(mem, nullptr);
  ASSERT_EQ(mem->series.size(), 2u);
  EXPECT_EQ(mem->series[0].label, "mean of 5 GPUs");
  EXPECT_EQ(mem->series[1].label, "max of 5 GPUs");
  ASSERT_EQ(mem->series[1].points.size(), 2u);
  EXPECT_DOUBLE_EQ(mem->series[0].points[0].y, 30);
  EXPECT_DOUBLE_EQ(mem->series[1].points[0].y, 50);
  EXPECT_DOUBLE_EQ(mem->series[1].points[1].x, 1001);
  const Chart* util = ChartTitled(*s, "GPU utilization");
  ASSERT_NE(util, nullptr);
  ASSERT_EQ(util->series.size(), 2u);
  EXPECT_EQ(util->series[0].label, "mean of 5 GPUs");
  EXPECT_EQ(util->series[1].label, "min of 5 GPUs");
  EXPECT_DOUBLE_EQ(util->series[0].points.at(0).y, 30);
  EXPECT_DOUBLE_EQ(util->series[1].points.at(0).y, 10);
}

// Findings at the windows starting 1000 s and 1120 s on gpu0 of algo-1,
// one on algo-2 (not algo-1's), and a node-less CPUBottleneck window at 1060
// s; StepOutlier names the framework node algo-1-0.
TEST(TimelineSectionTest, RuleFiringsAreMarkedAtTheirWindows) {
  TestData d;
  for (int k = 0; k <= 200; k += 10) {
    d.Cpu("algo-1", "cpu0", 1000 + k, 20).GpuUtil("algo-1", "gpu0", 1000 + k, 5);
    d.Cpu("algo-2", "cpu0", 1000 + k, 20);
  }
  auto b = d.Build();
  std::vector<RuleResult> results(3);
  results[0].name = "LowGPUUtilization";
  results[0].findings = {{1'000'000'000, "algo-1", "gpu0", 5},
                         {1'120'000'000, "algo-1", "gpu0", 5},
                         {1'120'000'000, "algo-1", "gpu0", 6},
                         {1'060'000'000, "algo-2", "gpu0", 5}};
  results[1].name = "CPUBottleneck";
  results[1].findings = {{1'060'000'000, "", "", 60}};
  results[2].name = "StepOutlier";
  results[2].findings = {{1'180'000'000, "algo-1-0", "TRAIN", 12}};
  const ReportModel m = Build(*b, results);
  const Section* s = FindSection(m.sections, "timelines-algo-1");
  ASSERT_NE(s, nullptr);
  const Chart* gpu = ChartTitled(*s, "GPU utilization");
  ASSERT_NE(gpu, nullptr);
  ASSERT_EQ(gpu->marks.size(), 2u);
  EXPECT_EQ(gpu->marks[0].label, "LowGPUUtilization (gpu0)");
  EXPECT_DOUBLE_EQ(gpu->marks[0].x0, 1000);
  EXPECT_DOUBLE_EQ(gpu->marks[0].x1, 1060);
  EXPECT_DOUBLE_EQ(gpu->marks[1].x0, 1120);
  EXPECT_DOUBLE_EQ(gpu->marks[1].x1, 1180);
  const Chart* cpu = ChartTitled(*s, "CPU utilization");
  ASSERT_NE(cpu, nullptr);
  ASSERT_EQ(cpu->marks.size(), 2u);
  EXPECT_EQ(cpu->marks[0].label, "CPUBottleneck");
  EXPECT_DOUBLE_EQ(cpu->marks[0].x0, 1060);
  EXPECT_EQ(cpu->marks[1].label, "StepOutlier (TRAIN)");
  EXPECT_DOUBLE_EQ(cpu->marks[1].x0, 1180);
  // algo-1 has 4 marked windows, algo-2 2: algo-1 is open, algo-2 folded.
  // algo-2 has no GPU chart, so its LowGPUUtilization window joins the
  // CPUBottleneck window on its first chart.
  const Section* others = FindSection(m.sections, "timelines-other-nodes");
  ASSERT_NE(others, nullptr);
  ASSERT_EQ(others->blocks.size(), 1u);
  EXPECT_EQ(others->blocks[0].kind, BlockKind::kDetails);
  EXPECT_NE(others->blocks[0].text.find("algo-2"), std::string::npos);
  EXPECT_NE(others->blocks[0].text.find("2 rule firings"), std::string::npos);
  const Chart* cpu2 = ChartTitled(*others, "algo-2: CPU utilization");
  ASSERT_NE(cpu2, nullptr);
  ASSERT_EQ(cpu2->marks.size(), 2u);
  EXPECT_EQ(cpu2->marks[0].label, "CPUBottleneck");
  EXPECT_DOUBLE_EQ(cpu2->marks[0].x0, 1060);
  EXPECT_EQ(cpu2->marks[1].label, "LowGPUUtilization (gpu0)");
  EXPECT_DOUBLE_EQ(cpu2->marks[1].x0, 1060);
}

// Five GPUs fire in one window: two are named, the others counted.
TEST(TimelineSectionTest, MarkLabelNamesTwoDevicesAndCountsTheRest) {
  TestData d;
  d.GpuUtil("algo-1", "gpu0", 1000, 5).GpuUtil("algo-1", "gpu0", 1100, 5);
  auto b = d.Build();
  std::vector<RuleResult> results(1);
  results[0].name = "LowGPUUtilization";
  for (int g = 0; g < 5; ++g) {
    results[0].findings.push_back({1'000'000'000, "algo-1", "gpu" + std::to_string(g), 5});
  }
  const ReportModel m = Build(*b, results);
  const Section* s = FindSection(m.sections, "timelines-algo-1");
  ASSERT_NE(s, nullptr);
  const Chart* gpu = ChartTitled(*s, "GPU utilization");
  ASSERT_NE(gpu, nullptr);
  ASSERT_EQ(gpu->marks.size(), 1u);
  EXPECT_EQ(gpu->marks[0].label, "LowGPUUtilization (gpu0, gpu1 +3 more)");
}

// Every chart of every node spans the job (first to last system sample),
// though algo-2's data starts later and its GPU ends earlier.
TEST(TimelineSectionTest, ChartsShareTheJobsTimeAxis) {
  TestData d;
  d.Cpu("algo-1", "cpu0", 1000, 20).Cpu("algo-1", "cpu0", 1300, 20);
  d.Cpu("algo-2", "cpu0", 1100, 20).Cpu("algo-2", "cpu0", 1200, 20);
  d.GpuUtil("algo-2", "gpu0", 1100, 20).HostMem("algo-2", 1150, 30);
  auto b = d.Build();
  const ReportModel m = Build(*b, {});
  const Section* s = FindSection(m.sections, "timelines");
  ASSERT_NE(s, nullptr);
  int charts = 0;
  for (const Section& sub : s->subsections) {
    for (const Chart* c : Charts(sub)) {
      ++charts;
      EXPECT_DOUBLE_EQ(c->x_min, 1000) << c->title;
      EXPECT_DOUBLE_EQ(c->x_max, 1300) << c->title;
    }
  }
  EXPECT_EQ(charts, 1 + 1 + 3);  // heatmap, algo-1 CPU, algo-2 CPU, GPU, host
}

// Single node, 2 cores and a GPU over [1000, 1004] s: 4 buckets of 1 s.
TEST(TimelineSectionTest, HeatmapRowsHoldTheBucketMeans) {
  TestData d;
  const double cpu0[] = {10, 20, 30, 40, 50}, cpu1[] = {0, 0, 100, 100, 100};
  const double gpu0[] = {90, 80, 70, 60, 50};
  for (int k = 0; k < 5; ++k) {
    d.Cpu("algo-1", "cpu0", 1000 + k, cpu0[k]).Cpu("algo-1", "cpu1", 1000 + k, cpu1[k]);
    d.GpuUtil("algo-1", "gpu0", 1000 + k, gpu0[k]);
  }
  auto b = d.Build();
  const ReportModel m = Build(*b, {});
  const Section* s = FindSection(m.sections, "timelines-heatmap");
  ASSERT_NE(s, nullptr);
  const Chart* h = Charts(*s).at(0);
  EXPECT_EQ(h->kind, ChartKind::kHeatmap);
  ASSERT_EQ(h->heat_rows.size(), 3u);
  EXPECT_EQ(h->heat_rows[0].label, "cpu0");
  EXPECT_EQ(h->heat_rows[0].group, "CPU");
  EXPECT_EQ(h->heat_rows[2].label, "gpu0");
  EXPECT_EQ(h->heat_rows[2].group, "GPU");
  // The sample at 1004 s (the end) joins the last bucket.
  EXPECT_EQ(h->heat_rows[0].values, (std::vector<double>{10, 20, 30, 45}));
  EXPECT_EQ(h->heat_rows[1].values, (std::vector<double>{0, 0, 100, 100}));
  EXPECT_EQ(h->heat_rows[2].values, (std::vector<double>{90, 80, 70, 55}));
  EXPECT_NE(AllText(*s).find("Columns: 1.0 s each"), std::string::npos) << AllText(*s);
}

// Two nodes: one CPU row (mean of the cores) and a row per GPU per node.
TEST(TimelineSectionTest, MultiNodeHeatmapHasPerNodeRows) {
  TestData d;
  for (const char* node : {"algo-1", "algo-2"}) {
    d.Cpu(node, "cpu0", 1000, 10).Cpu(node, "cpu1", 1000, 30).Cpu(node, "cpu0", 1002, 10);
    d.GpuUtil(node, "gpu0", 1000, 70).GpuUtil(node, "gpu1", 1000, 90);
  }
  auto b = d.Build();
  const ReportModel m = Build(*b, {});
  const Section* s = FindSection(m.sections, "timelines-heatmap");
  ASSERT_NE(s, nullptr);
  const Chart* h = Charts(*s).at(0);
  std::vector<std::string> labels;
  for (const HeatmapRow& r : h->heat_rows) labels.push_back(r.label);
  EXPECT_EQ(labels, (std::vector<std::string>{"algo-1 CPU", "algo-1 gpu0", "algo-1 gpu1",
                                              "algo-2 CPU", "algo-2 gpu0", "algo-2 gpu1"}));
  EXPECT_EQ(h->heat_rows[3].group, "algo-2");
  // [1000, 1002] in 2 buckets: CPU (10 + 30) / 2 = 20, then 10.
  EXPECT_EQ(h->heat_rows[0].values, (std::vector<double>{20, 10}));
}

TEST(TimelineSectionTest, WithoutProfilerDataItSaysSo) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromResults(&results);
  const Section* s = FindSection(m.sections, "timelines");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("rendered from rule results alone"), std::string::npos);
}

}  // namespace
}  // namespace smr
