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

#include <cstddef>
#include <string>
#include <vector>

#include "smr/report_model.h"
#include "src/render/chart_axes.h"
#include "src/render/downsample.h"

namespace smr {

// Level of detail for PaintChart.
// Where a line chart's data landed: the plot rectangle (user units) and the
// data range it maps, so a script can turn a pointer position into a value.
struct ChartGeometry {
  bool valid = false;  // a line chart with a plot area was drawn
  double plot_x = 0, plot_y = 0, plot_w = 0, plot_h = 0;
  double x0 = 0, x1 = 0;  // data x at the plot's left and right edge
  double y0 = 0, y1 = 0;  // data y at the plot's bottom and top edge
  double tick_h = 0;      // height of the x tick labels under the plot
};

struct PaintOptions {
  // Text sizes for a chart shown on screen at about its natural size (the
  // HTML report): user units are CSS pixels, so every text is at least
  // 11 units tall. Otherwise (PDF) text is sized in points and shrinks with
  // narrow charts.
  bool screen_text = false;
  // Receives the plot geometry of a line chart (nullptr: not wanted).
  ChartGeometry* geometry = nullptr;
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

// Palette: the eight Okabe–Ito colours (colour-blind safe), then a light and
// a dark variant of each, so PaletteSize() indices are all distinct colours
// (a chart with more slices groups the rest). `index` wraps around;
// negative indices are treated as 0. Components in [0, 1].
struct Rgb {
  double r = 0, g = 0, b = 0;
};
Rgb PaletteColor(int index);
int PaletteSize();
// "#rrggbb" of a colour.
std::string HexColor(Rgb c);

// Dash pattern of the line series drawn `order`-th in a chart, so that
// lines stay apart when printed in greyscale: the first three are solid
// (their colours differ in lightness), later ones dashed, dotted, ...
// Writes up to 4 on/off lengths (units) to `dashes`; returns their count
// (0 = solid).
int SeriesDashes(size_t order, double dashes[4]);

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_PAINTER_H_
