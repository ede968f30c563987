// BatchSize (docs/rules.md §4.2): flags GPUs that are under-used
// together with the CPU and the GPU memory, which suggests the batch size is
// too small (or the instance too large).
//
// Algorithm (cumulative over the windows): per node, the CPUUtilization
// samples of a window are summed per timestamp and divided by the number of
// distinct cores ever seen on that node (one "total CPU" value per
// timestamp); GPUUtilization and GPUMemoryUtilization values are kept per
// (node, gpu). After each window, for each node (first-seen order):
// Datapoints = its number of total-CPU values; if that exceeds both `window`
// and `patience` and p95 of the last `window` CPU values < cpu_threshold_p95,
// every GPU of the node with more than `window` values whose last-`window`
// p95 utilization < gpu_threshold_p95 and p95 memory <
// gpu_memory_threshold_p95 adds 1 to RuleTriggered and Violations and
// (over)writes Details[node] {cpu, gpuN, gpuN_memory} = {p25, p50, p75, p95,
// upper, lower} over all values (Tukey whiskers, each with its own IQR: see
// docs/compatibility.md for SageMaker's memory-IQR defect) and
// Details["last_timestamp"] = window start (µs).
//
// Not applicable without GPU utilization, GPU memory or CPU samples; not
// evaluated when no node had more than max(window, patience) values
// (RuleResult::not_evaluated_reason).
//
// Worked example (patience 2, window 2; one node, cores cpu0/cpu1, gpu0):
//   t=1000.5: cpu 10, 20; gpu0 0;  memory 40
//   t=1001.0: cpu 20, 30; gpu0 10; memory 40
//   t=1001.5: cpu 30, 40; gpu0 20; memory 44
//   total CPU {15, 25, 35}: last 2 p95 34.5 < 70; gpu0 last 2 p95 19.5 < 70;
//   memory last 2 p95 43.8 < 70 -> triggered once.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {
//    "cpu": {"p25": 20.0, "p50": 25.0, "p75": 30.0, "p95": 34.0, "upper": 35.0, "lower": 15.0},
//    "gpu0": {"p25": 5.0, "p50": 10.0, "p75": 15.0, "p95": 19.0, "upper": 20.0, "lower": 0.0},
//    "gpu0_memory": {"p25": 40.0, "p50": 40.0, "p75": 42.0, "p95": 43.6, "upper": 44.0,
//    "lower": 40.0}}, "last_timestamp": 1000000000}, "Datapoints": 3, "RuleParameters":
//    "cpu_threshold_p95:70\ngpu_threshold_p95:70\ngpu_memory_threshold_p95:70\npatience:2\nwindow:2"}
// Sharded (RulePartial): every check reads one node's values only, so each
// shard runs the checks of its nodes (a node's samples stay whole in one
// shard) and keeps per node: the place where the walk first met its CPU
// samples (window, then reader order: SageMaker's cpu-dict order), its
// number of total-CPU values, whether it was judged, its triggers (window,
// GPU, p95) in check order and the box statistics its Details entry holds
// after its last trigger. Finish merges the triggers in the original check
// order (window, then cpu-dict order), which also gives the Details key
// order, and takes Datapoints from the node checked last.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/partial_state.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

struct GpuSeries {
  StrId gpu = 0;
  std::vector<double> util;
  std::vector<double> memory;
  // Values when it last triggered (0: never).
  size_t util_at_trigger = 0, memory_at_trigger = 0;
  int64_t detail = -1;  // index into its node's BatchNode::gpus
};

struct NodeState {
  StrId node = 0;
  std::unordered_set<StrId> cores;  // distinct core names ever seen
  std::vector<double> cpu;          // total CPU per timestamp
  bool has_cpu = false;             // appears in SageMaker's cpu dict
  size_t cpu_at_trigger = 0;        // CPU values when a GPU last triggered
  std::vector<GpuSeries> gpus;      // first-seen order (utilization)
  GpuSeries& Gpu(StrId gpu) {
    for (GpuSeries& g : gpus) {
      if (g.gpu == gpu) return g;
    }
    gpus.emplace_back();
    gpus.back().gpu = gpu;
    return gpus.back();
  }
};

