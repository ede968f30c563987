#include "src/rules/builtin_rules.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "smr/state_io.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::BuiltData;
using testing::TestData;
using Json = nlohmann::ordered_json;

// Appends steps of the given durations (µs) back to back from start_us,
// numbered from first_step; returns the end time.
int64_t AddSteps(TestData* d, const std::string& node, const std::string& mode, int64_t first_step,
                 int64_t start_us, const std::vector<int64_t>& durs_us) {
  int64_t t = start_us;
  for (size_t i = 0; i < durs_us.size(); ++i) {
    d->Step(node, mode, first_step + static_cast<int64_t>(i), t, t + durs_us[i]);
    t += durs_us[i];
  }
  return t;
}

std::vector<int64_t> Repeat(int64_t v, size_t n) { return std::vector<int64_t>(n, v); }

StepOutlierRule RuleWithOutliers(int64_t n_outliers) {
  StepOutlierParams p;
  p.n_outliers = n_outliers;
  return StepOutlierRule(p);
}

TEST(StepOutlierTest, WorkedExampleFromHeader) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  std::vector<int64_t> durs = {2'000'000, 2'000'000};
  for (int i = 0; i < 100; ++i) durs.push_back(125'000);
  AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'001'000'000, durs);
  d.Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'001'100'000, 1'002'600'000);
  auto built = d.Build();
  RuleResult r = RuleWithOutliers(1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 2);
  EXPECT_EQ(r.datapoints, 102);
  EXPECT_EQ(r.rule_parameters, "threshold:3\nmode:None\nn_outliers:1\nstddev:3");

  Json entry = r.details["step_details"]["algo-1-27"];
  // mean 16.5/102 (exact sum); p99 at virtual index 101·0.99 = 99.99 between
  // 0.125 and 2.0 (numpy lerp from the upper end: 2 - 1.875·(1 - 0.99...)).
  EXPECT_EQ(DumpPythonJson(entry["step_stats"]),
            "{\"mean\": 0.16176470588235295, \"max\": 2.0, \"p99\": 1.9812499999999904, "
            "\"p95\": 0.125, \"p50\": 0.125, \"min\": 0.125}");
  EXPECT_EQ(entry["number_of_outliers"].get<int64_t>(), 2);
  EXPECT_EQ(entry["phase"].get<std::string>(), "Step:ModeKeys.TRAIN");
  // std = sqrt((100·(0.125-m)² + 2·(2-m)²)/102) = 0.25997 -> 0.26.
  EXPECT_EQ(DumpPythonJson(entry["stddev"]), "0.26");
  // Histogram of the 100 normal steps: zero-width range widened to
  // [-0.375, 0.625]; 0.125 is edge 50.
  std::vector<int64_t> probs(100, 0);
  probs[50] = 100;
  EXPECT_EQ(entry["probs"].get<std::vector<int64_t>>(), probs);
  ASSERT_EQ(entry["binedges"].size(), 101u);
  EXPECT_EQ(entry["binedges"][0].get<double>(), -0.375);
  EXPECT_EQ(entry["binedges"][50].get<double>(), 0.125);
  EXPECT_EQ(entry["binedges"][100].get<double>(), 0.625);
  EXPECT_EQ(DumpPythonJson(entry["binedges"][1]), "-0.365");
  EXPECT_EQ(DumpPythonJson(entry["step_numbers"]), "[\"0\", \"1\"]");
  EXPECT_EQ(r.details["step_details_by_phase"]["algo-1-27"]["Step:ModeKeys.TRAIN"], entry);

  // Correlated keys: the operator inside step 0 and the two outlier steps.
  Json rest = r.details;
  rest.erase("step_details");
  rest.erase("step_details_by_phase");
  EXPECT_EQ(DumpPythonJson(rest),
            "{\"ratio\": {\"cpu_functions\": 100.0}, \"CPU\": {\"aten::conv2d\": 100.0}, "
            "\"CPU_total\": {\"aten::conv2d\": 1500000}, \"phase\": {\"Step:ModeKeys.TRAIN\": "
            "100.0}, \"phase_time\": {}}");
  std::vector<std::string> keys;
  for (auto it = r.details.begin(); it != r.details.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"step_details", "step_details_by_phase", "ratio", "CPU",
                                            "CPU_total", "phase", "phase_time"}));
}

