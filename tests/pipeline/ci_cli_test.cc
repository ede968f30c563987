// The sm-report binary in CI: every exit code (0 ok, 1 internal error, 2
// usage, 3 gate), --fail-on for build and render, findings.json always
// written, --junit and --summary-md, and the findings summary on stderr
// (docs/cli.md, docs/ci.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

#ifdef SMR_CLI
#ifdef SMR_SAMPLE_GEN

namespace {

namespace fs = std::filesystem;
using Result = smr::testing::CommandResult;
using smr::testing::ReadFile;

Result RunCli(const std::string& args) {
  return smr::testing::RunCommandCapture(fmt::format("'{}' {}", SMR_CLI, args));
}

// A generated CPU-bottleneck job (CPUBottleneck and LowGPUUtilization fire,
// docs/sample-data.md), made once per test binary.
const fs::path& CpuBottleneckJob() {
  static const fs::path job = [] {
    const fs::path dir = smr::testing::ScratchDir("ci-cli") / "cpu-bottleneck";
    const int rc = std::system(fmt::format("'{}' --out '{}' --scenario cpu-bottleneck > /dev/null",
                                           SMR_SAMPLE_GEN, dir.string())
                                   .c_str());
    EXPECT_EQ(rc, 0);
    return dir;
  }();
  return job;
}

fs::path Out(const std::string& name) { return smr::testing::ScratchDir("ci-cli-" + name); }

nlohmann::json Findings(const fs::path& out) {
  return nlohmann::json::parse(ReadFile(out / "findings.json"));
}

TEST(CiCliTest, NoGateExitsZeroAndPrintsTheFindingsSummary) {
  const fs::path out = Out("nogate");
  const Result r =
      RunCli(fmt::format("build '{}' -o '{}'", CpuBottleneckJob().string(), out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("sm-report: ISSUES FOUND: 2 of 11 rules triggered: CPUBottleneck, "
                       "LowGPUUtilization\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("\n  CPUBottleneck      CPU bottleneck"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n  LowGPUUtilization  counted under CPUBottleneck (finding 1)\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(
      r.err.find(fmt::format("sm-report: report: {}\n", (out / "profiler-report.html").string())),
      std::string::npos)
      << r.err;
  // findings.json is among the files written, and agrees with the rule JSONs.
  EXPECT_NE(r.out.find((out / "findings.json").string() + "\n"), std::string::npos);
  const nlohmann::json doc = Findings(out);
  EXPECT_EQ(doc["verdict"], "issues");
  // The scenario's shape (samples/README.md): 20 min, about 60 s before the
  // first step, one node with 4 GPUs, 7945 TRAIN and 1945 EVAL steps.
  EXPECT_NEAR(doc["job"]["duration_s"].get<double>(), 1200, 2);
  EXPECT_NEAR(doc["job"]["initialization_s"].get<double>(), 60, 5);
  EXPECT_EQ(doc["job"]["nodes"], nlohmann::json::array({"algo-1"}));
  EXPECT_EQ(doc["job"]["gpus"], 4);
  EXPECT_EQ(doc["metrics"]["step_time_s"]["TRAIN"]["steps"], 7945);
  EXPECT_EQ(doc["metrics"]["step_time_s"]["EVAL"]["steps"], 1945);
  // GPUs at 1-9 %, cores 0-5 at 91-99.5 % and 6-7 at 35-65 %.
  EXPECT_LT(doc["metrics"]["utilization_pct"]["gpu"]["p95"].get<double>(), 10);
  EXPECT_GT(doc["metrics"]["utilization_pct"]["cpu"]["p50"].get<double>(), 70);
  // Data quality as data-quality.json counts it.
  const nlohmann::json dq = nlohmann::json::parse(ReadFile(out / "data-quality.json"));
  for (const char* k : {"files_found", "files_read", "records_read", "records_skipped"}) {
    EXPECT_EQ(doc["data_quality"][k], dq["totals"][k]) << k;
  }
  EXPECT_EQ(doc["data_quality"]["clean"], dq["clean"]);
  for (const auto& rule : doc["rules"]) {
    const nlohmann::json sm = nlohmann::json::parse(
        ReadFile(out / "profiler-reports" / (rule["name"].get<std::string>() + ".json")));
    EXPECT_EQ(rule["triggered"], sm["RuleTriggered"]) << rule["name"];
    EXPECT_EQ(rule["violations"], sm["Violations"]) << rule["name"];
    EXPECT_EQ(rule["datapoints"], sm["Datapoints"]) << rule["name"];
    EXPECT_EQ(rule["state"] == "triggered", sm["RuleTriggered"].get<int>() > 0) << rule["name"];
  }
}

TEST(CiCliTest, FailOnATriggeredRuleExitsThreeAfterWritingEverything) {
  for (const char* gate : {"CPUBottleneck", "any", "stepoutlier,cpubottleneck"}) {
    SCOPED_TRACE(gate);
    const fs::path out = Out(std::string("gate-") + (gate[0] == 'a' ? "any" : "rule"));
    const Result r = RunCli(fmt::format("build '{}' -o '{}' --fail-on {} -q",
                                        CpuBottleneckJob().string(), out.string(), gate));
    EXPECT_EQ(r.code, 3) << r.err;
    // --quiet: only the gate's line.
    const std::string expected =
        std::string(gate) == "any" ? "CPUBottleneck, LowGPUUtilization" : "CPUBottleneck";
    EXPECT_EQ(r.err, fmt::format("sm-report: --fail-on: {} triggered (exit code 3)\n", expected));
    EXPECT_TRUE(fs::is_regular_file(out / "profiler-report.html"));
    EXPECT_TRUE(fs::is_regular_file(out / "findings.json"));
  }
}

TEST(CiCliTest, FailOnRulesThatDidNotTriggerExitsZero) {
  const fs::path out = Out("gate-quiet");
  for (const char* gate : {"none", "StepOutlier,IOBottleneck"}) {
    const Result r = RunCli(fmt::format("build '{}' -o '{}' --format json --fail-on {} -q",
                                        CpuBottleneckJob().string(), out.string(), gate));
    EXPECT_EQ(r.code, 0) << gate << r.err;
    EXPECT_EQ(r.err, "");
  }
}

TEST(CiCliTest, UnknownFailOnRuleIsAUsageErrorBeforeReadingData) {
  const Result r = RunCli(fmt::format("build '{}' -o '{}' --fail-on CPUBotleneck",
                                      CpuBottleneckJob().string(), Out("bad-gate").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("sm-report: --fail-on: unknown rule 'CPUBotleneck'; use any, none or "
                        "rule names: CPUBottleneck, ",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(Out("bad-gate") / "findings.json"));
}

TEST(CiCliTest, InternalErrorExitsOneWithOneLineAndWritesNothing) {
  const fs::path out = Out("internal");
  const Result r = smr::testing::RunCommandCapture(
      fmt::format("SMR_FAULT_INJECTION=internal-error '{}' build '{}' -o '{}'", SMR_CLI,
                  CpuBottleneckJob().string(), out.string()));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.err.rfind("sm-report: internal error: injected fault", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(out / "findings.json"));
}

TEST(CiCliTest, FindingsJsonIsWrittenWhateverTheFormats) {
  const fs::path out = Out("pdf-only");
  const Result r = RunCli(
      fmt::format("build '{}' -o '{}' --format pdf -q", CpuBottleneckJob().string(), out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  const nlohmann::json doc = Findings(out);
  EXPECT_TRUE(doc["outputs"]["html"].is_null());
  EXPECT_EQ(doc["outputs"]["pdf"], "profiler-report.pdf");
  EXPECT_TRUE(doc["outputs"]["rule_jsons"].is_null());
  EXPECT_FALSE(fs::exists(out / "profiler-reports"));
}

TEST(CiCliTest, JUnitAndMarkdownAreWrittenWhereAsked) {
  const fs::path out = Out("junit");
  const fs::path ci = Out("junit-ci") / "deeper";
  const Result r = RunCli(fmt::format("build '{}' -o '{}' -q --junit '{}' --summary-md '{}'",
                                      CpuBottleneckJob().string(), out.string(),
                                      (ci / "rules.xml").string(), (ci / "summary.md").string()));
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string xml = ReadFile(ci / "rules.xml");
  EXPECT_NE(xml.find("tests=\"11\" failures=\"2\""), std::string::npos) << xml.substr(0, 300);
  const std::string md = ReadFile(ci / "summary.md");
  EXPECT_EQ(md.rfind("### sm-report: issues found\n", 0), 0u);
  // The link is relative to the Markdown file's folder and resolves.
  const size_t open = md.find("Full report: [");
  ASSERT_NE(open, std::string::npos) << md;
  const size_t paren = md.find("](", open);
  const std::string link = md.substr(paren + 2, md.find(')', paren) - paren - 2);
  EXPECT_TRUE(fs::is_regular_file(ci / link)) << link;
}

// A SageMaker rule-JSON set in which CPUBottleneck fired too (single-gpu,
// where LowGPUUtilization, GPUMemoryIncrease and Dataloader fired, with its
// CPUBottleneck.json set to RuleTriggered 3).
fs::path TriggeredRuleSet() {
  const fs::path dir = Out("ruleset") / "profiler-reports";
  const fs::path src =
      fs::path(SMR_SOURCE_DIR) / "tests/data/rule_sets/single-gpu/profiler-reports";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(src)) {
    if (e.path().extension() != ".json") continue;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(ReadFile(e.path()));
    if (e.path().stem() == "CPUBottleneck") {
      j["RuleTriggered"] = 3;
      j["Violations"] = 700;
    }
    std::ofstream(dir / e.path().filename()) << j.dump();
  }
  return dir;
}

TEST(CiCliTest, RenderTakesTheSameGateAndWritesFindings) {
  const fs::path set = TriggeredRuleSet();
  const fs::path out = Out("render-gate");
  Result r = RunCli(fmt::format("render '{}' -o '{}' --format html --fail-on CPUBottleneck",
                                set.string(), out.string()));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("sm-report: ISSUES FOUND: 4 of 11 rules triggered: CPUBottleneck, "
                       "LowGPUUtilization, GPUMemoryIncrease, Dataloader\n"),
            std::string::npos)
      << r.err;
  const nlohmann::json doc = Findings(out);
  EXPECT_EQ(doc["source"]["kind"], "rule-jsons");
  EXPECT_TRUE(doc["data_quality"].is_null());
  r = RunCli(fmt::format("render '{}' -o '{}' --format html --fail-on StepOutlier -q", set.string(),
                         out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  r = RunCli(fmt::format("render '{}' -o '{}' --fail-on Nope", set.string(), out.string()));
  EXPECT_EQ(r.code, 2) << r.err;
}

}  // namespace

#endif  // SMR_SAMPLE_GEN
#endif  // SMR_CLI
