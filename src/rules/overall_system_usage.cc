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
// Sharded (RulePartial): each shard keeps, per metric and node (a node's
// samples stay whole in one shard), its per-timestamp sums in first-seen
// order with the window that created each timestamp (and, for a timestamp
// on a window boundary that a second window adds to, the sums of each
// window alone), and the first sample of the node in each window it has
// samples in (walk position); per GPU and core name the first window it
// was seen in. Finish replays the walk over the whole plan: the node that
// sets Datapoints (the first CPU node seen since the last memory-guard
// clear), the guard's clears and the statistics recorded at each, with the
// divisors and the node order the original walk had at that window.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/rules/partial_state.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

enum Metric { kNetwork = 0, kGpu, kCpu, kCpuMemory, kGpuMemory, kIo, kNumMetrics };
constexpr std::array<const char*, kNumMetrics> kMetricNames = {"Network",    "GPU",        "CPU",
                                                               "CPU memory", "GPU memory", "I/O"};
constexpr uint32_t kNoWindow = UINT32_MAX;

nlohmann::ordered_json StatValue(double v) {
  if (v > 0) return NumpyRound(v, 2);
  return 0;  // SageMaker writes non-positive statistics as the integer 0
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

// A timestamp that a second window added to (a sample on a window
// boundary is delivered to both windows).
struct SpanSlot {
  uint32_t slot = 0;
  uint32_t w2 = 0;    // the second window
  double first = 0;   // the sum of the first window's samples
  double second = 0;  // the sum of the later samples alone (from 0)
};

// One node's samples of one metric.
struct UsageNode {
  std::vector<WalkPos> firsts;  // its first sample in each window it has samples in
  std::vector<double> full;     // per timestamp (first-seen order): the sum of all samples
  std::vector<uint32_t> w1;     // per timestamp: the window that created it
  std::vector<SpanSlot> spans;  // the timestamps a second window added to

  // Its first sample at or after window `c0` (invalid: none).
  WalkPos FirstFrom(size_t c0) const {
    auto it = std::lower_bound(firsts.begin(), firsts.end(), c0,
                               [](const WalkPos& p, size_t w) { return p.window < w; });
    return it == firsts.end() ? WalkPos{} : *it;
  }
};

using NodeMap = std::map<std::string, UsageNode>;
using NameMap = std::map<std::string, uint32_t>;  // name -> first window

void SaveNames(const NameMap& m, StateWriter* out) {
  out->Put<uint64_t>(m.size());
  for (const auto& [name, w] : m) {
    out->PutString(name);
    out->Put(w);
  }
}

void LoadNames(StateReader* in, NameMap* m) {
  const auto n = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    std::string name = in->GetString();
    (*m)[std::move(name)] = in->Get<uint32_t>();
  }
}

struct UsageState {
  bool has_system = false;
  std::array<NodeMap, kNumMetrics> nodes;
  NameMap gpu_names, core_names;

  Status Merge(UsageState&& o) {
    has_system = has_system || o.has_system;
    for (int m = 0; m < kNumMetrics; ++m) {
      for (auto& [name, node] : o.nodes[m]) {
        if (nodes[m].contains(name)) return SplitKeyError("OverallSystemUsage", name);
        nodes[m].emplace(name, std::move(node));
      }
    }
    for (NameMap* names : {&gpu_names, &core_names}) {
      const NameMap& other = names == &gpu_names ? o.gpu_names : o.core_names;
      for (const auto& [name, w] : other) {
        auto [it, inserted] = names->emplace(name, w);
        if (!inserted) it->second = std::min(it->second, w);
      }
    }
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_system);
    for (const NodeMap& nm : nodes) {
      out->Put<uint64_t>(nm.size());
      for (const auto& [name, n] : nm) {
        out->PutString(name);
        out->PutVector(n.firsts);
        out->PutVector(n.full);
        out->PutVector(n.w1);
        out->PutVector(n.spans);
      }
    }
    SaveNames(gpu_names, out);
    SaveNames(core_names, out);
  }
  void Load(StateReader* in) {
    has_system = in->Get<bool>();
    for (NodeMap& nm : nodes) {
      const auto count = in->Get<uint64_t>();
      for (uint64_t i = 0; i < count && in->ok(); ++i) {
        UsageNode& n = nm[in->GetString()];
        n.firsts = in->GetVector<WalkPos>();
        n.full = in->GetVector<double>();
        n.w1 = in->GetVector<uint32_t>();
        n.spans = in->GetVector<SpanSlot>();
      }
    }
    LoadNames(in, &gpu_names);
    LoadNames(in, &core_names);
  }
};

