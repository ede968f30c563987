// `sm-report rules`: every built-in rule with its parameters, defaults, units
// and allowed values, as JSON and as text (rule_describe.cc).
#include "smr/rule_config.h"

#include <algorithm>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"

namespace smr {
namespace {

TEST(DescribeRulesTest, JsonListsEveryRuleWithItsParameters) {
  const auto rules = CreateBuiltinRules();
  const nlohmann::ordered_json j = DescribeRulesJson(rules);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(j[i]["name"], std::string(rules[i]->name()));
    EXPECT_EQ(j[i]["description"], std::string(rules[i]->description()));
    ASSERT_EQ(j[i]["parameters"].size(), rules[i]->params().size());
  }
  const auto it = std::find_if(j.begin(), j.end(),
                               [](const auto& r) { return r["name"] == "LowGPUUtilization"; });
  ASSERT_NE(it, j.end());
  const auto& p0 = (*it)["parameters"][0];
  EXPECT_EQ(p0["name"], "threshold_p95");
  EXPECT_EQ(p0["default"], "70");
  EXPECT_EQ(p0["unit"], "%");
  EXPECT_EQ(p0["type"], "percent");
  EXPECT_EQ(p0["allowed"], "a number from 0 to 100");
  EXPECT_EQ(nlohmann::json::parse(p0["range"].dump()),
            nlohmann::json::parse(R"({"min": 0, "max": 100, "min_exclusive": false,
                                      "max_exclusive": false, "integer": false})"));
  const auto& window = (*it)["parameters"][2];
  EXPECT_EQ(window["name"], "window");
  EXPECT_EQ(window["range"]["min"], 1);
  EXPECT_TRUE(window["range"]["max"].is_null());  // unbounded
  EXPECT_EQ(window["range"]["integer"], true);
  // Free text has no range.
  const auto step =
      std::find_if(j.begin(), j.end(), [](const auto& r) { return r["name"] == "StepOutlier"; });
  ASSERT_NE(step, j.end());
  for (const auto& p : (*step)["parameters"]) {
    EXPECT_EQ(p.contains("range"), p["name"] != "mode") << p["name"];
  }
}

TEST(DescribeRulesTest, TextShowsDefaultsWithUnits) {
  const std::string text = DescribeRulesText(CreateBuiltinRules());
  EXPECT_NE(text.find("LowGPUUtilization\n"), std::string::npos);
  EXPECT_NE(text.find("window"), std::string::npos);
  EXPECT_NE(text.find("500 samples"), std::string::npos);
  EXPECT_NE(text.find("20 minutes"), std::string::npos);
  // Allowed values next to each default.
  EXPECT_TRUE(std::regex_search(text, std::regex("threshold_p95 +70 % +0 to 100 +p95")));
  EXPECT_TRUE(std::regex_search(text, std::regex("window +500 samples +integer >= 1 +number")));
  EXPECT_TRUE(std::regex_search(text, std::regex("threshold +20 minutes +> 0 +time")));
  EXPECT_TRUE(std::regex_search(text, std::regex("mode +None +any text +event")));
  EXPECT_EQ(text, DescribeRulesText(CreateBuiltinRules()));  // deterministic
}

}  // namespace
}  // namespace smr
