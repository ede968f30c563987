#include "src/rules/builtin_rules.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "smr/state_io.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;
constexpr int64_t kT0 = 1'000'000'000;

TEST(OverallFrameworkMetricsTest, WorkedExampleFromHeader) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Step("algo-1-27", "TRAIN", 0, kT0, kT0 + 75000);
  d.Event("algo-1-27", "cpu_functions", "aten::conv2d", kT0, kT0 + 60000);
  d.Event("algo-1-27", "cpu_functions", "aten::relu", kT0, kT0 + 39000);
  d.Event("algo-1-27", "cpu_functions", "aten::add", kT0, kT0 + 1000);
  d.Event("algo-1-27", "gpu_functions-dev:0", "volta_gemm", kT0, kT0 + 25000);
  d.Event("algo-1-27", "DataLoaderIter", "DataLoaderIter", kT0, kT0 + 25000);
  d.Event("algo-1-27", "Forward", "Forward", kT0, kT0 + 75000);
  d.Step("algo-1-27", "TRAIN", 1, kT0 + 125000, kT0 + 200000);
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(OverallFrameworkMetricsRule().Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"ratio\": "
            "{\"gpu_functions-dev:0\": 20.0, \"cpu_functions\": 80.0}, \"CPU\": "
            "{\"aten::conv2d\": 60.60606060606061, \"aten::relu\": 39.39393939393939}, "
            "\"CPU_total\": {\"aten::conv2d\": 60000, \"aten::relu\": 39000}, "
            "\"GPU\": {\"volta_gemm\": 100.0}, \"GPU_total\": {\"volta_gemm\": 25000}, "
            "\"phase\": {\"Step:ModeKeys.TRAIN\": 75.0, \"others\": 25.0}, \"phase_time\": {}, "
            "\"general\": {\"DataLoaderIter\": 25.0, \"Forward\": 75.0}}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"\"}");
}

TEST(OverallFrameworkMetricsTest, NoFrameworkDataGivesEmptyDicts) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Cpu("algo-1", "cpu0", 1000.5, 1);
  auto built = d.Build();
  EXPECT_EQ(RuleResultToJson(OverallFrameworkMetricsRule().Evaluate(built->ctx())),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"ratio\": {}, "
            "\"phase\": {}, \"phase_time\": {}}, \"Datapoints\": 0, \"RuleParameters\": \"\"}");
}

TEST(OverallFrameworkMetricsTest, KeysAppearInTheWindowOrderTheyFirstShowUp) {
  // Window 0 only has a step; CPU operators appear in window 1.
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Step("n", "TRAIN", 0, kT0 + 1'000'000, kT0 + 2'000'000);
  d.Event("n", "cpu_functions", "op", kT0 + 61'000'000, kT0 + 62'000'000);
  auto built = d.Build();
  RuleResult r = OverallFrameworkMetricsRule().Evaluate(built->ctx());
  std::vector<std::string> keys;
  for (auto it = r.details.begin(); it != r.details.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"ratio", "phase", "phase_time", "CPU", "CPU_total"}));
}

TEST(OverallFrameworkMetricsTest, SmallOperatorsAreDroppedAtTwoPercent) {
  // Exactly 2 % is dropped ("> 2" keeps).
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Event("n", "cpu_functions", "big", kT0, kT0 + 98);
  d.Event("n", "cpu_functions", "two", kT0, kT0 + 2);
  auto built = d.Build();
  RuleResult r = OverallFrameworkMetricsRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["CPU"].size(), 1u);
  EXPECT_EQ(r.details["CPU"]["big"].get<double>(), 100.0);
}

TEST(OverallFrameworkMetricsTest, DeviationOthersIsTimeOutsideSteps) {
  // Steps [0,75], [125,200], [250,325] ms: 225 ms of steps, 100 ms between.
  const std::vector<std::pair<int64_t, int64_t>> steps = {
      {0, 75000}, {125000, 200000}, {250000, 325000}};
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (size_t i = 0; i < steps.size(); ++i) {
    d.Step("n", "TRAIN", static_cast<int64_t>(i), kT0 + steps[i].first, kT0 + steps[i].second);
  }
  auto built = d.Build();
  RuleResult r = OverallFrameworkMetricsRule().Evaluate(built->ctx());

  // Reference of SageMaker's recurrence (gpu_counts = 1 without GPU events):
  // others = (end - start) - (sum of step phases incl. the old others).
  double train = 0, others = 0;
  for (const auto& [s, e] : steps) {
    train += static_cast<double>(e - s);
    others = static_cast<double>(e - steps[0].first) - (train + others);
  }
  EXPECT_EQ(others, 50000.0);  // undercounts the 100 ms between steps
  const double sm_others_pct = others / (train + others) * 100;
  EXPECT_NEAR(sm_others_pct, 18.18, 0.01);

  EXPECT_NEAR(r.details["phase"]["others"].get<double>(), 100000.0 / 325000.0 * 100, 1e-9);
  EXPECT_NEAR(r.details["phase"]["Step:ModeKeys.TRAIN"].get<double>(), 225000.0 / 325000.0 * 100,
              1e-9);
}

TEST(OverallFrameworkMetricsTest, OthersIsNeverNegativeWithOverlappingNodes) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Step("algo-1-1", "GLOBAL", 0, kT0, kT0 + 100000);
  d.Step("algo-2-1", "GLOBAL", 0, kT0, kT0 + 100000);
  auto built = d.Build();
  RuleResult r = OverallFrameworkMetricsRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["phase"]["others"].get<double>(), 0.0);
  EXPECT_EQ(r.details["phase"]["Step:ModeKeys.GLOBAL"].get<double>(), 100.0);
}