// A GPU that triggered: its Details keys and boxes after its last trigger.
struct GpuDetail {
  std::string gpu;
  BoxStats util, memory;
};

struct Trigger {
  uint32_t window = 0;
  uint32_t gpu = 0;  // index into BatchNode::gpus
  double p95 = 0;    // the GPU's utilization p95
};

// What the result needs of one node.
struct BatchNode {
  WalkPos cpu_first;  // first CPU sample of its first window with any (invalid: none)
  int64_t cpu_values = 0;
  bool judged = false;
  std::vector<Trigger> triggers;  // in check order
  BoxStats cpu;                   // all CPU values at its last trigger
  std::vector<GpuDetail> gpus;    // by first trigger
};

struct BatchState {
  bool any_gpu = false, any_memory = false, any_cpu = false;
  std::map<std::string, BatchNode> nodes;

  Status Merge(BatchState&& o) {
    any_gpu = any_gpu || o.any_gpu;
    any_memory = any_memory || o.any_memory;
    any_cpu = any_cpu || o.any_cpu;
    for (auto& [name, node] : o.nodes) {
      if (nodes.contains(name)) return SplitKeyError("BatchSize", name);
      nodes.emplace(name, std::move(node));
    }
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(any_gpu);
    out->Put(any_memory);
    out->Put(any_cpu);
    out->Put<uint64_t>(nodes.size());
    for (const auto& [name, n] : nodes) {
      out->PutString(name);
      out->Put(n.cpu_first);
      out->Put(n.cpu_values);
      out->Put(n.judged);
      out->PutVector(n.triggers);
      out->Put(n.cpu);
      out->Put<uint64_t>(n.gpus.size());
      for (const GpuDetail& g : n.gpus) {
        out->PutString(g.gpu);
        out->Put(g.util);
        out->Put(g.memory);
      }
    }
  }
  void Load(StateReader* in) {
    any_gpu = in->Get<bool>();
    any_memory = in->Get<bool>();
    any_cpu = in->Get<bool>();
    const auto count = in->Get<uint64_t>();
    for (uint64_t i = 0; i < count && in->ok(); ++i) {
      BatchNode& n = nodes[in->GetString()];
      n.cpu_first = in->Get<WalkPos>();
      n.cpu_values = in->Get<int64_t>();
      n.judged = in->Get<bool>();
      n.triggers = in->GetVector<Trigger>();
      n.cpu = in->Get<BoxStats>();
      const auto gpus = in->Get<uint64_t>();
      for (uint64_t g = 0; g < gpus && in->ok(); ++g) {
        GpuDetail d;
        d.gpu = in->GetString();
        d.util = in->Get<BoxStats>();
        d.memory = in->Get<BoxStats>();
        n.gpus.push_back(std::move(d));
      }
    }
  }
};

double TailP95(const std::vector<double>& v, size_t window) {
  std::vector<double> tail(v.end() - static_cast<std::ptrdiff_t>(std::min(window, v.size())),
                           v.end());
  std::sort(tail.begin(), tail.end());
  return QuantileSorted(tail, 0.95);
}

// BoxStats of the first `n` values.
BoxStats PrefixBox(const std::vector<double>& v, size_t n) {
  return ComputeBoxStats(std::span<const double>(v.data(), n));
}

nlohmann::ordered_json BoxJson(const BoxStats& b) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  AddBoxQuartiles(b, &j);
  return j;
}

// One shard's walk: the nodes' values across windows, each node checked
// on its own.
class BatchRun {
 public:
  BatchRun(const RuleInputs& in, const BatchSizeParams& p, BatchState* st)
      : in_(in),
        p_(p),
        st_(st),
        window_(static_cast<size_t>(p.window)),
        kinds_(in.store.series().size(), MetricKind::kOther),
        core_seen_(in.store.series().size(), 0) {
    for (size_t s = 0; s < kinds_.size(); ++s) {
      kinds_[s] = RuleMetricKind(in.store, in.store.series()[s]);
    }
  }

  // Adds the samples of window `w`, then checks every node.
  void Window(size_t w) {
    AddSamples(w);
    for (StrId node : cpu_order_) CheckNode(w, Node(node));
  }
  // The partial of every node, once the walk is done.
  void Finish();

