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
//
// Sharded (RulePartial): a (node, GPU)'s samples all come from its node's
// files, so each shard runs the per-window checks of its own GPUs and keeps
// per GPU its node and GPU names, the walk position (window, reader order)
// of its first sample, its number of samples, every flag (window and the
// statistic that crossed) and the statistics of its latest flag. Finish
// rebuilds the table's first-seen order from the first positions, replays
// the flags by window and table order (Details keys, last_timestamp,
// findings) and takes Datapoints from the last GPU of the table. The
// PyTorch-profiler branch reads the merged ctx.kineto and runs in Finish.
// A shard in which the memory guard fired finishes on its own (gpu_partial.h).
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/kineto_analysis.h"
#include "src/rules/gpu_partial.h"
#include "src/rules/partial_state.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

struct GpuValues {
  StrId gpu = 0;
  std::vector<double> values;
};
using GpuTable = NodeGpuTable<GpuValues>;

// The test on the last `window` values of a GPU.
struct TailCheck {
  double p95w = 0, p5w = 0;
  bool under_used = false, fluctuating = false;
  bool flagged() const { return under_used || fluctuating; }
  // The statistic the report shows for the flag.
  double value() const { return under_used ? p95w : p5w; }
};

TailCheck CheckTail(const LowGpuUtilizationParams& p, const std::vector<double>& values) {
  const size_t n = values.size();
  const size_t window = static_cast<size_t>(p.window);
  std::vector<double> tail(values.end() - static_cast<std::ptrdiff_t>(std::min(window, n)),
                           values.end());
  std::sort(tail.begin(), tail.end());
  TailCheck c;
  c.p95w = QuantileSorted(tail, 0.95);
  c.p5w = QuantileSorted(tail, 0.05);
  c.under_used = c.p95w < p.threshold_p95;
  c.fluctuating = c.p95w > p.threshold_p95 && c.p5w < p.threshold_p5;
  return c;
}

nlohmann::ordered_json FlagEntry(const BoxStats& box, double p95w, double p5w) {
  nlohmann::ordered_json entry = nlohmann::ordered_json::object();
  entry["gpu_max"] = box.max;
  entry["gpu_95"] = p95w;
  entry["gpu_5"] = p5w;
  AddBoxQuartiles(box, &entry);
  return entry;
}

// Flags a GPU whose last `window` values are under-used or fluctuating:
// Details[node_key][gpu_key] gets the statistics, last_timestamp `ts_us`.
void FlagIfLow(const LowGpuUtilizationParams& p, const std::string& node_key,
               const std::string& gpu_key, int64_t ts_us, const std::vector<double>& values,
               RuleResult* r) {
  const TailCheck c = CheckTail(p, values);
  if (!c.flagged()) return;
  r->triggered += 1;
  r->violations += 1;
  r->datapoints = static_cast<int64_t>(values.size());
  r->findings.push_back({ts_us, node_key, gpu_key, c.value()});
  r->details[node_key][gpu_key] = FlagEntry(ComputeBoxStats(values), c.p95w, c.p5w);
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

void MarkFewSamples(const LowGpuUtilizationParams& p, size_t most, RuleResult* r) {
  if (static_cast<int64_t>(most) > p.patience) return;
  MarkNotEvaluated(
      most == 0 ? std::string("no GPU utilization samples in the evaluated windows")
                : PatienceReason(fmt::format("at most {} samples per GPU", most), p.patience),
      r);
}

// The whole algorithm over the samples of `ctx`: the result of a shard in
// which the memory guard fired (then the shard holds every GPU sample).
RuleResult EvaluateInOneShard(const Rule& rule, const LowGpuUtilizationParams& p,
                              const AnalysisContext& ctx) {
  RuleResult r = StartResult(rule);
  const RuleInputs in(ctx);
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
    CheckWindow(in, p, w, &table, &r);
  }
  MarkFewSamples(p, most, &r);
  return r;
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

// ---- Sharded evaluation ----------------------------------------------------

struct LowFlag {
  uint64_t window = 0;
  double value = 0;  // the statistic that crossed (the finding's value)
};

struct LowGpuKey {
  std::string node, gpu;
  WalkPos first;  // of its first sample
  int64_t n = 0;  // samples
  std::vector<LowFlag> flags;
  // The latest flag's statistics.
  double p95w = 0, p5w = 0;
  BoxStats box;
};

struct LowGpuState {
  bool has_series = false;  // some GPUUtilization series
  std::vector<LowGpuKey> gpus;
  OneShardResult one_shard;

  Status Merge(LowGpuState&& o) {
    has_series = has_series || o.has_series;
    Status s =
        one_shard.Merge("LowGPUUtilization", !gpus.empty() || one_shard.result.has_value(),
                        std::move(o.one_shard), !o.gpus.empty() || o.one_shard.result.has_value());
    if (!s.ok()) return s;
    std::vector<std::string_view> mine, theirs;
    for (const LowGpuKey& g : gpus) mine.push_back(g.node);
    for (const LowGpuKey& g : o.gpus) theirs.push_back(g.node);
    s = NodesApart("LowGPUUtilization", mine, theirs);
    if (!s.ok()) return s;
    for (LowGpuKey& g : o.gpus) gpus.push_back(std::move(g));
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_series);
    out->Put<uint64_t>(gpus.size());
    for (const LowGpuKey& g : gpus) {
      out->PutString(g.node);
      out->PutString(g.gpu);
      out->Put(g.first);
      out->Put(g.n);
      out->PutVector(g.flags);
      out->Put(g.p95w);
      out->Put(g.p5w);
      out->Put(g.box);
    }
    one_shard.Save(out);
  }
  void Load(StateReader* in) {
    has_series = in->Get<bool>();
    const auto n = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n && in->ok(); ++i) {
      LowGpuKey g;
      g.node = in->GetString();
      g.gpu = in->GetString();
      g.first = in->Get<WalkPos>();
      g.n = in->Get<int64_t>();
      g.flags = in->GetVector<LowFlag>();
      g.p95w = in->Get<double>();
      g.p5w = in->Get<double>();
      g.box = in->Get<BoxStats>();
      gpus.push_back(std::move(g));
    }
    one_shard.Load(in);
  }
};

