#include "src/rules/builtin_rules.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/python_json.h"
#include "testing/shards.h"
#include "tests/rules/mini_job.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;

constexpr const char* kNode = "algo-1-27";
constexpr const char* kIter = "DataLoaderIter";
constexpr const char* kIterName = "_SingleProcessDataLoaderIter::GetNext";

// t0 = 1000 s; `cores` CPU cores sampled once in window 0; a
// DataLoaderIterInitialize event (pin_memory false, num_workers 0).
TestData BaseData(int cores = 4) {
  TestData d;
  d.SystemFile("algo-1", 1000).FrameworkFile("27-algo-1", 1'000'000'000);
  for (int c = 0; c < cores; ++c) d.Cpu("algo-1", "cpu" + std::to_string(c), 1000.5, 10);
  d.LoaderEvent(kNode, "DataLoaderIterInitialize", "_SingleProcessDataLoaderIter.__init__",
                1'000'200'000, 1'000'300'000, 7, 0, 0);
  return d;
}

// In each of `seconds` seconds from `first_s`, one 0.5 s loader event per pid.
void Loaders(TestData& d, int64_t first_s, int seconds, const std::vector<int64_t>& pids,
             const char* phase = kIter) {
  for (int s = 0; s < seconds; ++s) {
    for (int64_t pid : pids) {
      const int64_t start = (first_s + s) * 1'000'000;
      d.LoaderEvent(kNode, phase, kIterName, start, start + 500'000, pid);
    }
  }
}

DataloaderRule WithPatience(int64_t patience) {
  DataloaderRule rule;
  EXPECT_TRUE(rule.SetParam("patience", std::to_string(patience)).ok());
  return rule;
}

TEST(DataloaderTest, WorkedExampleFromHeader) {
  TestData d = BaseData();
  Loaders(d, 1001, 11, {7});
  auto built = d.Build();
  RuleResult r = DataloaderRule().Evaluate(built->ctx());
  // Durations all 0.5 s: numpy widens the range to [0, 1]; edges i·0.01.
  std::string probs, edges;
  for (int i = 0; i < 100; ++i) probs += (i ? ", " : "") + std::to_string(i == 50 ? 11 : 0);
  for (int i = 0; i <= 100; ++i)
    edges += (i ? ", " : "") + PythonFloatRepr(i < 100 ? i * 0.01 : 1.0);
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 1, \"Violations\": 1, \"Details\": {\"pin_memory\": false, "
            "\"num_workers\": 0, \"cores\": 4, \"dataloaders\": 1, \"dataloading_time\": "
            "{\"p25\": 0.5, \"p50\": 0.5, \"p95\": 0.5, \"probs\": [" +
                probs + "], \"binedges\": [" + edges +
                "]}}, \"Datapoints\": 11, \"RuleParameters\": "
                "\"min_threshold:70\\nmax_threshold:200\"}");
}

TEST(DataloaderTest, HiddenPatienceTenSeconds) {
  // Observed in real reports: 10 seconds -> no violation, 11 -> violation.
  TestData ten = BaseData();
  Loaders(ten, 1001, 10, {7});
  auto built10 = ten.Build();
  RuleResult r10 = DataloaderRule().Evaluate(built10->ctx());
  EXPECT_EQ(r10.violations, 0);
  EXPECT_EQ(r10.triggered, 0);
  EXPECT_EQ(r10.datapoints, 10);
  EXPECT_EQ(r10.details["dataloaders"].get<int64_t>(), 1);  // Details written anyway
  TestData eleven = BaseData();
  Loaders(eleven, 1001, 11, {7});
  auto built11 = eleven.Build();
  EXPECT_EQ(DataloaderRule().Evaluate(built11->ctx()).violations, 1);
}

TEST(DataloaderTest, ThresholdsAreStrict) {
  // 4 cores: min 75 % -> 3.0 loaders, max 200 % -> 8.0 loaders.
  auto run = [](const std::vector<int64_t>& pids, const char* param, const char* value) {
    TestData d = BaseData();
    Loaders(d, 1001, 11, pids);
    auto built = d.Build();
    DataloaderRule rule;
    EXPECT_TRUE(rule.SetParam(param, value).ok());
    return rule.Evaluate(built->ctx()).violations;
  };
  EXPECT_EQ(run({1, 2, 3}, "min_threshold", "75"), 0);                    // 3 == 3.0
  EXPECT_EQ(run({1, 2}, "min_threshold", "75"), 1);                       // 2 < 3.0
  EXPECT_EQ(run({1, 2, 3, 4, 5, 6, 7, 8}, "min_threshold", "70"), 0);     // 8 == 8.0
  EXPECT_EQ(run({1, 2, 3, 4, 5, 6, 7, 8, 9}, "min_threshold", "70"), 1);  // 9 > 8.0
}

TEST(DataloaderTest, MedianOfEvenListIsTruncated) {
  // Seconds with 1 and 2 pids: numpy median 1.5 -> int 1.
  TestData d = BaseData();
  Loaders(d, 1001, 1, {7});
  Loaders(d, 1002, 1, {7, 8});
  auto built = d.Build();
  RuleResult r = WithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.details["dataloaders"].get<int64_t>(), 1);
  EXPECT_EQ(r.violations, 1);  // 1 < 2.8
}

