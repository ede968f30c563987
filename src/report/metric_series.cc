// Recorded system metrics as chart points (metric_series.h).
#include "src/report/metric_series.h"

#include <map>
#include <utility>

namespace smr {
namespace report_internal {

std::vector<ChartPoint> SeriesPoints(const MetricStore& st, uint32_t series) {
  std::vector<ChartPoint> pts;
  for (uint32_t row : st.SeriesRows(series)) {
    pts.push_back({st.system().ts(row), st.system().value(row)});
  }
  return pts;
}

std::vector<ChartPoint> AveragePerTimestamp(const MetricStore& st,
                                            const std::vector<uint32_t>& series) {
  std::map<double, std::pair<double, int>> acc;
  for (uint32_t s : series) {
    for (uint32_t row : st.SeriesRows(s)) {
      auto& a = acc[st.system().ts(row)];
      a.first += st.system().value(row);
      a.second += 1;
    }
  }
  std::vector<ChartPoint> pts;
  pts.reserve(acc.size());
  for (const auto& [ts, a] : acc) pts.push_back({ts, a.first / a.second});
  return pts;
}

}  // namespace report_internal
}  // namespace smr