// The shard's GPUs, each checked after every window as the whole walk
// checks it (a GPU's checks read only its own samples).
LowGpuState Collect(const Rule& rule, const LowGpuUtilizationParams& p,
                    const AnalysisContext& ctx) {
  LowGpuState st;
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_util = SeriesOfKind(in.store, MetricKind::kGpuUtilization);
  st.has_series = is_gpu_util.any;
  std::unordered_map<uint64_t, size_t> index;  // (node, gpu) ids -> st.gpus
  std::vector<std::vector<double>> values;     // per key
  std::vector<size_t> flag_n;                  // per key: samples at its latest flag
  for (size_t w = 0; w < in.plan.size(); ++w) {
    ForEachSample(in, w, is_gpu_util, [&](uint32_t row, const SeriesInfo& info) {
      const uint64_t id = (static_cast<uint64_t>(info.node) << 32) | info.name;
      const auto [it, added] = index.emplace(id, st.gpus.size());
      if (added) {
        LowGpuKey& g = st.gpus.emplace_back();
        g.node = in.store.str(info.node);
        g.gpu = in.store.str(info.name);
        g.first = {w, in.store.RowOrder(row)};
        values.emplace_back();
        flag_n.push_back(0);
      }
      values[it->second].push_back(in.sys.value(row));
    });
    for (size_t k = 0; k < st.gpus.size(); ++k) {
      const int64_t n = static_cast<int64_t>(values[k].size());
      if (n > kMaxDatapoints) {
        st.gpus.clear();
        st.one_shard.result = EvaluateInOneShard(rule, p, ctx);
        return st;
      }
      if (n <= p.patience) continue;
      const TailCheck c = CheckTail(p, values[k]);
      if (!c.flagged()) continue;
      st.gpus[k].flags.push_back({w, c.value()});
      st.gpus[k].p95w = c.p95w;
      st.gpus[k].p5w = c.p5w;
      flag_n[k] = values[k].size();
    }
  }
  for (size_t k = 0; k < st.gpus.size(); ++k) {
    st.gpus[k].n = static_cast<int64_t>(values[k].size());
    if (!st.gpus[k].flags.empty()) {
      st.gpus[k].box = ComputeBoxStats(std::span<const double>(values[k].data(), flag_n[k]));
    }
  }
  return st;
}

// The flags of every GPU by window, then in the table's first-seen order:
// counts, Details (keys in the order of their first flag, each with its
// latest statistics), last_timestamp, findings and Datapoints.
void ReplayFlags(const LowGpuState& st, const WindowPlan& plan, RuleResult* r) {
  std::vector<std::string_view> nodes;
  std::vector<WalkPos> firsts;
  for (const LowGpuKey& g : st.gpus) {
    nodes.push_back(g.node);
    firsts.push_back(g.first);
  }
  const std::vector<size_t> order = NodeGpuTableOrder(nodes, firsts);
  struct Fired {
    uint64_t window;
    size_t rank;
  };
  std::vector<Fired> fired;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    for (const LowFlag& f : st.gpus[order[rank]].flags) fired.push_back({f.window, rank});
  }
  std::sort(fired.begin(), fired.end(), [](const Fired& a, const Fired& b) {
    return a.window != b.window ? a.window < b.window : a.rank < b.rank;
  });
  std::vector<size_t> next_flag(order.size(), 0);
  for (const Fired& f : fired) {
    const LowGpuKey& g = st.gpus[order[f.rank]];
    const int64_t ts_us = plan.start_us(f.window);
    r->triggered += 1;
    r->violations += 1;
    r->details[g.node][g.gpu] = nullptr;  // its place; the statistics below
    r->details["last_timestamp"] = ts_us;
    r->findings.push_back({ts_us, g.node, g.gpu, g.flags[next_flag[f.rank]++].value});
  }
  for (size_t k : order) {
    const LowGpuKey& g = st.gpus[k];
    if (!g.flags.empty()) r->details[g.node][g.gpu] = FlagEntry(g.box, g.p95w, g.p5w);
  }
  // Every window's checks end with the table's last GPU.
  if (!order.empty()) r->datapoints = st.gpus[order.back()].n;
}

}  // namespace

RuleResult LowGpuUtilizationRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> LowGpuUtilizationRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(*this, p_, ctx));
}

std::unique_ptr<RulePartial> LowGpuUtilizationRule::EmptyPartial() const {
  return MakePartial(LowGpuState{});
}

RuleResult LowGpuUtilizationRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  LowGpuState& st = StateOf<LowGpuState>(merged);
  if (st.one_shard.result) return std::move(*st.one_shard.result);
  RuleResult r = StartResult(*this);
  if (!st.has_series && HasKinetoGpu(ctx)) {
    EvaluateKineto(*ctx.kineto, p_, &r);
    return r;
  }
  SeriesMask is_gpu_util;
  is_gpu_util.any = st.has_series;
  RequireSeries(is_gpu_util, "GPUUtilization", &r);
  ReplayFlags(st, *ctx.windows, &r);
  int64_t most = 0;  // the most samples any GPU had
  for (const LowGpuKey& g : st.gpus) most = std::max(most, g.n);
  MarkFewSamples(p_, static_cast<size_t>(most), &r);
  return r;
}

}  // namespace smr
