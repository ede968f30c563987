// The outlier steps of every rank (framework process) and phase, and the
// same slow steps grouped by step number across ranks: in a data-parallel
// job a step that stalls stalls on every rank ("steps 60, 120, ... are slow
// on all 16 ranks"), while a rank-specific stall points at one process or
// node. Computed from the timeline, with the StepOutlier rule's threshold
// (mean + k·σ of the rank's phase, population σ). Private to src/report.
#ifndef SMR_SRC_REPORT_SLOW_STEPS_H_
#define SMR_SRC_REPORT_SLOW_STEPS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "smr/analysis.h"
#include "smr/store.h"

namespace smr {
namespace report_internal {

// One rank's steps of one phase.
struct RankPhaseSteps {
  const NodePhaseSteps* np = nullptr;
  std::string rank;                // "algo-1-27"
  std::string phase;               // "TRAIN"
  std::vector<double> durs;        // seconds, in step order
  double threshold = 0;            // mean + k·σ
  double median = 0;               // median step duration (s)
  std::vector<uint32_t> outliers;  // JobTimeline::steps indices above the threshold, slowest first
};

// Every (rank, phase) of the timeline, in its order.
std::vector<RankPhaseSteps> OutlierStepsPerRank(const MetricStore& st, const JobTimeline& tl,
                                                double k);

// One step number of one phase that is an outlier on at least one rank.
struct SlowStepGroup {
  std::string phase;
  int64_t step = 0;
  size_t ranks_in_phase = 0;
  // (index into the ranks vector, JobTimeline::steps index) of each rank on
  // which the step is an outlier.
  std::vector<std::pair<size_t, uint32_t>> slow;
  double median_ratio = 0;     // median over those ranks of duration / the rank's median step
  double median_duration = 0;  // median over those ranks of the duration (s)
  int64_t first_start_us = 0;  // earliest start among them
  bool OnAllRanks() const { return ranks_in_phase > 1 && slow.size() == ranks_in_phase; }
};

// The slow steps grouped by (phase, step number): those slow on every rank
// of their phase first, then by the number of ranks, the slowdown and the
// step number.
std::vector<SlowStepGroup> GroupSlowSteps(const JobTimeline& tl,
                                          const std::vector<RankPhaseSteps>& ranks);

// "60, 120, 180, … (25 steps)": at most `shown` step numbers in ascending
// order, then the count.
std::string StepList(std::vector<int64_t> steps, size_t shown = 8);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_SLOW_STEPS_H_
