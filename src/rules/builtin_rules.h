// The built-in rules, in SageMaker ProfilerReport order (docs/rules.md §1):
// each rule's Params struct (its member initializers are the defaults as
// ProfilerReport runs the rule) and its rule class. Parameter tables,
// descriptors and the list of rules are in builtin_rules.cc; each rule's
// algorithm (Evaluate, with a worked example) is in src/rules/<rule>.cc.
#ifndef SMR_SRC_RULES_BUILTIN_RULES_H_
#define SMR_SRC_RULES_BUILTIN_RULES_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "src/rules/param_rule.h"

namespace smr {

// ---- CPUBottleneck (docs/rules.md §4.3; system_bottleneck.cc) ---------------
struct CpuBottleneckParams {
  double threshold = 50;      // % of snapshots that are bottlenecks
  double cpu_threshold = 90;  // % CPUUtilization above which a core is busy
  double gpu_threshold = 10;  // % GPUUtilization below which a GPU is idle
  // Snapshots to see before the ratio is checked (GPUs idle during
  // initialization). The AWS guide says 100.
  int64_t patience = 1000;
};

class CpuBottleneckRule : public ParamRule<CpuBottleneckParams> {
 public:
  explicit CpuBottleneckRule(CpuBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  bool two_pass() const override { return true; }
  std::unique_ptr<RulePartial> SecondPartial(const AnalysisContext& ctx,
                                             const RulePartial& first) const override;
  std::unique_ptr<RulePartial> EmptySecondPartial() const override;
  RuleResult FinishTwoPass(RulePartial&& first, RulePartial&& second,
                           const AnalysisContext& ctx) const override;
};

// ---- IOBottleneck (§4.4; system_bottleneck.cc: CPUBottleneck with I/O wait) ----
struct IoBottleneckParams {
  double threshold = 50;     // % of snapshots that are bottlenecks
  double io_threshold = 50;  // % I/OWaitPercentage above which a core waits
  // % GPUUtilization below which a GPU is idle. The AWS guide says 70.
  double gpu_threshold = 10;
  // Snapshots to see before the ratio is checked (GPUs idle during
  // initialization).
  int64_t patience = 1000;
};

class IoBottleneckRule : public ParamRule<IoBottleneckParams> {
 public:
  explicit IoBottleneckRule(IoBottleneckParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  bool two_pass() const override { return true; }
  std::unique_ptr<RulePartial> SecondPartial(const AnalysisContext& ctx,
                                             const RulePartial& first) const override;
  std::unique_ptr<RulePartial> EmptySecondPartial() const override;
  RuleResult FinishTwoPass(RulePartial&& first, RulePartial&& second,
                           const AnalysisContext& ctx) const override;
};

// ---- LowGPUUtilization (§4.1; low_gpu_utilization.cc) -----------------------
struct LowGpuUtilizationParams {
  // % p95 of the last `window` samples below which a GPU is under-used;
  // above it (with a low p5) it is fluctuating.
  double threshold_p95 = 70;
  double threshold_p5 = 10;  // % p5 threshold of the fluctuation test
  int64_t window = 500;      // samples: how many of the latest the p95/p5 use
  // Samples a GPU needs before it is checked (GPUs idle during
  // initialization).
  int64_t patience = 1000;
};

class LowGpuUtilizationRule : public ParamRule<LowGpuUtilizationParams> {
 public:
  explicit LowGpuUtilizationRule(LowGpuUtilizationParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- StepOutlier (§4.6; step_outlier.cc) ------------------------------------
struct StepOutlierParams {
  // A step is an outlier when its duration exceeds mean + stddev · standard
  // deviation of its node and phase. (RuleParameters prints it twice, as
  // "threshold" and "stddev", like SageMaker.)
  double stddev = 3;
  // Empty (printed "None"): every Step:ModeKeys.* event. Otherwise also
  // events with exactly this name count as steps.
  std::string mode;
  // The rule triggers for a node and phase with more outliers than this.
  int64_t n_outliers = 10;
};

class StepOutlierRule : public ParamRule<StepOutlierParams> {
 public:
  explicit StepOutlierRule(StepOutlierParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  bool two_pass() const override { return true; }
  std::unique_ptr<RulePartial> SecondPartial(const AnalysisContext& ctx,
                                             const RulePartial& first) const override;
  std::unique_ptr<RulePartial> EmptySecondPartial() const override;
  RuleResult FinishTwoPass(RulePartial&& first, RulePartial&& second,
                           const AnalysisContext& ctx) const override;
};

// ---- GPUMemoryIncrease (§4.5; gpu_memory_increase.cc) -----------------------
struct GpuMemoryIncreaseParams {
  // Percentage points (the AWS guide says 10, the container ran 5). The rule
  // fires when the moving average grows by more than this.
  double increase = 5;
  // Samples (guide: 100). No trigger until a GPU has more samples than this
  // (memory is allocated during initialization).
  int64_t patience = 1000;
  int64_t window = 10;  // samples (guide: 500): length of the moving average
};

class GpuMemoryIncreaseRule : public ParamRule<GpuMemoryIncreaseParams> {
 public:
  explicit GpuMemoryIncreaseRule(GpuMemoryIncreaseParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- BatchSize (§4.2; batch_size.cc) ----------------------------------------
struct BatchSizeParams {
  // % p95 of the node's total CPU (last `window` values) must be below this.
  double cpu_threshold_p95 = 70;
  double gpu_threshold_p95 = 70;  // % p95 of a GPU's utilization (last `window`)
  // % p95 of a GPU's memory utilization (last `window` values).
  double gpu_memory_threshold_p95 = 70;
  // Samples (SageMaker's documentation says 100, its container runs 1000).
  // Total-CPU values a node needs before it is checked.
  int64_t patience = 1000;
  int64_t window = 500;  // samples: how many latest values the p95s use
};

class BatchSizeRule : public ParamRule<BatchSizeParams> {
 public:
  explicit BatchSizeRule(BatchSizeParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- MaxInitializationTime (§4.9; max_initialization_time.cc) ---------------
struct MaxInitializationTimeParams {
  // Minutes. Fire while no training step has started this long after the
  // first timestamp of the profiler data.
  double threshold = 20;
};

class MaxInitializationTimeRule : public ParamRule<MaxInitializationTimeParams> {
 public:
  explicit MaxInitializationTimeRule(MaxInitializationTimeParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- LoadBalancing (§4.7; load_balancing.cc) --------------------------------
struct LoadBalancingParams {
  // The container's value (SDK/guide: 0.5). Jensen–Shannon distance
  // (0 … sqrt(ln 2) ≈ 0.83) above which two GPUs are imbalanced.
  double threshold = 0.2;
  // Samples (guide: 10). Both GPUs of a pair need more samples than this
  // before they are compared.
  int64_t patience = 1000;
  // Percentage points (sm-report only). The two GPUs' mean utilizations
  // (from their histograms) must differ by at least this much as well; 0
  // leaves the distance as the only test.
  double min_difference = 10;
};

class LoadBalancingRule : public ParamRule<LoadBalancingParams> {
 public:
  explicit LoadBalancingRule(LoadBalancingParams params = {});
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// Jensen–Shannon distance (natural log) of two histograms, each normalised
// to sum 1. Exposed for tests. 0 if either histogram is empty.
double JensenShannonDistance(std::span<const int64_t> a, std::span<const int64_t> b);

// Mean utilization (%) of a histogram of 2-point bins, each sample counted at
// the middle of its bin (bin i -> 2i+1 %; also right for SageMaker's 49-bin
// layout). Exposed for tests. 0 if the histogram is empty.
double HistogramMeanUtilization(std::span<const int64_t> counts);

// ---- OverallSystemUsage (§4.10; overall_system_usage.cc) --------------------
class OverallSystemUsageRule : public ParamRule<NoParams> {
 public:
  OverallSystemUsageRule();
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- Dataloader (§4.8; dataloader.cc) ---------------------------------------
struct DataloaderParams {
  // % of the cores. Fewer parallel loader processes than this share of the
  // cores (median over seconds) is a violation.
  double min_threshold = 70;
  // % of the cores. More parallel loader processes than this share of the
  // cores is a violation.
  double max_threshold = 200;
  // Seconds with loader activity. Hidden in SageMaker's RuleParameters;
  // settable here as an sm-report extension. No check until the per-second
  // list has more entries than this.
  int64_t patience = 10;
};

class DataloaderRule : public ParamRule<DataloaderParams> {
 public:
  explicit DataloaderRule(DataloaderParams params = {});
  // min_threshold must be below max_threshold (else every median would be
  // a violation).
  Status ValidateParams() const override;
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

// ---- OverallFrameworkMetrics (§4.11; overall_framework_metrics.cc) ----------
class OverallFrameworkMetricsRule : public ParamRule<NoParams> {
 public:
  OverallFrameworkMetricsRule();
  RuleResult Evaluate(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> Partial(const AnalysisContext& ctx) const override;
  std::unique_ptr<RulePartial> EmptyPartial() const override;
  RuleResult Finish(RulePartial&& merged, const AnalysisContext& ctx) const override;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_BUILTIN_RULES_H_
