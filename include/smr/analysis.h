// Correlation stage: derives from the frozen store
//  - the job timeline (job start/end from system data, steps per node and
//    phase, training loop, initialization, finalization, phase intervals);
//  - the 60-second window plan the rules walk (docs/rules.md §1).
// Everything here is computed once and read by rules and the report builder.
#ifndef SMR_ANALYSIS_H_
#define SMR_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "smr/discover.h"
#include "smr/store.h"

namespace smr {

struct StepEvent {
  uint32_t event = 0;  // index into EventColumns
  StrId node = 0;      // framework node id (e.g. "algo-1-27")
  StrId phase = 0;     // "Step:ModeKeys.TRAIN", ...
  int64_t step = -1;
  int64_t start_us = 0;
  int64_t end_us = 0;
};

// One contiguous stretch of the job: a run of one step phase, the gap
// between two runs, before the first step or after the last one.
struct PhaseInterval {
  std::string label;  // "TRAIN", "EVAL", "Before first step",
                      // "Between TRAIN and EVAL", "After last step", ...
  std::string phase;  // short phase ("TRAIN") or "" for gaps
  int64_t start_us = 0;
  int64_t end_us = 0;
};

struct StepStats {
  int64_t count = 0;
  double mean_s = 0, min_s = 0, max_s = 0, p50_s = 0, p95_s = 0, p99_s = 0;
};

struct NodePhaseSteps {
  StrId node = 0;
  StrId phase = 0;
  std::vector<uint32_t> steps;  // indices into JobTimeline::steps, by start
  StepStats stats;
};

struct JobTimeline {
  bool has_system = false;
  double job_start_s = 0;  // min system timestamp
  double job_end_s = 0;    // max system timestamp
  bool has_steps = false;
  int64_t first_step_start_us = 0;            // first Step:ModeKeys* start
  int64_t last_step_start_us = 0;             // start of the last step (SageMaker's
                                              // "training loop end")
  int64_t last_step_end_us = 0;               // end of the last step
  std::vector<StepEvent> steps;               // sorted by (start, event index)
  std::vector<NodePhaseSteps> by_node_phase;  // sorted (node, phase)
  std::vector<PhaseInterval> phases;          // job timeline partition, in time order
};

JobTimeline BuildTimeline(const MetricStore& store);

// Linear-interpolated quantile of sorted data, q in [0,1] (numpy default).
double QuantileSorted(std::span<const double> sorted, double q);
// Same on unsorted data (copies; selects the needed order statistics).
double Quantile(std::span<const double> values, double q);
// Several quantiles of unsorted data at once: out[i] = quantile qs[i],
// bit for bit what QuantileSorted gives on the sorted data, in O(n) on
// average (nth_element selects exactly the elements a sort would put at
// the interpolation indices). `scratch` is overwritten.
void Quantiles(std::span<const double> values, std::span<const double> qs, std::span<double> out,
               std::vector<double>* scratch);

// The 60 s windows of SageMaker's ProfilerReport (docs/rules.md §1):
// [t0 + k·60 s, t0 + (k+1)·60 s], system samples inclusive at both
// ends, framework events that overlap the window. t0 = earliest file-name
// timestamp (system, or framework if earlier) among the files that yielded
// at least one record. By default the walk stops where SageMaker's does: it
// runs while the window start is before the "latest timestamp" (the latest
// system file-name timestamp, or the latest framework one if that is
// smaller), so the data after the last window is not evaluated by the
// rules. WindowPlanOptions::analyze_trailing_data makes the windows continue
// until every sample and event is covered.
struct WindowPlanOptions {
  int64_t window_us = 60'000'000;
  bool analyze_trailing_data = false;
};

// What the plan leaves to the rules and what it leaves out (for the report).
struct WindowCoverage {
  bool stops_like_sagemaker = true;  // false with analyze_trailing_data
  int64_t latest_file_ts_us = 0;     // SageMaker's "latest timestamp" (0: none)
  // System samples / framework events delivered to no window: after the
  // last window (its end) or, in SageMaker's mode, before the first.
  int64_t system_rows_after = 0;
  int64_t events_after = 0;
  int64_t system_rows_before = 0;
  int64_t events_before = 0;
  // Seconds of system data after the end of the last window: latest system
  // sample minus the end of the last window (0 when nothing is left out).
  double system_seconds_after = 0;
};

// The rows of one window: ascending runs of consecutive rows, iterated as
// row numbers. A window's samples mostly come from a few files, so a few
// runs stand for millions of rows (4 bytes a sample saved over a list).
struct RowRun {
  uint32_t begin = 0, end = 0;  // [begin, end), never empty
};
class RowRuns {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const uint32_t*;
    using reference = uint32_t;
    iterator() = default;
    iterator(const RowRun* run, const RowRun* end)
        : run_(run), end_(end), row_(run != end ? run->begin : 0) {}
    uint32_t operator*() const { return row_; }
    iterator& operator++() {
      if (++row_ == run_->end) {
        ++run_;
        row_ = run_ != end_ ? run_->begin : 0;
      }
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const { return run_ == o.run_ && row_ == o.row_; }

   private:
    const RowRun* run_ = nullptr;
    const RowRun* end_ = nullptr;
    uint32_t row_ = 0;
  };
  RowRuns(const RowRun* begin, const RowRun* end) : begin_(begin), end_(end) {}
  iterator begin() const { return {begin_, end_}; }
  iterator end() const { return {end_, end_}; }
  bool empty() const { return begin_ == end_; }
  size_t size() const {
    size_t n = 0;
    for (const RowRun* r = begin_; r != end_; ++r) n += r->end - r->begin;
    return n;
  }
  std::span<const RowRun> runs() const { return {begin_, end_}; }