TEST(DataloaderTest, WorkerAndIterEventsCountPidsPerSecond) {
  // Second 1001: main pid 7 (DataLoaderIter) and workers 11, 12
  // (DataLoaderWorker), two events of pid 11 -> 3 distinct pids.
  // Second 1002: an event without args.pid -> 0 pids.
  TestData d = BaseData();
  Loaders(d, 1001, 1, {7});
  Loaders(d, 1001, 1, {11, 12, 11}, "DataLoaderWorker");
  d.LoaderEvent(kNode, kIter, kIterName, 1'002'000'000, 1'002'100'000, -1);
  d.Event(kNode, "Step:ModeKeys.TRAIN", "Step:ModeKeys.TRAIN", 1'001'000'000, 1'002'000'000, 0);
  auto built = d.Build();
  RuleResult r = WithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 5);
  // List [3, 0]: median 1.5 -> 1.
  EXPECT_EQ(r.details["dataloaders"].get<int64_t>(), 1);
  const auto& t = r.details["dataloading_time"];
  EXPECT_EQ(t["probs"].size(), 100u);
  EXPECT_EQ(t["binedges"].size(), 101u);
  EXPECT_EQ(t["binedges"][0].get<double>(), 0.1);
  EXPECT_EQ(t["binedges"][100].get<double>(), 0.5);
  EXPECT_EQ(t["probs"][0].get<int64_t>(), 1);   // the 0.1 s event
  EXPECT_EQ(t["probs"][99].get<int64_t>(), 4);  // four 0.5 s events, last bin closed
}

TEST(DataloaderTest, CoresFromTheFirstWindowWithCpuSamples) {
  // Window 0 has no CPU samples; window 1 has cpu0-cpu3 on two nodes (names
  // count once); window 2 adds cpu4-cpu7, which SageMaker never looks at.
  TestData d;
  d.SystemFile("algo-1", 1000).SystemFile("algo-2", 1000);
  d.HostMem("algo-1", 1000.5, 10);
  for (const char* node : {"algo-1", "algo-2"}) {
    for (int c = 0; c < 4; ++c) d.Cpu(node, "cpu" + std::to_string(c), 1061, 10);
  }
  for (int c = 0; c < 8; ++c) d.Cpu("algo-1", "cpu" + std::to_string(c), 1121, 10);
  Loaders(d, 1130, 11, {7});
  auto built = d.Build();
  RuleResult r = DataloaderRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["cores"].get<int64_t>(), 4);
  EXPECT_FALSE(r.details.contains("pin_memory"));  // no DataLoaderIterInitialize
  EXPECT_FALSE(r.details.contains("num_workers"));
}

TEST(DataloaderTest, WithoutCpuSamplesEveryLoaderIsTooMany) {
  // cores 0: median 1 > 0·200 % -> violation, as SageMaker computes it.
  TestData d;
  d.SystemFile("algo-1", 1000);
  Loaders(d, 1001, 11, {7});
  auto built = d.Build();
  RuleResult r = DataloaderRule().Evaluate(built->ctx());
  EXPECT_EQ(r.details["cores"].get<int64_t>(), 0);
  EXPECT_EQ(r.violations, 1);
}

