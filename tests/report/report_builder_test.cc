// The report model (ReportBuilder) built from rule JSONs alone, as
// `sm-report render` does, on the hand-made SageMaker-format sets of
// tests/data/rule_sets (numbers from make_sets.py there, results worked out
// by hand in its README), and the per-phase table from raw samples.
#include "smr/report_builder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

namespace fs = std::filesystem;
using namespace report_test;  // NOLINT: test helpers

const char* const kSets[] = {"single-gpu", "four-gpus", "system-only", "cpu-only-two-nodes"};

// The profiler-reports folder of a set (system-only keeps SageMaker's
// download layout).
fs::path SetDir(const std::string& set) {
  const fs::path root = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets" / set;
  if (set == "system-only") {
    return root / "rule-output" / "ProfilerReport-1720000300" / "profiler-output" /
           "profiler-reports";
  }
  return root / "profiler-reports";
}

ReportModel BuildFromSet(const std::string& set, std::vector<RuleResult>* results) {
  *results = LoadRuleJsons(SetDir(set));
  return BuildFromResults(results);
}

TEST(ReportBuilderTest, JobSummaryComesFromMaxInitializationTime) {
  // job_start 1700000000.250412, job_end 1700000900.750118, first step
  // 1700000120.5 s, last step start 1700000870.25 s:
  // int(900.4997) = 900, int(749.75) = 749, int(120.2496) = 120,
  // int(30.5001) = 30; int(120/900*100) = 13, int(749/900*100) = 83,
  // int(30/900*100) = 3.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Start time"), "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "End time"), "2023-11-14 22:28:20 UTC");
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "900 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Training loop duration"), "749 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization time"), "120 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Finalization time"), "30 seconds");
  EXPECT_EQ(KeyValueOf(*s, "Initialization"), "13 %");
  EXPECT_EQ(KeyValueOf(*s, "Training loop"), "83 %");
  EXPECT_EQ(KeyValueOf(*s, "Finalization"), "3 %");
}

TEST(ReportBuilderTest, NoStepsMeansNoLoopRowsAndAnExplanation) {
  // system-only: no framework profiling, step_num {}.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("system-only", &results);
  const Section* s = FindSection(m.sections, "training-job-summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(KeyValueOf(*s, "Job duration"), "263 seconds");
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
  // four-gpus OverallSystemUsage: GPU {max 24.0, p99 23.25, p95 22.5, p50
  // 2.0, min 0}, CPU {max 52.25, p99 38.75, p95 31.5, p50 21.25, min 0.4},
  // in SageMaker's key order Network, GPU, CPU, CPU memory, GPU memory, I/O.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "system-usage");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 6u);
  std::vector<std::string> metrics;
  for (const auto& row : t->rows) metrics.push_back(row[1]);
  EXPECT_EQ(metrics, (std::vector<std::string>{"Network", "GPU", "CPU", "CPU memory",
                                               "GPU memory", "I/O"}));
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"algo-1", "GPU", "percent", "24.00", "23.25",
                                                  "22.50", "2.00", "0.00"}));
  EXPECT_EQ(t->rows[2], (std::vector<std::string>{"algo-1", "CPU", "percent", "52.25", "38.75",
                                                  "31.50", "21.25", "0.40"}));
}

TEST(ReportBuilderTest, RulesSummaryIsSortedByTriggerCountWithoutOverallRules) {
  // single-gpu: GPUMemoryIncrease 41, LowGPUUtilization 7, then CPUBottleneck
  // and Dataloader with 1 each (ties keep ProfilerReport order), five with 0.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "rules-summary");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 9u);  // 11 rules minus the two Overall* ones
  const std::vector<std::pair<std::string, std::string>> top = {
      {"GPUMemoryIncrease", "41"}, {"LowGPUUtilization", "7"}, {"CPUBottleneck", "1"},
      {"Dataloader", "1"}};
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(t->rows[i][0], top[i].first) << i;
    EXPECT_EQ(t->rows[i][2], top[i].second) << i;
  }
  EXPECT_EQ(t->rows[0][3], "1802");  // datapoints
  for (size_t i = top.size(); i < t->rows.size(); ++i) EXPECT_EQ(t->rows[i][2], "0") << i;
  for (const auto& row : t->rows) {
    EXPECT_NE(row[0], "OverallSystemUsage");
    EXPECT_NE(row[0], "OverallFrameworkMetrics");
  }
  EXPECT_EQ(t->highlight_rows, (std::vector<int>{0, 1, 2, 3}));
}

