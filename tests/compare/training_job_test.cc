// ParseTrainingJobDescription on describe-training-job output.
#include <gtest/gtest.h>

#include "smr/compare.h"
#include "tests/compare/compare_test_util.h"

namespace smr {
namespace {

TEST(TrainingJobTest, ReadsResourceConfigTimesAndSpot) {
  const auto p = testing::DiffData() / "describe-spot.json";
  const StatusOr<TrainingJobDescription> d =
      ParseTrainingJobDescription(testing::ReadFile(p), p.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->job_name, "bs1024-spot-2021-12-16-10-00-00-123");
  EXPECT_EQ(d->instance_type, "ml.p3.2xlarge");
  EXPECT_EQ(d->instance_count, 2);
  EXPECT_EQ(d->training_time_s, 1000.0);
  EXPECT_EQ(d->billable_time_s, 400.0);
  EXPECT_TRUE(d->managed_spot);
}

TEST(TrainingJobTest, OnDemandJobWithoutOptionalFields) {
  const StatusOr<TrainingJobDescription> d = ParseTrainingJobDescription(
      R"({"ResourceConfig": {"InstanceType": "ml.g4dn.xlarge"}})", "d.json");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->instance_count, 1);
  EXPECT_FALSE(d->billable_time_s);
  EXPECT_FALSE(d->managed_spot);
}

TEST(TrainingJobTest, ErrorsNameTheFile) {
  EXPECT_EQ(ParseTrainingJobDescription("[]", "x.json").status().message(),
            "x.json: not a describe-training-job JSON object");
  EXPECT_EQ(ParseTrainingJobDescription(R"({"TrainingJobName": "j"})", "x.json").status().message(),
            "x.json: no ResourceConfig; not describe-training-job output");
  EXPECT_EQ(
      ParseTrainingJobDescription(
          R"({"ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 0}})", "x.json")
          .status()
          .message(),
      "x.json: ResourceConfig.InstanceCount is not a positive integer");
}

}  // namespace
}  // namespace smr
