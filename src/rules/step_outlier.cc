#include "src/rules/step_outlier.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/framework_correlation.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

// numpy's pairwise summation of a contiguous float64 array (8 accumulators
// up to 128 values, halving above), so mean/std match numpy to the last bit.
double PairwiseSum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}

// np.add.reduce: the identity 0.0 plus the pairwise sum.
double NumpySum(std::span<const double> v) { return 0.0 + PairwiseSum(v.data(), v.size()); }

double NumpyMean(std::span<const double> v) {
  return NumpySum(v) / static_cast<double>(v.size());
}

// np.std (ddof 0): sqrt(mean(|x - mean(x)|²)).
double NumpyStd(std::span<const double> v) {
  const double mean = NumpyMean(v);
  std::vector<double> sq(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    const double d = v[i] - mean;
    sq[i] = d * d;
  }
  return std::sqrt(NumpySum(sq) / static_cast<double>(v.size()));
}

struct Histogram {
  std::vector<int64_t> counts;
  std::vector<double> edges;
};

// np.histogram(values, bins) with uniform bins over [min, max] (widened by
// 0.5 on each side when min == max, [0, 1] when empty): edges from
// np.linspace, bin index (x - first) · bins / (last - first) corrected by one
// against the edges, the last bin closed on the right.
Histogram NumpyHistogram(std::span<const double> values, int bins) {
  double first = 0, last = 1;
  if (!values.empty()) {
    first = *std::min_element(values.begin(), values.end());
    last = *std::max_element(values.begin(), values.end());
  }
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  Histogram h;
  h.counts.assign(static_cast<size_t>(bins), 0);
  h.edges.resize(static_cast<size_t>(bins) + 1);
  const double step = (last - first) / bins;
  for (int i = 0; i <= bins; ++i) h.edges[static_cast<size_t>(i)] = static_cast<double>(i) * step + first;
  h.edges.back() = last;
  const double norm = bins / (last - first);
  for (double x : values) {
    if (!(x >= first && x <= last)) continue;
    int64_t idx = static_cast<int64_t>((x - first) * norm);
    if (idx == bins) idx -= 1;
    if (x < h.edges[static_cast<size_t>(idx)]) idx -= 1;
    if (idx != bins - 1 && x >= h.edges[static_cast<size_t>(idx) + 1]) idx += 1;
    h.counts[static_cast<size_t>(idx)] += 1;
  }
  return h;
}

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

}  // namespace

std::string_view StepOutlierRule::description() const {
  return "Detects outliers in step duration. The step duration for forward and backward pass "
         "should be roughly the same throughout the training. If there are significant "
         "outliers, it may indicate a system stall or bottleneck issues.";
}

std::string_view StepOutlierRule::recommendation() const {
  return "Check if there are any bottlenecks (CPU, I/O) correlated to the step outliers.";
}

const std::vector<ParamSpec>& StepOutlierRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"stddev", ParamType::kDouble, "3", "standard deviations",
       "a step longer than mean + stddev · standard deviation is an outlier",
       ParamRange::Positive()},
      {"mode", ParamType::kString, "None", "",
       "event name that also counts as a step (None: only Step:ModeKeys.* events)"},
      {"n_outliers", ParamType::kInt, "10", "steps",
       "outliers of one node and phase tolerated before the rule triggers",
       ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status StepOutlierRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "stddev") return ParsePositiveParam(name(), param, value, &p_.stddev);
  if (param == "n_outliers") return ParsePositiveIntParam(name(), param, value, &p_.n_outliers);
  if (param == "mode") {
    p_.mode = (value == "None") ? std::string() : std::string(value);
    return Status::Ok();
  }
  return UnknownParamError(name(), param, params());
}

std::string StepOutlierRule::RuleParameters() const {
  const std::string stddev = FormatParamNumber(p_.stddev);
  return fmt::format("threshold:{}\nmode:{}\nn_outliers:{}\nstddev:{}", stddev,
                     p_.mode.empty() ? "None" : p_.mode, p_.n_outliers, stddev);
}