TEST(StepOutlierTest, DurationExactlyAtMeanPlusThreeSigmaIsNeitherOutlierNorNormal) {
  // 99 steps of 0.25 s and 11 of 1.5 s: mean 0.375, std 0.375 (all exact in
  // binary), threshold 0.375 + 3·0.375 = 1.5. The 1.5 s steps are not > 1.5
  // and not < 1.5: no outlier, and missing from the histogram.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  std::vector<int64_t> durs = Repeat(250'000, 99);
  for (int i = 0; i < 11; ++i) durs.push_back(1'500'000);
  AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'000'500'000, durs);
  auto built = d.Build();
  RuleResult r = RuleWithOutliers(1).Evaluate(built->ctx());
  Json entry = r.details["step_details"]["algo-1-27"];
  EXPECT_EQ(entry["step_stats"]["mean"].get<double>(), 0.375);
  EXPECT_EQ(DumpPythonJson(entry["stddev"]), "0.38");  // round(0.375, 2): tie -> even
  EXPECT_EQ(entry["number_of_outliers"].get<int64_t>(), 0);
  int64_t in_hist = 0;
  for (const auto& p : entry["probs"]) in_hist += p.get<int64_t>();
  EXPECT_EQ(in_hist, 99);
  EXPECT_EQ(r.triggered, 0);
  EXPECT_EQ(r.violations, 0);
}

TEST(StepOutlierTest, NeedsMoreThanHundredStepsPerNodeAndPhase) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'000'500'000, Repeat(100'000, 100));
  auto built = d.Build();
  RuleResult r = StepOutlierRule().Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 100);
  EXPECT_EQ(DumpPythonJson(r.details), "{\"step_details\": {}}");

  TestData d2;
  d2.FrameworkFile("1-algo-1", 1'000'000'000);
  AddSteps(&d2, "algo-1-27", "TRAIN", 0, 1'000'500'000, Repeat(100'000, 101));
  auto built2 = d2.Build();
  RuleResult r2 = StepOutlierRule().Evaluate(built2->ctx());
  EXPECT_TRUE(r2.details["step_details"].contains("algo-1-27"));
  // All equal: std 0, nothing is > or < the threshold.
  EXPECT_EQ(r2.details["step_details"]["algo-1-27"]["number_of_outliers"].get<int64_t>(), 0);
}

TEST(StepOutlierTest, NoFrameworkDataGivesEmptyStepDetails) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 10);
  auto built = d.Build();
  RuleResult r = StepOutlierRule().Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"step_details\": {}}, "
            "\"Datapoints\": 0, \"RuleParameters\": "
            "\"threshold:3\\nmode:None\\nn_outliers:10\\nstddev:3\"}");
  EXPECT_FALSE(r.applicable);
}

TEST(StepOutlierTest, TwoNodesInterleavedKeepFirstSeenOrder) {
  // Steps of algo-2-27 and algo-1-27 alternate in delivery order; algo-2 is
  // seen first. Each node: 2 steps of 1 s + 101 of 0.1 s; mean 0.1175,
  // std 0.124, threshold 0.49: 2 outliers > n_outliers 1 on each node.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  int64_t t = 1'000'500'000;
  for (int i = 0; i < 103; ++i) {
    const int64_t dur = i < 2 ? 1'000'000 : 100'000;
    d.Step("algo-2-27", "TRAIN", i, t, t + dur);
    d.Step("algo-1-27", "TRAIN", i, t + 1000, t + 1000 + dur);
    t += dur + 10'000;
  }
  auto built = d.Build();
  RuleResult r = RuleWithOutliers(1).Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 206);
  std::vector<std::string> nodes;
  for (auto it = r.details["step_details"].begin(); it != r.details["step_details"].end(); ++it) {
    nodes.push_back(it.key());
  }
  EXPECT_EQ(nodes, (std::vector<std::string>{"algo-2-27", "algo-1-27"}));
  EXPECT_EQ(r.triggered, 2);
  EXPECT_EQ(r.violations, 4);
  EXPECT_EQ(DumpPythonJson(r.details["step_details"]["algo-1-27"]["step_numbers"]),
            "[\"0\", \"1\"]");
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].node, "algo-2-27");
}

