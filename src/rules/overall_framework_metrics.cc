#include "src/rules/overall_framework_metrics.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/rule_util.h"

namespace smr {
namespace {

// Insertion-ordered string -> integer total.
class OrderedTotals {
 public:
  int64_t& operator[](const std::string& key) {
    for (auto& [k, v] : items_) {
      if (k == key) return v;
    }
    items_.emplace_back(key, 0);
    return items_.back().second;
  }
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, int64_t>>& items() const { return items_; }
  int64_t Sum() const {
    int64_t s = 0;
    for (const auto& kv : items_) s += kv.second;
    return s;
  }

 private:
  std::vector<std::pair<std::string, int64_t>> items_;
};

// phase -> operator -> µs, both in first-seen order.
using PhaseOperators = std::vector<std::pair<std::string, OrderedTotals>>;

OrderedTotals& PhaseSlot(PhaseOperators* p, const std::string& phase) {
  for (auto& [k, v] : *p) {
    if (k == phase) return v;
  }
  p->emplace_back(phase, OrderedTotals{});
  return p->back().second;
}

bool ContainsNoCase(std::string_view s, std::string_view needle) {
  auto it = std::search(s.begin(), s.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != s.end();
}

// Merge operators across phases, drop those <= threshold % and renormalise.
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

}  // namespace

std::string_view OverallFrameworkMetricsRule::description() const {
  return "Summarizes the time spent in framework operations: CPU and GPU operators, training "
         "and evaluation phases, forward and backward pass and data loading. It never triggers.";
}

std::string_view OverallFrameworkMetricsRule::recommendation() const {
  return "Look at the most expensive operators and at the time spent outside the training "
         "steps.";
}

const std::vector<ParamSpec>& OverallFrameworkMetricsRule::params() const {
  static const std::vector<ParamSpec> kSpecs;
  return kSpecs;
}

Status OverallFrameworkMetricsRule::SetParam(std::string_view param, std::string_view) {
  return UnknownParamError(name(), param, params());
}

RuleResult OverallFrameworkMetricsRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const EventColumns& ev = store.events();

  PhaseOperators cpu_events, gpu_events;
  OrderedTotals general, horovod;
  int64_t forward_us = 0, backward_us = 0;
  bool has_forward = false, has_backward = false;
  // Step phases: each event counted once (by index) for the phase shares.
  std::vector<std::string> step_phase_order;
  std::vector<char> step_seen(ev.size(), 0);
  std::vector<std::pair<std::string, int64_t>> step_phase_us;
  std::vector<std::pair<int64_t, int64_t>> step_intervals;
  int64_t first_step_us = 0, last_step_end_us = 0;

  nlohmann::ordered_json& d = r.details;
  d = nlohmann::ordered_json::object();
  auto ensure = [&d](const char* key) {
    if (!d.contains(key)) d[key] = nlohmann::ordered_json::object();
  };
  auto ensure_keys = [&]() {
    ensure("ratio");
    if (!cpu_events.empty()) ensure("CPU"), ensure("CPU_total");
    if (!gpu_events.empty()) ensure("GPU"), ensure("GPU_total");
    ensure("phase");
    ensure("phase_time");
    if (!general.empty()) ensure("general");
    if (has_forward && has_backward) ensure("forward_backward");
    if (!horovod.empty()) ensure("horovod");
  };

  for (size_t w = 0; w < plan.size(); ++w) {
    for (uint32_t e : plan.events(w)) {
      const std::string phase(store.str(ev.phase[e]));
      const std::string name(store.str(ev.name[e]));
      const int64_t dur = ev.end_us[e] - ev.start_us[e];
      if (ContainsNoCase(phase, "cpu")) {
        PhaseSlot(&cpu_events, phase)[name] += dur;
      } else if (ContainsNoCase(phase, "gpu")) {
        PhaseSlot(&gpu_events, phase)[name] += dur;
      } else if (phase.find("Step") != std::string::npos) {
        if (step_seen[e]) continue;
        step_seen[e] = 1;
        auto it = std::find_if(step_phase_us.begin(), step_phase_us.end(),
                               [&](const auto& kv) { return kv.first == phase; });
        if (it == step_phase_us.end()) {
          step_phase_us.emplace_back(phase, 0);
          it = step_phase_us.end() - 1;
        }
        it->second += std::max<int64_t>(dur, 0);
        const int64_t end = std::max(ev.end_us[e], ev.start_us[e]);
        if (step_intervals.empty()) {
          first_step_us = ev.start_us[e];
          last_step_end_us = end;
        }
        first_step_us = std::min(first_step_us, ev.start_us[e]);
        last_step_end_us = std::max(last_step_end_us, end);
        step_intervals.emplace_back(ev.start_us[e], end);
      } else if (phase == "Forward-SubModuleInternal") {
        forward_us += dur;
        has_forward = true;
      } else if (phase == "Backward-SubModuleInternal") {
        backward_us += dur;
        has_backward = true;
      } else if (ev.source[e] != TraceSource::kHorovod) {
        if (phase.find(":CPU") == std::string::npos && phase.find(":GPU") == std::string::npos) {
          general[phase] += dur;
        }
      } else {
        horovod[name] += dur;
      }
    }
    ensure_keys();
  }
  ensure_keys();  // also for a store without any window

  // ratio: gpu phases first, then cpu phases (SageMaker's label order).
  std::vector<std::pair<std::string, double>> ratio;
  for (const auto& [phase, t] : gpu_events) ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  for (const auto& [phase, t] : cpu_events) ratio.emplace_back(phase, static_cast<double>(t.Sum()));
  d["ratio"] = Shares(ratio);
  if (!cpu_events.empty()) FilterOperators(cpu_events, 2.0, &d["CPU"], &d["CPU_total"]);
  if (!gpu_events.empty()) FilterOperators(gpu_events, 2.0, &d["GPU"], &d["GPU_total"]);

  std::vector<std::pair<std::string, double>> phases;
  if (!step_phase_us.empty()) {
    const int64_t span = last_step_end_us - first_step_us;
    const int64_t others = std::max<int64_t>(0, span - UnionLength(step_intervals));
    for (size_t i = 0; i < step_phase_us.size(); ++i) {
      phases.emplace_back(step_phase_us[i].first, static_cast<double>(step_phase_us[i].second));
      if (i == 0) phases.emplace_back("others", static_cast<double>(others));
    }
  }
  d["phase"] = Shares(phases);
  d["phase_time"] = nlohmann::ordered_json::object();
  if (!general.empty()) {
    std::vector<std::pair<std::string, double>> items;
    for (const auto& [k, v] : general.items()) items.emplace_back(k, static_cast<double>(v));
    d["general"] = Shares(items);
  }
  if (has_forward && has_backward) {
    d["forward_backward"] = Shares({{"Forward pass", static_cast<double>(forward_us)},
                                    {"Backward pass", static_cast<double>(backward_us)}});
  }
  if (!horovod.empty()) {
    const double total = static_cast<double>(horovod.Sum());
    std::vector<std::pair<std::string, double>> kept;
    for (const auto& [k, v] : horovod.items()) {
      if (v > 0 && static_cast<double>(v) / total > 0.02) kept.emplace_back(k, static_cast<double>(v));
    }
    d["horovod"] = Shares(kept);
  }
  if (!store.has_framework()) {
    r.applicable = false;
    r.not_applicable_reason = "no framework profiling data";
  }
  return r;
}

std::unique_ptr<Rule> CreateOverallFrameworkMetricsRule() {
  return std::make_unique<OverallFrameworkMetricsRule>();
}

}  // namespace smr
