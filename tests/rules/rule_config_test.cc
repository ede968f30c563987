// Rule configuration applied: --rule-param in both spellings, the JSON config
// settings, precedence, disabling, parameter ranges and one-line errors
// (docs/rules.md §4.13). The config file's text is rule_config_text_test.cc's,
// `sm-report rules` rule_describe_test.cc's.
// Expected RuleParameters strings are written from the spec's defaults
// (§4: LowGPUUtilization threshold_p95=70, threshold_p5=10, window=500,
// patience=1000; MaxInitializationTime threshold=20).
#include "smr/rule_config.h"

#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "testing/store_builder.h"

namespace smr {
namespace {

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
  for (const char* bad :
       {"LowGPUUtilization.window", "window=5", ".window=5", "LowGPUUtilization.=5", "=5"}) {
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
  Applied a =
      Apply(nlohmann::json(), {"LowGPUUtilization.patience=10", "LowGPUUtilization_patience=20"});
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

// ---- Parameter ranges --------------------------------------------------------

TEST(ParamRangeTest, ContainsHonoursOpenAndClosedEndsAndIntegers) {
  const ParamRange pct = ParamRange::Percent();
  EXPECT_TRUE(pct.Contains(0));
  EXPECT_TRUE(pct.Contains(100));
  EXPECT_FALSE(pct.Contains(-0.001));
  EXPECT_FALSE(pct.Contains(100.001));
  const ParamRange pos_int = ParamRange::PositiveInteger();
  EXPECT_TRUE(pos_int.Contains(1));
  EXPECT_TRUE(pos_int.Contains(1e9));
  EXPECT_FALSE(pos_int.Contains(0));
  EXPECT_FALSE(pos_int.Contains(2.5));
  const ParamRange ratio = ParamRange::Positive(1);  // (0, 1]
  EXPECT_FALSE(ratio.Contains(0));
  EXPECT_TRUE(ratio.Contains(1e-9));
  EXPECT_TRUE(ratio.Contains(1));
  EXPECT_FALSE(ratio.Contains(1.0000001));
  EXPECT_FALSE(ParamRange::Positive().Contains(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(ParamRange::Positive().Contains(std::nan("")));
}

TEST(ParamRangeTest, DescriptionsNameTheBounds) {
  EXPECT_EQ(ParamRange::Percent().Describe(), "a number from 0 to 100");
  EXPECT_EQ(ParamRange::PositiveInteger().Describe(), "a positive integer");
  EXPECT_EQ(ParamRange::Positive().Describe(), "a number greater than 0");
  EXPECT_EQ(ParamRange::Positive(1).Describe(), "a number greater than 0 and at most 1");
  EXPECT_EQ((ParamRange{2, 8, false, true, true}).Describe(),
            "an integer of at least 2 and less than 8");
  EXPECT_EQ(ParamRange::Percent().Short(), "0 to 100");
  EXPECT_EQ(ParamRange::PositiveInteger().Short(), "integer >= 1");
  EXPECT_EQ(ParamRange::Positive().Short(), "> 0");
  EXPECT_EQ(ParamRange::Positive(1).Short(), "> 0, <= 1");
}

// Every parameter of every rule, with a value just outside its meaningful
// range and the bound itself (or a value next to an open bound) inside it.
struct RangeCase {
  const char* rule;
  const char* param;
  const char* outside;
  const char* inside;
  const char* allowed;  // in the error message
};
constexpr RangeCase kRangeCases[] = {
    {"CPUBottleneck", "threshold", "100.5", "100", "from 0 to 100"},
    {"CPUBottleneck", "cpu_threshold", "-1", "0", "from 0 to 100"},
    {"CPUBottleneck", "gpu_threshold", "101", "100", "from 0 to 100"},
    {"CPUBottleneck", "patience", "0", "1", "a positive integer"},
    {"IOBottleneck", "threshold", "-0.5", "0", "from 0 to 100"},
    {"IOBottleneck", "io_threshold", "200", "100", "from 0 to 100"},
    {"IOBottleneck", "gpu_threshold", "-3", "0", "from 0 to 100"},
    {"IOBottleneck", "patience", "1.5", "2", "a positive integer"},
    {"LowGPUUtilization", "threshold_p95", "100.1", "100", "from 0 to 100"},
    {"LowGPUUtilization", "threshold_p5", "-1", "0", "from 0 to 100"},
    {"LowGPUUtilization", "window", "0", "1", "a positive integer"},
    {"LowGPUUtilization", "patience", "-5", "1", "a positive integer"},
    {"StepOutlier", "stddev", "0", "0.01", "greater than 0"},
    {"StepOutlier", "n_outliers", "0", "1", "a positive integer"},
    {"GPUMemoryIncrease", "increase", "150", "100", "from 0 to 100"},
    {"GPUMemoryIncrease", "patience", "0", "1", "a positive integer"},
    {"GPUMemoryIncrease", "window", "2.5", "3", "a positive integer"},
    {"BatchSize", "cpu_threshold_p95", "101", "100", "from 0 to 100"},
    {"BatchSize", "gpu_threshold_p95", "-1", "0", "from 0 to 100"},
    {"BatchSize", "gpu_memory_threshold_p95", "1000", "0", "from 0 to 100"},
    {"BatchSize", "patience", "0", "1", "a positive integer"},
    {"BatchSize", "window", "0", "1", "a positive integer"},
    {"MaxInitializationTime", "threshold", "0", "0.5", "greater than 0"},
    // LoadBalancing.threshold is a Jensen-Shannon distance, at most 1; its
    // upper bound is declared with the rule.
    {"LoadBalancing", "threshold", "0", "1", "greater than 0"},
    {"LoadBalancing", "threshold", "1.5", "0.8", "at most 1"},
    {"LoadBalancing", "min_difference", "100.5", "100", "from 0 to 100"},
    {"LoadBalancing", "patience", "0", "1", "a positive integer"},
    {"Dataloader", "min_threshold", "0", "0.5", "greater than 0"},
    {"Dataloader", "max_threshold", "-10", "500", "greater than 0"},
    {"Dataloader", "patience", "0", "1", "a positive integer"},
    {"DataloaderBound", "threshold", "100.5", "100", "from 0 to 100"},
    {"DataloaderBound", "min_steps", "0", "1", "a positive integer"},
    {"HostBound", "threshold", "-1", "0", "from 0 to 100"},
    {"CommunicationBound", "threshold", "101", "100", "from 0 to 100"},
    {"Straggler", "ratio", "100.1", "100", "from 0 to 100"},
    {"Straggler", "threshold", "-0.5", "0", "from 0 to 100"},
    {"Straggler", "min_steps", "2.5", "2", "a positive integer"},
    {"SyncCopies", "threshold", "150", "100", "from 0 to 100"},
    {"SyncCopies", "max_pageable", "0", "0.5", "greater than 0"},
    {"SyncCopies", "gpu_idle_threshold", "101", "100", "from 0 to 100"},
    {"SmallKernels", "threshold", "-1", "0", "from 0 to 100"},
    {"SmallKernels", "busy_threshold", "101", "100", "from 0 to 100"},
    {"SmallKernels", "min_events", "0", "1", "a positive integer"},
};

TEST(ApplyRuleConfigTest, EveryNumericParameterHasItsRangeChecked) {
  std::set<std::string> covered;
  for (const RangeCase& c : kRangeCases) {
    SCOPED_TRACE(fmt::format("{}.{}", c.rule, c.param));
    covered.insert(fmt::format("{}.{}", c.rule, c.param));
    Applied bad = Apply(nlohmann::json(), {fmt::format("{}.{}={}", c.rule, c.param, c.outside)});
    ExpectOneLine(bad.status);
    EXPECT_NE(bad.status.message().find(c.allowed), std::string::npos) << bad.status.message();
    EXPECT_NE(bad.status.message().find(fmt::format("'{}'", c.outside)), std::string::npos)
        << bad.status.message();
    // The same from a config file.
    nlohmann::json config;
    config[c.rule][c.param] = std::stod(c.outside);
    Applied bad_file = Apply(config, {});
    ExpectOneLine(bad_file.status);
    EXPECT_NE(bad_file.status.message().find(c.allowed), std::string::npos)
        << bad_file.status.message();
    Applied good = Apply(nlohmann::json(), {fmt::format("{}.{}={}", c.rule, c.param, c.inside)});
    EXPECT_TRUE(good.status.ok()) << good.status.message();
  }
  // No numeric parameter is left out (StepOutlier.mode is free text).
  for (const auto& rule : CreateBuiltinRules()) {
    for (const ParamSpec& p : rule->params()) {
      if (p.type == ParamType::kString) continue;
      EXPECT_TRUE(covered.count(fmt::format("{}.{}", rule->name(), p.name)))
          << rule->name() << "." << p.name << " has no range case";
    }
  }
}

TEST(ApplyRuleConfigTest, DataloaderMinimumMustBeBelowMaximum) {
  Applied a = Apply(nlohmann::json(), {"Dataloader.min_threshold=300"});
  ExpectOneLine(a.status);
  EXPECT_NE(a.status.message().find("min_threshold (300) must be less than max_threshold (200)"),
            std::string::npos)
      << a.status.message();
  // Both moved together is fine; the order of the settings does not matter.
  EXPECT_TRUE(
      Apply(nlohmann::json(), {"Dataloader.min_threshold=300", "Dataloader.max_threshold=400"})
          .status.ok());
  // A disabled rule's values are not checked.
  EXPECT_TRUE(Apply(nlohmann::json(), {"Dataloader.min_threshold=300", "Dataloader.enabled=false"})
                  .status.ok());
}

TEST(ApplyRuleConfigTest, ConfigValuesOfTheWrongJsonTypeAreRejected) {
  for (const char* cfg :
       {R"({"LowGPUUtilization": {"window": [1]}})", R"({"LowGPUUtilization": {"window": null}})",
        R"({"LowGPUUtilization": {"window": true}})", R"({"LowGPUUtilization": 5})"}) {
    Applied a = Apply(nlohmann::json::parse(cfg), {});
    ExpectOneLine(a.status);
    EXPECT_NE(a.status.message().find("LowGPUUtilization"), std::string::npos) << cfg;
  }
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
      EXPECT_EQ(j["RuleParameters"],
                "threshold_p95:70\nthreshold_p5:10\nwindow:250\npatience:1000");
      ++checked;
    } else if (r.name == "MaxInitializationTime") {
      EXPECT_EQ(j["RuleParameters"], "threshold:5");
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

}  // namespace
}  // namespace smr
