// The generated jobs the end-to-end tests share (e2e_jobs.h).
#include "tests/e2e/e2e_jobs.h"

#include <map>
#include <utility>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/testing/command.h"
#include "tests/testing/files.h"
#include "tests/testing/scratch.h"

namespace smr::e2e {

namespace fs = std::filesystem;

nlohmann::json RuleJson(const fs::path& out, const std::string& rule) {
  return nlohmann::json::parse(testing::ReadFile(out / "profiler-reports" / (rule + ".json")));
}

const Job& GetJob(const std::string& scenario) { return GetJob(scenario, scenario, ""); }

const Job& GetJob(const std::string& name, const std::string& scenario, const std::string& flags) {
  static std::map<std::string, Job> jobs;
  auto it = jobs.find(name);
  if (it != jobs.end()) return it->second;
  Job job;
  // The binary's scratch folder goes when the tests end (~220 MB of jobs
  // and reports); SMR_KEEP_TEST_OUTPUT=1 keeps it.
  const fs::path root = testing::ScratchDir(name);
  job.data = root / "job";
  job.out = root / "report";
  std::string gen_log;
  const int gen =
      testing::RunCommand(fmt::format("'{}' --out '{}' --scenario {} {}", SMR_SAMPLE_GEN,
                                      job.data.string(), scenario, flags),
                          &gen_log);
  EXPECT_EQ(gen, 0) << gen_log;
  // Only the default job's PDF is inspected; the others skip the slowest
  // output to keep the suite fast.
  const char* formats = scenario == "default" ? "html,pdf,json" : "html,json";
  job.exit_code = testing::RunCommand(fmt::format("'{}' build '{}' -o '{}' --format {}", SMR_CLI,
                                                  job.data.string(), job.out.string(), formats),
                                      &job.log);
  return jobs.emplace(name, std::move(job)).first->second;
}

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

}  // namespace smr::e2e
