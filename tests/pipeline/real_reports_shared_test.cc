// Render mode and the sm-report binary on the 12 real SageMaker rule-JSON
// sets (shared-data tests: they run only when the optional shared folder
// exists, see tests/CMakeLists.txt). Expected numbers come from the real
// JSON files and the real HTML reports. pipeline_test.cc and cli_test.cc
// check the same behaviour on the hand-made sets of tests/data/rule_sets.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "smr/pipeline.h"
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

const fs::path kRealReports = fs::path(SMR_SHARED_DIR) / "real-reports";

using testing::ReadFile;

// The file names of BuildSummary::written.
std::set<std::string> WrittenNames(const std::vector<std::string>& written) {
  std::set<std::string> names;
  for (const std::string& p : written) names.insert(fs::path(p).filename().string());
  return names;
}

// A fresh scratch directory per test (removed when the binary ends).
fs::path Scratch(const std::string& name) { return testing::ScratchDir(name); }

std::vector<fs::path> RealSets() {
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(kRealReports)) {
    if (e.is_directory() && fs::is_directory(e.path() / "profiler-reports")) {
      sets.push_back(e.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

fs::path Afi83Set() {
  return kRealReports /
         "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter";
}

void CopySet(const fs::path& set, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(set / "profiler-reports")) {
    fs::copy_file(e.path(), to / e.path().filename());
  }
}

bool HasTempFile(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

// The HTML rules-summary table: rule name -> first numeric cell (the
// "Number of times rule triggered" column).
std::map<std::string, std::string> RulesTableTriggered(const std::string& html) {
  std::map<std::string, std::string> out;
  const size_t start = html.find("id=\"rules-summary\"");
  if (start == std::string::npos) return out;
  const size_t end = html.find("<section", start + 1);
  const std::string part =
      html.substr(start, end == std::string::npos ? std::string::npos : end - start);
  static const std::regex kRow(R"(<tr[^>]*><td[^>]*>([A-Za-z]+)</td>(.*?)</tr>)");
  static const std::regex kNum(R"re(<td class="[^"]*num[^"]*">([^<]*)</td>)re");
  for (auto it = std::sregex_iterator(part.begin(), part.end(), kRow); it != std::sregex_iterator();
       ++it) {
    const std::string rest = (*it)[2];
    std::smatch num;
    if (std::regex_search(rest, num, kNum)) out.emplace((*it)[1], num[1]);
  }
  return out;
}

TEST(FindRuleJsonDirSharedTest, AcceptsTheProfilerReportsFolderItself) {
  const fs::path dir = Afi83Set() / "profiler-reports";
  StatusOr<std::string> found = FindRuleJsonDir(dir.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), dir);
}

TEST(FindRuleJsonDirSharedTest, FindsTheSageMakerDownloadLayoutAndIgnoresCheckpoints) {
  const fs::path root = Scratch("find-nested");
  const fs::path reports =
      root / "rule-output" / "ProfilerReport-1639601700" / "profiler-output" / "profiler-reports";
  CopySet(Afi83Set(), reports);
  // Jupyter checkpoints: a copy of the set inside hidden folders.
  CopySet(Afi83Set(), reports / ".ipynb_checkpoints");
  CopySet(Afi83Set(), root / ".ipynb_checkpoints" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), reports);
}

TEST(FindRuleJsonDirSharedTest, SeveralSetsAreAnErrorListingThem) {
  const fs::path root = Scratch("find-several");
  CopySet(Afi83Set(), root / "job-a" / "profiler-reports");
  CopySet(Afi83Set(), root / "job-b" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_FALSE(found.ok());
  const std::string& msg = found.status().message();
  EXPECT_NE(msg.find("job-a"), std::string::npos) << msg;
  EXPECT_NE(msg.find("job-b"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

TEST(FindRuleJsonDirSharedTest, NothingFoundSaysWhatWasLookedFor) {
  const fs::path root = Scratch("find-none");
  fs::create_directories(root / "profiler-reports");
  std::ofstream(root / "profiler-reports" / "notes.json") << "{}";
  // Too deep to be searched.
  CopySet(Afi83Set(), root / "1" / "2" / "3" / "4" / "5" / "6" / "7" / "profiler-reports");
  StatusOr<std::string> found = FindRuleJsonDir(root.string());
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().message().find("profiler-reports"), std::string::npos)
      << found.status().message();
  EXPECT_FALSE(FindRuleJsonDir((root / "missing").string()).ok());
}

TEST(RunRenderSharedTest, RendersEveryRealSetToHtmlAndPdf) {
  const std::vector<fs::path> sets = RealSets();
  ASSERT_EQ(sets.size(), 12u);
  for (const fs::path& set : sets) {
    SCOPED_TRACE(set.filename().string());
    const fs::path out = Scratch("render-" + set.filename().string());
    RenderOptions opts;
    opts.input_dir = set.string();
    opts.out_dir = out.string();
    opts.quiet = true;
    StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    EXPECT_EQ(summary->warnings, 0);
    // The report and findings.json (render writes no rule JSONs).
    EXPECT_EQ(
        WrittenNames(summary->written),
        (std::set<std::string>{"profiler-report.html", "profiler-report.pdf", "findings.json"}));
    const nlohmann::json findings = nlohmann::json::parse(ReadFile(out / "findings.json"));
    EXPECT_EQ(findings["source"]["kind"], "rule-jsons");
    int triggered = 0;
    for (const auto& r : findings["rules"]) triggered += r["state"] == "triggered" ? 1 : 0;
    EXPECT_EQ(triggered, summary->rules_triggered);
    const std::string html = ReadFile(out / "profiler-report.html");
    const std::string pdf = ReadFile(out / "profiler-report.pdf");
    ASSERT_GE(pdf.size(), 5u);
    EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
    EXPECT_NE(html.find("</html>"), std::string::npos);
    EXPECT_FALSE(HasTempFile(out));
    EXPECT_FALSE(fs::exists(out / "profiler-reports"));  // render writes no rule JSONs

    // The rules table shows each rule's RuleTriggered from its JSON.
    const std::map<std::string, std::string> table = RulesTableTriggered(html);
    int rows = 0;
    for (const auto& e : fs::directory_iterator(set / "profiler-reports")) {
      const std::string rule = e.path().stem().string();
      if (rule == "OverallSystemUsage" || rule == "OverallFrameworkMetrics") continue;
      const nlohmann::json j = nlohmann::json::parse(ReadFile(e.path()));
      auto it = table.find(rule);
      ASSERT_NE(it, table.end()) << rule;
      EXPECT_EQ(it->second, std::to_string(j["RuleTriggered"].get<int64_t>())) << rule;
      ++rows;
    }
    EXPECT_EQ(rows, 9);
  }
}

TEST(RunRenderSharedTest, JobSummaryOfAfi83MatchesTheRealReport) {
  // Afi83's real HTML report: job 1079 s, training loop 908 s,
  // initialization 169 s.
  const fs::path out = Scratch("render-afi83-summary");
  RenderOptions opts;
  opts.input_dir = (Afi83Set() / "profiler-reports").string();
  opts.out_dir = out.string();
  opts.pdf = false;
  opts.quiet = true;
  StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(WrittenNames(summary->written),
            (std::set<std::string>{"profiler-report.html", "findings.json"}));
  EXPECT_FALSE(fs::exists(out / "profiler-report.pdf"));
  EXPECT_EQ(summary->rules_triggered, 3);  // GPUMemoryIncrease, LowGPUUtilization, CPUBottleneck
  const std::string html = ReadFile(out / "profiler-report.html");
  const size_t start = html.find("id=\"training-job-summary\"");
  ASSERT_NE(start, std::string::npos);
  const std::string part = html.substr(start, html.find("<section", start + 1) - start);
  // Rounded from job 1079.4997 s, loop 908.1787 s, initialization
  // 169.8295 s (SageMaker's own report truncates them: 1079, 908, 169).
  for (const char* seconds : {"1079", "908", "170"}) {
    EXPECT_TRUE(std::regex_search(part, std::regex(std::string(seconds) + R"(\s*(s|seconds)\b)")))
        << seconds;
  }
}

// (A broken or missing rule JSON: RunRenderTest.MissingOrBrokenRuleJsonsAreShownInTheReport
// in pipeline_test.cc, on a hand-made set.)

#ifdef SMR_CLI
const fs::path kAfi83 =
    kRealReports / "Afi83__CD0387-deep-learning-topics-within-computer-vision-nlp-project-starter";

using Result = testing::CommandResult;

// Runs sm-report with `args` (built only from test-controlled paths).
Result RunCli(const std::string& args) {
  return testing::RunCommandCapture(fmt::format("'{}' {}", SMR_CLI, args));
}

// A usage error: exit 2 and exactly one line on stderr.
void ExpectUsageError(const Result& r, const std::string& mentions) {
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
}

TEST(CliRenderSharedTest, WritesHtmlAndPdfFromARealSet) {
  const fs::path out = Scratch("render-ok");
  const Result r = RunCli(fmt::format("render '{}' -o '{}'", kAfi83.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("profiler-report.html"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("profiler-report.pdf"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(out / "profiler-report.html"));
  EXPECT_TRUE(fs::exists(out / "profiler-report.pdf"));
}

TEST(CliRenderSharedTest, FormatSelectsOutputsAndRejectsJson) {
  const fs::path out = Scratch("render-format");
  const Result r =
      RunCli(fmt::format("render '{}' -o '{}' --format html -q", kAfi83.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "profiler-report.html"));
  EXPECT_FALSE(fs::exists(out / "profiler-report.pdf"));
  ExpectUsageError(
      RunCli(fmt::format("render '{}' -o '{}' --format json", kAfi83.string(), out.string())),
      "json");
}

TEST(CliRenderSharedTest, SeveralSetsExitTwo) {
  const fs::path out = Scratch("render-several");
  ExpectUsageError(RunCli(fmt::format("render '{}' -o '{}'", kRealReports.string(), out.string())),
                   "Afi83");
}

#endif  // SMR_CLI

}  // namespace
}  // namespace smr
