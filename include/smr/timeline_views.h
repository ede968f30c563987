// Raw-data views for the report's timelines and slow steps
// (src/analysis/timeline_views.cc): utilization per time bucket, the system
// node of a framework node, the utilization and the framework activity
// during a time span, the slowest and the median step. Computed from the
// frozen store, once per call; the report formats them.
#ifndef SMR_TIMELINE_VIEWS_H_
#define SMR_TIMELINE_VIEWS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "smr/analysis.h"
#include "smr/store.h"

namespace smr {

// Mean of the samples of `series` in each of `columns` equal buckets of
// [t0_s, t1_s] (bucket k holds t0 + k·w <= t < t0 + (k+1)·w, w = (t1 - t0) /
// columns; a sample at exactly t1_s goes to the last bucket, samples outside
// to none). NaN where a bucket has no sample. Every sample weighs the same,
// so for series sampled together it is the mean of their per-timestamp mean.
std::vector<double> BucketMeans(const MetricStore& store, const std::vector<uint32_t>& series,
                                double t0_s, double t1_s, size_t columns);

// The system node whose metrics go with a framework node's events:
// "algo-1-27" -> "algo-1" (the longest system node id equal to it or
// followed by '-'); the only system node when there is one; else -1.
int64_t SystemNodeOf(const MetricStore& store, StrId framework_node);

// Mean utilization (%) of one system node over its samples with a timestamp
// in [t0_s, t1_s]: CPU (all cores), GPU (all GPUs), I/O wait (all cores);
// NaN when the node has no such sample there. `samples`: distinct
// timestamps of the CPU samples used.
struct SpanUsage {
  double cpu = 0, gpu = 0, io_wait = 0;
  int64_t samples = 0;
};
SpanUsage UsageDuring(const MetricStore& store, StrId node, double t0_s, double t1_s);

// Time (µs) inside [start_us, end_us] per event name of the non-step events
// of one node (from FrameworkEventsOfNode), largest first (ties by name
// id), at most `limit`.
struct EventTime {
  StrId name = 0;
  StrId phase = 0;  // of the event that contributed most
  double us = 0;
};
std::vector<EventTime> EventTimeInside(const MetricStore& store,
                                       const std::vector<uint32_t>& node_events, int64_t start_us,
                                       int64_t end_us, size_t limit);

// The slowest steps of one phase next to a typical one: the phase is
// "Step:ModeKeys.TRAIN" when there are TRAIN steps, else the step phase
// with most steps; over all nodes. `slowest`: the `n` longest steps
// (indices into timeline.steps; ties by start); `median`: the step whose
// duration is the (lower) median of the phase.
struct SlowSteps {
  StrId phase = 0;
  int64_t count = 0;  // steps of the phase
  std::vector<uint32_t> slowest;
  uint32_t median = 0;
  double median_s = 0;
};
SlowSteps FindSlowSteps(const MetricStore& store, const JobTimeline& timeline, size_t n);

}  // namespace smr

#endif  // SMR_TIMELINE_VIEWS_H_
