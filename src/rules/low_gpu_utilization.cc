// LowGPUUtilization (docs/rules.md §4.1): flags GPUs whose utilization
// is low or fluctuating.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUUtilization sample is appended to its (node, gpu) list in reader order.
// After each window, for each (node, gpu) in first-seen order: Datapoints =
// number of its values; if it has more than `patience` values, p95w/p5w are
// the numpy quantiles of its last `window` values and the GPU is flagged if
//   p95w < threshold_p95                        (under-used), or
//   p95w > threshold_p95 and p5w < threshold_p5 (fluctuating).
// A flag adds 1 to RuleTriggered and Violations and overwrites
// Details[node][gpu] = {gpu_max, gpu_95, gpu_5, p25, p50, p75, p95, upper,
// lower} (gpu_95/gpu_5 over the last `window` values, the others over all
// values, Tukey whiskers) and Details["last_timestamp"] = start (µs) of the
// window. When a list exceeds 1 000 000 values all lists are dropped (the
// current GPU is still checked; SageMaker would raise on the next GPU of the
// same pass, we end that pass instead).
//
// No GPU with more than `patience` samples: not evaluated (the report's
// state; RuleResult::not_evaluated_reason).
//
// Without any GPUUtilization series but with PyTorch-profiler traces that
// have GPU activity, the samples are the GPU busy share per 100 ms bucket of
// each rank's trace (KinetoRankAnalysis::gpu_busy_ns; the last bucket's
// share is of its actual length), one GPU per rank keyed "rank N" /
// "gpu<device>", checked once over all its buckets with the same test and
// Details; last_timestamp is the start (µs) of the rank's last bucket.
//
// Worked example (patience 2, window 3, one window starting at t0 = 1000 s):
//   algo-1/gpu0 samples 0, 0, 10  -> 3 values > patience; last 3 = {0,0,10}:
//   p95w = 9.0 < 70 -> flagged once.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"gpu0":
//    {"gpu_max": 10.0, "gpu_95": 9.0, "gpu_5": 0.0, "p25": 0.0, "p50": 0.0,
//     "p75": 5.0, "p95": 9.0, "upper": 10.0, "lower": 0.0}},
//    "last_timestamp": 1000000000}, "Datapoints": 3, "RuleParameters":
//    "threshold_p95:70\nthreshold_p5:10\nwindow:3\npatience:2"}
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/kineto_analysis.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

struct GpuValues {
  StrId gpu = 0;
  std::vector<double> values;
};
using GpuTable = NodeGpuTable<GpuValues>;

// Flags a GPU whose last `window` values are under-used or fluctuating:
// Details[node_key][gpu_key] gets the statistics, last_timestamp `ts_us`.
void FlagIfLow(const LowGpuUtilizationParams& p, const std::string& node_key,
               const std::string& gpu_key, int64_t ts_us, const std::vector<double>& values,
               RuleResult* r) {
  const size_t n = values.size();
  const size_t window = static_cast<size_t>(p.window);
  std::vector<double> tail(values.end() - static_cast<std::ptrdiff_t>(std::min(window, n)),
                           values.end());
  std::sort(tail.begin(), tail.end());
  const double p95w = QuantileSorted(tail, 0.95);
  const double p5w = QuantileSorted(tail, 0.05);
  const bool under_used = p95w < p.threshold_p95;
  const bool fluctuating = p95w > p.threshold_p95 && p5w < p.threshold_p5;
  if (!under_used && !fluctuating) return;

  r->triggered += 1;
  r->violations += 1;
  r->datapoints = static_cast<int64_t>(n);
  r->findings.push_back({ts_us, node_key, gpu_key, under_used ? p95w : p5w});
  const BoxStats box = ComputeBoxStats(values);
  nlohmann::ordered_json& entry = r->details[node_key][gpu_key];
  entry = nlohmann::ordered_json::object();
  entry["gpu_max"] = box.max;
  entry["gpu_95"] = p95w;
  entry["gpu_5"] = p5w;
  AddBoxQuartiles(box, &entry);
  r->details["last_timestamp"] = ts_us;
}

// Flags GPU (node, gpu) after window `w` if its last `window` values are
// under-used or fluctuating; Details[node][gpu] gets the statistics.
void CheckGpu(const RuleInputs& in, const LowGpuUtilizationParams& p, size_t w, StrId node,
              StrId gpu, const std::vector<double>& values, RuleResult* r) {
  FlagIfLow(p, std::string(in.store.str(node)), std::string(in.store.str(gpu)), in.plan.start_us(w),
            values, r);
}

