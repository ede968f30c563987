// LoadBalancing (docs/rules.md §4.7, §7): detects GPUs of one node
// whose workloads differ (workload imbalance).
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUUtilization sample of a (node, gpu) goes into that GPU's histogram of
// 50 bins of width 2 covering the full 0–100 % range ([0,2), [2,4), …,
// [96,98), and the last bin closed: [98,100]; values outside 0–100 are
// clamped into the first/last bin). Datapoints = number of samples of the
// GPU of the last GPUUtilization sample. After each window:
//   Details[node]["workloads"][gpu] = the histogram (50 ints), for every GPU
//   seen so far (first-seen order, as SageMaker);
//   then for every pair of GPUs of the same node (i < j in natural order,
//   gpu2 before gpu10) that both have more than `patience` samples:
//   - the Jensen–Shannon distance of the normalised histograms
//       d = sqrt(½·KL(p‖m) + ½·KL(q‖m)),  m = (p + q)/2,  natural log
//     (SageMaker's test), and
//   - the difference of the two GPUs' mean utilizations, each read from its
//     histogram with every sample at the middle of its bin (bin i -> 2i+1 %):
//       Δ = |Σ(2i+1)·p_i − Σ(2i+1)·q_i|   (percentage points)
//     (sm-report's second test: narrow histograms of equally loaded GPUs
//     are far apart in Jensen–Shannon terms after a shift of one bin, so d
//     alone flags GPUs only 2 points apart);
//   if d > threshold and Δ >= min_difference, RuleTriggered and Violations
//   grow by 1 and Details[node]["distances"][gpu_i][gpu_j] = d (latest
//   value). A pair is counted again in every later window in which it is
//   still imbalanced — the original's per-window structure, and the same
//   "window-evaluations" meaning as LowGPUUtilization's counter.
// When a GPU exceeds 1 000 000 samples all histograms are dropped.
//
// Deviations from SageMaker (docs/compatibility.md): SageMaker's pair loop is
// defective and never compares two different GPUs (0 triggers ever), pairs
// GPUs across nodes, bins with edges 0, 2, …, 98 (49 bins; values above
// 98 % dropped) and has no mean-difference test (min_difference, appended to
// RuleParameters as a third line).
//
// Worked example (threshold 0.2, patience 2, min_difference 10, t0 = 1000 s):
//   algo-1/gpu0 at 100 % and algo-1/gpu1 at 0 %, 3 samples each ->
//   workloads gpu0 = [0 ×49, 3], gpu1 = [3, 0 ×49]; disjoint histograms:
//   KL(p‖m) = KL(q‖m) = ln 2, d = sqrt(ln 2) = 0.8325546111576977 > 0.2;
//   means 99 % and 1 %, Δ = 98 >= 10.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"workloads":
//    {"gpu0": [0, …, 0, 3], "gpu1": [3, 0, …, 0]}, "distances": {"gpu0":
//    {"gpu1": 0.8325546111576977}}}}, "Datapoints": 3, "RuleParameters":
//    "threshold:0.2\npatience:2\nmin_difference:10"}
#ifndef SMR_SRC_RULES_LOAD_BALANCING_H_
#define SMR_SRC_RULES_LOAD_BALANCING_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "src/rules/param_rule.h"

namespace smr {

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
};

// Jensen–Shannon distance (natural log) of two histograms, each normalised
// to sum 1. Exposed for tests. 0 if either histogram is empty.
double JensenShannonDistance(std::span<const int64_t> a, std::span<const int64_t> b);

// Mean utilization (%) of a histogram of 2-point bins, each sample counted at
// the middle of its bin (bin i -> 2i+1 %; also right for SageMaker's 49-bin
// layout). Exposed for tests. 0 if the histogram is empty.
double HistogramMeanUtilization(std::span<const int64_t> counts);

}  // namespace smr

#endif  // SMR_SRC_RULES_LOAD_BALANCING_H_
