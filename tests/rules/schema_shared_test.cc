// The schema tests against the real SageMaker reports (shared-data tests:
// they run only when the optional shared folder exists, see
// tests/CMakeLists.txt), and a check that the hand-made reference sets of
// tests/data/rule_sets have exactly the shapes of the real ones.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/builtin_rules.h"
#include "tests/rules/schema_shapes.h"

namespace smr {
namespace {

using namespace schema;  // NOLINT: test helpers

std::filesystem::path Root() { return std::filesystem::path(SMR_SHARED_DIR) / "real-reports"; }

TEST(SchemaSharedTest, CpuBottleneckMatchesRealReports) {
  CpuBottleneckParams p;
  p.threshold = 10;
  p.cpu_threshold = 30;
  p.patience = 100;
  CpuBottleneckRule rule(p);
  auto input = RealisticInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_GT(r.triggered, 0);
  ASSERT_TRUE(r.details.contains("CPU_total"));
  ASSERT_TRUE(r.details.contains("GPU_total"));
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, IoBottleneckMatchesRealReports) {
  // Real IOBottleneck reports never triggered: check the untriggered shape
  // with some bottlenecks.
  IoBottleneckParams p;
  p.io_threshold = 3;
  IoBottleneckRule rule(p);
  auto input = RealisticInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_EQ(r.triggered, 0);
  ASSERT_GT(r.violations, 0);
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, StepOutlierMatchesRealReports) {
  StepOutlierParams p;
  p.n_outliers = 1;
  StepOutlierRule rule(p);
  auto input = StepOutlierInput();
  RuleResult r = rule.Evaluate(input->ctx());
  ASSERT_GT(r.triggered, 0);
  ASSERT_TRUE(r.details.contains("step_details_by_phase"));
  ASSERT_TRUE(r.details.contains("general"));
  ExpectShapeMatches(Root(), rule, StepOutlierInput());
}

TEST(SchemaSharedTest, LowGpuUtilizationMatchesRealReports) {
  LowGpuUtilizationRule rule({70, 10, 100, 200});
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);  // exercise Details
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, BatchSizeMatchesRealReports) {
  BatchSizeParams p;
  p.patience = 200;
  p.window = 100;
  BatchSizeRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, GpuMemoryIncreaseMatchesRealReports) {
  GpuMemoryIncreaseParams p;
  p.increase = 0.01;
  p.patience = 200;
  GpuMemoryIncreaseRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, LoadBalancingMatchesRealReports) {
  LoadBalancingRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("algo-1"));
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, DataloaderMatchesRealReports) {
  DataloaderRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("dataloading_time"));
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, MaxInitializationTimeMatchesRealReports) {
  MaxInitializationTimeRule rule;
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, OverallSystemUsageMatchesRealReports) {
  OverallSystemUsageRule rule;
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaSharedTest, OverallFrameworkMetricsMatchesRealReports) {
  OverallFrameworkMetricsRule rule;
  ExpectShapeMatches(Root(), rule);
}

// The hand-made sets stand in for the real reports when the shared folder
// is missing, so they must show every shape the real ones show, and no
// other.
TEST(SchemaSharedTest, HandMadeSetsHaveExactlyTheShapesOfRealReports) {
  const std::filesystem::path own =
      std::filesystem::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";
  const std::vector<std::string> rules = {
      "CPUBottleneck",      "IOBottleneck", "LowGPUUtilization",      "StepOutlier",
      "GPUMemoryIncrease",  "BatchSize",    "MaxInitializationTime",  "LoadBalancing",
      "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics"};
  for (const std::string& rule : rules) {
    SCOPED_TRACE(rule);
    int real_files = 0, own_files = 0;
    const std::set<std::string> real = ReferenceShapes(Root(), rule, &real_files);
    const std::set<std::string> mine = ReferenceShapes(own, rule, &own_files);
    EXPECT_EQ(real_files, 12);
    EXPECT_EQ(own_files, 4);
    for (const std::string& shape : real) EXPECT_TRUE(mine.count(shape)) << "missing " << shape;
    for (const std::string& shape : mine) EXPECT_TRUE(real.count(shape)) << "extra " << shape;
  }
}

}  // namespace
}  // namespace smr
