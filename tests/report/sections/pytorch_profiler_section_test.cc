// The report's "PyTorch profiler traces" section from hand-built
// KinetoAnalysis values (tests/report/kineto_builder.h): the numbers of its
// charts and tables worked out by hand, the ranks it draws with 1, 4 and 16
// ranks, the one-rank sentence, and no section without traces.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/kineto_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
using namespace kineto_test;  // NOLINT: test helpers

ReportModel Build(const KinetoAnalysis& k, const std::vector<RuleResult>* results = nullptr) {
  ReportInputs in;
  in.kineto = &k;
  in.results = results;
  return BuildReportModel(in);
}

const Section& Sub(const ReportModel& m, const std::string& id) {
  static const Section kNone;
  const Section* s = FindSection(m.sections, id);
  EXPECT_NE(s, nullptr) << id;
  return s ? *s : kNone;
}

std::vector<const Chart*> Charts(const Section& s) {
  std::vector<const Chart*> out;
  for (const Block* b : AllBlocks(s)) {
    if (b->kind == BlockKind::kChart) out.push_back(&b->chart);
    for (const Chart& c : b->charts) out.push_back(&c);
  }
  return out;
}

const Chart* ChartWithId(const Section& s, const std::string& id) {
  for (const Chart* c : Charts(s)) {
    if (c->id == id) return c;
  }
  return nullptr;
}

// One rank of 3 steps (50, 70 and 80 ms) whose stepped time (200 ms) is
// 120 ms computation, 30 ms exposed communication, 10 ms memcpy, 0 memset,
// 40 ms idle; communication 50 ms in all, 20 ms of it under computation;
// idle gaps 30 ms host wait, 6 ms kernel wait, 4 ms other. Host: 20 ms
// dataloader, 10 optimizer, 10 synchronization, 120 operators, 40 idle.
KinetoAnalysis OneRank() {
  KinetoAnalysis k;
  KinetoRankAnalysis r = Rank(0, {50, 70, 80});
  r.gpu_steps = Gpu(kT0, 120, 30, 10, 0, 40);
  r.gpu_steps.communication_total_ns = 50 * kMs;
  r.gpu_steps.comm_comp_overlap_ns = 20 * kMs;
  r.gpu_steps.idle_host_wait_ns = 30 * kMs;
  r.gpu_steps.idle_kernel_wait_ns = 6 * kMs;
  r.gpu_steps.idle_other_ns = 4 * kMs;
  r.cpu_steps = Cpu(20, 10, 10, 120, 40);
  r.cpu_steps.runtime_ns = 15 * kMs;
  r.launches.gpu_event_ns = 120 * kMs;
  r.top_kernels = {
      {"ncclKernel_AllReduce_RING_LL_Sum_float", KernelType::kCommunication, 10, 30 * kMs, 0, 0,
       3000, 0},
      {std::string(70, 'a'), KernelType::kComputation, 100, 60 * kMs, 0, 0, 600'000, 0}};
  r.top_operators = {{"aten::addmm", 40, 9 * kMs, 5 * kMs, 0}};
  r.launches.launches = 130;
  r.launches.gpu_events = 160;
  r.launches.short_kernels = 40;
  r.launches.launch_call_ns = 2'500'000;
  r.launches.delay_p50_ns = 12'000;
  r.launches.delay_p95_ns = 45'500;
  r.launches.delay_max_ns = 2'000'000;
  r.launches.delay_outliers = 3;
  r.sync = {7, 1'500'000, 2, 4, 800'000, 250'000};
  k.ranks.push_back(std::move(r));
  return k;
}

TEST(PytorchProfilerSectionTest, NoSectionWithoutTraces) {
  ReportInputs in;
  EXPECT_EQ(FindSection(BuildReportModel(in).sections, "pytorch-profiler"), nullptr);
  const KinetoAnalysis empty;
  in.kineto = &empty;
  EXPECT_EQ(FindSection(BuildReportModel(in).sections, "pytorch-profiler"), nullptr);
}

TEST(PytorchProfilerSectionTest, FollowsTheTimelines) {
  const ReportModel m = Build(OneRank());
  std::vector<std::string> ids;
  for (const Section& s : m.sections) ids.push_back(s.id);
  const auto at = [&](const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  ASSERT_LT(at("pytorch-profiler"), static_cast<long>(ids.size()));
  EXPECT_EQ(at("pytorch-profiler"), at("timelines") + 1);
}

TEST(PytorchProfilerSectionTest, GpuBreakdownInMsAndPercentOfTheSteppedTime) {
  const ReportModel m = Build(OneRank());
  const Section& s = Sub(m, "kineto-gpu-time");
  const Chart* c = ChartWithId(s, "kineto-gpu-breakdown");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, ChartKind::kStackedBar);
  EXPECT_EQ(c->stack_labels, (std::vector<std::string>{"computation", "exposed communication",
                                                       "memcpy", "memset", "idle"}));
  ASSERT_EQ(c->stacks.size(), 1u);
  EXPECT_EQ(c->stacks[0].label, "rank 0");
  // 120 / 200, 30 / 200, 10 / 200, 0, 40 / 200.
  const std::vector<double> pct = {60, 15, 5, 0, 20};
  ASSERT_EQ(c->stacks[0].values.size(), pct.size());
  for (size_t i = 0; i < pct.size(); ++i) EXPECT_DOUBLE_EQ(c->stacks[0].values[i], pct[i]) << i;
  const Table* t = TableWithCaption(s, "GPU time per rank");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 1u);
  // One GPU model: named in the section's first sentence, not per row.
  EXPECT_EQ(t->columns[1], "Wall (ms)");
  EXPECT_EQ(t->rows[0],
            (std::vector<std::string>{"rank 0", "200.0", "120.0 (60.0 %)", "30.0 (15.0 %)",
                                      "10.0 (5.0 %)", "0 (0.0 %)", "40.0 (20.0 %)"}));
  // Overlap 20 / 50; gaps 30 + 6 + 4 = 40 ms: 75, 15 and 10 %.
  const Table* o = TableWithCaption(s, "Communication overlapped");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->rows[0], (std::vector<std::string>{"rank 0", "50.0", "40.0 %", "30.0 (75.0 %)",
                                                  "6.0 (15.0 %)", "4.0 (10.0 %)"}));
}

