// Network traffic in a time span (smr/analysis.h NetworkBytesBetween): the
// report's findings use it to show the download before the first step and
// the upload after the last one.
#include <algorithm>

#include "smr/analysis.h"
#include "smr/job_digest.h"

namespace smr {

NetworkBytes NetworkBytesBetween(const MetricStore& store, double start_s, double end_s,
                                 double max_gap_s) {
  // Per series, then over series in reader order (smr/job_digest.h), so a
  // job read in shards adds the very same numbers in the same order.
  return SumNetworkBytes(NetworkTrafficPerSeries(store, start_s, end_s, max_gap_s));
}

}  // namespace smr
