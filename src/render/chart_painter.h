// ChartPainter: draws a Chart (report_model.h) onto any cairo context. Shared
// by the SVG output (HTML report) and the PDF renderer so both show the same
// vector charts. Private to src/render.
#ifndef SMR_SRC_RENDER_CHART_PAINTER_H_
#define SMR_SRC_RENDER_CHART_PAINTER_H_

#include <cairo.h>

#include "smr/report_model.h"

namespace smr {

// Draws `chart` inside the rectangle (x, y, w, h) in user units (points).
void PaintChart(cairo_t* cr, const Chart& chart, double x, double y, double w,
                double h);

}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_PAINTER_H_
