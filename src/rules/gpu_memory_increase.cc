// GPUMemoryIncrease (docs/rules.md §4.5): flags large increases of the
// moving average of GPU memory utilization.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUMemoryUtilization sample is appended to its (node, gpu) list in reader
// order, and on *every* new value (not once per window):
//   Datapoints = length of that list;
//   once the list has n > window + 1 values:
//     diff = mean(values[n-window .. n-1]) − mean(values[n-window-1 .. n-3])
//   i.e. SageMaker's "previous" slice values[-window-1:-2]: only window − 1
//   values, ending two before the last one (for window 10: values[-11:-2], 9
//   values, hence the 1/90 fractions such as 6.0666… = 546/90 in real
//   reports). This quirk decides verdicts and is kept exactly; means use
//   numpy's pairwise summation so `increase` matches to the last digit.
//   With window 1 the previous slice is empty (numpy: NaN), so nothing fires.
//   If diff > increase and n > patience: RuleTriggered and Violations grow by
//   1 (they count *samples*, e.g. 11467 in a 4-hour job), Details[node][gpu]
//   is overwritten with {increase: diff, gpu_max, p05, p25, p50, p75, p95,
//   upper, lower} (statistics over all values of that GPU at that moment,
//   Tukey whiskers) and Details["last_timestamp"] = start (µs) of the window.
// No GPU with more than max(patience, window + 1) samples: not evaluated
// (RuleResult::not_evaluated_reason).
// When a list exceeds 1 000 000 values all lists are dropped and the current
// sample is not checked (SageMaker raises KeyError on it).
//
// Worked example (increase 5, patience 11, window 10; t0 = 1000 s):
//   algo-1/gpu0 memory 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 37, 37 (12 samples)
//   -> at the 12th sample: mean(last 10) = 74/10 = 7.4,
//      mean(values[-11:-2]) = mean(12, 0 ×8) = 12/9,
//      diff = 7.4 − 1.333… = 6.066666666666667 (≈ 546/90) > 5 and 12 > 11.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"gpu0":
//    {"increase": 6.066666666666667, "gpu_max": 37.0, "p05": 0.0, "p25": 0.0,
//     "p50": 0.0, "p75": 3.0, "p95": 37.0, "upper": 7.5, "lower": 0.0}},
//    "last_timestamp": 1000000000}, "Datapoints": 12, "RuleParameters":
//    "increase:5\npatience:11\nwindow:10"}
//
// Sharded (RulePartial): a (node, GPU)'s samples all come from its node's
// files and each check reads only that GPU's list, so each shard checks its
// own GPUs sample by sample and keeps per GPU its names, its number of
// samples and the walk position (window, reader order) of its last one,
// its number of triggers, the position of its first trigger and the window
// of its latest, the statistics of its latest trigger, and per window that
// fired the position of the first trigger and the largest increase (the
// report's findings). Finish puts the Details keys in the order of the
// GPUs' first triggers (last_timestamp after the first), sums the counts
// and takes Datapoints from the GPU of the last sample in the walk. A shard
// in which the memory guard fired finishes on its own (gpu_partial.h).
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/gpu_partial.h"
#include "src/rules/numpy_stats.h"
#include "src/rules/partial_state.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

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

// The statistics of a trigger.
struct MemEntry {
  double diff = 0;
  double p05 = 0;
  BoxStats box;
};

MemEntry EntryOf(std::span<const double> values, double diff) {
  return {diff, Quantile(values, 0.05), ComputeBoxStats(values)};
}

nlohmann::ordered_json EntryJson(const MemEntry& e) {
  nlohmann::ordered_json entry = nlohmann::ordered_json::object();
  entry["increase"] = e.diff;
  entry["gpu_max"] = e.box.max;
  entry["p05"] = e.p05;
  AddBoxQuartiles(e.box, &entry);
  return entry;
}

