// LoadBalancing (docs/rules.md §4.7, §7): detects GPUs of one node
// whose workloads differ (workload imbalance).
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// GPUUtilization sample of a (node, gpu) goes into that GPU's histogram of
// 50 bins of width 2 covering the full 0–100 % range ([0,2), [2,4), …,
// [96,98), and the last bin closed: [98,100]; values outside 0–100 are
// clamped into the first/last bin). Datapoints = number of samples of the
// GPU of the last GPUUtilization sample. After each window:
//   Details[node]["workloads"][gpu] = the histogram (50 ints), for every GPU
//   seen so far (first-seen order, as SageMaker);
//   then for every pair of GPUs of the same node (i < j in natural order,
//   gpu2 before gpu10) that both have more than `patience` samples:
//   - the Jensen–Shannon distance of the normalised histograms
//       d = sqrt(½·KL(p‖m) + ½·KL(q‖m)),  m = (p + q)/2,  natural log
//     (SageMaker's test), and
//   - the difference of the two GPUs' mean utilizations, each read from its
//     histogram with every sample at the middle of its bin (bin i -> 2i+1 %):
//       Δ = |Σ(2i+1)·p_i − Σ(2i+1)·q_i|   (percentage points)
//     (sm-report's second test: narrow histograms of equally loaded GPUs
//     are far apart in Jensen–Shannon terms after a shift of one bin, so d
//     alone flags GPUs only 2 points apart);
//   if d > threshold and Δ >= min_difference, RuleTriggered and Violations
//   grow by 1 and Details[node]["distances"][gpu_i][gpu_j] = d (latest
//   value). A pair is counted again in every later window in which it is
//   still imbalanced — the original's per-window structure, and the same
//   "window-evaluations" meaning as LowGPUUtilization's counter.
// When a GPU exceeds 1 000 000 samples all histograms are dropped.
//
// Not applicable when every node has a single GPU (nothing to balance); not
// evaluated when no two GPUs of a node both had more than `patience`
// samples (RuleResult::not_evaluated_reason).
//
// Deviations from SageMaker (docs/compatibility.md): SageMaker's pair loop is
// defective and never compares two different GPUs (0 triggers ever), pairs
// GPUs across nodes, bins with edges 0, 2, …, 98 (49 bins; values above
// 98 % dropped) and has no mean-difference test (min_difference, appended to
// RuleParameters as a third line).
//
// Worked example (threshold 0.2, patience 2, min_difference 10, t0 = 1000 s):
//   algo-1/gpu0 at 100 % and algo-1/gpu1 at 0 %, 3 samples each ->
//   workloads gpu0 = [0 ×49, 3], gpu1 = [3, 0 ×49]; disjoint histograms:
//   KL(p‖m) = KL(q‖m) = ln 2, d = sqrt(ln 2) = 0.8325546111576977 > 0.2;
//   means 99 % and 1 %, Δ = 98 >= 10.
//   {"RuleTriggered": 1, "Violations": 1, "Details": {"algo-1": {"workloads":
//    {"gpu0": [0, …, 0, 3], "gpu1": [3, 0, …, 0]}, "distances": {"gpu0":
//    {"gpu1": 0.8325546111576977}}}}, "Datapoints": 3, "RuleParameters":
//    "threshold:0.2\npatience:2\nmin_difference:10"}
//
// Sharded (RulePartial): the checks compare GPUs of one node only, and a
// node's samples are all in one shard, so each shard runs them for its own
// nodes after every window and keeps per node its name, the walk position
// (window, reader order) of its first sample and of its last one (with
// that GPU's sample count), its GPUs in first-seen order with their final
// histograms and sample counts, its number of triggers, its distances in
// the order of their first trigger (latest value) and its findings. Finish
// orders the nodes by their first sample (the table's order, which is the
// Details order), writes each node's workloads and distances, sums the
// counts, merges the findings by window and node order and takes
// Datapoints from the GPU of the last sample in the walk. A shard in which
// the memory guard fired finishes on its own (gpu_partial.h).
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/gpu_partial.h"
#include "src/rules/partial_state.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

