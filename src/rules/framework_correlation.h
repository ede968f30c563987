// Framework-event breakdown shared by OverallFrameworkMetrics (§4.11) and the
// framework-correlation aggregator (§4.12) that CPUBottleneck, IOBottleneck
// and StepOutlier use to describe what the framework was doing during a
// bottleneck second or an outlier step.
//
// Classification of one event by its phase (process name), in SageMaker's
// order of tests: contains "cpu" (any case) -> CPU operator; contains "gpu"
// -> GPU operator; contains "Step" -> step phase; Forward-/Backward-
// SubModuleInternal -> forward/backward pass; other phases without ":CPU" /
// ":GPU" from non-Horovod files -> `general`; Horovod-file events ->
// `horovod`; the rest is ignored.
//
// FrameworkCorrelation accumulates, over the rule's whole run, the events that
// overlap given intervals (an event overlaps [a, b] when start < b and end > a,
// so for a point a == b it must strictly contain it; an event overlapping k
// intervals of one call counts k times, as in SageMaker's per-interval loop)
// and writes the §4.12 keys into a rule's Details:
//   ratio            share of each cpu phase, then each gpu phase (key order
//                    as SageMaker; values are each phase's own share, see
//                    docs/compatibility.md);
//   CPU / CPU_total  operators > 2 % renormalised / their µs, if any CPU event;
//   GPU / GPU_total  same for GPU events;
//   phase            share of each step phase (no "others");
//   phase_time       {};
//   general, forward_backward (both passes present), horovod (> 2 %).
// SageMaker rewrites these keys after every interval, so a key first seen
// at a later interval lands after the keys that existed before; WriteBatch
// reproduces that order.
#ifndef SMR_SRC_RULES_FRAMEWORK_CORRELATION_H_
#define SMR_SRC_RULES_FRAMEWORK_CORRELATION_H_

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/analysis.h"
#include "smr/status.h"
#include "smr/store.h"

namespace smr {

class StateReader;
class StateWriter;

enum class FrameworkEventClass {
  kCpuOperator,
  kGpuOperator,
  kStep,
  kForward,
  kBackward,
  kGeneral,
  kHorovod,
  kIgnored,
};
FrameworkEventClass ClassifyFrameworkEvent(std::string_view phase, TraceSource source);

// Insertion-ordered string -> integer total (Python dict semantics).
class OrderedTotals {
 public:
  int64_t& operator[](std::string_view key);
  bool empty() const { return items_.empty(); }
  const std::vector<std::pair<std::string, int64_t>>& items() const { return items_; }
  int64_t Sum() const;

 private:
  std::vector<std::pair<std::string, int64_t>> items_;
};

// phase -> operator -> µs, both in first-seen order.
using PhaseOperators = std::vector<std::pair<std::string, OrderedTotals>>;
OrderedTotals& PhaseSlot(PhaseOperators* p, std::string_view phase);

// Merges operators across phases, drops those <= threshold_pct % of the total
// and renormalises the rest to 100 % (`shares`); `totals` gets their µs.
void FilterOperators(const PhaseOperators& phases, double threshold_pct,
                     nlohmann::ordered_json* shares, nlohmann::ordered_json* totals);

// {key: value / Σ values · 100} in input order; {} when the sum is not > 0
// (SageMaker would divide by zero).
nlohmann::ordered_json Shares(const std::vector<std::pair<std::string, double>>& items);

// Horovod operations above 2 % of the Horovod total, as shares.
nlohmann::ordered_json HorovodShares(const OrderedTotals& horovod);

class FrameworkCorrelation {
 public:
  struct Interval {
    double start_us = 0;
    double end_us = 0;
  };

  // One batch = SageMaker's consecutive aggregator calls of one rule
  // evaluation, one call per interval, in `intervals` order, each over all
  // of `events` (indices into store.events(), in delivery order). Adds the
  // matching events to the cumulative buffers and writes the keys into
  // `details`. An empty batch writes nothing.
  void AddBatch(const MetricStore& store, const RowRuns& events,
                std::span<const Interval> intervals, nlohmann::ordered_json* details);

