#include "src/rules/low_gpu_utilization.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

struct GpuValues {
  StrId gpu = 0;
  std::vector<double> values;
};
struct NodeValues {
  StrId node = 0;
  std::vector<GpuValues> gpus;
};

}  // namespace

std::string_view LowGpuUtilizationRule::description() const {
  return "Checks if the GPU utilization is low or fluctuating. This can happen due to "
         "bottlenecks, blocking calls for synchronizations, or a small batch size.";
}

std::string_view LowGpuUtilizationRule::recommendation() const {
  return "Check if there are bottlenecks, minimize blocking calls, change distributed "
         "training strategy, or increase the batch size.";
}

const std::vector<ParamSpec>& LowGpuUtilizationRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"threshold_p95", ParamType::kPercent, "70", "%",
       "p95 of the last `window` samples below which a GPU counts as under-used",
       ParamRange::Percent()},
      {"threshold_p5", ParamType::kPercent, "10", "%",
       "p5 below which a GPU with a high p95 counts as fluctuating", ParamRange::Percent()},
      {"window", ParamType::kInt, "500", "samples", "number of latest samples for p95/p5",
       ParamRange::PositiveInteger()},
      {"patience", ParamType::kInt, "1000", "samples",
       "samples a GPU needs before it is checked", ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status LowGpuUtilizationRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "threshold_p95") return ParsePercentParam(name(), param, value, &p_.threshold_p95);
  if (param == "threshold_p5") return ParsePercentParam(name(), param, value, &p_.threshold_p5);
  if (param == "window") return ParsePositiveIntParam(name(), param, value, &p_.window);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  return UnknownParamError(name(), param, params());
}

std::string LowGpuUtilizationRule::RuleParameters() const {
  return fmt::format("threshold_p95:{}\nthreshold_p5:{}\nwindow:{}\npatience:{}",
                     FormatParamNumber(p_.threshold_p95), FormatParamNumber(p_.threshold_p5),
                     p_.window, p_.patience);
}

RuleResult LowGpuUtilizationRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const SystemColumns& sys = store.system();

  std::vector<char> is_gpu_util(store.series().size(), 0);
  bool any_gpu = false;
  for (size_t s = 0; s < store.series().size(); ++s) {
    is_gpu_util[s] = store.str(store.series()[s].dimension) == "GPUUtilization";
    any_gpu = any_gpu || is_gpu_util[s];
  }
  if (!any_gpu) {
    r.applicable = false;
    r.not_applicable_reason = "no GPUUtilization samples (CPU-only instance or no system data)";
  }

  std::vector<NodeValues> nodes;
  std::unordered_map<uint64_t, std::pair<size_t, size_t>> index;  // (node,gpu) -> slot
  const size_t window = static_cast<size_t>(p_.window);

  for (size_t w = 0; w < plan.size(); ++w) {
    for (uint32_t row : plan.system_rows(w)) {
      const uint32_t s = sys.series(row);
      if (!is_gpu_util[s]) continue;
      const SeriesInfo& info = store.series()[s];
      const uint64_t key = (static_cast<uint64_t>(info.node) << 32) | info.name;
      auto it = index.find(key);
      if (it == index.end()) {
        size_t ni = 0;
        while (ni < nodes.size() && nodes[ni].node != info.node) ++ni;
        if (ni == nodes.size()) nodes.push_back({info.node, {}});
        nodes[ni].gpus.push_back({info.name, {}});
        it = index.emplace(key, std::make_pair(ni, nodes[ni].gpus.size() - 1)).first;
      }
      nodes[it->second.first].gpus[it->second.second].values.push_back(sys.value(row));
    }

    bool reset = false;
    for (size_t ni = 0; ni < nodes.size() && !reset; ++ni) {
      for (size_t gi = 0; gi < nodes[ni].gpus.size() && !reset; ++gi) {
        const StrId node_id = nodes[ni].node;
        const StrId gpu_id = nodes[ni].gpus[gi].gpu;
        std::vector<double> local;
        const std::vector<double>* values = &nodes[ni].gpus[gi].values;
        r.datapoints = static_cast<int64_t>(values->size());
        if (r.datapoints > kMaxDatapoints) {
          // SageMaker's memory guard: drop every list, keep checking this one.
          local = std::move(nodes[ni].gpus[gi].values);
          values = &local;
          nodes.clear();
          index.clear();
          reset = true;
        }
        if (static_cast<int64_t>(values->size()) <= p_.patience) continue;

        const size_t n = values->size();
        std::vector<double> tail(values->end() - static_cast<std::ptrdiff_t>(std::min(window, n)),
                                 values->end());
        std::sort(tail.begin(), tail.end());
        const double p95w = QuantileSorted(tail, 0.95);
        const double p5w = QuantileSorted(tail, 0.05);
        const bool under_used = p95w < p_.threshold_p95;
        const bool fluctuating = p95w > p_.threshold_p95 && p5w < p_.threshold_p5;
        if (!under_used && !fluctuating) continue;

        r.triggered += 1;
        r.violations += 1;
        r.datapoints = static_cast<int64_t>(n);
        r.findings.push_back({plan.start_us(w), std::string(store.str(node_id)),
                              std::string(store.str(gpu_id)), under_used ? p95w : p5w});
        const BoxStats box = ComputeBoxStats(*values);
        nlohmann::ordered_json& entry =
            r.details[std::string(store.str(node_id))][std::string(store.str(gpu_id))];
        entry = nlohmann::ordered_json::object();
        entry["gpu_max"] = box.max;
        entry["gpu_95"] = p95w;
        entry["gpu_5"] = p5w;
        entry["p25"] = box.p25;
        entry["p50"] = box.p50;
        entry["p75"] = box.p75;
        entry["p95"] = box.p95;
        entry["upper"] = box.upper;
        entry["lower"] = box.lower;
        r.details["last_timestamp"] = plan.start_us(w);
      }
    }
  }
  return r;
}

std::unique_ptr<Rule> CreateLowGpuUtilizationRule() {
  return std::make_unique<LowGpuUtilizationRule>();
}

}  // namespace smr
