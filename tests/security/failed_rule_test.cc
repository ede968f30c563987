// A rule that fails with an internal error (docs/security.md): shown as
// failed with its error in the rules table and in its rule JSON ("Error"
// after SageMaker's envelope), while the other rules and the report still
// come out; RunBuild counts it for `--strict`.
#include <unistd.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "security/hostile_job.h"
#include "smr/pipeline.h"
#include "smr/rule.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

using testing::ReadFile;

// Throws from Evaluate, with markup in the message (the error text is
// printed in the report, so it must be escaped like any input string).
class ThrowingRule : public Rule {
 public:
  std::string_view name() const override { return "ThrowingRule"; }
  std::string_view description() const override { return "Test-only rule that throws."; }
  std::string_view recommendation() const override { return "None."; }
  const std::vector<ParamSpec>& params() const override {
    static const std::vector<ParamSpec> kNone;
    return kNone;
  }
  Status SetParam(std::string_view, std::string_view) override { return Status::Ok(); }
  std::string RuleParameters() const override { return "threshold:1"; }
  RuleResult Evaluate(const AnalysisContext&) const override {
    throw std::out_of_range("index 7 <script>x</script> out of range");
  }
};

std::vector<std::unique_ptr<Rule>> RegistryWithThrowingRule() {
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  rules.insert(rules.begin() + 1, std::make_unique<ThrowingRule>());
  return rules;
}

class FailedRuleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Removed with the binary's scratch folder (testing/scratch.h).
    dir_ = new fs::path(testing::ScratchDir("failed-rule"));
    const fs::path root = testing::WriteHostileJob(*dir_ / "job");
    BuildOptions opts;
    opts.input_dir = root.string();
    opts.out_dir = (*dir_ / "out").string();
    opts.quiet = true;
    opts.make_rules = RegistryWithThrowingRule;
    std::ostringstream log;
    StatusOr<BuildSummary> built = RunBuild(opts, &log);
    ASSERT_TRUE(built.ok()) << built.status().message();
    summary_ = new BuildSummary(*built);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete summary_;
  }
  static fs::path* dir_;
  static BuildSummary* summary_;
};
fs::path* FailedRuleTest::dir_ = nullptr;
BuildSummary* FailedRuleTest::summary_ = nullptr;

TEST_F(FailedRuleTest, SummaryCountsTheFailedRule) {
  ASSERT_NE(summary_, nullptr);
  EXPECT_EQ(summary_->rules_failed, 1);
}

TEST_F(FailedRuleTest, RuleJsonKeepsTheEnvelopeAndAddsTheError) {
  const std::string text = ReadFile(*dir_ / "out" / "profiler-reports" / "ThrowingRule.json");
  ASSERT_FALSE(text.empty());
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"RuleTriggered", "Violations", "Details", "Datapoints",
                                            "RuleParameters", "Error"}));
  EXPECT_EQ(j["RuleTriggered"], 0);
  EXPECT_EQ(j["RuleParameters"], "threshold:1");
  const std::string error = j["Error"].get<std::string>();
  EXPECT_NE(error.find("ThrowingRule"), std::string::npos) << error;
  EXPECT_NE(error.find("index 7 <script>x</script> out of range"), std::string::npos) << error;
}

TEST_F(FailedRuleTest, OtherRulesStillWriteTheirJsonWithoutError) {
  int others = 0;
  std::vector<std::unique_ptr<Rule>> rules = CreateBuiltinRules();
  DropKinetoRules(false, &rules);  // the job has no Kineto traces
  for (const auto& rule : rules) {
    const fs::path p = *dir_ / "out" / "profiler-reports" / (std::string(rule->name()) + ".json");
    SCOPED_TRACE(p.string());
    ASSERT_TRUE(fs::is_regular_file(p));
    const nlohmann::json j = nlohmann::json::parse(ReadFile(p));
    EXPECT_FALSE(j.contains("Error"));
    ++others;
  }
  EXPECT_GE(others, 5);
}

TEST_F(FailedRuleTest, ReportShowsTheRuleAsFailedWithItsError) {
  const std::string html = ReadFile(*dir_ / "out" / "profiler-report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("ThrowingRule"), std::string::npos);
  EXPECT_NE(html.find("index 7 &lt;script&gt;x&lt;/script&gt; out of range"), std::string::npos);
  EXPECT_EQ(html.find("<script>x"), std::string::npos);
  // The rules table marks it failed.
  EXPECT_NE(html.find("failed: rule ThrowingRule failed"), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(*dir_ / "out" / "profiler-report.pdf"));
}

TEST_F(FailedRuleTest, RenderModeReadsTheErrorBack) {
  // `sm-report render` on the written JSONs: ThrowingRule is not one of
  // ProfilerReport's rules, so copy its JSON over one that is.
  const fs::path set = *dir_ / "render-in" / "profiler-reports";
  fs::create_directories(set);
  fs::copy_file(*dir_ / "out" / "profiler-reports" / "ThrowingRule.json",
                set / "LowGPUUtilization.json", fs::copy_options::overwrite_existing);
  RenderOptions ropts;
  ropts.input_dir = set.string();
  ropts.out_dir = (*dir_ / "rendered").string();
  ropts.quiet = true;
  ropts.pdf = false;
  std::ostringstream log;
  StatusOr<BuildSummary> rendered = RunRender(ropts, &log);
  ASSERT_TRUE(rendered.ok()) << rendered.status().message();
  const std::string html = ReadFile(*dir_ / "rendered" / "profiler-report.html");
  EXPECT_NE(html.find("index 7 &lt;script&gt;x&lt;/script&gt; out of range"), std::string::npos);
}

// With only the built-in rules nothing fails on the hostile job, so
// --strict keeps exit code 0 (the flag exists and does not misfire).
TEST_F(FailedRuleTest, StrictExitsZeroWhenNoRuleFailed) {
#ifndef SMR_CLI
  GTEST_SKIP() << "sm-report binary not built";
#else
  const std::string cmd = std::string("'") + SMR_CLI + "' build '" +
                          (*dir_ / "job" / "profiler-output").string() + "' -o '" +
                          (*dir_ / "strict-out").string() + "' -q --strict >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
#endif
}

}  // namespace
}  // namespace smr
