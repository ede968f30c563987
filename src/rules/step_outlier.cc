// StepOutlier (docs/rules.md §4.6): flags steps that take much longer
// than the others of the same node and phase.
//
// Algorithm (cumulative over the 60 s windows of the WindowPlan): every
// framework event whose name contains "Step:ModeKeys" (or equals `mode`)
// adds 1 to Datapoints and its duration (s) and step number to the list of
// its (node, event name); node ids are the framework ids "algo-N-<pid>". A
// step delivered to two windows (it crosses the boundary) is counted once
// (SageMaker counts it twice: docs/compatibility.md). After each window, for
// each (node, phase) in first-seen order with more than 100 durations:
// threshold = mean + stddev·std (numpy, population std); outliers = durations
// > threshold; the statistics
//   {step_stats: {mean, max, p99, p95, p50, min}, number_of_outliers, phase,
//    stddev: round(std, 2), probs, binedges, step_numbers}
// (probs/binedges: numpy 100-bin histogram of the durations < threshold;
// step_numbers: outlier step numbers as strings, in arrival order) are
// written to Details.step_details[node] -- overwritten by the node's last
// phase, as SageMaker does -- and to the additive
// Details.step_details_by_phase[node][phase], which keeps every phase. If
// there are more than n_outliers outliers: RuleTriggered += 1, Violations +=
// number of outliers, and the framework events of the window overlapping the
// outlier steps seen in this window (looked up by step number per node) are
// aggregated into Details (§4.12).
//
// Not applicable without step events; not evaluated when no (node, phase)
// had more than 100 steps (RuleResult::not_evaluated_reason).
//
// Without any SageMaker step event but with PyTorch-profiler traces that
// have steps (KinetoRankAnalysis::steps), the rule runs once on the Kineto
// step durations (the step windows, s): node "rank N", phase
// "ProfilerStep", the same statistics, threshold and trigger, Datapoints =
// steps of all ranks; there are no framework events to aggregate, so
// Details has step_details and step_details_by_phase only.
//
// Worked example (n_outliers 1; node algo-1-27, window 0): 102 TRAIN steps,
// steps 0 and 1 last 2.0 s, steps 2..101 0.125 s; one cpu_functions event
// aten::conv2d of 1.5 s inside step 0. mean = 16.5/102 = 0.16176470588235295,
// std = 0.2599657283774071, threshold = 0.9416618910145743: steps 0 and 1 are
// outliers (2 > n_outliers 1); the 100 others fill histogram bin 50 of
// [-0.375, 0.625] (numpy widens a zero-width range by 0.5 on each side).
//   {"RuleTriggered": 1, "Violations": 2, "Details": {"step_details":
//    {"algo-1-27": {"step_stats": {"mean": 0.16176470588235295, "max": 2.0,
//     "p99": 1.9812499999999904, "p95": 0.125, "p50": 0.125, "min": 0.125},
//     "number_of_outliers": 2, "phase": "Step:ModeKeys.TRAIN", "stddev": 0.26,
//     "probs": [0 x50, 100, 0 x49], "binedges": [-0.375, -0.365, ..., 0.625],
//     "step_numbers": ["0", "1"]}},
//    "step_details_by_phase": {"algo-1-27": {"Step:ModeKeys.TRAIN": {...same...}}},
//    "ratio": {"cpu_functions": 100.0}, "CPU": {"aten::conv2d": 100.0},
//    "CPU_total": {"aten::conv2d": 1500000}, "phase": {"Step:ModeKeys.TRAIN": 100.0},
//    "phase_time": {}}, "Datapoints": 102,
//    "RuleParameters": "threshold:3\nmode:None\nn_outliers:1\nstddev:3"}
// Sharded (RulePartial, two passes): the first partial holds, per node
// (kept whole: a node's files are in one shard), the walk position of its
// first step delivery and, per phase in first-seen order, every step's
// duration (s), number and window of first delivery, plus the node's first
// step event per (window, step number); also the count of step events.
// Finish orders the nodes by first delivery and replays the checks after
// each window on the steps delivered so far (the same durations in the
// same order, so numpy's arithmetic is repeated exactly). The triggers
// give the correlation batches (the outlier steps' intervals in the
// trigger's window); the second pass adds each shard's events of those
// windows to a CorrelationPartial, which FinishTwoPass replays batch by
// batch after the step details. The Kineto branch runs in Finish on the
// merged Kineto analysis, unchanged.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/kineto_analysis.h"
#include "src/rules/framework_correlation.h"
#include "src/rules/numpy_stats.h"
#include "src/rules/partial_state.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"
#include "src/rules/step_outlier_state.h"