// The check on a GPU's list after its latest value: the increase if it
// fired.
std::optional<double> CheckLatest(const GpuMemoryIncreaseParams& p,
                                  const std::vector<double>& values) {
  const size_t n = values.size();
  const size_t window = static_cast<size_t>(p.window);
  if (n <= window + 1) return std::nullopt;
  const double* v = values.data();
  const double recent = NumpyMean({v + (n - window), window});
  const double previous = NumpyMean({v + (n - window - 1), window - 1});
  const double diff = recent - previous;  // NaN for window 1: never fires
  if (!(diff > p.increase) || static_cast<int64_t>(n) <= p.patience) return std::nullopt;
  return diff;
}

// One evaluation: the GPUs' values and the pending Details.
class MemoryRun {
 public:
  MemoryRun(const RuleInputs& in, const GpuMemoryIncreaseParams& p, RuleResult* r)
      : in_(in), p_(p), r_(r) {}

  // Adds the value of system row `row` (a GPUMemoryUtilization sample of
  // window `w`) and checks it; returns the increase if it fired.
  std::optional<double> Add(size_t w, uint32_t row, const SeriesInfo& info);
  // The most samples any GPU had.
  size_t most() const { return most_; }
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
    Entry(node, g.gpu) =
        EntryJson(EntryOf(std::span<const double>(g.values.data(), g.trigger_n), g.trigger_diff));
    g.pending = false;
  }

  const RuleInputs& in_;
  const GpuMemoryIncreaseParams& p_;
  RuleResult* r_;
  GpuTable table_;
  size_t most_ = 0;
};

std::optional<double> MemoryRun::Add(size_t w, uint32_t row, const SeriesInfo& info) {
  GpuValues& g = table_.At(info.node, info.name);
  g.values.push_back(in_.sys.value(row));
  const size_t n = g.values.size();
  r_->datapoints = static_cast<int64_t>(n);
  most_ = std::max(most_, n);
  if (static_cast<int64_t>(n) > kMaxDatapoints) {
    // SageMaker's memory guard: drop every list (keeping the Details
    // already earned); it then fails on this sample, we skip it.
    MaterializeAll();
    table_.clear();
    return std::nullopt;
  }
  const std::optional<double> diff = CheckLatest(p_, g.values);
  if (!diff) return std::nullopt;
  r_->triggered += 1;
  r_->violations += 1;
  Entry(info.node, info.name);  // fixes the key order at the first trigger
  r_->details["last_timestamp"] = in_.plan.start_us(w);
  g.pending = true;
  g.trigger_n = n;
  g.trigger_diff = *diff;
  return diff;
}

void MarkFewSamples(const GpuMemoryIncreaseParams& p, int64_t most, RuleResult* r) {
  // A GPU is judged from its (window + 2)-th sample on, once it has more
  // than `patience`.
  if (most > p.patience && most > p.window + 1) return;
  const bool by_window = p.window + 1 > p.patience;
  MarkNotEvaluated(most == 0 ? std::string("no GPU memory samples in the evaluated windows")
                             : PatienceReason(fmt::format("at most {} samples per GPU", most),
                                              by_window ? p.window + 1 : p.patience,
                                              by_window ? "window + 1" : "patience"),
                   r);
}

// The whole algorithm over the samples of `ctx`: the result of a shard in
// which the memory guard fired (then the shard holds every GPU sample).
RuleResult EvaluateInOneShard(const Rule& rule, const GpuMemoryIncreaseParams& p,
                              const AnalysisContext& ctx) {
  RuleResult r = StartResult(rule);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_mem =
      RequiredSeriesOfKind(in.store, MetricKind::kGpuMemory, "GPUMemoryUtilization", &r);
  MemoryRun run(in, p, &r);
  for (size_t w = 0; w < in.plan.size(); ++w) {
    // Largest increase per GPU that fired in this window (report findings),
    // in the order of their first trigger.
    std::vector<std::pair<std::pair<StrId, StrId>, double>> fired;
    ForEachSample(in, w, is_gpu_mem, [&](uint32_t row, const SeriesInfo& info) {
      const std::optional<double> diff = run.Add(w, row, info);
      if (!diff) return;
      const std::pair<StrId, StrId> key{info.node, info.name};
      auto it =
          std::find_if(fired.begin(), fired.end(), [&](const auto& f) { return f.first == key; });
      if (it == fired.end())
        fired.emplace_back(key, *diff);
      else
        it->second = std::max(it->second, *diff);
    });
    for (const auto& [key, diff] : fired) {
      r.findings.push_back({in.plan.start_us(w), std::string(in.store.str(key.first)),
                            std::string(in.store.str(key.second)), diff});
    }
  }
  run.MaterializeAll();
  MarkFewSamples(p, static_cast<int64_t>(run.most()), &r);
  return r;
}

