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
#include "src/rules/builtin_rules.h"

#include <algorithm>
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
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

// A (node, phase) needs more step durations than this to be checked.
constexpr size_t kMinSteps = 100;

using P = StepOutlierParams;

struct PhaseSteps {
  std::string phase;
  std::vector<double> dur_s;
  std::vector<std::string> step_numbers;
};

struct NodeSteps {
  StrId node = 0;
  std::vector<PhaseSteps> phases;
  // Step number -> (start, end) µs of its first step event delivered in
  // the current window (SageMaker's per-window lookup table).
  std::unordered_map<std::string, std::pair<int64_t, int64_t>> window_intervals;
};

// The phase of the steps of Kineto traces (Details keys and findings).
constexpr char kKinetoPhase[] = "ProfilerStep";

// Whether a framework event of this name is a step event.
bool IsStepName(std::string_view name, const P& p) {
  return name.find("Step:ModeKeys") != std::string_view::npos ||
         (!p.mode.empty() && name == p.mode);
}

// Whether the framework data has any step event.
bool AnyStepEvent(const RuleInputs& in, const P& p) {
  for (uint32_t e = 0; e < in.ev.size(); ++e) {
    if (IsStepName(in.store.str(in.ev.name[e]), p)) return true;
  }
  return false;
}

// The statistics of one (node, phase) and its outlier steps.
struct PhaseCheck {
  nlohmann::ordered_json entry;
  std::vector<std::string> outlier_steps;
};

PhaseCheck CheckPhase(const PhaseSteps& ps, double stddev) {
  const std::span<const double> values(ps.dur_s);
  const double mean = NumpyMean(values);
  const double std = NumpyStd(values);
  const double threshold = mean + std * stddev;

  PhaseCheck c;
  std::vector<double> normal;
  nlohmann::ordered_json step_numbers = nlohmann::ordered_json::array();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] > threshold) {
      step_numbers.push_back(ps.step_numbers[i]);
      c.outlier_steps.push_back(ps.step_numbers[i]);
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
  entry["number_of_outliers"] = static_cast<int64_t>(c.outlier_steps.size());
  entry["phase"] = ps.phase;
  entry["stddev"] = NumpyRound(std, 2);
  entry["probs"] = hist.counts;
  entry["binedges"] = hist.edges;
  entry["step_numbers"] = std::move(step_numbers);
  return c;
}

// One evaluation: the steps of every node across windows.
class StepRun {
 public:
  StepRun(const RuleInputs& in, const P& p, RuleResult* r)
      : in_(in), p_(p), r_(r), counted_(in.ev.size(), 0) {}

  void Window(size_t w) {
    for (NodeSteps& n : nodes_) n.window_intervals.clear();
    for (uint32_t e : in_.plan.events(w)) AddEvent(e);
    for (NodeSteps& n : nodes_) CheckNode(w, n);
  }
  // The most step durations any (node, phase) had.
  size_t most_steps() const {
    size_t most = 0;
    for (const NodeSteps& n : nodes_) {
      for (const PhaseSteps& ps : n.phases) most = std::max(most, ps.dur_s.size());
    }
    return most;
  }
  // Whether event `e` is a step event.
  bool IsStep(uint32_t e) const { return IsStepName(in_.store.str(in_.ev.name[e]), p_); }

 private:
  NodeSteps& Node(StrId node) {
    for (NodeSteps& n : nodes_) {
      if (n.node == node) return n;
    }
    nodes_.push_back(NodeSteps{node, {}, {}});
    return nodes_.back();
  }
  void AddEvent(uint32_t e);
  void CheckNode(size_t w, const NodeSteps& n);

  const RuleInputs& in_;
  const P& p_;
  RuleResult* r_;
  std::vector<NodeSteps> nodes_;
  std::vector<char> counted_;
  FrameworkCorrelation correlation_;
};

void StepRun::AddEvent(uint32_t e) {
  const EventColumns& ev = in_.ev;
  if (!IsStep(e)) return;
  const std::string_view ev_name = in_.store.str(ev.name[e]);
  NodeSteps& n = Node(ev.node[e]);
  std::string step = std::to_string(ev.step[e]);
  n.window_intervals.try_emplace(step, ev.start_us[e], ev.end_us[e]);
  // A step crossing a window boundary is delivered twice; count it once
  // (docs/compatibility.md).
  if (counted_[e]) return;
  counted_[e] = 1;
  r_->datapoints += 1;
  auto it = std::find_if(n.phases.begin(), n.phases.end(),
                         [&](const PhaseSteps& p) { return p.phase == ev_name; });
  if (it == n.phases.end()) {
    n.phases.push_back(PhaseSteps{std::string(ev_name), {}, {}});
    it = n.phases.end() - 1;
  }
  it->dur_s.push_back(static_cast<double>(ev.end_us[e] - ev.start_us[e]) / 1000000.0);
  it->step_numbers.push_back(std::move(step));
}

