// Rule parameters quoted by the report (src/report/param_defaults.h): the
// result's RuleParameters first, else the built-in rule's own default.
#include "src/report/param_defaults.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"

namespace smr {
namespace {

using report_internal::ParamValue;
using report_internal::ParamValues;
using report_internal::ParseRuleParameters;
using report_internal::RuleParamDefault;

TEST(ParamDefaultsTest, DefaultsComeFromTheRulesParamSpecs) {
  for (const auto& rule : CreateBuiltinRules()) {
    for (const ParamSpec& spec : rule->params()) {
      EXPECT_EQ(RuleParamDefault(std::string(rule->name()), spec.name), spec.default_value)
          << rule->name() << "." << spec.name;
    }
  }
  EXPECT_EQ(RuleParamDefault("LoadBalancing", "min_difference"), "10");
  EXPECT_EQ(RuleParamDefault("MaxInitializationTime", "threshold"), "20");
  EXPECT_EQ(RuleParamDefault("NoSuchRule", "threshold"), "");
  EXPECT_EQ(RuleParamDefault("LoadBalancing", "no_such_parameter"), "");
}

TEST(ParamDefaultsTest, TheResultsParametersWin) {
  RuleResult r;
  r.name = "LoadBalancing";
  // SageMaker's JSON has no min_difference: sm-report's default applies.
  r.rule_parameters = "threshold:0.5\npatience:1000";
  EXPECT_EQ(ParamValue(r, "threshold"), "0.5");
  EXPECT_EQ(ParamValue(r, "min_difference"), "10");
}

TEST(ParamDefaultsTest, ReadsSeveralParametersAtOnce) {
  RuleResult r;
  r.name = "LoadBalancing";
  r.rule_parameters = "threshold:0.5\npatience:1000";
  const auto [thr, min_diff, missing] =
      ParamValues(r, {"threshold", "min_difference", "no_such_parameter"});
  EXPECT_EQ(thr, "0.5");
  EXPECT_EQ(min_diff, "10");
  EXPECT_EQ(missing, "");
}

TEST(ParamDefaultsTest, ParsesKeyValueLines) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(ParseRuleParameters("a:1\nb:2"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(ParseRuleParameters("flag\n\nc:x:y"), (Pairs{{"flag", ""}, {"c", "x:y"}}));
  EXPECT_TRUE(ParseRuleParameters("").empty());
}

}  // namespace
}  // namespace smr
