// Network traffic in a time span (smr/analysis.h NetworkBytesBetween): the
// report's findings use it to show the download before the first step and
// the upload after the last one.
#include <algorithm>

#include "smr/analysis.h"

namespace smr {

NetworkBytes NetworkBytesBetween(const MetricStore& store, double start_s, double end_s,
                                 double max_gap_s) {
  NetworkBytes out;
  const SystemColumns& sys = store.system();
  const std::vector<SeriesInfo>& series = store.series();
  for (uint32_t id = 0; id < series.size(); ++id) {
    const MetricKind kind = series[id].kind;
    double* total = nullptr;
    if (kind == MetricKind::kNetRxAlgorithm || kind == MetricKind::kNetTxAlgorithm) {
      total = &out.algorithm;
    } else if (kind == MetricKind::kNetRxPlatform || kind == MetricKind::kNetTxPlatform) {
      total = &out.platform;
    } else {
      continue;
    }
    const std::span<const uint32_t> rows = store.SeriesRows(id);
    for (size_t i = 0; i < rows.size(); ++i) {
      const double t = sys.ts(rows[i]);
      if (t < start_s || t >= end_s) continue;
      const double next = i + 1 < rows.size() ? sys.ts(rows[i + 1]) : t;
      const double dt = std::min({next - t, max_gap_s, end_s - t});
      if (dt > 0) *total += sys.value(rows[i]) * dt;
    }
  }
  return out;
}

}  // namespace smr
