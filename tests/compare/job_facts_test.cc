// ParseFindingsJson: the facts of a findings.json, and its errors.
#include <gtest/gtest.h>

#include "smr/compare.h"
#include "tests/compare/compare_test_util.h"

namespace smr {
namespace {

TEST(JobFactsTest, ReadsTheFieldsTheComparisonShows) {
  const JobFacts f = testing::DiffJobFacts("bs64");
  EXPECT_EQ(f.source_kind, "profiler-output");
  EXPECT_EQ(f.verdict, "issues");
  ASSERT_TRUE(f.duration_s && f.initialization_s && f.training_loop_s && f.finalization_s);
  EXPECT_DOUBLE_EQ(*f.duration_s, 18262.0);
  EXPECT_DOUBLE_EQ(*f.initialization_s, 120.0);
  EXPECT_DOUBLE_EQ(*f.training_loop_s, 18000.0);
  EXPECT_DOUBLE_EQ(*f.finalization_s, 142.0);
  EXPECT_EQ(f.nodes, std::vector<std::string>{"algo-1"});
  EXPECT_EQ(f.gpus, 1);
  ASSERT_EQ(f.step_time.size(), 2u);
  const PhaseSteps& train = f.step_time[0].phase == "TRAIN" ? f.step_time[0] : f.step_time[1];
  EXPECT_DOUBLE_EQ(*train.seconds.p50, 0.45);
  EXPECT_DOUBLE_EQ(*train.seconds.p95, 0.6);
  EXPECT_EQ(train.steps, 40000);
  ASSERT_EQ(f.utilization.size(), 4u);
  EXPECT_EQ(f.utilization[1].first, "gpu");
  EXPECT_DOUBLE_EQ(*f.utilization[1].second.p50, 22.0);
  ASSERT_TRUE(f.data_quality);
  EXPECT_TRUE(f.data_quality->clean);
  ASSERT_EQ(f.rules.size(), 11u);
  EXPECT_EQ(f.rules[0].name, "BatchSize");
  EXPECT_EQ(f.rules[0].state, "triggered");
  EXPECT_EQ(f.rules[0].triggered, 30);
}

TEST(JobFactsTest, NullAndAbsentFieldsAreUnknown) {
  const StatusOr<JobFacts> f = ParseFindingsJson(
      R"({"schema_version": 1, "source": {"kind": "rule-jsons", "path": "x"},
          "job": {"duration_s": null, "nodes": [], "gpus": null},
          "metrics": {"step_time_s": {}, "utilization_pct": {}}, "data_quality": null,
          "rules": []})",
      "f.json");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_FALSE(f->duration_s);
  EXPECT_FALSE(f->gpus);
  EXPECT_FALSE(f->data_quality);
  EXPECT_TRUE(f->step_time.empty());
  EXPECT_TRUE(f->utilization.empty());
}

TEST(JobFactsTest, AnUnknownMajorVersionIsAnErrorNamingTheFile) {
  const StatusOr<JobFacts> f = ParseFindingsJson(R"({"schema_version": 2})", "out/findings.json");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(),
            "out/findings.json: findings.json schema_version 2 is not supported (this sm-report "
            "reads version 1)");
}

TEST(JobFactsTest, NotJsonOrNoVersionOrWrongTypesAreErrors) {
  EXPECT_NE(ParseFindingsJson("{", "a.json").status().message().find("a.json: not a findings"),
            std::string::npos);
  EXPECT_NE(ParseFindingsJson("{}", "b.json").status().message().find("no schema_version"),
            std::string::npos);
  const StatusOr<JobFacts> f =
      ParseFindingsJson(R"({"schema_version": 1, "job": {"duration_s": "long"}})", "c.json");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "c.json: 'duration_s' is not a number");
}

}  // namespace
}  // namespace smr
