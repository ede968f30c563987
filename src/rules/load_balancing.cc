#include "src/rules/load_balancing.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/rules/python_json.h"
#include "src/rules/rule_util.h"

namespace smr {
namespace {

using Histogram = std::array<int64_t, LoadBalancingRule::kBins>;

struct GpuHistogram {
  StrId gpu = 0;
  Histogram counts{};
  int64_t samples = 0;
};
struct NodeHistograms {
  StrId node = 0;
  std::vector<GpuHistogram> gpus;  // first-seen order
};

// Bin of a utilization value: width 2, last bin closed at 100 (§7 fix: the
// full range is kept, so a saturated GPU is counted).
int BinOf(double util_pct) {
  if (!(util_pct >= 0)) return 0;  // negative or NaN: clamp to the first bin
  const double b = std::floor(util_pct / 2);
  return b >= LoadBalancingRule::kBins - 1 ? LoadBalancingRule::kBins - 1 : static_cast<int>(b);
}

}  // namespace

double JensenShannonDistance(std::span<const int64_t> a, std::span<const int64_t> b) {
  double sa = 0, sb = 0;
  for (int64_t x : a) sa += static_cast<double>(x);
  for (int64_t x : b) sb += static_cast<double>(x);
  if (sa <= 0 || sb <= 0 || a.size() != b.size()) return 0;
  double kl_p = 0, kl_q = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double p = static_cast<double>(a[i]) / sa;
    const double q = static_cast<double>(b[i]) / sb;
    const double m = (p + q) / 2;
    if (p > 0) kl_p += p * std::log(p / m);
    if (q > 0) kl_q += q * std::log(q / m);
  }
  const double divergence = (kl_p + kl_q) / 2;
  return std::sqrt(std::max(divergence, 0.0));  // rounding can give -1e-17
}

double HistogramMeanUtilization(std::span<const int64_t> counts) {
  int64_t n = 0, sum = 0;  // sum of bin middles, exact in integers
  for (size_t i = 0; i < counts.size(); ++i) {
    n += counts[i];
    sum += static_cast<int64_t>(2 * i + 1) * counts[i];
  }
  return n > 0 ? static_cast<double>(sum) / static_cast<double>(n) : 0.0;
}

std::string_view LoadBalancingRule::description() const {
  return "Detects workload balancing issues across GPUs. Workload imbalance can occur in "
         "training jobs with data parallelism. The gradients are accumulated on a primary GPU, "
         "and this GPU might be overused with regard to other GPUs, resulting in reducing the "
         "efficiency of data parallelization.";
}

std::string_view LoadBalancingRule::recommendation() const {
  return "Choose a different distributed training strategy or a different distributed "
         "training framework.";
}

const std::vector<ParamSpec>& LoadBalancingRule::params() const {
  static const std::vector<ParamSpec> kSpecs = {
      {"threshold", ParamType::kDouble, "0.2", "",
       "Jensen-Shannon distance between two GPUs' utilization histograms that must be "
       "exceeded for the pair to count as imbalanced",
       ParamRange::Positive(1)},
      {"patience", ParamType::kInt, "1000", "samples",
       "samples each GPU needs before it is compared"},
      {"min_difference", ParamType::kPercent, "10", "%",
       "difference of the two GPUs' mean utilizations (percentage points) that must also be "
       "reached; 0 leaves the distance as the only test (sm-report extension)"},
  };
  return kSpecs;
}

Status LoadBalancingRule::SetParam(std::string_view param, std::string_view value) {
  if (param == "threshold") return ParsePositiveParam(name(), param, value, &p_.threshold);
  if (param == "patience") return ParsePositiveIntParam(name(), param, value, &p_.patience);
  if (param == "min_difference") {
    return ParsePercentParam(name(), param, value, &p_.min_difference);
  }
  return UnknownParamError(name(), param, params());
}

std::string LoadBalancingRule::RuleParameters() const {
  // SageMaker's two lines, then sm-report's min_difference, so the JSON
  // tells which test produced its verdict.
  return fmt::format("threshold:{}\npatience:{}\nmin_difference:{}",
                     FormatParamNumber(p_.threshold), p_.patience,
                     FormatParamNumber(p_.min_difference));
}

RuleResult LoadBalancingRule::Evaluate(const AnalysisContext& ctx) const {
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

  std::vector<NodeHistograms> nodes;
  std::unordered_map<uint64_t, std::pair<size_t, size_t>> index;  // (node,gpu) -> slot

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
        nodes[ni].gpus.push_back({info.name, {}, 0});
        it = index.emplace(key, std::make_pair(ni, nodes[ni].gpus.size() - 1)).first;
      }
      GpuHistogram& g = nodes[it->second.first].gpus[it->second.second];
      g.counts[static_cast<size_t>(BinOf(sys.value(row)))] += 1;
      g.samples += 1;
      r.datapoints = g.samples;
      if (g.samples > kMaxDatapoints) {
        // SageMaker's memory guard: start all histograms afresh.
        nodes.clear();
        index.clear();
      }
    }

    for (const NodeHistograms& n : nodes) {
      const std::string node_key(store.str(n.node));
      nlohmann::ordered_json& node_json = r.details[node_key];
      for (const GpuHistogram& g : n.gpus) {
        node_json["workloads"][std::string(store.str(g.gpu))] = g.counts;
      }
      // Pairs within the node in natural GPU order (gpu2 before gpu10).
      std::vector<const GpuHistogram*> order;
      for (const GpuHistogram& g : n.gpus) order.push_back(&g);
      std::sort(order.begin(), order.end(), [&](const GpuHistogram* a, const GpuHistogram* b) {
        return NaturalLess(store.str(a->gpu), store.str(b->gpu));
      });
      for (size_t i = 0; i < order.size(); ++i) {
        if (order[i]->samples <= p_.patience) continue;
        for (size_t j = i + 1; j < order.size(); ++j) {
          if (order[j]->samples <= p_.patience) continue;
          const double d = JensenShannonDistance(order[i]->counts, order[j]->counts);
          if (!(d > p_.threshold)) continue;
          const double difference = std::abs(HistogramMeanUtilization(order[i]->counts) -
                                              HistogramMeanUtilization(order[j]->counts));
          if (!(difference >= p_.min_difference)) continue;
          r.triggered += 1;
          r.violations += 1;
          const std::string gi(store.str(order[i]->gpu));
          const std::string gj(store.str(order[j]->gpu));
          node_json["distances"][gi][gj] = d;
          r.findings.push_back({plan.start_us(w), node_key, gi + "/" + gj, d});
        }
      }
    }
  }
  return r;
}

std::unique_ptr<Rule> CreateLoadBalancingRule() {
  return std::make_unique<LoadBalancingRule>();
}

}  // namespace smr
