// OverallFrameworkMetrics (docs/rules.md §4.11): where the framework
// time went, for the report's "Framework metrics summary". Never triggers,
// no parameters, Datapoints 0.
//
// Algorithm (cumulative over the windows; an event overlapping two windows
// is delivered, and summed, twice, as in SageMaker), by event phase:
// contains "cpu" (any case) -> CPU operators; contains "gpu" -> GPU
// operators; contains "Step" -> step phases; Forward-/Backward-
// SubModuleInternal -> forward/backward totals; other phases without ":CPU"/
// ":GPU" -> `general`; Horovod-file events -> `horovod`. Details:
//   ratio      share (%) of each gpu phase then each cpu phase in their total;
//   CPU / GPU  per-operator share after dropping operators <= 2 % and
//              renormalising; CPU_total / GPU_total their summed µs (ints);
//   phase      share of each step phase plus "others" (inserted after the
//              first step phase) = time between the first step start and the
//              last step end not covered by any step (each step counted once);
//              SageMaker's recurrence for "others" can go negative, ours
//              cannot (docs/compatibility.md);
//   phase_time {};  general, forward_backward, horovod when present.
// Key order follows the window in which each key first appeared in SageMaker
// (ratio, phase and phase_time exist from the first window).
//
// Worked example (all events in window 0, times in µs after t0):
//   Step:ModeKeys.TRAIN [0, 75000] and [125000, 200000];
//   cpu_functions: aten::conv2d 60000, aten::relu 39000, aten::add 1000 µs;
//   gpu_functions-dev:0: volta_gemm 25000 µs; DataLoaderIter 25000 µs, Forward 75000 µs.
//   {"RuleTriggered": 0, "Violations": 0, "Details": {"ratio": {"gpu_functions-dev:0": 20.0,
//    "cpu_functions": 80.0}, "CPU": {"aten::conv2d": 60.60606060606061,
//    "aten::relu": 39.39393939393939}, "CPU_total": {"aten::conv2d": 60000, "aten::relu": 39000},
//    "GPU": {"volta_gemm": 100.0}, "GPU_total": {"volta_gemm": 25000},
//    "phase": {"Step:ModeKeys.TRAIN": 75.0, "others": 25.0}, "phase_time": {},
//    "general": {"DataLoaderIter": 25.0, "Forward": 75.0}}, "Datapoints": 0, "RuleParameters": ""}
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/framework_correlation.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

// Total length of the union of [start, end] intervals.
int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>> iv) {
  std::sort(iv.begin(), iv.end());
  int64_t total = 0, cur_s = 0, cur_e = 0;
  bool open = false;
  for (const auto& [s, e] : iv) {
    if (!open || s > cur_e) {
      if (open) total += cur_e - cur_s;
      cur_s = s;
      cur_e = e;
      open = true;
    } else {
      cur_e = std::max(cur_e, e);
    }
  }
  if (open) total += cur_e - cur_s;
  return total;
}

// The framework time of one evaluation, by event class.
class FrameworkTotals {
 public:
  explicit FrameworkTotals(const RuleInputs& in) : in_(in), step_seen_(in.ev.size(), 0) {}

  // Adds event `e` (delivered once per window it overlaps).
  void Add(uint32_t e);
  // Inserts the keys that exist by now (SageMaker's key order).
  void EnsureKeys(nlohmann::ordered_json* d) const;
  // Writes the final values of every key.
  void Write(nlohmann::ordered_json* d) const;

 private:
  void AddStep(uint32_t e, std::string_view phase);
  nlohmann::ordered_json PhaseShares() const;

  const RuleInputs& in_;
  PhaseOperators cpu_events_, gpu_events_;
  OrderedTotals general_, horovod_;
  int64_t forward_us_ = 0, backward_us_ = 0;
  bool has_forward_ = false, has_backward_ = false;
  // Step phases: each event counted once (by index) for the phase shares.
  std::vector<char> step_seen_;
  std::vector<std::pair<std::string, int64_t>> step_phase_us_;
  std::vector<std::pair<int64_t, int64_t>> step_intervals_;
  int64_t first_step_us_ = 0, last_step_end_us_ = 0;
};

void FrameworkTotals::Add(uint32_t e) {
  const EventColumns& ev = in_.ev;
  const std::string_view phase = in_.store.str(ev.phase[e]);
  const std::string_view name = in_.store.str(ev.name[e]);
  const int64_t dur = ev.end_us[e] - ev.start_us[e];
  switch (ClassifyFrameworkEvent(phase, ev.source[e])) {
    case FrameworkEventClass::kCpuOperator:
      PhaseSlot(&cpu_events_, phase)[name] += dur;
      break;
    case FrameworkEventClass::kGpuOperator:
      PhaseSlot(&gpu_events_, phase)[name] += dur;
      break;
    case FrameworkEventClass::kStep:
      AddStep(e, phase);
      break;
    case FrameworkEventClass::kForward:
      forward_us_ += dur;
      has_forward_ = true;
      break;
    case FrameworkEventClass::kBackward:
      backward_us_ += dur;
      has_backward_ = true;
      break;
    case FrameworkEventClass::kGeneral:
      general_[phase] += dur;
      break;
    case FrameworkEventClass::kHorovod:
      horovod_[name] += dur;
      break;
    case FrameworkEventClass::kIgnored:
      break;
  }
}

