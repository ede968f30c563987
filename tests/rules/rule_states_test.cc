// InferStatesFromJson: the states `sm-report render` deduces from rule
// JSONs alone. The JSON lines are shortened versions of real SageMaker
// outputs (CPU-only JawnMarc, single-GPU Afi83: tests/data, INDEX.md of the
// shared real reports).
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "smr/rule.h"

namespace smr {
namespace {

// Parses {name: json} into results in the given order.
std::vector<RuleResult> Parse(const std::vector<std::pair<std::string, std::string>>& jsons) {
  std::vector<RuleResult> out;
  for (const auto& [name, json] : jsons) {
    StatusOr<RuleResult> r = ParseRuleResultJson(name, json);
    EXPECT_TRUE(r.ok()) << name << ": " << r.status().message();
    if (r.ok()) out.push_back(std::move(*r));
  }
  return out;
}

const RuleResult& Get(const std::vector<RuleResult>& results, const std::string& name) {
  for (const RuleResult& r : results) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no " << name;
  static const RuleResult kNone;
  return kNone;
}

std::string Envelope(int triggered, const std::string& details, int64_t datapoints,
                     const std::string& params) {
  return "{\"RuleTriggered\": " + std::to_string(triggered) +
         ", \"Violations\": " + std::to_string(triggered) + ", \"Details\": " + details +
         ", \"Datapoints\": " + std::to_string(datapoints) + ", \"RuleParameters\": \"" + params +
         "\"}";
}

constexpr const char* kLowGpuParams =
    "threshold_p95:70\\nthreshold_p5:10\\nwindow:500\\npatience:1000";
constexpr const char* kBatchParams =
    "cpu_threshold_p95:70\\ngpu_threshold_p95:70\\ngpu_memory_threshold_p95:70\\npatience:1000\\n"
    "window:500";
constexpr const char* kCpuParams =
    "threshold:50\\ncpu_threshold:90\\ngpu_threshold:10\\npatience:1000";
constexpr const char* kLoaderParams = "min_threshold:70\\nmax_threshold:200";
constexpr const char* kStepParams = "threshold:3\\nmode:None\\nn_outliers:10\\nstddev:3";

// The CPU-only job of JawnMarc (8 cores, 10 loader events, steps).
std::vector<RuleResult> CpuOnlyJob() {
  return Parse({
      {"CPUBottleneck",
       Envelope(0, "{\"low_gpu_utilization\": 0, \"bottlenecks\": {}}", 4720, kCpuParams)},
      {"LowGPUUtilization", Envelope(0, "{}", 0, kLowGpuParams)},
      {"StepOutlier", Envelope(33, "{\"step_details\": {\"algo-1-47\": {}}}", 3719, kStepParams)},
      {"GPUMemoryIncrease", Envelope(0, "{}", 0, "increase:5\\npatience:1000\\nwindow:10")},
      {"BatchSize", Envelope(0, "{}", 4718, kBatchParams)},
      {"MaxInitializationTime",
       Envelope(0,
                "{\"step_num\": {\"first\": 1679079100456558, \"last\": 1679081399390086}, "
                "\"job_start\": 1679079040.500563, \"job_end\": 1679081399.500546}",
                3719, "threshold:20")},
      {"LoadBalancing", Envelope(0, "{}", 0, "threshold:0.2\\npatience:1000")},
      {"OverallSystemUsage",
       Envelope(0,
                "{\"Network\": {}, \"GPU\": {}, \"CPU\": {\"algo-1\": {\"max\": 80.16}}, "
                "\"CPU memory\": {}, \"GPU memory\": {}, \"I/O\": {}}",
                4718, "")},
      {"Dataloader",
       Envelope(0, "{\"pin_memory\": false, \"num_workers\": 0, \"cores\": 8, \"dataloaders\": 1}",
                10, kLoaderParams)},
      {"OverallFrameworkMetrics",
       Envelope(0,
                "{\"ratio\": {}, \"phase\": {\"Step:ModeKeys.TRAIN\": 46.0}, \"phase_time\": {}}",
                0, "")},
  });
}

TEST(InferStatesFromJsonTest, CpuOnlyJobGpuRulesDoNotApply) {
  std::vector<RuleResult> results = CpuOnlyJob();
  InferStatesFromJson(&results);
  for (const char* name :
       {"CPUBottleneck", "LowGPUUtilization", "GPUMemoryIncrease", "BatchSize", "LoadBalancing"}) {
    SCOPED_TRACE(name);
    const RuleResult& r = Get(results, name);
    EXPECT_FALSE(r.applicable);
    EXPECT_NE(r.not_applicable_reason.find("CPU-only instance"), std::string::npos)
        << r.not_applicable_reason;
  }
  EXPECT_EQ(Get(results, "BatchSize").not_applicable_reason,
            "no GPU utilization datapoints (CPU-only instance or no system data)");
  EXPECT_EQ(Get(results, "GPUMemoryIncrease").not_applicable_reason,
            "no GPU memory datapoints (CPU-only instance or no system data)");
  // 10 loader events: at most 10 seconds, never more than the patience.
  const RuleResult& loader = Get(results, "Dataloader");
  EXPECT_TRUE(loader.applicable);
  EXPECT_EQ(
      loader.not_evaluated_reason,
      "10 data-loader events, so at most 10 seconds with them; needs more than 10 (patience)");
  // Fired, first step 1 min after the start, framework data present: as read.
  for (const char* name :
       {"StepOutlier", "MaxInitializationTime", "OverallSystemUsage", "OverallFrameworkMetrics"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(Get(results, name).applicable);
    EXPECT_EQ(Get(results, name).not_evaluated_reason, "");
  }
}

TEST(InferStatesFromJsonTest, GpuRulesBelowTheirPatienceWereNotEvaluated) {
  std::vector<RuleResult> results = Parse({
      {"LowGPUUtilization", Envelope(0, "{}", 800, kLowGpuParams)},
      {"CPUBottleneck",
       Envelope(0, "{\"low_gpu_utilization\": 3, \"bottlenecks\": {}}", 800, kCpuParams)},
      {"BatchSize", Envelope(0, "{}", 1001, kBatchParams)},
      {"GPUMemoryIncrease", Envelope(0, "{}", 1000, "increase:5\\npatience:1000\\nwindow:10")},
      {"LoadBalancing", Envelope(0, "{\"algo-1\": {\"workloads\": {\"gpu0\": [1], \"gpu1\": [1]}}}",
                                 800, "threshold:0.2\\npatience:1000")},
  });
  InferStatesFromJson(&results);
  EXPECT_EQ(Get(results, "LowGPUUtilization").not_evaluated_reason,
            "800 datapoints (samples per GPU); needs more than 1000 (patience)");
  EXPECT_EQ(Get(results, "CPUBottleneck").not_evaluated_reason,
            "800 datapoints (system snapshots); needs more than 1000 (patience)");
  EXPECT_EQ(Get(results, "BatchSize").not_evaluated_reason, "");  // 1001 > 1000: judged
  EXPECT_EQ(Get(results, "GPUMemoryIncrease").not_evaluated_reason,
            "1000 datapoints (samples per GPU); needs more than 1000 (patience)");
  EXPECT_EQ(Get(results, "LoadBalancing").not_evaluated_reason,
            "800 datapoints (samples per GPU); needs more than 1000 (patience)");
  for (const RuleResult& r : results) EXPECT_TRUE(r.applicable) << r.name;
}

TEST(InferStatesFromJsonTest, SingleGpuHasNothingToBalanceAndFiredRulesStayTriggered) {
  std::vector<RuleResult> results = Parse({
      {"LoadBalancing", Envelope(0, "{\"algo-1\": {\"workloads\": {\"gpu0\": [3, 0]}}}", 1079,
                                 "threshold:0.2\\npatience:1000")},
      {"LowGPUUtilization", Envelope(10, "{}", 900, kLowGpuParams)},
  });
  InferStatesFromJson(&results);
  EXPECT_FALSE(Get(results, "LoadBalancing").applicable);
  EXPECT_EQ(Get(results, "LoadBalancing").not_applicable_reason,
            "a single GPU (gpu0): nothing to balance");
  // Fired below the patience (cannot happen with one GPU, but the JSON says
  // so): no not-evaluated reason.
  EXPECT_EQ(Get(results, "LowGPUUtilization").not_evaluated_reason, "");
  // Two nodes of one GPU each.
  std::vector<RuleResult> two = Parse({
      {"LoadBalancing",
       Envelope(0,
                "{\"algo-1\": {\"workloads\": {\"gpu0\": [3]}}, \"algo-2\": {\"workloads\": "
                "{\"gpu0\": [3]}}}",
                3000, "threshold:0.2\\npatience:1000")},
  });
  InferStatesFromJson(&two);
  EXPECT_EQ(two[0].not_applicable_reason, "one GPU per node: nothing to balance");
}

TEST(InferStatesFromJsonTest, DataloaderMedianOutsideTheRangeWithoutViolationWasNotJudged) {
  // 4 cores, median 1 < 2.8, 30 events, no violation: the last window with
  // loader events had at most 10 seconds of them.
  std::vector<RuleResult> results = Parse({
      {"Dataloader", Envelope(0, "{\"cores\": 4, \"dataloaders\": 1}", 30, kLoaderParams)},
  });
  InferStatesFromJson(&results);
  EXPECT_EQ(
      results[0].not_evaluated_reason,
      "at most 10 seconds with data-loader events (the final median of 1 loaders for 4 "
      "cores is outside the range, yet the rule did not fire); needs more than 10 (patience)");
  // Within the range (3 loaders for 4 cores): judged or not, nothing to say.
  std::vector<RuleResult> fine = Parse({
      {"Dataloader", Envelope(0, "{\"cores\": 4, \"dataloaders\": 3}", 30, kLoaderParams)},
  });
  InferStatesFromJson(&fine);
  EXPECT_EQ(fine[0].not_evaluated_reason, "");
  EXPECT_TRUE(fine[0].applicable);
  // No loader events.
  std::vector<RuleResult> none = Parse({{"Dataloader", Envelope(0, "{}", 0, kLoaderParams)}});
  InferStatesFromJson(&none);
  EXPECT_FALSE(none[0].applicable);
  EXPECT_EQ(none[0].not_applicable_reason, "0 datapoints: no PyTorch data-loader events");
}

TEST(InferStatesFromJsonTest, StepsAndInitializationWithAndWithoutFrameworkData) {
  // System-only job (DannyLCG): no steps, empty OverallFrameworkMetrics.
  std::vector<RuleResult> system_only = Parse({
      {"StepOutlier", Envelope(0, "{\"step_details\": {}}", 0, kStepParams)},
      {"MaxInitializationTime",
       Envelope(0, "{\"step_num\": {}, \"job_start\": 1000.0, \"job_end\": 1263.0}", 0,
                "threshold:20")},
      {"OverallFrameworkMetrics",
       Envelope(0, "{\"ratio\": {}, \"phase\": {}, \"phase_time\": {}}", 0, "")},
  });
  InferStatesFromJson(&system_only);
  for (const RuleResult& r : system_only) EXPECT_FALSE(r.applicable) << r.name;
  EXPECT_EQ(Get(system_only, "StepOutlier").not_applicable_reason,
            "no framework profiling data: step durations are unknown");
  EXPECT_EQ(Get(system_only, "MaxInitializationTime").not_applicable_reason,
            "no framework profiling data: step times are unknown");

  // Framework data with 60 steps (no phase judged) and a first step 30 min
  // after the start that SageMaker's rule never flagged.
  std::vector<RuleResult> with_steps = Parse({
      {"StepOutlier", Envelope(0, "{\"step_details\": {}}", 60, kStepParams)},
      {"MaxInitializationTime",
       Envelope(0,
                "{\"step_num\": {\"first\": 1001800000000, \"last\": 1002000000000}, "
                "\"job_start\": 1000000.0, \"job_end\": 1002100.0}",
                60, "threshold:20")},
      {"OverallFrameworkMetrics",
       Envelope(0, "{\"ratio\": {}, \"phase\": {\"Step:ModeKeys.TRAIN\": 90.0}}", 0, "")},
  });
  InferStatesFromJson(&with_steps);
  EXPECT_EQ(Get(with_steps, "StepOutlier").not_evaluated_reason,
            "60 step events, no phase with more than 100 on a node; needs more than 100 per node "
            "and phase (the rule's minimum)");
  EXPECT_EQ(Get(with_steps, "MaxInitializationTime").not_evaluated_reason,
            "the first step came 30.0 min after the job start, later than the 20-minute "
            "threshold, yet the rule did not fire: SageMaker's ProfilerReport never runs this "
            "check");
  EXPECT_TRUE(Get(with_steps, "OverallFrameworkMetrics").applicable);
}

TEST(InferStatesFromJsonTest, FailedResultsAreLeftAlone) {
  std::vector<RuleResult> results = Parse({
      {"LowGPUUtilization", Envelope(0, "{}", 0, kLowGpuParams)},
  });
  results[0].failed = true;
  results[0].error = "boom";
  InferStatesFromJson(&results);
  EXPECT_TRUE(results[0].applicable);
  EXPECT_EQ(results[0].not_evaluated_reason, "");
}

}  // namespace
}  // namespace smr
