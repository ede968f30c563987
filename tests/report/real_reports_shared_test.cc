// The report model built from the 12 real SageMaker rule-JSON sets
// (shared-data tests: they run only when the optional shared folder exists,
// see tests/CMakeLists.txt). Expected numbers are read off the real JSON
// files and the real HTML reports. report_builder_test.cc checks the same
// behaviour on the hand-made sets of tests/data/rule_sets.
#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

namespace fs = std::filesystem;
using namespace report_test;  // NOLINT: test helpers

std::vector<RuleResult> LoadRealSet(const std::string& set) {
  return LoadRuleJsons(fs::path(SMR_SHARED_DIR) / "real-reports" / set / "profiler-reports");
}

ReportModel BuildFromSet(const std::string& set, std::vector<RuleResult>* results) {
  *results = LoadRealSet(set);
  InferStatesFromJson(results);  // as `sm-report render` does
  return BuildFromResults(results);
}

TEST(ReportBuilderSharedTest, JobSummaryOfAfi83MatchesTheRealReport) {
  // The job summary of Afi83's real HTML report (rows as in docs/rules.md
  // §2.1): 1079 s, loop 908 s, init 169 s, final 1 s -> 15 % / 84 % / 0 %,
  // all truncated. sm-report rounds the same values: job 1079.4997 s,
  // loop 908.1787 s, initialization 169.8295 s -> 170 s, finalization
  // 1.4914 s -> 1 s; shares 15.73 % -> 15.7 %, 84.13 % -> 84.1 %,
  // 0.138 % -> 0.1 %.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "1079 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "908 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization time"), "170 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Finalization time"), "1 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization"), "15.7 %");
  EXPECT_EQ(KeyValueOf(*s, "Training loop"), "84.1 %");
  EXPECT_EQ(KeyValueOf(*s, "Finalization"), "0.1 %");
  EXPECT_EQ(KeyValueOf(*s, "Start time"), "2021-12-15 20:55:00 UTC");  // job_start 1639601700.23
}

TEST(ReportBuilderSharedTest, NoStepsMeansNoLoopRowsAndAnExplanation) {
  // DannyLCG: system-only profiling, step_num {} (docs/rules.md §6).
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

TEST(ReportBuilderSharedTest, SystemUsageTableShowsTheJsonNumbers) {
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

TEST(ReportBuilderSharedTest, RulesSummaryIsSortedByTriggerCountWithoutOverallRules) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "rules-summary");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 9u);  // 11 rules minus the two Overall* ones
  // RuleTriggered in the set: GPUMemoryIncrease 233, LowGPUUtilization 10,
  // CPUBottleneck 9, the others 0.
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

TEST(ReportBuilderSharedTest, LowGpuBoxPlotsCarryTheJsonStatistics) {
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

TEST(ReportBuilderSharedTest, FrameworkOperatorsAreSortedByShare) {
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

TEST(ReportBuilderSharedTest, EveryRealSetBuildsWithoutRawData) {
  int sets = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(SMR_SHARED_DIR) / "real-reports")) {
    if (!entry.is_directory()) continue;
    std::vector<RuleResult> results;
    const ReportModel m = BuildFromSet(entry.path().filename().string(), &results);
    EXPECT_GE(m.sections.size(), 4u) << entry.path();
    ++sets;
  }
  EXPECT_EQ(sets, 12);
}

TEST(ReportBuilderSharedTest, TrainingLoopSectionsFollowTheOriginalOrder) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* loop = FindSection(m.sections, "training-loop");
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> ids;
  for (const Section& sub : loop->subsections) ids.push_back(sub.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"step-duration", "gpu-utilization", "workload-balancing",
                                           "dataloading", "batch-size", "cpu-bottlenecks",
                                           "io-bottlenecks", "gpu-memory"}));
}

TEST(ReportBuilderSharedTest, BottleneckShareIsViolationsOverDatapoints) {
  // Afi83 CPUBottleneck.json: Violations 1277, Datapoints 2166 -> 58.956 %,
  // shown rounded as 59.0 % (SageMaker's report truncates: 58 %),
  // low_gpu_utilization 1683, RuleTriggered 9.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("1277 of 2166 samples (59.0 %) were bottlenecks"), std::string::npos) << text;
  EXPECT_NE(text.find("below 10 % in 1683 samples"), std::string::npos) << text;
  EXPECT_NE(text.find("triggered 9 times"), std::string::npos) << text;
}

TEST(ReportBuilderSharedTest, WorkloadDistancesAreComputedForEveryGpuPair) {
  // klay-liu LoadBalancing workloads (4 GPUs, only gpu0 busy). Jensen-Shannon
  // distances computed independently (Python, natural log): gpu0-gpu1 0.50,
  // gpu0-gpu3 0.50, gpu1-gpu2 0.02. Mean utilizations (each sample at its
  // bin middle, 2i+1 %): gpu0 24.82, gpu1 1.01, gpu2 1.01 -> differences
  // 23.8 and 0.0 points. The JSON is SageMaker's, without min_difference, so
  // the report applies sm-report's default of 10 points.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "workload-balancing");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Pairwise distances");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 6u);  // 4 choose 2
  EXPECT_EQ(t->rows[0][0], "gpu0");
  EXPECT_EQ(t->rows[0][2], "0.50");
  EXPECT_EQ(t->rows[0][3], "23.8");
  EXPECT_EQ(t->rows[0][4], "yes");  // above the 0.2 threshold and 10 points apart
  bool found_small = false;
  for (const auto& row : t->rows) {
    if (row[0] == "gpu1" && row[1] == "gpu2") {
      EXPECT_EQ(row[2], "0.02");
      EXPECT_EQ(row[3], "0.0");
      EXPECT_EQ(row[4], "no");
      found_small = true;
    }
  }
  EXPECT_TRUE(found_small);
}