void FrameworkTotals::AddStep(uint32_t e, std::string_view phase) {
  const EventColumns& ev = in_.ev;
  if (step_seen_[e]) return;
  step_seen_[e] = 1;
  auto it = std::find_if(step_phase_us_.begin(), step_phase_us_.end(),
                         [&](const auto& kv) { return kv.first == phase; });
  if (it == step_phase_us_.end()) {
    step_phase_us_.emplace_back(std::string(phase), 0);
    it = step_phase_us_.end() - 1;
  }
  it->second += std::max<int64_t>(ev.end_us[e] - ev.start_us[e], 0);
  const int64_t end = std::max(ev.end_us[e], ev.start_us[e]);
  if (step_intervals_.empty()) {
    first_step_us_ = ev.start_us[e];
    last_step_end_us_ = end;
  }
  first_step_us_ = std::min(first_step_us_, ev.start_us[e]);
  last_step_end_us_ = std::max(last_step_end_us_, end);
  step_intervals_.emplace_back(ev.start_us[e], end);
}

void FrameworkTotals::EnsureKeys(nlohmann::ordered_json* d) const {
  auto ensure = [d](const char* key) {
    if (!d->contains(key)) (*d)[key] = nlohmann::ordered_json::object();
  };
  ensure("ratio");
  if (!cpu_events_.empty()) ensure("CPU"), ensure("CPU_total");
  if (!gpu_events_.empty()) ensure("GPU"), ensure("GPU_total");
  ensure("phase");
  ensure("phase_time");
  if (!general_.empty()) ensure("general");
  if (has_forward_ && has_backward_) ensure("forward_backward");
  if (!horovod_.empty()) ensure("horovod");
}

nlohmann::ordered_json FrameworkTotals::PhaseShares() const {
  std::vector<std::pair<std::string, double>> phases;
  if (!step_phase_us_.empty()) {
    const int64_t span = last_step_end_us_ - first_step_us_;
    const int64_t others = std::max<int64_t>(0, span - UnionLength(step_intervals_));
    for (size_t i = 0; i < step_phase_us_.size(); ++i) {
      phases.emplace_back(step_phase_us_[i].first, static_cast<double>(step_phase_us_[i].second));
      if (i == 0) phases.emplace_back("others", static_cast<double>(others));
    }
  }
  return Shares(phases);
}

void FrameworkTotals::Write(nlohmann::ordered_json* out) const {
  nlohmann::ordered_json& d = *out;
  // ratio: gpu phases first, then cpu phases (SageMaker's label order).
  std::vector<std::pair<std::string, double>> ratio;
  for (const PhaseOperators* events : {&gpu_events_, &cpu_events_}) {
    for (const auto& [phase, t] : *events) ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  }
  d["ratio"] = Shares(ratio);
  if (!cpu_events_.empty()) FilterOperators(cpu_events_, 2.0, &d["CPU"], &d["CPU_total"]);
  if (!gpu_events_.empty()) FilterOperators(gpu_events_, 2.0, &d["GPU"], &d["GPU_total"]);
  d["phase"] = PhaseShares();
  d["phase_time"] = nlohmann::ordered_json::object();
  if (!general_.empty()) {
    std::vector<std::pair<std::string, double>> items;
    for (const auto& [k, v] : general_.items()) items.emplace_back(k, static_cast<double>(v));
    d["general"] = Shares(items);
  }
  if (has_forward_ && has_backward_) {
    d["forward_backward"] = Shares({{"Forward pass", static_cast<double>(forward_us_)},
                                    {"Backward pass", static_cast<double>(backward_us_)}});
  }
  if (!horovod_.empty()) d["horovod"] = HorovodShares(horovod_);
}

}  // namespace

RuleResult OverallFrameworkMetricsRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r = StartResult(*this);
  const RuleInputs in(ctx);
  FrameworkTotals totals(in);
  r.details = nlohmann::ordered_json::object();
  for (size_t w = 0; w < in.plan.size(); ++w) {
    for (uint32_t e : in.plan.events(w)) totals.Add(e);
    totals.EnsureKeys(&r.details);
  }
  totals.EnsureKeys(&r.details);  // also for a store without any window
  totals.Write(&r.details);
  if (!in.store.has_framework()) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data";
  }
  return r;
}

}  // namespace smr
