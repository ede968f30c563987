#include "src/render/chart_painter.h"

namespace smr {

void PaintChart(cairo_t*, const Chart&, double, double, double, double) {}

}  // namespace smr