TEST(ReportBuilderTest, LowGpuBoxPlotsCarryTheJsonStatistics) {
  // four-gpus LowGPUUtilization gpu0: p50 8, p75 52, upper 96, gpu_max 96;
  // gpu1-gpu3 idle.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "gpu-utilization");
  ASSERT_NE(s, nullptr);
  const Chart* box = nullptr;
  for (const Block& b : s->blocks) {
    if (b.kind == BlockKind::kChart && b.chart.kind == ChartKind::kBox) box = &b.chart;
  }
  ASSERT_NE(box, nullptr);
  ASSERT_EQ(box->boxes.size(), 4u);
  EXPECT_EQ(box->boxes[0].label, "gpu0");
  EXPECT_DOUBLE_EQ(box->boxes[0].p50, 8.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].p75, 52.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].upper, 96.0);
  EXPECT_DOUBLE_EQ(box->boxes[0].max, 96.0);
  EXPECT_EQ(box->boxes[3].label, "gpu3");
  EXPECT_DOUBLE_EQ(box->boxes[3].max, 4.0);
}

TEST(ReportBuilderTest, FrameworkOperatorsAreSortedByShare) {
  // four-gpus CPU shares: copy_ 19.05 > to 17.85 > conv2d 16.2 > convolution
  // 15.9 > relu 15.0 > cudnn_convolution 12.4 > batch_norm 3.6.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "cpu-operators");
  ASSERT_NE(s, nullptr);
  const Table* t = FirstTable(*s);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 7u);
  EXPECT_EQ(t->rows[0], (std::vector<std::string>{"aten::copy_", "19.05", "1905000"}));
  EXPECT_EQ(t->rows[1][0], "aten::to");
  EXPECT_EQ(t->rows[4][0], "aten::relu");
  EXPECT_EQ(t->rows.back()[0], "aten::batch_norm");
  EXPECT_NE(AllText(*s).find("aten::copy_ with 19 %"), std::string::npos) << AllText(*s);
}

TEST(ReportBuilderTest, EveryHandMadeSetBuildsWithoutRawData) {
  for (const char* set : kSets) {
    SCOPED_TRACE(set);
    std::vector<RuleResult> results;
    const ReportModel m = BuildFromSet(set, &results);
    EXPECT_EQ(results.size(), 11u);
    EXPECT_GE(m.sections.size(), 4u);
    EXPECT_NE(FindSection(m.sections, "rules-summary"), nullptr);
    EXPECT_NE(FindSection(m.sections, "training-loop"), nullptr);
  }
}

TEST(ReportBuilderTest, TrainingLoopSectionsFollowTheOriginalOrder) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* loop = FindSection(m.sections, "training-loop");
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> ids;
  for (const Section& sub : loop->subsections) ids.push_back(sub.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"step-duration", "gpu-utilization",
                                           "workload-balancing", "dataloading", "batch-size",
                                           "cpu-bottlenecks", "io-bottlenecks", "gpu-memory"}));
}

TEST(ReportBuilderTest, BottleneckShareIsViolationsOverDatapoints) {
  // single-gpu CPUBottleneck: Violations 100, Datapoints 1802 ->
  // int(5.55) = 5 %, low_gpu_utilization 1310, RuleTriggered 1 (the ratio
  // was above 50 % in the first window and fell later).
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("100 of 1802 samples (5 %) were bottlenecks"), std::string::npos) << text;
  EXPECT_NE(text.find("below 10 % in 1310 samples"), std::string::npos) << text;
  EXPECT_NE(text.find("triggered 1 times"), std::string::npos) << text;
}