constexpr int kBins = 50;

using Histogram = std::array<int64_t, kBins>;

struct GpuHistogram {
  StrId gpu = 0;
  Histogram counts{};
  int64_t samples = 0;
};
using HistogramTable = NodeGpuTable<GpuHistogram>;

// Bin of a utilization value: width 2, last bin closed at 100 (§7 fix: the
// full range is kept, so a saturated GPU is counted).
int BinOf(double util_pct) {
  if (!(util_pct >= 0)) return 0;  // negative or NaN: clamp to the first bin
  const double b = std::floor(util_pct / 2);
  return b >= kBins - 1 ? kBins - 1 : static_cast<int>(b);
}

}  // namespace

double JensenShannonDistance(std::span<const int64_t> a, std::span<const int64_t> b) {
  double sa = 0, sb = 0;
  for (int64_t x : a) sa += static_cast<double>(x);
  for (int64_t x : b) sb += static_cast<double>(x);
  if (sa <= 0 || sb <= 0 || a.size() != b.size()) return 0;
  double kl_p = 0, kl_q = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double p = static_cast<double>(a[i]) / sa;
    const double q = static_cast<double>(b[i]) / sb;
    const double m = (p + q) / 2;
    if (p > 0) kl_p += p * std::log(p / m);
    if (q > 0) kl_q += q * std::log(q / m);
  }
  const double divergence = (kl_p + kl_q) / 2;
  return std::sqrt(std::max(divergence, 0.0));  // rounding can give -1e-17
}

double HistogramMeanUtilization(std::span<const int64_t> counts) {
  int64_t n = 0, sum = 0;  // sum of bin middles, exact in integers
  for (size_t i = 0; i < counts.size(); ++i) {
    n += counts[i];
    sum += static_cast<int64_t>(2 * i + 1) * counts[i];
  }
  return n > 0 ? static_cast<double>(sum) / static_cast<double>(n) : 0.0;
}