// A node's per-timestamp sums while the shard is walked.
struct LiveNode {
  UsageNode* node = nullptr;
  TimestampSlots slots;
  std::vector<uint32_t> last_window;  // per slot
  std::vector<int64_t> span_of;       // per slot: index into spans, -1: none

  void Add(uint32_t w, uint64_t order, double ts, double value) {
    UsageNode& n = *node;
    if (n.firsts.empty() || n.firsts.back().window != w) n.firsts.push_back({w, order});
    bool is_new = false;
    const size_t slot = slots.Slot(ts, &is_new);
    if (is_new) {
      n.full.push_back(0.0);
      n.w1.push_back(w);
      last_window.push_back(w);
      span_of.push_back(-1);
    } else if (last_window[slot] != w) {
      last_window[slot] = w;
      if (span_of[slot] < 0) {
        span_of[slot] = static_cast<int64_t>(n.spans.size());
        n.spans.push_back({static_cast<uint32_t>(slot), w, n.full[slot], 0.0});
      }
    }
    n.full[slot] += value;
    if (span_of[slot] >= 0) n.spans[static_cast<size_t>(span_of[slot])].second += value;
  }
};

UsageState Collect(const AnalysisContext& ctx) {
  UsageState st;
  const RuleInputs in(ctx);
  const MetricStore& store = in.store;
  st.has_system = store.has_system();
  const size_t num_series = store.series().size();
  std::vector<int> metric_of(num_series, -1);
  for (size_t s = 0; s < num_series; ++s) metric_of[s] = MetricOf(store, store.series()[s]);
  std::vector<char> named(num_series, 0);
  std::array<std::unordered_map<StrId, LiveNode>, kNumMetrics> live;
  std::vector<LiveNode*> live_of(num_series, nullptr);
  for (size_t w = 0; w < in.plan.size(); ++w) {
    const auto w32 = static_cast<uint32_t>(w);
    for (uint32_t row : in.plan.system_rows(w)) {
      const uint32_t s = in.sys.series(row);
      const int m = metric_of[s];
      if (m < 0) continue;
      const SeriesInfo& info = store.series()[s];
      if (!named[s]) {
        named[s] = 1;
        // The walk goes window by window: the first insertion is the earliest.
        if (m == kGpu) st.gpu_names.emplace(std::string(store.str(info.name)), w32);
        if (m == kCpu) st.core_names.emplace(std::string(store.str(info.name)), w32);
        LiveNode& l = live[m][info.node];
        if (l.node == nullptr) l.node = &st.nodes[m][std::string(store.str(info.node))];
        live_of[s] = &l;
      }
      live_of[s]->Add(w32, store.RowOrder(row), in.sys.ts(row), in.sys.value(row));
    }
  }
  return st;
}

// The replay of the walk over the whole plan (Finish).
class UsageReplay {
 public:
  UsageReplay(const UsageState& st, size_t windows, RuleResult* r)
      : st_(st), windows_(windows), r_(r) {}

  void Run() {
    size_t c0 = 0;  // the first window after the memory guard's last clear
    while (c0 < windows_) {
      // The first CPU node seen since the clear sets Datapoints.
      const UsageNode* first = FirstCpuNode(c0);
      if (first == nullptr) break;
      const std::vector<int64_t> counts = NewValuesPerWindow(*first, c0);
      int64_t n = 0;
      size_t cleared = windows_;
      for (size_t w = first->FirstFrom(c0).window; w < windows_; ++w) {
        n += counts[w - c0];
        r_->datapoints = n;
        if (n > kMaxDatapoints) {
          // SageMaker's memory guard drops the accumulated sums; the
          // statistics recorded so far stay in Details.
          RecordAll(c0, w, w);
          cleared = w;
          break;
        }
      }
      if (cleared == windows_) break;
      c0 = cleared + 1;
    }
    RecordAll(c0, windows_, windows_);
  }

