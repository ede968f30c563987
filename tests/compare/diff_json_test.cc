// DiffReportJson: diff-report.json's structure and numbers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/compare.h"
#include "tests/compare/compare_test_util.h"

namespace smr {
namespace {

TEST(DiffJsonTest, JobsChangesRulesAndVerdict) {
  const Comparison c = CompareJobs({testing::DiffJob("bs64"), testing::DiffJob("bs1024")},
                                   DiffThresholds{}, kDefaultRegion);
  const std::string text = DiffReportJson(c, "sm-report t");
  ASSERT_EQ(text.back(), '\n');
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["baseline"], "bs64");
  EXPECT_EQ(j["region"], "us-east-1");
  EXPECT_EQ(j["regression"], false);
  EXPECT_EQ(j["thresholds"]["step_time_pct"], 10.0);
  ASSERT_EQ(j["verdict"].size(), 1u);
  EXPECT_EQ(j["verdict"][0], c.verdicts[0]);
  ASSERT_EQ(j["jobs"].size(), 2u);
  const auto& cost = j["jobs"][0]["cost"];
  EXPECT_EQ(cost["instance_type"], "ml.p3.2xlarge");
  EXPECT_EQ(cost["hourly_price_usd"], 3.825);
  EXPECT_EQ(cost["billed_from"], "profiled job duration");
  EXPECT_NEAR(cost["cost_usd"].get<double>(), 18262.0 * 3.825 / 3600, 1e-9);
  EXPECT_EQ(j["jobs"][0]["facts"]["duration_s"], 18262.0);
  const auto& first = j["changes"][0];
  EXPECT_EQ(first["key"], "duration_s");
  EXPECT_EQ(first["better"], "lower");
  EXPECT_EQ(first["threshold"]["kind"], "percent");
  EXPECT_EQ(first["values"], nlohmann::json({18262.0, 895.0}));
  EXPECT_EQ(first["vs_baseline"][0]["delta"], 895.0 - 18262.0);
  EXPECT_NEAR(first["vs_baseline"][0]["delta_pct"].get<double>(), (895.0 - 18262.0) / 18262.0 * 100,
              1e-9);
  EXPECT_EQ(first["vs_baseline"][0]["flag"], "improvement");
  EXPECT_TRUE(first["vs_previous"].empty());  // two jobs: the previous is the baseline
  bool batch = false;
  for (const auto& r : j["rules"]) {
    if (r["name"] != "BatchSize") continue;
    batch = true;
    EXPECT_EQ(r["states"], nlohmann::json({"triggered", "not_triggered"}));
    EXPECT_EQ(r["changes"][0]["change"], "no_longer_triggered");
  }
  EXPECT_TRUE(batch);
}

}  // namespace
}  // namespace smr
