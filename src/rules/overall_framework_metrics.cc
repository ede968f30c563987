#include "src/rules/overall_framework_metrics.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/rules/framework_correlation.h"
#include "src/rules/rule_util.h"

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
      const std::string_view phase = store.str(ev.phase[e]);
      const std::string_view name = store.str(ev.name[e]);
      const int64_t dur = ev.end_us[e] - ev.start_us[e];
      switch (ClassifyFrameworkEvent(phase, ev.source[e])) {
        case FrameworkEventClass::kCpuOperator:
          PhaseSlot(&cpu_events, phase)[name] += dur;
          break;
        case FrameworkEventClass::kGpuOperator:
          PhaseSlot(&gpu_events, phase)[name] += dur;
          break;
        case FrameworkEventClass::kStep: {
          if (step_seen[e]) continue;
          step_seen[e] = 1;
          auto it = std::find_if(step_phase_us.begin(), step_phase_us.end(),
                                 [&](const auto& kv) { return kv.first == phase; });
          if (it == step_phase_us.end()) {
            step_phase_us.emplace_back(std::string(phase), 0);
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
          break;
        }
        case FrameworkEventClass::kForward:
          forward_us += dur;
          has_forward = true;
          break;
        case FrameworkEventClass::kBackward:
          backward_us += dur;
          has_backward = true;
          break;
        case FrameworkEventClass::kGeneral:
          general[phase] += dur;
          break;
        case FrameworkEventClass::kHorovod:
          horovod[name] += dur;
          break;
        case FrameworkEventClass::kIgnored:
          break;
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
  if (!horovod.empty()) d["horovod"] = HorovodShares(horovod);
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
