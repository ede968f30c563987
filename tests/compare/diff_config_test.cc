// ParseDiffConfig: every key, defaults, and one-line errors for unknown keys.
#include <gtest/gtest.h>

#include "smr/compare.h"

namespace smr {
namespace {

TEST(DiffConfigTest, ReadsEveryKey) {
  const StatusOr<DiffConfig> c = ParseDiffConfig(
      R"({"region": "eu-west-1", "prices": {"ml.p3.2xlarge": 4.1},
          "jobs": {"bs64": {"instance_type": "ml.p3.2xlarge", "instance_count": 2,
                            "describe": "jobs/bs64.json"}},
          "thresholds": {"duration_pct": 2, "duration_min_s": 7, "cost_pct": 3, "step_time_pct": 4,
                         "utilization_points": 5, "records_skipped": 6}})",
      "/cfg/diff.json");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_EQ(c->prices.at("ml.p3.2xlarge"), 4.1);
  const JobConfig& j = c->jobs.at("bs64");
  EXPECT_EQ(j.instance_type, "ml.p3.2xlarge");
  EXPECT_EQ(j.instance_count, 2);
  EXPECT_EQ(j.describe, "/cfg/jobs/bs64.json");  // relative to the config's folder
  EXPECT_EQ(c->thresholds.duration_pct, 2);
  EXPECT_EQ(c->thresholds.duration_min_s, 7);
  EXPECT_EQ(c->thresholds.cost_pct, 3);
  EXPECT_EQ(c->thresholds.step_time_pct, 4);
  EXPECT_EQ(c->thresholds.utilization_points, 5);
  EXPECT_EQ(c->thresholds.records_skipped, 6);
}

TEST(DiffConfigTest, EmptyConfigKeepsTheDefaults) {
  const StatusOr<DiffConfig> c = ParseDiffConfig("{}", "c.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->thresholds.duration_pct, 5);
  EXPECT_EQ(c->thresholds.duration_min_s, 10);
  EXPECT_EQ(c->thresholds.cost_pct, 5);
  EXPECT_EQ(c->thresholds.step_time_pct, 10);
  EXPECT_EQ(c->thresholds.utilization_points, 10);
  EXPECT_EQ(c->thresholds.records_skipped, 0);
}

TEST(DiffConfigTest, UnknownKeysNameTheKeyAndTheFile) {
  EXPECT_EQ(ParseDiffConfig(R"({"regoin": "x"})", "c.json").status().message(),
            "config c.json: unknown key 'regoin' (allowed: region, prices, jobs, thresholds)");
  EXPECT_EQ(
      ParseDiffConfig(R"({"thresholds": {"duration": 5}})", "c.json").status().message(),
      "config c.json: unknown key 'thresholds.duration' (allowed: duration_pct, duration_min_s, "
      "cost_pct, step_time_pct, utilization_points, records_skipped)");
  EXPECT_EQ(
      ParseDiffConfig(R"({"jobs": {"A": {"type": "ml.m5.xlarge"}}})", "c.json").status().message(),
      "config c.json: unknown key 'jobs.A.type' (allowed: instance_type, instance_count, "
      "describe)");
}

TEST(DiffConfigTest, BadValuesAreErrors) {
  EXPECT_EQ(ParseDiffConfig(R"({"prices": {"ml.x": -1}})", "c.json").status().message(),
            "config c.json: 'prices.ml.x' must be a number >= 0");
  EXPECT_EQ(
      ParseDiffConfig(R"({"jobs": {"A": {"instance_count": 0}}})", "c.json").status().message(),
      "config c.json: 'jobs.A.instance_count' must be an integer >= 1");
  EXPECT_EQ(ParseDiffConfig("[1]", "c.json").status().message(),
            "config c.json: not a JSON object");
}

}  // namespace
}  // namespace smr
