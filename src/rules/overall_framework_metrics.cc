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
// Sharded (RulePartial): each shard keeps its integer µs totals per
// (phase, operator), step phase, general phase and Horovod operation, each
// with the walk position (window, reader order) of its first event, the
// forward/backward sums with the first window of each, the step span and
// the union of the step intervals (disjoint, sorted). Merging adds the
// totals, keeps the earliest positions and unites the intervals; Finish
// orders every key by its first position (SageMaker's first-seen order),
// replays the key creation per window from the groups' first windows and
// computes the shares from the merged integers.
#include "src/rules/builtin_rules.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/framework_correlation.h"
#include "src/rules/partial_state.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

constexpr uint64_t kNoWindow = UINT64_MAX;

// Integer µs totals keyed by (phase, operator) -- or (key, "") -- with
// the walk position of the first event that added to each.
struct Total {
  int64_t us = 0;
  WalkPos first;
};
using Totals = std::map<std::pair<std::string, std::string>, Total>;

void AddTotal(Totals* t, std::string_view k1, std::string_view k2, int64_t us, WalkPos pos) {
  auto [it, inserted] = t->try_emplace({std::string(k1), std::string(k2)}, Total{0, pos});
  it->second.us += us;
  if (pos < it->second.first) it->second.first = pos;
}

void MergeTotals(Totals* into, Totals&& other) {
  for (auto& [k, v] : other) {
    auto [it, inserted] = into->try_emplace(k, v);
    if (inserted) continue;
    it->second.us += v.us;
    if (v.first < it->second.first) it->second.first = v.first;
  }
}

void SaveTotals(const Totals& t, StateWriter* out) {
  out->Put<uint64_t>(t.size());
  for (const auto& [k, v] : t) {
    out->PutString(k.first);
    out->PutString(k.second);
    out->Put(v);
  }
}

Totals LoadTotals(StateReader* in) {
  Totals t;
  const auto n = in->Get<uint64_t>();
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    std::string k1 = in->GetString();
    std::string k2 = in->GetString();
    t[{std::move(k1), std::move(k2)}] = in->Get<Total>();
  }
  return t;
}

// The entries in the order the walk first met them.
std::vector<const Totals::value_type*> ByFirstSeen(const Totals& t) {
  std::vector<const Totals::value_type*> v;
  for (const auto& kv : t) v.push_back(&kv);
  std::sort(v.begin(), v.end(),
            [](const auto* a, const auto* b) { return a->second.first < b->second.first; });
  return v;
}

// phase -> operator -> µs, phases and operators in first-seen order (a
// phase is first seen with its first operator).
PhaseOperators ToPhaseOperators(const Totals& t) {
  PhaseOperators p;
  for (const auto* kv : ByFirstSeen(t))
    PhaseSlot(&p, kv->first.first)[kv->first.second] += kv->second.us;
  return p;
}

OrderedTotals ToOrderedTotals(const Totals& t) {
  OrderedTotals o;
  for (const auto* kv : ByFirstSeen(t)) o[kv->first.first] += kv->second.us;
  return o;
}

uint64_t FirstWindow(const Totals& t) {
  uint64_t w = kNoWindow;
  for (const auto& [k, v] : t) w = std::min(w, v.first.window);
  return w;
}

// A step's [start, end] µs.
struct Interval {
  int64_t start = 0;
  int64_t end = 0;
  friend bool operator<(const Interval& a, const Interval& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  }
};
using Intervals = std::vector<Interval>;

// The union of [start, end] intervals as sorted disjoint intervals (its
// length is the union's length, whatever else is united with it later).
Intervals Unite(Intervals iv) {
  std::sort(iv.begin(), iv.end());
  Intervals out;
  for (const Interval& i : iv) {
    if (out.empty() || i.start > out.back().end) {
      out.push_back(i);
    } else {
      out.back().end = std::max(out.back().end, i.end);
    }
  }
  return out;
}

int64_t UnionLength(const Intervals& disjoint) {
  int64_t total = 0;
  for (const Interval& i : disjoint) total += i.end - i.start;
  return total;
}

// The framework time of a shard, by event class.
struct FrameworkState {
  bool has_framework = false;
  Totals cpu, gpu;  // (phase, operator)
  Totals steps;     // (step phase, ""): each step event counted once
  Totals general;   // (phase, "")
  Totals horovod;   // (operation, "")
  int64_t forward_us = 0, backward_us = 0;
  uint64_t forward_window = kNoWindow, backward_window = kNoWindow;
  Intervals step_union;  // sorted, disjoint
  int64_t first_step_us = 0, last_step_end_us = 0;

