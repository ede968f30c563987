// Job timing (job_timing.h).
#include "src/report/job_timing.h"

#include <cmath>

#include "src/report/blocks.h"

namespace smr {
namespace report_internal {

JobTiming Timing(const ReportContext& ctx) {
  const ReportInputs& in = ctx.in();
  JobTiming t;
  // With raw data the summary covers all of it: the timeline (job
  // start/end from every system sample, first/last step start). The rule
  // JSON's Details hold the same values over the rule windows only, which
  // by default stop where SageMaker stops; they are used when the report
  // is rendered from rule JSONs alone.
  const RuleResult* r = in.timeline ? nullptr : ctx.Result("MaxInitializationTime");
  Json from_timeline;
  if (!r && in.timeline) {
    const JobTimeline& tl = *in.timeline;
    if (tl.has_system) {
      from_timeline["job_start"] = tl.job_start_s;
      from_timeline["job_end"] = tl.job_end_s;
    }
    if (tl.has_steps) {
      from_timeline["step_num"]["first"] = tl.first_step_start_us;
      from_timeline["step_num"]["last"] = tl.last_step_start_us;
    }
  } else if (!r) {
    return t;
  }
  const Json& d = r ? r->details : from_timeline;
  t.start_s = Num(d, "job_start");
  t.end_s = Num(d, "job_end");
  t.has_job = std::isfinite(t.start_s) && std::isfinite(t.end_s);
  if (!t.has_job) return t;
  t.job_duration = t.end_s - t.start_s;
  if (HasObject(d, "step_num")) {
    const double first = Num(d["step_num"], "first");
    const double last = Num(d["step_num"], "last");
    if (std::isfinite(first) && std::isfinite(last)) {
      t.has_steps = true;
      t.first_s = first / 1e6;
      t.last_s = last / 1e6;
      t.loop = (last - first) / 1e6;
      t.init = first / 1e6 - t.start_s;
      t.fin = std::fabs(t.end_s - last / 1e6);
      const double parts = t.init + t.loop + t.fin;  // the job duration when the
                                                     // last step starts before the end
      if (parts > 0) {
        t.init_pct = 100 * t.init / parts;
        t.loop_pct = 100 * t.loop / parts;
        t.fin_pct = 100 * t.fin / parts;
      }
    }
  }
  return t;
}

std::string FormatSeconds(double seconds) { return FormatNumber(seconds, 0) + " seconds"; }

std::string FormatPercent(double pct) { return FormatNumber(pct, 1) + " %"; }

}  // namespace report_internal
}  // namespace smr
