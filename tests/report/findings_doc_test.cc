// findings.json (include/smr/findings_doc.h) on small hand-built inputs
// whose expected values are worked out in the comments: the job's timing
// and GPUs, step-time and utilization percentiles, every rule state, the
// measured value vs threshold, the firings and the finding that covers a
// rule.
#include "smr/findings_doc.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

constexpr int64_t kS = 1'000'000;  // microseconds per second
using Json = nlohmann::ordered_json;

RuleResult Result(const std::string& name, const std::string& details_json) {
  RuleResult r;
  r.name = name;
  r.details = Json::parse(details_json);
  return r;
}

// The document of a render-mode report (rule JSONs only).
Json DocOf(const std::vector<RuleResult>& results, std::vector<RuleStatus> unavailable = {},
           std::vector<std::string> disabled = {}) {
  static const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.input_dir = "job/profiler-reports";
  in.generated_by = "sm-report test";
  in.results = &results;
  in.rules = &rules;
  in.unavailable_rules = std::move(unavailable);
  in.disabled_rules = std::move(disabled);
  return BuildFindingsDocument(in, "rule-jsons", FindingsOutputs{"r.html", "", "", ""});
}

const Json& RuleEntry(const Json& doc, const std::string& name) {
  for (const Json& r : doc["rules"]) {
    if (r["name"] == name) return r;
  }
  static const Json kNone;
  ADD_FAILURE() << "no rule " << name;
  return kNone;
}

