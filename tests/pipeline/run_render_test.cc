// RunRender (src/pipeline/run_render.cc) on the hand-made SageMaker-format
// sets of tests/data/rule_sets (expected numbers from make_sets.py and its
// README).
#include "smr/pipeline.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/pipeline/rule_sets.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr {
namespace {

namespace fs = std::filesystem;

using pipeline_test::CopySet;
using pipeline_test::HasTempFile;
using pipeline_test::kRuleSets;
using pipeline_test::SingleGpuSet;
using testing::ReadFile;

// The file names of BuildSummary::written.
std::set<std::string> WrittenNames(const std::vector<std::string>& written) {
  std::set<std::string> names;
  for (const std::string& p : written) names.insert(fs::path(p).filename().string());
  return names;
}

// A fresh scratch directory per test (removed when the binary ends).
fs::path Scratch(const std::string& name) { return testing::ScratchDir(name); }

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

// The HTML rules-summary table: rule name -> its State cell (the column
// after the name: "triggered", "ok", "not evaluated: <reason>", ...).
std::map<std::string, std::string> RulesTableState(const std::string& html) {
  std::map<std::string, std::string> out;
  const size_t start = html.find("id=\"rules-summary\"");
  if (start == std::string::npos) return out;
  const size_t end = html.find("<section", start + 1);
  const std::string part =
      html.substr(start, end == std::string::npos ? std::string::npos : end - start);
  static const std::regex kRow(R"(<tr[^>]*><td[^>]*>([A-Za-z]+)</td><td[^>]*>([^<]*)</td>)");
  for (auto it = std::sregex_iterator(part.begin(), part.end(), kRow); it != std::sregex_iterator();
       ++it) {
    out.emplace((*it)[1], (*it)[2]);
  }
  return out;
}

TEST(RunRenderTest, RendersEveryHandMadeSetToHtmlAndPdf) {
  const std::vector<std::string> sets = {"cpu-only-two-nodes", "four-gpus", "single-gpu",
                                         "system-only"};
  for (const std::string& set : sets) {
    SCOPED_TRACE(set);
    const fs::path out = Scratch("render-" + set);
    RenderOptions opts;
    opts.input_dir = (kRuleSets / set).string();  // system-only: SageMaker's download layout
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

    // The rules table shows each rule's RuleTriggered from its JSON (for
    // system-only, not the 99 of the .ipynb_checkpoints copies).
    StatusOr<std::string> dir = FindRuleJsonDir(opts.input_dir);
    ASSERT_TRUE(dir.ok()) << dir.status().message();
    const std::map<std::string, std::string> table = RulesTableTriggered(html);
    int rows = 0;
    for (const auto& e : fs::directory_iterator(*dir)) {
      if (!e.is_regular_file()) continue;
      const std::string rule = e.path().stem().string();
      if (rule == "OverallSystemUsage" || rule == "OverallFrameworkMetrics") continue;
      const nlohmann::json j = nlohmann::json::parse(ReadFile(e.path()));
      auto it = table.find(rule);
      ASSERT_NE(it, table.end()) << rule;
      EXPECT_EQ(it->second, std::to_string(j["RuleTriggered"].get<int64_t>())) << rule;
      EXPECT_NE(it->second, "99") << rule;
      ++rows;
    }
    EXPECT_EQ(rows, 9);
  }
}

TEST(RunRenderTest, JobSummaryOfTheSingleGpuSet) {
  // MaxInitializationTime.json: job 900.4997 s, training loop 749.75 s,
  // initialization 120.2496 s, shown rounded: 900, 750 and 120 seconds
  // (worked out in tests/report/sections/job_summary_section_test.cc).
  const fs::path out = Scratch("render-single-gpu-summary");
  RenderOptions opts;
  opts.input_dir = (SingleGpuSet() / "profiler-reports").string();
  opts.out_dir = out.string();
  opts.pdf = false;
  opts.quiet = true;
  StatusOr<BuildSummary> summary = RunRender(opts, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(WrittenNames(summary->written),
            (std::set<std::string>{"profiler-report.html", "findings.json"}));
  EXPECT_FALSE(fs::exists(out / "profiler-report.pdf"));
  // GPUMemoryIncrease, LowGPUUtilization, CPUBottleneck, Dataloader.
  EXPECT_EQ(summary->rules_triggered, 4);
  const std::string html = ReadFile(out / "profiler-report.html");
  const size_t start = html.find("id=\"training-job-summary\"");
  ASSERT_NE(start, std::string::npos);
  const std::string part = html.substr(start, html.find("<section", start + 1) - start);
  for (const char* seconds : {"900", "750", "120"}) {
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
  CopySet(SingleGpuSet(), reports);
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
  EXPECT_NE(
      log.str().find((reports / "Dataloader.json: \"Datapoints\" is not an integer").string()),
      std::string::npos)
      << log.str();
  EXPECT_EQ(log.str().find("notes.json"), std::string::npos) << log.str();

  // HTML: a row in the rules table with the reason as its state and no
  // count, and a note in the rule's section.
  const std::string html = ReadFile(root / "out" / "profiler-report.html");
  const auto table = RulesTableTriggered(html);
  const auto state = RulesTableState(html);
  EXPECT_EQ(state.at("BatchSize"), "unreadable: " + batch_error);
  EXPECT_EQ(table.at("BatchSize"), "-");
  EXPECT_EQ(state.at("LoadBalancing"), "missing: no LoadBalancing.json in " + reports.string());
  EXPECT_EQ(state.at("Dataloader"),
            "unreadable: Dataloader.json: &quot;Datapoints&quot; is not "
            "an integer");
  EXPECT_EQ(table.at("LowGPUUtilization"), "7");  // the others as before (the set's count)
  EXPECT_EQ(state.at("LowGPUUtilization"), "triggered");
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

}  // namespace
}  // namespace smr
