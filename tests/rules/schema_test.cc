// Our rule JSONs must have the shape of SageMaker's: every (key path, value
// type) we write must occur in at least one report of the same rule in the
// hand-made SageMaker-format sets of tests/data/rule_sets (whose shapes are
// checked against real reports by schema_shared_test.cc). See
// schema_shapes.h for the wildcards.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/builtin_rules.h"
#include "tests/rules/schema_shapes.h"

namespace smr {
namespace {

using namespace schema;  // NOLINT: test helpers

std::filesystem::path Root() {
  return std::filesystem::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";
}

TEST(SchemaTest, CpuBottleneckMatchesSageMakerSets) {
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

TEST(SchemaTest, IoBottleneckMatchesSageMakerSets) {
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

TEST(SchemaTest, StepOutlierMatchesSageMakerSets) {
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

TEST(SchemaTest, LowGpuUtilizationMatchesSageMakerSets) {
  LowGpuUtilizationRule rule({70, 10, 100, 200});
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);  // exercise Details
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, BatchSizeMatchesSageMakerSets) {
  BatchSizeParams p;
  p.patience = 200;
  p.window = 100;
  BatchSizeRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, GpuMemoryIncreaseMatchesSageMakerSets) {
  GpuMemoryIncreaseParams p;
  p.increase = 0.01;
  p.patience = 200;
  GpuMemoryIncreaseRule rule(p);
  auto input = RealisticInput();
  ASSERT_GT(rule.Evaluate(input->ctx()).triggered, 0);
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, LoadBalancingMatchesSageMakerSets) {
  LoadBalancingRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("algo-1"));
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, DataloaderMatchesSageMakerSets) {
  DataloaderRule rule;
  auto input = RealisticInput();
  ASSERT_TRUE(rule.Evaluate(input->ctx()).details.contains("dataloading_time"));
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, MaxInitializationTimeMatchesSageMakerSets) {
  MaxInitializationTimeRule rule;
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, OverallSystemUsageMatchesSageMakerSets) {
  OverallSystemUsageRule rule;
  ExpectShapeMatches(Root(), rule);
}

TEST(SchemaTest, OverallFrameworkMetricsMatchesSageMakerSets) {
  OverallFrameworkMetricsRule rule;
  ExpectShapeMatches(Root(), rule);
}

}  // namespace
}  // namespace smr
