// Rule configuration: --rule-param in both spellings, the JSON config file,
// precedence, disabling, and one-line errors (docs/rules.md §4.13).
// Expected RuleParameters strings are written from the spec's defaults
// (§4: LowGPUUtilization threshold_p95=70, threshold_p5=10, window=500,
// patience=1000; MaxInitializationTime threshold=20).
#include "smr/rule_config.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "testing/store_builder.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLowGpuDefaults =
    "threshold_p95:70\nthreshold_p5:10\nwindow:500\npatience:1000";

const Rule* FindRule(const std::vector<std::unique_ptr<Rule>>& rules, std::string_view name) {
  for (const auto& r : rules) {
    if (r->name() == name) return r.get();
  }
  return nullptr;
}

std::vector<RuleParamOverride> Overrides(const std::vector<std::string>& args) {
  std::vector<RuleParamOverride> out;
  for (const std::string& a : args) {
    StatusOr<RuleParamOverride> o = ParseRuleParamArg(a);
    EXPECT_TRUE(o.ok()) << a << ": " << o.status().message();
    if (o.ok()) out.push_back(*o);
  }
  return out;
}

struct Applied {
  Status status;
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<std::string> disabled;
};

Applied Apply(const nlohmann::json& config, const std::vector<std::string>& args) {
  Applied a;
  a.rules = CreateBuiltinRules();
  a.status = ApplyRuleConfig(config, Overrides(args), &a.rules, &a.disabled, "cfg.json");
  return a;
}

std::string LowGpuParams(const Applied& a) {
  const Rule* r = FindRule(a.rules, "LowGPUUtilization");
  return r ? r->RuleParameters() : "<missing>";
}

void ExpectOneLine(const Status& st) {
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
}

TEST(ParseRuleParamArgTest, DotSpellingKeepsUnderscoresInParameter) {
  StatusOr<RuleParamOverride> o = ParseRuleParamArg("LowGPUUtilization.threshold_p95=80");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->rule, "LowGPUUtilization");
  EXPECT_EQ(o->param, "threshold_p95");
  EXPECT_EQ(o->value, "80");
}

TEST(ParseRuleParamArgTest, ProfilerReportSpellingSplitsAtFirstUnderscore) {
  StatusOr<RuleParamOverride> o = ParseRuleParamArg("CPUBottleneck_cpu_threshold=80");
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->rule, "CPUBottleneck");
  EXPECT_EQ(o->param, "cpu_threshold");
  EXPECT_EQ(o->value, "80");
}

TEST(ParseRuleParamArgTest, RejectsMalformedArguments) {
  for (const char* bad : {"LowGPUUtilization.window", "window=5", ".window=5",
                          "LowGPUUtilization.=5", "=5"}) {
    StatusOr<RuleParamOverride> o = ParseRuleParamArg(bad);
    EXPECT_FALSE(o.ok()) << bad;
    if (!o.ok()) {
      EXPECT_NE(o.status().message().find("Rule.param=value"), std::string::npos);
      ExpectOneLine(o.status());
    }
  }
}

TEST(ApplyRuleConfigTest, DefaultsUntouchedWithoutConfiguration) {
  Applied a = Apply(nlohmann::json(), {});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_TRUE(a.disabled.empty());
  EXPECT_EQ(a.rules.size(), CreateBuiltinRules().size());
  EXPECT_EQ(LowGpuParams(a), kLowGpuDefaults);
  ASSERT_NE(FindRule(a.rules, "MaxInitializationTime"), nullptr);
  EXPECT_EQ(FindRule(a.rules, "MaxInitializationTime")->RuleParameters(), "threshold:20");
}

