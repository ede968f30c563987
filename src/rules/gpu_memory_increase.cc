#include "src/rules/gpu_memory_increase.h"

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

// numpy's DOUBLE_pairwise_sum (umath loops): the result depends on the
// association order, and `increase` is printed with all 17 digits.
double PairwiseSum(const double* a, size_t n) {
  constexpr size_t kBlock = 128;
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
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
struct NodeValues {
  StrId node = 0;
  std::vector<GpuValues> gpus;
};

void FillEntry(std::span<const double> values, double diff, nlohmann::ordered_json* entry) {
  const BoxStats box = ComputeBoxStats(values);
  *entry = nlohmann::ordered_json::object();
  (*entry)["increase"] = diff;
  (*entry)["gpu_max"] = box.max;
  (*entry)["p05"] = Quantile(values, 0.05);
  (*entry)["p25"] = box.p25;
  (*entry)["p50"] = box.p50;
  (*entry)["p75"] = box.p75;
  (*entry)["p95"] = box.p95;
  (*entry)["upper"] = box.upper;
  (*entry)["lower"] = box.lower;
}

}  // namespace

double NumpyMean(std::span<const double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return PairwiseSum(values.data(), values.size()) / static_cast<double>(values.size());
}

std::string_view GpuMemoryIncreaseRule::description() const {
  return "Measures the average GPU memory footprint and triggers if there is a large increase.";
}

std::string_view GpuMemoryIncreaseRule::recommendation() const {
  return "Choose a larger instance type with more memory if footprint is close to maximum "
         "available memory.";
}

const std::vector<ParamSpec>& GpuMemoryIncreaseRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"increase", ParamType::kPercent, "5", "%",
       "growth of the moving average of GPU memory utilization that triggers the rule",
       ParamRange::Percent()},
      {"patience", ParamType::kInt, "1000", "samples",
       "samples a GPU needs before the rule can trigger", ParamRange::PositiveInteger()},
      {"window", ParamType::kInt, "10", "samples", "length of the moving average",
       ParamRange::PositiveInteger()},
  };
  return kSpecs;
}

Status GpuMemoryIncreaseRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "increase") return ParsePercentParam(name(), param, value, &p_.increase);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  if (param == "window") return ParsePositiveIntParam(name(), param, value, &p_.window);
  return UnknownParamError(name(), param, params());
}

std::string GpuMemoryIncreaseRule::RuleParameters() const {
  return fmt::format("increase:{}\npatience:{}\nwindow:{}", FormatParamNumber(p_.increase),
                     p_.patience, p_.window);
}

RuleResult GpuMemoryIncreaseRule::Evaluate(const AnalysisContext& ctx) const {
  RuleResult r;
  r.name = std::string(name());
  r.rule_parameters = RuleParameters();
  const MetricStore& store = *ctx.store;
  const WindowPlan& plan = *ctx.windows;
  const SystemColumns& sys = store.system();

  std::vector<char> is_gpu_mem(store.series().size(), 0);
  bool any_gpu = false;
  for (size_t s = 0; s < store.series().size(); ++s) {
    is_gpu_mem[s] = store.str(store.series()[s].dimension) == "GPUMemoryUtilization";
    any_gpu = any_gpu || is_gpu_mem[s];
  }
  if (!any_gpu) {
    r.applicable = false;
    r.not_applicable_reason =
        "no GPUMemoryUtilization samples (CPU-only instance or no system data)";
  }

  std::vector<NodeValues> nodes;
  std::unordered_map<uint64_t, std::pair<size_t, size_t>> index;  // (node,gpu) -> slot
  const size_t window = static_cast<size_t>(p_.window);

  auto entry_of = [&](StrId node, StrId gpu) -> nlohmann::ordered_json& {
    return r.details[std::string(store.str(node))][std::string(store.str(gpu))];
  };
  auto materialize = [&](const NodeValues& n, GpuValues& g) {
    if (!g.pending) return;
    FillEntry(std::span<const double>(g.values.data(), g.trigger_n), g.trigger_diff,
              &entry_of(n.node, g.gpu));
    g.pending = false;
  };

  for (size_t w = 0; w < plan.size(); ++w) {
    // Largest increase per GPU that fired in this window (report findings).
    std::vector<std::pair<uint64_t, double>> fired;
    for (uint32_t row : plan.system_rows(w)) {
      const uint32_t s = sys.series(row);
      if (!is_gpu_mem[s]) continue;
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
      NodeValues& nv = nodes[it->second.first];
      GpuValues& g = nv.gpus[it->second.second];
      g.values.push_back(sys.value(row));
      const size_t n = g.values.size();
      r.datapoints = static_cast<int64_t>(n);
      if (static_cast<int64_t>(n) > kMaxDatapoints) {
        // SageMaker's memory guard: drop every list (keeping the Details
        // already earned); it then fails on this sample, we skip it.
        for (NodeValues& nn : nodes) {
          for (GpuValues& gg : nn.gpus) materialize(nn, gg);
        }
        nodes.clear();
        index.clear();
        continue;
      }
      if (n <= window + 1) continue;
      const double* v = g.values.data();
      const double recent = NumpyMean({v + (n - window), window});
      const double previous = NumpyMean({v + (n - window - 1), window - 1});
      const double diff = recent - previous;  // NaN for window 1: never fires
      if (!(diff > p_.increase) || static_cast<int64_t>(n) <= p_.patience) continue;

      r.triggered += 1;
      r.violations += 1;
      entry_of(info.node, info.name);  // fixes the key order at the first trigger
      r.details["last_timestamp"] = plan.start_us(w);
      g.pending = true;
      g.trigger_n = n;
      g.trigger_diff = diff;
      bool seen = false;
      for (auto& [k, d] : fired) {
        if (k == key) d = std::max(d, diff), seen = true;
      }
      if (!seen) fired.emplace_back(key, diff);
    }
    for (const auto& [key, diff] : fired) {
      const StrId node = static_cast<StrId>(key >> 32);
      const StrId gpu = static_cast<StrId>(key & 0xffffffffu);
      r.findings.push_back({plan.start_us(w), std::string(store.str(node)),
                            std::string(store.str(gpu)), diff});
    }
  }
  for (NodeValues& n : nodes) {
    for (GpuValues& g : n.gpus) materialize(n, g);
  }
  return r;
}

std::unique_ptr<Rule> CreateGpuMemoryIncreaseRule() {
  return std::make_unique<GpuMemoryIncreaseRule>();
}

}  // namespace smr