TEST(StepOutlierTest, StepCrossingWindowBoundaryCountedOnceDeviation) {
  // 101 steps alternating 0.4 s / 0.6 s from t0 + 10 s: step 99 runs
  // [59.4 s, 60.0 s] and touches the boundary, step 100 is [60 s, 60.4 s]:
  // both are delivered to windows 0 and 1.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  std::vector<int64_t> durs;
  for (int i = 0; i < 101; ++i) durs.push_back(i % 2 == 0 ? 400'000 : 600'000);
  AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'010'000'000, durs);
  auto built = d.Build();
  // SageMaker: one Datapoint per delivery of a Step event in every window.
  int64_t sagemaker_datapoints = 0;
  for (size_t w = 0; w < built->windows.size(); ++w) {
    sagemaker_datapoints += static_cast<int64_t>(built->windows.events(w).size());
  }
  EXPECT_EQ(sagemaker_datapoints, 103);
  RuleResult r = StepOutlierRule().Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 101);
  // MaxInitializationTime keeps SageMaker's counting, so the two now differ.
  EXPECT_EQ(MaxInitializationTimeRule().Evaluate(built->ctx()).datapoints, sagemaker_datapoints);
  // The histogram holds each step once (no outliers: std 0.1, threshold
  // about 0.8 s).
  int64_t in_hist = 0;
  for (const auto& p : r.details["step_details"]["algo-1-27"]["probs"]) in_hist += p.get<int64_t>();
  EXPECT_EQ(in_hist, 101);
}

