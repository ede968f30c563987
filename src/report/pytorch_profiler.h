// Building blocks of the "PyTorch profiler traces" section
// (sections/pytorch_profiler_section.cc) and of the facts a Kineto-only job
// shows in the overview and the job summary: number formats, the ranks
// whose detail is drawn, the breakdown charts and tables. All numbers come
// from the KinetoAnalysis (smr/kineto_analysis.h). Private to src/report.
#ifndef SMR_SRC_REPORT_PYTORCH_PROFILER_H_
#define SMR_SRC_REPORT_PYTORCH_PROFILER_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "smr/kineto_analysis.h"
#include "smr/report_model.h"

namespace smr {
namespace report_internal {

// The parts of a GPU breakdown in chart order, with their palette colours.
inline constexpr const char* kGpuParts[] = {"computation", "exposed communication", "memcpy",
                                            "memset", "idle"};
inline constexpr const char* kCpuParts[] = {"dataloader", "optimizer", "synchronization",
                                            "operators", "idle"};
std::vector<int64_t> GpuParts(const GpuBreakdown& g);  // ns, kGpuParts order
std::vector<int64_t> CpuParts(const CpuBreakdown& c);  // ns, kCpuParts order

// "12.3" (ms, one decimal), "0.123" (ms, three decimals below 1 ms), "0".
std::string Ms(int64_t ns);
// 100 * part / whole; 0 when whole <= 0.
double Pct(int64_t part, int64_t whole);
// "rank 3"; with the file when two analyses share a rank number.
std::string RankLabel(const KinetoAnalysis& k, size_t i);
// `name` cut to `max_chars` characters (UTF-8 safe) with "…" at the end;
// unchanged when it fits.
std::string ShortName(const std::string& name, size_t max_chars);

// The earliest event of any trace, ns: the origin of the section's time
// axes ("seconds since <UTC time>", TimeAxisLabel), which stay readable for
// traces of a few seconds.
int64_t TraceStartNs(const KinetoAnalysis& k);
std::string TimeAxisLabel(const KinetoAnalysis& k);

// Step durations of a rank, ns, in step order.
std::vector<double> StepDurations(const KinetoRankAnalysis& r);
// A rank's typical step: median step duration, or the stepped wall time
// without steps.
double TypicalStepNs(const KinetoRankAnalysis& r);

// The ranks whose detail is drawn: `open` shown as they are (the median
// rank, then the slowest when it differs; one rank: that rank), `folded`
// the others up to kMaxNodesDrawn in all (those whose RankLabel is in
// `flagged`, i.e. has a rule finding, first, then the slowest first),
// `left_out` how many are not drawn. Indices into KinetoAnalysis::ranks.
// Median and slowest by TypicalStepNs (median: the lower middle).
struct RankPick {
  std::vector<size_t> open;
  std::vector<size_t> folded;
  size_t left_out = 0;
  size_t median = 0, slowest = 0;
};
RankPick PickRanks(const KinetoAnalysis& k, const std::set<std::string>& flagged = {});

// Stacked bars per rank of the stepped GPU breakdown, % of the stepped wall
// time (0–100 axis), at most kMaxRankRows bars.
Chart GpuBreakdownChart(const KinetoAnalysis& k);
// The same numbers as a table (ms and %; with a GPU column when the ranks'
// GPUs differ), and the overlap / idle split.
Table GpuBreakdownTable(const KinetoAnalysis& k);
Table OverlapIdleTable(const KinetoAnalysis& k);
// CPU-side breakdown per rank: stacked % bars and a table.
Chart CpuBreakdownChart(const KinetoAnalysis& k);
Table CpuBreakdownTable(const KinetoAnalysis& k);
// Step time distribution per rank (min / median / p95 / max), the slowest
// rank highlighted.
Table StepDistributionTable(const KinetoAnalysis& k);
// One rank's steps as stacked bars (ms): GPU breakdown and CPU breakdown;
// at most kMaxStepBars steps (the slowest, in step order).
inline constexpr size_t kMaxStepBars = 50;
Chart StepGpuChart(const KinetoAnalysis& k, size_t i);
Chart StepCpuChart(const KinetoAnalysis& k, size_t i);

// pytorch_profiler_parts.cc:
// Busy share per stream over time (heatmap rows grouped by rank, one UTC
// axis over the ranks' spans) for `ranks` (indices), kTimelineColumns
// columns.
inline constexpr size_t kTimelineColumns = 240;
Chart StreamTimelineChart(const KinetoAnalysis& k, const std::vector<size_t>& ranks);
// Top kernels (name, type, count, total, mean, share) and top CPU operators
// (self, total, count) of one rank, at most kMaxRankRows rows; names longer
// than kMaxNameChars shortened, the full name in the cell's tooltip.
inline constexpr size_t kMaxNameChars = 60;
Table TopKernelsTable(const KinetoAnalysis& k, size_t i);
Table TopOperatorsTable(const KinetoAnalysis& k, size_t i);
// Launch statistics and synchronization per rank.
Table LaunchTable(const KinetoAnalysis& k);
Table SyncTable(const KinetoAnalysis& k);
// Allocated memory over time of the GPU devices of `ranks` (GB, UTC axis);
// no series when no rank has memory samples.
Chart MemoryChart(const KinetoAnalysis& k, const std::vector<size_t>& ranks);
// Per step number: the median, the slowest rank's duration and how late the
// late rank ended (ms), as a line chart over the step number and a table
// ranked by the slowest rank's excess over the median.
Chart SkewChart(const KinetoAnalysis& k);
Table SkewTable(const KinetoAnalysis& k);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_PYTORCH_PROFILER_H_
