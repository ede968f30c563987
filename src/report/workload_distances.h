// The LoadBalancing rule's pair test, recomputed from the workload
// histograms in its JSON Details: the rule keeps only the latest distance
// of imbalanced pairs, and a report rendered from rule JSONs must show every
// pair. Mirrors src/rules/load_balancing.cc (Jensen–Shannon distance of the
// normalised histograms, difference of the histogram means) on the JSON's
// numbers, so the report needs no raw data. Private to src/report.
#ifndef SMR_SRC_REPORT_WORKLOAD_DISTANCES_H_
#define SMR_SRC_REPORT_WORKLOAD_DISTANCES_H_

#include <string>
#include <utility>
#include <vector>

namespace smr {
namespace report_internal {

struct WorkloadPair {
  std::string a, b;
  double d;
  double difference;  // of the mean utilizations, percentage points
  bool flagged;
};

// Every pair of GPUs (i < j in the given order), flagged first, then by
// falling distance.
std::vector<WorkloadPair> WorkloadPairs(
    const std::vector<std::pair<std::string, std::vector<double>>>& hists, double threshold,
    double min_difference);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_WORKLOAD_DISTANCES_H_
