// The partial state of CPUBottleneck / IOBottleneck (system_bottleneck.cc):
// per (window, file) segments of the snapshot walk, and the
// insertion-ordered timestamp map the walk keys its counts by.
#ifndef SMR_SRC_RULES_SYSTEM_BOTTLENECK_STATE_H_
#define SMR_SRC_RULES_SYSTEM_BOTTLENECK_STATE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "smr/state_io.h"
#include "smr/status.h"
#include "src/rules/framework_correlation.h"
#include "src/rules/partial_state.h"

namespace smr {
namespace bottleneck {

// SageMaker: rows within 20 ms of the snapshot's first row belong to it.
constexpr double kSnapshotWindowS = 0.02;
constexpr size_t kMaxBottlenecks = 1'000'000;
// A segment's head ends at a row more than kHeadGapS from every head row and
// more than kHeadReachS from the first (which a carried snapshot is within
// 20 ms of): wider than 20 ms and 40 ms, so rounding never matters.
constexpr double kHeadGapS = 0.03;
constexpr double kHeadReachS = 0.05;

// Python dict keyed by float timestamp: insertion order, overwrite in place.
template <typename V>
class TimestampMap {
 public:
  V& operator[](double ts) {
    auto [it, inserted] = index_.try_emplace(ts, items_.size());
    if (inserted) items_.emplace_back(ts, V{});
    return items_[it->second].second;
  }
  const V* Find(double ts) const {
    auto it = index_.find(ts);
    return it == index_.end() ? nullptr : &items_[it->second].second;
  }
  size_t size() const { return items_.size(); }
  void clear() {
    items_.clear();
    index_.clear();
  }
  const std::vector<std::pair<double, V>>& items() const { return items_; }

 private:
  std::vector<std::pair<double, V>> items_;
  std::unordered_map<double, size_t> index_;
};

struct Counts {
  int64_t gpus = 0;
  int64_t busy = 0;
};

// Rows of one timestamp (head run) or one snapshot key (tail key): how many
// GPUs were idle and how many cores busy.
struct TsCounts {
  double ts = 0;
  int64_t idle = 0;
  int64_t busy = 0;
};

// The rows of one file in one window.
struct Segment {
  uint64_t window = 0;
  uint32_t file = 0;  // FileStats::order
  // Consecutive rows of equal timestamps, up to the first row whose
  // snapshot no longer depends on the snapshot carried in.
  std::vector<TsCounts> head;
  // From that row on: snapshots started, the last one's timestamp, and the
  // counts per snapshot key (keys with busy cores first, in the order they
  // got one, then those with idle GPUs only).
  bool has_tail = false;
  double tail_ts = 0;
  int64_t tail_snapshots = 0;
  std::vector<TsCounts> keys;
};

struct BottleneckState {
  std::string rule;  // for errors; not saved
  bool has_gpu = false;
  bool has_busy = false;
  std::vector<Segment> segments;  // by (window, file)

  Status Merge(BottleneckState&& o) {
    has_gpu = has_gpu || o.has_gpu;
    has_busy = has_busy || o.has_busy;
    for (Segment& s : o.segments) segments.push_back(std::move(s));
    auto key = [](const Segment& s) { return std::make_pair(s.window, s.file); };
    std::stable_sort(segments.begin(), segments.end(),
                     [&](const Segment& a, const Segment& b) { return key(a) < key(b); });
    for (size_t i = 1; i < segments.size(); ++i) {
      if (key(segments[i - 1]) == key(segments[i])) {
        return SplitKeyError(rule, fmt::format("file #{}", segments[i].file));
      }
    }
    return Status::Ok();
  }
  void Save(StateWriter* out) const {
    out->Put(has_gpu);
    out->Put(has_busy);
    out->Put<uint64_t>(segments.size());
    for (const Segment& s : segments) {
      out->Put(s.window);
      out->Put(s.file);
      out->PutVector(s.head);
      out->Put(s.has_tail);
      out->Put(s.tail_ts);
      out->Put(s.tail_snapshots);
      out->PutVector(s.keys);
    }
  }
  void Load(StateReader* in) {
    has_gpu = in->Get<bool>();
    has_busy = in->Get<bool>();
    const auto n = in->Get<uint64_t>();
    for (uint64_t i = 0; i < n && in->ok(); ++i) {
      Segment s;
      s.window = in->Get<uint64_t>();
      s.file = in->Get<uint32_t>();
      s.head = in->GetVector<TsCounts>();
      s.has_tail = in->Get<bool>();
      s.tail_ts = in->Get<double>();
      s.tail_snapshots = in->Get<int64_t>();
      s.keys = in->GetVector<TsCounts>();
      segments.push_back(std::move(s));
    }
  }
};

// The second pass: the framework events around the bottlenecks.
struct CorrelationState {
  CorrelationPartial corr;
  Status Merge(CorrelationState&& o) { return corr.Merge(std::move(o.corr)); }
  void Save(StateWriter* out) const { corr.Save(out); }
  void Load(StateReader* in) { corr.Load(in); }
};

// Builds one Segment from its rows in reader order.
class SegmentBuilder {
 public:
  SegmentBuilder(uint64_t window, uint32_t file) {
    seg_.window = window;
    seg_.file = file;
  }
  void Add(double ts, bool idle, bool busy) {
    if (!seg_.has_tail && !InHead(ts)) {
      seg_.has_tail = true;
      seg_.tail_ts = ts;
      seg_.tail_snapshots = 1;
    } else if (seg_.has_tail && std::abs(seg_.tail_ts - ts) > kSnapshotWindowS) {
      seg_.tail_ts = ts;
      seg_.tail_snapshots += 1;
    }
    if (!seg_.has_tail) {
      seg_.head.back().idle += idle ? 1 : 0;
      seg_.head.back().busy += busy ? 1 : 0;
      return;
    }
    if (idle) idle_[seg_.tail_ts] += 1;
    if (busy) busy_[seg_.tail_ts] += 1;
  }
  Segment Take() {
    for (const auto& [ts, n] : busy_.items()) {
      const int64_t* idle = idle_.Find(ts);
      seg_.keys.push_back({ts, idle != nullptr ? *idle : 0, n});
    }
    for (const auto& [ts, n] : idle_.items()) {
      if (busy_.Find(ts) == nullptr) seg_.keys.push_back({ts, n, 0});
    }
    return std::move(seg_);
  }

 private:
  // Whether the row at `ts` still belongs to the head (adds its run).
  bool InHead(double ts) {
    std::vector<TsCounts>& head = seg_.head;
    if (head.empty()) {
      first_ = lo_ = hi_ = ts;
    } else if (ts == head.back().ts) {
      return true;  // joins the snapshot of the row before, whatever it is
    } else if (ts > std::max(hi_ + kHeadGapS, first_ + kHeadReachS) ||
               ts < std::min(lo_ - kHeadGapS, first_ - kHeadReachS)) {
      return false;  // starts a snapshot of its own, whatever came in
    }
    lo_ = std::min(lo_, ts);
    hi_ = std::max(hi_, ts);
    head.push_back({ts, 0, 0});
    return true;
  }

  Segment seg_;
  double first_ = 0, lo_ = 0, hi_ = 0;
  TimestampMap<int64_t> idle_;
  TimestampMap<int64_t> busy_;
};

}  // namespace bottleneck
}  // namespace smr

#endif  // SMR_SRC_RULES_SYSTEM_BOTTLENECK_STATE_H_
