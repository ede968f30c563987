// JobDigest: what the findings and the report's job summary read from the
// raw data besides the rule results -- the job's steps and, per system
// series, its time range and first samples -- from one shard of the input
// (smr/shard.h), merged exactly over shards (docs/scaling.md). ToStore()
// makes a small MetricStore of it whose timeline (BuildTimeline), nodes,
// series per node and first samples per series are those of the whole
// job's store; its sample values and other events are NOT the job's (only
// a few of each series' samples are kept), so nothing may compute
// statistics of the samples from it.
#ifndef SMR_JOB_DIGEST_H_
#define SMR_JOB_DIGEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "smr/analysis.h"
#include "smr/state_io.h"
#include "smr/status.h"
#include "smr/store.h"

namespace smr {

struct JobDigest {
  // Samples kept per series, in time order: the first kFirstRows and the
  // last one.
  static constexpr size_t kFirstRows = 201;

  struct Series {
    std::string node, type, name, dimension;
    uint64_t first_order = 0;  // RowOrder of its first row in reader order
    std::vector<double> ts, value;
  };
  struct Step {
    uint64_t order = 0;  // EventOrder
    std::string name, phase, node;
    int64_t step = -1, start_us = 0, end_us = 0, os_pid = -1, tid = -1;
    int32_t worker_id = -1, num_workers = -1;
    int8_t pin_memory = -1;
    TraceSource source = TraceSource::kPythonTimeline;
  };
  std::vector<Series> series;
  std::vector<Step> steps;

  Status Merge(JobDigest&& other);
  void Save(StateWriter* out) const;
  Status Load(StateReader* in);
  // The store described above, series and steps in the whole input's order.
  MetricStore ToStore() const;
};

JobDigest CollectJobDigest(const MetricStore& store);

// Network traffic (smr/analysis.h NetworkBytesBetween) of each network
// series between start_s and end_s, keyed like JobDigest::Series; summed
// over series in first_order by SumNetworkBytes, the same way for a whole
// store and for the merged parts of shards.
struct SeriesTraffic {
  uint64_t first_order = 0;
  bool platform = false;  // Dimension Platform, else Algorithm
  double bytes = 0;
};
std::vector<SeriesTraffic> NetworkTrafficPerSeries(const MetricStore& store, double start_s,
                                                   double end_s, double max_gap_s = 10);
NetworkBytes SumNetworkBytes(std::vector<SeriesTraffic> parts);

}  // namespace smr

#endif  // SMR_JOB_DIGEST_H_
