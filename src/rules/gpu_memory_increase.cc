// GPUMemoryIncrease: parameter table, texts and the moving-average check on
// every GPU memory sample (gpu_memory_increase.h).
#include "src/rules/gpu_memory_increase.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

constexpr int64_t kMaxDatapoints = 1'000'000;

using P = GpuMemoryIncreaseParams;

constexpr ParamRow<P> kRows[] = {
    {"increase", &P::increase, ParamType::kPercent, "%",
     "growth of the moving average of GPU memory utilization that triggers the rule"},
    {"patience", &P::patience, ParamType::kInt, "samples",
     "samples a GPU needs before the rule can trigger"},
    {"window", &P::window, ParamType::kInt, "samples", "length of the moving average"},
};

constexpr RuleDescriptor<P> kDescriptor = {
    "GPUMemoryIncrease",
    "Measures the average GPU memory footprint and triggers if there is a large increase.",
    "Choose a larger instance type with more memory if footprint is close to maximum available "
    "memory.",
    kRows,
};

struct GpuValues {
  StrId gpu = 0;
  std::vector<double> values;
  // Details of the latest trigger, materialized lazily: statistics over
  // values[0, trigger_n) (sorting the whole list on each of thousands of
  // triggering samples would be quadratic).
  bool pending = false;
  size_t trigger_n = 0;
  double trigger_diff = 0;
};
using GpuTable = NodeGpuTable<GpuValues>;

void FillEntry(std::span<const double> values, double diff, nlohmann::ordered_json* entry) {
  const BoxStats box = ComputeBoxStats(values);
  *entry = nlohmann::ordered_json::object();
  (*entry)["increase"] = diff;
  (*entry)["gpu_max"] = box.max;
  (*entry)["p05"] = Quantile(values, 0.05);
  (*entry)["p25"] = box.p25;
  (*entry)["p50"] = box.p50;
  (*entry)["p75"] = box.p75;
  (*entry)["p95"] = box.p95;
  (*entry)["upper"] = box.upper;
  (*entry)["lower"] = box.lower;
}

// One evaluation: the GPUs' values and the pending Details.
class MemoryRun {
 public:
  MemoryRun(const RuleInputs& in, const P& p, RuleResult* r)
      : in_(in), p_(p), r_(r), window_(static_cast<size_t>(p.window)) {}

  // Adds the value of system row `row` (a GPUMemoryUtilization sample of
  // window `w`) and checks it; returns the increase if it fired.
  std::optional<double> Add(size_t w, uint32_t row, const SeriesInfo& info);
  // Writes every pending entry (at a reset and at the end).
  void MaterializeAll() {
    for (GpuTable::Node& n : table_.nodes()) {
      for (GpuValues& g : n.gpus) Materialize(n.node, g);
    }
  }

 private:
  nlohmann::ordered_json& Entry(StrId node, StrId gpu) {
    return r_->details[std::string(in_.store.str(node))][std::string(in_.store.str(gpu))];
  }
  void Materialize(StrId node, GpuValues& g) {
    if (!g.pending) return;
    FillEntry(std::span<const double>(g.values.data(), g.trigger_n), g.trigger_diff,
              &Entry(node, g.gpu));
    g.pending = false;
  }

  const RuleInputs& in_;
  const P& p_;
  RuleResult* r_;
  const size_t window_;
  GpuTable table_;
};

std::optional<double> MemoryRun::Add(size_t w, uint32_t row, const SeriesInfo& info) {
  GpuValues& g = table_.At(info.node, info.name);
  g.values.push_back(in_.sys.value(row));
  const size_t n = g.values.size();
  r_->datapoints = static_cast<int64_t>(n);
  if (static_cast<int64_t>(n) > kMaxDatapoints) {
    // SageMaker's memory guard: drop every list (keeping the Details
    // already earned); it then fails on this sample, we skip it.
    MaterializeAll();
    table_.clear();
    return std::nullopt;
  }
  if (n <= window_ + 1) return std::nullopt;
  const double* v = g.values.data();
  const double recent = NumpyMean({v + (n - window_), window_});
  const double previous = NumpyMean({v + (n - window_ - 1), window_ - 1});
  const double diff = recent - previous;  // NaN for window 1: never fires
  if (!(diff > p_.increase) || static_cast<int64_t>(n) <= p_.patience) return std::nullopt;

  r_->triggered += 1;
  r_->violations += 1;
  Entry(info.node, info.name);  // fixes the key order at the first trigger
  r_->details["last_timestamp"] = in_.plan.start_us(w);
  g.pending = true;
  g.trigger_n = n;
  g.trigger_diff = diff;
  return diff;
}

}  // namespace

GpuMemoryIncreaseRule::GpuMemoryIncreaseRule(GpuMemoryIncreaseParams params)
    : ParamRule(kDescriptor, params) {}

RuleResult GpuMemoryIncreaseRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_mem = SeriesOfKind(in.store, MetricKind::kGpuMemory);
  RequireSeries(is_gpu_mem, "GPUMemoryUtilization", &r);

  MemoryRun run(in, p_, &r);
  for (size_t w = 0; w < in.plan.size(); ++w) {
    // Largest increase per GPU that fired in this window (report findings),
    // in the order of their first trigger.
    std::vector<std::pair<std::pair<StrId, StrId>, double>> fired;
    for (uint32_t row : in.plan.system_rows(w)) {
      const uint32_t s = in.sys.series(row);
      if (!is_gpu_mem[s]) continue;
      const SeriesInfo& info = in.store.series()[s];
      const std::optional<double> diff = run.Add(w, row, info);
      if (!diff) continue;
      const std::pair<StrId, StrId> key{info.node, info.name};
      auto it = std::find_if(fired.begin(), fired.end(),
                             [&](const auto& f) { return f.first == key; });
      if (it == fired.end()) fired.emplace_back(key, *diff);
      else it->second = std::max(it->second, *diff);
    }
    for (const auto& [key, diff] : fired) {
      r.findings.push_back({in.plan.start_us(w), std::string(in.store.str(key.first)),
                            std::string(in.store.str(key.second)), diff});
    }
  }
  run.MaterializeAll();
  return r;
}

}  // namespace smr
