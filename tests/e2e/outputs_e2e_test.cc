// End-to-end: the real binaries on the default generated job: every output
// is written, self-contained and complete, the report shows the rule JSONs'
// numbers, identical inputs give identical outputs, and usage errors exit 2.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_jobs.h"
#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace {

namespace fs = std::filesystem;

using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::e2e::RuleJson;
using smr::testing::ReadFile;
using smr::testing::RunCommand;

TEST(EndToEndTest, DefaultSampleWritesAllOutputs) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  EXPECT_TRUE(fs::exists(job.out / "profiler-report.html"));
  EXPECT_TRUE(fs::exists(job.out / "profiler-report.pdf"));
  for (const char* rule : {"LowGPUUtilization", "BatchSize", "MaxInitializationTime",
                           "OverallSystemUsage", "OverallFrameworkMetrics"}) {
    EXPECT_TRUE(fs::exists(job.out / "profiler-reports" / (std::string(rule) + ".json"))) << rule;
  }
  // No temporary files left behind.
  for (const auto& e : fs::recursive_directory_iterator(job.out)) {
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST(EndToEndTest, SageMakerJobRunsOnlyTheProfilerReportRules) {
  // No Kineto traces: the rules on them are left out of every output.
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  std::vector<std::string> jsons;
  for (const auto& e : fs::directory_iterator(job.out / "profiler-reports")) {
    jsons.push_back(e.path().stem().string());
  }
  std::sort(jsons.begin(), jsons.end());
  std::vector<std::string> expected(std::begin(smr::e2e::kAllRules), std::end(smr::e2e::kAllRules));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(jsons, expected);
  const nlohmann::json doc = nlohmann::json::parse(ReadFile(job.out / "findings.json"));
  std::vector<std::string> listed;
  for (const auto& r : doc["rules"]) listed.push_back(r["name"].get<std::string>());
  EXPECT_EQ(listed, std::vector<std::string>(std::begin(smr::e2e::kAllRules),
                                             std::end(smr::e2e::kAllRules)));
  const std::string html = ReadFile(job.out / "profiler-report.html");
  for (const char* rule : {"DataloaderBound", "HostBound", "CommunicationBound", "Straggler",
                           "SyncCopies", "SmallKernels"}) {
    EXPECT_EQ(html.find(rule), std::string::npos) << rule;
  }
}

TEST(EndToEndTest, HtmlIsSelfContained) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = ReadFile(job.out / "profiler-report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  // One script, the page's own (templates/report.js), inline.
  EXPECT_NE(html.find("<script>\n/* sm-report page script"), std::string::npos);
  EXPECT_EQ(html.find("<script"), html.rfind("<script"));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

TEST(EndToEndTest, PdfHasEverySectionHeading) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string pdf = ReadFile(job.out / "profiler-report.pdf");
  ASSERT_GE(pdf.size(), 5u);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  std::string text;
  ASSERT_EQ(RunCommand(
                fmt::format("pdftotext -layout '{}' -", (job.out / "profiler-report.pdf").string()),
                &text),
            0);
  for (const char* heading :
       {"Training job summary", "System usage statistics", "Framework metrics summary",
        "Rules summary", "GPU utilization analysis", "Batch size", "Data quality"}) {
    EXPECT_NE(text.find(heading), std::string::npos) << heading;
  }
  const std::string html = ReadFile(job.out / "profiler-report.html");
  for (const char* heading :
       {"Training job summary", "System usage statistics", "Framework metrics summary",
        "Rules summary", "GPU utilization analysis", "Batch size"}) {
    EXPECT_NE(html.find(heading), std::string::npos) << heading;
  }
}

TEST(EndToEndTest, ReportShowsTheNumbersOfTheRuleJsons) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = ReadFile(job.out / "profiler-report.html");
  // Job duration as SageMaker derives it, int(job_end - job_start), over
  // all system data (data-quality.json's first and last sample), not only
  // the rule windows (MaxInitializationTime's job_end is the last sample
  // the rules saw, up to a minute earlier).
  const auto mit = RuleJson(job.out, "MaxInitializationTime");
  const auto dq = nlohmann::json::parse(ReadFile(job.out / "data-quality.json"));
  double start = 1e300, end = 0;
  for (const auto& n : dq["nodes"]) {
    if (n.value("system_samples", 0) == 0) continue;
    start = std::min(start, n["first_s"].get<double>());
    end = std::max(end, n["last_s"].get<double>());
  }
  EXPECT_NE(html.find(fmt::format("ran for {} seconds", static_cast<int64_t>(end - start))),
            std::string::npos);
  EXPECT_EQ(mit["Details"]["job_start"].get<double>(), start);
  EXPECT_LE(mit["Details"]["job_end"].get<double>(), end);
  const double first = mit["Details"]["step_num"]["first"].get<double>();
  const double last = mit["Details"]["step_num"]["last"].get<double>();
  // The training loop in whole seconds, rounded.
  EXPECT_NE(html.find(fmt::format("{} seconds", std::llround((last - first) / 1e6))),
            std::string::npos);
  // Rule trigger counts and datapoints appear in the rules summary.
  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_NE(
      html.find(fmt::format("analysed {} datapoints and triggered {} times",
                            low["Datapoints"].get<int64_t>(), low["RuleTriggered"].get<int64_t>())),
      std::string::npos);
  // The system usage table describes all system data: OverallSystemUsage's
  // numbers with every sample evaluated (--analyze-trailing-data), with 2
  // decimals, and it says that the rule JSON covers the rule windows only.
  const fs::path all = job.out.parent_path() / "all-data";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json --analyze-trailing-data",
                                   SMR_CLI, job.data.string(), all.string()),
                       &log),
            0)
      << log;
  const auto osu = RuleJson(all, "OverallSystemUsage");
  for (const char* metric : {"CPU", "GPU"}) {
    for (const char* stat : {"max", "p95", "p50"}) {
      const double v = osu["Details"][metric]["algo-1"][stat].get<double>();
      EXPECT_NE(html.find(fmt::format(">{:.2f}</td>", v)), std::string::npos)
          << metric << " " << stat << " " << v;
    }
  }
  EXPECT_NE(html.find("These statistics cover all system data"), std::string::npos);
}