 private:
  friend class CorrelationPartial;
  friend class CorrelationReplay;
  // Bit per key group, in SageMaker's write order within one call.
  enum Group : unsigned {
    kCpuGroup = 1u << 0,
    kGpuGroup = 1u << 1,
    kGeneralGroup = 1u << 2,
    kForwardBackwardGroup = 1u << 3,
    kHorovodGroup = 1u << 4,
  };
  // The first call (interval index) at which each key group got an event.
  struct FirstCalls {
    uint32_t cpu, gpu, general, forward, backward, horovod;
  };
  // One delivered event overlapping `count` intervals, the first at `first_call`.
  struct Hit {
    uint32_t first_call;
    uint32_t pos;  // delivery position
    uint32_t event;
    int64_t count;
  };
  unsigned AvailableGroups() const;
  void WriteKeys(unsigned groups, nlohmann::ordered_json* details) const;
  static std::vector<Hit> FindHits(const EventColumns& ev, const RowRuns& events,
                                   std::span<const Interval> intervals);
  // Adds the hits' durations to the buffers.
  FirstCalls Accumulate(const MetricStore& store, const std::vector<Hit>& hits);
  // Replays the key creation of SageMaker's per-call writes.
  void ReplayWrites(unsigned before, const FirstCalls& first,
                    nlohmann::ordered_json* details) const;

  PhaseOperators cpu_events_;
  PhaseOperators gpu_events_;
  std::vector<std::pair<std::string, int64_t>> step_phases_;
  OrderedTotals forward_;
  OrderedTotals backward_;
  OrderedTotals general_;
  OrderedTotals horovod_;
};

// Sharded form of FrameworkCorrelation, for rules evaluated in two passes
// (Rule::two_pass): the second pass over each shard of nodes adds, per
// batch, the shard's events overlapping the batch's intervals to a
// CorrelationPartial; the merged partial, replayed by CorrelationReplay in
// Finish at the places where the one-process run calls AddBatch, writes
// exactly the keys, key order and values FrameworkCorrelation writes.
//
// A batch is identified by a number chosen by the rule, ascending in the
// order of the one-process run's AddBatch calls (CPUBottleneck: the window;
// StepOutlier can use (window << 32) | its index within the window); every
// shard must pass the same intervals, in the same order, for one batch. The
// state holds one total per key (operator, phase, pass or Horovod op) with
// its first hit (batch, interval, EventOrder), and per batch the first
// interval at which each key group got a hit: integer sums and minima, so
// merging is exact in any order.
class CorrelationPartial {
 public:
  // The shard's part of FrameworkCorrelation::AddBatch(store, events,
  // intervals) in batch `batch` (events: WindowPlan::events(w) of the shard).
  void AddBatch(uint64_t batch, const MetricStore& store, const RowRuns& events,
                std::span<const FrameworkCorrelation::Interval> intervals);
  // Adds the partial of other shards (never an error: keys may be in both).
  Status Merge(CorrelationPartial&& other);
  void Save(StateWriter* out) const;
  void Load(StateReader* in);
  bool empty() const { return keys_.empty(); }

 private:
  friend class CorrelationReplay;
  // Where a key was first hit: batch, then interval (call), then the event's
  // place in the whole input's reader order.
  struct First {
    uint64_t batch = UINT64_MAX;
    uint32_t call = UINT32_MAX;
    uint64_t order = UINT64_MAX;
    friend bool operator<(const First& a, const First& b) {
      if (a.batch != b.batch) return a.batch < b.batch;
      if (a.call != b.call) return a.call < b.call;
      return a.order < b.order;
    }
  };
  struct Total {
    First first;
    int64_t us = 0;
  };
  // (FrameworkEventClass, phase, name) -> total; phase / name "" where the
  // class does not key by it.
  using Key = std::tuple<uint8_t, std::string, std::string>;
  std::map<Key, Total> keys_;
  // batch -> first call with a hit of each group (cpu, gpu, general,
  // forward, backward, horovod; UINT32_MAX: none).
  using GroupCalls = std::array<uint32_t, 6>;
  std::map<uint64_t, GroupCalls> batches_;
};

// FrameworkCorrelation's writes, replayed from a merged CorrelationPartial
// in a rule's Finish (no raw data).
class CorrelationReplay {
 public:
  explicit CorrelationReplay(const CorrelationPartial& merged);
  // In place of FrameworkCorrelation::AddBatch(store, events, intervals,
  // details) for batch `batch` with `n_intervals` intervals (none: no write).
  void WriteBatch(uint64_t batch, size_t n_intervals, nlohmann::ordered_json* details) const;

 private:
  const CorrelationPartial& p_;
  FrameworkCorrelation totals_;  // the final buffers, in first-seen order
  // Per key group (as CorrelationPartial's): the batch of its first hit.
  std::array<uint64_t, 6> first_batch_{};
};

}  // namespace smr

#endif  // SMR_SRC_RULES_FRAMEWORK_CORRELATION_H_