TEST(OverallFrameworkMetricsTest, ForwardBackwardAndHorovod) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  d.Event("n", "Forward-SubModuleInternal", "conv", kT0, kT0 + 300);
  d.Event("n", "Backward-SubModuleInternal", "conv", kT0, kT0 + 100);
  d.Event("n", "hvd", "allreduce", kT0, kT0 + 99, -1, TraceSource::kHorovodTimeline);
  d.Event("n", "hvd", "tiny", kT0, kT0 + 1, -1, TraceSource::kHorovodTimeline);
  auto built = d.Build();
  RuleResult r = OverallFrameworkMetricsRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["forward_backward"]["Forward pass"].get<double>(), 75.0);
  EXPECT_EQ(r.details["forward_backward"]["Backward pass"].get<double>(), 25.0);
  EXPECT_EQ(r.details["horovod"].size(), 1u);
  EXPECT_EQ(r.details["horovod"]["allreduce"].get<double>(), 100.0);
}

// Node algo-2's events fill window 0, node algo-1's window 1, while the
// reader (and shard A) meet algo-1 first: the merged partials order the
// keys (general phases, step phases, the GPU group before the CPU group)
// by the walk, not by shard, and unite the steps that overlap across the
// two nodes.
void AddAlgo1(TestData* d) {
  d->Event("algo-1-1", "cpu_functions", "aten::conv2d", kT0 + 61'000'000, kT0 + 61'040'000);
  d->Event("algo-1-1", "Forward", "Forward", kT0 + 61'000'000, kT0 + 61'020'000);
  d->Step("algo-1-1", "TRAIN", 0, kT0 + 61'000'000, kT0 + 61'050'000);
  d->Step("algo-1-1", "EVAL", 1, kT0 + 62'000'000, kT0 + 62'010'000);
}
void AddAlgo2(TestData* d) {
  d->Step("algo-2-1", "TRAIN", 0, kT0, kT0 + 50'000);
  d->Event("algo-2-1", "gpu_functions-dev:0", "volta_gemm", kT0, kT0 + 30'000);
  d->Event("algo-2-1", "DataLoaderIter", "DataLoaderIter", kT0, kT0 + 10'000);
  d->Step("algo-2-1", "TRAIN", 1, kT0 + 61'020'000, kT0 + 61'080'000);
}

std::unique_ptr<RulePartial> ThroughBytes(const Rule& rule, const RulePartial& p) {
  StateWriter w;
  p.Save(&w);
  std::unique_ptr<RulePartial> back = rule.EmptyPartial();
  StateReader r(w.bytes());
  EXPECT_TRUE(back->Load(&r).ok());
  EXPECT_TRUE(r.done());
  return back;
}

TEST(OverallFrameworkMetricsTest, ShardsMergeInTheWalkOrderOfTheWholeJob) {
  TestData whole, a, b;
  for (TestData* d : {&whole, &a, &b}) d->SystemFile("algo-1", 1000);
  AddAlgo1(&whole);
  AddAlgo2(&whole);
  AddAlgo1(&a);
  AddAlgo2(&b);
  auto built_whole = whole.Build();
  auto built_a = a.Build();
  auto built_b = b.Build();
  const OverallFrameworkMetricsRule rule;
  const std::string expected = RuleResultToJson(rule.Evaluate(built_whole->ctx()));
  EXPECT_EQ(expected,
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {\"ratio\": "
            "{\"gpu_functions-dev:0\": 42.857142857142854, \"cpu_functions\": "
            "57.14285714285714}, \"GPU\": {\"volta_gemm\": 100.0}, \"GPU_total\": "
            "{\"volta_gemm\": 30000}, \"phase\": {\"Step:ModeKeys.TRAIN\": "
            "0.2578981302385558, \"others\": 99.72598323662153, \"Step:ModeKeys.EVAL\": "
            "0.016118633139909737}, \"phase_time\": {}, \"general\": {\"DataLoaderIter\": "
            "33.33333333333333, \"Forward\": 66.66666666666666}, \"CPU\": "
            "{\"aten::conv2d\": 100.0}, \"CPU_total\": {\"aten::conv2d\": 40000}}, "
            "\"Datapoints\": 0, \"RuleParameters\": \"\"}");
  for (bool a_first : {true, false}) {
    std::unique_ptr<RulePartial> pa = ThroughBytes(rule, *rule.Partial(built_a->ctx()));
    std::unique_ptr<RulePartial> pb = ThroughBytes(rule, *rule.Partial(built_b->ctx()));
    std::unique_ptr<RulePartial>& into = a_first ? pa : pb;
    ASSERT_TRUE(into->Merge(std::move(a_first ? *pb : *pa)).ok());
    // Finish reads no raw data: the whole job's context stands for the
    // merged one.
    EXPECT_EQ(RuleResultToJson(rule.Finish(std::move(*into), built_whole->ctx())), expected)
        << (a_first ? "a + b" : "b + a");
  }
}

TEST(OverallFrameworkMetricsTest, TakesNoParameters) {
  OverallFrameworkMetricsRule rule;
  EXPECT_EQ(rule.RuleParameters(), "");
  EXPECT_FALSE(rule.SetParam("x", "1").ok());
}

}  // namespace
}  // namespace smr
