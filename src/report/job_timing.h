// Job timing as SageMaker's report derives it (§2.1): job start/end, the
// training loop (first to last step start), initialization and
// finalization, in seconds and as shares of the job. Used by the overview
// and the "Training job summary" section. Private to src/report.
#ifndef SMR_SRC_REPORT_JOB_TIMING_H_
#define SMR_SRC_REPORT_JOB_TIMING_H_

#include <cstdint>
#include <string>

#include "src/report/report_context.h"

namespace smr {
namespace report_internal {

struct JobTiming {
  bool has_job = false;
  double start_s = 0, end_s = 0;
  bool has_steps = false;
  double first_s = 0, last_s = 0;
  // Seconds, unrounded: every text, table and chart formats these same
  // values (FormatSeconds, FormatPercent), so they agree to the digit.
  double job_duration = 0, loop = 0, init = 0, fin = 0;
  // Shares of the job (percent of job_duration); the three add up to 100.
  double init_pct = 0, loop_pct = 0, fin_pct = 0;
};

// "120 seconds" (rounded to the nearest second).
std::string FormatSeconds(double seconds);
// "68.8 %" (rounded to one decimal).
std::string FormatPercent(double pct);

// From the timeline when there is raw data (all of it), else from
// MaxInitializationTime's Details (render from rule JSONs).
JobTiming Timing(const ReportContext& ctx);

}  // namespace report_internal
}  // namespace smr

#endif  // SMR_SRC_REPORT_JOB_TIMING_H_
