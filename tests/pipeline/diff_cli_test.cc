// `sm-report diff` through the binary: outputs, the verdict on stderr, the
// precedence of --job over --describe over a describe JSON beside the input
// over the config, labels, usage errors (exit 2, one line) and
// --fail-on-regression (exit 3). Inputs: tests/data/diff.
#include <algorithm>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

#ifdef SMR_CLI

namespace {

namespace fs = std::filesystem;
using Result = smr::testing::CommandResult;
using smr::testing::ReadFile;
using smr::testing::WriteFile;

const fs::path kData = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "diff";

Result RunCli(const std::string& args) {
  return smr::testing::RunCommandCapture(fmt::format("'{}' {}", SMR_CLI, args));
}

std::string Job(const std::string& name) { return "'" + (kData / name).string() + "'"; }

void ExpectUsageError(const Result& r, const std::string& mentions) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

nlohmann::json DiffJson(const fs::path& out) {
  return nlohmann::json::parse(ReadFile(out / "diff-report.json"));
}

TEST(DiffCliTest, WritesFourOutputsAndPrintsTheVerdict) {
  const fs::path out = smr::testing::ScratchDir("diff-out");
  const Result r =
      RunCli(fmt::format("diff {} {} --job 1=ml.p3.2xlarge --job bs1024=ml.p3.2xlarge "
                         "-o '{}'",
                         Job("bs64"), Job("bs1024"), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* ext : {"html", "pdf", "md", "json"}) {
    const fs::path p = out / fmt::format("diff-report.{}", ext);
    EXPECT_TRUE(fs::is_regular_file(p)) << p;
    EXPECT_NE(r.out.find(p.string() + "\n"), std::string::npos) << r.out;
  }
  EXPECT_EQ(r.err,
            "bs1024 vs bs64: training 95.1 % faster, cost $18.45 (95.1 %) lower; 2 rules no "
            "longer triggered; no regressions\n");
  const std::string html = ReadFile(out / "diff-report.html");
  EXPECT_NE(html.find("<p class=\"eyebrow\">Job comparison</p>"), std::string::npos);
  EXPECT_NE(html.find("<h1>sm-report diff: bs64 vs bs1024</h1>"), std::string::npos);
  EXPECT_NE(html.find("$19.40"), std::string::npos);
  EXPECT_EQ(ReadFile(out / "diff-report.pdf").rfind("%PDF", 0), 0u);
  EXPECT_NE(ReadFile(out / "diff-report.md")
                .find("| Job duration | 18,262 s | 895 s | -95.1 % "
                      "(-17,367 s) improvement |"),
            std::string::npos);
}

TEST(DiffCliTest, FormatSelectsOutputsAndQuietPrintsNothing) {
  const fs::path out = smr::testing::ScratchDir("diff-md");
  const Result r = RunCli(fmt::format("diff {} {} --format md,json -q -o '{}'", Job("bs64"),
                                      Job("bs1024"), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(fs::exists(out / "diff-report.md"));
  EXPECT_FALSE(fs::exists(out / "diff-report.html"));
  // No instance type given: the cost is unknown, not an error.
  EXPECT_EQ(DiffJson(out)["jobs"][0]["cost"]["cost_usd"], nullptr);
}

TEST(DiffCliTest, FailOnRegressionExitsThreeOnlyWithARegression) {
  const fs::path out = smr::testing::ScratchDir("diff-gate");
  Result r = RunCli(fmt::format("diff {} {} --fail-on-regression --format json -o '{}'",
                                Job("bs64"), Job("bs1024"), out.string()));
  EXPECT_EQ(r.code, 0) << r.err;
  r = RunCli(fmt::format("diff {} {} --fail-on-regression --format json -o '{}'", Job("bs1024"),
                         Job("bs1024-2x"), out.string()));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("regresses against the baseline (--fail-on-regression)"), std::string::npos);
  EXPECT_TRUE(DiffJson(out)["regression"].get<bool>());  // still written
  r = RunCli(fmt::format("diff {} {} --format json -o '{}'", Job("bs1024"), Job("bs1024-2x"),
                         out.string()));
  EXPECT_EQ(r.code, 0) << r.err;  // without the flag a regression is only reported
}

// Job folders in the scratch area: <root>/<name>/profiler-output/findings.json
// (copied from tests/data/diff/<data>), so the label is <name>.
fs::path CopyJob(const fs::path& root, const std::string& name, const std::string& data) {
  const fs::path dir = root / name / "profiler-output";
  WriteFile(dir / "findings.json", ReadFile(kData / data / "findings.json"));
  return dir;
}

TEST(DiffCliTest, InstancePrecedenceJobOverDescribeOverBesideOverConfig) {
  const fs::path root = smr::testing::ScratchDir("diff-precedence");
  const fs::path a = CopyJob(root, "a", "bs64");
  const fs::path b = CopyJob(root, "b", "bs1024");
  const fs::path c = CopyJob(root, "c", "bs1024");
  const fs::path d = CopyJob(root, "d", "bs1024");
  // b, c, d have a describe JSON beside their input (in the job folder).
  for (const fs::path& p : {b, c, d}) {
    WriteFile(p.parent_path() / "training-job.json",
              R"({"ResourceConfig": {"InstanceType": "ml.g4dn.xlarge", "InstanceCount": 1},
                  "TrainingTimeInSeconds": 900, "BillableTimeInSeconds": 900})");
  }
  const fs::path spot = kData / "describe-spot.json";
  const fs::path config =
      WriteFile(root / "diff.json",
                R"({"jobs": {"a": {"instance_type": "ml.m5.xlarge", "instance_count": 3},
                   "b": {"instance_type": "ml.m5.xlarge"}}})");
  const fs::path out = root / "out";
  const Result r = RunCli(
      fmt::format("diff '{}' '{}' '{}' '{}' --config '{}' --describe c='{}' --describe 4='{}' "
                  "--job d=ml.p3.8xlarge:2 --format json -o '{}'",
                  a.string(), b.string(), c.string(), d.string(), config.string(), spot.string(),
                  spot.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = DiffJson(out);
  const auto cost = [&](int i) { return j["jobs"][i]["cost"]; };
  EXPECT_EQ(j["jobs"][0]["label"], "a");
  // a: only the config -> 3 x ml.m5.xlarge billed for the profiled 18,262 s.
  EXPECT_EQ(cost(0)["instance_type"], "ml.m5.xlarge");
  EXPECT_EQ(cost(0)["instance_count"], 3);
  EXPECT_EQ(cost(0)["instance_source"], fmt::format("config {}", config.string()));
  EXPECT_NEAR(cost(0)["cost_usd"].get<double>(), 18262.0 * 3 * 0.23 / 3600, 1e-9);
  // b: the describe JSON beside the input wins over the config.
  EXPECT_EQ(cost(1)["instance_type"], "ml.g4dn.xlarge");
  EXPECT_EQ(cost(1)["billed_from"], "describe-training-job");
  EXPECT_NEAR(cost(1)["cost_usd"].get<double>(), 900 * 0.736 / 3600, 1e-9);
  // c: --describe wins over the JSON beside it: 2 x ml.p3.2xlarge, spot,
  // 400 billable s: 400 x 2 x 3.825 / 3600 = $0.85, saving 60 %.
  EXPECT_EQ(cost(2)["instance_type"], "ml.p3.2xlarge");
  EXPECT_EQ(cost(2)["instance_count"], 2);
  EXPECT_NEAR(cost(2)["cost_usd"].get<double>(), 0.85, 1e-9);
  EXPECT_NEAR(cost(2)["managed_spot_saving_pct"].get<double>(), 60.0, 1e-9);
  // d: --job wins over --describe (named by position 4); the describe JSON
  // still gives the billed time: 400 x 2 x 14.688 / 3600 = $3.264.
  EXPECT_EQ(cost(3)["instance_type"], "ml.p3.8xlarge");
  EXPECT_EQ(cost(3)["instance_source"], "--job");
  EXPECT_NEAR(cost(3)["cost_usd"].get<double>(), 400.0 * 2 * 14.688 / 3600, 1e-9);
}

TEST(DiffCliTest, LabelsFromFoldersAndRepeatedNames) {
  const fs::path root = smr::testing::ScratchDir("diff-labels");
  const fs::path a = CopyJob(root / "x", "job", "bs64");
  const fs::path b = CopyJob(root / "y", "job", "bs1024");
  const fs::path out = root / "out";
  const Result r =
      RunCli(fmt::format("diff '{}' '{}' --job 'job (2)=ml.p3.2xlarge' --format "
                         "json -o '{}'",
                         a.string(), b.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = DiffJson(out);
  EXPECT_EQ(j["jobs"][0]["label"], "job");
  EXPECT_EQ(j["jobs"][1]["label"], "job (2)");
  EXPECT_EQ(j["jobs"][1]["cost"]["instance_type"], "ml.p3.2xlarge");
}

// Rule-JSON folders are read as `render` reads them: the states the diff
// compares are the ones render's own findings.json gives.
TEST(DiffCliTest, RuleJsonFoldersAreReadAsRenderReadsThem) {
  const fs::path root = smr::testing::ScratchDir("diff-rule-jsons");
  const fs::path sets = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets";
  const Result r =
      RunCli(fmt::format("diff '{}' '{}' --format json -o '{}'", (sets / "single-gpu").string(),
                         (sets / "four-gpus").string(), (root / "out").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json d = DiffJson(root / "out");
  EXPECT_EQ(d["jobs"][0]["label"], "single-gpu");
  EXPECT_EQ(d["jobs"][0]["source"]["kind"], "rule-jsons");
  for (const auto& [i, set] : {std::pair{0, "single-gpu"}, std::pair{1, "four-gpus"}}) {
    const fs::path own = root / set;
    ASSERT_EQ(RunCli(fmt::format("render '{}' -o '{}' -q --format html", (sets / set).string(),
                                 own.string()))
                  .code,
              0);
    const nlohmann::json f = nlohmann::json::parse(ReadFile(own / "findings.json"));
    ASSERT_EQ(d["rules"].size(), f["rules"].size());
    for (size_t k = 0; k < f["rules"].size(); ++k) {
      EXPECT_EQ(d["rules"][k]["name"], f["rules"][k]["name"]);
      EXPECT_EQ(d["rules"][k]["states"][i], f["rules"][k]["state"]) << set;
    }
    EXPECT_EQ(d["jobs"][i]["facts"]["duration_s"], f["job"]["duration_s"]) << set;
  }
}

TEST(DiffCliTest, AFolderWithProfilerDataAndRuleJsonsIsAmbiguous) {
  const fs::path root = smr::testing::ScratchDir("diff-ambiguous");
  const fs::path job = root / "job";
  fs::create_directories(job / "profiler-output" / "system");
  fs::copy(fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "rule_sets" / "single-gpu",
           job / "rule-output", fs::copy_options::recursive);
  ExpectUsageError(RunCli(fmt::format("diff {} '{}' -o '{}'", Job("bs64"), job.string(),
                                      (root / "out").string())),
                   "holds both profiler data");
}

TEST(DiffCliTest, UsageErrorsAreOneLineAndExitTwo) {
  const fs::path root = smr::testing::ScratchDir("diff-usage");
  const std::string out = fmt::format(" -o '{}'", (root / "out").string());
  ExpectUsageError(RunCli("diff " + Job("bs64") + out), "diff compares at least two jobs, got 1");
  ExpectUsageError(
      RunCli(fmt::format("diff {} '{}'{}", Job("bs64"), (root / "missing").string(), out)),
      "missing: no such file or directory");
  fs::create_directories(root / "empty");
  ExpectUsageError(
      RunCli(fmt::format("diff {} '{}'{}", Job("bs64"), (root / "empty").string(), out)),
      "no findings.json, profiler data or SageMaker rule JSONs found");
  ExpectUsageError(
      RunCli(fmt::format("diff {} {} --job bs64:ml.p3.2xlarge{}", Job("bs64"), Job("bs1024"), out)),
      "--job 'bs64:ml.p3.2xlarge': expected NAME=ml.TYPE[:COUNT]");
  ExpectUsageError(
      RunCli(fmt::format("diff {} {} --job bs64=p3.2xlarge{}", Job("bs64"), Job("bs1024"), out)),
      "'p3.2xlarge' is not an instance type like ml.p3.2xlarge");
  ExpectUsageError(
      RunCli(fmt::format("diff {} {} --job zz=ml.p3.2xlarge{}", Job("bs64"), Job("bs1024"), out)),
      "no job 'zz' (jobs: bs64, bs1024; or a position 1-2)");
  ExpectUsageError(
      RunCli(fmt::format("diff {} {} --region mars-north-1{}", Job("bs64"), Job("bs1024"), out)),
      "unknown region 'mars-north-1'");
  const fs::path bad = WriteFile(root / "bad.json", R"({"thresholds": {"gpu": 5}})");
  ExpectUsageError(RunCli(fmt::format("diff {} {} --config '{}'{}", Job("bs64"), Job("bs1024"),
                                      bad.string(), out)),
                   fmt::format("config {}: unknown key 'thresholds.gpu'", bad.string()));
  const fs::path v2 = WriteFile(root / "v2" / "findings.json", R"({"schema_version": 2})");
  ExpectUsageError(
      RunCli(fmt::format("diff {} '{}'{}", Job("bs64"), v2.parent_path().string(), out)),
      fmt::format("{}: findings.json schema_version 2 is not supported", v2.string()));
  ExpectUsageError(
      RunCli(fmt::format("diff {} {} --format html,docx{}", Job("bs64"), Job("bs1024"), out)),
      "unknown format 'docx'");
  EXPECT_FALSE(fs::exists(root / "out"));  // nothing written on a usage error
}

}  // namespace

#endif  // SMR_CLI
