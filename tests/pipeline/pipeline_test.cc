// Pipeline tests (in-process): atomic file writes, finding a set of rule
// JSONs, and render mode on the 12 real SageMaker rule-JSON sets in
// shared/real-reports (expected numbers from real-reports/INDEX.md and the
// JSON files themselves).
#include "smr/pipeline.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

const fs::path kRealReports = fs::path(SMR_SHARED_DIR) / "real-reports";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
  const std::string part = html.substr(start, end == std::string::npos ? std::string::npos
                                                                       : end - start);
  static const std::regex kRow(R"(<tr[^>]*><td[^>]*>([A-Za-z]+)</td>(.*?)</tr>)");
  static const std::regex kNum(R"re(<td class="[^"]*num[^"]*">([^<]*)</td>)re");
  for (auto it = std::sregex_iterator(part.begin(), part.end(), kRow);
       it != std::sregex_iterator(); ++it) {
    const std::string rest = (*it)[2];
    std::smatch num;
    if (std::regex_search(rest, num, kNum)) out.emplace((*it)[1], num[1]);
  }
  return out;
}

// ---- WriteFileAtomic ----

TEST(WriteFileAtomicTest, CreatesMissingParentDirectories) {
  const fs::path dir = Scratch("atomic-create");
  const fs::path target = dir / "a" / "b" / "out.txt";
  ASSERT_TRUE(WriteFileAtomic(target.string(), "hello").ok());
  EXPECT_EQ(ReadFile(target), "hello");
}