namespace {

// A GPU as the pair checks see it.
struct GpuView {
  std::string_view name;
  const Histogram* counts;
  int64_t samples;
};

// Calls `fire(gi, gj, d)` for every imbalanced pair of a node's GPUs, in
// natural order (gpu2 before gpu10), both with more than `patience`
// samples.
template <typename Fire>
void ForEachImbalancedPair(const LoadBalancingParams& p, std::vector<GpuView> gpus, Fire fire) {
  std::sort(gpus.begin(), gpus.end(),
            [](const GpuView& a, const GpuView& b) { return NaturalLess(a.name, b.name); });
  for (size_t i = 0; i < gpus.size(); ++i) {
    if (gpus[i].samples <= p.patience) continue;
    for (size_t j = i + 1; j < gpus.size(); ++j) {
      if (gpus[j].samples <= p.patience) continue;
      const double d = JensenShannonDistance(*gpus[i].counts, *gpus[j].counts);
      if (!(d > p.threshold)) continue;
      const double difference = std::abs(HistogramMeanUtilization(*gpus[i].counts) -
                                         HistogramMeanUtilization(*gpus[j].counts));
      if (!(difference >= p.min_difference)) continue;
      fire(gpus[i].name, gpus[j].name, d);
    }
  }
}

// After window `w`: writes the node's workloads and compares its GPUs.
void CheckNode(const RuleInputs& in, const LoadBalancingParams& p, size_t w,
               const HistogramTable::Node& n, RuleResult* r) {
  const std::string node_key(in.store.str(n.node));
  nlohmann::ordered_json& node_json = r->details[node_key];
  std::vector<GpuView> gpus;
  for (const GpuHistogram& g : n.gpus) {
    node_json["workloads"][std::string(in.store.str(g.gpu))] = g.counts;
    gpus.push_back({in.store.str(g.gpu), &g.counts, g.samples});
  }
  ForEachImbalancedPair(p, gpus, [&](std::string_view gi, std::string_view gj, double d) {
    r->triggered += 1;
    r->violations += 1;
    node_json["distances"][std::string(gi)][std::string(gj)] = d;
    r->findings.push_back({in.plan.start_us(w), node_key, fmt::format("{}/{}", gi, gj), d});
  });
}

// Per node in table order, its GPUs' names and sample counts.
using NodeSamples = std::vector<std::vector<std::pair<std::string_view, int64_t>>>;

// Not applicable when no node has two GPUs; not evaluated when no two GPUs
// of a node both had more than `patience` samples.
void SetState(const LoadBalancingParams& p, const NodeSamples& nodes, RuleResult* r) {
  if (!r->applicable) return;
  if (nodes.empty()) {
    MarkNotEvaluated("no GPU utilization samples in the evaluated windows", r);
    return;
  }
  int64_t most = 0;  // per node, the second-largest sample count; the largest of those
  size_t max_gpus = 0;
  for (const auto& n : nodes) {
    max_gpus = std::max(max_gpus, n.size());
    std::vector<int64_t> counts;
    for (const auto& g : n) counts.push_back(g.second);
    if (counts.size() < 2) continue;
    std::sort(counts.rbegin(), counts.rend());
    most = std::max(most, counts[1]);
  }
  if (max_gpus == 1) {
    r->applicable = false;
    r->not_applicable_reason =
        nodes.size() == 1 ? fmt::format("a single GPU ({}): nothing to balance", nodes[0][0].first)
                          : std::string("one GPU per node: nothing to balance");
  } else if (max_gpus > 1 && most <= p.patience) {
    MarkNotEvaluated(PatienceReason(fmt::format("at most {} samples per GPU", most), p.patience),
                     r);
  }
}

// The whole algorithm over the samples of `ctx`: the result of a shard in
// which the memory guard fired (then the shard holds every GPU sample).
RuleResult EvaluateInOneShard(const Rule& rule, const LoadBalancingParams& p,
                              const AnalysisContext& ctx) {
  RuleResult r = StartResult(rule);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_util =
      RequiredSeriesOfKind(in.store, MetricKind::kGpuUtilization, "GPUUtilization", &r);
  HistogramTable table;
  for (size_t w = 0; w < in.plan.size(); ++w) {
    ForEachSample(in, w, is_gpu_util, [&](uint32_t row, const SeriesInfo& info) {
      GpuHistogram& g = table.At(info.node, info.name);
      g.counts[static_cast<size_t>(BinOf(in.sys.value(row)))] += 1;
      g.samples += 1;
      r.datapoints = g.samples;
      // SageMaker's memory guard: start all histograms afresh.
      if (g.samples > kMaxDatapoints) table.clear();
    });
    for (const HistogramTable::Node& n : table.nodes()) CheckNode(in, p, w, n, &r);
  }
  NodeSamples nodes;
  for (const HistogramTable::Node& n : table.nodes()) {
    auto& gpus = nodes.emplace_back();
    for (const GpuHistogram& g : n.gpus) gpus.emplace_back(in.store.str(g.gpu), g.samples);
  }
  SetState(p, nodes, &r);
  return r;
}

// ---- Sharded evaluation ----------------------------------------------------

struct LbGpu {
  std::string gpu;
  Histogram counts{};
  int64_t samples = 0;
};

struct LbDistance {
  std::string gi, gj;
  double d = 0;  // latest value
};

struct LbFinding {
  uint64_t window = 0;
  std::string pair;  // "gpu0/gpu1"
  double d = 0;
};

struct LbNode {
  std::string node;
  WalkPos first, last;       // of its first and last sample
  int64_t last_samples = 0;  // samples of the GPU of its last sample
  std::vector<LbGpu> gpus;   // first-seen order
  int64_t triggers = 0;
  std::vector<LbDistance> distances;  // order of first trigger
  std::vector<LbFinding> findings;

