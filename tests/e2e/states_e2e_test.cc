// End-to-end rule states: generated jobs whose rules cannot all judge (a
// CPU-only job, a single GPU, a job too short for the Dataloader's
// patience) show "not applicable" / "not evaluated" with the reason in the
// HTML rules table and in the rule's section, and never an OK note there;
// the rule JSONs keep SageMaker's RuleTriggered.
#include <cstdint>
#include <map>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_jobs.h"
#include "tests/testing/files.h"

namespace {

namespace fs = std::filesystem;

using smr::e2e::GetJob;
using smr::e2e::Job;
using smr::e2e::RuleJson;
using smr::testing::ReadFile;

std::string Html(const Job& job) { return ReadFile(job.out / "profiler-report.html"); }

// The HTML of section `id` up to the next section.
std::string SectionHtml(const std::string& html, const std::string& id) {
  const size_t start = html.find("id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const size_t end = html.find("<section", start + 1);
  return html.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The rules table: rule name -> its State cell.
std::map<std::string, std::string> States(const std::string& html) {
  std::map<std::string, std::string> out;
  const std::string part = SectionHtml(html, "rules-summary");
  static const std::regex kRow(R"(<tr[^>]*><td[^>]*>([A-Za-z]+)</td><td[^>]*>([^<]*)</td>)");
  for (auto it = std::sregex_iterator(part.begin(), part.end(), kRow); it != std::sregex_iterator();
       ++it) {
    out.emplace((*it)[1], (*it)[2]);
  }
  return out;
}

// few-loaders is 100 s of initialization and 6 s of finalization: a 2-minute
// job trains for about 10 seconds.
constexpr const char* kShortFlags = "--minutes 2";

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(StatesEndToEndTest, CpuOnlyJobGpuRulesAreNotApplicable) {
  const Job& job = GetJob("cpu-only");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = Html(job);
  const auto states = States(html);
  for (const char* rule : {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization",
                           "GPUMemoryIncrease", "BatchSize", "LoadBalancing"}) {
    SCOPED_TRACE(rule);
    ASSERT_TRUE(states.count(rule));
    EXPECT_TRUE(StartsWith(states.at(rule), "not applicable: no GPU")) << states.at(rule);
    EXPECT_EQ(RuleJson(job.out, rule)["RuleTriggered"].get<int64_t>(), 0);
  }
  EXPECT_EQ(states.at("Dataloader"), "triggered");  // 4 workers for 8 cores
  for (const char* id : {"gpu-utilization", "workload-balancing", "batch-size", "cpu-bottlenecks",
                         "io-bottlenecks", "gpu-memory"}) {
    SCOPED_TRACE(id);
    const std::string section = SectionHtml(html, id);
    ASSERT_FALSE(section.empty());
    EXPECT_EQ(section.find("note-ok"), std::string::npos);
    EXPECT_NE(section.find("Not applicable: no GPU"), std::string::npos);
  }
  EXPECT_EQ(SectionHtml(html, "batch-size").find("does not look too small"), std::string::npos);
}

TEST(StatesEndToEndTest, SingleGpuHasNothingToBalance) {
  const Job& job = GetJob("healthy-1gpu", "healthy", "--gpus 1");
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = Html(job);
  const auto states = States(html);
  EXPECT_EQ(states.at("LoadBalancing"), "not applicable: a single GPU (gpu0): nothing to balance");
  EXPECT_EQ(RuleJson(job.out, "LoadBalancing")["RuleTriggered"].get<int64_t>(), 0);
  const std::string section = SectionHtml(html, "workload-balancing");
  EXPECT_EQ(section.find("note-ok"), std::string::npos);
  EXPECT_EQ(section.find("similar utilization"), std::string::npos);
  EXPECT_NE(section.find("Not applicable: a single GPU (gpu0): nothing to balance."),
            std::string::npos);
  // The healthy job's other rules judged it and stayed quiet.
  for (const char* rule : {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization", "StepOutlier",
                           "GPUMemoryIncrease", "BatchSize", "Dataloader"}) {
    EXPECT_EQ(states.at(rule), "ok") << rule;
  }
}

TEST(StatesEndToEndTest, ShortFewLoadersJobIsNotEvaluatedButAdvised) {
  // 100 s of initialization, then a few seconds of training with one loader
  // worker on 16 vCPUs: fewer than the Dataloader's 10 seconds of patience.
  const Job& job = GetJob("few-loaders-short", "few-loaders", kShortFlags);
  ASSERT_EQ(job.exit_code, 0) << job.log;
  const std::string html = Html(job);
  const auto states = States(html);
  EXPECT_TRUE(StartsWith(states.at("Dataloader"), "not evaluated: ")) << states.at("Dataloader");
  EXPECT_NE(states.at("Dataloader").find("needs more than 10 (patience)"), std::string::npos);
  EXPECT_EQ(RuleJson(job.out, "Dataloader")["RuleTriggered"].get<int64_t>(), 0);
  const std::string section = SectionHtml(html, "dataloading");
  EXPECT_EQ(section.find("note-ok"), std::string::npos);
  EXPECT_EQ(section.find("within the recommended range"), std::string::npos);
  EXPECT_NE(section.find("Your training instance provided 16 CPU cores"), std::string::npos);
  EXPECT_NE(section.find("below 70 % of the 16 cores (11.2). What to do: increase num_workers"),
            std::string::npos);
  // Every GPU rule waits for 1000 samples: none was judged.
  for (const char* rule :
       {"CPUBottleneck", "IOBottleneck", "LowGPUUtilization", "GPUMemoryIncrease", "BatchSize"}) {
    EXPECT_TRUE(StartsWith(states.at(rule), "not evaluated: ")) << rule << ": " << states.at(rule);
  }
}

}  // namespace