TEST(FindingsDocTest, JobTimingFromMaxInitializationTimeDetails) {
  // Job 1000 s .. 4600 s; first step at 1300 s, last step start at 4500 s:
  // duration 3600 s, initialization 300 s, loop 3200 s, finalization 100 s.
  const Json doc = DocOf({Result("MaxInitializationTime",
                                 R"({"step_num": {"first": 1300000000, "last": 4500000000},
                                     "job_start": 1000.0, "job_end": 4600.0})")});
  EXPECT_EQ(doc["schema_version"], 1);
  EXPECT_EQ(doc["source"]["kind"], "rule-jsons");
  EXPECT_EQ(doc["job"]["start"], "1970-01-01T00:16:40Z");
  EXPECT_DOUBLE_EQ(doc["job"]["duration_s"].get<double>(), 3600);
  EXPECT_DOUBLE_EQ(doc["job"]["initialization_s"].get<double>(), 300);
  EXPECT_DOUBLE_EQ(doc["job"]["training_loop_s"].get<double>(), 3200);
  EXPECT_DOUBLE_EQ(doc["job"]["finalization_s"].get<double>(), 100);
  // MaxInitializationTime's measured value: (1300 - 1000) s = 5 minutes
  // against its 20-minute default.
  const Json& m = RuleEntry(doc, "MaxInitializationTime")["measured"];
  EXPECT_DOUBLE_EQ(m["value"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(m["threshold"].get<double>(), 20.0);
  EXPECT_EQ(m["unit"], "minutes");
  EXPECT_EQ(doc["outputs"]["html"], "r.html");
  EXPECT_TRUE(doc["outputs"]["pdf"].is_null());
  EXPECT_TRUE(doc["data_quality"].is_null());
}

TEST(FindingsDocTest, UnknownTimingIsNull) {
  const Json doc = DocOf({Result("CPUBottleneck", "{}")});
  for (const char* k : {"start", "end", "duration_s", "initialization_s", "training_loop_s"}) {
    EXPECT_TRUE(doc["job"][k].is_null()) << k;
  }
  EXPECT_TRUE(doc["job"]["gpus"].is_null());
  EXPECT_TRUE(doc["metrics"]["step_time_s"].empty());
  EXPECT_TRUE(doc["metrics"]["utilization_pct"].empty());
}

TEST(FindingsDocTest, UtilizationIsTheMedianOverNodesAndGpusComeFromBatchSize) {
  // Three nodes: GPU p50 10, 30, 20 -> median 20; p95 50, 70, 90 -> 70.
  // CPU only on two nodes: p50 (40 + 60) / 2 = 50.
  const Json doc = DocOf(
      {Result("OverallSystemUsage",
              R"({"GPU": {"algo-1": {"p50": 10, "p95": 50}, "algo-2": {"p50": 30, "p95": 70},
                          "algo-3": {"p50": 20, "p95": 90}},
                  "CPU": {"algo-1": {"p50": 40, "p95": 45}, "algo-2": {"p50": 60, "p95": 65}}})"),
       Result("BatchSize", R"({"algo-1": {"cpu": {}, "gpu0": {}, "gpu0_memory": {}, "gpu1": {}},
                               "algo-2": {"gpu0": {}, "gpu1": {}, "gpu2": {}}})")});
  const Json& u = doc["metrics"]["utilization_pct"];
  EXPECT_DOUBLE_EQ(u["gpu"]["p50"].get<double>(), 20);
  EXPECT_DOUBLE_EQ(u["gpu"]["p95"].get<double>(), 70);
  EXPECT_DOUBLE_EQ(u["cpu"]["p50"].get<double>(), 50);
  EXPECT_FALSE(u.contains("gpu_memory"));
  // Nodes are OverallSystemUsage's CPU keys; GPUs per node from BatchSize
  // (gpuN keys, not gpuN_memory): 2 + 3.
  EXPECT_EQ(doc["job"]["nodes"], Json::parse(R"(["algo-1", "algo-2"])"));
  EXPECT_EQ(doc["job"]["gpus"], 5);
  EXPECT_EQ(doc["job"]["gpus_per_node"]["algo-2"], 3);
}

TEST(FindingsDocTest, StepTimesFromStepOutlierAreTheMedianOverRanks) {
  // TRAIN on three ranks: p50 0.1, 0.3, 0.2 -> 0.2; p95 0.5, 0.4, 0.9 -> 0.5.
  const Json doc = DocOf({Result("StepOutlier", R"({"step_details": {
      "algo-1-1": {"phase": "Step:ModeKeys.TRAIN", "step_stats": {"p50": 0.1, "p95": 0.5}},
      "algo-1-2": {"phase": "Step:ModeKeys.TRAIN", "step_stats": {"p50": 0.3, "p95": 0.4}},
      "algo-2-1": {"phase": "Step:ModeKeys.TRAIN", "step_stats": {"p50": 0.2, "p95": 0.9}},
      "algo-1-3": {"phase": "Step:ModeKeys.EVAL", "step_stats": {"p50": 0.05, "p95": 0.07}}}})")});
  const Json& st = doc["metrics"]["step_time_s"];
  EXPECT_DOUBLE_EQ(st["TRAIN"]["p50"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(st["TRAIN"]["p95"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(st["EVAL"]["p50"].get<double>(), 0.05);
  EXPECT_TRUE(st["TRAIN"]["steps"].is_null());  // not in the rule JSON
}

TEST(FindingsDocTest, StepTimesFromTheTimelineCoverEveryStep) {
  // Steps of 1, 2, ..., 10 s on one rank, 5 of 1 s on another: 15 steps,
  // sorted 1,1,1,1,1,1,2,...,10; p50 = the 8th value = 3 s; p95 at index
  // 13.3 = 9 + 0.3 * (10 - 9) = 9.3 s.
  testing::TestData d;
  int64_t t = 1000;
  for (int i = 1; i <= 10; ++i) {
    d.Step("algo-1-1", "TRAIN", i, t * kS, (t + i) * kS);
    t += i;
  }
  for (int i = 0; i < 5; ++i) d.Step("algo-1-2", "TRAIN", i, (1000 + i) * kS, (1001 + i) * kS);
  const auto data = d.Build();
  const std::vector<RuleResult> results;
  ReportInputs in;
  in.results = &results;
  in.store = &data->store;
  in.timeline = &data->timeline;
  const Json doc = BuildFindingsDocument(in, "profiler-output", {});
  const Json& train = doc["metrics"]["step_time_s"]["TRAIN"];
  EXPECT_EQ(train["steps"], 15);
  EXPECT_DOUBLE_EQ(train["p50"].get<double>(), 3);
  EXPECT_NEAR(train["p95"].get<double>(), 9.3, 1e-9);
  EXPECT_EQ(doc["source"]["kind"], "profiler-output");
}

TEST(FindingsDocTest, EveryStateHasItsKeyAndTheVerdictFollowsTriggeredRules) {
  RuleResult fired;
  fired.name = "CPUBottleneck";
  fired.triggered = 2;
  fired.violations = 5;
  fired.datapoints = 1200;
  RuleResult ok;
  ok.name = "IOBottleneck";
  ok.datapoints = 1200;
  RuleResult not_evaluated;
  not_evaluated.name = "StepOutlier";
  not_evaluated.not_evaluated_reason = "no phase has more than 100 steps";
  RuleResult not_applicable;
  not_applicable.name = "LoadBalancing";
  not_applicable.applicable = false;
  not_applicable.not_applicable_reason = "one GPU per node";
  RuleResult failed;
  failed.name = "BatchSize";
  failed.failed = true;
  failed.error = "boom";
  const Json doc =
      DocOf({fired, ok, not_evaluated, not_applicable, failed},
            {{"Dataloader", RuleState::kMissing, "no Dataloader.json"},
             {"GPUMemoryIncrease", RuleState::kUnreadable, "GPUMemoryIncrease.json: bad"}},
            {"LowGPUUtilization"});
  EXPECT_EQ(doc["verdict"], "issues");
  EXPECT_EQ(doc["summary"], "1 of 8 rules triggered: CPUBottleneck");
  const std::pair<const char*, const char*> expected[] = {{"CPUBottleneck", "triggered"},
                                                          {"IOBottleneck", "not_triggered"},
                                                          {"StepOutlier", "not_evaluated"},
                                                          {"LoadBalancing", "not_applicable"},
                                                          {"BatchSize", "failed"},
                                                          {"Dataloader", "missing"},
                                                          {"GPUMemoryIncrease", "unreadable"},
                                                          {"LowGPUUtilization", "disabled"}};
  for (const auto& [name, state] : expected) {
    EXPECT_EQ(RuleEntry(doc, name)["state"], state) << name;
  }
  EXPECT_EQ(RuleEntry(doc, "StepOutlier")["state_detail"], "no phase has more than 100 steps");
  EXPECT_EQ(RuleEntry(doc, "BatchSize")["state_detail"], "boom");
  EXPECT_EQ(RuleEntry(doc, "CPUBottleneck")["violations"], 5);
  EXPECT_TRUE(RuleEntry(doc, "Dataloader")["triggered"].is_null());
  // In registry order: CPUBottleneck, IOBottleneck, LowGPUUtilization, ...
  EXPECT_EQ(doc["rules"][2]["name"], "LowGPUUtilization");
  // Parameters in use: defaults where the JSON has none.
  EXPECT_EQ(RuleEntry(doc, "CPUBottleneck")["parameters"]["threshold"], "50");
  EXPECT_FALSE(RuleEntry(doc, "CPUBottleneck")["recommendation"].get<std::string>().empty());
  // A rule JSON does not list the firings.
  EXPECT_TRUE(RuleEntry(doc, "CPUBottleneck")["fired_total"].is_null());
  // The report's finding for the triggered rule (from its JSON alone).
  EXPECT_EQ(RuleEntry(doc, "CPUBottleneck")["finding_rank"], 1);
  EXPECT_EQ(doc["findings"][0]["rule"], "CPUBottleneck");
  EXPECT_TRUE(RuleEntry(doc, "IOBottleneck")["finding_rank"].is_null());

  const Json quiet = DocOf({ok});
  EXPECT_EQ(quiet["verdict"], "ok");
  EXPECT_EQ(quiet["summary"], "no rule triggered (1 of 1 rules evaluated)");
}

// A 30-minute job, 4 GPUs, TRAIN steps every 10 s from 1100 s to 2700 s
// (as in findings_test.cc).
std::unique_ptr<testing::BuiltData> Job() {
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  for (int g = 0; g < 4; ++g) {
    // Sampled every 0.5 s, so the rules' 500-sample statistics look back
    // 250 s and a window at 1500 s lies in the training loop.
    for (double t = 1000; t <= 1100; t += 0.5)
      d.GpuUtil("algo-1", "gpu" + std::to_string(g), t, 50);
    d.GpuUtil("algo-1", "gpu" + std::to_string(g), 2800, 50);
  }
  int64_t step = 0;
  for (int64_t t = 1100; t < 2700; t += 10)
    d.Step("algo-1-27", "TRAIN", step++, t * kS, (t + 1) * kS);
  return d.Build();
}

TEST(FindingsDocTest, FiringsMeasuredValueAndTheCauseThatCoversASymptom) {
  const auto data = Job();
  RuleResult cpu;
  cpu.name = "CPUBottleneck";
  cpu.triggered = 2;
  cpu.findings = {{1500 * kS, "", "", 90}, {1560 * kS, "", "", 80}};
  RuleResult low;
  low.name = "LowGPUUtilization";
  low.triggered = 3;
  // Fires in the CPU bottleneck's windows: counted under it. The lowest
  // statistic (3 %) is the measured value.
  low.findings = {{1500 * kS, "algo-1", "gpu0", 7},
                  {1500 * kS, "algo-1", "gpu1", 3},
                  {1560 * kS, "algo-1", "gpu0", 5}};
  const std::vector<RuleResult> results = {cpu, low};
  ReportInputs in;
  in.results = &results;
  in.store = &data->store;
  in.timeline = &data->timeline;
  const Json doc = BuildFindingsDocument(in, "profiler-output", {});
  const Json& c = RuleEntry(doc, "CPUBottleneck");
  EXPECT_DOUBLE_EQ(c["measured"]["value"].get<double>(), 90);  // highest share
  EXPECT_DOUBLE_EQ(c["measured"]["threshold"].get<double>(), 50);
  ASSERT_EQ(c["fired"].size(), 2u);
  EXPECT_EQ(c["fired"][0]["window_start"], "1970-01-01T00:25:00Z");  // 1500 s
  EXPECT_EQ(c["fired_total"], 2);
  const Json& l = RuleEntry(doc, "LowGPUUtilization");
  EXPECT_DOUBLE_EQ(l["measured"]["value"].get<double>(), 3);  // lowest p95
  EXPECT_DOUBLE_EQ(l["measured"]["threshold"].get<double>(), 70);
  EXPECT_EQ(l["fired"][1]["device"], "gpu1");
  // One finding (the CPU bottleneck); the idle GPUs are counted under it.
  ASSERT_EQ(doc["findings"].size(), 1u) << doc["findings"].dump(1);
  EXPECT_EQ(doc["findings"][0]["rule"], "CPUBottleneck");
  EXPECT_EQ(c["finding_rank"], 1);
  EXPECT_EQ(l["finding_rank"], 1);
  EXPECT_EQ(doc["job"]["gpus"], 4);
  EXPECT_EQ(doc["job"]["nodes"], Json::parse(R"(["algo-1"])"));
}

TEST(FindingsDocTest, FiringsListIsCappedAndTotalCountsThemAll) {
  const auto data = Job();
  RuleResult low;
  low.name = "LowGPUUtilization";
  low.triggered = 250;
  for (int i = 0; i < 250; ++i) low.findings.push_back({(1200 + i) * kS, "algo-1", "gpu0", 5});
  const std::vector<RuleResult> results = {low};
  ReportInputs in;
  in.results = &results;
  in.store = &data->store;
  in.timeline = &data->timeline;
  const Json doc = BuildFindingsDocument(in, "profiler-output", {});
  EXPECT_EQ(RuleEntry(doc, "LowGPUUtilization")["fired"].size(), 200u);
  EXPECT_EQ(RuleEntry(doc, "LowGPUUtilization")["fired_total"], 250);
}

TEST(FindingsDocTest, TextIsIndentedAndDeterministic) {
  const Json doc = DocOf({Result("CPUBottleneck", "{}")});
  const std::string a = FindingsDocumentText(doc);
  EXPECT_EQ(a, FindingsDocumentText(DocOf({Result("CPUBottleneck", "{}")})));
  EXPECT_EQ(a.rfind("{\n  \"schema_version\": 1,", 0), 0u) << a.substr(0, 40);
  EXPECT_EQ(a.back(), '\n');
}

}  // namespace
}  // namespace smr
