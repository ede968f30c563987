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
// Sharded (RulePartial, two passes): the first partial holds one segment
// per (window, file) of the shard: the GPU-idle and busy counts per snapshot
// key of its rows, in the order the busy keys appeared, its snapshot count
// and the snapshot timestamp it ends with. A segment's first rows may join
// the snapshot carried in from the previous file (another node, maybe in
// another shard) or window: they are kept as runs of equal timestamps (the
// head) until a row differs from all of them and from the first by more
// than the 20 ms could bridge, after which the walk no longer depends on
// what came in. Finish replays the walk over the segments in (window, file
// order), head rows against the carried snapshot, and so gets the very
// Datapoints, low_gpu_utilization, bottleneck entries (memory guard
// included) and cumulative checks. The second pass gets the merged first
// partial, replays it to know the windows that fired and their bottleneck
// times, and adds the shard's framework events around them to a
// CorrelationPartial (framework_correlation.h), which Finish replays into
// the §4.12 keys.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/framework_correlation.h"
#include "src/rules/partial_state.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/system_bottleneck_state.h"

namespace smr {
namespace {

using bottleneck::BottleneckState;
using bottleneck::CorrelationState;
using bottleneck::Counts;
using bottleneck::kMaxBottlenecks;
using bottleneck::kSnapshotWindowS;
using bottleneck::Segment;
using bottleneck::SegmentBuilder;
using bottleneck::TimestampMap;
using bottleneck::TsCounts;

// The parameters of either rule, with the busy threshold of its dimension.
struct SystemBottleneckParams {
  double threshold = 50;       // % of snapshots that must be bottlenecks
  double busy_threshold = 90;  // % above which a core counts as busy
  double gpu_threshold = 10;   // % below which a GPU counts as idle
  int64_t patience = 1000;     // snapshots before the ratio is checked
};

BottleneckState Collect(const Rule& rule, const AnalysisContext& ctx, MetricKind busy_kind,
                        const SystemBottleneckParams& p) {
  const RuleInputs in(ctx);
  const SeriesMask gpu = SeriesOfKind(in.store, MetricKind::kGpuUtilization);
  const SeriesMask busy = SeriesOfKind(in.store, busy_kind);
  BottleneckState st;
  st.rule = std::string(rule.name());
  st.has_gpu = gpu.any;
  st.has_busy = busy.any;
  for (size_t w = 0; w < in.plan.size(); ++w) {
    std::optional<SegmentBuilder> seg;
    uint32_t file = 0;
    for (uint32_t row : in.plan.system_rows(w)) {
      const auto row_file = static_cast<uint32_t>(in.store.RowOrder(row) >> 32);
      if (!seg || row_file != file) {
        if (seg) st.segments.push_back(seg->Take());
        seg.emplace(w, row_file);
        file = row_file;
      }
      const uint32_t s = in.sys.series(row);
      const double v = in.sys.value(row);
      const bool idle = gpu[s] && v < p.gpu_threshold;
      seg->Add(in.sys.ts(row), idle, !idle && busy[s] && v > p.busy_threshold);
    }
    if (seg) st.segments.push_back(seg->Take());
  }
  return st;
}

// A window that fired and its bottleneck times (µs), the correlation's
// intervals.
struct Fired {
  size_t window = 0;
  std::vector<FrameworkCorrelation::Interval> times;
};

// The walk of SageMaker's rule, replayed over the merged segments: the
// state it keeps across windows.
class BottleneckRun {
 public:
  BottleneckRun(const Rule& rule, const WindowPlan& plan, const BottleneckState& st,
                MetricKind busy, const SystemBottleneckParams& p, const CorrelationReplay* corr)
      : plan_(plan), st_(st), p_(p), corr_(corr), r_(StartResult(rule)) {
    SeriesMask gpu;
    gpu.any = st.has_gpu;
    RequireSeries(gpu, "GPUUtilization", &r_, ": no bottleneck can be flagged");
    if (r_.applicable && !st.has_busy) {
      r_.applicable = false;
      r_.not_applicable_reason =
          busy == MetricKind::kCpuIoWait
              ? "no I/OWaitPercentage samples: no I/O bottleneck can be flagged"
              : "no CPUUtilization samples: no CPU bottleneck can be flagged";
    }
    r_.details = nlohmann::ordered_json::object();
  }