  Status Merge(FrameworkState&& o) {
    has_framework = has_framework || o.has_framework;
    if (!o.steps.empty()) {
      first_step_us = steps.empty() ? o.first_step_us : std::min(first_step_us, o.first_step_us);
      last_step_end_us =
          steps.empty() ? o.last_step_end_us : std::max(last_step_end_us, o.last_step_end_us);
    }
    MergeTotals(&cpu, std::move(o.cpu));
    MergeTotals(&gpu, std::move(o.gpu));
    MergeTotals(&steps, std::move(o.steps));
    MergeTotals(&general, std::move(o.general));
    MergeTotals(&horovod, std::move(o.horovod));
    forward_us += o.forward_us;
    backward_us += o.backward_us;
    forward_window = std::min(forward_window, o.forward_window);
    backward_window = std::min(backward_window, o.backward_window);
    step_union.insert(step_union.end(), o.step_union.begin(), o.step_union.end());
    step_union = Unite(std::move(step_union));
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_framework);
    for (const Totals* t : {&cpu, &gpu, &steps, &general, &horovod}) SaveTotals(*t, out);
    out->Put(forward_us);
    out->Put(backward_us);
    out->Put(forward_window);
    out->Put(backward_window);
    out->PutVector(step_union);
    out->Put(first_step_us);
    out->Put(last_step_end_us);
  }
  void Load(StateReader* in) {
    has_framework = in->Get<bool>();
    for (Totals* t : {&cpu, &gpu, &steps, &general, &horovod}) *t = LoadTotals(in);
    forward_us = in->Get<int64_t>();
    backward_us = in->Get<int64_t>();
    forward_window = in->Get<uint64_t>();
    backward_window = in->Get<uint64_t>();
    step_union = in->GetVector<Interval>();
    first_step_us = in->Get<int64_t>();
    last_step_end_us = in->Get<int64_t>();
  }
};

// Adds event `e`, delivered in window `w` (once per window it overlaps).
void AddEvent(const RuleInputs& in, size_t w, uint32_t e, std::vector<char>* step_seen,
              Intervals* step_intervals, FrameworkState* st) {
  const EventColumns& ev = in.ev;
  const std::string_view phase = in.store.str(ev.phase[e]);
  const std::string_view name = in.store.str(ev.name[e]);
  const int64_t dur = ev.end_us[e] - ev.start_us[e];
  const WalkPos pos{w, in.store.EventOrder(e)};
  switch (ClassifyFrameworkEvent(phase, ev.source[e])) {
    case FrameworkEventClass::kCpuOperator:
      AddTotal(&st->cpu, phase, name, dur, pos);
      break;
    case FrameworkEventClass::kGpuOperator:
      AddTotal(&st->gpu, phase, name, dur, pos);
      break;
    case FrameworkEventClass::kStep: {
      if ((*step_seen)[e]) break;
      (*step_seen)[e] = 1;
      const int64_t end = std::max(ev.end_us[e], ev.start_us[e]);
      if (st->steps.empty()) {
        st->first_step_us = ev.start_us[e];
        st->last_step_end_us = end;
      }
      AddTotal(&st->steps, phase, "", std::max<int64_t>(dur, 0), pos);
      st->first_step_us = std::min(st->first_step_us, ev.start_us[e]);
      st->last_step_end_us = std::max(st->last_step_end_us, end);
      step_intervals->push_back({ev.start_us[e], end});
      break;
    }
    case FrameworkEventClass::kForward:
      st->forward_us += dur;
      st->forward_window = std::min<uint64_t>(st->forward_window, w);
      break;
    case FrameworkEventClass::kBackward:
      st->backward_us += dur;
      st->backward_window = std::min<uint64_t>(st->backward_window, w);
      break;
    case FrameworkEventClass::kGeneral:
      AddTotal(&st->general, phase, "", dur, pos);
      break;
    case FrameworkEventClass::kHorovod:
      AddTotal(&st->horovod, name, "", dur, pos);
      break;
    case FrameworkEventClass::kIgnored:
      break;
  }
}

FrameworkState Collect(const AnalysisContext& ctx) {
  const RuleInputs in(ctx);
  FrameworkState st;
  st.has_framework = in.store.has_framework();
  std::vector<char> step_seen(in.ev.size(), 0);
  Intervals step_intervals;
  for (size_t w = 0; w < in.plan.size(); ++w) {
    for (uint32_t e : in.plan.events(w)) AddEvent(in, w, e, &step_seen, &step_intervals, &st);
  }
  st.step_union = Unite(std::move(step_intervals));
  return st;
}

// Key groups of Details that exist once some event of theirs was seen.
enum Group : unsigned {
  kCpuGroup = 1u << 0,
  kGpuGroup = 1u << 1,
  kGeneralGroup = 1u << 2,
  kForwardBackwardGroup = 1u << 3,
  kHorovodGroup = 1u << 4,
};

