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
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

#ifdef SMR_CLI

namespace {

namespace fs = std::filesystem;

// The hand-made SageMaker rule-JSON sets (tests/data/rule_sets).
const fs::path kRuleSets = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";
const fs::path kSingleGpu = kRuleSets / "single-gpu";

using smr::testing::ReadFile;

fs::path Scratch(const std::string& name) { return smr::testing::ScratchDir(name); }

using Result = smr::testing::CommandResult;

// Runs sm-report with `args` (built only from test-controlled paths).
Result RunCli(const std::string& args) {
  return smr::testing::RunCommandCapture(fmt::format("'{}' {}", SMR_CLI, args));
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
  ExpectUsageError(
      RunCli(fmt::format("render '{}' -o '{}' --format json", kSingleGpu.string(), out.string())),
      "json");
}

TEST(CliRenderTest, PaperSelectsA4OrLetter) {
  const fs::path a4 = Scratch("render-a4");
  const fs::path letter = Scratch("render-letter");
  ASSERT_EQ(RunCli(fmt::format("render '{}' -o '{}' -q", kSingleGpu.string(), a4.string())).code,
            0);
  const Result r = RunCli(
      fmt::format("render '{}' -o '{}' -q --paper Letter", kSingleGpu.string(), letter.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::regex box(R"(/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+))");
  std::smatch m;
  const std::string a4_pdf = ReadFile(a4 / "profiler-report.pdf");
  ASSERT_TRUE(std::regex_search(a4_pdf, m, box));
  EXPECT_EQ(m[1].str() + " " + m[2].str(), "595.276 841.89");
  const std::string letter_pdf = ReadFile(letter / "profiler-report.pdf");
  ASSERT_TRUE(std::regex_search(letter_pdf, m, box));
  EXPECT_EQ(m[1].str() + " " + m[2].str(), "612 792");
  ExpectUsageError(
      RunCli(fmt::format("render '{}' -o '{}' --paper a3", kSingleGpu.string(), letter.string())),
      "--paper");
}

TEST(CliRenderTest, NoRuleJsonExitsTwo) {
  const fs::path empty = Scratch("render-empty");
  ExpectUsageError(
      RunCli(fmt::format("render '{}' -o '{}'", empty.string(), (empty / "out").string())),
      "profiler-reports");
  EXPECT_FALSE(fs::exists(empty / "out"));
}

TEST(CliRenderTest, SeveralSetsExitTwo) {
  const fs::path out = Scratch("render-several");
  ExpectUsageError(RunCli(fmt::format("render '{}' -o '{}'", kRuleSets.string(), out.string())),
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

TEST(CliUsageTest, UnknownCommandListsTheCommandsAndTheClosestOne) {
  Result r = RunCli("buidl job/");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.err,
      "sm-report: unknown command 'buidl'; commands: build, render, rules, diff (did you mean "
      "'build'?)\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(
      RunCli("rendr x").err,
      "sm-report: unknown command 'rendr'; commands: build, render, rules, diff (did you mean "
      "'render'?)\n");
  EXPECT_EQ(RunCli("rule").err,
            "sm-report: unknown command 'rule'; commands: build, render, rules, diff (did you mean "
            "'rules'?)\n");
  r = RunCli("frobnicate");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "sm-report: unknown command 'frobnicate'; commands: build, render, rules, diff\n");
}

TEST(CliUsageTest, NoCommandPrintsTheUsageAndExitsTwo) {
  const Result r = RunCli("");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("Usage: sm-report"), std::string::npos) << r.err;
  for (const char* command : {"build", "render", "rules"}) {
    EXPECT_NE(r.err.find(command), std::string::npos) << command;
  }
}

TEST(CliUsageTest, OptionErrorsNameTheCommand) {
  ExpectUsageError(RunCli("build --no-such-option x"), "sm-report build --help");
  ExpectUsageError(RunCli("build"), "sm-report: build: DIR is required");
}

TEST(CliRuleParamTest, AParameterWithoutTheOptionIsExplained) {
  const std::string in = (Scratch("rule-param-form") / "no-input").string();
  // The second parameter would otherwise have been taken for DIR.
  Result r = RunCli(fmt::format(
      "build --rule-param LowGPUUtilization.window=5 LowGPUUtilization.patience=7 '{}'", in));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "sm-report: 'LowGPUUtilization.patience=7' looks like a rule parameter; repeat "
            "--rule-param for each one: --rule-param LowGPUUtilization.window=5 --rule-param "
            "LowGPUUtilization.patience=7\n");
  // After DIR, in SageMaker's spelling.
  r = RunCli(fmt::format("build '{}' --rule-param A.b=1 CPUBottleneck_threshold=20", in));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "sm-report: 'CPUBottleneck_threshold=20' looks like a rule parameter; repeat "
            "--rule-param for each one: --rule-param A.b=1 --rule-param "
            "CPUBottleneck_threshold=20\n");
  // Without any --rule-param.
  r = RunCli("build B=2");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "sm-report: 'B=2' looks like a rule parameter; set it with --rule-param B=2\n");
  // Two folders.
  r = RunCli("build dir-a dir-b");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "sm-report: build takes one DIR, got 2: 'dir-a', 'dir-b' (see sm-report build "
            "--help)\n");
  ExpectUsageError(RunCli("render dir-a dir-b"), "render takes one DIR, got 2");
}