TEST(StepOutlierTest, EveryPhaseKeptInAdditiveKeyDeviation) {
  // TRAIN (seen first) has 2 outliers (> n_outliers 1); EVAL none. SageMaker iterates TRAIN
  // then EVAL and overwrites step_details[node] with EVAL: the triggering
  // phase is invisible there. step_details keeps that (compatibility);
  // step_details_by_phase keeps both.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  std::vector<int64_t> train = Repeat(1'000'000, 2);
  for (int i = 0; i < 101; ++i) train.push_back(100'000);
  int64_t t = AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'000'500'000, train);
  AddSteps(&d, "algo-1-27", "EVAL", 0, t, Repeat(50'000, 101));
  auto built = d.Build();
  RuleResult r = RuleWithOutliers(1).Evaluate(built->ctx());
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.violations, 2);
  // SageMaker's step_details: the last phase iterated for the node.
  const std::vector<std::string> phase_order = {"Step:ModeKeys.TRAIN", "Step:ModeKeys.EVAL"};
  const std::string sagemaker_phase = phase_order.back();
  Json sd = r.details["step_details"]["algo-1-27"];
  EXPECT_EQ(sd["phase"].get<std::string>(), sagemaker_phase);
  EXPECT_EQ(sd["number_of_outliers"].get<int64_t>(), 0);
  Json by_phase = r.details["step_details_by_phase"]["algo-1-27"];
  ASSERT_EQ(by_phase.size(), 2u);
  EXPECT_EQ(by_phase.begin().key(), "Step:ModeKeys.TRAIN");
  EXPECT_EQ(by_phase["Step:ModeKeys.TRAIN"]["number_of_outliers"].get<int64_t>(), 2);
  EXPECT_EQ(by_phase["Step:ModeKeys.EVAL"], sd);
}

TEST(StepOutlierTest, ModeAddsStepsWithThatName) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Event("algo-1-27", "MyLoop", "MyStep", 1'000'500'000, 1'000'600'000, 0);
  d.Step("algo-1-27", "TRAIN", 1, 1'000'600'000, 1'000'700'000);
  d.Event("algo-1-27", "MyLoop", "Other", 1'000'700'000, 1'000'800'000, 2);
  auto built = d.Build();
  EXPECT_EQ(StepOutlierRule().Evaluate(built->ctx()).datapoints, 1);
  StepOutlierRule rule;
  ASSERT_TRUE(rule.SetParam("mode", "MyStep").ok());
  EXPECT_EQ(rule.Evaluate(built->ctx()).datapoints, 2);
  EXPECT_EQ(rule.RuleParameters(), "threshold:3\nmode:MyStep\nn_outliers:10\nstddev:3");
}

TEST(StepOutlierTest, ParametersDefaultsOverridesAndErrors) {
  StepOutlierRule rule;
  EXPECT_EQ(rule.RuleParameters(), "threshold:3\nmode:None\nn_outliers:10\nstddev:3");
  EXPECT_TRUE(rule.SetParam("stddev", "2.5").ok());
  EXPECT_TRUE(rule.SetParam("n_outliers", "4").ok());
  EXPECT_EQ(rule.RuleParameters(), "threshold:2.5\nmode:None\nn_outliers:4\nstddev:2.5");
  Status unknown = rule.SetParam("threshold", "3");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("StepOutlier"), std::string::npos);
  EXPECT_NE(unknown.message().find("n_outliers"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("stddev", "0").ok());
  EXPECT_FALSE(rule.SetParam("stddev", "-1").ok());
  EXPECT_FALSE(rule.SetParam("n_outliers", "0").ok());
  EXPECT_FALSE(rule.SetParam("n_outliers", "2.5").ok());
  EXPECT_EQ(rule.values().stddev, 2.5);
  EXPECT_EQ(rule.values().n_outliers, 4);
  EXPECT_TRUE(rule.SetParam("mode", "None").ok());
  EXPECT_TRUE(rule.values().mode.empty());
}

// The report's states: not evaluated with at most 100 steps per node and
// phase, ok and triggered once judged, not applicable without step events.
TEST(StepOutlierTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  AddSteps(&d, "algo-1-27", "TRAIN", 0, 1'000'500'000, Repeat(100'000, 100));
  AddSteps(&d, "algo-1-27", "EVAL", 0, 1'020'500'000, Repeat(100'000, 7));
  auto built = d.Build();
  RuleResult waiting = StepOutlierRule().Evaluate(built->ctx());
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason,
            "at most 100 steps per node and phase; needs more than 100 (the rule's minimum)");
  TestData d2;
  d2.FrameworkFile("1-algo-1", 1'000'000'000);
  AddSteps(&d2, "algo-1-27", "TRAIN", 0, 1'000'500'000, Repeat(100'000, 101));
  auto built2 = d2.Build();
  RuleResult ok = StepOutlierRule().Evaluate(built2->ctx());
  EXPECT_EQ(ok.triggered, 0);
  EXPECT_EQ(ok.not_evaluated_reason, "");
  EXPECT_TRUE(ok.applicable);
  // Framework events but no step event.
  TestData d3;
  d3.FrameworkFile("1-algo-1", 1'000'000'000);
  d3.Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'000'500'000, 1'000'600'000);
  auto built3 = d3.Build();
  RuleResult none = StepOutlierRule().Evaluate(built3->ctx());
  EXPECT_FALSE(none.applicable);
  EXPECT_EQ(none.not_applicable_reason,
            "the framework data has no step events (Step:ModeKeys): step durations are unknown");
}

