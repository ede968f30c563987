// Chart axis maths, free of any drawing so tests can check it directly: nice
// tick steps and ranges, UTC time ticks and labels, tick value labels and
// linear scales. Private to src/render.
#ifndef SMR_SRC_RENDER_CHART_AXES_H_
#define SMR_SRC_RENDER_CHART_AXES_H_

#include <string>
#include <vector>

namespace smr {

// Smallest "nice" number (1, 2 or 5 times a power of ten) that is >= x.
// Returns 1 for x <= 0 or non-finite x.
double NiceStepAtLeast(double x);

// Axis ticks: step = NiceStepAtLeast((hi - lo) / target_intervals); the axis
// is widened outward to multiples of step. Example: (0, 97, 5) -> lo 0,
// hi 100, step 20, values {0, 20, 40, 60, 80, 100}. Degenerate ranges
// (hi <= lo, non-finite) are widened first (see WidenRange).
struct Ticks {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> values;
};
Ticks NiceTicks(double lo, double hi, int target_intervals);

// Ticks of step NiceStepAtLeast(...) that fall inside [lo, hi] without
// widening the range (used for line-chart x axes that span exactly the data).
Ticks InnerTicks(double lo, double hi, int target_intervals);

// Makes [lo, hi] a usable non-empty range: equal bounds are padded by 10% of
// |value| (or by 1 when the value is 0); non-finite input gives [0, 1].
void WidenRange(double* lo, double* hi);

// Time axis for x in seconds since epoch: steps are chosen from 1/2/5/10/15/30
// s, 1/2/5/10/15/30 min, 1/2/3/6/12 h, then whole days, and ticks are aligned
// to multiples of the step in UTC. Only ticks inside [lo, hi] are returned.
Ticks TimeTicks(double lo_s, double hi_s, int target_intervals);

// "HH:MM" (or "HH:MM:SS" when step_s < 60; "MM-DD HH:MM" when
// `with_date`) for a UTC time in seconds since epoch.
std::string FormatUtcTick(double t_s, double step_s, bool with_date);
// "YYYY-MM-DD" in UTC.
std::string FormatUtcDate(double t_s);

// Tick label for value v on an axis with step `step`: just enough decimals to
// tell ticks apart; k/M/G suffixes when step >= 1e4/1e6/1e9.
// Examples: (0.5, 0.5) -> "0.5", (20000, 10000) -> "20k", (3, 1) -> "3".
std::string FormatTickValue(double v, double step);

// Maps the domain [d0, d1] linearly onto the range [r0, r1] (r1 < r0 is fine:
// y axes grow upward). A zero-width domain maps everything to the middle.
struct LinearScale {
  double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
  double Map(double v) const;
};

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_AXES_H_