namespace smr {
namespace {

// A (node, phase) needs more step durations than this to be checked.
constexpr size_t kMinSteps = 100;

using P = StepOutlierParams;
using step_outlier::NodeSteps;
using step_outlier::PhaseSteps;
using step_outlier::StepInterval;
using step_outlier::StepState;

// The phase of the steps of Kineto traces (Details keys and findings).
constexpr char kKinetoPhase[] = "ProfilerStep";

// Whether a framework event of this name is a step event.
bool IsStepName(std::string_view name, const P& p) {
  return name.find("Step:ModeKeys") != std::string_view::npos ||
         (!p.mode.empty() && name == p.mode);
}

// The shard's steps, walked as the whole job's evaluation walks them.
StepState Collect(const RuleInputs& in, const P& p) {
  StepState st;
  st.has_framework = in.store.has_framework();
  const EventColumns& ev = in.ev;
  std::vector<char> is_step(ev.size(), 0);
  for (uint32_t e = 0; e < ev.size(); ++e) {
    is_step[e] = IsStepName(in.store.str(ev.name[e]), p) ? 1 : 0;
    st.step_events += is_step[e];
  }
  std::vector<char> counted(ev.size(), 0);
  std::unordered_map<StrId, NodeSteps*> by_id;
  std::set<std::pair<StrId, int64_t>> in_window;  // (node, step) seen in the window
  for (size_t w = 0; w < in.plan.size(); ++w) {
    in_window.clear();
    for (uint32_t e : in.plan.events(w)) {
      if (!is_step[e]) continue;
      NodeSteps*& n = by_id[ev.node[e]];
      if (n == nullptr) {
        n = &st.nodes[std::string(in.store.str(ev.node[e]))];
        n->first = WalkPos{w, in.store.EventOrder(e)};
      }
      if (in_window.emplace(ev.node[e], ev.step[e]).second) {
        n->intervals.push_back({w, ev.step[e], ev.start_us[e], ev.end_us[e]});
      }
      if (counted[e]) continue;
      counted[e] = 1;
      const std::string_view phase = in.store.str(ev.name[e]);
      auto it = std::find_if(n->phases.begin(), n->phases.end(),
                             [&](const PhaseSteps& ps) { return ps.phase == phase; });
      if (it == n->phases.end()) {
        n->phases.push_back(PhaseSteps{std::string(phase), {}, {}, {}});
        it = n->phases.end() - 1;
      }
      it->dur_s.push_back(static_cast<double>(ev.end_us[e] - ev.start_us[e]) / 1000000.0);
      it->steps.push_back(ev.step[e]);
      it->window.push_back(w);
    }
  }
  return st;
}

// The statistics of one (node, phase) and its outlier steps.
struct PhaseCheck {
  nlohmann::ordered_json entry;
  std::vector<size_t> outliers;  // indices of the outlier steps
};

PhaseCheck CheckPhase(std::span<const double> values, std::span<const std::string> step_numbers,
                      std::string_view phase, double stddev) {
  const double mean = NumpyMean(values);
  const double std = NumpyStd(values);
  const double threshold = mean + std * stddev;

  PhaseCheck c;
  std::vector<double> normal;
  nlohmann::ordered_json outlier_numbers = nlohmann::ordered_json::array();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] > threshold) {
      outlier_numbers.push_back(step_numbers[i]);
      c.outliers.push_back(i);
    }
    if (values[i] < threshold) normal.push_back(values[i]);
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const NumpyHistogram hist = ComputeNumpyHistogramOrUnitRange(normal, 100);

