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
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/numpy_stats.h"
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

void FillEntry(std::span<const double> values, double diff, nlohmann::ordered_json* entry) {
  const BoxStats box = ComputeBoxStats(values);
  *entry = nlohmann::ordered_json::object();
  (*entry)["increase"] = diff;
  (*entry)["gpu_max"] = box.max;
  (*entry)["p05"] = Quantile(values, 0.05);
  AddBoxQuartiles(box, entry);
}

// One evaluation: the GPUs' values and the pending Details.
class MemoryRun {
 public:
  MemoryRun(const RuleInputs& in, const GpuMemoryIncreaseParams& p, RuleResult* r)
      : in_(in), p_(p), r_(r), window_(static_cast<size_t>(p.window)) {}

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
    FillEntry(std::span<const double>(g.values.data(), g.trigger_n), g.trigger_diff,
              &Entry(node, g.gpu));
    g.pending = false;
  }

  const RuleInputs& in_;
  const GpuMemoryIncreaseParams& p_;
  RuleResult* r_;
  const size_t window_;
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
  if (n <= window_ + 1) return std::nullopt;
  const double* v = g.values.data();
  const double recent = NumpyMean({v + (n - window_), window_});
  const double previous = NumpyMean({v + (n - window_ - 1), window_ - 1});
  const double diff = recent - previous;  // NaN for window 1: never fires
  if (!(diff > p_.increase) || static_cast<int64_t>(n) <= p_.patience) return std::nullopt;

  r_->triggered += 1;
  r_->violations += 1;
  Entry(info.node, info.name);  // fixes the key order at the first trigger
  r_->details["last_timestamp"] = in_.plan.start_us(w);
  g.pending = true;
  g.trigger_n = n;
  g.trigger_diff = diff;
  return diff;
}

}  // namespace

RuleResult GpuMemoryIncreaseRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  const SeriesMask is_gpu_mem =
      RequiredSeriesOfKind(in.store, MetricKind::kGpuMemory, "GPUMemoryUtilization", &r);

  MemoryRun run(in, p_, &r);
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
  // A GPU is judged from its (window + 2)-th sample on, once it has more
  // than `patience`.
  const int64_t most = static_cast<int64_t>(run.most());
  if (most <= p_.patience || most <= p_.window + 1) {
    const bool by_window = p_.window + 1 > p_.patience;
    MarkNotEvaluated(most == 0 ? std::string("no GPU memory samples in the evaluated windows")
                               : PatienceReason(fmt::format("at most {} samples per GPU", most),
                                                by_window ? p_.window + 1 : p_.patience,
                                                by_window ? "window + 1" : "patience"),
                     &r);
  }
  return r;
}

}  // namespace smr
