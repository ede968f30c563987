// End-to-end tests: the real binaries on generated jobs.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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
  // Only the default job's PDF is inspected; the others skip the slowest
  // output to keep the suite fast.
  const char* formats = scenario == "default" ? "html,pdf,json" : "html,json";
  job.exit_code = RunCommand(fmt::format("'{}' build '{}' -o '{}' --format {}", SMR_CLI,
                                         job.data.string(), job.out.string(), formats),
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
  for (const char* f : {"profiler-report.html", "profiler-report.pdf", "data-quality.json",
                        "profiler-reports/LowGPUUtilization.json",
                        "profiler-reports/OverallSystemUsage.json"}) {
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(plain / f)) << f;
    EXPECT_EQ(ReadFile(job.out / f), ReadFile(tuned / f)) << f;
  }
}

// ---------------------------------------------------------------------------
// Verdicts per scenario: each generated job is designed so that exactly the
// rules listed here fire (RuleTriggered > 0) and every other rule stays at 0.
// samples/README.md explains why each listed rule fires.

// The eleven rules of ProfilerReport (docs/rules.md section 4).
constexpr const char* kAllRules[] = {
    "CPUBottleneck",     "IOBottleneck",  "LowGPUUtilization",  "StepOutlier",
    "GPUMemoryIncrease", "BatchSize",     "MaxInitializationTime", "LoadBalancing",
    "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics",
};

struct ScenarioDesign {
  const char* scenario;
  std::vector<std::string> fires;
};

const std::vector<ScenarioDesign>& Designs() {
  static const std::vector<ScenarioDesign> designs = {
      {"healthy", {}},
      {"default", {"LowGPUUtilization", "BatchSize", "LoadBalancing"}},
      {"long-init", {"MaxInitializationTime", "LowGPUUtilization", "BatchSize"}},
      {"cpu-only", {"Dataloader"}},
      // GPUs below 10 % are also below LowGPUUtilization's p95 threshold.
      {"cpu-bottleneck", {"CPUBottleneck", "LowGPUUtilization"}},
      {"io-bottleneck", {"IOBottleneck", "LowGPUUtilization"}},
      {"memory-growth", {"GPUMemoryIncrease"}},
      // The two underused GPUs are below LowGPUUtilization's p95 threshold.
      {"imbalance", {"LoadBalancing", "LowGPUUtilization"}},
      {"step-outliers", {"StepOutlier"}},
      {"few-loaders", {"Dataloader"}},
      // Idle GPUs during the 40 s finalization: fluctuation in the last windows.
      {"multi-node", {"LowGPUUtilization"}},
  };
  return designs;
}

struct VerdictCase {
  std::string scenario;
  std::string rule;
  bool fires = false;
};

std::vector<VerdictCase> AllVerdictCases() {
  std::vector<VerdictCase> cases;
  for (const ScenarioDesign& d : Designs()) {
    for (const char* rule : kAllRules) {
      const bool fires = std::find(d.fires.begin(), d.fires.end(), rule) != d.fires.end();
      cases.push_back({d.scenario, rule, fires});
    }
  }
  return cases;
}

// Readable parameter in failure messages (not a byte dump).
void PrintTo(const VerdictCase& c, std::ostream* os) {
  *os << c.scenario << "/" << c.rule << (c.fires ? " fires" : " quiet");
}

