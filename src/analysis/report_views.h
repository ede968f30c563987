// Per-series percentiles for the report's all-GPUs overview
// (src/report/gpu_overview.h). The other report views are declared in
// smr/analysis.h; this one is kept beside its implementation
// (report_views.cc).
#ifndef SMR_SRC_ANALYSIS_REPORT_VIEWS_H_
#define SMR_SRC_ANALYSIS_REPORT_VIEWS_H_

#include <cstdint>
#include <vector>

#include "smr/store.h"

namespace smr {

// Median and 95th percentile of one series' samples in [t0_s, t1_s]
// (seconds; all samples when t1_s < t0_s). n = 0 when none fall inside.
struct SeriesSummary {
  uint32_t series = 0;
  double p50 = 0, p95 = 0;
  int64_t n = 0;
};
std::vector<SeriesSummary> SummarizeSeries(const MetricStore& store,
                                           const std::vector<uint32_t>& series, double t0_s,
                                           double t1_s);

}  // namespace smr

#endif  // SMR_SRC_ANALYSIS_REPORT_VIEWS_H_