  nlohmann::ordered_json& entry = c.entry;
  nlohmann::ordered_json& stats = entry["step_stats"];
  stats["mean"] = mean;
  stats["max"] = sorted.back();
  stats["p99"] = QuantileSorted(sorted, 0.99);
  stats["p95"] = QuantileSorted(sorted, 0.95);
  stats["p50"] = QuantileSorted(sorted, 0.50);
  stats["min"] = sorted.front();
  entry["number_of_outliers"] = static_cast<int64_t>(c.outliers.size());
  entry["phase"] = phase;
  entry["stddev"] = NumpyRound(std, 2);
  entry["probs"] = hist.counts;
  entry["binedges"] = hist.edges;
  entry["step_numbers"] = std::move(outlier_numbers);
  return c;
}

// The outlier steps of one trigger in window `window`: the intervals of
// their step events delivered in that window, for the framework
// correlation (one aggregator batch).
struct StepOutlierBatch {
  uint64_t window = 0;
  std::vector<FrameworkCorrelation::Interval> intervals;
};

// The replay of the window walk over the merged steps: after each window,
// every (node, phase) with more than kMinSteps steps so far is checked on
// the steps delivered so far (nodes in first-seen order).
class StepReplay {
 public:
  StepReplay(const StepState& st, const P& p, RuleResult* r) : p_(p), r_(r) {
    for (const auto& [node, n] : st.nodes) nodes_.push_back(Node{&node, &n, {}, {}});
    std::sort(nodes_.begin(), nodes_.end(),
              [](const Node& a, const Node& b) { return a.steps->first < b.steps->first; });
    for (Node& n : nodes_) {
      for (const PhaseSteps& ps : n.steps->phases) {
        Phase& ph = n.phases.emplace_back();
        ph.steps = &ps;
        for (int64_t s : ps.steps) ph.numbers.push_back(std::to_string(s));
      }
      for (const StepInterval& i : n.steps->intervals) {
        n.intervals.try_emplace({i.window, i.step}, i.start_us, i.end_us);
      }
    }
  }

  // Checks after window `w` (start `start_us`); appends the intervals of
  // the outlier steps of each trigger to `batches` (empty ones left out).
  void Window(size_t w, int64_t start_us, std::vector<StepOutlierBatch>* batches);

 private:
  struct Phase {
    const PhaseSteps* steps = nullptr;
    std::vector<std::string> numbers;
    size_t delivered = 0;  // steps delivered up to the current window
    size_t checked = 0;    // steps `check` was computed on
    PhaseCheck check;
  };
  struct Node {
    const std::string* id = nullptr;
    const NodeSteps* steps = nullptr;
    std::vector<Phase> phases;
    std::map<std::pair<uint64_t, int64_t>, std::pair<int64_t, int64_t>> intervals;
  };

  const P& p_;
  RuleResult* r_;
  std::vector<Node> nodes_;
};

void StepReplay::Window(size_t w, int64_t start_us, std::vector<StepOutlierBatch>* batches) {
  nlohmann::ordered_json& d = r_->details;
  for (Node& n : nodes_) {
    for (Phase& ph : n.phases) {
      const std::vector<uint64_t>& windows = ph.steps->window;
      while (ph.delivered < windows.size() && windows[ph.delivered] <= w) ++ph.delivered;
      if (ph.delivered <= kMinSteps) continue;
      if (ph.checked != ph.delivered) {
        ph.check =
            CheckPhase(std::span(ph.steps->dur_s).first(ph.delivered),
                       std::span(ph.numbers).first(ph.delivered), ph.steps->phase, p_.stddev);
        ph.checked = ph.delivered;
      }
      const int64_t n_out = static_cast<int64_t>(ph.check.outliers.size());
      // SageMaker keeps one entry per node (the last phase checked wins);
      // step_details_by_phase keeps every phase.
      d["step_details"][*n.id] = ph.check.entry;
      d["step_details_by_phase"][*n.id][ph.steps->phase] = ph.check.entry;
      if (n_out <= p_.n_outliers) continue;
      r_->violations += n_out;
      r_->triggered += 1;
      r_->findings.push_back({start_us, *n.id, ph.steps->phase, static_cast<double>(n_out)});
      StepOutlierBatch batch{w, {}};
      for (size_t i : ph.check.outliers) {
        auto it = n.intervals.find({w, ph.steps->steps[i]});
        if (it == n.intervals.end()) continue;
        batch.intervals.push_back(
            {static_cast<double>(it->second.first), static_cast<double>(it->second.second)});
      }
      if (!batch.intervals.empty()) batches->push_back(std::move(batch));
    }
  }
}

