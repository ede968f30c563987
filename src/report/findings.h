// The report's findings: what is wrong, ranked by the training time it
// probably costs, with where and when, the evidence and what to do. This is
// the report's own analysis on top of the rule results (the rule JSONs stay
// as SageMaker writes them); docs/report.md describes the estimates.
//
// Symptoms and causes: LowGPUUtilization and BatchSize say that GPUs sat
// idle; CPUBottleneck, IOBottleneck and LoadBalancing say why. An idle GPU
// in a window where a cause fired (CPU/IO bottleneck: the same window;
// LoadBalancing: the same GPU) is counted for the cause, so a CPU-bottleneck
// job leads with the CPU bottleneck, not with the low utilization it causes.
// Firings before the first step or after the last one belong to
// initialization or finalization and get advice for those stages (data
// download, checkpoint upload), with the network traffic that explains them.
// Private to src/report.
#ifndef SMR_SRC_REPORT_FINDINGS_H_
#define SMR_SRC_REPORT_FINDINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "smr/report_model.h"
#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

enum class Stage { kInitialization, kTraining, kFinalization, kJob };

// "initialization", "training", "finalization", "job".
const char* StageName(Stage stage);

// Where the training loop lies (epoch microseconds): from the first step's
// start to the last step's end. Without steps every window is kJob.
struct StageBounds {
  bool has_steps = false;
  int64_t first_step_us = 0;
  int64_t last_step_end_us = 0;
};
StageBounds StageBoundsOf(const ReportContext& ctx);

// The stage of the 60 s rule window starting at `window_start_us`: training
// when at least half of it lies in the training loop, else initialization
// (before the loop) or finalization (after it).
Stage StageOfWindow(const StageBounds& b, int64_t window_start_us);

// The findings, most costly first; empty when nothing was found (the
// section then says the job looks healthy).
std::vector<FindingItem> RankedFindings(const ReportContext& ctx);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_FINDINGS_H_
