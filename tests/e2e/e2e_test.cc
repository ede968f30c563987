// End-to-end tests: the real binaries on generated jobs.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_util.h"

#include "tests/testing/scratch.h"

namespace {

namespace fs = std::filesystem;

using smr::testing::ReadFile;
using smr::testing::RunCommand;

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
  // The binary's scratch folder goes when the tests end (~220 MB of jobs
  // and reports); SMR_KEEP_TEST_OUTPUT=1 keeps it.
  const fs::path root = smr::testing::ScratchDir(scenario);
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
  EXPECT_NE(html.find(fmt::format("{} seconds", static_cast<int64_t>((last - first) / 1e6))),
            std::string::npos);
  // Rule trigger counts and datapoints appear in the rules summary.
  const auto low = RuleJson(job.out, "LowGPUUtilization");
  EXPECT_NE(html.find(fmt::format("analysed {} datapoints and triggered {} times",
                                  low["Datapoints"].get<int64_t>(),
                                  low["RuleTriggered"].get<int64_t>())),
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
  const fs::path empty = smr::testing::ScratchDir("empty");
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

// ---------------------------------------------------------------------------
// Same numbers as SageMaker: tests/data/sagemaker-reference/<scenario>/ holds
// the rule JSONs that SageMaker Debugger's own ProfilerReport code wrote for
// each scenario (scripts/sagemaker-reference.sh). sm-report's JSONs must equal
// them value for value (and key order), except the fields that
// docs/compatibility.md lists as deliberate fixes.

bool MatchesAny(const std::string& path, std::initializer_list<const char*> patterns) {
  for (const char* p : patterns) {
    if (std::regex_search(path, std::regex(p))) return true;
  }
  return false;
}

// The fields each documented fix changes (docs/compatibility.md); `path` is
// a JSON path such as "/Details/algo-1/gpu3_memory/upper".
bool DocumentedFix(const std::string& rule, const std::string& path) {
  if (rule == "LoadBalancing") {
    // Fires (pairs within a node), 50 bins over 0-100 %, `distances` added,
    // min_difference shown in RuleParameters.
    return MatchesAny(path, {"^/RuleTriggered$", "^/Violations$", "^/RuleParameters$",
                             "^/Details/[^/]+/workloads/", "^/Details/[^/]+/distances"});
  }
  if (rule == "MaxInitializationTime") {
    return MatchesAny(path, {"^/RuleTriggered$", "^/Violations$"});  // fires
  }
  if (rule == "BatchSize") {  // memory whiskers from the memory quartiles
    return MatchesAny(path, {"^/Details/[^/]+/gpu[0-9]+_memory/(upper|lower)$"});
  }
  if (rule == "OverallFrameworkMetrics") {  // `others` is the time outside steps
    return MatchesAny(path, {"^/Details/phase/"});
  }
  if (rule == "CPUBottleneck" || rule == "IOBottleneck") {  // ratio pairs fixed
    return MatchesAny(path, {"^/Details/ratio/"});
  }
  if (rule == "StepOutlier") {
    // A step crossing a window boundary counts once (checked with bounds
    // below; it also changes which outlier steps the framework correlation
    // sees), every phase kept in step_details_by_phase, ratio pairs fixed.
    return MatchesAny(path, {"^/Datapoints$", "^/Violations$", "^/Details/ratio/",
                             "^/Details/(phase|general|horovod)/",
                             "^/Details/step_details/[^/]+/(step_stats|probs|binedges|stddev|"
                             "number_of_outliers|step_numbers)",
                             "^/Details/step_details_by_phase"});
  }
  return false;
}

void CompareJson(const std::string& rule, const nlohmann::ordered_json& ours,
                 const nlohmann::ordered_json& ref, const std::string& path,
                 std::vector<std::string>* diffs) {
  if (DocumentedFix(rule, path)) return;
  auto differ = [&](const std::string& what) {
    diffs->push_back(fmt::format("{}: {} (sm-report {} vs SageMaker {})", path, what,
                                 ours.dump().substr(0, 120), ref.dump().substr(0, 120)));
  };
  if (ours.is_object() && ref.is_object()) {
    std::vector<std::string> ours_keys, ref_keys;
    for (const auto& [k, v] : ours.items()) {
      if (!DocumentedFix(rule, path + "/" + k)) ours_keys.push_back(k);
    }
    for (const auto& [k, v] : ref.items()) {
      if (!DocumentedFix(rule, path + "/" + k)) ref_keys.push_back(k);
    }
    if (ours_keys != ref_keys) differ("keys or key order");
    for (const std::string& k : ref_keys) {
      if (ours.contains(k)) CompareJson(rule, ours[k], ref[k], path + "/" + k, diffs);
    }
  } else if (ours.is_array() && ref.is_array()) {
    if (ours.size() != ref.size()) return differ("array length");
    for (size_t i = 0; i < ref.size(); ++i) {
      CompareJson(rule, ours[i], ref[i], fmt::format("{}[{}]", path, i), diffs);
    }
  } else if (ours.is_number() && ref.is_number()) {
    // Exact, and an int stays an int ("0" vs "0.0" is a different dump).
    if (ours.is_number_float() != ref.is_number_float() ||
        ours.get<double>() != ref.get<double>()) {
      differ("value");
    }
  } else if (ours != ref) {
    differ("value");
  }
}

struct ReferenceCase {
  std::string scenario;
  std::string rule;
};

void PrintTo(const ReferenceCase& c, std::ostream* os) { *os << c.scenario << "/" << c.rule; }

std::vector<ReferenceCase> AllReferenceCases() {
  std::vector<ReferenceCase> cases;
  for (const ScenarioDesign& d : Designs()) {
    for (const char* rule : kAllRules) cases.push_back({d.scenario, rule});
  }
  return cases;
}

nlohmann::ordered_json ReadOrderedJson(const fs::path& p) {
  return nlohmann::ordered_json::parse(ReadFile(p));
}

class SageMakerReferenceTest : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(SageMakerReferenceTest, RuleJsonEqualsSageMakersExceptDocumentedFixes) {
  const ReferenceCase& c = GetParam();
  const fs::path ref_path = fs::path(SMR_SOURCE_DIR) / "tests" / "data" / "sagemaker-reference" /
                            c.scenario / (c.rule + ".json");
  ASSERT_TRUE(fs::exists(ref_path)) << ref_path << " (run scripts/sagemaker-reference.sh)";
  const Job& job = GetJob(c.scenario);
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const nlohmann::ordered_json ref = ReadOrderedJson(ref_path);
  const nlohmann::ordered_json ours =
      ReadOrderedJson(job.out / "profiler-reports" / (c.rule + ".json"));
  std::vector<std::string> diffs;
  CompareJson(c.rule, ours, ref, "", &diffs);
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " difference(s), first: " << (diffs.empty() ? "" : diffs.front());

  if (c.rule == "LoadBalancing") {
    // Bins [0, 2) ... [94, 96) are SageMaker's; its last bin [96, 98] is
    // split into [96, 98) and [98, 100] (values above 98 % are kept).
    for (const auto& [node, d] : ref["Details"].items()) {
      for (const auto& [gpu, bins] : d["workloads"].items()) {
        const auto& mine = ours["Details"][node]["workloads"][gpu];
        ASSERT_EQ(bins.size(), 49u);
        ASSERT_EQ(mine.size(), 50u) << node << " " << gpu;
        for (size_t b = 0; b < 48; ++b) EXPECT_EQ(mine[b], bins[b]) << node << " " << gpu << " " << b;
        EXPECT_GE(mine[48].get<int64_t>() + mine[49].get<int64_t>(), bins[48].get<int64_t>());
      }
    }
  }
  if (c.rule == "StepOutlier") {
    // Each step process crosses a window boundary with at most one step,
    // and SageMaker counts such a step once more: 0 <= SageMaker's
    // Datapoints - ours <= windows x step processes.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(job.log, m, std::regex("over ([0-9]+) windows"))) << job.log;
    const int64_t windows = std::stoll(m[1]);
    const int64_t processes = static_cast<int64_t>(ref["Details"]["step_details"].size());
    for (const char* count : {"Datapoints", "Violations"}) {
      const int64_t extra = ref[count].get<int64_t>() - ours[count].get<int64_t>();
      EXPECT_GE(extra, 0) << count;
      EXPECT_LE(extra, windows * std::max<int64_t>(processes, 1)) << count;
    }
    // The statistics see thousands of steps, a few counted twice: within 1 %.
    for (const auto& [node, d] : ref["Details"]["step_details"].items()) {
      const auto& mine = ours["Details"]["step_details"][node];
      for (const char* stat : {"mean", "p50", "p95", "p99", "max"}) {
        if (!d["step_stats"].contains(stat)) continue;
        const double want = d["step_stats"][stat].get<double>();
        EXPECT_NEAR(mine["step_stats"][stat].get<double>(), want, 0.01 * std::abs(want))
            << node << " " << stat;
      }
    }
    EXPECT_EQ(ours["RuleTriggered"].get<int64_t>() > 0, ref["RuleTriggered"].get<int64_t>() > 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SageMakerReferenceTest,
                         ::testing::ValuesIn(AllReferenceCases()),
                         [](const ::testing::TestParamInfo<ReferenceCase>& info) {
                           std::string name = info.param.scenario + "_" + info.param.rule;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// ---------------------------------------------------------------------------
// SageMaker's window walk by default, all data with --analyze-trailing-data.

// A healthy job of 8 minutes (t0 on a whole minute, one system file a
// minute, 100 ms sampling): 7 minutes of training with the GPU at 85-94 %,
// steps until t0 + 420 s, then a last file with a minute of idle GPU, idle
// CPU and low GPU memory (the model upload). SageMaker's walk stops at the
// latest file timestamp, t0 + 420 s, so the idle minute is never evaluated.
fs::path WriteIdleTailJob(const fs::path& dir) {
  const fs::path root = dir / "profiler-output";
  const fs::path sys_dir = root / "system" / "incremental" / "2023111422";
  const fs::path fw_dir = root / "framework" / "pevents" / "2023111422";
  fs::create_directories(sys_dir);
  fs::create_directories(fw_dir);
  const int64_t t0 = 1'700'000'000 - 1'700'000'000 % 60;  // 1699999980
  for (int minute = 0; minute < 8; ++minute) {
    std::ofstream out(sys_dir / fmt::format("{}.algo-1.json", t0 + 60 * minute), std::ios::binary);
    const bool idle = minute == 7;
    for (int i = 0; i < 600; ++i) {
      const double ts = static_cast<double>(t0 + 60 * minute) + i / 10.0;
      auto line = [&](const char* type, const char* name, const char* dim, double value) {
        out << fmt::format(R"({{"Type":"{}","Name":"{}","Dimension":"{}","Value":{},)"
                           R"("NodeId":"algo-1","Timestamp":{}}})" "\n",
                           type, name, dim, value, ts);
      };
      line("cpu", "cpu0", "CPUUtilization", idle ? 3.0 : 50.0);
      line("gpu", "gpu0", "GPUUtilization", idle ? 0.0 : 85.0 + i % 10);
      line("gpu", "gpu0", "GPUMemoryUtilization", idle ? 2.0 : 40.0);
    }
  }
  // One trace file with 2 s TRAIN steps from t0 + 20 s to t0 + 420 s,
  // named by its end time.
  const int64_t base_us = t0 * 1'000'000;
  std::ofstream out(fw_dir / fmt::format("{}_0-algo-1_pythontimeline.json", base_us + 420'000'000),
                    std::ios::binary);
  out << "[\n" << R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"start_time_since_epoch_in_micros": )"
      << base_us << "}},\n"
      << R"({"name": "process_name", "ph": "M", "pid": 0, "args": {"name": "Step:ModeKeys.TRAIN"}})";
  for (int step = 0; step < 200; ++step) {
    out << fmt::format(
        ",\n{{\"name\": \"Step:ModeKeys.TRAIN\", \"pid\": 0, \"ph\": \"X\", \"ts\": {}, "
        "\"dur\": 2000000, \"args\": {{\"step_num\": \"{}\"}}}}",
        20'000'000 + step * 2'000'000, step);
  }
  out << "\n]";
  return root;
}

int64_t Triggered(const fs::path& out, const std::string& rule) {
  return RuleJson(out, rule)["RuleTriggered"].get<int64_t>();
}

TEST(EndToEndTest, IdleLastMinuteIsEvaluatedOnlyWithAnalyzeTrailingData) {
  const fs::path root = smr::testing::ScratchDir("idle-tail");
  const fs::path job = WriteIdleTailJob(root / "job");
  const fs::path sagemaker = root / "default", trailing = root / "trailing";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format html,json", SMR_CLI,
                                   job.string(), sagemaker.string()),
                       &log),
            0)
      << log;
  // Windows [t0, t0 + 60 s] ... [t0 + 360 s, t0 + 420 s]: 7 windows of
  // training only. The rules stay quiet, as SageMaker's would.
  EXPECT_NE(log.find("over 7 windows"), std::string::npos) << log;
  EXPECT_EQ(Triggered(sagemaker, "LowGPUUtilization"), 0);
  EXPECT_EQ(Triggered(sagemaker, "BatchSize"), 0);
  // The report says what was left out: samples t0 + 420.1 ... 479.9 s.
  const std::string html = ReadFile(sagemaker / "profiler-report.html");
  EXPECT_NE(html.find("As in SageMaker, the last 60 s of system data (1797 samples) are not "
                      "evaluated by the rules"),
            std::string::npos);

  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json --analyze-trailing-data",
                                   SMR_CLI, job.string(), trailing.string()),
                       &log),
            0)
      << log;
  EXPECT_NE(log.find("over 8 windows"), std::string::npos) << log;
  // The eighth window holds the idle minute: the last 500 GPU samples are
  // all 0 %, so the GPU is underused (p95 < 70) and, with CPU and GPU memory
  // idle too, BatchSize fires.
  EXPECT_GT(Triggered(trailing, "LowGPUUtilization"), 0);
  EXPECT_GT(Triggered(trailing, "BatchSize"), 0);
  fs::remove_all(root);
}