TEST(PytorchProfilerSectionTest, StepsCpuBreakdownAndDistribution) {
  const ReportModel m = Build(OneRank());
  const Section& s = Sub(m, "kineto-steps");
  // 50, 70, 80 ms: p95 at position 0.95 × 2 = 1.9: 70 + 0.9 × 10 = 79.
  const Table* d = TableWithCaption(s, "Step time per rank");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->rows[0], (std::vector<std::string>{"rank 0", "3", "50.0", "70.0", "79.0", "80.0"}));
  EXPECT_TRUE(d->highlight_rows.empty());  // one rank: nothing to single out
  const Table* cpu = TableWithCaption(s, "Host time of the training thread");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->rows[0],
            (std::vector<std::string>{"rank 0", "20.0 (10.0 %)", "10.0 (5.0 %)", "10.0 (5.0 %)",
                                      "120.0 (60.0 %)", "40.0 (20.0 %)", "15.0"}));
  // Per step in ms: step 1 (50 ms) is 30 / 7.5 / 2.5 / 0 / 10.
  const Chart* g = ChartWithId(s, "kineto-steps-gpu-0");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(g->stacks.size(), 3u);
  EXPECT_EQ(g->stacks[0].label, "step 1");
  const std::vector<double> ms = {30, 7.5, 2.5, 0, 10};
  for (size_t i = 0; i < ms.size(); ++i) EXPECT_DOUBLE_EQ(g->stacks[0].values[i], ms[i]) << i;
  const Chart* h = ChartWithId(s, "kineto-steps-cpu-0");
  ASSERT_NE(h, nullptr);
  // Step 3 (80 ms) on the host: 8 / 4 / 4 / 48 / 16.
  const std::vector<double> host = {8, 4, 4, 48, 16};
  for (size_t i = 0; i < host.size(); ++i) EXPECT_DOUBLE_EQ(h->stacks[2].values[i], host[i]) << i;
  EXPECT_TRUE(FoldedBlocks(s).empty());
}

