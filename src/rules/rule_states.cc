// InferStatesFromJson (smr/rule.h): the states of rule results read back
// from rule JSONs, deduced from the JSONs alone.
//
// What a JSON shows (SageMaker's and sm-report's rules count alike):
// - LowGPUUtilization, LoadBalancing and GPUMemoryIncrease write the
//   sample count of a GPU as Datapoints on every window, so Datapoints 0
//   means no GPU sample was evaluated; with LowGPUUtilization and
//   LoadBalancing both at 0 (or OverallSystemUsage's "GPU" empty while its
//   "CPU" is not) the job had no GPU, and CPUBottleneck, IOBottleneck and
//   BatchSize cannot apply either.
// - A rule that did not fire and whose Datapoints never exceeded its
//   patience was not evaluated: Datapoints only grow (LowGPUUtilization,
//   LoadBalancing: the last GPU's count, the same for every GPU of a
//   regularly sampled job).
// - LoadBalancing's workloads list the GPUs of each node: one per node is
//   nothing to balance.
// - StepOutlier without step_details never had a phase of more than 100
//   steps; Datapoints 0 means no step event.
// - Dataloader checks its final median in the last window with loader
//   events: a median outside the range with no violation was never judged
//   (at most `patience` seconds with loader events), as is any job with at
//   most `patience` loader events.
// - MaxInitializationTime: no framework data (empty OverallFrameworkMetrics
//   and no step) means step times are unknown; a first step later than the
//   threshold without a trigger is SageMaker's rule, which never checks
//   (docs/compatibility.md).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "smr/rule.h"
#include "src/rules/python_json.h"
#include "src/rules/rule_inputs.h"