// The most step durations any (node, phase) had.
size_t MostSteps(const StepState& st) {
  size_t most = 0;
  for (const auto& [node, n] : st.nodes) {
    for (const PhaseSteps& ps : n.phases) most = std::max(most, ps.dur_s.size());
  }
  return most;
}

int64_t Datapoints(const StepState& st) {
  int64_t total = 0;
  for (const auto& [node, n] : st.nodes) {
    for (const PhaseSteps& ps : n.phases) total += static_cast<int64_t>(ps.dur_s.size());
  }
  return total;
}

// Not applicable when the framework data has no step event at all; not
// evaluated when no (node, phase) had more than kMinSteps steps.
void SetState(const StepState& st, RuleResult* r) {
  if (!r->applicable) return;
  if (r->datapoints == 0) {
    const int64_t steps = st.step_events;
    if (steps == 0) {
      r->applicable = false;
      r->not_applicable_reason =
          "the framework data has no step events "
          "(Step:ModeKeys): step durations are unknown";
    } else {
      MarkNotEvaluated(fmt::format("{} step event{}, none in the evaluated windows", steps,
                                   steps == 1 ? "" : "s"),
                       r);
    }
    return;
  }
  const size_t most = MostSteps(st);
  if (most <= kMinSteps) {
    MarkNotEvaluated(PatienceReason(fmt::format("at most {} steps per node and phase", most),
                                    kMinSteps, "the rule's minimum"),
                     r);
  }
}

// Whether some Kineto trace has a step (KinetoRankAnalysis::steps).
bool HasKinetoSteps(const AnalysisContext& ctx) {
  if (ctx.kineto == nullptr) return false;
  for (const KinetoRankAnalysis& rank : ctx.kineto->ranks) {
    if (!rank.steps.empty()) return true;
  }
  return false;
}

// The rule on Kineto steps: one phase (kKinetoPhase) per rank ("rank N"),
// the step windows' durations in time order; no framework-event
// aggregation (the Kineto section of the report has the operators).
void EvaluateKinetoSteps(const AnalysisContext& ctx, const P& p, RuleResult* r) {
  nlohmann::ordered_json& d = r->details;
  size_t most = 0;
  for (const KinetoRankAnalysis& rank : ctx.kineto->ranks) {
    std::vector<double> dur_s;
    std::vector<std::string> numbers;
    for (const KinetoStep& s : rank.steps) {
      dur_s.push_back(static_cast<double>(s.duration_ns()) / 1e9);
      numbers.push_back(std::to_string(s.number));
    }
    r->datapoints += static_cast<int64_t>(dur_s.size());
    most = std::max(most, dur_s.size());
    if (dur_s.size() <= kMinSteps) continue;
    PhaseCheck c = CheckPhase(dur_s, numbers, kKinetoPhase, p.stddev);
    const std::string node = fmt::format("rank {}", rank.rank);
    d["step_details"][node] = c.entry;
    d["step_details_by_phase"][node][kKinetoPhase] = std::move(c.entry);
    const int64_t n_out = static_cast<int64_t>(c.outliers.size());
    if (n_out <= p.n_outliers) continue;
    r->violations += n_out;
    r->triggered += 1;
    int64_t first_us = rank.start_ns / 1000;
    for (size_t i = 0; i < rank.steps.size(); ++i) {
      if (numbers[i] == numbers[c.outliers.front()]) {
        first_us = rank.steps[i].start_ns / 1000;
        break;
      }
    }
    r->findings.push_back({first_us, node, kKinetoPhase, static_cast<double>(n_out)});
  }
  if (most <= kMinSteps) {
    MarkNotEvaluated(PatienceReason(fmt::format("at most {} Kineto steps per rank", most),
                                    kMinSteps, "the rule's minimum"),
                     r);
  }
}

