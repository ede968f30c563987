// What the rules' Evaluate functions share: the start of a result, short
// names for the store, the window plan and its columns, the selection of
// system series by MetricKind and the walk over a window's selected samples,
// and the per-(node, GPU) table of the GPU rules.
#ifndef SMR_SRC_RULES_RULE_INPUTS_H_
#define SMR_SRC_RULES_RULE_INPUTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "smr/analysis.h"
#include "smr/rule.h"
#include "smr/store.h"

namespace smr {

// The data a rule reads.
struct RuleInputs {
  explicit RuleInputs(const AnalysisContext& ctx)
      : store(*ctx.store), plan(*ctx.windows), sys(store.system()), ev(store.events()) {}
  const MetricStore& store;
  const WindowPlan& plan;
  const SystemColumns& sys;
  const EventColumns& ev;
};

// An empty result named after `rule`, with its RuleParameters.
RuleResult StartResult(const Rule& rule);

// The kind of a series as SageMaker's rules test it: by Dimension alone
// (CPUUtilization, I/OWaitPercentage, GPUUtilization,
// GPUMemoryUtilization), whatever the Type. That is the store's own kind
// (SeriesInfo::kind) for every series SageMaker writes; only a Type that
// contradicts the Dimension (the store then says kOther) is told apart,
// and still counted as SageMaker counted it. Other series keep the store's
// kind.
MetricKind RuleMetricKind(const MetricStore& store, const SeriesInfo& info);

// Per series id: whether its RuleMetricKind is `kind`; `any`: some is.
struct SeriesMask {
  std::vector<char> has;
  bool any = false;
  bool operator[](size_t s) const { return has[s] != 0; }
};
SeriesMask SeriesOfKind(const MetricStore& store, MetricKind kind);

// Marks `r` not evaluated with `reason` (what was missing, with numbers)
// when it applies, did not fire and has no reason yet.
void MarkNotEvaluated(std::string reason, RuleResult* r);

// "<what>; needs more than P (<param>)": the reason of a rule that never
// reached its patience ("8 seconds with data-loader events; needs more than
// 10 (patience)"), short enough for the rules table.
std::string PatienceReason(std::string_view what, int64_t patience,
                           std::string_view param = "patience");

// Marks `r` not applicable when `mask` selects no series, with the reason
// "no <dimension> samples (CPU-only instance or no system data)<suffix>".
void RequireSeries(const SeriesMask& mask, std::string_view dimension, RuleResult* r,
                   std::string_view suffix = "");

// The series of `kind`, with `r` marked by RequireSeries when there is none.
SeriesMask RequiredSeriesOfKind(const MetricStore& store, MetricKind kind,
                                std::string_view dimension, RuleResult* r);

// Calls `add(row, info)` for every system row of window `w` (reader order)
// whose series `mask` selects; `info` is that series.
template <typename Add>
void ForEachSample(const RuleInputs& in, size_t w, const SeriesMask& mask, Add add) {
  for (uint32_t row : in.plan.system_rows(w)) {
    const uint32_t s = in.sys.series(row);
    if (mask[s]) add(row, in.store.series()[s]);
  }
}

// Per-(node, GPU) state in first-seen order: nodes, and the GPUs of each
// node. `Gpu` has a member `StrId gpu` and is default-constructible.
template <typename Gpu>
class NodeGpuTable {
 public:
  struct Node {
    StrId node = 0;
    std::vector<Gpu> gpus;
  };

  // The state of (node, gpu), created on first use.
  Gpu& At(StrId node, StrId gpu) {
    const uint64_t key = (static_cast<uint64_t>(node) << 32) | gpu;
    auto it = index_.find(key);
    if (it == index_.end()) {
      size_t ni = 0;
      while (ni < nodes_.size() && nodes_[ni].node != node) ++ni;
      if (ni == nodes_.size()) nodes_.push_back({node, {}});
      nodes_[ni].gpus.emplace_back();
      nodes_[ni].gpus.back().gpu = gpu;
      it = index_.emplace(key, std::make_pair(ni, nodes_[ni].gpus.size() - 1)).first;
    }
    return nodes_[it->second.first].gpus[it->second.second];
  }
  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  void clear() {
    nodes_.clear();
    index_.clear();
  }

 private:
  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, std::pair<size_t, size_t>> index_;  // key -> slot
};

}  // namespace smr

#endif  // SMR_SRC_RULES_RULE_INPUTS_H_
