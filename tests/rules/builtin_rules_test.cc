// The built-in rule list (src/rules/builtin_rules.cc): ProfilerReport order,
// unique names, texts, every parameter row round-tripping through SetParam,
// defaults inside their ranges, and the default lookup for the report.
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/param_rule.h"

namespace smr {
namespace {

// SageMaker's ProfilerReport rules, in its order (docs/rules.md §1).
const std::vector<std::string> kProfilerReportRules = {
    "CPUBottleneck",      "IOBottleneck", "LowGPUUtilization",      "StepOutlier",
    "GPUMemoryIncrease",  "BatchSize",    "MaxInitializationTime",  "LoadBalancing",
    "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics"};

// The ProfilerReport rules the registry lacks.
std::vector<std::string> MissingFromRegistry(const std::vector<std::string>& expected) {
  std::vector<std::string> missing;
  for (const std::string& name : expected) {
    if (FindBuiltinRule(name) == nullptr) missing.push_back(name);
  }
  return missing;
}

TEST(BuiltinRuleListTest, HoldsEveryProfilerReportRuleInOrder) {
  EXPECT_EQ(ProfilerReportRuleNamesOf(BuiltinRules()), kProfilerReportRules);
  EXPECT_TRUE(MissingFromRegistry(kProfilerReportRules).empty());
}

std::unique_ptr<Rule> NoRule() { return nullptr; }

TEST(BuiltinRuleListTest, RulesSageMakerNeverHadAreNotProfilerReportRules) {
  const BuiltinRule rows[] = {{"CPUBottleneck", &NoRule, true},
                              {"KinetoStepBreakdown", &NoRule, false},
                              {"IOBottleneck", &NoRule, true}};
  EXPECT_EQ(ProfilerReportRuleNamesOf(rows),
            (std::vector<std::string>{"CPUBottleneck", "IOBottleneck"}));
}

TEST(BuiltinRuleListTest, ARuleMissingFromTheRegistryIsDetected) {
  std::vector<std::string> expected = kProfilerReportRules;
  expected.push_back("ProfilerReportNewRule");
  EXPECT_EQ(MissingFromRegistry(expected), (std::vector<std::string>{"ProfilerReportNewRule"}));
  EXPECT_EQ(FindBuiltinRule("cpubottleneck"), nullptr);  // names are exact
}

TEST(BuiltinRuleListTest, NamesAreUniqueAndMatchTheRules) {
  std::set<std::string_view> names;
  for (const BuiltinRule& entry : BuiltinRules()) {
    EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
    EXPECT_EQ(entry.create()->name(), entry.name);
  }
  ASSERT_EQ(CreateBuiltinRules().size(), BuiltinRules().size());
}

TEST(BuiltinRuleListTest, EveryRuleHasADescriptionAndARecommendation) {
  for (const auto& rule : CreateBuiltinRules()) {
    EXPECT_FALSE(rule->description().empty()) << rule->name();
    EXPECT_FALSE(rule->recommendation().empty()) << rule->name();
  }
}

TEST(BuiltinRuleListTest, EveryParameterRoundTripsItsDefault) {
  for (const auto& rule : CreateBuiltinRules()) {
    const std::string before = rule->RuleParameters();
    std::set<std::string> names;
    for (const ParamSpec& spec : rule->params()) {
      SCOPED_TRACE(std::string(rule->name()) + "." + spec.name);
      EXPECT_TRUE(names.insert(spec.name).second);
      EXPECT_FALSE(spec.description.empty());
      ASSERT_TRUE(rule->SetParam(spec.name, spec.default_value).ok());
      EXPECT_EQ(rule->RuleParameters(), before);
      EXPECT_TRUE(rule->ValidateParams().ok());
      if (const auto range = ParamRangeOf(spec); range) {
        double v = 0;
        ASSERT_TRUE(ParseParamNumber(spec.default_value, &v));
        EXPECT_TRUE(range->Contains(v)) << spec.default_value << " not " << range->Describe();
      } else {
        EXPECT_EQ(spec.type, ParamType::kString);
      }
    }
  }
}

TEST(BuiltinRuleListTest, ParameterDefaultsForTheReport) {
  EXPECT_EQ(BuiltinParamDefault("CPUBottleneck", "threshold"), "50");
  EXPECT_EQ(BuiltinParamDefault("LoadBalancing", "threshold"), "0.2");
  EXPECT_EQ(BuiltinParamDefault("StepOutlier", "mode"), "None");
  EXPECT_EQ(BuiltinParamDefault("Dataloader", "patience"), "10");
  EXPECT_EQ(BuiltinParamDefault("OverallSystemUsage", "threshold"), "");
  EXPECT_EQ(BuiltinParamDefault("NoSuchRule", "threshold"), "");
}

}  // namespace
}  // namespace smr

namespace smr {
namespace {

const std::vector<std::string> kKinetoRules = {"DataloaderBound",    "HostBound",
                                               "CommunicationBound", "Straggler",
                                               "SyncCopies",         "SmallKernels"};

std::vector<std::string> NamesOf(const std::vector<std::unique_ptr<Rule>>& rules) {
  std::vector<std::string> names;
  for (const auto& r : rules) names.emplace_back(r->name());
  return names;
}

TEST(BuiltinRuleListTest, KinetoRulesFollowTheProfilerReportRules) {
  std::vector<std::string> all = kProfilerReportRules;
  all.insert(all.end(), kKinetoRules.begin(), kKinetoRules.end());
  EXPECT_EQ(BuiltinRuleNames(), all);
  for (const std::string& name : kKinetoRules) {
    const BuiltinRule* entry = FindBuiltinRule(name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_TRUE(entry->needs_kineto) << name;
    EXPECT_FALSE(entry->profiler_report) << name;
  }
  for (const std::string& name : kProfilerReportRules) {
    EXPECT_FALSE(FindBuiltinRule(name)->needs_kineto) << name;
  }
}

TEST(BuiltinRuleListTest, WithoutKinetoTracesOnlyTheSageMakerRulesRun) {
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  DropKinetoRules(false, &rules);
  EXPECT_EQ(NamesOf(rules), kProfilerReportRules);
  std::vector<std::unique_ptr<Rule>> with = CreateBuiltinRules();
  DropKinetoRules(true, &with);
  EXPECT_EQ(with.size(), kProfilerReportRules.size() + kKinetoRules.size());
}

TEST(BuiltinRuleListTest, KinetoRuleParametersValidate) {
  std::unique_ptr<Rule> rule = FindBuiltinRule("Straggler")->create();
  EXPECT_TRUE(rule->SetParam("ratio", "75").ok());
  EXPECT_FALSE(rule->SetParam("ratio", "101").ok());
  EXPECT_FALSE(rule->SetParam("min_steps", "0").ok());
  EXPECT_FALSE(rule->SetParam("late", "1").ok());
  EXPECT_EQ(rule->RuleParameters(), "ratio:75\nthreshold:10\nmin_steps:3");
  std::unique_ptr<Rule> sync = FindBuiltinRule("SyncCopies")->create();
  EXPECT_TRUE(sync->SetParam("max_pageable", "0.5").ok());
  EXPECT_FALSE(sync->SetParam("max_pageable", "0").ok());
}

}  // namespace
}  // namespace smr