namespace smr {
namespace {

using Json = nlohmann::ordered_json;

// The rule's parameter `key` from its RuleParameters text, else the
// built-in default; 0 when neither is a number.
double Param(const RuleResult& r, std::string_view key) {
  std::string_view text = r.rule_parameters;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && line.substr(0, colon) == key) {
      return std::atof(std::string(line.substr(colon + 1)).c_str());
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return std::atof(BuiltinParamDefault(r.name, key).c_str());
}

bool EmptyObject(const Json& d, const char* key) {
  const auto it = d.find(key);
  return it == d.end() || !it->is_object() || it->empty();
}

double Number(const Json& d, const char* key, double fallback) {
  const auto it = d.find(key);
  return it != d.end() && it->is_number() ? it->get<double>() : fallback;
}

void NotApplicable(std::string reason, RuleResult* r) {
  if (!r->applicable) return;
  r->applicable = false;
  r->not_applicable_reason = std::move(reason);
}

std::string Datapoints(int64_t n, std::string_view what) {
  return fmt::format("{} datapoint{} ({})", n, n == 1 ? "" : "s", what);
}

// What the set of results says about the job.
struct JobFacts {
  bool no_gpu = false;
  bool no_framework = false;
};

JobFacts Facts(const std::map<std::string, RuleResult*>& by_name) {
  JobFacts f;
  const auto get = [&](const char* name) -> const RuleResult* {
    auto it = by_name.find(name);
    return it == by_name.end() || it->second->failed ? nullptr : it->second;
  };
  const RuleResult* low = get("LowGPUUtilization");
  const RuleResult* lb = get("LoadBalancing");
  const RuleResult* usage = get("OverallSystemUsage");
  if (usage && usage->details.is_object() && !EmptyObject(usage->details, "CPU")) {
    f.no_gpu = EmptyObject(usage->details, "GPU");
  } else if (low || lb) {
    f.no_gpu = (!low || low->datapoints == 0) && (!lb || lb->datapoints == 0);
  }
  const RuleResult* fw = get("OverallFrameworkMetrics");
  const RuleResult* steps = get("StepOutlier");
  if (fw && fw->details.is_object()) {
    bool empty = true;
    for (const auto& [key, v] : fw->details.items()) {
      if (v.is_object() && !v.empty()) empty = false;
    }
    f.no_framework = empty && (!steps || steps->datapoints == 0);
  }
  return f;
}

constexpr const char* kNoGpu =
    "no GPU utilization datapoints (CPU-only instance or no system data)";

// A rule that waits for `patience` datapoints and did not fire.
void Patience(int64_t patience, std::string_view what, std::string_view param, RuleResult* r) {
  if (r->datapoints <= patience) {
    MarkNotEvaluated(PatienceReason(Datapoints(r->datapoints, what), patience, param), r);
  }
}

void InferGpuRule(const JobFacts& f, RuleResult* r) {
  const auto patience = static_cast<int64_t>(Param(*r, "patience"));
  const auto window = static_cast<int64_t>(Param(*r, "window"));
  if (r->name == "LowGPUUtilization") {
    if (r->datapoints == 0) return NotApplicable(kNoGpu, r);
    Patience(patience, "samples per GPU", "patience", r);
  } else if (r->name == "GPUMemoryIncrease") {
    if (r->datapoints == 0) {
      return NotApplicable("no GPU memory datapoints (CPU-only instance or no system data)", r);
    }
    const bool by_window = window + 1 > patience;
    Patience(by_window ? window + 1 : patience, "samples per GPU",
             by_window ? "window + 1" : "patience", r);
  } else if (r->name == "BatchSize") {
    if (f.no_gpu) return NotApplicable(kNoGpu, r);
    const bool by_window = window > patience;
    Patience(by_window ? window : patience, "total-CPU values per node",
             by_window ? "window" : "patience", r);
  } else if (r->name == "CPUBottleneck" || r->name == "IOBottleneck") {
    if (f.no_gpu) return NotApplicable(std::string(kNoGpu) + ": no bottleneck can be flagged", r);
    Patience(patience, "system snapshots", "patience", r);
  }
}

void InferLoadBalancing(RuleResult* r) {
  if (r->datapoints == 0) return NotApplicable(kNoGpu, r);
  size_t max_gpus = 0, nodes = 0;
  std::string only_gpu;
  for (const auto& [node, nd] : r->details.items()) {
    if (!nd.is_object() || EmptyObject(nd, "workloads")) continue;
    ++nodes;
    max_gpus = std::max(max_gpus, nd["workloads"].size());
    only_gpu = nd["workloads"].begin().key();
  }
  if (max_gpus == 1) {
    return NotApplicable(nodes == 1 ? fmt::format("a single GPU ({}): nothing to balance", only_gpu)
                                    : std::string("one GPU per node: nothing to balance"),
                         r);
  }
  Patience(static_cast<int64_t>(Param(*r, "patience")), "samples per GPU", "patience", r);
}

void InferStepOutlier(const JobFacts& f, RuleResult* r) {
  if (r->datapoints == 0) {
    return NotApplicable(f.no_framework ? "no framework profiling data: step durations are unknown"
                                        : "0 datapoints: no step events (Step:ModeKeys)",
                         r);
  }
  if (EmptyObject(r->details, "step_details")) {
    MarkNotEvaluated(fmt::format("{} step events, no phase with more than 100 on a node; needs "
                                 "more than 100 per node and phase (the rule's minimum)",
                                 r->datapoints),
                     r);
  }
}

void InferDataloader(RuleResult* r) {
  const Json& d = r->details;
  if (r->datapoints == 0 || !d.is_object() || d.empty()) {
    return NotApplicable("0 datapoints: no PyTorch data-loader events", r);
  }
  const auto patience = static_cast<int64_t>(Param(*r, "patience"));
  if (r->datapoints <= patience) {
    return MarkNotEvaluated(
        PatienceReason(fmt::format("{} data-loader events, so at most {} seconds with them",
                                   r->datapoints, r->datapoints),
                       patience),
        r);
  }
  const double cores = Number(d, "cores", 0), loaders = Number(d, "dataloaders", 0);
  const bool outside = loaders < cores * (Param(*r, "min_threshold") / 100) ||
                       loaders > cores * (Param(*r, "max_threshold") / 100);
  if (r->triggered == 0 && outside) {
    MarkNotEvaluated(
        PatienceReason(fmt::format("at most {} seconds with data-loader events (the final median "
                                   "of {} loaders for {} cores is outside the range, yet the rule "
                                   "did not fire)",
                                   patience, FormatParamNumber(loaders), FormatParamNumber(cores)),
                       patience),
        r);
  }
}

void InferMaxInitialization(const JobFacts& f, RuleResult* r) {
  const Json& d = r->details;
  const bool has_step = !EmptyObject(d, "step_num");
  if (!has_step && f.no_framework) {
    return NotApplicable("no framework profiling data: step times are unknown", r);
  }
  const double start_s = Number(d, "job_start", NAN), end_s = Number(d, "job_end", NAN);
  const double threshold_min = Param(*r, "threshold");
  if (!has_step && end_s - start_s <= threshold_min * 60) {
    MarkNotEvaluated(
        fmt::format("no training step recorded in a job of {:.0f} min; the rule "
                    "fires only after {} min without a step",
                    std::floor((end_s - start_s) / 60), FormatParamNumber(threshold_min)),
        r);
  } else if (has_step && r->triggered == 0) {
    const double first_s = Number(d["step_num"], "first", NAN) / 1e6;
    const double init_min = (first_s - start_s) / 60;
    if (init_min > threshold_min) {
      MarkNotEvaluated(fmt::format("the first step came {:.1f} min after the job start, later than "
                                   "the {}-minute threshold, yet the rule did not fire: "
                                   "SageMaker's ProfilerReport never runs this check",
                                   init_min, FormatParamNumber(threshold_min)),
                       r);
    }
  }
}

}  // namespace

void InferStatesFromJson(std::vector<RuleResult>* results) {
  std::map<std::string, RuleResult*> by_name;
  for (RuleResult& r : *results) by_name[r.name] = &r;
  const JobFacts f = Facts(by_name);
  for (RuleResult& r : *results) {
    if (r.failed || !r.applicable) continue;
    if (r.name == "LoadBalancing") {
      InferLoadBalancing(&r);
    } else if (r.name == "StepOutlier") {
      InferStepOutlier(f, &r);
    } else if (r.name == "Dataloader") {
      InferDataloader(&r);
    } else if (r.name == "MaxInitializationTime") {
      InferMaxInitialization(f, &r);
    } else if (r.name == "OverallFrameworkMetrics") {
      if (f.no_framework) NotApplicable("no framework profiling data", &r);
    } else if (r.name == "OverallSystemUsage") {
      if (r.datapoints == 0 && EmptyObject(r.details, "CPU")) {
        NotApplicable("no system metrics", &r);
      }
    } else {
      InferGpuRule(f, &r);
    }
  }
}

}  // namespace smr
