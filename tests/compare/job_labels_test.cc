// Job labels, --job / --describe values.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "smr/compare.h"

namespace smr {
namespace {

TEST(JobLabelsTest, BaseNameOrTheParentOfAGenericName) {
  EXPECT_EQ(DefaultJobLabel("runs/bs64"), "bs64");
  EXPECT_EQ(DefaultJobLabel("runs/bs64/"), "bs64");
  EXPECT_EQ(DefaultJobLabel("runs/bs1024/profiler-output"), "bs1024");
  EXPECT_EQ(DefaultJobLabel("jobs/j7/rule-output/ProfilerReport-1639601706/profiler-output/"
                            "profiler-reports"),
            "j7");
  EXPECT_EQ(DefaultJobLabel("out/findings.json"), "out");
}

TEST(JobLabelsTest, RepeatedLabelsAreNumberedAndPositionsFindJobs) {
  const std::vector<std::string> labels =
      JobLabels({"a/job/profiler-output", "b/job/profiler-output", "c/other"});
  EXPECT_EQ(labels, (std::vector<std::string>{"job", "job (2)", "other"}));
  EXPECT_EQ(FindJob("other", labels), 2);
  EXPECT_EQ(FindJob("job (2)", labels), 1);
  EXPECT_EQ(FindJob("1", labels), 0);
  EXPECT_EQ(FindJob("3", labels), 2);
  EXPECT_EQ(FindJob("4", labels), -1);
  EXPECT_EQ(FindJob("0", labels), -1);
  EXPECT_EQ(FindJob("nope", labels), -1);
}

TEST(JobLabelsTest, InstanceSpecs) {
  StatusOr<InstanceSpec> s = ParseInstanceSpec("ml.p3.2xlarge");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->type, "ml.p3.2xlarge");
  EXPECT_EQ(s->count, 1);
  s = ParseInstanceSpec("ml.g5.xlarge:4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->count, 4);
  EXPECT_FALSE(ParseInstanceSpec("p3.2xlarge").ok());
  EXPECT_FALSE(ParseInstanceSpec("ml.").ok());
  EXPECT_FALSE(ParseInstanceSpec("ml.p3.2xlarge:0").ok());
  EXPECT_FALSE(ParseInstanceSpec("ml.p3.2xlarge:two").ok());
  EXPECT_FALSE(ParseInstanceSpec("ml.p3.2xlarge:").ok());
}

TEST(JobLabelsTest, NameValueNeedsBothSides) {
  auto nv = SplitNameValue("B=ml.p3.2xlarge", "--job", "ml.TYPE[:COUNT]");
  ASSERT_TRUE(nv.ok());
  EXPECT_EQ(nv->first, "B");
  EXPECT_EQ(nv->second, "ml.p3.2xlarge");
  for (const char* bad : {"ml.p3.2xlarge", "=ml.p3.2xlarge", "B="}) {
    const auto r = SplitNameValue(bad, "--job", "ml.TYPE[:COUNT]");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind(
                  fmt::format("--job '{}': expected NAME=ml.TYPE[:COUNT]", bad), 0),
              0u);
  }
}

}  // namespace
}  // namespace smr
