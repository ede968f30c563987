// End-to-end tests: the real binaries on generated jobs.
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command built only from test-controlled paths; returns the
// exit status and captures stdout+stderr into *output.
int RunCommand(const std::string& cmd, std::string* output = nullptr) {
  const fs::path log = fs::temp_directory_path() / fmt::format("smr-e2e-{}.log", getpid());
  const int rc = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  if (output) *output = ReadFile(log);
  fs::remove(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

nlohmann::json RuleJson(const fs::path& out, const std::string& rule) {
  return nlohmann::json::parse(ReadFile(out / "profiler-reports" / (rule + ".json")));
}

// One generated job + its report, shared by the tests of a scenario.
struct Job {
  fs::path data;
  fs::path out;
  int exit_code = -1;
  std::string log;
};

const Job& GetJob(const std::string& scenario) {
  static std::map<std::string, Job> jobs;
  auto it = jobs.find(scenario);
  if (it != jobs.end()) return it->second;
  Job job;
  const fs::path root = fs::path(SMR_BINARY_DIR) / "e2e" / scenario;
  fs::remove_all(root);
  job.data = root / "job";
  job.out = root / "report";
  std::string gen_log;
  const int gen = RunCommand(fmt::format("'{}' --out '{}' --scenario {}", SMR_SAMPLE_GEN,
                                  job.data.string(), scenario),
                      &gen_log);
  EXPECT_EQ(gen, 0) << gen_log;
  job.exit_code = RunCommand(fmt::format("'{}' build '{}' -o '{}'", SMR_CLI, job.data.string(),
                                  job.out.string()),
                      &job.log);
  return jobs.emplace(scenario, std::move(job)).first->second;
}

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

TEST(EndToEndTest, HtmlIsSelfContained) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = ReadFile(job.out / "profiler-report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
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
  ASSERT_EQ(RunCommand(fmt::format("pdftotext -layout '{}' -", (job.out / "profiler-report.pdf").string()),
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
  // Job duration as SageMaker derives it: int(job_end - job_start).
  const auto mit = RuleJson(job.out, "MaxInitializationTime");
  const double start = mit["Details"]["job_start"].get<double>();
  const double end = mit["Details"]["job_end"].get<double>();
  EXPECT_NE(html.find(fmt::format("{} seconds", static_cast<int64_t>(end - start))),
            std::string::npos);
  const double first = mit["Details"]["step_num"]["first"].get<double>();
  const double last = mit["Details"]["step_num"]["last"].get<double>();
  EXPECT_NE(html.find(fmt::format("{} seconds", static_cast<int64_t>((last - first) / 1e6))),
            std::string::npos);
  // Rule trigger counts and datapoints appear in the rules summary.
  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_NE(html.find(fmt::format("analysed {} datapoints and triggered {} times",
                                  low["Datapoints"].get<int64_t>(),
                                  low["RuleTriggered"].get<int64_t>())),
            std::string::npos);
  // The system usage table shows OverallSystemUsage's CPU p95 with 2 decimals.
  const auto osu = RuleJson(job.out, "OverallSystemUsage");
  const double cpu_p95 = osu["Details"]["CPU"]["algo-1"]["p95"].get<double>();
  EXPECT_NE(html.find(fmt::format("{:.2f}", cpu_p95)), std::string::npos);
}

TEST(EndToEndTest, DefaultSampleFlagsTheUnderusedGpu) {
  const Job& job = GetJob("default");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_GT(low["RuleTriggered"].get<int64_t>(), 0);
  ASSERT_TRUE(low["Details"].contains("algo-1"));
  ASSERT_TRUE(low["Details"]["algo-1"].contains("gpu3"));
  // gpu3 is the underused GPU: its p95 stays below the 70 % threshold. The
  // busy GPUs may only be flagged as fluctuating (p95 above 70 %) in the
  // last windows, when they go idle during finalization.
  EXPECT_LT(low["Details"]["algo-1"]["gpu3"]["gpu_95"].get<double>(), 70.0);
  for (const char* busy : {"gpu0", "gpu1", "gpu2"}) {
    if (low["Details"]["algo-1"].contains(busy)) {
      EXPECT_GT(low["Details"]["algo-1"][busy]["gpu_95"].get<double>(), 70.0) << busy;
    }
  }
  const auto mit = RuleJson(job.out, "MaxInitializationTime");
  EXPECT_EQ(mit["RuleTriggered"].get<int64_t>(), 0);
}

TEST(EndToEndTest, HealthySampleTriggersNothing) {
  const Job& job = GetJob("healthy");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  for (const char* rule : {"LowGPUUtilization", "BatchSize", "MaxInitializationTime"}) {
    EXPECT_EQ(RuleJson(job.out, rule)["RuleTriggered"].get<int64_t>(), 0) << rule;
  }
}

TEST(EndToEndTest, LongInitializationFiresMaxInitializationTime) {
  const Job& job = GetJob("long-init");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  EXPECT_GT(RuleJson(job.out, "MaxInitializationTime")["RuleTriggered"].get<int64_t>(), 0);
}

TEST(EndToEndTest, CpuOnlyJobHasNoGpuVerdicts) {
  const Job& job = GetJob("cpu-only");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_EQ(low["RuleTriggered"].get<int64_t>(), 0);
  EXPECT_EQ(low["Datapoints"].get<int64_t>(), 0);
  const auto osu = RuleJson(job.out, "OverallSystemUsage");
  EXPECT_TRUE(osu["Details"]["GPU"].empty());
  EXPECT_FALSE(osu["Details"]["CPU"].empty());
}

TEST(EndToEndTest, UsageErrorsExitTwoWithOneLine) {
  std::string out;
  EXPECT_EQ(RunCommand(fmt::format("'{}' build /nonexistent/dir", SMR_CLI), &out), 2);
  EXPECT_NE(out.find("/nonexistent/dir"), std::string::npos) << out;
  const fs::path empty = fs::path(SMR_BINARY_DIR) / "e2e" / "empty";
  fs::create_directories(empty);
  EXPECT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}/out'", SMR_CLI, empty.string(),
                            empty.string()),
                &out),
            2);
  EXPECT_FALSE(fs::exists(empty / "out"));
  EXPECT_EQ(RunCommand(fmt::format("'{}' build '{}' --format html,docx", SMR_CLI, empty.string()), &out),
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
  for (const char* f : {"profiler-report.html", "profiler-report.pdf",
                        "profiler-reports/LowGPUUtilization.json"}) {
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(again / f)) << f;
  }
}

}  // namespace
