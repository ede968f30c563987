#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

#include "smr/rule.h"
#include "src/rules/python_json.h"
#include "tests/testing/store_builder.h"

namespace smr {
namespace {

TEST(PythonFloatReprTest, MatchesPythonRepr) {
  EXPECT_EQ(PythonFloatRepr(1.0), "1.0");
  EXPECT_EQ(PythonFloatRepr(0.0), "0.0");
  EXPECT_EQ(PythonFloatRepr(-0.0), "-0.0");
  EXPECT_EQ(PythonFloatRepr(97.04999999999995), "97.04999999999995");
  EXPECT_EQ(PythonFloatRepr(0.1), "0.1");
  EXPECT_EQ(PythonFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PythonFloatRepr(0.00001), "1e-05");
  EXPECT_EQ(PythonFloatRepr(1.5e-7), "1.5e-07");
  EXPECT_EQ(PythonFloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(PythonFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PythonFloatRepr(1.2345e20), "1.2345e+20");
  EXPECT_EQ(PythonFloatRepr(1e100), "1e+100");
  EXPECT_EQ(PythonFloatRepr(1645424630.42634), "1645424630.42634");
  EXPECT_EQ(PythonFloatRepr(-2.6478781371016153), "-2.6478781371016153");
  EXPECT_EQ(PythonFloatRepr(std::nan("")), "NaN");
  EXPECT_EQ(PythonFloatRepr(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(PythonFloatRepr(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(NumpyRoundTest, RoundsLikeNumpyFloat64) {
  // Expected values from numpy 1.24: round(np.float64(x), 2).
  EXPECT_EQ(NumpyRound(52116366.578, 2), 52116366.58);
  EXPECT_EQ(NumpyRound(2.675, 2), 2.68);  // 2.675 * 100 is 267.5: tie, to even 268
                                          // (Python's float round gives 2.67)
  EXPECT_EQ(NumpyRound(0.125, 2), 0.12);  // exact tie 12.5 -> even
  EXPECT_EQ(NumpyRound(0.001, 2), 0.0);
  EXPECT_EQ(NumpyRound(-1.005, 2), -1.0);
  // Where Python's float round differs: 60.005 is 60.005000000000003 in
  // binary (Python rounds up to 60.01), but 60.005 * 100 is exactly 6000.5
  // in doubles and rint goes to the even 6000. SageMaker's
  // OverallSystemUsage wrote 60.0 for this GPU memory maximum
  // (tests/data/sagemaker-reference/default).
  EXPECT_EQ(NumpyRound(240.02 / 4, 2), 60.0);
  EXPECT_EQ(NumpyRound(60.005, 2), 60.0);
  EXPECT_EQ(NumpyRound(0.5, 0), 0.0);
  EXPECT_EQ(NumpyRound(1.5, 0), 2.0);
}

TEST(DumpPythonJsonTest, SeparatorsKeyOrderAndTypes) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["b"] = 1;
  j["a"] = 2.5;
  j["list"] = {1, 2.0, "x"};
  j["empty"] = nlohmann::ordered_json::object();
  j["t"] = true;
  j["n"] = nullptr;
  EXPECT_EQ(DumpPythonJson(j),
            "{\"b\": 1, \"a\": 2.5, \"list\": [1, 2.0, \"x\"], \"empty\": {}, \"t\": true, "
            "\"n\": null}");
}

TEST(DumpPythonJsonTest, EscapesLikeEnsureAscii) {
  nlohmann::ordered_json j = "a\"b\\c\nd\te\x01/é€😀";
  EXPECT_EQ(DumpPythonJson(j), "\"a\\\"b\\\\c\\nd\\te\\u0001/\\u00e9\\u20ac\\ud83d\\ude00\"");
}

TEST(RuleResultToJsonTest, EnvelopeKeyOrder) {
  RuleResult r;
  r.triggered = 2;
  r.violations = 3;
  r.datapoints = 4;
  r.details["x"] = 1.0;
  r.rule_parameters = "a:1\nb:2";
  EXPECT_EQ(RuleResultToJson(r),
            "{\"RuleTriggered\": 2, \"Violations\": 3, \"Details\": {\"x\": 1.0}, "
            "\"Datapoints\": 4, \"RuleParameters\": \"a:1\\nb:2\"}");
}

class ThrowingRule : public Rule {
 public:
  std::string_view name() const override { return "Throwing"; }
  std::string_view description() const override { return ""; }
  std::string_view recommendation() const override { return ""; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> kNone;
    return kNone;
  }
  Status SetParam(std::string_view, std::string_view) override { return Status::Ok(); }
  std::string RuleParameters() const override { return "k:v"; }
  RuleResult Evaluate(const AnalysisContext&) const override { throw std::runtime_error("boom"); }
};

TEST(EvaluateRulesTest, FailingRuleDoesNotStopOthers) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<ThrowingRule>());
  for (auto& r : CreateBuiltinRules()) rules.push_back(std::move(r));
  auto built = testing::TestData().Build();
  std::vector<RuleResult> results = EvaluateRules(rules, built->ctx());
  ASSERT_EQ(results.size(), rules.size());
  EXPECT_TRUE(results[0].failed);
  EXPECT_NE(results[0].error.find("boom"), std::string::npos);
  EXPECT_EQ(results[0].rule_parameters, "k:v");
  for (size_t i = 1; i < results.size(); ++i) EXPECT_FALSE(results[i].failed);
}

}  // namespace
}  // namespace smr
