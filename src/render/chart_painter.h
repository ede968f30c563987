// ChartPainter: draws a Chart (report_model.h) onto any cairo context. Shared
// by the SVG output (HTML report) and the PDF renderer so both show the same
// vector charts. Private to src/render.
//
// One painter per chart kind (line_painter.cc, box_painter.cc, ...) on a
// shared ChartCanvas (chart_canvas.h); the axis maths is in chart_axes.h and
// the downsampling of dense series in downsample.h, both included here.
#ifndef SMR_SRC_RENDER_CHART_PAINTER_H_
#define SMR_SRC_RENDER_CHART_PAINTER_H_

#include <cairo.h>

#include <string>
#include <vector>

#include "smr/report_model.h"
#include "src/render/chart_axes.h"
#include "src/render/downsample.h"

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
void PaintChart(cairo_t* cr, const Chart& chart, double x, double y, double w, double h,
                const PaintOptions& options = {});

// Palette (Okabe–Ito, colour-blind safe). `index` wraps around; negative
// indices are treated as 0. Components in [0, 1].
struct Rgb {
  double r = 0, g = 0, b = 0;
};
Rgb PaletteColor(int index);
int PaletteSize();

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_PAINTER_H_
