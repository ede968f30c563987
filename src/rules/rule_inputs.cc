// The shared start of the rules' Evaluate and their series selection
// (rule_inputs.h).
#include "src/rules/rule_inputs.h"

#include <string>
#include <utility>

#include <fmt/format.h>

namespace smr {

RuleResult StartResult(const Rule& rule) {
  RuleResult r;
  r.name = std::string(rule.name());
  r.rule_parameters = rule.RuleParameters();
  return r;
}

MetricKind RuleMetricKind(const MetricStore& store, const SeriesInfo& info) {
  switch (info.kind) {
    case MetricKind::kCpuUtilization:
    case MetricKind::kCpuIoWait:
    case MetricKind::kGpuUtilization:
    case MetricKind::kGpuMemory:
      return info.kind;  // the store's kind implies the Dimension
    default:
      break;
  }
  const std::string_view dimension = store.str(info.dimension);
  if (dimension == "CPUUtilization") return MetricKind::kCpuUtilization;
  if (dimension == "I/OWaitPercentage") return MetricKind::kCpuIoWait;
  if (dimension == "GPUUtilization") return MetricKind::kGpuUtilization;
  if (dimension == "GPUMemoryUtilization") return MetricKind::kGpuMemory;
  return info.kind;
}

SeriesMask SeriesOfKind(const MetricStore& store, MetricKind kind) {
  SeriesMask mask;
  mask.has.assign(store.series().size(), 0);
  for (size_t s = 0; s < store.series().size(); ++s) {
    mask.has[s] = RuleMetricKind(store, store.series()[s]) == kind;
    mask.any = mask.any || mask.has[s];
  }
  return mask;
}

void MarkNotEvaluated(std::string reason, RuleResult* r) {
  if (r->applicable && r->triggered == 0 && r->not_evaluated_reason.empty()) {
    r->not_evaluated_reason = std::move(reason);
  }
}

std::string PatienceReason(std::string_view what, int64_t patience, std::string_view param) {
  return fmt::format("{}; needs more than {} ({})", what, patience, param);
}

void RequireSeries(const SeriesMask& mask, std::string_view dimension, RuleResult* r,
                   std::string_view suffix) {
  if (mask.any) return;
  r->applicable = false;
  r->not_applicable_reason =
      fmt::format("no {} samples (CPU-only instance or no system data){}", dimension, suffix);
}

SeriesMask RequiredSeriesOfKind(const MetricStore& store, MetricKind kind,
                                std::string_view dimension, RuleResult* r) {
  SeriesMask mask = SeriesOfKind(store, kind);
  RequireSeries(mask, dimension, r);
  return mask;
}

}  // namespace smr