// Files that yield no record (empty, every line bad, a folder named like a
// data file) never move the job or the rule windows: beside them the rule
// JSONs are byte-identical to the clean job's, and data quality counts them.
TEST(EndToEndTest, StrayFilesWithoutRecordsChangeNoRuleResult) {
  const Job& clean = GetJob("healthy");
  ASSERT_EQ(clean.exit_code, 0) << clean.log;
  const fs::path root = smr::testing::ScratchDir("stray-files");
  fs::copy(clean.data, root / "job", fs::copy_options::recursive);
  const fs::path sys = root / "job" / "system" / "incremental";
  const fs::path fw = root / "job" / "framework" / "pevents";
  // Two years before the job, empty (the case that made
  // MaxInitializationTime fire 367 times).
  fs::create_directories(sys / "2020091312");
  std::ofstream(sys / "2020091312" / "1600000000.algo-1.json").close();
  // A day after the job, every line bad.
  fs::create_directories(sys / "2024061508");
  std::ofstream(sys / "2024061508" / "1718438400.algo-1.json") << "not json\n{\"Type\": \n";
  // A folder named like a system file, and a corrupt trace file named 2052.
  fs::create_directories(sys / "2020091312" / "1600000060.algo-1.json");
  fs::create_directories(fw / "2052010100");
  std::ofstream(fw / "2052010100" / "2587000000000000_0-algo-1_pythontimeline.json")
      << "[{\"name\": ";
  const fs::path out = root / "report";
  std::string log;
  ASSERT_EQ(RunCommand(fmt::format("'{}' build '{}' -o '{}' --format json", SMR_CLI,
                                   (root / "job").string(), out.string()),
                       &log),
            0)
      << log;
  for (const char* rule : kAllRules) {
    const fs::path rel = fs::path("profiler-reports") / (std::string(rule) + ".json");
    EXPECT_EQ(ReadFile(out / rel), ReadFile(clean.out / rel)) << rule;
  }
  const auto dq = nlohmann::json::parse(ReadFile(out / "data-quality.json"));
  EXPECT_FALSE(dq["clean"].get<bool>());
  const std::string dump = dq.dump();
  for (const char* name : {"1600000000.algo-1.json", "1718438400.algo-1.json",
                           "2587000000000000_0-algo-1_pythontimeline.json"}) {
    EXPECT_NE(dump.find(name), std::string::npos) << name;
  }
  fs::remove_all(root);
}

}  // namespace