  void Save(StateWriter* out) const;
  void Load(StateReader* in);
};

void LbNode::Save(StateWriter* out) const {
  out->PutString(node);
  out->Put(first);
  out->Put(last);
  out->Put(last_samples);
  out->Put<uint64_t>(gpus.size());
  for (const LbGpu& g : gpus) {
    out->PutString(g.gpu);
    out->Put(g.counts);
    out->Put(g.samples);
  }
  out->Put(triggers);
  out->Put<uint64_t>(distances.size());
  for (const LbDistance& d : distances) {
    out->PutString(d.gi);
    out->PutString(d.gj);
    out->Put(d.d);
  }
  out->Put<uint64_t>(findings.size());
  for (const LbFinding& f : findings) {
    out->Put(f.window);
    out->PutString(f.pair);
    out->Put(f.d);
  }
}

void LbNode::Load(StateReader* in) {
  node = in->GetString();
  first = in->Get<WalkPos>();
  last = in->Get<WalkPos>();
  last_samples = in->Get<int64_t>();
  const auto n_gpus = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_gpus && in->ok(); ++i) {
    LbGpu& g = gpus.emplace_back();
    g.gpu = in->GetString();
    g.counts = in->Get<Histogram>();
    g.samples = in->Get<int64_t>();
  }
  triggers = in->Get<int64_t>();
  const auto n_distances = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_distances && in->ok(); ++i) {
    LbDistance& d = distances.emplace_back();
    d.gi = in->GetString();
    d.gj = in->GetString();
    d.d = in->Get<double>();
  }
  const auto n_findings = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n_findings && in->ok(); ++i) {
    LbFinding& f = findings.emplace_back();
    f.window = in->Get<uint64_t>();
    f.pair = in->GetString();
    f.d = in->Get<double>();
  }
}

struct LbState {
  bool has_series = false;  // some GPUUtilization series
  std::vector<LbNode> nodes;
  OneShardResult one_shard;

  Status Merge(LbState&& o) {
    has_series = has_series || o.has_series;
    Status s =
        one_shard.Merge("LoadBalancing", !nodes.empty() || one_shard.result.has_value(),
                        std::move(o.one_shard), !o.nodes.empty() || o.one_shard.result.has_value());
    if (!s.ok()) return s;
    std::vector<std::string_view> mine, theirs;
    for (const LbNode& n : nodes) mine.push_back(n.node);
    for (const LbNode& n : o.nodes) theirs.push_back(n.node);
    s = NodesApart("LoadBalancing", mine, theirs);
    if (!s.ok()) return s;
    for (LbNode& n : o.nodes) nodes.push_back(std::move(n));
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_series);
    out->Put<uint64_t>(nodes.size());
    for (const LbNode& n : nodes) n.Save(out);
    one_shard.Save(out);
  }
  void Load(StateReader* in) {
    has_series = in->Get<bool>();
    const auto n = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n && in->ok(); ++i) nodes.emplace_back().Load(in);
    one_shard.Load(in);
  }
};

// After window `w`: the imbalanced pairs of node `n`.
void CheckLbNode(const LoadBalancingParams& p, uint64_t w, LbNode* n) {
  std::vector<GpuView> gpus;
  for (const LbGpu& g : n->gpus) gpus.push_back({g.gpu, &g.counts, g.samples});
  ForEachImbalancedPair(p, gpus, [&](std::string_view gi, std::string_view gj, double d) {
    n->triggers += 1;
    auto it = std::find_if(n->distances.begin(), n->distances.end(),
                           [&](const LbDistance& x) { return x.gi == gi && x.gj == gj; });
    if (it == n->distances.end()) {
      n->distances.push_back({std::string(gi), std::string(gj), d});
    } else {
      it->d = d;
    }
    n->findings.push_back({w, fmt::format("{}/{}", gi, gj), d});
  });
}

