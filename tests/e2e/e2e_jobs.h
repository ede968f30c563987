// The generated jobs the end-to-end tests share: each smr-sample-gen
// scenario is generated and built once per test binary (GetJob), in the
// binary's scratch folder; the scenarios' designed verdicts (Designs) and
// the rules every job must have written (kAllRules).
#ifndef SMR_TESTS_E2E_E2E_JOBS_H_
#define SMR_TESTS_E2E_E2E_JOBS_H_

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace smr::e2e {

// The eleven rules of ProfilerReport (docs/rules.md section 4), in its order.
inline constexpr const char* kAllRules[] = {
    "CPUBottleneck",      "IOBottleneck", "LowGPUUtilization",       "StepOutlier",
    "GPUMemoryIncrease",  "BatchSize",    "MaxInitializationTime",   "LoadBalancing",
    "OverallSystemUsage", "Dataloader",   "OverallFrameworkMetrics",
};

// A generated job and its report (sm-report build's exit code and output).
struct Job {
  std::filesystem::path data;
  std::filesystem::path out;
  int exit_code = -1;
  std::string log;
};

// The job of smr-sample-gen's `scenario`, made on first use. Only the
// default job has a PDF (the slowest output); the others have HTML and JSON.
const Job& GetJob(const std::string& scenario);
// The same with more generator flags ("--gpus 1 --minutes 5"), made on first
// use under the name `name` (a folder name, unique per flags).
const Job& GetJob(const std::string& name, const std::string& scenario, const std::string& flags);

// `<out>/profiler-reports/<rule>.json`, parsed.
nlohmann::json RuleJson(const std::filesystem::path& out, const std::string& rule);

// Each generated scenario and the rules it is built to fire (RuleTriggered
// > 0); every other rule must stay at 0. samples/README.md explains why each
// listed rule fires.
struct ScenarioDesign {
  const char* scenario;
  std::vector<std::string> fires;
};
const std::vector<ScenarioDesign>& Designs();

}  // namespace smr::e2e

#endif  // SMR_TESTS_E2E_E2E_JOBS_H_
