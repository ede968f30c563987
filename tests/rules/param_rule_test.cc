// ParamRule (src/rules/param_rule.h) on a rule made for the test: the spec
// rows with their defaults, SetParam by type, a string parameter with
// Python's None, a RuleParameters layout of its own and a cross-parameter
// check.
#include "src/rules/param_rule.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "smr/rule.h"

namespace smr {
namespace {

struct TestParams {
  double low = 10;
  double high = 0.5;
  int64_t count = 3;
  std::string label;
};

constexpr ParamRow<TestParams> kRows[] = {
    {"low", &TestParams::low, ParamType::kPercent, "%", "lower bound", ParamRange::Percent()},
    {"high", &TestParams::high, ParamType::kDouble, "", "upper bound", ParamRange::Positive(1)},
    {"count", &TestParams::count, ParamType::kInt, "steps", "how many"},
    {"label", &TestParams::label, ParamType::kString, "", "a name"},
};

constexpr PrintedParam kPrinted[] = {{"limit", "high"}, {"label", "label"}, {"high", "high"}};

constexpr RuleDescriptor<TestParams> kDescriptor = {"TestRule", "Tests.", "None.", kRows, kPrinted};

class TestRule : public ParamRule<TestParams> {
 public:
  TestRule() : ParamRule(kDescriptor, {}) {}
  Status ValidateParams() const override {
    return p_.low < p_.high * 100 ? Status::Ok() : Status::Error("rule TestRule: low >= high");
  }
  RuleResult Evaluate(const AnalysisContext&) const override { return {}; }
};

constexpr RuleDescriptor<NoParams> kNoParams = {"Plain", "Plain.", "Nothing.", {}};

class PlainRule : public ParamRule<NoParams> {
 public:
  PlainRule() : ParamRule(kNoParams, {}) {}
  RuleResult Evaluate(const AnalysisContext&) const override { return {}; }
};

TEST(ParamRuleTest, SpecsCarryTheStructDefaultsAsText) {
  TestRule rule;
  ASSERT_EQ(rule.params().size(), 4u);
  EXPECT_EQ(rule.params()[0].default_value, "10");
  EXPECT_EQ(rule.params()[1].default_value, "0.5");
  EXPECT_EQ(rule.params()[2].default_value, "3");
  EXPECT_EQ(rule.params()[3].default_value, "None");
  EXPECT_EQ(rule.params()[2].unit, "steps");
  EXPECT_FALSE(rule.params()[2].range.has_value());
  EXPECT_EQ(rule.name(), "TestRule");
  EXPECT_EQ(rule.recommendation(), "None.");
}

TEST(ParamRuleTest, RuleParametersFollowThePrintedLayout) {
  TestRule rule;
  EXPECT_EQ(rule.RuleParameters(), "limit:0.5\nlabel:None\nhigh:0.5");
  ASSERT_TRUE(rule.SetParam("label", "train").ok());
  ASSERT_TRUE(rule.SetParam("high", "0.75").ok());
  EXPECT_EQ(rule.RuleParameters(), "limit:0.75\nlabel:train\nhigh:0.75");
  ASSERT_TRUE(rule.SetParam("label", "None").ok());
  EXPECT_TRUE(rule.values().label.empty());
}

TEST(ParamRuleTest, SetParamParsesByType) {
  TestRule rule;
  EXPECT_TRUE(rule.SetParam("low", " +20.5 ").ok());
  EXPECT_EQ(rule.values().low, 20.5);
  const Status percent = rule.SetParam("low", "101");
  EXPECT_EQ(percent.message(),
            "rule TestRule: parameter 'low' has invalid value '101' (allowed: a number from 0 to "
            "100)");
  EXPECT_FALSE(rule.SetParam("high", "0").ok());
  EXPECT_FALSE(rule.SetParam("count", "1.5").ok());
  EXPECT_FALSE(rule.SetParam("count", "0").ok());
  EXPECT_TRUE(rule.SetParam("count", "7").ok());
  EXPECT_EQ(rule.values().count, 7);
  EXPECT_EQ(rule.SetParam("nope", "1").message(),
            "rule TestRule has no parameter 'nope' (allowed: low, high, count, label)");
}

TEST(ParamRuleTest, CrossParameterCheck) {
  TestRule rule;
  EXPECT_TRUE(rule.ValidateParams().ok());
  ASSERT_TRUE(rule.SetParam("low", "60").ok());
  EXPECT_FALSE(rule.ValidateParams().ok());
}

TEST(ParamRuleTest, RuleWithoutParameters) {
  PlainRule rule;
  EXPECT_TRUE(rule.params().empty());
  EXPECT_EQ(rule.RuleParameters(), "");
  EXPECT_EQ(rule.SetParam("x", "1").message(),
            "rule Plain has no parameter 'x' (it takes no parameters)");
}

}  // namespace
}  // namespace smr
