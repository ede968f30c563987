// ComputeJobCost (include/smr/compare.h): what a job cost.
//
//   cost = billed seconds x instance count x hourly price / 3600
//
// The billed seconds are BillableTimeInSeconds of the job's
// describe-training-job JSON (per instance, as AWS reports it), else the
// profiled job duration (the note says so). With managed spot training the
// saving is 1 - BillableTimeInSeconds / TrainingTimeInSeconds.
// Example: 18,262 s on one ml.p3.2xlarge at $3.825/h = $19.40.
#include <fmt/format.h>

#include "smr/compare.h"

namespace smr {

JobCost ComputeJobCost(const CostInputs& in, std::optional<double> profiled_duration_s,
                       const PriceBook& prices) {
  JobCost c;
  c.instance_type = in.instance_type;
  c.instance_count = in.instance_count;
  c.instance_source = in.instance_source;
  if (in.instance_type.empty()) {
    c.note =
        "unknown (no instance type; give --job NAME=ml.TYPE[:COUNT], --describe NAME=FILE or "
        "the config's jobs)";
    return c;
  }
  if (const auto it = prices.overrides.find(in.instance_type); it != prices.overrides.end()) {
    c.hourly_price = it->second;
    c.price_source = prices.overrides_source;
  } else if (const std::optional<double> p = BuiltinHourlyPrice(prices.region, in.instance_type)) {
    c.hourly_price = p;
    c.price_source = fmt::format("built-in {} prices of {}", prices.region, BuiltinPriceDate());
  }
  if (in.describe && in.describe->billable_time_s) {
    c.billed_seconds = in.describe->billable_time_s;
    c.billed_from_describe = true;
    const TrainingJobDescription& d = *in.describe;
    if (d.managed_spot && d.training_time_s && *d.training_time_s > 0) {
      c.spot_saving_pct = (1.0 - *d.billable_time_s / *d.training_time_s) * 100.0;
    }
  } else if (profiled_duration_s) {
    c.billed_seconds = profiled_duration_s;
  }
  if (!c.hourly_price) {
    c.note = fmt::format("unknown (no price for {} in {}; set it in the config's prices)",
                         in.instance_type, prices.region);
    return c;
  }
  if (!c.billed_seconds) {
    c.note = "unknown (no job duration and no describe-training-job JSON)";
    return c;
  }
  c.cost_usd = *c.billed_seconds * c.instance_count * *c.hourly_price / 3600.0;
  if (!c.billed_from_describe) c.note = "billed time approximated by the profiled job duration";
  return c;
}

}  // namespace smr
