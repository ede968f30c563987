// Job timing as SageMaker's report derives it (§2.1): job start/end, the
// training loop (first to last step start), initialization and
// finalization, in seconds and as shares of the job. Used by the overview
// and the "Training job summary" section. Private to src/report.
#ifndef SMR_SRC_REPORT_JOB_TIMING_H_
#define SMR_SRC_REPORT_JOB_TIMING_H_

#include <cstdint>

#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

struct JobTiming {
  bool has_job = false;
  double start_s = 0, end_s = 0;
  bool has_steps = false;
  double first_s = 0, last_s = 0;
  int64_t job_duration = 0, loop = 0, init = 0, fin = 0;
  int64_t init_pct = 0, loop_pct = 0, fin_pct = 0;
};

// From the timeline when there is raw data (all of it), else from
// MaxInitializationTime's Details (render from rule JSONs).
JobTiming Timing(const ReportContext& ctx);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_JOB_TIMING_H_