TEST(PytorchProfilerSectionTest, OneRankSaysSoInTheCrossRankView) {
  const ReportModel m = Build(OneRank());
  const Section& s = Sub(m, "kineto-ranks");
  EXPECT_EQ(AllText(s), "The traces come from one rank, so there is no comparison across ranks.\n");
  EXPECT_TRUE(Charts(s).empty());
}

TEST(PytorchProfilerSectionTest, KernelOperatorLaunchAndSyncTables) {
  const ReportModel m = Build(OneRank());
  const Section& s = Sub(m, "kineto-kernels");
  const Table* k = TableWithCaption(s, "Top GPU kernels of rank 0");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->rows.size(), 2u);
  // Share of all GPU activity (120 ms): 30 / 120 and 60 / 120; mean 3000 ns.
  EXPECT_EQ(k->rows[0], (std::vector<std::string>{"ncclKernel_AllReduce_RING_LL_Sum_float",
                                                  "communication", "10", "30.0", "3.0", "25.0 %"}));
  // 70 characters: cut to 59 and an ellipsis, the full name in the tooltip.
  EXPECT_EQ(k->rows[1][0], std::string(59, 'a') + "…");
  EXPECT_EQ(k->rows[1][5], "50.0 %");
  ASSERT_EQ(k->cell_titles.size(), 2u);
  EXPECT_EQ(k->cell_titles[0][0], "");
  EXPECT_EQ(k->cell_titles[1][0], std::string(70, 'a'));
  const Table* o = TableWithCaption(s, "Top CPU operators of rank 0");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->rows[0], (std::vector<std::string>{"aten::addmm", "5.0", "9.0", "40"}));

  const Section& l = Sub(m, "kineto-launches");
  const Table* lt = TableWithCaption(l, "Kernel launches");
  ASSERT_NE(lt, nullptr);
  // 40 of 160 GPU events are short: 25 %.
  EXPECT_EQ(lt->rows[0], (std::vector<std::string>{"rank 0", "130", "40 (25.0 %)", "2.5", "12.0",
                                                   "45.5", "2000.0", "3"}));
  const Table* st = TableWithCaption(l, "Synchronization");
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->rows[0],
            (std::vector<std::string>{"rank 0", "7", "1.5", "2", "0.250", "4", "0.800"}));
}

// Typical (median) step times 60, 90, 70 and 80 ms: sorted 60 (rank 0),
// 70 (rank 2), 80 (rank 3), 90 (rank 1); the median rank is the lower
// middle, rank 2, the slowest rank 1.
TEST(PytorchProfilerSectionTest, FourRanksShowMedianAndSlowestOthersFoldedInThePdf) {
  KinetoAnalysis k;
  k.ranks = {Rank(0, {60, 60, 60}), Rank(1, {90, 90, 90}), Rank(2, {70, 70, 70}),
             Rank(3, {80, 80, 80})};
  const ReportModel m = Build(k);
  const Section& s = Sub(m, "kineto-steps");
  const std::string text = AllText(s);
  const size_t median = text.find("rank 2: the median rank (median step time).");
  const size_t slowest = text.find("rank 1: the slowest rank.");
  ASSERT_NE(median, std::string::npos) << text;
  ASSERT_NE(slowest, std::string::npos) << text;
  EXPECT_LT(median, slowest);
  EXPECT_NE(ChartWithId(s, "kineto-steps-gpu-2"), nullptr);
  const std::vector<const Block*> folded = FoldedBlocks(s);
  ASSERT_EQ(folded.size(), 1u);
  // The others, slowest first; 4 ranks: in the PDF too.
  EXPECT_EQ(folded[0]->text, "Steps of the other ranks: rank 3, rank 0");
  EXPECT_TRUE(folded[0]->children_in_pdf);
  const Table* d = TableWithCaption(s, "Step time per rank");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->highlight_rows, std::vector<int>{1});  // rank 1's row
  EXPECT_FALSE(HasNote(s, Severity::kInfo));
}

