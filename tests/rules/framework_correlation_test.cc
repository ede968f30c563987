#include "src/rules/framework_correlation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::TestData;
using Interval = FrameworkCorrelation::Interval;

std::string Correlate(const testing::BuiltData& built, const std::vector<Interval>& intervals) {
  FrameworkCorrelation c;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  c.AddBatch(built.store, built.windows.events(0), intervals, &details);
  return DumpPythonJson(details);
}

TEST(FrameworkCorrelationTest, PointMustBeStrictlyInsideTheEvent) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Event("algo-1-1", "cpu_functions", "starts_at_t", 1'000'500'000, 1'000'600'000);
  d.Event("algo-1-1", "cpu_functions", "ends_at_t", 1'000'400'000, 1'000'500'000);
  d.Event("algo-1-1", "cpu_functions", "contains_t", 1'000'499'999, 1'000'500'001);
  auto built = d.Build();
  EXPECT_EQ(Correlate(*built, {{1'000'500'000.0, 1'000'500'000.0}}),
            "{\"ratio\": {\"cpu_functions\": 100.0}, \"CPU\": {\"contains_t\": 100.0}, "
            "\"CPU_total\": {\"contains_t\": 2}, \"phase\": {}, \"phase_time\": {}}");
}

TEST(FrameworkCorrelationTest, EventCountsOncePerOverlappingInterval) {
  // The step overlaps both intervals: 2 x 1 s; the operator only the first.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Step("algo-1-1", "TRAIN", 0, 1'001'000'000, 1'002'000'000);
  d.Event("algo-1-1", "Forward-SubModuleInternal", "fc", 1'001'000'000, 1'001'100'000);
  d.Event("algo-1-1", "Backward-SubModuleInternal", "fc", 1'001'800'000, 1'002'000'000);
  auto built = d.Build();
  FrameworkCorrelation c;
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
  const std::vector<Interval> iv = {{1'001'050'000.0, 1'001'050'000.0},
                                    {1'001'900'000.0, 1'001'900'000.0}};
  c.AddBatch(built->store, built->windows.events(0), iv, &details);
  // forward 100 ms (first point) vs backward 200 ms (second point).
  EXPECT_EQ(DumpPythonJson(details),
            "{\"ratio\": {}, \"phase\": {\"Step:ModeKeys.TRAIN\": 100.0}, \"phase_time\": {}, "
            "\"forward_backward\": {\"Forward pass\": 33.33333333333333, \"Backward pass\": "
            "66.66666666666666}}");
  // Cumulative: the same batch again doubles every total; shares unchanged.
  c.AddBatch(built->store, built->windows.events(0), iv, &details);
  EXPECT_EQ(DumpPythonJson(details["forward_backward"]),
            "{\"Forward pass\": 33.33333333333333, \"Backward pass\": 66.66666666666666}");
}

TEST(FrameworkCorrelationTest, RatioGivesEachPhaseItsOwnShareDeviation) {
  // cpu_functions 30 ms, gpu_functions-dev:0 10 ms, both around the point.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Event("algo-1-1", "gpu_functions-dev:0", "volta_sgemm", 1'000'995'000, 1'001'005'000);
  d.Event("algo-1-1", "cpu_functions", "aten::mm", 1'000'985'000, 1'001'015'000);
  auto built = d.Build();
  // SageMaker (utils.aggregate_framework_metrics): labels = cpu phases +
  // gpu phases, values = gpu totals + cpu totals, zipped.
  const std::vector<std::string> sm_labels = {"cpu_functions", "gpu_functions-dev:0"};
  const std::vector<double> sm_totals = {10000, 30000};
  nlohmann::ordered_json sagemaker;
  for (size_t i = 0; i < 2; ++i) sagemaker[sm_labels[i]] = sm_totals[i] / 40000 * 100.0;
  EXPECT_EQ(DumpPythonJson(sagemaker), "{\"cpu_functions\": 25.0, \"gpu_functions-dev:0\": 75.0}");
  // Ours: same key order, each phase its own share.
  const std::string ours = Correlate(*built, {{1'001'000'000.0, 1'001'000'000.0}});
  EXPECT_NE(ours.find("\"ratio\": {\"cpu_functions\": 75.0, \"gpu_functions-dev:0\": 25.0}"),
            std::string::npos)
      << ours;
}

