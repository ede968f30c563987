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

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "smr/analysis.h"
#include "smr/store.h"

namespace smr {

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

}  // namespace smr

#endif  // SMR_SRC_RULES_FRAMEWORK_CORRELATION_H_