TEST(ReportBuilderTest, WorkloadDistancesAreComputedForEveryGpuPair) {
  // four-gpus LoadBalancing workloads: gpu0 half in bin 0 and half in bin 45,
  // gpu1 and gpu2 all in bin 0, gpu3 1190 in bin 0 and 10 in bin 1.
  // Jensen-Shannon distances (natural log; worked out in
  // tests/data/rule_sets/README.md): gpu0-gpu1 = gpu0-gpu2 =
  // sqrt(0.75 ln 4/3) = 0.4645, gpu0-gpu3 0.4663, gpu1-gpu3 = gpu2-gpu3 =
  // 0.0538, gpu1-gpu2 0. Mean utilizations (each sample at its bin middle,
  // 2i+1 %): gpu0 (1 + 91) / 2 = 46, gpu1 = gpu2 = 1, gpu3 (1190 + 30) / 1200
  // = 1.017, so gpu0 is 45.0 points (44.98 against gpu3) from the others and
  // they are 0.0 apart. The JSON has no min_difference (SageMaker's
  // parameters), so the report applies sm-report's default of 10 points.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "workload-balancing");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Pairwise distances");
  ASSERT_NE(t, nullptr);
  const std::vector<std::vector<std::string>> want = {
      {"gpu0", "gpu3", "0.47", "45.0", "yes"}, {"gpu0", "gpu1", "0.46", "45.0", "yes"},
      {"gpu0", "gpu2", "0.46", "45.0", "yes"}, {"gpu1", "gpu3", "0.05", "0.0", "no"},
      {"gpu2", "gpu3", "0.05", "0.0", "no"},   {"gpu1", "gpu2", "0.00", "0.0", "no"}};
  EXPECT_EQ(t->rows, want);  // 4 choose 2, flagged first, then largest distance
  EXPECT_EQ(t->highlight_rows, (std::vector<int>{0, 1, 2}));  // above 0.2 and 10 points
  EXPECT_NE(AllText(*s).find("differ by at least 10 percentage points"), std::string::npos);
}

TEST(ReportBuilderTest, DataloaderShowsWorkersCoresAndPinMemory) {
  // single-gpu Dataloader: pin_memory false, num_workers 1, cores 4, median
  // 1 loader < 70 % of 4 cores = 2.8 (triggered), dataloading_time p50 0.0525.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "dataloading");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("CPU cores=4"), std::string::npos) << text;
  EXPECT_NE(text.find("Median parallel data loaders=1"), std::string::npos) << text;
  EXPECT_NE(text.find("num_workers=1"), std::string::npos) << text;
  EXPECT_NE(text.find("pin_memory=false"), std::string::npos) << text;
  EXPECT_NE(text.find("median 0.0525 s, 95th percentile 0.1873 s, 25th percentile 0.0412 s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(for example to 3)"), std::string::npos) << text;  // ceil(2.8)
}

TEST(ReportBuilderTest, StepOutlierTableShowsTheJsonStatistics) {
  // four-gpus StepOutlier: algo-1-31 TRAIN mean 0.4375218, max 9.1234567,
  // 12 outliers (> n_outliers 10), stddev 0.61.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "step-duration");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Step durations per node");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0],
            (std::vector<std::string>{"algo-1-31", "Step:ModeKeys.TRAIN", "0.4375", "9.1235",
                                      "2.5000", "0.5000", "0.3750", "0.2500", "0.61", "12"}));
  EXPECT_EQ(t->highlight_rows, std::vector<int>{0});
}

TEST(ReportBuilderTest, CpuOnlyJobSaysGpuRulesDoNotApply) {
  // cpu-only-two-nodes: GPU rules with 0 datapoints and empty Details.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("cpu-only-two-nodes", &results);
  for (const char* id : {"gpu-memory", "workload-balancing"}) {
    const Section* s = FindSection(m.sections, id);
    ASSERT_NE(s, nullptr) << id;
    EXPECT_TRUE(HasNote(*s, Severity::kInfo)) << id;
  }
  const Section* cpu = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(cpu, nullptr);
  EXPECT_NE(AllText(*cpu).find("CPU-only instance"), std::string::npos) << AllText(*cpu);
}

TEST(ReportBuilderTest, TwoNodesGetOneRowEachAndStepOutliersPerNode) {
  // cpu-only-two-nodes: OverallSystemUsage per node algo-1/algo-2 (GPU and
  // GPU memory {}), StepOutlier step_details for algo-1-23 and algo-2-23 with
  // 12 outliers each.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("cpu-only-two-nodes", &results);
  const Section* usage = FindSection(m.sections, "system-usage");
  ASSERT_NE(usage, nullptr);
  const Table* t = FirstTable(*usage);
  ASSERT_NE(t, nullptr);
  std::vector<std::string> rows;
  for (const auto& row : t->rows) rows.push_back(row[1] + "/" + row[0]);
  EXPECT_EQ(rows, (std::vector<std::string>{"Network/algo-1", "Network/algo-2", "CPU/algo-1",
                                            "CPU/algo-2", "CPU memory/algo-1",
                                            "CPU memory/algo-2", "I/O/algo-1", "I/O/algo-2"}));
  const Section* steps = FindSection(m.sections, "step-duration");
  ASSERT_NE(steps, nullptr);
  const Table* st = TableWithCaption(*steps, "Step durations per node");
  ASSERT_NE(st, nullptr);
  ASSERT_EQ(st->rows.size(), 2u);
  EXPECT_EQ(st->rows[0][0], "algo-1-23");
  EXPECT_EQ(st->rows[0][1], "Step:ModeKeys.GLOBAL");
  EXPECT_EQ(st->rows[1][0], "algo-2-23");
  EXPECT_EQ(st->rows[1][9], "12");
  EXPECT_EQ(st->highlight_rows, (std::vector<int>{0, 1}));
}

