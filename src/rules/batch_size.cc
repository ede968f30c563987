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
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

struct GpuSeries {
  StrId gpu = 0;
  std::vector<double> util;
  std::vector<double> memory;
};

struct NodeState {
  StrId node = 0;
  std::unordered_set<StrId> cores;  // distinct core names ever seen
  std::vector<double> cpu;          // total CPU per timestamp
  bool has_cpu = false;             // appears in SageMaker's cpu dict
  std::vector<GpuSeries> gpus;      // first-seen order (utilization)
  GpuSeries& Gpu(StrId gpu) {
    for (GpuSeries& g : gpus) {
      if (g.gpu == gpu) return g;
    }
    gpus.push_back({gpu, {}, {}});
    return gpus.back();
  }
};

double TailP95(const std::vector<double>& v, size_t window) {
  std::vector<double> tail(v.end() - static_cast<std::ptrdiff_t>(std::min(window, v.size())),
                           v.end());
  std::sort(tail.begin(), tail.end());
  return QuantileSorted(tail, 0.95);
}

nlohmann::ordered_json BoxJson(const std::vector<double>& values) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  AddBoxQuartiles(ComputeBoxStats(values), &j);
  return j;
}

// One evaluation: the nodes' values across windows.
class BatchRun {
 public:
  BatchRun(const RuleInputs& in, const BatchSizeParams& p, RuleResult* r)
      : in_(in),
        p_(p),
        r_(r),
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
  // Whether some node had enough total-CPU values to be judged, and the
  // most any node had.
  bool judged() const { return judged_; }
  int64_t most_cpu_values() const { return most_cpu_values_; }

 private:
  NodeState& Node(StrId node) {
    for (NodeState& n : nodes_) {
      if (n.node == node) return n;
    }
    nodes_.push_back(NodeState{});
    nodes_.back().node = node;
    return nodes_.back();
  }
  void AddSamples(size_t w);
  void CheckNode(size_t w, NodeState& ns);

  const RuleInputs& in_;
  const BatchSizeParams& p_;
  RuleResult* r_;
  const size_t window_;
  std::vector<MetricKind> kinds_;
  std::vector<NodeState> nodes_;
  // SageMaker iterates its cpu dict, whose order is the first window in
  // which each node had CPU samples.
  std::vector<StrId> cpu_order_;
  // Series whose core name is already in its node's `cores`.
  std::vector<char> core_seen_;
  bool judged_ = false;
  int64_t most_cpu_values_ = 0;
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
  r_->datapoints = nvalues;
  most_cpu_values_ = std::max(most_cpu_values_, nvalues);
  if (nvalues <= p_.window || nvalues <= p_.patience) return;
  judged_ = true;
  if (TailP95(ns.cpu, window_) >= p_.cpu_threshold_p95) return;
  for (GpuSeries& g : ns.gpus) {
    // A GPU without memory samples cannot be judged (SageMaker raises).
    if (g.util.size() <= window_ || g.memory.empty()) continue;
    if (TailP95(g.util, window_) >= p_.gpu_threshold_p95) continue;
    if (TailP95(g.memory, window_) >= p_.gpu_memory_threshold_p95) continue;
    r_->triggered += 1;
    r_->violations += 1;
    const std::string node_key(in_.store.str(ns.node));
    const std::string gpu_key(in_.store.str(g.gpu));
    r_->findings.push_back({in_.plan.start_us(w), node_key, gpu_key, TailP95(g.util, window_)});
    nlohmann::ordered_json& entry = r_->details[node_key];
    entry["cpu"] = BoxJson(ns.cpu);
    entry[gpu_key] = BoxJson(g.util);
    entry[gpu_key + "_memory"] = BoxJson(g.memory);
    // SageMaker writes the sub-rule's own clock, which never advances
    // inside ProfilerReport: always the first timestamp (every real report
    // and the reference JSONs show it).
    r_->details["last_timestamp"] = in_.plan.first_timestamp_us();
  }
}

}  // namespace

RuleResult BatchSizeRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  RequiredSeriesOfKind(in.store, MetricKind::kGpuUtilization, "GPUUtilization", &r);
  if (r.applicable && !SeriesOfKind(in.store, MetricKind::kGpuMemory).any) {
    r.applicable = false;
    r.not_applicable_reason =
        "no GPUMemoryUtilization samples: a GPU's memory use cannot be judged";
  }
  if (r.applicable && !SeriesOfKind(in.store, MetricKind::kCpuUtilization).any) {
    r.applicable = false;
    r.not_applicable_reason = "no CPUUtilization samples: the node's CPU use cannot be judged";
  }
  BatchRun run(in, p_, &r);
  for (size_t w = 0; w < in.plan.size(); ++w) run.Window(w);
  if (!run.judged()) {
    const bool by_window = p_.window > p_.patience;
    MarkNotEvaluated(
        PatienceReason(fmt::format("at most {} total-CPU values per node", run.most_cpu_values()),
                       by_window ? p_.window : p_.patience, by_window ? "window" : "patience"),
        &r);
  }
  return r;
}

}  // namespace smr