// Node algo-2's outlier steps are in window 0, algo-1's in window 1,
// while the reader (and shard A) meet algo-1 first; each node's outlier
// steps contain a framework event of the other node (other shard).
void AddNode1(TestData* d) {
  std::vector<int64_t> durs = {2'000'000, 2'000'000};
  for (int i = 0; i < 100; ++i) durs.push_back(125'000);
  AddSteps(d, "algo-1-27", "TRAIN", 0, 1'061'000'000, durs);
  d->Event("algo-1-27", "cpu_functions", "aten::conv2d", 1'001'100'000, 1'002'600'000);
}
void AddNode2(TestData* d) {
  std::vector<int64_t> durs = {3'000'000, 125'000, 3'000'000};
  for (int i = 0; i < 100; ++i) durs.push_back(100'000);
  AddSteps(d, "algo-2-27", "TRAIN", 0, 1'001'000'000, durs);
  d->Event("algo-2-27", "gpu_functions-dev:0", "volta_gemm", 1'061'500'000, 1'061'700'000);
  d->Event("algo-2-27", "DataLoaderIter", "DataLoaderIter", 1'061'000'000, 1'061'100'000);
}

std::unique_ptr<RulePartial> ThroughBytes(const RulePartial& p,
                                          std::unique_ptr<RulePartial> empty) {
  StateWriter w;
  p.Save(&w);
  StateReader r(w.bytes());
  EXPECT_TRUE(empty->Load(&r).ok());
  EXPECT_TRUE(r.done());
  return empty;
}

TEST(StepOutlierTest, ShardsMergeInTheWalkOrderOfTheWholeJob) {
  TestData whole, a, b;
  for (TestData* d : {&whole, &a, &b}) d->FrameworkFile("1-algo-1", 1'000'000'000);
  AddNode1(&whole);
  AddNode2(&whole);
  AddNode1(&a);
  AddNode2(&b);
  auto built_whole = whole.Build();
  auto built_a = a.Build();
  auto built_b = b.Build();
  const StepOutlierRule rule = RuleWithOutliers(1);
  ASSERT_TRUE(rule.two_pass());
  const RuleResult r = rule.Evaluate(built_whole->ctx());
  EXPECT_EQ(r.datapoints, 205);
  EXPECT_GE(r.triggered, 2);
  std::vector<std::string> nodes;
  for (auto it = r.details["step_details"].begin(); it != r.details["step_details"].end(); ++it) {
    nodes.push_back(it.key());
  }
  EXPECT_EQ(nodes, (std::vector<std::string>{"algo-2-27", "algo-1-27"}));
  std::vector<std::string> keys;
  for (auto it = r.details.begin(); it != r.details.end(); ++it) keys.push_back(it.key());
  // algo-2's trigger (window 0) meets algo-1's CPU operator, algo-1's
  // (window 1) algo-2's GPU kernel and data loader.
  EXPECT_EQ(keys, (std::vector<std::string>{"step_details", "step_details_by_phase", "ratio", "CPU",
                                            "CPU_total", "phase", "phase_time", "GPU", "GPU_total",
                                            "general"}));
  const std::string expected = RuleResultToJson(r);
  const BuiltData* shards[] = {built_a.get(), built_b.get()};
  for (bool a_first : {true, false}) {
    std::unique_ptr<RulePartial> first;
    for (int i : a_first ? std::vector<int>{0, 1} : std::vector<int>{1, 0}) {
      std::unique_ptr<RulePartial> p =
          ThroughBytes(*rule.Partial(shards[i]->ctx()), rule.EmptyPartial());
      if (first == nullptr) {
        first = std::move(p);
      } else {
        ASSERT_TRUE(first->Merge(std::move(*p)).ok());
      }
    }
    std::unique_ptr<RulePartial> second;
    for (int i : a_first ? std::vector<int>{1, 0} : std::vector<int>{0, 1}) {
      std::unique_ptr<RulePartial> p =
          ThroughBytes(*rule.SecondPartial(shards[i]->ctx(), *first), rule.EmptySecondPartial());
      if (second == nullptr) {
        second = std::move(p);
      } else {
        ASSERT_TRUE(second->Merge(std::move(*p)).ok());
      }
    }
    // FinishTwoPass reads no raw data: the whole job's context stands for
    // the merged one.
    EXPECT_EQ(RuleResultToJson(
                  rule.FinishTwoPass(std::move(*first), std::move(*second), built_whole->ctx())),
              expected)
        << (a_first ? "a + b" : "b + a");
  }
}

TEST(StepOutlierTest, ANodeSplitOverTwoShardsIsAnError) {
  TestData a, b;
  for (TestData* d : {&a, &b}) {
    d->FrameworkFile("1-algo-1", 1'000'000'000);
    AddNode1(d);
  }
  auto built_a = a.Build();
  auto built_b = b.Build();
  const StepOutlierRule rule;
  std::unique_ptr<RulePartial> pa = rule.Partial(built_a->ctx());
  const Status st = pa->Merge(std::move(*rule.Partial(built_b->ctx())));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("algo-1-27"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace smr