TEST(DataloaderTest, ViolationsPerWindowRuleTriggeredOnce) {
  TestData d = BaseData();
  for (int w = 0; w < 3; ++w) Loaders(d, 1001 + 60 * w, 2, {7});
  auto built = d.Build();
  RuleResult r = WithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.violations, 3);
  EXPECT_EQ(r.triggered, 1);
  EXPECT_EQ(r.findings.size(), 3u);
}

TEST(DataloaderTest, EventAcrossWindowBoundaryIsCountedTwice) {
  TestData d = BaseData();
  d.LoaderEvent(kNode, kIter, kIterName, 1'059'800'000, 1'060'200'000, 7);
  auto built = d.Build();
  RuleResult r = WithPatience(1).Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 2);
  EXPECT_EQ(r.violations, 1);  // second window: list [1, 1] has 2 > 1 entries
}

TEST(DataloaderTest, NoFrameworkDataGivesEmptyDetails) {
  // Real reports without loader events (DannyLCG, klay-liu): Details {}.
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int c = 0; c < 4; ++c) d.Cpu("algo-1", "cpu" + std::to_string(c), 1000.5, 10);
  auto built = d.Build();
  RuleResult r = DataloaderRule().Evaluate(built->ctx());
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 0, \"Violations\": 0, \"Details\": {}, \"Datapoints\": 0, "
            "\"RuleParameters\": \"min_threshold:70\\nmax_threshold:200\"}");
  EXPECT_FALSE(r.applicable);
}

TEST(DataloaderTest, TensorFlowIteratorEventsAreIgnored) {
  TestData d;
  d.SystemFile("algo-1", 1000);
  for (int s = 0; s < 20; ++s) {
    const int64_t start = (1001 + s) * 1'000'000;
    d.Event("algo-1", "DataIterator", "IteratorGetNextOp::DoCompute", start, start + 1000, -1,
            TraceSource::kModelTimeline);
  }
  auto built = d.Build();
  RuleResult r = DataloaderRule().Evaluate(built->ctx());
  EXPECT_EQ(r.datapoints, 0);
  EXPECT_TRUE(r.details.empty());
}

TEST(DataloaderTest, ParametersDefaultsOverridesAndErrors) {
  DataloaderRule rule;
  EXPECT_EQ(rule.RuleParameters(), "min_threshold:70\nmax_threshold:200");
  EXPECT_EQ(rule.values().patience, 10);
  EXPECT_TRUE(rule.SetParam("min_threshold", "50").ok());
  EXPECT_TRUE(rule.SetParam("max_threshold", "150.5").ok());
  EXPECT_TRUE(rule.SetParam("patience", "5").ok());
  // patience is accepted but, as in SageMaker, not printed.
  EXPECT_EQ(rule.RuleParameters(), "min_threshold:50\nmax_threshold:150.5");
  EXPECT_EQ(rule.values().patience, 5);
  Status unknown = rule.SetParam("threshold", "1");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("Dataloader"), std::string::npos);
  EXPECT_NE(unknown.message().find("min_threshold"), std::string::npos);
  EXPECT_FALSE(rule.SetParam("min_threshold", "-5").ok());
  EXPECT_FALSE(rule.SetParam("max_threshold", "x").ok());
  EXPECT_FALSE(rule.SetParam("patience", "0").ok());
  EXPECT_EQ(rule.values().min_threshold, 50);
}