 private:
  NodeState& Node(StrId node) {
    for (NodeState& n : nodes_) {
      if (n.node == node) return n;
    }
    nodes_.push_back(NodeState{});
    nodes_.back().node = node;
    return nodes_.back();
  }
  BatchNode& Partial(StrId node) { return st_->nodes[std::string(in_.store.str(node))]; }
  void AddSamples(size_t w);
  void CheckNode(size_t w, NodeState& ns);

  const RuleInputs& in_;
  const BatchSizeParams& p_;
  BatchState* st_;
  const size_t window_;
  std::vector<MetricKind> kinds_;
  std::vector<NodeState> nodes_;
  // SageMaker iterates its cpu dict, whose order is the first window in
  // which each node had CPU samples.
  std::vector<StrId> cpu_order_;
  // Series whose core name is already in its node's `cores`.
  std::vector<char> core_seen_;
};

void BatchRun::AddSamples(size_t w) {
  NodeTimestampSums window_cpu;  // per-timestamp CPU sums of this window
  for (uint32_t row : in_.plan.system_rows(w)) {
    const uint32_t s = in_.sys.series(row);
    const MetricKind kind = kinds_[s];
    const SeriesInfo& info = in_.store.series()[s];
    if (kind == MetricKind::kGpuUtilization) {
      Node(info.node).Gpu(info.name).util.push_back(in_.sys.value(row));
    } else if (kind == MetricKind::kGpuMemory) {
      Node(info.node).Gpu(info.name).memory.push_back(in_.sys.value(row));
    } else if (kind == MetricKind::kCpuUtilization) {
      NodeState& ns = Node(info.node);
      if (!core_seen_[s]) {
        core_seen_[s] = 1;
        ns.cores.insert(info.name);
      }
      if (!ns.has_cpu) {
        // The node enters the cpu dict in this window, at its first sample.
        WalkPos& first = Partial(info.node).cpu_first;
        if (!first.valid()) first = {w, in_.store.RowOrder(row)};
      }
      window_cpu.Add(info.node, in_.sys.ts(row), in_.sys.value(row));
    }
  }
  for (const NodeTimestampSums::Node& totals : window_cpu.nodes()) {
    NodeState& ns = Node(totals.node);
    if (!ns.has_cpu) {
      ns.has_cpu = true;
      cpu_order_.push_back(totals.node);
    }
    const double cores = static_cast<double>(ns.cores.size());
    for (double t : totals.sums) ns.cpu.push_back(t / cores);
  }
}

void BatchRun::CheckNode(size_t w, NodeState& ns) {
  const int64_t nvalues = static_cast<int64_t>(ns.cpu.size());
  if (nvalues <= p_.window || nvalues <= p_.patience) return;
  BatchNode& out = Partial(ns.node);
  out.judged = true;
  if (TailP95(ns.cpu, window_) >= p_.cpu_threshold_p95) return;
  for (GpuSeries& g : ns.gpus) {
    // A GPU without memory samples cannot be judged (SageMaker raises).
    if (g.util.size() <= window_ || g.memory.empty()) continue;
    const double util_p95 = TailP95(g.util, window_);
    if (util_p95 >= p_.gpu_threshold_p95) continue;
    if (TailP95(g.memory, window_) >= p_.gpu_memory_threshold_p95) continue;
    if (g.detail < 0) {
      g.detail = static_cast<int64_t>(out.gpus.size());
      out.gpus.push_back({std::string(in_.store.str(g.gpu)), {}, {}});
    }
    out.triggers.push_back({static_cast<uint32_t>(w), static_cast<uint32_t>(g.detail), util_p95});
    // Details hold the values of the last trigger.
    ns.cpu_at_trigger = ns.cpu.size();
    g.util_at_trigger = g.util.size();
    g.memory_at_trigger = g.memory.size();
  }
}

void BatchRun::Finish() {
  for (NodeState& ns : nodes_) {
    if (!ns.has_cpu) continue;
    BatchNode& out = Partial(ns.node);
    out.cpu_values = static_cast<int64_t>(ns.cpu.size());
    if (out.triggers.empty()) continue;
    out.cpu = PrefixBox(ns.cpu, ns.cpu_at_trigger);
    for (const GpuSeries& g : ns.gpus) {
      if (g.detail < 0) continue;
      GpuDetail& d = out.gpus[static_cast<size_t>(g.detail)];
      d.util = PrefixBox(g.util, g.util_at_trigger);
      d.memory = PrefixBox(g.memory, g.memory_at_trigger);
    }
  }
}