// ---- Sharded evaluation ----------------------------------------------------

// A window in which a GPU fired: its first trigger there, the largest
// increase.
struct MemFired {
  WalkPos first;
  double max_diff = 0;
};

struct MemGpuKey {
  std::string node, gpu;
  int64_t n = 0;  // samples
  WalkPos last;   // of its last sample
  int64_t triggers = 0;
  WalkPos first_trigger;
  uint64_t last_trigger_window = 0;
  MemEntry entry;  // of its latest trigger
  std::vector<MemFired> fired;
};

struct MemState {
  bool has_series = false;  // some GPUMemoryUtilization series
  std::vector<MemGpuKey> gpus;
  OneShardResult one_shard;

  Status Merge(MemState&& o) {
    has_series = has_series || o.has_series;
    Status s =
        one_shard.Merge("GPUMemoryIncrease", !gpus.empty() || one_shard.result.has_value(),
                        std::move(o.one_shard), !o.gpus.empty() || o.one_shard.result.has_value());
    if (!s.ok()) return s;
    std::vector<std::string_view> mine, theirs;
    for (const MemGpuKey& g : gpus) mine.push_back(g.node);
    for (const MemGpuKey& g : o.gpus) theirs.push_back(g.node);
    s = NodesApart("GPUMemoryIncrease", mine, theirs);
    if (!s.ok()) return s;
    for (MemGpuKey& g : o.gpus) gpus.push_back(std::move(g));
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_series);
    out->Put<uint64_t>(gpus.size());
    for (const MemGpuKey& g : gpus) {
      out->PutString(g.node);
      out->PutString(g.gpu);
      out->Put(g.n);
      out->Put(g.last);
      out->Put(g.triggers);
      out->Put(g.first_trigger);
      out->Put(g.last_trigger_window);
      out->Put(g.entry);
      out->PutVector(g.fired);
    }
    one_shard.Save(out);
  }
  void Load(StateReader* in) {
    has_series = in->Get<bool>();
    const auto n = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n && in->ok(); ++i) {
      MemGpuKey g;
      g.node = in->GetString();
      g.gpu = in->GetString();
      g.n = in->Get<int64_t>();
      g.last = in->Get<WalkPos>();
      g.triggers = in->Get<int64_t>();
      g.first_trigger = in->Get<WalkPos>();
      g.last_trigger_window = in->Get<uint64_t>();
      g.entry = in->Get<MemEntry>();
      g.fired = in->GetVector<MemFired>();
      gpus.push_back(std::move(g));
    }
    one_shard.Load(in);
  }
};