TEST(ReportBuilderTest, NegativeOthersShareIsShownAsWritten) {
  // cpu-only-two-nodes OverallFrameworkMetrics: SageMaker's recurrence left
  // phase {GLOBAL 103.125, others -3.125}; the report draws what the JSON says
  // and does not claim that much time was spent outside the steps.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("cpu-only-two-nodes", &results);
  const Section* s = FindSection(m.sections, "framework-metrics");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(AllText(*s).find("Most of the time was spent in the training phases."),
            std::string::npos)
      << AllText(*s);
  const Chart* phase = nullptr;
  for (const Block& b : s->blocks) {
    for (const Chart& c : b.charts) {
      if (c.id == "fw-phase") phase = &c;
    }
  }
  ASSERT_NE(phase, nullptr);
  ASSERT_EQ(phase->slices.size(), 2u);
  EXPECT_EQ(phase->slices[1].label, "others");
  EXPECT_DOUBLE_EQ(phase->slices[1].value, -3.125);
}

TEST(ReportBuilderTest, DisabledRuleIsNamedInTheReport) {
  std::vector<RuleResult> results = LoadRuleJsons(SetDir("four-gpus"));
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

// Render mode with a broken and a missing rule JSON: the model carries the
// state of every rule, the rules table has a row with the reason and each
// affected section says why it is empty.
TEST(ReportBuilderTest, MissingAndUnreadableRulesAreShownWithTheReason) {
  std::vector<RuleResult> results = LoadRuleJsons(SetDir("four-gpus"));
  const auto drop = [&](const char* name) {
    results.erase(std::remove_if(results.begin(), results.end(),
                                 [&](const RuleResult& r) { return r.name == name; }),
                  results.end());
  };
  for (const char* name : {"BatchSize", "LoadBalancing", "OverallSystemUsage"}) drop(name);
  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.results = &results;
  in.rules = &rules;
  in.unavailable_rules = {
      {"BatchSize", RuleState::kUnreadable, "BatchSize.json: not valid JSON: line 1, column 21"},
      {"LoadBalancing", RuleState::kMissing, "no LoadBalancing.json in reports"},
      {"OverallSystemUsage", RuleState::kUnreadable, "OverallSystemUsage.json: not a JSON object"},
  };
  const ReportModel m = BuildReportModel(in);

  // Every one of the 11 rules has a state, in rule order.
  ASSERT_EQ(m.rules.size(), 11u);
  for (size_t i = 0; i < m.rules.size(); ++i) EXPECT_EQ(m.rules[i].name, RuleOrder()[i]);
  std::map<std::string, RuleState> state;
  for (const RuleStatus& st : m.rules) state[st.name] = st.state;
  EXPECT_EQ(state["BatchSize"], RuleState::kUnreadable);
  EXPECT_EQ(state["LoadBalancing"], RuleState::kMissing);
  EXPECT_EQ(state["OverallSystemUsage"], RuleState::kUnreadable);
  // four-gpus: LowGPUUtilization triggered 4 times, IOBottleneck never.
  EXPECT_EQ(state["LowGPUUtilization"], RuleState::kTriggered);
  EXPECT_EQ(state["IOBottleneck"], RuleState::kOk);

  // The rules table: the read rules first, then one highlighted row per
  // unavailable rule with the reason where the trigger count would be.
  const Section* summary = FindSection(m.sections, "rules-summary");
  ASSERT_NE(summary, nullptr);
  const Table* t = FirstTable(*summary);
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->rows.size(), 7u + 3u);  // 9 table rules - 2 not read, + 3 rows
  const auto row = [&](size_t i) { return t->rows[i]; };
  EXPECT_EQ(row(7)[0], "BatchSize");
  EXPECT_EQ(row(7)[2], "unreadable: BatchSize.json: not valid JSON: line 1, column 21");
  EXPECT_EQ(row(7)[3], "-");
  EXPECT_EQ(row(8)[0], "LoadBalancing");
  EXPECT_EQ(row(8)[2], "missing: no LoadBalancing.json in reports");
  EXPECT_EQ(row(9)[0], "OverallSystemUsage");
  EXPECT_EQ(row(9)[2], "unreadable: OverallSystemUsage.json: not a JSON object");
  for (int i : {7, 8, 9}) {
    EXPECT_NE(std::find(t->highlight_rows.begin(), t->highlight_rows.end(), i),
              t->highlight_rows.end())
        << i;
  }
  EXPECT_NE(AllText(*summary).find("3 of the rule results could not be read"), std::string::npos);

  // The sections say why they are empty.
  const Section* batch = FindSection(m.sections, "rule-BatchSize");
  ASSERT_NE(batch, nullptr);
  EXPECT_NE(AllText(*batch).find("The BatchSize rule's result is unreadable: BatchSize.json: not "
                                 "valid JSON: line 1, column 21."),
            std::string::npos)
      << AllText(*batch);
  const Section* lb = FindSection(m.sections, "rule-LoadBalancing");
  ASSERT_NE(lb, nullptr);
  EXPECT_NE(AllText(*lb).find("is missing: no LoadBalancing.json in reports"), std::string::npos);
  const Section* usage = FindSection(m.sections, "system-usage");
  ASSERT_NE(usage, nullptr);
  EXPECT_NE(AllText(*usage).find("OverallSystemUsage.json: not a JSON object"), std::string::npos)
      << AllText(*usage);
  // The headline facts name them too.
  bool overview = false;
  for (const KeyValue& kv : m.overview) {
    if (kv.key == "Rules not read") {
      overview = true;
      EXPECT_EQ(kv.value,
                "BatchSize (unreadable), LoadBalancing (missing), OverallSystemUsage (unreadable)");
    }
  }
  EXPECT_TRUE(overview);
}

}  // namespace
}  // namespace smr