 private:
  const UsageNode* FirstCpuNode(size_t c0) const {
    const UsageNode* best = nullptr;
    WalkPos best_pos;
    for (const auto& [name, node] : st_.nodes[kCpu]) {
      const WalkPos p = node.FirstFrom(c0);
      if (p.valid() && (best == nullptr || p < best_pos)) best = &node, best_pos = p;
    }
    return best;
  }
  // Per window from `c0` on: the timestamps of `n` it adds after a clear
  // before `c0` (a boundary timestamp counts again in its second window).
  std::vector<int64_t> NewValuesPerWindow(const UsageNode& n, size_t c0) const {
    std::vector<int64_t> counts(windows_ - c0, 0);
    for (uint32_t w1 : n.w1) {
      if (w1 >= c0 && w1 < windows_) counts[w1 - c0] += 1;
    }
    for (const SpanSlot& sp : n.spans) {
      if (n.w1[sp.slot] < c0 && sp.w2 >= c0 && sp.w2 < windows_) counts[sp.w2 - c0] += 1;
    }
    return counts;
  }
  // The sums of `n` recorded after window c1 (windows_: after the last)
  // when the last clear was before window c0.
  static std::vector<double> Values(const UsageNode& n, size_t c0, size_t c1) {
    std::vector<int64_t> span_of(n.full.size(), -1);
    for (size_t i = 0; i < n.spans.size(); ++i) span_of[n.spans[i].slot] = static_cast<int64_t>(i);
    std::vector<double> values;
    for (size_t slot = 0; slot < n.full.size(); ++slot) {
      const size_t w1 = n.w1[slot];
      const SpanSlot* sp =
          span_of[slot] >= 0 ? &n.spans[static_cast<size_t>(span_of[slot])] : nullptr;
      if (w1 >= c0 && w1 <= c1) {
        values.push_back(sp != nullptr && sp->w2 > c1 ? sp->first : n.full[slot]);
      } else if (w1 < c0 && sp != nullptr && sp->w2 >= c0 && sp->w2 <= c1) {
        values.push_back(sp->second);
      }
    }
    return values;
  }
  static size_t NamesBy(const NameMap& names, size_t w) {
    size_t n = 0;
    for (const auto& [name, first] : names) n += first <= w ? 1 : 0;
    return n;
  }
  // record_all after window c1 (the divisors as they were after window
  // `at`), for the sums accumulated since window c0.
  void RecordAll(size_t c0, size_t c1, size_t at) {
    const size_t gpus = NamesBy(st_.gpu_names, at), cores = NamesBy(st_.core_names, at);
    const std::array<size_t, kNumMetrics> divisors = {1, gpus, cores, 1, gpus, cores};
    for (int m = 0; m < kNumMetrics; ++m) {
      if (divisors[m] == 0) continue;
      const double div = static_cast<double>(divisors[m]);
      // Nodes in the order the walk first met them since the clear.
      std::vector<std::pair<WalkPos, const std::pair<const std::string, UsageNode>*>> order;
      for (const auto& entry : st_.nodes[m]) {
        const WalkPos p = entry.second.FirstFrom(c0);
        if (p.valid() && p.window <= c1) order.emplace_back(p, &entry);
      }
      std::sort(order.begin(), order.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [pos, entry] : order) {
        std::vector<double> sorted = Values(entry->second, c0, c1);
        std::sort(sorted.begin(), sorted.end());
        nlohmann::ordered_json stats = nlohmann::ordered_json::object();
        stats["max"] = StatValue(sorted.back() / div);
        stats["p99"] = StatValue(QuantileSorted(sorted, 0.99) / div);
        stats["p95"] = StatValue(QuantileSorted(sorted, 0.95) / div);
        stats["p50"] = StatValue(QuantileSorted(sorted, 0.50) / div);
        stats["min"] = StatValue(sorted.front() / div);
        r_->details[kMetricNames[m]][entry->first] = std::move(stats);
      }
    }
  }

  const UsageState& st_;
  const size_t windows_;
  RuleResult* r_;
};

}  // namespace

RuleResult OverallSystemUsageRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> OverallSystemUsageRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(ctx));
}

std::unique_ptr<RulePartial> OverallSystemUsageRule::EmptyPartial() const {
  return MakePartial(UsageState{});
}

RuleResult OverallSystemUsageRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  const UsageState& st = StateOf<UsageState>(merged);
  RuleResult r = StartResult(*this);
  r.details = nlohmann::ordered_json::object();
  for (const char* m : kMetricNames) r.details[m] = nlohmann::ordered_json::object();
  UsageReplay(st, ctx.windows->size(), &r).Run();
  if (!st.has_system) {
    r.applicable = false;
    r.not_applicable_reason = "no system metrics";
  }
  return r;
}

}  // namespace smr
