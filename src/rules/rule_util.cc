// Tukey box statistics and per-timestamp slots and sums (rule_util.h).
#include "src/rules/rule_util.h"

#include <algorithm>
#include <bit>

#include "smr/analysis.h"

namespace smr {

BoxStats ComputeBoxStats(std::span<const double> values) {
  BoxStats b;
  if (values.empty()) return b;
  // min and max are the 0 and 1 quantiles (exact order statistics).
  static constexpr double kQs[] = {0.25, 0.50, 0.75, 0.95, 0.0, 1.0};
  double q[6];
  std::vector<double> scratch;
  Quantiles(values, kQs, q, &scratch);
  b.p25 = q[0];
  b.p50 = q[1];
  b.p75 = q[2];
  b.p95 = q[3];
  b.min = q[4];
  b.max = q[5];
  const double iqr = b.p75 - b.p25;
  b.upper = std::min(b.p75 + 1.5 * iqr, b.max);
  b.lower = std::max(b.p25 - 1.5 * iqr, b.min);
  return b;
}

size_t TimestampSlots::Slot(double ts, bool* is_new) {
  *is_new = false;
  const uint64_t bits = std::bit_cast<uint64_t>(ts);
  if (last_slot_ != SIZE_MAX && bits == last_bits_) return last_slot_;
  size_t slot;
  if (map_) {
    auto [it, inserted] = map_->emplace(ts, count_);
    if (inserted) ++count_, *is_new = true;
    slot = it->second;
  } else if (sorted_.empty() || sorted_.back().first < ts) {
    sorted_.emplace_back(ts, count_);
    slot = count_++;
    *is_new = true;
  } else {
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), ts,
                               [](const auto& e, double t) { return e.first < t; });
    if (it != sorted_.end() && it->first == ts) {
      slot = it->second;
    } else {
      map_ = std::make_unique<std::unordered_map<double, size_t>>(sorted_.begin(), sorted_.end());
      std::vector<std::pair<double, size_t>>().swap(sorted_);
      map_->emplace(ts, count_);
      slot = count_++;
      *is_new = true;
    }
  }
  last_bits_ = bits;
  last_slot_ = slot;
  return slot;
}

void AddBoxQuartiles(const BoxStats& b, nlohmann::ordered_json* entry) {
  (*entry)["p25"] = b.p25;
  (*entry)["p50"] = b.p50;
  (*entry)["p75"] = b.p75;
  (*entry)["p95"] = b.p95;
  (*entry)["upper"] = b.upper;
  (*entry)["lower"] = b.lower;
}

void NodeTimestampSums::Add(StrId node, double ts, double value) {
  size_t ni = last_;
  if (ni >= nodes_.size() || nodes_[ni].node != node) {
    ni = 0;
    while (ni < nodes_.size() && nodes_[ni].node != node) ++ni;
    if (ni == nodes_.size()) {
      nodes_.emplace_back();
      nodes_.back().node = node;
    }
    last_ = ni;
  }
  Node& n = nodes_[ni];
  bool is_new = false;
  const size_t slot = n.slots.Slot(ts, &is_new);
  if (is_new) n.sums.push_back(0.0);
  n.sums[slot] += value;
}

}  // namespace smr