TEST(ApplyRuleConfigTest, DotSpellingOverridesOneParameter) {
  Applied a = Apply(nlohmann::json(), {"LowGPUUtilization.window=200"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(LowGpuParams(a), "threshold_p95:70\nthreshold_p5:10\nwindow:200\npatience:1000");
}

TEST(ApplyRuleConfigTest, ProfilerReportSpellingOverridesOneParameter) {
  Applied a = Apply(nlohmann::json(), {"LowGPUUtilization_threshold_p95=80"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(LowGpuParams(a), "threshold_p95:80\nthreshold_p5:10\nwindow:500\npatience:1000");
}

TEST(ApplyRuleConfigTest, LaterOverrideWins) {
  Applied a = Apply(nlohmann::json(),
                    {"LowGPUUtilization.patience=10", "LowGPUUtilization_patience=20"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(LowGpuParams(a), "threshold_p95:70\nthreshold_p5:10\nwindow:500\npatience:20");
}

TEST(ApplyRuleConfigTest, ConfigFileSetsNumbersAndStrings) {
  const nlohmann::json config = nlohmann::json::parse(R"({
    "LowGPUUtilization": {"threshold_p5": 5, "patience": "2000", "threshold_p95": 72.5},
    "MaxInitializationTime": {"threshold": 30, "enabled": true}
  })");
  Applied a = Apply(config, {});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(LowGpuParams(a), "threshold_p95:72.5\nthreshold_p5:5\nwindow:500\npatience:2000");
  EXPECT_EQ(FindRule(a.rules, "MaxInitializationTime")->RuleParameters(), "threshold:30");
  EXPECT_TRUE(a.disabled.empty());
}

TEST(ApplyRuleConfigTest, CommandLineWinsOverConfigFile) {
  const nlohmann::json config = nlohmann::json::parse(
      R"({"LowGPUUtilization": {"window": 100, "patience": 50}, "BatchSize": {"enabled": false}})");
  Applied a = Apply(config, {"LowGPUUtilization.window=300", "BatchSize.enabled=true"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  // window from the command line, patience from the file.
  EXPECT_EQ(LowGpuParams(a), "threshold_p95:70\nthreshold_p5:10\nwindow:300\npatience:50");
  EXPECT_NE(FindRule(a.rules, "BatchSize"), nullptr);
  EXPECT_TRUE(a.disabled.empty());
}

TEST(ApplyRuleConfigTest, DisabledRulesAreRemovedInRegistrationOrder) {
  const nlohmann::json config =
      nlohmann::json::parse(R"({"MaxInitializationTime": {"enabled": false}})");
  Applied a = Apply(config, {"LowGPUUtilization.enabled=false"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(FindRule(a.rules, "LowGPUUtilization"), nullptr);
  EXPECT_EQ(FindRule(a.rules, "MaxInitializationTime"), nullptr);
  EXPECT_EQ(a.rules.size(), CreateBuiltinRules().size() - 2);
  // LowGPUUtilization comes before MaxInitializationTime in ProfilerReport.
  EXPECT_EQ(a.disabled, (std::vector<std::string>{"LowGPUUtilization", "MaxInitializationTime"}));
  // The remaining rules keep their relative order.
  std::vector<std::string> expected;
  for (const auto& r : CreateBuiltinRules()) {
    if (r->name() != "LowGPUUtilization" && r->name() != "MaxInitializationTime") {
      expected.emplace_back(r->name());
    }
  }
  std::vector<std::string> got;
  for (const auto& r : a.rules) got.emplace_back(r->name());
  EXPECT_EQ(got, expected);
}

TEST(ApplyRuleConfigTest, DisabledRuleIsNotEvaluated) {
  Applied a = Apply(nlohmann::json(), {"BatchSize.enabled=false"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  auto built = d.Build();
  const std::vector<RuleResult> results = EvaluateRules(a.rules, built->ctx());
  EXPECT_EQ(results.size(), CreateBuiltinRules().size() - 1);
  for (const RuleResult& r : results) EXPECT_NE(r.name, "BatchSize");
}

TEST(ApplyRuleConfigTest, UnknownRuleListsTheRules) {
  Applied a = Apply(nlohmann::json(), {"LowGpuUtilization.window=5"});
  ExpectOneLine(a.status);
  const std::string& msg = a.status.message();
  EXPECT_NE(msg.find("unknown rule 'LowGpuUtilization'"), std::string::npos) << msg;
  for (const auto& r : CreateBuiltinRules()) {
    EXPECT_NE(msg.find(std::string(r->name())), std::string::npos) << r->name() << ": " << msg;
  }
}

TEST(ApplyRuleConfigTest, UnknownRuleInConfigNamesTheFile) {
  Applied a = Apply(nlohmann::json::parse(R"({"NoSuchRule": {"x": 1}})"), {});
  ExpectOneLine(a.status);
  EXPECT_NE(a.status.message().find("cfg.json"), std::string::npos) << a.status.message();
  EXPECT_NE(a.status.message().find("'NoSuchRule'"), std::string::npos) << a.status.message();
}

TEST(ApplyRuleConfigTest, UnknownParameterListsTheParameters) {
  Applied a = Apply(nlohmann::json(), {"LowGPUUtilization.threshold=5"});
  ExpectOneLine(a.status);
  const std::string& msg = a.status.message();
  EXPECT_NE(msg.find("LowGPUUtilization"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'threshold'"), std::string::npos) << msg;
  for (const char* p : {"threshold_p95", "threshold_p5", "window", "patience", "enabled"}) {
    EXPECT_NE(msg.find(p), std::string::npos) << p << ": " << msg;
  }
}

TEST(ApplyRuleConfigTest, OutOfRangeValuesAreRejectedWithWhatIsAllowed) {
  struct Case {
    const char* arg;
    const char* allowed;
  };
  for (const Case& c : {Case{"LowGPUUtilization.threshold_p95=150", "0 to 100"},
                        Case{"LowGPUUtilization.threshold_p5=-1", "0 to 100"},
                        Case{"LowGPUUtilization.window=0", "positive integer"},
                        Case{"LowGPUUtilization.patience=2.5", "positive integer"},
                        Case{"LowGPUUtilization.window=abc", "positive integer"},
                        Case{"LowGPUUtilization.enabled=maybe", "true, false"}}) {
    Applied a = Apply(nlohmann::json(), {c.arg});
    ExpectOneLine(a.status);
    const std::string& msg = a.status.message();
    EXPECT_NE(msg.find("LowGPUUtilization"), std::string::npos) << c.arg << ": " << msg;
    EXPECT_NE(msg.find(c.allowed), std::string::npos) << c.arg << ": " << msg;
  }
}

TEST(ApplyRuleConfigTest, ConfigValuesOfTheWrongJsonTypeAreRejected) {
  for (const char* cfg : {R"({"LowGPUUtilization": {"window": [1]}})",
                          R"({"LowGPUUtilization": {"window": null}})",
                          R"({"LowGPUUtilization": {"window": true}})",
                          R"({"LowGPUUtilization": 5})"}) {
    Applied a = Apply(nlohmann::json::parse(cfg), {});
    ExpectOneLine(a.status);
    EXPECT_NE(a.status.message().find("LowGPUUtilization"), std::string::npos) << cfg;
  }
}

TEST(RuleConfigTextTest, MalformedJsonIsAnErrorNamingTheFile) {
  for (const char* text : {"", "{\"LowGPUUtilization\": {", "{\"a\": 1,}", "[1, 2]",
                           "{\"LowGPUUtilization\": 3}"}) {
    StatusOr<nlohmann::json> j = ParseRuleConfigText(text, "my.json");
    ASSERT_FALSE(j.ok()) << text;
    ExpectOneLine(j.status());
    EXPECT_NE(j.status().message().find("my.json"), std::string::npos) << j.status().message();
  }
}

TEST(RuleConfigTextTest, LoadsAFileAndRejectsMissingOrDirectory) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("smr-rule-config-{}", getpid());
  fs::create_directories(dir);
  const fs::path file = dir / "rules.json";
  std::ofstream(file) << R"({"MaxInitializationTime": {"threshold": 15}})";
  StatusOr<nlohmann::json> ok = LoadRuleConfigFile(file.string());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ((*ok)["MaxInitializationTime"]["threshold"], 15);

  StatusOr<nlohmann::json> missing = LoadRuleConfigFile((dir / "nope.json").string());
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.json"), std::string::npos);
  StatusOr<nlohmann::json> is_dir = LoadRuleConfigFile(dir.string());
  EXPECT_FALSE(is_dir.ok());
  fs::remove_all(dir);
}

TEST(ApplyRuleConfigTest, RuleJsonShowsTheParametersUsed) {
  Applied a = Apply(nlohmann::json::parse(R"({"MaxInitializationTime": {"threshold": 5}})"),
                    {"LowGPUUtilization_window=250"});
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  testing::TestData d;
  d.SystemFile("algo-1", 1000);
  auto built = d.Build();
  const std::vector<RuleResult> results = EvaluateRules(a.rules, built->ctx());
  int checked = 0;
  for (const RuleResult& r : results) {
    const nlohmann::json j = nlohmann::json::parse(RuleResultToJson(r));
    if (r.name == "LowGPUUtilization") {
      EXPECT_EQ(j["RuleParameters"], "threshold_p95:70\nthreshold_p5:10\nwindow:250\npatience:1000");
      ++checked;
    } else if (r.name == "MaxInitializationTime") {
      EXPECT_EQ(j["RuleParameters"], "threshold:5");
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

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
}

TEST(DescribeRulesTest, TextShowsDefaultsWithUnits) {
  const std::string text = DescribeRulesText(CreateBuiltinRules());
  EXPECT_NE(text.find("LowGPUUtilization\n"), std::string::npos);
  EXPECT_NE(text.find("window"), std::string::npos);
  EXPECT_NE(text.find("500 samples"), std::string::npos);
  EXPECT_NE(text.find("20 minutes"), std::string::npos);
  EXPECT_EQ(text, DescribeRulesText(CreateBuiltinRules()));  // deterministic
}

}  // namespace
}  // namespace smr
