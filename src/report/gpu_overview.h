// All GPUs of the job at a glance: one row per node, one column per GPU,
// each cell the GPU's median utilization during the training loop, the GPUs
// that stand out from the others marked and their nodes' rows highlighted
// (cross_rank.h). Compact whatever the node count: at most kMaxRankRows
// rows, nodes with an outlier first. Private to src/report.
#ifndef SMR_SRC_REPORT_GPU_OVERVIEW_H_
#define SMR_SRC_REPORT_GPU_OVERVIEW_H_

#include <optional>
#include <string>

#include "smr/report_builder.h"
#include "smr/report_model.h"

namespace smr {
namespace report_internal {

struct GpuOverview {
  std::string summary;  // "Median GPU utilization ... over the 16 GPUs: min ..., ...; ..."
  Table table;
  size_t nodes = 0, gpus = 0, outliers = 0;
};

// Markers after a cell value of a GPU below / above the others.
inline constexpr const char* kLowMark = " ▼";
inline constexpr const char* kHighMark = " ▲";

// Nullopt without raw data or GPU utilization.
std::optional<GpuOverview> GpuUtilizationOverview(const ReportInputs& in);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_GPU_OVERVIEW_H_
