#include "src/rules/system_bottleneck.h"

#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/rules/framework_correlation.h"
#include "src/rules/python_json.h"

namespace smr {
namespace {

// SageMaker: rows within 20 ms of the snapshot's first row belong to it.
constexpr double kSnapshotWindowS = 0.02;
constexpr size_t kMaxBottlenecks = 1'000'000;

// Python dict keyed by float timestamp: insertion order, overwrite in place.
template <typename V>
class TimestampMap {
 public:
  V& operator[](double ts) {
    auto [it, inserted] = index_.try_emplace(ts, items_.size());
    if (inserted) items_.emplace_back(ts, V{});
    return items_[it->second].second;
  }
  const V* Find(double ts) const {
    auto it = index_.find(ts);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  size_t size() const { return items_.size(); }
  void clear() {
    items_.clear();
    index_.clear();
  }
  const std::vector<std::pair<double, V>>& items() const { return items_; }

 private:
  std::vector<std::pair<double, V>> items_;
  std::unordered_map<double, size_t> index_;
};

struct Counts {
  int64_t gpus = 0;
  int64_t busy = 0;
};

}  // namespace

RuleResult EvaluateSystemBottleneck(const AnalysisContext& ctx,
                                    const SystemBottleneckConfig& config,
                                    const SystemBottleneckParams& p) {
  RuleResult r;
  r.name = std::string(config.rule_name);
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const SystemColumns& sys = store.system();

  // Per series: 1 = GPUUtilization, 2 = the busy dimension, 0 = other.
  std::vector<char> role(store.series().size(), 0);
  bool any_gpu = false;
  for (size_t s = 0; s < store.series().size(); ++s) {
    const std::string_view dim = store.str(store.series()[s].dimension);
    if (dim == "GPUUtilization") {
      role[s] = 1;
      any_gpu = true;
    } else if (dim == config.busy_dimension) {
      role[s] = 2;
    }
  }
  if (!any_gpu) {
    r.applicable = false;
    r.not_applicable_reason =
        "no GPUUtilization samples (CPU-only instance or no system data): no bottleneck can be "
        "flagged";
  }

  nlohmann::ordered_json& d = r.details;
  d = nlohmann::ordered_json::object();
  TimestampMap<Counts> bottlenecks;
  FrameworkCorrelation correlation;
  double snapshot_ts = 0;
  int64_t low_gpu = 0;

  for (size_t w = 0; w < plan.size(); ++w) {
    if (bottlenecks.size() > kMaxBottlenecks) bottlenecks.clear();
    TimestampMap<int64_t> idle_gpus;  // snapshot -> GPUs below gpu_threshold
    TimestampMap<int64_t> busy;       // snapshot -> cores above the threshold
    for (uint32_t row : plan.system_rows(w)) {
      const double ts = sys.ts(row);
      if (std::abs(snapshot_ts - ts) > kSnapshotWindowS) {
        snapshot_ts = ts;
        r.datapoints += 1;
      }
      const char kind = role[sys.series(row)];
      const double v = sys.value(row);
      if (kind == 1 && v < p.gpu_threshold) {
        if (idle_gpus.Find(snapshot_ts) == nullptr) low_gpu += 1;
        idle_gpus[snapshot_ts] += 1;
      } else if (kind == 2 && v > p.busy_threshold) {
        busy[snapshot_ts] += 1;
      }
    }
    std::vector<FrameworkCorrelation::Interval> times;
    for (const auto& [ts, n_busy] : busy.items()) {
      const int64_t* n_idle = idle_gpus.Find(ts);
      if (n_idle == nullptr) continue;
      bottlenecks[ts] = Counts{*n_idle, n_busy};
      // SageMaker converts with timestamp * 1000 * 1000 (two roundings).
      const double ts_us = ts * 1000.0 * 1000.0;
      times.push_back({ts_us, ts_us});
    }
    r.violations = static_cast<int64_t>(bottlenecks.size());
    const double ratio_pct =
        r.datapoints > 0
            ? static_cast<double>(bottlenecks.size()) / static_cast<double>(r.datapoints) * 100.0
            : 0.0;
    if (r.datapoints > p.patience && ratio_pct > p.threshold) {
      r.triggered += 1;
      // Triggered path: "bottlenecks" is (re)written before
      // "low_gpu_utilization", which is only written when there is one.
      d["bottlenecks"] = nlohmann::ordered_json::object();  // filled at the end
      if (bottlenecks.size() > 0) d["low_gpu_utilization"] = low_gpu;
      correlation.AddBatch(store, plan.events(w), times, &d);
      r.findings.push_back({plan.start_us(w), "", "", ratio_pct});
    } else {
      d["low_gpu_utilization"] = low_gpu;
      d["bottlenecks"] = nlohmann::ordered_json::object();  // filled at the end
    }
  }
  if (plan.size() == 0) {
    // No window at all: write the keys the report expects (SageMaker: {}).
    d["low_gpu_utilization"] = 0;
    d["bottlenecks"] = nlohmann::ordered_json::object();
  }
  nlohmann::ordered_json& out = d["bottlenecks"];
  for (const auto& [ts, c] : bottlenecks.items()) {
    nlohmann::ordered_json& entry = out[PythonFloatRepr(ts)];
    entry["GPUs"] = c.gpus;
    entry["CPUs"] = c.busy;
  }
  return r;
}

}  // namespace smr
