// ChartPainter: draws a Chart (report_model.h) onto any cairo context. Shared
// by the SVG output (HTML report) and the PDF renderer so both show the same
// vector charts. Private to src/render.
//
// The pure layout maths (nice ticks, linear scales, time ticks, min/max
// downsampling, tick labels) is exposed below so tests can check it directly
// without rasterising anything.
#ifndef SMR_SRC_RENDER_CHART_PAINTER_H_
#define SMR_SRC_RENDER_CHART_PAINTER_H_

#include <cairo.h>

#include <string>
#include <vector>

#include "smr/report_model.h"

namespace smr {

// Level of detail for PaintChart.
struct PaintOptions {
  // Most x columns a line series is drawn with; 0 = one column per unit of
  // plot width. A series with more than two points per column is drawn as
  // its min/max envelope (MinMaxEnvelope), so the drawing grows with the
  // column count, never with the number of points.
  int max_columns = 0;
};

// Draws `chart` inside the rectangle (x, y, w, h) in user units (points).
// Text is set with pango (DejaVu Sans) in user units, so the caller controls
// the physical size by choosing w/h (no scaling transform needed). Never
// fails: empty or all-NaN data draws "No data"; non-finite values are skipped.
void PaintChart(cairo_t* cr, const Chart& chart, double x, double y, double w,
                double h, const PaintOptions& options = {});

// Palette (Okabe–Ito, colour-blind safe). `index` wraps around; negative
// indices are treated as 0. Components in [0, 1].
struct Rgb {
  double r = 0, g = 0, b = 0;
};
Rgb PaletteColor(int index);
int PaletteSize();

// ---- Layout maths -----------------------------------------------------------

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

// Min/max envelope of a dense series: [x_lo, x_hi] is split into `columns`
// equal-width columns and each column that holds points gives one entry with
// the smallest and largest y of its points (so every extreme of the series
// is kept). Points with non-finite x or y are dropped; points outside
// [x_lo, x_hi] go to the edge columns. `x` is the column centre, except that
// the first and last entries use the x of the first and last points, so the
// envelope spans exactly the data. Input must be sorted by x.
struct EnvelopeColumn {
  double x = 0;
  double lo = 0, hi = 0;
};
std::vector<EnvelopeColumn> MinMaxEnvelope(
    const std::vector<ChartPoint>& points, double x_lo, double x_hi,
    int columns);

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_PAINTER_H_