// Ranks 0..15 with steps of 100 + i ms: median rank 7 (lower middle), the
// slowest 15; then 6 more drawn (8 in all), rank 3 first because a rule
// finding names it, then the slowest; 8 left out; above 4 ranks the folded
// detail stays out of the PDF.
TEST(PytorchProfilerSectionTest, SixteenRanksDrawEightFindingsFirst) {
  KinetoAnalysis k = Ranks(16);
  for (KinetoRankAnalysis& r : k.ranks) {
    r.streams = {Stream(7, 4, 0)};
  }
  std::vector<RuleResult> results(1);
  results[0].name = "HostBound";
  results[0].findings.push_back({0, "rank 3", "", 25});
  const ReportModel m = Build(k, &results);
  const Section& s = Sub(m, "kineto-steps");
  const std::vector<const Block*> folded = FoldedBlocks(s);
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(folded[0]->text,
            "Steps of the other ranks: rank 3, rank 14, rank 13, rank 12, rank 11, rank 10");
  EXPECT_FALSE(folded[0]->children_in_pdf);
  EXPECT_NE(AllText(s).find("Steps of 8 more ranks are left out to keep the report small. The "
                            "tables above list every rank."),
            std::string::npos);
  EXPECT_NE(AllText(Sub(m, "kineto-kernels"))
                .find("Kernels and operators of 8 more ranks are left out to keep the report "
                      "small.\n"),
            std::string::npos);
  const Table* g = TableWithCaption(Sub(m, "kineto-gpu-time"), "GPU time per rank");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->rows.size(), 16u);
  const Chart* heat = ChartWithId(Sub(m, "kineto-streams"), "kineto-streams");
  ASSERT_NE(heat, nullptr);
  ASSERT_EQ(heat->heat_rows.size(), 8u);
  EXPECT_EQ(heat->heat_rows[0].group, "rank 3");
  EXPECT_EQ(heat->heat_rows[1].group, "rank 0");
  // Then the others in rank order: 0, 1, 2, 4, 5, 6, 7.
  EXPECT_EQ(heat->heat_rows[3].group, "rank 2");
  EXPECT_EQ(heat->heat_rows[4].group, "rank 4");
  EXPECT_EQ(heat->heat_rows[7].group, "rank 7");
}

// Rank 0 spans 0..240 ms in 240 buckets half busy with computation; rank 1
// spans 120..360 ms in 240 buckets fully busy with communication. One axis
// over 0..360 ms in 240 columns of 1.5 ms: rank 0 fills columns 0..159
// (50 %, computation), rank 1 columns 80..239 (100 %, communication); the
// rest is blank.
TEST(PytorchProfilerSectionTest, StreamTimelineOnOneTimeAxis) {
  KinetoAnalysis k;
  k.ranks = {Rank(0, {240}), Rank(1, {240})};
  k.ranks[1].start_ns = kT0 + 120 * kMs;
  k.ranks[1].end_ns = kT0 + 360 * kMs;
  k.ranks[0].streams = {Stream(7, 240, kMs / 2)};
  k.ranks[1].streams = {Stream(7, 240, 0)};
  for (auto& b : k.ranks[1].streams[0].busy_ns) b = {0, kMs, 0, 0};
  const ReportModel m = Build(k);
  const Chart* c = ChartWithId(Sub(m, "kineto-streams"), "kineto-streams");
  ASSERT_NE(c, nullptr);
  // Seconds since the first trace event.
  EXPECT_FALSE(c->x_is_time);
  EXPECT_EQ(c->x_label, "Seconds since 2023-11-14 22:13:20 UTC");
  EXPECT_DOUBLE_EQ(c->x_min, 0);
  EXPECT_DOUBLE_EQ(c->x_max, 0.36);
  ASSERT_EQ(c->heat_rows.size(), 2u);
  EXPECT_EQ(c->heat_rows[0].label, "rank 0 stream 7");
  EXPECT_EQ(c->heat_rows[1].group, "rank 1");
  EXPECT_EQ(c->stack_labels,
            (std::vector<std::string>{"computation", "communication", "memcpy", "memset"}));
  for (size_t col = 0; col < 240; ++col) {
    const double a = c->heat_rows[0].values[col], b = c->heat_rows[1].values[col];
    if (col < 160) {
      EXPECT_NEAR(a, 50, 1e-9) << col;
      EXPECT_EQ(c->heat_rows[0].kinds[col], 0) << col;
    } else {
      EXPECT_TRUE(std::isnan(a)) << col;
      EXPECT_EQ(c->heat_rows[0].kinds[col], -1) << col;
    }
    if (col >= 80) {
      EXPECT_NEAR(b, 100, 1e-9) << col;
      EXPECT_EQ(c->heat_rows[1].kinds[col], 1) << col;
    } else {
      EXPECT_TRUE(std::isnan(b)) << col;
    }
  }
}