  RuleResult Run() {
    for (size_t w = 0; w < plan_.size(); ++w) {
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
  const std::vector<Fired>& fired() const { return fired_; }

 private:
  // Counts the idle GPUs and busy cores of each snapshot of window `w`;
  // returns the window's bottleneck times (µs) for the correlation.
  std::vector<FrameworkCorrelation::Interval> ScanWindow(size_t w);
  // The check after window `w` and the Details keys it writes.
  void CheckWindow(size_t w, std::vector<FrameworkCorrelation::Interval> times);
  void WriteBottlenecks();

  const WindowPlan& plan_;
  const BottleneckState& st_;
  const SystemBottleneckParams p_;
  const CorrelationReplay* corr_;  // null: the windows that fired are all we need
  RuleResult r_;
  size_t next_segment_ = 0;
  TimestampMap<Counts> bottlenecks_;
  std::vector<Fired> fired_;
  double snapshot_ts_ = 0;
  int64_t low_gpu_ = 0;
};

std::vector<FrameworkCorrelation::Interval> BottleneckRun::ScanWindow(size_t w) {
  TimestampMap<int64_t> idle_gpus;  // snapshot -> GPUs below gpu_threshold
  TimestampMap<int64_t> busy;       // snapshot -> cores above the threshold
  auto add = [&](double key, int64_t n_idle, int64_t n_busy) {
    if (n_idle > 0) {
      if (idle_gpus.Find(key) == nullptr) low_gpu_ += 1;
      idle_gpus[key] += n_idle;
    }
    if (n_busy > 0) busy[key] += n_busy;
  };
  const std::vector<Segment>& segs = st_.segments;
  for (; next_segment_ < segs.size() && segs[next_segment_].window == w; ++next_segment_) {
    const Segment& seg = segs[next_segment_];
    for (const TsCounts& run : seg.head) {
      if (std::abs(snapshot_ts_ - run.ts) > kSnapshotWindowS) {
        snapshot_ts_ = run.ts;
        r_.datapoints += 1;
      }
      add(snapshot_ts_, run.idle, run.busy);
    }
    if (!seg.has_tail) continue;
    snapshot_ts_ = seg.tail_ts;
    r_.datapoints += seg.tail_snapshots;
    for (const TsCounts& k : seg.keys) add(k.ts, k.idle, k.busy);
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

void BottleneckRun::CheckWindow(size_t w, std::vector<FrameworkCorrelation::Interval> times) {
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
    if (corr_ != nullptr) corr_->WriteBatch(w, times.size(), &d);
    r_.findings.push_back({plan_.start_us(w), "", "", ratio_pct});
    fired_.push_back({w, std::move(times)});
  } else {
    d["low_gpu_utilization"] = low_gpu_;
    d["bottlenecks"] = nlohmann::ordered_json::object();  // filled at the end
  }
}

void BottleneckRun::WriteBottlenecks() {
  nlohmann::ordered_json& d = r_.details;
  if (plan_.size() == 0) {
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

// The second pass over a shard: its events around the bottlenecks of the
// windows that fired (known from the merged first partial).
std::unique_ptr<RulePartial> SecondPass(const Rule& rule, const AnalysisContext& ctx,
                                        const RulePartial& first, MetricKind busy,
                                        const SystemBottleneckParams& p) {
  const BottleneckState& st = dynamic_cast<const StatePartial<BottleneckState>&>(first).state;
  BottleneckRun run(rule, *ctx.windows, st, busy, p, nullptr);
  run.Run();
  CorrelationState out;
  for (const Fired& f : run.fired()) {
    out.corr.AddBatch(f.window, *ctx.store, ctx.windows->events(f.window), f.times);
  }
  return MakePartial(std::move(out));
}

RuleResult FinishBoth(const Rule& rule, RulePartial&& first, RulePartial&& second,
                      const AnalysisContext& ctx, MetricKind busy,
                      const SystemBottleneckParams& p) {
  const BottleneckState& st = StateOf<BottleneckState>(first);
  const CorrelationReplay corr(StateOf<CorrelationState>(second).corr);
  return BottleneckRun(rule, *ctx.windows, st, busy, p, &corr).Run();
}

SystemBottleneckParams CpuParams(const CpuBottleneckParams& p) {
  return {p.threshold, p.cpu_threshold, p.gpu_threshold, p.patience};
}

SystemBottleneckParams IoParams(const IoBottleneckParams& p) {
  return {p.threshold, p.io_threshold, p.gpu_threshold, p.patience};
}

BottleneckState EmptyState(const Rule& rule) {
  BottleneckState st;
  st.rule = std::string(rule.name());
  return st;
}

}  // namespace

// ---- CPUBottleneck ----------------------------------------------------------

RuleResult CpuBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  std::unique_ptr<RulePartial> first = Partial(ctx);
  std::unique_ptr<RulePartial> second = SecondPartial(ctx, *first);
  return FinishTwoPass(std::move(*first), std::move(*second), ctx);
}

std::unique_ptr<RulePartial> CpuBottleneckRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(*this, ctx, MetricKind::kCpuUtilization, CpuParams(p_)));
}

std::unique_ptr<RulePartial> CpuBottleneckRule::EmptyPartial() const {
  return MakePartial(EmptyState(*this));
}

std::unique_ptr<RulePartial> CpuBottleneckRule::SecondPartial(const AnalysisContext& ctx,
                                                              const RulePartial& first) const {
  return SecondPass(*this, ctx, first, MetricKind::kCpuUtilization, CpuParams(p_));
}

std::unique_ptr<RulePartial> CpuBottleneckRule::EmptySecondPartial() const {
  return MakePartial(CorrelationState{});
}

RuleResult CpuBottleneckRule::FinishTwoPass(RulePartial&& first, RulePartial&& second,
                                            const AnalysisContext& ctx) const {
  return FinishBoth(*this, std::move(first), std::move(second), ctx, MetricKind::kCpuUtilization,
                    CpuParams(p_));
}

// ---- IOBottleneck -----------------------------------------------------------

RuleResult IoBottleneckRule::Evaluate(const AnalysisContext& ctx) const {
  std::unique_ptr<RulePartial> first = Partial(ctx);
  std::unique_ptr<RulePartial> second = SecondPartial(ctx, *first);
  return FinishTwoPass(std::move(*first), std::move(*second), ctx);
}

std::unique_ptr<RulePartial> IoBottleneckRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(*this, ctx, MetricKind::kCpuIoWait, IoParams(p_)));
}

std::unique_ptr<RulePartial> IoBottleneckRule::EmptyPartial() const {
  return MakePartial(EmptyState(*this));
}

std::unique_ptr<RulePartial> IoBottleneckRule::SecondPartial(const AnalysisContext& ctx,
                                                             const RulePartial& first) const {
  return SecondPass(*this, ctx, first, MetricKind::kCpuIoWait, IoParams(p_));
}

std::unique_ptr<RulePartial> IoBottleneckRule::EmptySecondPartial() const {
  return MakePartial(CorrelationState{});
}

RuleResult IoBottleneckRule::FinishTwoPass(RulePartial&& first, RulePartial&& second,
                                           const AnalysisContext& ctx) const {
  return FinishBoth(*this, std::move(first), std::move(second), ctx, MetricKind::kCpuIoWait,
                    IoParams(p_));
}

}  // namespace smr