TEST(FrameworkCorrelationTest, KeysFirstSeenAtLaterCallsComeAfterEarlierKeys) {
  // Call 1 sees only the step; call 2 also a cpu operator and a loader
  // event. SageMaker rewrites the keys after every call, so CPU/CPU_total and
  // general are appended after phase_time.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Step("algo-1-1", "TRAIN", 0, 1'001'000'000, 1'003'000'000);
  d.Event("algo-1-1", "cpu_functions", "aten::add", 1'002'000'000, 1'002'500'000);
  d.Event("algo-1-1", "DataLoaderIter", "DataLoaderIter", 1'002'000'000, 1'002'500'000);
  auto built = d.Build();
  EXPECT_EQ(
      Correlate(*built, {{1'001'500'000.0, 1'001'500'000.0}, {1'002'250'000.0, 1'002'250'000.0}}),
      "{\"ratio\": {\"cpu_functions\": 100.0}, \"phase\": {\"Step:ModeKeys.TRAIN\": 100.0}, "
      "\"phase_time\": {}, \"CPU\": {\"aten::add\": 100.0}, \"CPU_total\": {\"aten::add\": "
      "500000}, \"general\": {\"DataLoaderIter\": 100.0}}");
  // One call seeing everything writes the natural order.
  EXPECT_EQ(Correlate(*built, {{1'002'250'000.0, 1'002'250'000.0}}),
            "{\"ratio\": {\"cpu_functions\": 100.0}, \"CPU\": {\"aten::add\": 100.0}, "
            "\"CPU_total\": {\"aten::add\": 500000}, \"phase\": {\"Step:ModeKeys.TRAIN\": 100.0}, "
            "\"phase_time\": {}, \"general\": {\"DataLoaderIter\": 100.0}}");
}

TEST(FrameworkCorrelationTest, OperatorKeyOrderFollowsFirstCallThenDeliveryOrder) {
  // aten::b is delivered first but only the second interval sees it; aten::a
  // is seen by the first interval, so it is inserted first.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Event("algo-1-1", "cpu_functions", "aten::b", 1'002'000'000, 1'002'500'000);
  d.Event("algo-1-1", "cpu_functions", "aten::a", 1'001'000'000, 1'001'500'000);
  auto built = d.Build();
  EXPECT_EQ(
      Correlate(*built, {{1'001'250'000.0, 1'001'250'000.0}, {1'002'250'000.0, 1'002'250'000.0}}),
      "{\"ratio\": {\"cpu_functions\": 100.0}, \"CPU\": {\"aten::a\": 50.0, \"aten::b\": "
      "50.0}, \"CPU_total\": {\"aten::a\": 500000, \"aten::b\": 500000}, \"phase\": {}, "
      "\"phase_time\": {}}");
}

TEST(FrameworkCorrelationTest, StepIntervalsUseOpenOverlap) {
  // Interval [1, 2] s: the neighbour step touching it at 2 s is out; an
  // operator straddling its start is in; small operators (<= 2 %) dropped;
  // Horovod events are listed above 2 %.
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Step("algo-1-1", "TRAIN", 0, 1'001'000'000, 1'002'000'000);
  d.Step("algo-1-1", "EVAL", 0, 1'002'000'000, 1'003'000'000);
  d.Event("algo-1-1", "gpu_functions-dev:0", "k1", 1'000'900'000, 1'001'100'000);    // 200 ms
  d.Event("algo-1-1", "gpu_functions-dev:0", "tiny", 1'001'500'000, 1'001'504'000);  // 4 ms
  d.Event("", "", "allreduce", 1'001'200'000, 1'001'300'000, -1, TraceSource::kHorovodTimeline);
  auto built = d.Build();
  EXPECT_EQ(Correlate(*built, {{1'001'000'000.0, 1'002'000'000.0}}),
            "{\"ratio\": {\"gpu_functions-dev:0\": 100.0}, \"GPU\": {\"k1\": 100.0}, "
            "\"GPU_total\": {\"k1\": 200000}, \"phase\": {\"Step:ModeKeys.TRAIN\": 100.0}, "
            "\"phase_time\": {}, \"horovod\": {\"allreduce\": 100.0}}");
}

TEST(FrameworkCorrelationTest, EmptyBatchWritesNothing) {
  TestData d;
  d.FrameworkFile("1-algo-1", 1'000'000'000);
  d.Step("algo-1-1", "TRAIN", 0, 1'001'000'000, 1'002'000'000);
  auto built = d.Build();
  EXPECT_EQ(Correlate(*built, {}), "{}");
}

}  // namespace
}  // namespace smr
