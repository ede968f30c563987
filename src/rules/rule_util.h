// Helpers shared by the rule implementations: SageMaker's memory guard, Tukey
// box statistics, and the per-timestamp slots and sums of system samples.
#ifndef SMR_SRC_RULES_RULE_UTIL_H_
#define SMR_SRC_RULES_RULE_UTIL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/store.h"

namespace smr {

// SageMaker's memory guard: a rule drops its accumulated values once one
// list (of a GPU, a node, ...) holds more than this many.
constexpr int64_t kMaxDatapoints = 1'000'000;

// numpy quantiles of all values plus Tukey whiskers:
// upper = min(p75 + 1.5·IQR, max), lower = max(p25 − 1.5·IQR, min).
struct BoxStats {
  double p25 = 0, p50 = 0, p75 = 0, p95 = 0;
  double max = 0, min = 0;
  double upper = 0, lower = 0;
};
BoxStats ComputeBoxStats(std::span<const double> values);

// Appends p25, p50, p75, p95, upper and lower of `b` to `*entry`, in that
// order (the keys SageMaker's GPU rules write after their own).
void AddBoxQuartiles(const BoxStats& b, nlohmann::ordered_json* entry);

// Numbers the distinct timestamps of a stream of samples 0, 1, 2, ... in
// first-seen order (the per-timestamp sums SageMaker keeps in a dict).
// Built for system samples: those of one collection share a timestamp and
// come together (the last slot is reused without a lookup), and
// collections come in time order (a vector sorted by time, binary search);
// the first new timestamp older than the latest switches to a hash map.
// Timestamps compare as doubles (like Python dict keys of floats).
class TimestampSlots {
 public:
  // The slot of `ts`; `*is_new` tells whether it was just created.
  size_t Slot(double ts, bool* is_new);
  size_t size() const { return count_; }

 private:
  size_t count_ = 0;
  uint64_t last_bits_ = 0;
  size_t last_slot_ = SIZE_MAX;
  std::vector<std::pair<double, size_t>> sorted_;
  std::unique_ptr<std::unordered_map<double, size_t>> map_;
};

// Per-node sums of samples by timestamp (SageMaker's dict node ->
// {timestamp: sum}), nodes and timestamps in first-seen order. The samples
// of one node come in runs, so the node of the previous sample is tried
// first.
class NodeTimestampSums {
 public:
  struct Node {
    StrId node = 0;
    TimestampSlots slots;
    std::vector<double> sums;  // per timestamp
  };

  void Add(StrId node, double ts, double value);
  const std::vector<Node>& nodes() const { return nodes_; }
  void clear() { nodes_.clear(); }

 private:
  std::vector<Node> nodes_;
  size_t last_ = 0;
};

}  // namespace smr

#endif  // SMR_SRC_RULES_RULE_UTIL_H_