 private:
  const RowRun* begin_;
  const RowRun* end_;
};

// The plan of a job whose input is read in shards of nodes (smr/shard.h):
// every shard tells what it saw (PlanFacts), the facts are merged, and the
// layout made from them (PlanLayout) is what each shard's WindowPlan uses,
// so every shard walks the very windows one process would.
struct PlanFacts {
  // File-name timestamps (µs; 0: none) of the files that yielded a record:
  // the earliest and latest system and framework ones.
  int64_t sys_first = 0, sys_latest = 0, fw_first = 0, fw_latest = 0;
  bool has_data = false;  // any system sample or framework event
  // Without usable file names: the earliest datum, floored to a second.
  int64_t earliest_datum_us = std::numeric_limits<int64_t>::max();
  // For windows that run to the end of the data: the latest sample and the
  // latest event end (or start, if later).
  double max_sample_s = -std::numeric_limits<double>::infinity();
  int64_t max_event_us = std::numeric_limits<int64_t>::min();
  // Adds the facts of other files (associative and commutative).
  void Merge(const PlanFacts& other);
};
PlanFacts CollectPlanFacts(const MetricStore& store, const Discovery& discovery);

struct PlanLayout {
  bool has_data = false;
  int64_t window_us = 60'000'000;
  int64_t t0_us = 0;
  int64_t latest_file_ts_us = 0;
  bool sagemaker_stop = true;
  bool stops_like_sagemaker = true;
  int64_t n_full = 0;  // windows from t0 on, before compaction
  // More than 64 Ki windows (a clock jump): which blocks of 1024 windows
  // hold data, from UsedWindowBlocks over every shard (OR-ed). Empty: no
  // compaction is needed.
  std::vector<uint8_t> used_blocks;
  bool NeedsBlocks() const;
};
PlanLayout MakePlanLayout(const PlanFacts& facts, const WindowPlanOptions& options = {});
// The blocks of 1024 windows a store's data falls in, for a layout that
// NeedsBlocks(); OR the shards' vectors into PlanLayout::used_blocks.
std::vector<uint8_t> UsedWindowBlocks(const MetricStore& store, const PlanLayout& layout);

class WindowPlan {
 public:
  static constexpr int64_t kWindowUs = 60'000'000;

  WindowPlan() = default;
  WindowPlan(const MetricStore& store, const Discovery& discovery,
             const WindowPlanOptions& options = {});
  // The windows of `layout` over the rows and events of `store` (a shard of
  // the input or all of it); coverage() counts this store's records only.
  WindowPlan(const MetricStore& store, const PlanLayout& layout);