// The shard's GPUs, each checked on every new sample as the whole walk
// checks it (a check reads only its GPU's list).
MemState Collect(const Rule& rule, const GpuMemoryIncreaseParams& p, const AnalysisContext& ctx) {
  MemState st;
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_mem = SeriesOfKind(in.store, MetricKind::kGpuMemory);
  st.has_series = is_gpu_mem.any;
  std::unordered_map<uint64_t, size_t> index;  // (node, gpu) ids -> st.gpus
  std::vector<std::vector<double>> values;     // per key
  std::vector<size_t> trigger_n;               // per key: samples at its latest trigger
  bool guard = false;
  for (size_t w = 0; w < in.plan.size() && !guard; ++w) {
    ForEachSample(in, w, is_gpu_mem, [&](uint32_t row, const SeriesInfo& info) {
      if (guard) return;
      const uint64_t id = (static_cast<uint64_t>(info.node) << 32) | info.name;
      const auto [it, added] = index.emplace(id, st.gpus.size());
      if (added) {
        MemGpuKey& g = st.gpus.emplace_back();
        g.node = in.store.str(info.node);
        g.gpu = in.store.str(info.name);
        values.emplace_back();
        trigger_n.push_back(0);
      }
      const size_t k = it->second;
      MemGpuKey& g = st.gpus[k];
      values[k].push_back(in.sys.value(row));
      g.last = {w, in.store.RowOrder(row)};
      if (static_cast<int64_t>(values[k].size()) > kMaxDatapoints) {
        guard = true;
        return;
      }
      const std::optional<double> diff = CheckLatest(p, values[k]);
      if (!diff) return;
      if (g.triggers++ == 0) g.first_trigger = g.last;
      g.last_trigger_window = w;
      g.entry.diff = *diff;
      trigger_n[k] = values[k].size();
      if (g.fired.empty() || g.fired.back().first.window != w) {
        g.fired.push_back({g.last, *diff});
      } else {
        g.fired.back().max_diff = std::max(g.fired.back().max_diff, *diff);
      }
    });
  }
  if (guard) {
    st.gpus.clear();
    st.one_shard.result = EvaluateInOneShard(rule, p, ctx);
    return st;
  }
  for (size_t k = 0; k < st.gpus.size(); ++k) {
    MemGpuKey& g = st.gpus[k];
    g.n = static_cast<int64_t>(values[k].size());
    if (g.triggers > 0) {
      g.entry = EntryOf(std::span<const double>(values[k].data(), trigger_n[k]), g.entry.diff);
    }
  }
  return st;
}

// Details, counts, findings and Datapoints from the GPUs' triggers.
void ReplayTriggers(const MemState& st, const WindowPlan& plan, RuleResult* r) {
  std::vector<const MemGpuKey*> by_first;
  uint64_t last_window = 0;
  for (const MemGpuKey& g : st.gpus) {
    if (g.triggers == 0) continue;
    by_first.push_back(&g);
    r->triggered += g.triggers;
    r->violations += g.triggers;
    last_window = std::max(last_window, g.last_trigger_window);
  }
  std::sort(by_first.begin(), by_first.end(), [](const MemGpuKey* a, const MemGpuKey* b) {
    return a->first_trigger < b->first_trigger;
  });
  for (size_t i = 0; i < by_first.size(); ++i) {
    r->details[by_first[i]->node][by_first[i]->gpu] = EntryJson(by_first[i]->entry);
    if (i == 0) r->details["last_timestamp"] = plan.start_us(last_window);
  }
  std::vector<std::pair<const MemFired*, const MemGpuKey*>> fired;
  for (const MemGpuKey& g : st.gpus) {
    for (const MemFired& f : g.fired) fired.emplace_back(&f, &g);
  }
  std::sort(fired.begin(), fired.end(),
            [](const auto& a, const auto& b) { return a.first->first < b.first->first; });
  for (const auto& [f, g] : fired) {
    r->findings.push_back({plan.start_us(f->first.window), g->node, g->gpu, f->max_diff});
  }
  const MemGpuKey* last = nullptr;  // the GPU of the last sample
  for (const MemGpuKey& g : st.gpus) {
    if (last == nullptr || last->last < g.last) last = &g;
  }
  if (last != nullptr) r->datapoints = last->n;
}

}  // namespace

RuleResult GpuMemoryIncreaseRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> GpuMemoryIncreaseRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(*this, p_, ctx));
}

std::unique_ptr<RulePartial> GpuMemoryIncreaseRule::EmptyPartial() const {
  return MakePartial(MemState{});
}

RuleResult GpuMemoryIncreaseRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  MemState& st = StateOf<MemState>(merged);
  if (st.one_shard.result) return std::move(*st.one_shard.result);
  RuleResult r = StartResult(*this);
  SeriesMask is_gpu_mem;
  is_gpu_mem.any = st.has_series;
  RequireSeries(is_gpu_mem, "GPUMemoryUtilization", &r);
  ReplayTriggers(st, *ctx.windows, &r);
  int64_t most = 0;  // the most samples any GPU had
  for (const MemGpuKey& g : st.gpus) most = std::max(most, g.n);
  MarkFewSamples(p_, most, &r);
  return r;
}

}  // namespace smr
