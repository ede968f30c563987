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
// Not applicable when every node has a single GPU (nothing to balance); not
// evaluated when no two GPUs of a node both had more than `patience`
// samples (RuleResult::not_evaluated_reason).
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
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

constexpr int kBins = 50;

using Histogram = std::array<int64_t, kBins>;

struct GpuHistogram {
  StrId gpu = 0;
  Histogram counts{};
  int64_t samples = 0;
};
using HistogramTable = NodeGpuTable<GpuHistogram>;

// Bin of a utilization value: width 2, last bin closed at 100 (§7 fix: the
// full range is kept, so a saturated GPU is counted).
int BinOf(double util_pct) {
  if (!(util_pct >= 0)) return 0;  // negative or NaN: clamp to the first bin
  const double b = std::floor(util_pct / 2);
  return b >= kBins - 1 ? kBins - 1 : static_cast<int>(b);
}

}  // namespace

double JensenShannonDistance(std::span<const int64_t> a, std::span<const int64_t> b) {
  double sa = 0, sb = 0;
  for (int64_t x : a) sa += static_cast<double>(x);
  for (int64_t x : b) sb += static_cast<double>(x);
  if (sa <= 0 || sb <= 0 || a.size() != b.size()) return 0;
  double kl_p = 0, kl_q = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double p = static_cast<double>(a[i]) / sa;
    const double q = static_cast<double>(b[i]) / sb;
    const double m = (p + q) / 2;
    if (p > 0) kl_p += p * std::log(p / m);
    if (q > 0) kl_q += q * std::log(q / m);
  }
  const double divergence = (kl_p + kl_q) / 2;
  return std::sqrt(std::max(divergence, 0.0));  // rounding can give -1e-17
}

double HistogramMeanUtilization(std::span<const int64_t> counts) {
  int64_t n = 0, sum = 0;  // sum of bin middles, exact in integers
  for (size_t i = 0; i < counts.size(); ++i) {
    n += counts[i];
    sum += static_cast<int64_t>(2 * i + 1) * counts[i];
  }
  return n > 0 ? static_cast<double>(sum) / static_cast<double>(n) : 0.0;
}

namespace {

// After window `w`: writes the node's workloads and compares its GPUs in
// natural order (gpu2 before gpu10).
void CheckNode(const RuleInputs& in, const LoadBalancingParams& p, size_t w,
               const HistogramTable::Node& n, RuleResult* r) {
  const std::string node_key(in.store.str(n.node));
  nlohmann::ordered_json& node_json = r->details[node_key];
  for (const GpuHistogram& g : n.gpus) {
    node_json["workloads"][std::string(in.store.str(g.gpu))] = g.counts;
  }
  std::vector<const GpuHistogram*> order;
  for (const GpuHistogram& g : n.gpus) order.push_back(&g);
  std::sort(order.begin(), order.end(), [&](const GpuHistogram* a, const GpuHistogram* b) {
    return NaturalLess(in.store.str(a->gpu), in.store.str(b->gpu));
  });
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i]->samples <= p.patience) continue;
    for (size_t j = i + 1; j < order.size(); ++j) {
      if (order[j]->samples <= p.patience) continue;
      const double d = JensenShannonDistance(order[i]->counts, order[j]->counts);
      if (!(d > p.threshold)) continue;
      const double difference = std::abs(HistogramMeanUtilization(order[i]->counts) -
                                         HistogramMeanUtilization(order[j]->counts));
      if (!(difference >= p.min_difference)) continue;
      r->triggered += 1;
      r->violations += 1;
      const std::string gi(in.store.str(order[i]->gpu));
      const std::string gj(in.store.str(order[j]->gpu));
      node_json["distances"][gi][gj] = d;
      r->findings.push_back({in.plan.start_us(w), node_key, gi + "/" + gj, d});
    }
  }
}

// Not applicable when no node has two GPUs; not evaluated when no two GPUs
// of a node both had more than `patience` samples.
void SetState(const RuleInputs& in, const LoadBalancingParams& p, const HistogramTable& table,
              RuleResult* r) {
  if (!r->applicable) return;
  if (table.nodes().empty()) {
    MarkNotEvaluated("no GPU utilization samples in the evaluated windows", r);
    return;
  }
  int64_t most = 0;  // per node, the second-largest sample count; the largest of those
  size_t max_gpus = 0;
  for (const HistogramTable::Node& n : table.nodes()) {
    max_gpus = std::max(max_gpus, n.gpus.size());
    std::vector<int64_t> counts;
    for (const GpuHistogram& g : n.gpus) counts.push_back(g.samples);
    if (counts.size() < 2) continue;
    std::sort(counts.rbegin(), counts.rend());
    most = std::max(most, counts[1]);
  }
  if (max_gpus == 1) {
    r->applicable = false;
    r->not_applicable_reason = table.nodes().size() == 1
                                   ? fmt::format("a single GPU ({}): nothing to balance",
                                                 in.store.str(table.nodes()[0].gpus[0].gpu))
                                   : std::string("one GPU per node: nothing to balance");
  } else if (max_gpus > 1 && most <= p.patience) {
    MarkNotEvaluated(PatienceReason(fmt::format("at most {} samples per GPU", most), p.patience),
                     r);
  }
}

}  // namespace

RuleResult LoadBalancingRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_util =
      RequiredSeriesOfKind(in.store, MetricKind::kGpuUtilization, "GPUUtilization", &r);

  HistogramTable table;
  for (size_t w = 0; w < in.plan.size(); ++w) {
    ForEachSample(in, w, is_gpu_util, [&](uint32_t row, const SeriesInfo& info) {
      GpuHistogram& g = table.At(info.node, info.name);
      g.counts[static_cast<size_t>(BinOf(in.sys.value(row)))] += 1;
      g.samples += 1;
      r.datapoints = g.samples;
      // SageMaker's memory guard: start all histograms afresh.
      if (g.samples > kMaxDatapoints) table.clear();
    });
    for (const HistogramTable::Node& n : table.nodes()) CheckNode(in, p_, w, n, &r);
  }
  SetState(in, p_, table, &r);
  return r;
}

}  // namespace smr
