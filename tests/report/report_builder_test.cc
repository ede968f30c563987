#include "smr/report_builder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "smr/rule.h"

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
  EXPECT_EQ(t->rows[0][2], "233");
  EXPECT_EQ(t->rows[1][0], "LowGPUUtilization");
  EXPECT_EQ(t->rows[1][2], "10");
  EXPECT_EQ(t->rows[2][0], "CPUBottleneck");
  EXPECT_EQ(t->rows[2][2], "9");
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


std::string AllText(const Section& s) {
  std::string out;
  for (const Block& b : s.blocks) {
    out += b.text + "\n";
    for (const auto& kv : b.key_values) out += kv.key + "=" + kv.value + "\n";
  }
  return out;
}

const Table* TableWithCaption(const Section& s, const std::string& prefix) {
  for (const Block& b : s.blocks) {
    if (b.kind == BlockKind::kTable && b.table.caption.rfind(prefix, 0) == 0) return &b.table;
  }
  return nullptr;
}

TEST(ReportBuilderTest, TrainingLoopSectionsFollowTheOriginalOrder) {
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* loop = FindSection(m.sections, "training-loop");
  ASSERT_NE(loop, nullptr);
  std::vector<std::string> ids;
  for (const Section& sub : loop->subsections) ids.push_back(sub.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"step-duration", "gpu-utilization",
                                           "workload-balancing", "dataloading", "batch-size",
                                           "cpu-bottlenecks", "io-bottlenecks", "gpu-memory"}));
}

TEST(ReportBuilderTest, BottleneckShareIsViolationsOverDatapoints) {
  // Afi83 CPUBottleneck.json: Violations 1277, Datapoints 2166 -> int(58.9) =
  // 58 %, low_gpu_utilization 1683, RuleTriggered 9.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet(
      "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter", &results);
  const Section* s = FindSection(m.sections, "cpu-bottlenecks");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("1277 of 2166 samples (58 %) were bottlenecks"), std::string::npos) << text;
  EXPECT_NE(text.find("below 10 % in 1683 samples"), std::string::npos) << text;
  EXPECT_NE(text.find("triggered 9 times"), std::string::npos) << text;
}

TEST(ReportBuilderTest, WorkloadDistancesAreComputedForEveryGpuPair) {
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
  EXPECT_NE(AllText(*s).find("differ by at least 10 percentage points"), std::string::npos);
}

TEST(ReportBuilderTest, DataloaderShowsWorkersCoresAndPinMemory) {
  // QwejoD Dataloader.json: pin_memory false, num_workers 6, cores 4,
  // dataloaders 6, dataloading_time p50 36.331447.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("QwejoD__Dog-breed-classification-using-AWS-Sagemaker",
                                     &results);
  const Section* s = FindSection(m.sections, "dataloading");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("CPU cores=4"), std::string::npos) << text;
  EXPECT_NE(text.find("Median parallel data loaders=6"), std::string::npos);
  EXPECT_NE(text.find("num_workers=6"), std::string::npos);
  EXPECT_NE(text.find("pin_memory=false"), std::string::npos);
  EXPECT_NE(text.find("median 36.3314 s"), std::string::npos);
}

TEST(ReportBuilderTest, StepOutlierTableShowsTheJsonStatistics) {
  // klay-liu StepOutlier.json: algo-1-27 TRAIN mean 0.10472257937806874,
  // max 14.371815, 11 outliers, stddev 0.79.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromSet("klay-liu__AWS-MLE-Capstone-Project", &results);
  const Section* s = FindSection(m.sections, "step-duration");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Step durations per node");
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

TEST(ReportBuilderTest, CpuOnlyJobSaysGpuRulesDoNotApply) {
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

TEST(ReportBuilderTest, DisabledRuleIsNamedInTheReport) {
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

// Render mode with a broken and a missing rule JSON: the model carries the
// state of every rule, the rules table has a row with the reason and each
// affected section says why it is empty.
TEST(ReportBuilderTest, MissingAndUnreadableRulesAreShownWithTheReason) {
  std::vector<RuleResult> results = LoadRealSet("klay-liu__AWS-MLE-Capstone-Project");
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
  for (size_t i = 0; i < m.rules.size(); ++i) EXPECT_EQ(m.rules[i].name, kRuleOrder[i]);
  std::map<std::string, RuleState> state;
  for (const RuleStatus& st : m.rules) state[st.name] = st.state;
  EXPECT_EQ(state["BatchSize"], RuleState::kUnreadable);
  EXPECT_EQ(state["LoadBalancing"], RuleState::kMissing);
  EXPECT_EQ(state["OverallSystemUsage"], RuleState::kUnreadable);
  // klay-liu: LowGPUUtilization triggered 4 times, IOBottleneck never.
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

TEST(RuleJsonReaderTest, ErrorsSayWhatIsWrongWithLineAndColumn) {
  struct Case {
    const char* json;
    const char* error;
  };
  for (const Case& c : {
           Case{"{\"RuleTriggered\": 1,",
                "not valid JSON: line 1, column 21: syntax error while parsing object key - "
                "unexpected end of input; expected string literal"},
           Case{"{\n  \"RuleTriggered\": 1,\n  x", "not valid JSON: line 3, column 3: "},
           Case{"[1, 2]", "not a JSON object"},
           Case{R"({"Violations": 0, "Datapoints": 0})", "\"RuleTriggered\" is missing"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": "many"})",
                "\"Datapoints\" is not an integer"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": 1, "Details": []})",
                "\"Details\" is not an object (got array)"},
           Case{R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": 1, "RuleParameters": 5})",
                "\"RuleParameters\" is not a string (got number)"},
       }) {
    const StatusOr<RuleResult> r = ParseRuleResultJson("BatchSize", c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().message().rfind(c.error, 0), 0u) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  const StatusOr<RuleResult> ok = ParseRuleResultJson(
      "BatchSize", R"({"RuleTriggered": 2, "Violations": 3, "Details": {}, "Datapoints": 4,
                       "RuleParameters": "window:500"})");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->triggered, 2);
  EXPECT_EQ(ok->rule_parameters, "window:500");
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