TEST(CliRuleParamTest, RepeatedAndEqualsFormsBothReachTheConfiguration) {
  // The configuration is checked before the input, so a bad value in the
  // last occurrence shows that every occurrence was read.
  const std::string in = (Scratch("rule-param-forms") / "no-input").string();
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param=LowGPUUtilization.window=0", in)),
                   "rule LowGPUUtilization: parameter 'window' has invalid value '0'");
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param LowGPUUtilization.window=5 "
                                      "--rule-param=LowGPUUtilization.patience=0",
                                      in)),
                   "parameter 'patience' has invalid value '0'");
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param=BatchSize.window=5 "
                                      "--rule-param LoadBalancing.patience=-1",
                                      in)),
                   "rule LoadBalancing: parameter 'patience' has invalid value '-1'");
  // All good: the error is about the missing input.
  ExpectUsageError(RunCli(fmt::format("build '{}' --rule-param=BatchSize.window=5 "
                                      "--rule-param LoadBalancing.patience=10",
                                      in)),
                   "input directory does not exist");
}

TEST(CliBuildTest, ConfigFileErrorsNameLineAndColumn) {
  const fs::path dir = Scratch("build-config-errors");
  std::ofstream(dir / "dup.json") << "{\"BatchSize\": {\"window\": 5,\n  \"window\": 6}}";
  std::ofstream(dir / "range.json") << "{\n  \"StepOutlier\": {\"stddev\": 0}\n}";
  const std::string in = (dir / "no-input").string();
  const Result dup =
      RunCli(fmt::format("build '{}' --config '{}'", in, (dir / "dup.json").string()));
  ExpectUsageError(dup, fmt::format("config file {}, line 2, column 3: duplicate key \"window\" "
                                    "in \"BatchSize\"",
                                    (dir / "dup.json").string()));
  const Result range =
      RunCli(fmt::format("build '{}' --config '{}'", in, (dir / "range.json").string()));
  ExpectUsageError(range, fmt::format("config file {}, line 2, column 19: rule StepOutlier: "
                                      "parameter 'stddev' has invalid value '0' (allowed: a "
                                      "number greater than 0)",
                                      (dir / "range.json").string()));
}

TEST(CliInputKindTest, BuildOnRuleJsonsSuggestsRender) {
  const fs::path set = kSingleGpu / "profiler-reports";
  Result r = RunCli(fmt::format("build '{}' -o '{}'", set.string(),
                                (Scratch("build-on-jsons") / "out").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("sm-report: {} holds rule JSONs, not profiler data; use "
                               "`sm-report render {}`\n",
                               set.string(), set.string()));
  // The folder above the set too.
  ExpectUsageError(RunCli(fmt::format("build '{}' -o '{}'", kSingleGpu.string(),
                                      (Scratch("build-on-jsons") / "out").string())),
                   fmt::format("use `sm-report render {}`", kSingleGpu.string()));
  // An empty folder gets the plain message.
  ExpectUsageError(RunCli(fmt::format("build '{}'", Scratch("build-on-nothing").string())),
                   "no profiler data found");
}

#ifdef SMR_SAMPLE_GEN
// A small generated job (3 minutes, 1 node) below the scratch folder.
fs::path SampleJob(const std::string& name) {
  const fs::path job = Scratch(name) / "job";
  EXPECT_EQ(std::system(fmt::format("'{}' --out '{}' --scenario healthy --minutes 3 > /dev/null "
                                    "2>&1",
                                    SMR_SAMPLE_GEN, job.string())
                            .c_str()),
            0);
  return job;
}

TEST(CliInputKindTest, RenderOnProfilerDataSuggestsBuild) {
  const fs::path job = SampleJob("render-on-data");
  const Result r =
      RunCli(fmt::format("render '{}' -o '{}'", job.string(), (job / ".." / "out").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("sm-report: {} holds profiler data, not rule JSONs; use "
                               "`sm-report build {}`\n",
                               job.string(), job.string()));
}

TEST(CliQuietTest, QuietPrintsNothingOnSuccess) {
  const fs::path job = SampleJob("quiet");
  const fs::path out = job.parent_path() / "report";
  Result r = RunCli(fmt::format("build '{}' -o '{}' -q", job.string(), out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(fs::is_regular_file(out / "profiler-report.html"));
  EXPECT_TRUE(fs::is_regular_file(out / "profiler-reports" / "LowGPUUtilization.json"));
  r = RunCli(fmt::format("render '{}' -o '{}' --quiet --format html", out.string(),
                         (out / "rendered").string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(fs::is_regular_file(out / "rendered" / "profiler-report.html"));
  // Without it: the paths written on stdout, progress on stderr.
  r = RunCli(fmt::format("build '{}' -o '{}' --format json", job.string(), out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find((out / "profiler-reports" / "LowGPUUtilization.json").string() + "\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("reading "), std::string::npos) << r.err;
  // Errors are still printed.
  ExpectUsageError(RunCli(fmt::format("build '{}' -q", (job / "missing").string())),
                   "does not exist");
}

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

  std::ofstream(root / "rules.json") << R"({"LowGPUUtilization": {"window": 300, "threshold_p5": 5},
             "BatchSize": {"enabled": false}})";
  r = RunCli(fmt::format(
      "build '{}' -o '{}' --format html,json --config '{}' "
      "--rule-param=LowGPUUtilization.window=400 --rule-param MaxInitializationTime_threshold=25",
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
