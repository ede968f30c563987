// A job with PyTorch-profiler traces and no SageMaker data: the overview,
// the Training job summary and findings.json's `job` say ranks, GPUs, the
// traced span and the steps; the sections that need system data say in one
// sentence why they are empty and draw no chart. And the report of a
// hand-built multi-rank analysis renders: a self-contained HTML page and a
// PDF.
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/findings_doc.h"
#include "smr/render.h"
#include "smr/report_builder.h"
#include "tests/report/kineto_builder.h"
#include "tests/report/report_test_util.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers
using namespace kineto_test;  // NOLINT: test helpers

// Rank 0: 3 steps of 20 s (kT0 .. kT0 + 60 s); rank 1 on another GPU model:
// 4 steps of 18.75 s (.. kT0 + 75 s). Traced span 22:13:20 to 22:14:35 UTC,
// 75 s.
KinetoAnalysis TwoRanks() {
  KinetoAnalysis k;
  k.ranks = {Rank(0, {20000, 20000, 20000}),
             Rank(1, {18750, 18750, 18750, 18750}, "NVIDIA H100 80GB HBM3")};
  return k;
}

struct KinetoOnlyJob {
  KinetoAnalysis k = TwoRanks();
  std::unique_ptr<testing::BuiltData> data = testing::TestData().Build();
  ReportInputs Inputs() const {
    ReportInputs in;
    in.input_dir = "traces";
    in.store = &data->store;
    in.timeline = &data->timeline;
    in.kineto = &k;
    return in;
  }
};

TEST(KinetoJobTest, OverviewSaysRanksGpusSpanAndSteps) {
  const KinetoOnlyJob job;
  const ReportModel m = BuildReportModel(job.Inputs());
  std::map<std::string, std::string> kv;
  for (const KeyValue& x : m.overview) kv[x.key] = x.value;
  EXPECT_EQ(kv["Traced start (UTC)"], "2023-11-14 22:13:20");
  EXPECT_EQ(kv["Traced duration"], "1 min 15 s");
  EXPECT_EQ(kv["PyTorch profiler traces"],
            "2 ranks, 2 GPUs (NVIDIA A100-SXM4-40GB, NVIDIA H100 80GB HBM3), 3 to 4 steps per "
            "rank");
  EXPECT_EQ(kv.count("Job start (UTC)"), 0u);
  EXPECT_EQ(m.title, "PyTorch Profiler Report");
}

TEST(KinetoJobTest, JobSummaryFromTheTraces) {
  const KinetoOnlyJob job;
  const ReportModel m = BuildReportModel(job.Inputs());
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Ranks"), "2");
  EXPECT_EQ(KeyValueOf(*s, "GPUs"), "2 GPUs (NVIDIA A100-SXM4-40GB, NVIDIA H100 80GB HBM3)");
  EXPECT_EQ(KeyValueOf(*s, "Traced start"), "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "Traced end"), "2023-11-14 22:14:35 UTC");
  EXPECT_EQ(KeyValueOf(*s, "Traced duration"), "1 min 15 s");
  EXPECT_EQ(KeyValueOf(*s, "Steps per rank"), "3 to 4 steps");
  EXPECT_FALSE(HasNote(*s, Severity::kWarning));  // not "no system metrics ... cannot"
  // Two GPU models: the breakdown table names each rank's.
  const Section* g = FindSection(m.sections, "kineto-gpu-time");
  ASSERT_NE(g, nullptr);
  const Table* t = TableWithCaption(*g, "GPU time per rank");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->columns[1], "GPU");
  EXPECT_EQ(t->rows[1][1], "NVIDIA H100 80GB HBM3");
}

TEST(KinetoJobTest, SectionsWithoutSystemDataSaySoWithoutCharts) {
  const KinetoOnlyJob job;
  const ReportModel m = BuildReportModel(job.Inputs());
  for (const char* id : {"system-usage", "timelines", "slow-steps", "framework-metrics"}) {
    const Section* s = FindSection(m.sections, id);
    if (s == nullptr) continue;  // left out
    int charts = 0, sentences = 0;
    for (const Block* b : AllBlocks(*s)) {
      charts += b->kind == BlockKind::kChart || b->kind == BlockKind::kCharts ? 1 : 0;
      sentences += b->kind == BlockKind::kNote || b->kind == BlockKind::kParagraph ? 1 : 0;
    }
    EXPECT_EQ(charts, 0) << id;
    EXPECT_EQ(sentences, 1) << id;
    EXPECT_TRUE(s->subsections.empty()) << id;
  }
  EXPECT_NE(FindSection(m.sections, "pytorch-profiler"), nullptr);
  // Only one time source: no sentence about a shared axis.
  EXPECT_EQ(AllText(*FindSection(m.sections, "pytorch-profiler")).find("one UTC time axis"),
            std::string::npos);
}

