// CPUBottleneck and IOBottleneck: their parameter tables and texts, and the
// snapshot algorithm they share (system_bottleneck.h).
#include "src/rules/system_bottleneck.h"

#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/rules/framework_correlation.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

constexpr ParamRow<CpuBottleneckParams> kCpuRows[] = {
    {"threshold", &CpuBottleneckParams::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be CPU bottlenecks for the rule to trigger"},
    {"cpu_threshold", &CpuBottleneckParams::cpu_threshold, ParamType::kPercent, "%",
     "CPU utilization above which a core counts as busy"},
    {"gpu_threshold", &CpuBottleneckParams::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle"},
    {"patience", &CpuBottleneckParams::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked"},
};

constexpr RuleDescriptor<CpuBottleneckParams> kCpuDescriptor = {
    "CPUBottleneck",
    "Checks if the CPU utilization is high and the GPU utilization is low. It might indicate CPU "
    "bottlenecks, where the GPUs are waiting for data to arrive from the CPUs. The rule "
    "evaluates the CPU and GPU utilization rates, and triggers the issue if the time spent on "
    "the CPU bottlenecks exceeds a threshold percent of the total training time. The default "
    "threshold is 50 percent.",
    "Consider increasing the number of data loaders or applying data pre-fetching.",
    kCpuRows,
};

constexpr ParamRow<IoBottleneckParams> kIoRows[] = {
    {"threshold", &IoBottleneckParams::threshold, ParamType::kPercent, "%",
     "share of snapshots that must be I/O bottlenecks for the rule to trigger"},
    {"io_threshold", &IoBottleneckParams::io_threshold, ParamType::kPercent, "%",
     "I/O wait above which a core counts as waiting"},
    {"gpu_threshold", &IoBottleneckParams::gpu_threshold, ParamType::kPercent, "%",
     "GPU utilization below which a GPU counts as idle"},
    {"patience", &IoBottleneckParams::patience, ParamType::kInt, "snapshots",
     "snapshots to see before the ratio is checked"},
};

constexpr RuleDescriptor<IoBottleneckParams> kIoDescriptor = {
    "IOBottleneck",
    "Checks if the data I/O wait time is high and the GPU utilization is low. It might indicate "
    "IO bottlenecks where GPU is waiting for data to arrive from storage. The rule evaluates the "
    "I/O and GPU utilization rates and triggers the issue if the time spent on the IO "
    "bottlenecks exceeds a threshold percent of the total training time. The default threshold "
    "is 50 percent.",
    "Pre-fetch data or choose different file formats, such as binary formats that improve I/O "
    "performance.",
    kIoRows,
};

// The parameters of either rule, with the busy threshold of its dimension.
struct SystemBottleneckParams {
  double threshold = 50;       // % of snapshots that must be bottlenecks
  double busy_threshold = 90;  // % above which a core counts as busy
  double gpu_threshold = 10;   // % below which a GPU counts as idle
  int64_t patience = 1000;     // snapshots before the ratio is checked
};

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

// One evaluation: the state SageMaker's rule keeps across windows.
class BottleneckRun {
 public:
  BottleneckRun(const Rule& rule, const AnalysisContext& ctx, MetricKind busy,
                const SystemBottleneckParams& p)
      : in_(ctx), p_(p), r_(StartResult(rule)),
        gpu_(SeriesOfKind(in_.store, MetricKind::kGpuUtilization)),
        busy_(SeriesOfKind(in_.store, busy)) {
    RequireSeries(gpu_, "GPUUtilization", &r_, ": no bottleneck can be flagged");
    r_.details = nlohmann::ordered_json::object();
  }

  RuleResult Run() {
    for (size_t w = 0; w < in_.plan.size(); ++w) {
      if (bottlenecks_.size() > kMaxBottlenecks) bottlenecks_.clear();
      CheckWindow(w, ScanWindow(w));
    }
    WriteBottlenecks();
    return std::move(r_);
  }

 private:
  // Counts the idle GPUs and busy cores of each snapshot of window `w`;
  // returns the window's bottleneck times (µs) for the correlation.
  std::vector<FrameworkCorrelation::Interval> ScanWindow(size_t w);
  // The check after window `w` and the Details keys it writes.
  void CheckWindow(size_t w, const std::vector<FrameworkCorrelation::Interval>& times);
  void WriteBottlenecks();

  RuleInputs in_;
  const SystemBottleneckParams p_;
  RuleResult r_;
  SeriesMask gpu_;
  SeriesMask busy_;
  TimestampMap<Counts> bottlenecks_;
  FrameworkCorrelation correlation_;
  double snapshot_ts_ = 0;
  int64_t low_gpu_ = 0;
};

std::vector<FrameworkCorrelation::Interval> BottleneckRun::ScanWindow(size_t w) {
  TimestampMap<int64_t> idle_gpus;  // snapshot -> GPUs below gpu_threshold
  TimestampMap<int64_t> busy;       // snapshot -> cores above the threshold
  for (uint32_t row : in_.plan.system_rows(w)) {
    const double ts = in_.sys.ts(row);
    if (std::abs(snapshot_ts_ - ts) > kSnapshotWindowS) {
      snapshot_ts_ = ts;
      r_.datapoints += 1;
    }
    const uint32_t s = in_.sys.series(row);
    const double v = in_.sys.value(row);
    if (gpu_[s] && v < p_.gpu_threshold) {
      if (idle_gpus.Find(snapshot_ts_) == nullptr) low_gpu_ += 1;
      idle_gpus[snapshot_ts_] += 1;
    } else if (busy_[s] && v > p_.busy_threshold) {
      busy[snapshot_ts_] += 1;
    }
  }
  std::vector<FrameworkCorrelation::Interval> times;
  for (const auto& [ts, n_busy] : busy.items()) {
    const int64_t* n_idle = idle_gpus.Find(ts);
    if (n_idle == nullptr) continue;
    bottlenecks_[ts] = Counts{*n_idle, n_busy};
    // SageMaker converts with timestamp * 1000 * 1000 (two roundings).
    const double ts_us = ts * 1000.0 * 1000.0;
    times.push_back({ts_us, ts_us});
  }
  return times;
}

void BottleneckRun::CheckWindow(size_t w,
                                const std::vector<FrameworkCorrelation::Interval>& times) {
  nlohmann::ordered_json& d = r_.details;
  r_.violations = static_cast<int64_t>(bottlenecks_.size());
  const double ratio_pct = r_.datapoints > 0 ? static_cast<double>(bottlenecks_.size()) /
                                                   static_cast<double>(r_.datapoints) * 100.0
                                             : 0.0;
  if (r_.datapoints > p_.patience && ratio_pct > p_.threshold) {
    r_.triggered += 1;
    // Triggered path: "bottlenecks" is (re)written before
    // "low_gpu_utilization", which is only written when there is one.
    d["bottlenecks"] = nlohmann::ordered_json::object();  // filled at the end
    if (bottlenecks_.size() > 0) d["low_gpu_utilization"] = low_gpu_;
    correlation_.AddBatch(in_.store, in_.plan.events(w), times, &d);
    r_.findings.push_back({in_.plan.start_us(w), "", "", ratio_pct});
  } else {
    d["low_gpu_utilization"] = low_gpu_;
    d["bottlenecks"] = nlohmann::ordered_json::object();  // filled at the end
  }
}

void BottleneckRun::WriteBottlenecks() {
  nlohmann::ordered_json& d = r_.details;
  if (in_.plan.size() == 0) {
    // No window at all: write the keys the report expects (SageMaker: {}).
    d["low_gpu_utilization"] = 0;
    d["bottlenecks"] = nlohmann::ordered_json::object();
  }
  nlohmann::ordered_json& out = d["bottlenecks"];
  for (const auto& [ts, c] : bottlenecks_.items()) {
    nlohmann::ordered_json& entry = out[PythonFloatRepr(ts)];
    entry["GPUs"] = c.gpus;
    entry["CPUs"] = c.busy;
  }
}

}  // namespace

CpuBottleneckRule::CpuBottleneckRule(CpuBottleneckParams params)
    : ParamRule(kCpuDescriptor, params) {}

RuleResult CpuBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return BottleneckRun(*this, ctx, MetricKind::kCpuUtilization,
                       {p_.threshold, p_.cpu_threshold, p_.gpu_threshold, p_.patience})
      .Run();
}

IoBottleneckRule::IoBottleneckRule(IoBottleneckParams params) : ParamRule(kIoDescriptor, params) {}

RuleResult IoBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return BottleneckRun(*this, ctx, MetricKind::kCpuIoWait,
                       {p_.threshold, p_.io_threshold, p_.gpu_threshold, p_.patience})
      .Run();
}

}  // namespace smr