BatchState Collect(const AnalysisContext& ctx, const BatchSizeParams& p) {
  BatchState st;
  const RuleInputs in(ctx);
  st.any_gpu = SeriesOfKind(in.store, MetricKind::kGpuUtilization).any;
  st.any_memory = SeriesOfKind(in.store, MetricKind::kGpuMemory).any;
  st.any_cpu = SeriesOfKind(in.store, MetricKind::kCpuUtilization).any;
  BatchRun run(in, p, &st);
  for (size_t w = 0; w < in.plan.size(); ++w) run.Window(w);
  run.Finish();
  return st;
}

}  // namespace

RuleResult BatchSizeRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> BatchSizeRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(ctx, p_));
}

std::unique_ptr<RulePartial> BatchSizeRule::EmptyPartial() const {
  return MakePartial(BatchState{});
}

RuleResult BatchSizeRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  const BatchState& st = StateOf<BatchState>(merged);
  RuleResult r = StartResult(*this);
  RequireSeries(SeriesMask{{}, st.any_gpu}, "GPUUtilization", &r);
  if (r.applicable && !st.any_memory) {
    r.applicable = false;
    r.not_applicable_reason =
        "no GPUMemoryUtilization samples: a GPU's memory use cannot be judged";
  }
  if (r.applicable && !st.any_cpu) {
    r.applicable = false;
    r.not_applicable_reason = "no CPUUtilization samples: the node's CPU use cannot be judged";
  }
  // The triggers in the original check order: window, then cpu-dict order
  // (the node's first CPU sample), then the node's own order.
  struct Seen {
    uint32_t window;
    WalkPos node_pos;
    size_t index;
    const std::string* node;
    const BatchNode* n;
  };
  std::vector<Seen> all;
  bool judged = false;
  int64_t most = 0;
  const BatchNode* last_checked = nullptr;
  for (const auto& [name, n] : st.nodes) {
    judged = judged || n.judged;
    most = std::max(most, n.cpu_values);
    if (n.cpu_first.valid() && (last_checked == nullptr || last_checked->cpu_first < n.cpu_first)) {
      last_checked = &n;
    }
    for (size_t i = 0; i < n.triggers.size(); ++i) {
      all.push_back({n.triggers[i].window, n.cpu_first, i, &name, &n});
    }
  }
  std::sort(all.begin(), all.end(), [](const Seen& a, const Seen& b) {
    return std::tie(a.window, a.node_pos, a.index) < std::tie(b.window, b.node_pos, b.index);
  });
  // Every node is checked after every window: Datapoints is the count of
  // the node checked last.
  if (last_checked != nullptr) r.datapoints = last_checked->cpu_values;
  for (const Seen& s : all) {
    const Trigger& t = s.n->triggers[s.index];
    const GpuDetail& g = s.n->gpus[t.gpu];
    r.triggered += 1;
    r.violations += 1;
    r.findings.push_back({ctx.windows->start_us(t.window), *s.node, g.gpu, t.p95});
    nlohmann::ordered_json& entry = r.details[*s.node];
    // Keys keep the place of their first write; values are the last ones.
    entry["cpu"] = BoxJson(s.n->cpu);
    entry[g.gpu] = BoxJson(g.util);
    entry[g.gpu + "_memory"] = BoxJson(g.memory);
    // SageMaker writes the sub-rule's own clock, which never advances
    // inside ProfilerReport: always the first timestamp (every real report
    // and the reference JSONs show it).
    r.details["last_timestamp"] = ctx.windows->first_timestamp_us();
  }
  if (!judged) {
    const bool by_window = p_.window > p_.patience;
    MarkNotEvaluated(
        PatienceReason(fmt::format("at most {} total-CPU values per node", most),
                       by_window ? p_.window : p_.patience, by_window ? "window" : "patience"),
        &r);
  }
  return r;
}

}  // namespace smr
