// LowGPUUtilization: parameter table, texts and the per-window p95/p5 check
// of every GPU (low_gpu_utilization.h).
#include "src/rules/low_gpu_utilization.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

constexpr int64_t kMaxDatapoints = 1'000'000;

using P = LowGpuUtilizationParams;

constexpr ParamRow<P> kRows[] = {
    {"threshold_p95", &P::threshold_p95, ParamType::kPercent, "%",
     "p95 of the last `window` samples below which a GPU counts as under-used"},
    {"threshold_p5", &P::threshold_p5, ParamType::kPercent, "%",
     "p5 below which a GPU with a high p95 counts as fluctuating"},
    {"window", &P::window, ParamType::kInt, "samples", "number of latest samples for p95/p5"},
    {"patience", &P::patience, ParamType::kInt, "samples",
     "samples a GPU needs before it is checked"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "LowGPUUtilization",
    "Checks if the GPU utilization is low or fluctuating. This can happen due to bottlenecks, "
    "blocking calls for synchronizations, or a small batch size.",
    "Check if there are bottlenecks, minimize blocking calls, change distributed training "
    "strategy, or increase the batch size.",
    kRows,
};

struct GpuValues {
  StrId gpu = 0;
  std::vector<double> values;
};
using GpuTable = NodeGpuTable<GpuValues>;

// Flags GPU (node, gpu) after window `w` if its last `window` values are
// under-used or fluctuating; Details[node][gpu] gets the statistics.
void CheckGpu(const RuleInputs& in, const P& p, size_t w, StrId node, StrId gpu,
              const std::vector<double>& values, RuleResult* r) {
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
  const std::string node_key(in.store.str(node));
  const std::string gpu_key(in.store.str(gpu));
  r->findings.push_back({in.plan.start_us(w), node_key, gpu_key, under_used ? p95w : p5w});
  const BoxStats box = ComputeBoxStats(values);
  nlohmann::ordered_json& entry = r->details[node_key][gpu_key];
  entry = nlohmann::ordered_json::object();
  entry["gpu_max"] = box.max;
  entry["gpu_95"] = p95w;
  entry["gpu_5"] = p5w;
  entry["p25"] = box.p25;
  entry["p50"] = box.p50;
  entry["p75"] = box.p75;
  entry["p95"] = box.p95;
  entry["upper"] = box.upper;
  entry["lower"] = box.lower;
  r->details["last_timestamp"] = in.plan.start_us(w);
}

// The checks after window `w`, GPUs in first-seen order.
void CheckWindow(const RuleInputs& in, const P& p, size_t w, GpuTable* table, RuleResult* r) {
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

}  // namespace

LowGpuUtilizationRule::LowGpuUtilizationRule(LowGpuUtilizationParams params)
    : ParamRule(kDescriptor, params) {}

RuleResult LowGpuUtilizationRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_util = SeriesOfKind(in.store, MetricKind::kGpuUtilization);
  RequireSeries(is_gpu_util, "GPUUtilization", &r);

  GpuTable table;
  for (size_t w = 0; w < in.plan.size(); ++w) {
    for (uint32_t row : in.plan.system_rows(w)) {
      const uint32_t s = in.sys.series(row);
      if (!is_gpu_util[s]) continue;
      const SeriesInfo& info = in.store.series()[s];
      table.At(info.node, info.name).values.push_back(in.sys.value(row));
    }
    CheckWindow(in, p_, w, &table, &r);
  }
  return r;
}

}  // namespace smr