namespace smr {
namespace {

// The per-phase table is computed from raw samples, so it gets its own
// hand-computed input: one core sampled at 1000/1010/1030/1050 s, a TRAIN
// step 1005-1020 s and an EVAL step 1025-1040 s.
TEST(ReportBuilderTest, PhaseUsageTableAveragesSamplesPerPhase) {
  StoreBuilder b;
  const uint32_t cpu = b.SeriesId("algo-1", "cpu", "cpu0", "CPUUtilization");
  b.AddSample(cpu, 1000.0, 10);
  b.AddSample(cpu, 1010.0, 20);
  b.AddSample(cpu, 1030.0, 60);
  b.AddSample(cpu, 1050.0, 80);
  auto step = [&](const char* phase, int64_t start_s, int64_t end_s) {
    StoreBuilder::Event e;
    e.start_us = start_s * 1'000'000;
    e.end_us = end_s * 1'000'000;
    e.name = phase;
    e.phase = phase;
    e.node = "algo-1-0";
    e.step = 0;
    b.AddEvent(e);
  };
  step("Step:ModeKeys.TRAIN", 1005, 1020);
  step("Step:ModeKeys.EVAL", 1025, 1040);
  const MetricStore store = b.Build();
  const JobTimeline timeline = BuildTimeline(store);

  std::vector<RuleResult> results(1);
  results[0].name = "OverallSystemUsage";
  results[0].details["CPU"]["algo-1"]["p95"] = 60.0;
  ReportInputs in;
  in.results = &results;
  in.store = &store;
  in.timeline = &timeline;
  const ReportModel m = BuildReportModel(in);
  const Section* s = FindSection(m.sections, "system-usage-algo-1");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Mean utilization per phase");
  ASSERT_NE(t, nullptr);
  // Columns: Phase, Duration, CPU, GPU, GPU memory, Host memory.
  ASSERT_EQ(t->rows.size(), 5u);
  EXPECT_EQ(t->rows[0][0], "Before first step");
  EXPECT_EQ(t->rows[0][1], "5 s");
  EXPECT_EQ(t->rows[0][2], "10.0");
  EXPECT_EQ(t->rows[1][0], "TRAIN");
  EXPECT_EQ(t->rows[1][2], "20.0");
  EXPECT_EQ(t->rows[2][0], "Between TRAIN and EVAL");
  EXPECT_EQ(t->rows[2][2], "-");  // no sample in 1020-1025 s
  EXPECT_EQ(t->rows[3][0], "EVAL");
  EXPECT_EQ(t->rows[3][1], "15 s");
  EXPECT_EQ(t->rows[3][2], "60.0");
  EXPECT_EQ(t->rows[4][0], "After last step");
  EXPECT_EQ(t->rows[4][2], "80.0");  // the last sample sits on the end
  EXPECT_EQ(t->rows[4][3], "-");     // no GPU on this node
}

}  // namespace
}  // namespace smr