// Inserts the keys of `groups` that are not there yet (SageMaker's order).
void EnsureKeys(unsigned groups, nlohmann::ordered_json* d) {
  auto ensure = [d](const char* key) {
    if (!d->contains(key)) (*d)[key] = nlohmann::ordered_json::object();
  };
  ensure("ratio");
  if (groups & kCpuGroup) ensure("CPU"), ensure("CPU_total");
  if (groups & kGpuGroup) ensure("GPU"), ensure("GPU_total");
  ensure("phase");
  ensure("phase_time");
  if (groups & kGeneralGroup) ensure("general");
  if (groups & kForwardBackwardGroup) ensure("forward_backward");
  if (groups & kHorovodGroup) ensure("horovod");
}

// The keys as the walk created them: after each window, those of the
// groups seen so far; so a group lands after the keys of earlier windows.
void ReplayKeys(const FrameworkState& st, nlohmann::ordered_json* d) {
  const uint64_t fb = (st.forward_window == kNoWindow || st.backward_window == kNoWindow)
                          ? kNoWindow
                          : std::max(st.forward_window, st.backward_window);
  const std::pair<unsigned, uint64_t> appear[] = {
      {kCpuGroup, FirstWindow(st.cpu)},         {kGpuGroup, FirstWindow(st.gpu)},
      {kGeneralGroup, FirstWindow(st.general)}, {kForwardBackwardGroup, fb},
      {kHorovodGroup, FirstWindow(st.horovod)},
  };
  std::vector<uint64_t> calls = {0};
  for (const auto& [g, w] : appear) {
    if (w != kNoWindow) calls.push_back(w);
  }
  std::sort(calls.begin(), calls.end());
  for (uint64_t call : calls) {
    unsigned groups = 0;
    for (const auto& [g, w] : appear) {
      if (w != kNoWindow && w <= call) groups |= g;
    }
    EnsureKeys(groups, d);
  }
}

nlohmann::ordered_json PhaseShares(const FrameworkState& st) {
  std::vector<std::pair<std::string, double>> phases;
  if (!st.steps.empty()) {
    const int64_t span = st.last_step_end_us - st.first_step_us;
    const int64_t others = std::max<int64_t>(0, span - UnionLength(st.step_union));
    const OrderedTotals steps = ToOrderedTotals(st.steps);
    for (size_t i = 0; i < steps.items().size(); ++i) {
      phases.emplace_back(steps.items()[i].first, static_cast<double>(steps.items()[i].second));
      if (i == 0) phases.emplace_back("others", static_cast<double>(others));
    }
  }
  return Shares(phases);
}

void WriteValues(const FrameworkState& st, nlohmann::ordered_json* out) {
  nlohmann::ordered_json& d = *out;
  const PhaseOperators cpu = ToPhaseOperators(st.cpu);
  const PhaseOperators gpu = ToPhaseOperators(st.gpu);
  // ratio: gpu phases first, then cpu phases (SageMaker's label order).
  std::vector<std::pair<std::string, double>> ratio;
  for (const PhaseOperators* events : {&gpu, &cpu}) {
    for (const auto& [phase, t] : *events) ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  }
  d["ratio"] = Shares(ratio);
  if (!cpu.empty()) FilterOperators(cpu, 2.0, &d["CPU"], &d["CPU_total"]);
  if (!gpu.empty()) FilterOperators(gpu, 2.0, &d["GPU"], &d["GPU_total"]);
  d["phase"] = PhaseShares(st);
  d["phase_time"] = nlohmann::ordered_json::object();
  if (!st.general.empty()) {
    std::vector<std::pair<std::string, double>> items;
    const OrderedTotals general = ToOrderedTotals(st.general);
    for (const auto& [k, v] : general.items()) {
      items.emplace_back(k, static_cast<double>(v));
    }
    d["general"] = Shares(items);
  }
  if (st.forward_window != kNoWindow && st.backward_window != kNoWindow) {
    d["forward_backward"] = Shares({{"Forward pass", static_cast<double>(st.forward_us)},
                                    {"Backward pass", static_cast<double>(st.backward_us)}});
  }
  if (!st.horovod.empty()) d["horovod"] = HorovodShares(ToOrderedTotals(st.horovod));
}

}  // namespace

RuleResult OverallFrameworkMetricsRule::Evaluate(const AnalysisContext& ctx) const {
  return Finish(std::move(*Partial(ctx)), ctx);
}

std::unique_ptr<RulePartial> OverallFrameworkMetricsRule::Partial(
    const AnalysisContext& ctx) const {
  return MakePartial(Collect(ctx));
}

std::unique_ptr<RulePartial> OverallFrameworkMetricsRule::EmptyPartial() const {
  return MakePartial(FrameworkState{});
}

RuleResult OverallFrameworkMetricsRule::Finish(RulePartial&& merged,
                                               const AnalysisContext& /*ctx*/) const {
  const FrameworkState& st = StateOf<FrameworkState>(merged);
  RuleResult r = StartResult(*this);
  r.details = nlohmann::ordered_json::object();
  ReplayKeys(st, &r.details);
  WriteValues(st, &r.details);
  if (!st.has_framework) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data";
  }
  return r;
}

}  // namespace smr
