// The rule lists of the pipeline (src/pipeline/rule_catalog.cc): SageMaker
// ProfilerReport's rule names, each of them in the registry, and the rule
// descriptions `sm-report rules` prints.
#include "smr/pipeline.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"

namespace smr {
namespace {

TEST(ProfilerReportRuleNamesTest, ElevenRulesInSageMakerOrder) {
  // docs/rules.md §1.
  EXPECT_EQ(ProfilerReportRuleNames(),
            (std::vector<std::string>{
                "CPUBottleneck", "IOBottleneck", "LowGPUUtilization", "StepOutlier",
                "GPUMemoryIncrease", "BatchSize", "MaxInitializationTime", "LoadBalancing",
                "OverallSystemUsage", "Dataloader", "OverallFrameworkMetrics"}));
}

// `render` reads <name>.json for each ProfilerReport rule and the report
// describes it with the built-in rule: a name missing from the registry
// fails here.
TEST(ProfilerReportRuleNamesTest, EveryNameIsARegisteredRule) {
  std::vector<std::string> registered;
  for (const std::unique_ptr<Rule>& rule : CreateBuiltinRules()) {
    registered.emplace_back(rule->name());
  }
  for (const std::string& name : ProfilerReportRuleNames()) {
    EXPECT_NE(std::find(registered.begin(), registered.end(), name), registered.end())
        << name << " is not in the registry";
  }
}

TEST(DescribeBuiltinRulesTest, JsonListsEveryRegisteredRuleInOrder) {
  const std::string text = DescribeBuiltinRules(/*as_json=*/true);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const nlohmann::json rules = nlohmann::json::parse(text);
  const std::vector<std::unique_ptr<Rule>> builtin = CreateBuiltinRules();
  ASSERT_EQ(rules.size(), builtin.size());
  for (size_t i = 0; i < builtin.size(); ++i) {
    EXPECT_EQ(rules[i]["name"].get<std::string>(), std::string(builtin[i]->name()));
  }
}

TEST(DescribeBuiltinRulesTest, TextNamesEveryRegisteredRule) {
  const std::string text = DescribeBuiltinRules(/*as_json=*/false);
  for (const std::unique_ptr<Rule>& rule : CreateBuiltinRules()) {
    EXPECT_NE(text.find(rule->name()), std::string::npos) << rule->name();
  }
}

}  // namespace
}  // namespace smr