TEST(WriteFileAtomicTest, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  const fs::path dir = Scratch("atomic-replace");
  const fs::path target = dir / "out.txt";
  std::ofstream(target) << "an older and longer content";
  ASSERT_TRUE(WriteFileAtomic(target.string(), "new").ok());
  EXPECT_EQ(ReadFile(target), "new");
  EXPECT_FALSE(HasTempFile(dir));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(WriteFileAtomicTest, FailsWhenTheParentIsAFile) {
  const fs::path dir = Scratch("atomic-fail");
  std::ofstream(dir / "blocker") << "x";
  const Status st = WriteFileAtomic((dir / "blocker" / "out.txt").string(), "data");
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(st.message().empty());
  EXPECT_FALSE(HasTempFile(dir));
}

// ---- FindRuleJsonDir ----

TEST(FindRuleJsonDirTest, AcceptsTheProfilerReportsFolderItself) {
  const fs::path dir = Afi83Set() / "profiler-reports";
  StatusOr<std::string> found = FindRuleJsonDir(dir.string());
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(fs::path(*found), dir);
}

TEST(FindRuleJsonDirTest, FindsTheSageMakerDownloadLayoutAndIgnoresCheckpoints) {
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

TEST(FindRuleJsonDirTest, SeveralSetsAreAnErrorListingThem) {
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

TEST(FindRuleJsonDirTest, NothingFoundSaysWhatWasLookedFor) {
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

// ---- RunRender ----

TEST(RunRenderTest, RendersEveryRealSetToHtmlAndPdf) {
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
    EXPECT_EQ(summary->written.size(), 2u);
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

TEST(RunRenderTest, JobSummaryOfAfi83MatchesTheRealReport) {
  // INDEX.md: job 1079 s, training loop 908 s, initialization 169 s.
  const fs::path out = Scratch("render-afi83-summary");
  RenderOptions opts;
  opts.input_dir = (Afi83Set() / "profiler-reports").string();
  opts.out_dir = out.string();
  opts.pdf = false;
  opts.quiet = true;
  StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->written.size(), 1u);
  EXPECT_FALSE(fs::exists(out / "profiler-report.pdf"));
  EXPECT_EQ(summary->rules_triggered, 3);  // GPUMemoryIncrease, LowGPUUtilization, CPUBottleneck
  const std::string html = ReadFile(out / "profiler-report.html");
  const size_t start = html.find("id=\"training-job-summary\"");
  ASSERT_NE(start, std::string::npos);
  const std::string part = html.substr(start, html.find("<section", start + 1) - start);
  for (const char* seconds : {"1079", "908", "169"}) {
    EXPECT_TRUE(std::regex_search(part, std::regex(std::string(seconds) + R"(\s*(s|seconds)\b)")))
        << seconds;
  }
}

// pdftotext of a PDF with all runs of white space (line breaks included)
// made one space, so that wrapped text reads as one line.
std::string PdfText(const fs::path& pdf) {
  const fs::path txt = pdf.string() + ".txt";
  if (std::system(fmt::format("pdftotext '{}' '{}'", pdf.string(), txt.string()).c_str()) != 0) {
    return "<pdftotext failed>";
  }
  const std::string raw = ReadFile(txt);
  fs::remove(txt);
  std::string out;
  for (char c : raw) {
    const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

TEST(RunRenderTest, MissingOrBrokenRuleJsonsAreShownInTheReport) {
  const fs::path root = Scratch("render-broken");
  const fs::path reports = root / "profiler-reports";
  CopySet(Afi83Set(), reports);
  // Broken JSON (a writer killed mid-file), a wrong envelope, a missing file.
  std::ofstream(reports / "BatchSize.json", std::ios::trunc) << "{\"RuleTriggered\": 1,";
  std::ofstream(reports / "Dataloader.json", std::ios::trunc)
      << R"({"RuleTriggered": 0, "Violations": 0, "Datapoints": "many", "Details": {}})";
  fs::remove(reports / "LoadBalancing.json");
  std::ofstream(reports / "notes.json") << "not a rule";  // not a rule name: ignored
  std::ofstream(reports / "README.md") << "# notes";
  RenderOptions opts;
  opts.input_dir = root.string();
  opts.out_dir = (root / "out").string();
  std::ostringstream log;
  StatusOr<BuildSummary> summary = RunRender(opts, &log);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->warnings, 3);
  // stderr names each file and what is wrong with it.
  const std::string batch_error =
      "BatchSize.json: not valid JSON: line 1, column 21: syntax error while parsing object key "
      "- unexpected end of input; expected string literal";
  EXPECT_NE(log.str().find((reports / batch_error).string()), std::string::npos) << log.str();
  EXPECT_NE(log.str().find((reports / "LoadBalancing.json: missing").string()), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find((reports / "Dataloader.json: \"Datapoints\" is not an integer").string()),
            std::string::npos)
      << log.str();
  EXPECT_EQ(log.str().find("notes.json"), std::string::npos) << log.str();

  // HTML: a row in the rules table with the reason in place of the count,
  // and a note in the rule's section.
  const std::string html = ReadFile(root / "out" / "profiler-report.html");
  const auto table = RulesTableTriggered(html);
  EXPECT_EQ(table.at("BatchSize"), "unreadable: " + batch_error);
  EXPECT_EQ(table.at("LoadBalancing"), "missing: no LoadBalancing.json in " + reports.string());
  EXPECT_EQ(table.at("Dataloader"), "unreadable: Dataloader.json: &quot;Datapoints&quot; is not "
                                    "an integer");
  EXPECT_EQ(table.at("LowGPUUtilization"), "10");  // the others as before
  for (const char* id : {"rule-batchsize", "rule-loadbalancing", "rule-dataloader"}) {
    EXPECT_NE(html.find(fmt::format("id=\"{}\"", id)), std::string::npos) << id;
  }
  EXPECT_NE(html.find("The BatchSize rule&#39;s result is unreadable: " + batch_error),
            std::string::npos);

  // PDF: the same words (pdftotext, line breaks joined).
  const std::string pdf = PdfText(root / "out" / "profiler-report.pdf");
  EXPECT_NE(pdf.find("unreadable: " + batch_error), std::string::npos) << pdf;
  // (Not the folder: a long path wraps at any '/' or '-'.)
  EXPECT_NE(pdf.find("missing: no LoadBalancing.json in "), std::string::npos) << pdf;
  EXPECT_NE(pdf.find("The LoadBalancing rule's result is missing: no LoadBalancing.json in "),
            std::string::npos);
  EXPECT_NE(pdf.find("The BatchSize rule's result is unreadable: " + batch_error),
            std::string::npos);
  EXPECT_NE(pdf.find("The Dataloader rule's result is unreadable: Dataloader.json: "
                     "\"Datapoints\" is not an integer"),
            std::string::npos);
  EXPECT_NE(pdf.find("Rules not read BatchSize (unreadable), LoadBalancing (missing), "
                     "Dataloader (unreadable)"),
            std::string::npos);
}

TEST(RunRenderTest, NoReadableRuleJsonIsAnError) {
  const fs::path root = Scratch("render-unreadable");
  fs::create_directories(root / "profiler-reports");
  std::ofstream(root / "profiler-reports" / "LowGPUUtilization.json") << "[]";
  RenderOptions opts;
  opts.input_dir = root.string();
  opts.out_dir = (root / "out").string();
  opts.quiet = true;
  StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
  EXPECT_FALSE(summary.ok());
  EXPECT_FALSE(fs::exists(root / "out"));
}

TEST(ProfilerReportRuleNamesTest, ElevenRulesInSageMakerOrder) {
  // rules-and-report.md §1.
  EXPECT_EQ(ProfilerReportRuleNames(),
            (std::vector<std::string>{"CPUBottleneck", "IOBottleneck", "LowGPUUtilization",
                                      "StepOutlier", "GPUMemoryIncrease", "BatchSize",
                                      "MaxInitializationTime", "LoadBalancing",
                                      "OverallSystemUsage", "Dataloader",
                                      "OverallFrameworkMetrics"}));
}

}  // namespace
}  // namespace smr
