// The sm-report binary: `rules`, `render`, and `build` with rule parameters;
// output and exit codes (docs/cli.md: 0 success, 2 usage/input error).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/rule.h"

#ifdef SMR_CLI

namespace {

namespace fs = std::filesystem;

// The hand-made SageMaker rule-JSON sets (tests/data/rule_sets).
const fs::path kRuleSets = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";
const fs::path kSingleGpu = kRuleSets / "single-gpu";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path Scratch(const std::string& name) {
  const fs::path dir = fs::path(SMR_BINARY_DIR) / "cli-tests" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs sm-report with `args` (built only from test-controlled paths).
Result RunCli(const std::string& args) {
  const fs::path base = fs::temp_directory_path() / fmt::format("smr-cli-{}", getpid());
  const std::string cmd = fmt::format("'{}' {} > '{}.out' 2> '{}.err'", SMR_CLI, args,
                                      base.string(), base.string());
  const int rc = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFile(base.string() + ".out");
  r.err = ReadFile(base.string() + ".err");
  fs::remove(base.string() + ".out");
  fs::remove(base.string() + ".err");
  return r;
}

// A usage error: exit 2 and exactly one line on stderr.
void ExpectUsageError(const Result& r, const std::string& mentions) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
}

TEST(CliRulesTest, JsonListsEveryRegisteredRuleWithItsParameters) {
  const Result r = RunCli("rules --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const auto rules = smr::CreateBuiltinRules();
  ASSERT_EQ(j.size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    SCOPED_TRACE(rules[i]->name());
    EXPECT_EQ(j[i]["name"], std::string(rules[i]->name()));
    EXPECT_FALSE(j[i]["description"].get<std::string>().empty());
    const auto& specs = rules[i]->params();
    ASSERT_EQ(j[i]["parameters"].size(), specs.size());
    for (size_t p = 0; p < specs.size(); ++p) {
      EXPECT_EQ(j[i]["parameters"][p]["name"], specs[p].name);
      EXPECT_EQ(j[i]["parameters"][p]["default"], specs[p].default_value);
      EXPECT_EQ(j[i]["parameters"][p]["unit"], specs[p].unit);
    }
  }
  EXPECT_EQ(RunCli("rules --json").out, r.out);  // deterministic
}

TEST(CliRulesTest, TextNamesEveryRule) {
  const Result r = RunCli("rules");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const auto& rule : smr::CreateBuiltinRules()) {
    EXPECT_NE(r.out.find(std::string(rule->name()) + "\n"), std::string::npos) << rule->name();
  }
}

TEST(CliRenderTest, WritesHtmlAndPdfFromARuleJsonSet) {
  const fs::path out = Scratch("render-ok");
  const Result r = RunCli(fmt::format("render '{}' -o '{}'", kSingleGpu.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("profiler-report.html"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("profiler-report.pdf"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "profiler-report.html"));
  EXPECT_TRUE(fs::exists(out / "profiler-report.pdf"));
}

TEST(CliRenderTest, FormatSelectsOutputsAndRejectsJson) {
  const fs::path out = Scratch("render-format");
  const Result r = RunCli(
      fmt::format("render '{}' -o '{}' --format html -q", kSingleGpu.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "profiler-report.html"));
  EXPECT_FALSE(fs::exists(out / "profiler-report.pdf"));
  ExpectUsageError(RunCli(fmt::format("render '{}' -o '{}' --format json", kSingleGpu.string(),
                                   out.string())),
                   "json");
}

TEST(CliRenderTest, NoRuleJsonExitsTwo) {
  const fs::path empty = Scratch("render-empty");
  ExpectUsageError(RunCli(fmt::format("render '{}' -o '{}'", empty.string(),
                                   (empty / "out").string())),
                   "profiler-reports");
  EXPECT_FALSE(fs::exists(empty / "out"));
}

TEST(CliRenderTest, SeveralSetsExitTwo) {
  const fs::path out = Scratch("render-several");
  ExpectUsageError(
      RunCli(fmt::format("render '{}' -o '{}'", kRuleSets.string(), out.string())),
      "four-gpus");
}

TEST(CliBuildTest, RuleParameterErrorsExitTwoWithOneLine) {
  const fs::path dir = Scratch("build-errors");
  std::ofstream(dir / "bad.json") << R"({"LowGPUUtilization": {"window": 5,}})";
  std::ofstream(dir / "unknown.json") << R"({"LowGPUUtilization": {"windw": 5}})";
  // The input directory does not exist: configuration is checked first.
  const std::string in = (dir / "no-input").string();
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param Nope.x=1", in)), "Nope");
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param LowGPUUtilization.x=1", in)),
                   "threshold_p95");
  ExpectUsageError(
      RunCli(fmt::format("build '{}' --rule-param LowGPUUtilization_threshold_p95=120", in)),
      "0 to 100");
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param window=1", in)), "Rule.param=value");
  ExpectUsageError(RunCli(fmt::format("build '{}' --config '{}'", in, (dir / "bad.json").string())),
                   "bad.json");
  ExpectUsageError(
      RunCli(fmt::format("build '{}' --config '{}'", in, (dir / "unknown.json").string())),
      "windw");
  ExpectUsageError(
      RunCli(fmt::format("build '{}' --config '{}'", in, (dir / "missing.json").string())),
      "missing.json");
}

#ifdef SMR_SAMPLE_GEN
TEST(CliBuildTest, ConfigAndOverridesChangeTheRuleJsonsAndDisableRules) {
  const fs::path root = Scratch("build-config");
  const fs::path job = root / "job";
  const fs::path out = root / "report";
  ASSERT_EQ(std::system(fmt::format("'{}' --out '{}' --scenario default > /dev/null 2>&1",
                                    SMR_SAMPLE_GEN, job.string())
                            .c_str()),
            0);
  // A first run with every rule writes BatchSize.json.
  Result r = RunCli(fmt::format("build '{}' -o '{}' -q --format json", job.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "profiler-reports" / "BatchSize.json"));

  std::ofstream(root / "rules.json")
      << R"({"LowGPUUtilization": {"window": 300, "threshold_p5": 5},
             "BatchSize": {"enabled": false}})";
  r = RunCli(fmt::format(
      "build '{}' -o '{}' --format html,json --config '{}' "
      "--rule-param LowGPUUtilization.window=400 --rule-param MaxInitializationTime_threshold=25",
      job.string(), out.string(), (root / "rules.json").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  // Disabled: not evaluated, the earlier JSON is gone, the report says so.
  EXPECT_FALSE(fs::exists(out / "profiler-reports" / "BatchSize.json"));
  const std::string html = ReadFile(out / "profiler-report.html");
  EXPECT_TRUE(std::regex_search(
      html, std::regex("BatchSize[^<]{0,100}disabled|[Dd]isabled[^<]{0,200}BatchSize")));
  // RuleParameters shows the values used: window from the command line,
  // threshold_p5 from the file, the rest defaults.
  const nlohmann::json low =
      nlohmann::json::parse(ReadFile(out / "profiler-reports" / "LowGPUUtilization.json"));
  EXPECT_EQ(low["RuleParameters"], "threshold_p95:70\nthreshold_p5:5\nwindow:400\npatience:1000");
  const nlohmann::json init =
      nlohmann::json::parse(ReadFile(out / "profiler-reports" / "MaxInitializationTime.json"));
  EXPECT_EQ(init["RuleParameters"], "threshold:25");
}
#endif  // SMR_SAMPLE_GEN

}  // namespace

#endif  // SMR_CLI