TEST(KinetoJobTest, FindingsJsonJobHasTheTracedSpan) {
  const KinetoOnlyJob job;
  const auto doc = BuildFindingsDocument(job.Inputs(), "profiler-output", {});
  const auto& j = doc["job"];
  EXPECT_EQ(j["gpus"], 2);
  const auto& p = j["pytorch_profiler"];
  EXPECT_EQ(p["traces"], 2);
  EXPECT_EQ(p["ranks"], 2);
  EXPECT_EQ(p["gpus"], 2);
  EXPECT_EQ(p["gpu_names"],
            (nlohmann::ordered_json{"NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3"}));
  EXPECT_EQ(p["start"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(p["end"], "2023-11-14T22:14:35Z");
  EXPECT_DOUBLE_EQ(p["start_epoch_s"].get<double>(), 1.7e9);
  EXPECT_DOUBLE_EQ(p["duration_s"].get<double>(), 75);
  EXPECT_EQ(p["steps_min"], 3);
  EXPECT_EQ(p["steps_max"], 4);
}

// With system metrics as well: the Timelines keep their UTC axis, the
// section says both share the clock, and the job summary lists the traces
// after the job's own facts.
TEST(KinetoJobTest, WithSystemMetricsBothShareTheClock) {
  const KinetoAnalysis k = TwoRanks();
  testing::TestData d;
  d.SystemFile("algo-1", 1'699'999'990);
  for (int i = 0; i < 120; ++i)
    d.GpuUtil("algo-1", "gpu0", 1'699'999'990 + i, 50).Cpu("algo-1", "cpu0", 1'699'999'990 + i, 20);
  const std::unique_ptr<testing::BuiltData> data = d.Build();
  ReportInputs in;
  in.store = &data->store;
  in.timeline = &data->timeline;
  in.kineto = &k;
  const ReportModel m = BuildReportModel(in);
  const Section* p = FindSection(m.sections, "pytorch-profiler");
  ASSERT_NE(p, nullptr);
  EXPECT_NE(AllText(*p).find("use the same UTC clock: the charts here count seconds since "
                             "2023-11-14 22:13:20 UTC"),
            std::string::npos);
  const Section* t = FindSection(m.sections, "timelines");
  ASSERT_NE(t, nullptr);
  bool utc = false;
  for (const Section& sub : t->subsections) {
    for (const Block* b : AllBlocks(sub)) utc |= b->kind == BlockKind::kChart && b->chart.x_is_time;
  }
  EXPECT_TRUE(utc);
  const Section* j = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(KeyValueOf(*j, "Start time"), "2023-11-14 22:13:10 UTC");
  EXPECT_EQ(m.title, "SageMaker Debugger Profiling Report");  // SageMaker data: its title
  EXPECT_EQ(KeyValueOf(*j, "Traced start"), "2023-11-14 22:13:20 UTC");
}

TEST(KinetoJobTest, NoTracesNoPytorchProfilerFacts) {
  const std::unique_ptr<testing::BuiltData> data = testing::TestData().Build();
  ReportInputs in;
  in.store = &data->store;
  in.timeline = &data->timeline;
  const auto doc = BuildFindingsDocument(in, "profiler-output", {});
  EXPECT_FALSE(doc["job"].contains("pytorch_profiler"));
  const ReportModel m = BuildReportModel(in);
  for (const KeyValue& x : m.overview) EXPECT_NE(x.key, "PyTorch profiler traces");
}

std::string RenderedHtml(const ReportModel& m) {
  StatusOr<std::string> html = RenderHtml(m, std::string(SMR_SOURCE_DIR) + "/templates");
  EXPECT_TRUE(html.ok()) << html.status().message();
  return html.ok() ? *html : "";
}

TEST(KinetoJobTest, HtmlIsSelfContainedAndPdfRenders) {
  const KinetoAnalysis k = Demo(4);
  ReportInputs in;
  in.kineto = &k;
  const ReportModel m = BuildReportModel(in);
  const std::string html = RenderedHtml(m);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), html.rfind("<script"));  // the page's own only
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("id=\"pytorch-profiler\""), std::string::npos);
  // The shortened kernel name keeps its full name as a tooltip.
  EXPECT_NE(html.find("title=\"void cutlass::Kernel&lt;cutlass_80_tensorop_s1688gemm_128x128_16x4_"
                      "nn_align4&gt;(cutlass_80_tensorop_s1688gemm_128x128_16x4_nn_align4::"
                      "Params)\""),
            std::string::npos);
  EXPECT_NE(html.find("<details"), std::string::npos);
  StatusOr<std::string> pdf = RenderPdf(m);
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
}

// Not a check: writes the report of hand-built analyses of 1, 4 and 16
// ranks (HTML and PDF) to the folder in $SMR_REPORT_PREVIEW to look at.
// Run with --gtest_also_run_disabled_tests --gtest_filter=*KinetoPreview*.
TEST(KinetoJobTest, DISABLED_KinetoPreview) {
  const char* dir = std::getenv("SMR_REPORT_PREVIEW");
  ASSERT_NE(dir, nullptr) << "set SMR_REPORT_PREVIEW to a folder";
  for (int n : {1, 4, 16}) {
    const KinetoAnalysis k = Demo(n);
    const std::unique_ptr<testing::BuiltData> data = testing::TestData().Build();
    ReportInputs in;
    in.input_dir = "traces";
    in.store = &data->store;
    in.timeline = &data->timeline;
    in.kineto = &k;
    const ReportModel m = BuildReportModel(in);
    const std::string base = std::string(dir) + "/kineto-" + std::to_string(n);
    std::ofstream(base + ".html") << RenderedHtml(m);
    StatusOr<std::string> pdf = RenderPdf(m);
    ASSERT_TRUE(pdf.ok());
    std::ofstream(base + ".pdf", std::ios::binary) << *pdf;
  }
}

}  // namespace
}  // namespace smr