TEST(ReportBuilderSharedTest, DataloaderShowsWorkersCoresAndPinMemory) {
  // QwejoD Dataloader.json: pin_memory false, num_workers 6, cores 4,
  // dataloaders 6, dataloading_time p50 36.331447.
  std::vector<RuleResult> results;
  const ReportModel m =
      BuildFromSet("QwejoD__Dog-breed-classification-using-AWS-Sagemaker", &results);
  const Section* s = FindSection(m.sections, "dataloading");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("CPU cores=4"), std::string::npos) << text;
  EXPECT_NE(text.find("Median parallel data loaders=6"), std::string::npos);
  EXPECT_NE(text.find("num_workers=6"), std::string::npos);
  EXPECT_NE(text.find("pin_memory=false"), std::string::npos);
  EXPECT_NE(text.find("median 36.3314 s"), std::string::npos);
}

TEST(ReportBuilderSharedTest, StepOutlierTableShowsTheJsonStatistics) {
  // klay-liu StepOutlier.json: algo-1-27 TRAIN mean 0.10472257937806874,
  // max 14.371815, 11 outliers, stddev 0.79.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "step-duration");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Step durations per rank and phase");
  ASSERT_NE(t, nullptr);
  ASSERT_GE(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][0], "algo-1-27");
  EXPECT_EQ(t->rows[0][1], "Step:ModeKeys.TRAIN");
  EXPECT_EQ(t->rows[0][2], "0.1047");
  EXPECT_EQ(t->rows[0][3], "14.3718");
  EXPECT_EQ(t->rows[0][8], "0.79");
  EXPECT_EQ(t->rows[0][9], "11");
  EXPECT_EQ(t->highlight_rows, std::vector<int>{0});  // 11 > n_outliers 10
}

TEST(ReportBuilderSharedTest, CpuOnlyJobSaysGpuRulesDoNotApply) {
  // JawnMarc: CPU-only instance (8 cores), GPU rules with 0 datapoints.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("JawnMarc__deep-learning-with-sagemaker", &results);
  for (const char* id : {"gpu-memory", "workload-balancing"}) {
    const Section* s = FindSection(m.sections, id);
    ASSERT_NE(s, nullptr) << id;
    bool info = false;
    for (const Block& b : s->blocks) {
      if (b.kind == BlockKind::kNote && b.severity == Severity::kInfo) info = true;
    }
    EXPECT_TRUE(info) << id;
  }
}

// The states `sm-report render` infers from real JSONs. JawnMarc: CPU-only,
// 8 cores, 10 loader events with 1 loader (SageMaker's own HTML for such a
// job advised more loaders although Dataloader did not fire).
TEST(ReportBuilderSharedTest, CpuOnlyRealJobStatesAndLoaderAdvice) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("JawnMarc__deep-learning-with-sagemaker", &results);
  std::map<std::string, RuleStatus> st;
  for (const RuleStatus& r : m.rules) st[r.name] = r;
  for (const char* name : {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization",
                           "GPUMemoryIncrease", "BatchSize", "LoadBalancing"}) {
    EXPECT_EQ(st[name].state, RuleState::kNotApplicable) << name;
  }
  EXPECT_EQ(st["StepOutlier"].state, RuleState::kTriggered);
  EXPECT_EQ(st["Dataloader"].state, RuleState::kNotEvaluated);
  EXPECT_EQ(st["Dataloader"].detail,
            "10 data-loader events, so at most 10 seconds with them; needs more than 10 "
            "(patience)");
  const Section* loader = FindSection(m.sections, "dataloading");
  ASSERT_NE(loader, nullptr);
  EXPECT_FALSE(HasNote(*loader, Severity::kOk));
  EXPECT_NE(AllText(*loader).find("Your training instance provided 8 CPU cores, and the job ran 1 "
                                  "data-loader process in parallel"),
            std::string::npos)
      << AllText(*loader);
  EXPECT_NE(AllText(*loader).find("below 70 % of the 8 cores (5.6)"), std::string::npos);
  const Section* batch = FindSection(m.sections, "batch-size");
  ASSERT_NE(batch, nullptr);
  EXPECT_FALSE(HasNote(*batch, Severity::kOk));
  EXPECT_EQ(AllText(*batch).find("does not look too small"), std::string::npos);
}

// Afi83: one GPU: LoadBalancing has nothing to balance.
TEST(ReportBuilderSharedTest, SingleGpuRealJobHasNothingToBalance) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  for (const RuleStatus& r : m.rules) {
    if (r.name != "LoadBalancing") continue;
    EXPECT_EQ(r.state, RuleState::kNotApplicable);
    EXPECT_EQ(r.detail, "a single GPU (gpu0): nothing to balance");
  }
  const Section* lb = FindSection(m.sections, "workload-balancing");
  ASSERT_NE(lb, nullptr);
  EXPECT_FALSE(HasNote(*lb, Severity::kOk));
  EXPECT_EQ(AllText(*lb).find("similar utilization"), std::string::npos);
}

TEST(ReportBuilderSharedTest, DisabledRuleIsNamedInTheReport) {
  std::vector<RuleResult> results = LoadRealSet("klay-liu__AWS-MLE-Capstone-Project");
  results.erase(std::remove_if(results.begin(), results.end(),
                               [](const RuleResult& r) { return r.name == "Dataloader"; }),
                results.end());
  ReportInputs in;
  in.results = &results;
  in.disabled_rules = {"Dataloader"};
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "rule-Dataloader");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("disabled"), std::string::npos);
}

}  // namespace
}  // namespace smr