TEST(PytorchProfilerSectionTest, CrossRankViewRanksStepsByTheSlowestRanksExcess) {
  KinetoAnalysis k = Ranks(2);
  k.skew = {{1, 2, 100 * kMs, 1, 130 * kMs, 1, 5 * kMs},
            {2, 2, 100 * kMs, 0, 110 * kMs, 0, 2 * kMs},
            {3, 2, 100 * kMs, 1, 150 * kMs, 1, 20 * kMs}};
  const ReportModel m = Build(k);
  const Section& s = Sub(m, "kineto-ranks");
  const Table* t = FirstTable(s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 3u);
  // Excess over the median: step 3 50 ms, step 1 30 ms, step 2 10 ms.
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"3", "2", "100.0", "rank 1", "150.0", "50.0",
                                                  "rank 1", "20.0"}));
  EXPECT_EQ(t->rows[1][0], "1");
  EXPECT_EQ(t->rows[2][0], "2");
  const Chart* c = ChartWithId(s, "kineto-skew");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->series.size(), 3u);
  ASSERT_EQ(c->series[1].points.size(), 3u);
  EXPECT_DOUBLE_EQ(c->series[1].points[2].x, 3);
  EXPECT_DOUBLE_EQ(c->series[1].points[2].y, 150);
  EXPECT_DOUBLE_EQ(c->series[2].points[0].y, 5);
}

TEST(PytorchProfilerSectionTest, MemoryChartOnlyWithSamples) {
  KinetoAnalysis k = Ranks(1);
  EXPECT_EQ(FindSection(Build(k).sections, "kineto-memory"), nullptr);
  DeviceMemory gpu, cpu;
  gpu.device = 0;
  gpu.points = {{kT0, 2'000'000'000, -1}, {kT0 + 1'000'000'000, 3'000'000'000, -1}};
  cpu.device = -1;
  cpu.points = {{kT0, 5'000'000'000, -1}};
  k.ranks[0].memory = {gpu, cpu};
  const ReportModel m = Build(k);
  const Chart* c = ChartWithId(Sub(m, "kineto-memory"), "kineto-memory");
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->series.size(), 1u);  // the GPU's; not the CPU's
  EXPECT_EQ(c->series[0].label, "rank 0");
  ASSERT_EQ(c->series[0].points.size(), 2u);
  EXPECT_DOUBLE_EQ(c->series[0].points[0].x, 0);  // seconds since the first event
  EXPECT_DOUBLE_EQ(c->series[0].points[1].x, 1);
  EXPECT_DOUBLE_EQ(c->series[0].points[0].y, 2.0);
  EXPECT_DOUBLE_EQ(c->series[0].points[1].y, 3.0);
}

TEST(PytorchProfilerSectionTest, NoStepsSaysWhyAndNamesThePattern) {
  KinetoAnalysis k = Ranks(1);
  k.ranks[0].steps.clear();
  const ReportModel m = Build(k);
  const Section& s = Sub(m, "kineto-steps");
  EXPECT_NE(AllText(s).find("No host annotation matched the step pattern "
                            "\"ProfilerStep#([0-9]+)\""),
            std::string::npos);
  EXPECT_EQ(TableWithCaption(s, "Step time per rank"), nullptr);
}

}  // namespace
}  // namespace smr
