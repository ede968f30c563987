// Recorded system metrics as chart points, as they are (one point per
// sample, or the average of a group of series per timestamp). Private to
// src/report.
#ifndef SMR_SRC_REPORT_METRIC_SERIES_H_
#define SMR_SRC_REPORT_METRIC_SERIES_H_

#include <cstdint>
#include <vector>

#include "smr/report_model.h"
#include "smr/store.h"

namespace smr {
namespace report_internal {

// Every sample of one series.
std::vector<ChartPoint> SeriesPoints(const MetricStore& st, uint32_t series);

// Average over the series of one kind per timestamp (e.g. total CPU).
std::vector<ChartPoint> AveragePerTimestamp(const MetricStore& st,
                                            const std::vector<uint32_t>& series);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_METRIC_SERIES_H_