  size_t size() const { return starts_.size(); }
  int64_t first_timestamp_us() const { return t0_us_; }
  int64_t start_us(size_t w) const { return starts_[w]; }
  int64_t end_us(size_t w) const { return starts_[w] + window_us_; }
  // End of the last window (t0 when there is none).
  int64_t evaluated_end_us() const { return starts_.empty() ? t0_us_ : end_us(size() - 1); }
  const WindowCoverage& coverage() const { return coverage_; }
  // Adds what another shard's plan over the same layout left out (counts
  // add up, the seconds after the last window are the most of any shard).
  void AddCoverage(const WindowCoverage& other);
  // System rows in the window, in reader order.
  RowRuns system_rows(size_t w) const {
    return {sys_runs_.data() + sys_begin_[w], sys_runs_.data() + sys_begin_[w + 1]};
  }
  // Framework events overlapping the window, in store order.
  RowRuns events(size_t w) const {
    return {ev_runs_.data() + ev_begin_[w], ev_runs_.data() + ev_begin_[w + 1]};
  }

 private:
  int64_t t0_us_ = 0;
  int64_t window_us_ = kWindowUs;
  WindowCoverage coverage_;
  std::vector<int64_t> starts_;
  std::vector<RowRun> sys_runs_;
  std::vector<uint32_t> sys_begin_{0};
  std::vector<RowRun> ev_runs_;
  std::vector<uint32_t> ev_begin_{0};
};

// Everything a rule may read. All members outlive the evaluation.
struct KinetoAnalysis;  // smr/kineto_analysis.h

struct AnalysisContext {
  const MetricStore* store = nullptr;
  const JobTimeline* timeline = nullptr;
  const WindowPlan* windows = nullptr;
  // The analyses of the store's PyTorch-profiler traces (null or empty when
  // there are none).
  const KinetoAnalysis* kineto = nullptr;
};

// ---- Raw-data views for the report (src/analysis/report_views.cc) ---------
// Figures the report shows beside the rule results that neither the rules
// nor the timeline keep: computed here from the frozen store, once per call.

// Framework event indices of one node, sorted by start time.
std::vector<uint32_t> FrameworkEventsOfNode(const MetricStore& store, StrId node);

// Time (microseconds) per phase of the non-step events of one node (from
// FrameworkEventsOfNode) that overlap [start_us, end_us], largest first
// (ties in phase-id order). Empty when nothing overlaps.
std::vector<std::pair<double, StrId>> PhaseTimeInside(const MetricStore& store,
                                                      const std::vector<uint32_t>& node_events,
                                                      int64_t start_us, int64_t end_us);

// Distinct data-loader processes (os pids of DataLoaderWorker and
// DataLoaderIter events) per second of event start, by epoch second.
std::map<int64_t, size_t> DataLoaderProcessesPerSecond(const MetricStore& store);

// Whether any GPU utilization series was recorded.
bool HasGpuUtilization(const MetricStore& store);

// GPU utilization samples per minute (epoch minute), one per distinct
// (node, timestamp).
std::map<int64_t, double> GpuSamplesPerMinute(const MetricStore& store);

// Mean value per training phase label (timeline.phases, first-seen label
// order) of each group of series: sums[g][i] = (sum, n) of the samples of
// groups[g] that fall in a phase labelled labels[i]; seconds[i] = the time
// spent in that label.
struct PhaseMeans {
  std::vector<std::string> labels;
  std::vector<double> seconds;
  std::vector<std::vector<std::pair<double, int64_t>>> sums;
};
PhaseMeans MeanPerPhase(const MetricStore& store, const JobTimeline& timeline,
                        const std::vector<const std::vector<uint32_t>*>& groups);

// Bytes moved over the network between start_s and end_s (epoch seconds),
// all nodes, received plus transmitted: `algorithm` is the training
// container's own traffic (Dimension Algorithm), `platform` SageMaker's
// (Dimension Platform: input download in File mode, model and checkpoint
// upload). Each sample's rate (bytes/s) counts for the time until the
// series' next sample, at most `max_gap_s`.
struct NetworkBytes {
  double algorithm = 0;
  double platform = 0;
};
NetworkBytes NetworkBytesBetween(const MetricStore& store, double start_s, double end_s,
                                 double max_gap_s = 10);

}  // namespace smr

#endif  // SMR_ANALYSIS_H_
