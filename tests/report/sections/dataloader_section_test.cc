// The report's "Dataloading analysis" section (Dataloader).
// Rule JSONs from the hand-made sets of tests/data/rule_sets (README there).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/report_builder.h"
#include "tests/report/report_test_util.h"

namespace smr {
namespace {

using namespace report_test;  // NOLINT: test helpers

TEST(ReportBuilderTest, DataloaderShowsWorkersCoresAndPinMemory) {
  // single-gpu Dataloader: pin_memory false, num_workers 1, cores 4, median
  // 1 loader < 70 % of 4 cores = 2.8 (triggered), dataloading_time p50 0.0525.
  std::vector<RuleResult> results;
  const ReportModel m = BuildFromHandMadeSet("single-gpu", &results);
  const Section* s = FindSection(m.sections, "dataloading");
  ASSERT_NE(s, nullptr);
  const std::string text = AllText(*s);
  EXPECT_NE(text.find("CPU cores=4"), std::string::npos) << text;
  EXPECT_NE(text.find("Median parallel data loaders=1"), std::string::npos) << text;
  EXPECT_NE(text.find("num_workers=1"), std::string::npos) << text;
  EXPECT_NE(text.find("pin_memory=false"), std::string::npos) << text;
  EXPECT_NE(text.find("median 0.0525 s, 95th percentile 0.1873 s, 25th percentile 0.0412 s"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(for example to 3)"), std::string::npos) << text;  // ceil(2.8)
}

}  // namespace
}  // namespace smr
