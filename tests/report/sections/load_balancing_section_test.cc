// The report's "Workload balancing" section (LoadBalancing): the pair table.
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, WorkloadDistancesAreComputedForEveryGpuPair) {
  // four-gpus LoadBalancing workloads: gpu0 half in bin 0 and half in bin 45,
  // gpu1 and gpu2 all in bin 0, gpu3 1190 in bin 0 and 10 in bin 1.
  // Jensen-Shannon distances (natural log; worked out in
  // tests/data/rule_sets/README.md): gpu0-gpu1 = gpu0-gpu2 =
  // sqrt(0.75 ln 4/3) = 0.4645, gpu0-gpu3 0.4663, gpu1-gpu3 = gpu2-gpu3 =
  // 0.0538, gpu1-gpu2 0. Mean utilizations (each sample at its bin middle,
  // 2i+1 %): gpu0 (1 + 91) / 2 = 46, gpu1 = gpu2 = 1, gpu3 (1190 + 30) / 1200
  // = 1.017, so gpu0 is 45.0 points (44.98 against gpu3) from the others and
  // they are 0.0 apart. The JSON has no min_difference (SageMaker's
  // parameters), so the report applies sm-report's default of 10 points.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("four-gpus", &results);
  const Section* s = FindSection(m.sections, "workload-balancing");
  ASSERT_NE(s, nullptr);
  const Table* t = TableWithCaption(*s, "Pairwise distances");
  ASSERT_NE(t, nullptr);
  const std::vector<std::vector<std::string>> want = {
      {"gpu0", "gpu3", "0.47", "45.0", "yes"}, {"gpu0", "gpu1", "0.46", "45.0", "yes"},
      {"gpu0", "gpu2", "0.46", "45.0", "yes"}, {"gpu1", "gpu3", "0.05", "0.0", "no"},
      {"gpu2", "gpu3", "0.05", "0.0", "no"},   {"gpu1", "gpu2", "0.00", "0.0", "no"}};
  EXPECT_EQ(t->rows, want);  // 4 choose 2, flagged first, then largest distance
  EXPECT_EQ(t->highlight_rows, (std::vector<int>{0, 1, 2}));  // above 0.2 and 10 points
  EXPECT_NE(AllText(*s).find("differ by at least 10 percentage points"), std::string::npos);
}

}  // namespace
}  // namespace smr
