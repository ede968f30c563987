// Headline facts of a job's PyTorch-profiler traces (ranks, GPUs, traced
// span, steps) for the overview, the Training job summary, findings.json
// and the PyTorch profiler section, so all four say the same. Private to
// src/report.
#ifndef SMR_SRC_REPORT_KINETO_FACTS_H_
#define SMR_SRC_REPORT_KINETO_FACTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "smr/kineto_analysis.h"
#include "smr/report_builder.h"

namespace smr {
namespace report_internal {

struct KinetoFacts {
  int64_t traces = 0;
  int64_t ranks = 0;      // distinct rank numbers
  int64_t gpu_ranks = 0;  // traces with GPU activity
  // Distinct GPU names in rank order ("NVIDIA A100-SXM4-40GB").
  std::vector<std::string> gpu_names;
  // "8 GPUs (NVIDIA A100-SXM4-40GB)", "1 GPU", "no GPU activity".
  std::string gpus_text;
  // The traced span: earliest start and latest end over the traces, s since
  // the epoch.
  double start_s = 0, end_s = 0;
  // Steps per trace: the least and the most (0, 0 without steps).
  int64_t steps = 0, steps_max = 0;
};

KinetoFacts FactsOf(const KinetoAnalysis& k);
// The report has PyTorch-profiler traces (ReportInputs::kineto, not empty).
bool HasTraces(const ReportInputs& in);
// "12 steps", "10 to 12 steps".
std::string StepsText(const KinetoFacts& f);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_KINETO_FACTS_H_