TEST(EndToEndTest, UsageErrorsExitTwoWithOneLine) {
  std::string out;
  EXPECT_EQ(RunCommand(fmt::format("'{}' build /nonexistent/dir", SMR_CLI), &out), 2);
  EXPECT_NE(out.find("/nonexistent/dir"), std::string::npos) << out;
  const fs::path empty = smr::testing::ScratchDir("empty");
  EXPECT_EQ(RunCommand(
                fmt::format("'{}' build '{}' -o '{}/out'", SMR_CLI, empty.string(), empty.string()),
                &out),
            2);
  EXPECT_FALSE(fs::exists(empty / "out"));
  EXPECT_EQ(
      RunCommand(fmt::format("'{}' build '{}' --format html,docx", SMR_CLI, empty.string()), &out),
      2);
  EXPECT_NE(out.find("docx"), std::string::npos);
  EXPECT_EQ(RunCommand(fmt::format("'{}' --version", SMR_CLI), &out), 0);
  EXPECT_NE(out.find("sm-report"), std::string::npos);
}

TEST(EndToEndTest, SameInputGivesIdenticalOutputs) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const fs::path again = job.out.parent_path() / "again";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' -j 1", SMR_CLI, job.data.string(),
                                   again.string()),
                       &log),
            0)
      << log;
  for (const char* f :
       {"profiler-report.html", "profiler-report.pdf", "profiler-reports/LowGPUUtilization.json"}) {
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(again / f)) << f;
  }
}

// `build` re-executes itself with glibc's huge-page tunables (main.cc);
// the outputs are the same byte for byte with the re-exec switched off,
// with one worker and with a user's own GLIBC_TUNABLES kept.
TEST(EndToEndTest, HugePageHeapDoesNotChangeTheOutputs) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const fs::path plain = job.out.parent_path() / "plain-heap";
  const fs::path tuned = job.out.parent_path() / "user-tunables";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("SMR_HUGEPAGES=0 '{}' build '{}' -o '{}' -j 1", SMR_CLI,
                                   job.data.string(), plain.string()),
                       &log),
            0)
      << log;
  ASSERT_EQ(RunCommand(fmt::format("GLIBC_TUNABLES=glibc.malloc.tcache_count=0 '{}' build '{}' "
                                   "-o '{}' -j 2",
                                   SMR_CLI, job.data.string(), tuned.string()),
                       &log),
            0)
      << log;
  for (const char* f :
       {"profiler-report.html", "profiler-report.pdf", "data-quality.json",
        "profiler-reports/LowGPUUtilization.json", "profiler-reports/OverallSystemUsage.json"}) {
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(plain / f)) << f;
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(tuned / f)) << f;
  }
}

}  // namespace