// The report's states: not evaluated up to the patience (with the count of
// seconds), triggered after it, ok within range, not applicable without
// loader events.
TEST(DataloaderTest, StatesNotEvaluatedOkTriggeredNotApplicable) {
  TestData ten = BaseData();
  Loaders(ten, 1001, 10, {7});
  auto built10 = ten.Build();
  RuleResult waiting = DataloaderRule().Evaluate(built10->ctx());
  EXPECT_TRUE(waiting.applicable);
  EXPECT_EQ(waiting.not_evaluated_reason,
            "10 seconds with data-loader events; needs more than 10 (patience)");
  TestData eleven = BaseData();
  Loaders(eleven, 1001, 11, {7});
  auto built11 = eleven.Build();
  RuleResult fired = DataloaderRule().Evaluate(built11->ctx());
  EXPECT_EQ(fired.triggered, 1);
  EXPECT_EQ(fired.not_evaluated_reason, "");
  TestData fine = BaseData();
  Loaders(fine, 1001, 11, {1, 2, 3, 4});  // 4 loaders for 4 cores
  auto built_fine = fine.Build();
  RuleResult ok = DataloaderRule().Evaluate(built_fine->ctx());
  EXPECT_EQ(ok.triggered, 0);
  EXPECT_EQ(ok.not_evaluated_reason, "");
  EXPECT_TRUE(ok.applicable);
  TestData one = BaseData();
  Loaders(one, 1001, 1, {7});
  auto built1 = one.Build();
  EXPECT_EQ(DataloaderRule().Evaluate(built1->ctx()).not_evaluated_reason,
            "1 second with data-loader events; needs more than 10 (patience)");
}

TEST(DataloaderTest, ShardsPoolThePidsOfEverySecondAcrossNodes) {
  // Both nodes load in seconds 1..8: pid 7 on algo-1 and pid 7 and 8 on
  // algo-2 (pid 7 of both counts once: 2 per second); algo-2 alone loads
  // in seconds 9..12 (1 per second): median of [2 x 8, 1 x 4] = 2 < 4 cores
  // x 0.7. algo-2 (in the other shard) initializes its loader later in the
  // walk: its pin_memory and num_workers are the
  // ones written. Cores: cpu0..cpu3 over both nodes in window 0; cpu4 only
  // comes in window 1.
  const int64_t base = 1600000000'000'000;
  const double t0 = 1600000000;
  testing::MiniJob job("loaders-two-nodes");
  job.System("algo-1", 1600000000,
             {testing::CpuLine("algo-1", "cpu0", t0 + 0.5, 10),
              testing::CpuLine("algo-1", "cpu1", t0 + 0.5, 10)});
  job.System("algo-2", 1600000000,
             {testing::CpuLine("algo-2", "cpu2", t0 + 0.5, 10),
              testing::CpuLine("algo-2", "cpu3", t0 + 0.5, 10),
              testing::CpuLine("algo-2", "cpu4", t0 + 70, 10)});
  const std::string init = "DataLoaderIterInitialize";
  std::vector<testing::TraceEvent> e1 = {
      {init, init, 100'000, 1'000, R"("pid": 7, "num_workers": 2, "pin_memory": false)"}};
  std::vector<testing::TraceEvent> e2 = {
      {init, init, 200'000, 1'000, R"("pid": 7, "num_workers": 4, "pin_memory": true)"}};
  for (int64_t sec = 1; sec <= 12; ++sec) {
    if (sec <= 8) e1.push_back({kIter, kIterName, sec * 1'000'000, 250'000, R"("pid": 7)"});
    for (int64_t pid : {7, 8}) {
      if (pid == 7 && sec > 8) continue;
      e2.push_back({kIter, kIterName, sec * 1'000'000 + 1'000, 500'000 + pid,
                    "\"pid\": " + std::to_string(pid)});
    }
  }
  job.Trace(1, base, e1);
  job.Trace(2, base, e2);
  WindowPlanOptions options;
  options.analyze_trailing_data = true;
  const DataloaderRule rule;
  for (int groups = 1; groups <= 2; ++groups) {
    const auto sharded = testing::LoadShardedJob(job.dir(), groups, options);
    ASSERT_EQ(sharded->shards.size(), static_cast<size_t>(groups));
    testing::ExpectShardedEqualsWhole(rule, *sharded);
  }
  const auto whole = testing::LoadShardedJob(job.dir(), 1, options);
  const RuleResult r = rule.Evaluate(whole->WholeContext());
  EXPECT_EQ(r.details["pin_memory"], true);
  EXPECT_EQ(r.details["num_workers"], 4);
  EXPECT_EQ(r.details["cores"], 4);
  EXPECT_EQ(r.details["dataloaders"], 2);
  EXPECT_EQ(r.violations, 1);
  EXPECT_EQ(r.datapoints, 8 + 8 + 12);
  EXPECT_EQ(r.details["dataloading_time"]["p50"].get<double>(), 0.500007);
}

}  // namespace
}  // namespace smr
