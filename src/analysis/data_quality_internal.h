// The parts of the data-quality summary (data_quality.h) that are built in
// their own files: the per-node time analysis (data_quality_time.cc).
#ifndef SMR_SRC_ANALYSIS_DATA_QUALITY_INTERNAL_H_
#define SMR_SRC_ANALYSIS_DATA_QUALITY_INTERNAL_H_

#include <map>
#include <string>

#include "smr/data_quality.h"
#include "smr/store.h"

namespace smr {

// The entry of node `name` in `nodes`, created on first use.
DqNode* NodeFor(std::map<std::string, DqNode>* nodes, const std::string& name);

// Sample counts, time range, ordering, sampling interval and gaps of every
// system node.
void AnalyseSystemTime(const MetricStore& store, std::map<std::string, DqNode>* nodes);

// Event counts and time range of every framework-trace node.
void AnalyseFrameworkTime(const MetricStore& store, std::map<std::string, DqNode>* nodes);

}  // namespace smr

#endif  // SMR_SRC_ANALYSIS_DATA_QUALITY_INTERNAL_H_
