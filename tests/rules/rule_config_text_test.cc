// The rule configuration file's text (docs/rules.md §4.13): malformed JSON,
// loading a file, duplicate keys and errors naming line and column.
#include "smr/rule_config.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

void ExpectOneLine(const Status& st) {
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
}

TEST(RuleConfigTextTest, MalformedJsonIsAnErrorNamingTheFile) {
  for (const char* text :
       {"", "{\"LowGPUUtilization\": {", "{\"a\": 1,}", "[1, 2]", "{\"LowGPUUtilization\": 3}"}) {
    StatusOr<nlohmann::json> j = ParseRuleConfigText(text, "my.json");
    ASSERT_FALSE(j.ok()) << text;
    ExpectOneLine(j.status());
    EXPECT_NE(j.status().message().find("my.json"), std::string::npos) << j.status().message();
  }
}

TEST(RuleConfigTextTest, LoadsAFileAndRejectsMissingOrDirectory) {
  const fs::path dir = testing::ScratchDir("rule-config");
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
}

// ---- Config file: positions and duplicate keys -------------------------------

std::string ConfigError(std::string_view text) {
  StatusOr<RuleConfig> c = ParseRuleConfig(text, "my.json");
  if (!c.ok()) return c.status().message();
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  std::vector<std::string> disabled;
  Status st = ApplyRuleConfig(*c, {}, &rules, &disabled);
  return st.ok() ? std::string("ok") : st.message();
}

TEST(RuleConfigTextTest, SyntaxErrorNamesLineAndColumn) {
  // The '}' after "5," is where a key was expected: line 2, column 37.
  const std::string msg = ConfigError("{\n  \"LowGPUUtilization\": {\"window\": 5,}\n}");
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_EQ(msg.rfind("config file my.json, line 2, column 37: not valid JSON: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("expected string literal"), std::string::npos) << msg;
  // Truncated file: the error is at the end.
  EXPECT_NE(ConfigError("{\"BatchSize\": {\n").find("line 2"), std::string::npos);
  EXPECT_NE(ConfigError("").find("config file my.json, line 1, column 1: not valid JSON"),
            std::string::npos)
      << ConfigError("");
}

TEST(RuleConfigTextTest, DuplicateKeysAreErrorsAtAnyDepth) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : {
           Case{"{\"LowGPUUtilization\": {\"window\": 5,\n \"window\": 6}}",
                "config file my.json, line 2, column 2: duplicate key \"window\" in "
                "\"LowGPUUtilization\""},
           Case{"{\"BatchSize\": {}, \"BatchSize\": {\"enabled\": false}}",
                "config file my.json, line 1, column 19: duplicate key \"BatchSize\""},
           Case{R"({"A": {"x": {"y": 1, "y": 2}}})",
                "config file my.json, line 1, column 22: duplicate key \"y\" in \"x\""},
           Case{R"({"a\"b": 1, "a\"b": 2})",
                "config file my.json, line 1, column 13: duplicate key \"a\"b\""},
       }) {
    EXPECT_EQ(ConfigError(c.text), c.expected) << c.text;
  }
  // The same key in different objects is fine.
  EXPECT_EQ(ConfigError(R"({"LowGPUUtilization": {"window": 5}, "BatchSize": {"window": 5}})"),
            "ok");
}

TEST(RuleConfigTextTest, SettingErrorsNameLineAndColumn) {
  const std::string text =
      "{\n"
      "  \"BatchSize\": {\"window\": 100},\n"
      "  \"LowGPUUtilization\": {\n"
      "    \"patience\": 10,\n"
      "    \"window\": 0\n"
      "  }\n"
      "}\n";
  EXPECT_EQ(ConfigError(text),
            "config file my.json, line 5, column 5: rule LowGPUUtilization: parameter 'window' "
            "has invalid value '0' (allowed: a positive integer)");
  EXPECT_EQ(ConfigError("{\"BatchSize\": {},\n \"Nope\": {}}")
                .rfind("config file my.json, line 2, column 2: unknown rule 'Nope' (rules: ", 0),
            0u);
  EXPECT_EQ(ConfigError("{\"BatchSize\": {\"windw\": 1}}")
                .rfind("config file my.json, line 1, column 16: rule BatchSize has no parameter "
                       "'windw'",
                       0),
            0u);
  EXPECT_EQ(ConfigError("{\"BatchSize\": 3}"),
            "config file my.json, line 1, column 2: rule BatchSize: settings must be an object "
            "{\"param\": value}");
  // Of two bad settings, the first in the file is reported (not the first
  // in key order).
  EXPECT_NE(
      ConfigError("{\"LowGPUUtilization\": {\"window\": 0},\n \"BatchSize\": {\"window\": 0}}")
          .find("line 1, column 24"),
      std::string::npos);
}
}  // namespace
}  // namespace smr
