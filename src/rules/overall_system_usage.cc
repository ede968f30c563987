// OverallSystemUsage (docs/rules.md §4.10): per-node utilization
// statistics for the report's "System usage statistics" table. Never
// triggers, takes no parameters (RuleParameters "").
//
// Algorithm (cumulative over the windows): per metric and node, samples are
// summed per timestamp (a sample delivered to two windows is added twice, as
// in SageMaker); at the end the statistics over the per-timestamp sums are
// divided by n: GPU and GPU memory by the number of distinct GPU names,
// CPU and I/O (per-core I/OWaitPercentage) by the number of distinct core
// names, CPU memory (MemoryUsedPercent) and Network (every Dimension
// "Algorithm" series) by 1. Stats {max, p99, p95, p50, min}: values > 0 as
// round(x, 2) floats, values <= 0 as the integer 0. Details key order
// Network, GPU, CPU, CPU memory, GPU memory, I/O (a metric without data maps
// to {}). Datapoints = number of CPU timestamps of the first node seen.
//
// Worked example (one node, 2 cores, 1 GPU, two timestamps):
//   t=1000.5: cpu0 10, cpu1 30, gpu0 50, MemoryUsedPercent 20
//   t=1001.0: cpu0 20, cpu1 40, gpu0 0,  MemoryUsedPercent 21
//   CPU sums {40, 60} / 2 cores -> max 30.0, p99 29.9, p95 29.5, p50 25.0, min 20.0
//   GPU {50, 0} / 1 -> max 50.0, p99 49.5, p95 47.5, p50 25.0, min 0
//   {"RuleTriggered": 0, "Violations": 0, "Details": {"Network": {},
//    "GPU": {"algo-1": {"max": 50.0, "p99": 49.5, "p95": 47.5, "p50": 25.0, "min": 0}},
//    "CPU": {"algo-1": {"max": 30.0, "p99": 29.9, "p95": 29.5, "p50": 25.0, "min": 20.0}},
//    "CPU memory": {"algo-1": {"max": 21.0, "p99": 20.99, "p95": 20.95, "p50": 20.5,
//    "min": 20.0}}, "GPU memory": {}, "I/O": {}}, "Datapoints": 2, "RuleParameters": ""}
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

enum Metric { kNetwork = 0, kGpu, kCpu, kCpuMemory, kGpuMemory, kIo, kNumMetrics };
constexpr std::array<const char*, kNumMetrics> kMetricNames = {"Network",    "GPU",        "CPU",
                                                               "CPU memory", "GPU memory", "I/O"};

nlohmann::ordered_json StatValue(double v) {
  if (v > 0) return NumpyRound(v, 2);
  return 0;  // SageMaker writes non-positive statistics as the integer 0
}

void RecordMetric(const MetricStore& store, const NodeTimestampSums& m, size_t n,
                  nlohmann::ordered_json* out) {
  if (n == 0) return;
  const double div = static_cast<double>(n);
  for (const NodeTimestampSums::Node& ns : m.nodes()) {
    if (ns.sums.empty()) continue;
    std::vector<double> sorted = ns.sums;
    std::sort(sorted.begin(), sorted.end());
    nlohmann::ordered_json stats = nlohmann::ordered_json::object();
    stats["max"] = StatValue(sorted.back() / div);
    stats["p99"] = StatValue(QuantileSorted(sorted, 0.99) / div);
    stats["p95"] = StatValue(QuantileSorted(sorted, 0.95) / div);
    stats["p50"] = StatValue(QuantileSorted(sorted, 0.50) / div);
    stats["min"] = StatValue(sorted.front() / div);
    (*out)[std::string(store.str(ns.node))] = std::move(stats);
  }
}

// The metric series `info` feeds (-1: none), tested in SageMaker's order:
// GPU memory, GPU, then any series named MemoryUsedPercent, CPU, every
// series of Dimension "Algorithm" (network), I/O wait.
int MetricOf(const MetricStore& store, const SeriesInfo& info) {
  const MetricKind kind = RuleMetricKind(store, info);
  if (kind == MetricKind::kGpuMemory) return kGpuMemory;
  if (kind == MetricKind::kGpuUtilization) return kGpu;
  if (store.str(info.name) == "MemoryUsedPercent") return kCpuMemory;
  if (kind == MetricKind::kCpuUtilization) return kCpu;
  if (store.str(info.dimension) == "Algorithm") return kNetwork;
  if (kind == MetricKind::kCpuIoWait) return kIo;
  return -1;
}

}  // namespace

RuleResult OverallSystemUsageRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const MetricStore& store = in.store;
  const WindowPlan& plan = in.plan;
  const SystemColumns& sys = in.sys;

  // Per series: which metric it feeds (-1: none), and whether it adds a
  // GPU / core name to the divisors.
  const size_t num_series = store.series().size();
  std::vector<int> metric_of(num_series, -1);
  for (size_t s = 0; s < num_series; ++s) metric_of[s] = MetricOf(store, store.series()[s]);

  std::array<NodeTimestampSums, kNumMetrics> sums;
  std::unordered_set<StrId> gpu_ids, core_ids;
  std::vector<char> named(num_series, 0);  // series already in gpu_ids/core_ids
  r.details = nlohmann::ordered_json::object();
  for (const char* m : kMetricNames) r.details[m] = nlohmann::ordered_json::object();

  auto record_all = [&]() {
    const std::array<size_t, kNumMetrics> divisors = {1, gpu_ids.size(), core_ids.size(),
                                                      1, gpu_ids.size(), core_ids.size()};
    for (int m = 0; m < kNumMetrics; ++m) {
      RecordMetric(store, sums[m], divisors[m], &r.details[kMetricNames[m]]);
    }
  };

  for (size_t w = 0; w < plan.size(); ++w) {
    for (uint32_t row : plan.system_rows(w)) {
      const uint32_t s = sys.series(row);
      const int m = metric_of[s];
      if (m < 0) continue;
      const SeriesInfo& info = store.series()[s];
      if (!named[s]) {
        named[s] = 1;
        if (m == kGpu) gpu_ids.insert(info.name);
        if (m == kCpu) core_ids.insert(info.name);
      }
      sums[m].Add(info.node, sys.ts(row), sys.value(row));
    }
    if (!sums[kCpu].nodes().empty()) {
      const int64_t nvalues = static_cast<int64_t>(sums[kCpu].nodes().front().sums.size());
      r.datapoints = nvalues;
      if (nvalues > kMaxDatapoints) {
        // SageMaker's memory guard drops the accumulated sums; the
        // statistics recorded so far stay in Details.
        record_all();
        for (NodeTimestampSums& m : sums) m.clear();
      }
    }
  }
  record_all();
  if (!store.has_system()) {
    r.applicable = false;
    r.not_applicable_reason = "no system metrics";
  }
  return r;
}

}  // namespace smr