RuleResult StepOutlierRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const EventColumns& ev = store.events();
  if (!store.has_framework()) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data: step durations are unknown";
  }

  nlohmann::ordered_json& d = r.details;
  d = nlohmann::ordered_json::object();
  d["step_details"] = nlohmann::ordered_json::object();

  std::vector<NodeSteps> nodes;
  std::vector<char> counted(ev.size(), 0);
  FrameworkCorrelation correlation;

  auto node_slot = [&nodes](StrId node) -> NodeSteps& {
    for (NodeSteps& n : nodes) {
      if (n.node == node) return n;
    }
    nodes.push_back(NodeSteps{node, {}, {}});
    return nodes.back();
  };

  for (size_t w = 0; w < plan.size(); ++w) {
    for (NodeSteps& n : nodes) n.window_intervals.clear();
    for (uint32_t e : plan.events(w)) {
      const std::string_view ev_name = store.str(ev.name[e]);
      const bool is_step = ev_name.find("Step:ModeKeys") != std::string_view::npos ||
                           (!p_.mode.empty() && ev_name == p_.mode);
      if (!is_step) continue;
      NodeSteps& n = node_slot(ev.node[e]);
      std::string step = std::to_string(ev.step[e]);
      n.window_intervals.try_emplace(step, ev.start_us[e], ev.end_us[e]);
      // A step crossing a window boundary is delivered twice; count it once
      // (docs/compatibility.md).
      if (counted[e]) continue;
      counted[e] = 1;
      r.datapoints += 1;
      auto it = std::find_if(n.phases.begin(), n.phases.end(),
                             [&](const PhaseSteps& p) { return p.phase == ev_name; });
      if (it == n.phases.end()) {
        n.phases.push_back(PhaseSteps{std::string(ev_name), {}, {}});
        it = n.phases.end() - 1;
      }
      it->dur_s.push_back(static_cast<double>(ev.end_us[e] - ev.start_us[e]) / 1000000.0);
      it->step_numbers.push_back(std::move(step));
    }

    for (NodeSteps& n : nodes) {
      const std::string node_id(store.str(n.node));
      for (const PhaseSteps& ps : n.phases) {
        if (ps.dur_s.size() <= kMinSteps) continue;
        const std::span<const double> values(ps.dur_s);
        const double mean = NumpyMean(values);
        const double std = NumpyStd(values);
        const double threshold = mean + std * p_.stddev;

        std::vector<double> normal;
        nlohmann::ordered_json step_numbers = nlohmann::ordered_json::array();
        std::vector<std::string> outlier_steps;
        for (size_t i = 0; i < values.size(); ++i) {
          if (values[i] > threshold) {
            step_numbers.push_back(ps.step_numbers[i]);
            outlier_steps.push_back(ps.step_numbers[i]);
          }
          if (values[i] < threshold) normal.push_back(values[i]);
        }
        const int64_t n_out = static_cast<int64_t>(outlier_steps.size());
        std::vector<double> sorted(values.begin(), values.end());
        std::sort(sorted.begin(), sorted.end());
        const Histogram hist = NumpyHistogram(normal, 100);

        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        nlohmann::ordered_json& stats = entry["step_stats"];
        stats["mean"] = mean;
        stats["max"] = sorted.back();
        stats["p99"] = QuantileSorted(sorted, 0.99);
        stats["p95"] = QuantileSorted(sorted, 0.95);
        stats["p50"] = QuantileSorted(sorted, 0.50);
        stats["min"] = sorted.front();
        entry["number_of_outliers"] = n_out;
        entry["phase"] = ps.phase;
        entry["stddev"] = NumpyRound(std, 2);
        entry["probs"] = hist.counts;
        entry["binedges"] = hist.edges;
        entry["step_numbers"] = std::move(step_numbers);

        // SageMaker keeps one entry per node (the last phase checked wins);
        // step_details_by_phase keeps every phase.
        d["step_details"][node_id] = entry;
        d["step_details_by_phase"][node_id][ps.phase] = std::move(entry);

        if (n_out > p_.n_outliers) {
          r.violations += n_out;
          r.triggered += 1;
          r.findings.push_back({plan.start_us(w), node_id, ps.phase, static_cast<double>(n_out)});
          std::vector<FrameworkCorrelation::Interval> intervals;
          for (const std::string& step : outlier_steps) {
            auto it = n.window_intervals.find(step);
            if (it == n.window_intervals.end()) continue;
            intervals.push_back({static_cast<double>(it->second.first),
                                 static_cast<double>(it->second.second)});
          }
          correlation.AddBatch(store, plan.events(w), intervals, &d);
        }
      }
    }
  }
  return r;
}

std::unique_ptr<Rule> CreateStepOutlierRule() { return std::make_unique<StepOutlierRule>(); }

}  // namespace smr
