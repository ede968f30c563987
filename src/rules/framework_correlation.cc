// Framework-event classification and the §4.12 correlation aggregator
// (framework_correlation.h).
#include "src/rules/framework_correlation.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <tuple>
#include <utility>

namespace smr {
namespace {

bool ContainsNoCase(std::string_view s, std::string_view lower_needle) {
  auto it =
      std::search(s.begin(), s.end(), lower_needle.begin(), lower_needle.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != s.end();
}

}  // namespace

FrameworkEventClass ClassifyFrameworkEvent(std::string_view phase, TraceSource source) {
  if (ContainsNoCase(phase, "cpu")) return FrameworkEventClass::kCpuOperator;
  if (ContainsNoCase(phase, "gpu")) return FrameworkEventClass::kGpuOperator;
  if (phase.find("Step") != std::string_view::npos) return FrameworkEventClass::kStep;
  if (phase == "Forward-SubModuleInternal") return FrameworkEventClass::kForward;
  if (phase == "Backward-SubModuleInternal") return FrameworkEventClass::kBackward;
  if (source != TraceSource::kHorovodTimeline) {
    if (phase.find(":CPU") == std::string_view::npos &&
        phase.find(":GPU") == std::string_view::npos) {
      return FrameworkEventClass::kGeneral;
    }
    return FrameworkEventClass::kIgnored;
  }
  return FrameworkEventClass::kHorovod;
}

int64_t& OrderedTotals::operator[](std::string_view key) {
  for (auto& [k, v] : items_) {
    if (k == key) return v;
  }
  items_.emplace_back(std::string(key), 0);
  return items_.back().second;
}

int64_t OrderedTotals::Sum() const {
  int64_t s = 0;
  for (const auto& kv : items_) s += kv.second;
  return s;
}

OrderedTotals& PhaseSlot(PhaseOperators* p, std::string_view phase) {
  for (auto& [k, v] : *p) {
    if (k == phase) return v;
  }
  p->emplace_back(std::string(phase), OrderedTotals{});
  return p->back().second;
}

void FilterOperators(const PhaseOperators& phases, double threshold_pct,
                     nlohmann::ordered_json* shares, nlohmann::ordered_json* totals) {
  OrderedTotals ops;
  for (const auto& [phase, t] : phases) {
    for (const auto& [op, us] : t.items()) ops[op] += us;
  }
  *shares = nlohmann::ordered_json::object();
  *totals = nlohmann::ordered_json::object();
  const double sum = static_cast<double>(ops.Sum());
  if (sum <= 0) return;
  std::vector<std::pair<std::string, int64_t>> kept;
  std::vector<double> sizes;
  for (const auto& [op, us] : ops.items()) {
    const double s = static_cast<double>(us) / sum * 100.0;
    if (s > threshold_pct) {
      kept.emplace_back(op, us);
      sizes.push_back(s);
    }
  }
  double kept_sum = 0;
  for (double s : sizes) kept_sum += s;
  for (size_t i = 0; i < kept.size(); ++i) {
    (*shares)[kept[i].first] = sizes[i] / kept_sum * 100.0;
    (*totals)[kept[i].first] = kept[i].second;
  }
}

nlohmann::ordered_json Shares(const std::vector<std::pair<std::string, double>>& items) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  double sum = 0;
  for (const auto& kv : items) sum += kv.second;
  if (sum <= 0) return j;
  for (const auto& [k, v] : items) j[k] = v / sum * 100.0;
  return j;
}

nlohmann::ordered_json HorovodShares(const OrderedTotals& horovod) {
  const double total = static_cast<double>(horovod.Sum());
  std::vector<std::pair<std::string, double>> kept;
  for (const auto& [k, v] : horovod.items()) {
    if (v > 0 && static_cast<double>(v) / total > 0.02)
      kept.emplace_back(k, static_cast<double>(v));
  }
  return Shares(kept);
}

unsigned FrameworkCorrelation::AvailableGroups() const {
  unsigned g = 0;
  if (!cpu_events_.empty()) g |= kCpuGroup;
  if (!gpu_events_.empty()) g |= kGpuGroup;
  if (!general_.empty()) g |= kGeneralGroup;
  if (!forward_.empty() && !backward_.empty()) g |= kForwardBackwardGroup;
  if (!horovod_.empty()) g |= kHorovodGroup;
  return g;
}

void FrameworkCorrelation::WriteKeys(unsigned groups, nlohmann::ordered_json* details) const {
  nlohmann::ordered_json& d = *details;
  // ratio: SageMaker lists the cpu phases, then the gpu phases; each phase
  // gets its own share (SageMaker pairs these labels with the totals in
  // gpu-then-cpu order: docs/compatibility.md).
  std::vector<std::pair<std::string, double>> ratio;
  for (const auto& [phase, t] : cpu_events_)
    ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  for (const auto& [phase, t] : gpu_events_)
    ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  d["ratio"] = Shares(ratio);
  // Computed into locals: inserting a key may move the object's elements, so
  // no reference into `d` is held across an insertion.
  nlohmann::ordered_json shares, totals;
  if (groups & kCpuGroup) {
    FilterOperators(cpu_events_, 2.0, &shares, &totals);
    d["CPU"] = std::move(shares);
    d["CPU_total"] = std::move(totals);
  }
  if (groups & kGpuGroup) {
    FilterOperators(gpu_events_, 2.0, &shares, &totals);
    d["GPU"] = std::move(shares);
    d["GPU_total"] = std::move(totals);
  }
  std::vector<std::pair<std::string, double>> phases;
  for (const auto& [k, v] : step_phases_) phases.emplace_back(k, static_cast<double>(v));
  d["phase"] = Shares(phases);
  d["phase_time"] = nlohmann::ordered_json::object();
  if (groups & kGeneralGroup) {
    std::vector<std::pair<std::string, double>> items;
    for (const auto& [k, v] : general_.items()) items.emplace_back(k, static_cast<double>(v));
    d["general"] = Shares(items);
  }
  if (groups & kForwardBackwardGroup) {
    d["forward_backward"] = Shares({{"Forward pass", static_cast<double>(forward_.Sum())},
                                    {"Backward pass", static_cast<double>(backward_.Sum())}});
  }
  if (groups & kHorovodGroup) d["horovod"] = HorovodShares(horovod_);
}

namespace {

constexpr uint32_t kNever = std::numeric_limits<uint32_t>::max();

}  // namespace

// For each delivered event: how many intervals it overlaps (k) and the first
// call (interval index) that sees it. Processing events by (first call,
// delivery position) and adding k·duration gives SageMaker's totals and its
// first-seen key order.
std::vector<FrameworkCorrelation::Hit> FrameworkCorrelation::FindHits(
    const EventColumns& ev, const RowRuns& events, std::span<const Interval> intervals) {
  // Intervals sorted by start; any interval reaching an event starts at most
  // `max_len` before it, so two binary searches bound the candidates.
  std::vector<uint32_t> by_start(intervals.size());
  double max_len = 0;
  for (uint32_t i = 0; i < intervals.size(); ++i) {
    by_start[i] = i;
    max_len = std::max(max_len, intervals[i].end_us - intervals[i].start_us);
  }
  std::stable_sort(by_start.begin(), by_start.end(), [&](uint32_t a, uint32_t b) {
    return intervals[a].start_us < intervals[b].start_us;
  });
  std::vector<double> starts(by_start.size());
  for (size_t i = 0; i < by_start.size(); ++i) starts[i] = intervals[by_start[i]].start_us;

  std::vector<Hit> hits;
  uint32_t pos = 0;
  for (auto it_e = events.begin(); it_e != events.end(); ++it_e, ++pos) {
    const uint32_t e = *it_e;
    const double s = static_cast<double>(ev.start_us[e]);
    const double t = static_cast<double>(ev.end_us[e]);
    // Candidates: interval start in [s - max_len, t).
    // (1 µs of slack against rounding of s - max_len)
    auto lo = std::lower_bound(starts.begin(), starts.end(), s - max_len - 1);
    auto hi = std::lower_bound(starts.begin(), starts.end(), t);
    uint32_t first = kNever;
    int64_t count = 0;
    for (auto it = lo; it < hi; ++it) {
      const uint32_t idx = by_start[static_cast<size_t>(it - starts.begin())];
      if (intervals[idx].start_us < t && intervals[idx].end_us > s) {
        ++count;
        first = std::min(first, idx);
      }
    }
    if (count > 0) hits.push_back({first, pos, e, count});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.first_call, a.pos) < std::tie(b.first_call, b.pos);
  });
  return hits;
}

