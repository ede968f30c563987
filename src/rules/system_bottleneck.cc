// CPUBottleneck (docs/rules.md §4.3) and IOBottleneck (§4.4): flag jobs
// where the GPUs sit idle while CPU cores are saturated (CPUBottleneck) or
// wait for I/O (IOBottleneck). The two SageMaker rules are one algorithm with
// a different "busy" dimension (CPUUtilization > cpu_threshold, or
// I/OWaitPercentage > io_threshold; the entries still count those cores under
// "CPUs").
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): the system
// rows of each window are scanned in reader order; a new snapshot starts
// whenever a row's timestamp differs by more than 20 ms from the current
// snapshot's timestamp (Datapoints counts snapshots; the current snapshot
// carries over into the next window). Within one window, per snapshot: the
// GPUUtilization rows below gpu_threshold (the first of a snapshot also adds
// 1 to low_gpu_utilization) and the busy rows above the busy threshold are
// counted; a snapshot with both is a bottleneck {"GPUs": n, "CPUs": m}, keyed
// by repr(snapshot timestamp) (re-seen in a later window: overwritten in
// place). After each window, if Datapoints > patience and
// 100·#bottlenecks/Datapoints > threshold: RuleTriggered += 1 and the
// framework events of the window strictly containing each of the window's
// bottleneck timestamps are aggregated into Details (§4.12). Violations =
// number of bottlenecks, always written. Over 1 000 000 bottlenecks, the list
// is dropped at the next window start (SageMaker's memory guard).
// Details: {"low_gpu_utilization": int, "bottlenecks": {...}, [§4.12 keys]}
// (if the very first window already triggers, "bottlenecks" comes first, as
// in SageMaker).
//
// Not applicable without GPU utilization or the busy dimension's samples;
// not evaluated while Datapoints <= patience (the ratio was never checked;
// RuleResult::not_evaluated_reason).
//
// Worked example (CPUBottleneck, patience 2; one window from t0 = 1000 s; one
// GPU, 1 core; IOBottleneck reads the same with I/O wait instead of CPU):
//   1000.5  gpu0 5, cpu0 95   -> snapshot 1: bottleneck {GPUs 1, CPUs 1}
//   1001.0  gpu0 5, cpu0 20   -> snapshot 2: idle GPU only
//   1001.5  gpu0 50, cpu0 95  -> snapshot 3: busy CPU only
//   1002.0  gpu0 0, cpu0 99   -> snapshot 4: bottleneck
//   4 snapshots > 2, 2/4 = 50 % is not > 50 % -> not triggered.
//   {"RuleTriggered": 0, "Violations": 2, "Details": {"low_gpu_utilization": 3,
//    "bottlenecks": {"1000.5": {"GPUs": 1, "CPUs": 1}, "1002.0": {"GPUs": 1, "CPUs": 1}}},
//    "Datapoints": 4, "RuleParameters":
//    "threshold:50\ncpu_threshold:90\ngpu_threshold:10\npatience:2"}
//   (IOBottleneck: "threshold:50\nio_threshold:50\ngpu_threshold:10\npatience:2")
#include "src/rules/builtin_rules.h"

#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/framework_correlation.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

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
      : in_(ctx),
        p_(p),
        r_(StartResult(rule)),
        gpu_(SeriesOfKind(in_.store, MetricKind::kGpuUtilization)),
        busy_(SeriesOfKind(in_.store, busy)) {
    RequireSeries(gpu_, "GPUUtilization", &r_, ": no bottleneck can be flagged");
    if (r_.applicable && !busy_.any) {
      r_.applicable = false;
      r_.not_applicable_reason =
          busy == MetricKind::kCpuIoWait
              ? "no I/OWaitPercentage samples: no I/O bottleneck can be flagged"
              : "no CPUUtilization samples: no CPU bottleneck can be flagged";
    }
    r_.details = nlohmann::ordered_json::object();
  }

  RuleResult Run() {
    for (size_t w = 0; w < in_.plan.size(); ++w) {
      if (bottlenecks_.size() > kMaxBottlenecks) bottlenecks_.clear();
      CheckWindow(w, ScanWindow(w));
    }
    WriteBottlenecks();
    // Datapoints only grow, so the ratio was never checked when the last
    // count is within the patience.
    if (r_.datapoints <= p_.patience) {
      MarkNotEvaluated(PatienceReason(fmt::format("{} system snapshot{}", r_.datapoints,
                                                  r_.datapoints == 1 ? "" : "s"),
                                      p_.patience),
                       &r_);
    }
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

RuleResult CpuBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return BottleneckRun(*this, ctx, MetricKind::kCpuUtilization,
                       {p_.threshold, p_.cpu_threshold, p_.gpu_threshold, p_.patience})
      .Run();
}

RuleResult IoBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  return BottleneckRun(*this, ctx, MetricKind::kCpuIoWait,
                       {p_.threshold, p_.io_threshold, p_.gpu_threshold, p_.patience})
      .Run();
}

}  // namespace smr