// The checks of the whole walk over the merged steps; `batches` gets the
// correlation batches of the triggers in the order the walk made them.
void ReplayWalk(const StepState& st, const P& p, const WindowPlan& plan, RuleResult* r,
                std::vector<StepOutlierBatch>* batches) {
  StepReplay replay(st, p, r);
  for (size_t w = 0; w < plan.size(); ++w) replay.Window(w, plan.start_us(w), batches);
}

// The second pass: the shard's framework events in the outlier steps.
struct CorrelationState {
  CorrelationPartial corr;
  Status Merge(CorrelationState&& o) { return corr.Merge(std::move(o.corr)); }
  void Save(StateWriter* out) const { corr.Save(out); }
  void Load(StateReader* in) { corr.Load(in); }
};

}  // namespace

RuleResult StepOutlierRule::Evaluate(const AnalysisContext& ctx) const {
  std::unique_ptr<RulePartial> first = Partial(ctx);
  std::unique_ptr<RulePartial> second = SecondPartial(ctx, *first);
  return FinishTwoPass(std::move(*first), std::move(*second), ctx);
}

std::unique_ptr<RulePartial> StepOutlierRule::Partial(const AnalysisContext& ctx) const {
  return MakePartial(Collect(RuleInputs(ctx), p_));
}

std::unique_ptr<RulePartial> StepOutlierRule::EmptyPartial() const {
  return MakePartial(StepState{});
}

std::unique_ptr<RulePartial> StepOutlierRule::SecondPartial(const AnalysisContext& ctx,
                                                            const RulePartial& first) const {
  // The batches follow from the merged steps alone (the same in every
  // shard); each shard adds its own events of the batch's window.
  const StepState& st = dynamic_cast<const StatePartial<StepState>&>(first).state;
  RuleResult scratch;
  std::vector<StepOutlierBatch> batches;
  ReplayWalk(st, p_, *ctx.windows, &scratch, &batches);
  CorrelationState out;
  for (size_t i = 0; i < batches.size(); ++i) {
    out.corr.AddBatch(i, *ctx.store, ctx.windows->events(batches[i].window), batches[i].intervals);
  }
  return MakePartial(std::move(out));
}

std::unique_ptr<RulePartial> StepOutlierRule::EmptySecondPartial() const {
  return MakePartial(CorrelationState{});
}

RuleResult StepOutlierRule::FinishTwoPass(RulePartial&& first, RulePartial&& second,
                                          const AnalysisContext& ctx) const {
  const StepState& st = StateOf<StepState>(first);
  RuleResult r = StartResult(*this);
  // Without SageMaker step events, the steps of the Kineto traces.
  if (HasKinetoSteps(ctx) && st.step_events == 0) {
    r.details["step_details"] = nlohmann::ordered_json::object();
    EvaluateKinetoSteps(ctx, p_, &r);
    return r;
  }
  if (!st.has_framework) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data: step durations are unknown";
  }
  r.details = nlohmann::ordered_json::object();
  r.details["step_details"] = nlohmann::ordered_json::object();
  std::vector<StepOutlierBatch> batches;
  ReplayWalk(st, p_, *ctx.windows, &r, &batches);
  // The correlation keys come after step_details and step_details_by_phase
  // (made at the first check, before any trigger), batch after batch.
  const CorrelationReplay correlation(StateOf<CorrelationState>(second).corr);
  for (size_t i = 0; i < batches.size(); ++i) {
    correlation.WriteBatch(i, batches[i].intervals.size(), &r.details);
  }
  r.datapoints = Datapoints(st);
  SetState(st, &r);
  return r;
}

}  // namespace smr