FrameworkCorrelation::FirstCalls FrameworkCorrelation::Accumulate(const MetricStore& store,
                                                                  const std::vector<Hit>& hits) {
  const EventColumns& ev = store.events();
  FirstCalls first{kNever, kNever, kNever, kNever, kNever, kNever};
  for (const Hit& h : hits) {
    const uint32_t e = h.event;
    const std::string_view phase = store.str(ev.phase[e]);
    const std::string_view name = store.str(ev.name[e]);
    const int64_t dur = (ev.end_us[e] - ev.start_us[e]) * h.count;
    uint32_t* group_first = nullptr;
    switch (ClassifyFrameworkEvent(phase, ev.source[e])) {
      case FrameworkEventClass::kCpuOperator:
        PhaseSlot(&cpu_events_, phase)[name] += dur;
        group_first = &first.cpu;
        break;
      case FrameworkEventClass::kGpuOperator:
        PhaseSlot(&gpu_events_, phase)[name] += dur;
        group_first = &first.gpu;
        break;
      case FrameworkEventClass::kStep: {
        auto it = std::find_if(step_phases_.begin(), step_phases_.end(),
                               [&](const auto& kv) { return kv.first == phase; });
        if (it == step_phases_.end()) {
          step_phases_.emplace_back(std::string(phase), 0);
          it = step_phases_.end() - 1;
        }
        it->second += dur;
        break;
      }
      case FrameworkEventClass::kForward:
        forward_[name] += dur;
        group_first = &first.forward;
        break;
      case FrameworkEventClass::kBackward:
        backward_[name] += dur;
        group_first = &first.backward;
        break;
      case FrameworkEventClass::kGeneral:
        general_[phase] += dur;
        group_first = &first.general;
        break;
      case FrameworkEventClass::kHorovod:
        horovod_[name] += dur;
        group_first = &first.horovod;
        break;
      case FrameworkEventClass::kIgnored:
        break;
    }
    if (group_first != nullptr) *group_first = std::min(*group_first, h.first_call);
  }
  return first;
}