class ScenarioVerdictTest : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(ScenarioVerdictTest, RuleFiresExactlyWhenDesignedTo) {
  const VerdictCase& c = GetParam();
  const Job& job = GetJob(c.scenario);
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const fs::path json = job.out / "profiler-reports" / (c.rule + ".json");
  if (!fs::exists(json)) GTEST_SKIP() << c.rule << " is not registered yet";
  const nlohmann::json j = RuleJson(job.out, c.rule);
  const int64_t triggered = j["RuleTriggered"].get<int64_t>();
  if (c.fires) {
    EXPECT_GT(triggered, 0) << c.scenario << " is built to fire " << c.rule << ": " << j.dump();
  } else {
    EXPECT_EQ(triggered, 0) << c.scenario << " should not fire " << c.rule << ": "
                            << j.dump().substr(0, 2000);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, ScenarioVerdictTest, ::testing::ValuesIn(AllVerdictCases()),
    [](const ::testing::TestParamInfo<VerdictCase>& info) {
      std::string name = info.param.scenario + "_" + info.param.rule +
                         (info.param.fires ? "_fires" : "_quiet");
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(EndToEndTest, EveryGeneratorScenarioHasADesign) {
  // A new scenario without an entry above would have no verdict tests.
  std::string out;
  ASSERT_EQ(RunCommand(fmt::format("'{}' --help", SMR_SAMPLE_GEN), &out), 0);
  const size_t at = out.find("--scenario ");
  ASSERT_NE(at, std::string::npos) << out;
  std::string list = out.substr(at + 11, out.find(']', at) - at - 11);
  std::vector<std::string> names;
  for (size_t start = 0;;) {
    const size_t bar = list.find('|', start);
    names.push_back(list.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  EXPECT_EQ(names.size(), Designs().size()) << list;
  for (const std::string& n : names) {
    EXPECT_TRUE(std::any_of(Designs().begin(), Designs().end(),
                            [&](const ScenarioDesign& d) { return n == d.scenario; }))
        << n;
  }
}

// Multi-node: node ids algo-1 and algo-2, framework files per rank.
TEST(EndToEndTest, MultiNodeJobIsReportedPerNode) {
  const Job& job = GetJob("multi-node");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  bool rank0 = false, rank1 = false;
  for (const auto& e : fs::recursive_directory_iterator(job.data / "framework")) {
    const std::string name = e.path().filename().string();
    rank0 |= name.find("_0-algo-1_pythontimeline.json") != std::string::npos;
    rank1 |= name.find("_1-algo-2_pythontimeline.json") != std::string::npos;
  }
  EXPECT_TRUE(rank0);
  EXPECT_TRUE(rank1);

  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_TRUE(low["Details"].contains("algo-1")) << low.dump();
  EXPECT_TRUE(low["Details"].contains("algo-2")) << low.dump();
  const auto osu = RuleJson(job.out, "OverallSystemUsage");
  for (const char* metric : {"GPU", "CPU", "GPU memory", "I/O"}) {
    ASSERT_TRUE(osu["Details"].contains(metric)) << metric;
    EXPECT_TRUE(osu["Details"][metric].contains("algo-1")) << metric;
    EXPECT_TRUE(osu["Details"][metric].contains("algo-2")) << metric;
  }
  // 2 nodes x 4 GPUs: the per-node GPU average is over that node's 4 GPUs,
  // each busy at 74-98 % in training, so p50 cannot exceed 98.
  EXPECT_LE(osu["Details"]["GPU"]["algo-2"]["p50"].get<double>(), 98.0);
  EXPECT_GE(osu["Details"]["GPU"]["algo-2"]["p50"].get<double>(), 74.0);

  const std::string html = ReadFile(job.out / "profiler-report.html");
  EXPECT_NE(html.find("algo-1"), std::string::npos);
  EXPECT_NE(html.find("algo-2"), std::string::npos);

  const fs::path lb = job.out / "profiler-reports" / "LoadBalancing.json";
  if (!fs::exists(lb)) GTEST_SKIP() << "LoadBalancing is not registered yet";
  const auto balance = RuleJson(job.out, "LoadBalancing");
  EXPECT_TRUE(balance["Details"].contains("algo-1")) << balance.dump().substr(0, 500);
  EXPECT_TRUE(balance["Details"].contains("algo-2")) << balance.dump().substr(0, 500);
}

// CPU-only: the GPU rules have nothing to analyse, and the report says so.
TEST(EndToEndTest, CpuOnlyReportSaysGpuRulesDoNotApply) {
  const Job& job = GetJob("cpu-only");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  for (const char* rule : {"LowGPUUtilization", "GPUMemoryIncrease", "LoadBalancing"}) {
    const fs::path json = job.out / "profiler-reports" / (std::string(rule) + ".json");
    if (!fs::exists(json)) continue;  // not registered yet
    const auto j = RuleJson(job.out, rule);
    EXPECT_EQ(j["Datapoints"].get<int64_t>(), 0) << rule;
    EXPECT_EQ(j["RuleTriggered"].get<int64_t>(), 0) << rule;
    EXPECT_TRUE(j["Details"].empty()) << rule;
  }
  // BatchSize counts total-CPU samples, which a CPU-only job has (real
  // CPU-only SageMaker reports show 4718 and 4685; docs/rules.md §6), but it
  // has no GPU to flag.
  const auto batch = RuleJson(job.out, "BatchSize");
  EXPECT_EQ(batch["RuleTriggered"].get<int64_t>(), 0);
  EXPECT_TRUE(batch["Details"].empty());
  const std::string html = ReadFile(job.out / "profiler-report.html");
  EXPECT_NE(html.find("CPU-only instance"), std::string::npos);
}

}  // namespace
