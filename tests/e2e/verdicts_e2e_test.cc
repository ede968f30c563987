// End-to-end verdicts: each generated scenario fires exactly the rules it is
// designed to fire; every rule of SageMaker's ProfilerReport must be in the
// registry and write its rule JSON (a missing rule fails, it is not skipped).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <ostream>
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

using smr::e2e::Designs;
using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::e2e::kAllRules;
using smr::e2e::RuleJson;
using smr::e2e::ScenarioDesign;
using smr::testing::ReadFile;
using smr::testing::RunCommand;

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

// ---------------------------------------------------------------------------
// The registry: every rule of ProfilerReport is listed by `sm-report rules`.
// A rule missing from the registry fails here and in every verdict below
// (its rule JSON is missing); it is never skipped.

TEST(EndToEndTest, EveryProfilerReportRuleIsRegistered) {
  std::string out;
  ASSERT_EQ(RunCommand(fmt::format("'{}' rules --json", SMR_CLI), &out), 0) << out;
  std::vector<std::string> registered;
  for (const auto& rule : nlohmann::json::parse(out)) {
    registered.push_back(rule["name"].get<std::string>());
  }
  for (const char* rule : kAllRules) {
    EXPECT_NE(std::find(registered.begin(), registered.end(), rule), registered.end())
        << rule << " (ProfilerReport) is not in sm-report's rule registry";
  }
}

// ---------------------------------------------------------------------------
// Verdicts per scenario: each generated job is designed so that exactly the
// rules of its design (e2e_jobs.cc) fire (RuleTriggered > 0) and every other
// rule stays at 0.

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
  ASSERT_TRUE(fs::exists(json)) << json << " missing: " << c.rule
                                << " (ProfilerReport) is not in the registry";
  const nlohmann::json j = RuleJson(job.out, c.rule);
  const int64_t triggered = j["RuleTriggered"].get<int64_t>();
  if (c.fires) {
    EXPECT_GT(triggered, 0) << c.scenario << " is built to fire " << c.rule << ": " << j.dump();
  } else {
    EXPECT_EQ(triggered, 0) << c.scenario << " should not fire " << c.rule << ": "
                            << j.dump().substr(0, 2000);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioVerdictTest, ::testing::ValuesIn(AllVerdictCases()),
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
    EXPECT_TRUE(std::any_of(Designs().begin(), Designs().end(), [&](const ScenarioDesign& d) {
      return n == d.scenario;
    })) << n;
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
  ASSERT_TRUE(fs::exists(lb)) << lb << " missing: LoadBalancing is not in the registry";
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
    ASSERT_TRUE(fs::exists(json)) << json << " missing: " << rule << " is not in the registry";
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
