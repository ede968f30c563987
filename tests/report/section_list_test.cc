// The report's outline (src/report/section_list.cc): every report section
// once, in the order of the original report, and every built-in rule
// presented exactly once, either by its own section or by a report section.
#include "src/report/section_list.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"

namespace smr {
namespace {

using report_internal::ReportSections;
using report_internal::SectionSpec;

// The original report's order, after the findings (first, right under the
// header), with the timelines and slowest steps after system usage and the
// PyTorch profiler traces (shown only with traces) right after the timelines.
TEST(SectionListTest, ReportSectionsInTheOriginalOrder) {
  std::vector<std::string> ids;
  for (const SectionSpec& spec : ReportSections()) {
    if (spec.rule == nullptr) ids.push_back(spec.id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"findings", "training-job-summary", "system-usage",
                                           "timelines", "pytorch-profiler", "slow-steps",
                                           "framework-metrics", "rules-summary", "training-loop",
                                           "data-quality"}));
}

TEST(SectionListTest, RuleSectionsFollowTheTrainingLoopInTheOriginalOrder) {
  std::vector<std::string> rules;
  std::string parent;
  for (const SectionSpec& spec : ReportSections()) {
    if (spec.rule == nullptr) {
      parent = spec.id;
      continue;
    }
    EXPECT_EQ(parent, "training-loop") << spec.rule;
    rules.push_back(spec.rule);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"StepOutlier", "LowGPUUtilization", "LoadBalancing",
                                             "Dataloader", "BatchSize", "CPUBottleneck",
                                             "IOBottleneck", "GPUMemoryIncrease"}));
}

// Every built-in SageMaker rule appears once: in a rule section, or (the
// three summary rules) in the report section that presents it.
TEST(SectionListTest, EveryBuiltinRuleIsPresentedOnce) {
  const std::map<std::string, std::string> by_report_section = {
      {"MaxInitializationTime", "training-job-summary"},
      {"OverallSystemUsage", "system-usage"},
      {"OverallFrameworkMetrics", "framework-metrics"}};
  std::map<std::string, int> count;
  std::set<std::string> ids;
  for (const SectionSpec& spec : ReportSections()) {
    EXPECT_TRUE(ids.insert(spec.id).second) << "duplicate id " << spec.id;
    if (spec.rule != nullptr) {
      ++count[spec.rule];
      EXPECT_NE(spec.build_rule, nullptr) << spec.id;
      EXPECT_EQ(spec.build, nullptr) << spec.id;
    } else {
      EXPECT_NE(spec.build, nullptr) << spec.id;
      EXPECT_EQ(spec.build_rule, nullptr) << spec.id;
    }
  }
  for (const auto& [rule, id] : by_report_section) {
    EXPECT_TRUE(ids.count(id)) << rule;
    ++count[rule];
  }
  // The rules on Kineto traces have no section of their own: the findings
  // and the rules table present them (and the report's Kineto section, when
  // there are traces).
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  DropKinetoRules(false, &rules);
  ASSERT_EQ(count.size(), rules.size());
  for (const auto& r : rules) {
    EXPECT_EQ(count[std::string(r->name())], 1) << r->name();
  }
}

}  // namespace
}  // namespace smr