void StepRun::CheckNode(size_t w, const NodeSteps& n) {
  nlohmann::ordered_json& d = r_->details;
  const std::string node_id(in_.store.str(n.node));
  for (const PhaseSteps& ps : n.phases) {
    if (ps.dur_s.size() <= kMinSteps) continue;
    PhaseCheck c = CheckPhase(ps, p_.stddev);
    const int64_t n_out = static_cast<int64_t>(c.outlier_steps.size());
    // SageMaker keeps one entry per node (the last phase checked wins);
    // step_details_by_phase keeps every phase.
    d["step_details"][node_id] = c.entry;
    d["step_details_by_phase"][node_id][ps.phase] = std::move(c.entry);
    if (n_out <= p_.n_outliers) continue;
    r_->violations += n_out;
    r_->triggered += 1;
    r_->findings.push_back({in_.plan.start_us(w), node_id, ps.phase, static_cast<double>(n_out)});
    std::vector<FrameworkCorrelation::Interval> intervals;
    for (const std::string& step : c.outlier_steps) {
      auto it = n.window_intervals.find(step);
      if (it == n.window_intervals.end()) continue;
      intervals.push_back(
          {static_cast<double>(it->second.first), static_cast<double>(it->second.second)});
    }
    correlation_.AddBatch(in_.store, in_.plan.events(w), intervals, &d);
  }
}

// Not applicable when the framework data has no step event at all; not
// evaluated when no (node, phase) had more than kMinSteps steps.
void SetState(const RuleInputs& in, const StepRun& run, RuleResult* r) {
  if (!r->applicable) return;
  if (r->datapoints == 0) {
    size_t steps = 0;
    for (uint32_t e = 0; e < in.ev.size(); ++e) steps += run.IsStep(e) ? 1 : 0;
    if (steps == 0) {
      r->applicable = false;
      r->not_applicable_reason =
          "the framework data has no step events (Step:ModeKeys): step durations are unknown";
    } else {
      MarkNotEvaluated(fmt::format("{} step event{}, none in the evaluated windows", steps,
                                   steps == 1 ? "" : "s"),
                       r);
    }
    return;
  }
  const size_t most = run.most_steps();
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
    PhaseSteps ps{kKinetoPhase, {}, {}};
    for (const KinetoStep& s : rank.steps) {
      ps.dur_s.push_back(static_cast<double>(s.duration_ns()) / 1e9);
      ps.step_numbers.push_back(std::to_string(s.number));
    }
    r->datapoints += static_cast<int64_t>(ps.dur_s.size());
    most = std::max(most, ps.dur_s.size());
    if (ps.dur_s.size() <= kMinSteps) continue;
    PhaseCheck c = CheckPhase(ps, p.stddev);
    const std::string node = fmt::format("rank {}", rank.rank);
    d["step_details"][node] = c.entry;
    d["step_details_by_phase"][node][ps.phase] = std::move(c.entry);
    const int64_t n_out = static_cast<int64_t>(c.outlier_steps.size());
    if (n_out <= p.n_outliers) continue;
    r->violations += n_out;
    r->triggered += 1;
    int64_t first_us = rank.start_ns / 1000;
    for (size_t i = 0; i < rank.steps.size(); ++i) {
      if (ps.step_numbers[i] == c.outlier_steps.front()) {
        first_us = rank.steps[i].start_ns / 1000;
        break;
      }
    }
    r->findings.push_back({first_us, node, ps.phase, static_cast<double>(n_out)});
  }
  if (most <= kMinSteps) {
    MarkNotEvaluated(PatienceReason(fmt::format("at most {} Kineto steps per rank", most),
                                    kMinSteps, "the rule's minimum"),
                     r);
  }
}

}  // namespace

RuleResult StepOutlierRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  // Without SageMaker step events, the steps of the Kineto traces.
  if (HasKinetoSteps(ctx) && !AnyStepEvent(in, p_)) {
    r.details["step_details"] = nlohmann::ordered_json::object();
    EvaluateKinetoSteps(ctx, p_, &r);
    return r;
  }
  if (!in.store.has_framework()) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data: step durations are unknown";
  }
  r.details = nlohmann::ordered_json::object();
  r.details["step_details"] = nlohmann::ordered_json::object();
  StepRun run(in, p_, &r);
  for (size_t w = 0; w < in.plan.size(); ++w) run.Window(w);
  SetState(in, run, &r);
  return r;
}

}  // namespace smr