// The shard's nodes, each checked after every window as the whole walk
// checks it (the pairs are of one node).
LbState Collect(const Rule& rule, const LoadBalancingParams& p, const AnalysisContext& ctx) {
  LbState st;
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_util = SeriesOfKind(in.store, MetricKind::kGpuUtilization);
  st.has_series = is_gpu_util.any;
  std::unordered_map<StrId, size_t> node_index;                   // -> st.nodes
  std::unordered_map<uint64_t, std::pair<size_t, size_t>> index;  // (node, gpu) -> slot
  bool guard = false;
  for (size_t w = 0; w < in.plan.size() && !guard; ++w) {
    ForEachSample(in, w, is_gpu_util, [&](uint32_t row, const SeriesInfo& info) {
      const WalkPos pos{w, in.store.RowOrder(row)};
      const auto [ni, new_node] = node_index.emplace(info.node, st.nodes.size());
      if (new_node) {
        st.nodes.emplace_back().node = in.store.str(info.node);
        st.nodes.back().first = pos;
      }
      LbNode& n = st.nodes[ni->second];
      const uint64_t id = (static_cast<uint64_t>(info.node) << 32) | info.name;
      const auto [gi, new_gpu] = index.emplace(id, std::make_pair(ni->second, n.gpus.size()));
      if (new_gpu) n.gpus.emplace_back().gpu = in.store.str(info.name);
      LbGpu& g = n.gpus[gi->second.second];
      g.counts[static_cast<size_t>(BinOf(in.sys.value(row)))] += 1;
      g.samples += 1;
      n.last = pos;
      n.last_samples = g.samples;
      guard = guard || g.samples > kMaxDatapoints;
    });
    for (LbNode& n : st.nodes) CheckLbNode(p, w, &n);
  }
  if (guard) {
    st.nodes.clear();
    st.one_shard.result = EvaluateInOneShard(rule, p, ctx);
  }
  return st;
}

// Details (nodes in the table's order), counts, findings (by window, then
// node) and Datapoints from the nodes' checks.
void ReplayNodes(const LbState& st, const WindowPlan& plan, RuleResult* r, NodeSamples* samples) {
  std::vector<const LbNode*> order;
  for (const LbNode& n : st.nodes) order.push_back(&n);
  std::sort(order.begin(), order.end(),
            [](const LbNode* a, const LbNode* b) { return a->first < b->first; });
  struct Fired {
    uint64_t window;
    size_t rank;
    const LbFinding* finding;
  };
  std::vector<Fired> fired;
  const LbNode* last = nullptr;  // the node of the last sample
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const LbNode& n = *order[rank];
    nlohmann::ordered_json& node_json = r->details[n.node];
    auto& gpus = samples->emplace_back();
    for (const LbGpu& g : n.gpus) {
      node_json["workloads"][g.gpu] = g.counts;
      gpus.emplace_back(g.gpu, g.samples);
    }
    for (const LbDistance& d : n.distances) node_json["distances"][d.gi][d.gj] = d.d;
    r->triggered += n.triggers;
    r->violations += n.triggers;
    for (const LbFinding& f : n.findings) fired.push_back({f.window, rank, &f});
    if (last == nullptr || last->last < n.last) last = &n;
  }
  std::stable_sort(fired.begin(), fired.end(), [](const Fired& a, const Fired& b) {
    return a.window != b.window ? a.window < b.window : a.rank < b.rank;
  });
  for (const Fired& f : fired) {
    r->findings.push_back(
        {plan.start_us(f.window), order[f.rank]->node, f.finding->pair, f.finding->d});
  }
  if (last != nullptr) r->datapoints = last->last_samples;
}

}  // namespace

RuleResult LoadBalancingRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> LoadBalancingRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(*this, p_, ctx));
}

std::unique_ptr<RulePartial> LoadBalancingRule::EmptyPartial() const {
  return MakePartial(LbState{});
}

RuleResult LoadBalancingRule::Finish(RulePartial&& merged, const AnalysisContext& ctx) const {
  LbState& st = StateOf<LbState>(merged);
  if (st.one_shard.result) return std::move(*st.one_shard.result);
  RuleResult r = StartResult(*this);
  SeriesMask is_gpu_util;
  is_gpu_util.any = st.has_series;
  RequireSeries(is_gpu_util, "GPUUtilization", &r);
  NodeSamples samples;
  ReplayNodes(st, *ctx.windows, &r, &samples);
  SetState(p_, samples, &r);
  return r;
}

}  // namespace smr