void FrameworkCorrelation::ReplayWrites(unsigned before, const FirstCalls& first,
                                        nlohmann::ordered_json* details) const {
  // At each call where a new group appears, write the groups existing at
  // that call (groups filled by earlier batches exist from the first call).
  auto at = [&](unsigned group, uint32_t first_call) { return (before & group) ? 0u : first_call; };
  const uint32_t fb = (first.forward == kNever || first.backward == kNever)
                          ? kNever
                          : std::max(first.forward, first.backward);
  const std::pair<unsigned, uint32_t> appear[] = {
      {kCpuGroup, at(kCpuGroup, first.cpu)},
      {kGpuGroup, at(kGpuGroup, first.gpu)},
      {kGeneralGroup, at(kGeneralGroup, first.general)},
      {kForwardBackwardGroup, at(kForwardBackwardGroup, fb)},
      {kHorovodGroup, at(kHorovodGroup, first.horovod)},
  };
  std::vector<uint32_t> calls = {0};
  for (const auto& [g, c] : appear) {
    if (c != kNever) calls.push_back(c);
  }
  std::sort(calls.begin(), calls.end());
  calls.erase(std::unique(calls.begin(), calls.end()), calls.end());
  for (uint32_t call : calls) {
    unsigned groups = 0;
    for (const auto& [g, c] : appear) {
      if (c != kNever && c <= call) groups |= g;
    }
    WriteKeys(groups, details);
  }
}

void FrameworkCorrelation::AddBatch(const MetricStore& store, const RowRuns& events,
                                    std::span<const Interval> intervals,
                                    nlohmann::ordered_json* details) {
  if (intervals.empty()) return;
  const std::vector<Hit> hits = FindHits(store.events(), events, intervals);
  const unsigned before = AvailableGroups();
  ReplayWrites(before, Accumulate(store, hits), details);
}

}  // namespace smr
