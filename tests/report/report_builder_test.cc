#include "smr/report_builder.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace smr {
namespace {

namespace fs = std::filesystem;

const char* kRuleOrder[] = {"CPUBottleneck",        "IOBottleneck",      "LowGPUUtilization",
                            "StepOutlier",          "GPUMemoryIncrease", "BatchSize",
                            "MaxInitializationTime", "LoadBalancing",    "OverallSystemUsage",
                            "Dataloader",           "OverallFrameworkMetrics"};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<RuleResult> LoadRealSet(const std::string& set) {
  std::vector<RuleResult> out;
  const fs::path dir = fs::path(SMR_SHARED_DIR) / "real-reports" / set / "profiler-reports";
  for (const char* name : kRuleOrder) {
    StatusOr<RuleResult> r = ParseRuleResultJson(name, ReadFile(dir / (std::string(name) + ".json")));
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (r.ok()) out.push_back(std::move(*r));
  }
  return out;
}

const Section* FindSection(const std::vector<Section>& sections, const std::string& id) {
  for (const Section& s : sections) {
    if (s.id == id) return &s;
    if (const Section* sub = FindSection(s.subsections, id)) return sub;
  }
  return nullptr;
}

std::string KeyValueOf(const Section& s, const std::string& key) {
  for (const Block& b : s.blocks) {
    if (b.kind != BlockKind::kKeyValues) continue;
    for (const KeyValue& kv : b.key_values) {
      if (kv.key == key) return kv.value;
    }
  }
  return "<missing>";
}

const Table* FirstTable(const Section& s) {
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kTable) return &b.table;
  }
  return nullptr;
}

ReportModel BuildFromSet(const std::string& set, std::vector<RuleResult>* results) {
  *results = LoadRealSet(set);
  ReportInputs in;
  in.results = results;
  return BuildReportModel(in);
}

TEST(ReportBuilderTest, JobSummaryOfAfi83MatchesTheRealReport) {
  // rules-and-report.md §2.1: "Verified on Afi83: 1079 s, loop 908 s, init
  // 169 s, final 1 s -> 15 % / 84 % / 0 %".
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "1079 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "908 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization time"), "169 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Finalization time"), "1 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization"), "15 %");
  EXPECT_EQ(KeyValueOf(*s, "Training loop"), "84 %");
  EXPECT_EQ(KeyValueOf(*s, "Finalization"), "0 %");
  EXPECT_EQ(KeyValueOf(*s, "Start time"), "2021-12-15 20:55:00 UTC");  // job_start 1639601700.23
}

TEST(ReportBuilderTest, NoStepsMeansNoLoopRowsAndAnExplanation) {
  // DannyLCG: system-only profiling, step_num {} (rules-and-report.md §6).
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("DannyLCG__aws_udacity_capstone_project", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "<missing>");
  bool explained = false;
  for (const Block& b : s->blocks) {
    if (b.kind == BlockKind::kNote && b.text.find("No step information") != std::string::npos) {
      explained = true;
    }
  }
  EXPECT_TRUE(explained);
}

TEST(ReportBuilderTest, SystemUsageTableShowsTheJsonNumbers) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "system-usage");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  // OverallSystemUsage.json: "GPU": {"algo-1": {"max": 22.75, "p99": 22.25,
  // "p95": 21.25, "p50": 1.5, "min": 0}}, in key order Network, GPU, CPU, ...
  ASSERT_EQ(t->rows.size(), 6u);
  EXPECT_EQ(t->rows[0][1], "Network");
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"algo-1", "GPU", "percent", "22.75", "22.25",
                                                  "21.25", "1.50", "0.00"}));
  EXPECT_EQ(t->rows[2][1], "CPU");
  EXPECT_EQ(t->rows[2][3], "47.56");
}

TEST(ReportBuilderTest, RulesSummaryIsSortedByTriggerCountWithoutOverallRules) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "rules-summary");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 9u);  // 11 rules minus the two Overall* ones
  // INDEX.md: GPUMemoryIncrease (233), LowGPUUtilization (10), CPUBottleneck (9).
  EXPECT_EQ(t->rows[0][0], "GPUMemoryIncrease");
  EXPECT_EQ(t->rows[0][3], "233");
  EXPECT_EQ(t->rows[1][0], "LowGPUUtilization");
  EXPECT_EQ(t->rows[1][3], "10");
  EXPECT_EQ(t->rows[2][0], "CPUBottleneck");
  EXPECT_EQ(t->rows[2][3], "9");
  for (const auto& row : t->rows) {
    EXPECT_NE(row[0], "OverallSystemUsage");
    EXPECT_NE(row[0], "OverallFrameworkMetrics");
  }
  EXPECT_EQ(t->highlight_rows.size(), 3u);
}

TEST(ReportBuilderTest, LowGpuBoxPlotsCarryTheJsonStatistics) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "gpu-utilization");
  ASSERT_NE(s, nullptr);
  const Chart* box = nullptr;
  for (const Block& b : s->blocks) {
    if (b.kind == BlockKind::kChart && b.chart.kind == ChartKind::kBox) box = &b.chart;
  }
  ASSERT_NE(box, nullptr);
  // LowGPUUtilization.json gpu0: p25 0, p50 6, p75 48, upper 91, gpu_max 91.
  ASSERT_EQ(box->boxes.size(), 4u);
  EXPECT_EQ(box->boxes[0].label, "gpu0");
  EXPECT_DOUBLE_EQ(box->boxes[0].p50, 6.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].p75, 48.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].upper, 91.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].max, 91.0);
}

TEST(ReportBuilderTest, FrameworkOperatorsAreSortedByShare) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "cpu-operators");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  // CPU shares: copy_ 18.43 > to 17.99 > conv2d 16.36 > ...
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"copy_", "18.43", "1845232"}));
  EXPECT_EQ(t->rows[1][0], "to");
  EXPECT_EQ(t->rows.back()[0], "batch_norm");
}

TEST(ReportBuilderTest, EveryRealSetBuildsWithoutRawData) {
  for (const auto& entry : fs::directory_iterator(fs::path(SMR_SHARED_DIR) / "real-reports")) {
    if (!entry.is_directory()) continue;
    std::vector<RuleResult> results;
    const ReportModel m = BuildFromSet(entry.path().filename().string(), &results);
    EXPECT_GE(m.sections.size(), 4u) << entry.path();
  }
}

}  // namespace
}  // namespace smr