// The checks after window `w`, GPUs in first-seen order.
void CheckWindow(const RuleInputs& in, const LowGpuUtilizationParams& p, size_t w, GpuTable* table,
                 RuleResult* r) {
  for (size_t ni = 0; ni < table->nodes().size(); ++ni) {
    for (size_t gi = 0; gi < table->nodes()[ni].gpus.size(); ++gi) {
      const StrId node_id = table->nodes()[ni].node;
      GpuValues& g = table->nodes()[ni].gpus[gi];
      r->datapoints = static_cast<int64_t>(g.values.size());
      if (r->datapoints > kMaxDatapoints) {
        // SageMaker's memory guard: drop every list, keep checking this
        // one, and end the pass (SageMaker would raise on the next GPU).
        const GpuValues last = std::move(g);
        table->clear();
        if (static_cast<int64_t>(last.values.size()) > p.patience) {
          CheckGpu(in, p, w, node_id, last.gpu, last.values, r);
        }
        return;
      }
      if (static_cast<int64_t>(g.values.size()) <= p.patience) continue;
      CheckGpu(in, p, w, node_id, g.gpu, g.values, r);
    }
  }
}

// The utilization samples of a rank's Kineto trace: 100 · busy / bucket
// length per KinetoRankAnalysis::gpu_busy_ns bucket (the last bucket ends at
// the trace's end).
std::vector<double> KinetoUtilization(const KinetoRankAnalysis& rank) {
  std::vector<double> out;
  for (size_t i = 0; i < rank.gpu_busy_ns.size(); ++i) {
    const int64_t begin = rank.start_ns + static_cast<int64_t>(i) * rank.busy_bucket_ns;
    const int64_t length = std::min(rank.busy_bucket_ns, rank.end_ns - begin);
    if (length <= 0) continue;
    out.push_back(100.0 * static_cast<double>(rank.gpu_busy_ns[i]) / static_cast<double>(length));
  }
  return out;
}

// Without GPU utilization series: the rule on the GPU busy time of the
// Kineto traces, one GPU per rank ("rank N", "gpu<device>"), checked once
// over all its buckets; last_timestamp is the start (µs) of its last bucket.
void EvaluateKineto(const KinetoAnalysis& k, const LowGpuUtilizationParams& p, RuleResult* r) {
  size_t most = 0;
  for (const KinetoRankAnalysis& rank : k.ranks) {
    if (!rank.has_gpu) continue;
    const std::vector<double> values = KinetoUtilization(rank);
    if (values.empty()) continue;
    most = std::max(most, values.size());
    r->datapoints = static_cast<int64_t>(values.size());
    if (static_cast<int64_t>(values.size()) <= p.patience) continue;
    const int32_t device = rank.streams.empty() ? 0 : std::max(rank.streams.front().device, 0);
    const int64_t last_bucket_ns =
        rank.start_ns + static_cast<int64_t>(rank.gpu_busy_ns.size() - 1) * rank.busy_bucket_ns;
    FlagIfLow(p, fmt::format("rank {}", rank.rank), fmt::format("gpu{}", device),
              last_bucket_ns / 1000, values, r);
  }
  if (static_cast<int64_t>(most) <= p.patience) {
    MarkNotEvaluated(
        most == 0
            ? std::string("no GPU busy time in the PyTorch-profiler traces")
            : PatienceReason(fmt::format("at most {} Kineto buckets of 100 ms per rank", most),
                             p.patience),
        r);
  }
}

bool HasKinetoGpu(const AnalysisContext& ctx) {
  if (ctx.kineto == nullptr) return false;
  for (const KinetoRankAnalysis& rank : ctx.kineto->ranks) {
    if (rank.has_gpu) return true;
  }
  return false;
}

}  // namespace

RuleResult LowGpuUtilizationRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  if (!SeriesOfKind(in.store, MetricKind::kGpuUtilization).any && HasKinetoGpu(ctx)) {
    EvaluateKineto(*ctx.kineto, p_, &r);
    return r;
  }
  const SeriesMask is_gpu_util =
      RequiredSeriesOfKind(in.store, MetricKind::kGpuUtilization, "GPUUtilization", &r);

  GpuTable table;
  size_t most = 0;  // the most samples any GPU had
  for (size_t w = 0; w < in.plan.size(); ++w) {
    ForEachSample(in, w, is_gpu_util, [&](uint32_t row, const SeriesInfo& info) {
      std::vector<double>& values = table.At(info.node, info.name).values;
      values.push_back(in.sys.value(row));
      most = std::max(most, values.size());
    });
    CheckWindow(in, p_, w, &table, &r);
  }
  if (static_cast<int64_t>(most) <= p_.patience) {
    MarkNotEvaluated(
        most == 0 ? std::string("no GPU utilization samples in the evaluated windows")
                  : PatienceReason(fmt::format("at most {} samples per GPU", most), p_.patience),
        &r);
  }
  return r;
}

}  // namespace smr
