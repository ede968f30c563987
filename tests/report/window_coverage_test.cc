// The Rules summary says which stretch of the job the rules evaluated and
// how much data they left out (SageMaker's window walk, docs/cli.md).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "smr/rule.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

using testing::BuiltData;
using testing::TestData;

// Files at 1000, 1060 and 1120 s; one sample a second from 1000 to 1179 s.
TestData Job(bool sagemaker) {
  TestData d;
  if (sagemaker) d.StopWhereSageMakerStops();
  for (int64_t t : {1000, 1060, 1120}) d.SystemFile("algo-1", t);
  for (int i = 0; i < 180; ++i) d.Cpu("algo-1", "cpu0", 1000.0 + i, 50);
  return d;
}

std::string RulesSummaryText(const BuiltData& built) {
  const std::vector<RuleResult> results;
  const std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  ReportInputs in;
  in.results = &results;
  in.rules = &rules;
  in.store = &built.store;
  in.timeline = &built.timeline;
  in.windows = &built.windows;
  const ReportModel model = BuildReportModel(in);
  std::string text;
  for (const Section& s : model.sections) {
    if (s.id != "rules-summary") continue;
    for (const Block& b : s.blocks) text += b.text + "\n";
  }
  return text;
}

TEST(WindowCoverageTest, SaysHowMuchTrailingDataTheRulesLeftOut) {
  auto built = Job(/*sagemaker=*/true).Build();
  ASSERT_EQ(built->windows.size(), 2u);
  const std::string text = RulesSummaryText(*built);
  // Windows [1000, 1060] and [1060, 1120]; samples 1121 .. 1179 s are left.
  EXPECT_NE(text.find("The rules evaluated 2 windows of 60 seconds, from 1970-01-01 00:16:40 "
                      "to 1970-01-01 00:18:40 UTC."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("As in SageMaker, the last 59 s of system data (59 samples) are not "
                      "evaluated by the rules"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--analyze-trailing-data"), std::string::npos) << text;
}

TEST(WindowCoverageTest, CountsEventsAfterAndDataBeforeTheWindows) {
  // The job above plus a sample and an event that end before t0 = 1000 s
  // (a trace file is named by its end time, 1180 s here) and two events
  // that start after the last window ends at 1120 s.
  TestData d = Job(/*sagemaker=*/true);
  d.FrameworkFile("1-algo-1", 1'180'000'000);
  d.Cpu("algo-1", "cpu0", 999.0, 50);
  d.Event("1-algo-1", "cpu_functions", "op", 990'000'000, 995'000'000);
  d.Event("1-algo-1", "cpu_functions", "op", 1'121'000'000, 1'122'000'000);
  d.Event("1-algo-1", "cpu_functions", "op", 1'150'000'000, 1'151'000'000);
  d.Event("1-algo-1", "cpu_functions", "op", 1'100'000'000, 1'101'000'000);  // evaluated
  auto built = d.Build();
  const std::string text = RulesSummaryText(*built);
  EXPECT_NE(text.find("As in SageMaker, the last 59 s of system data (59 samples), 2 framework "
                      "events after the last window and 1 system sample and 1 framework event "
                      "before the first window are not evaluated by the rules"),
            std::string::npos)
      << text;
}

TEST(WindowCoverageTest, WithTrailingDataEverySampleIsEvaluated) {
  auto built = Job(/*sagemaker=*/false).Build();
  ASSERT_EQ(built->windows.size(), 3u);
  const std::string text = RulesSummaryText(*built);
  EXPECT_EQ(text.find("are not evaluated"), std::string::npos) << text;
  EXPECT_NE(text.find("Every sample and event was evaluated (--analyze-trailing-data)"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace smr
