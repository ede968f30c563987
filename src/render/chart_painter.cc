// PaintChart (chart_painter.h): the chart's frame (background, title) and
// the painter for its kind; and the palette.
#include "src/render/chart_painter.h"

#include "src/render/chart_canvas.h"

namespace smr {

namespace {

// Okabe–Ito, reordered so the first colours are the most distinct on white;
// the original yellow (#F0E442) is darkened to stay visible as a line.
constexpr Rgb kPalette[] = {
    {0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0},  // blue
    {0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0},  // orange
    {0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0},  // bluish green
    {0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0},  // reddish purple
    {0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0},  // sky blue
    {0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0},  // vermillion
    {0xC9 / 255.0, 0xB6 / 255.0, 0x00 / 255.0},  // dark yellow
    {0x55 / 255.0, 0x55 / 255.0, 0x55 / 255.0},  // grey
};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

}  // namespace

Rgb PaletteColor(int index) {
  if (index < 0) index = 0;
  return kPalette[index % kPaletteSize];
}

int PaletteSize() { return kPaletteSize; }

void PaintChart(cairo_t* cr, const Chart& chart, double x, double y, double w, double h,
                const PaintOptions& options) {
  using namespace chart_internal;  // NOLINT: the painters of this module
  if (cr == nullptr || !(w > 0) || !(h > 0) || !Finite(x) || !Finite(y) || !Finite(w) ||
      !Finite(h)) {
    return;
  }
  ChartCanvas cv(cr, chart, Rect{x, y, w, h}, options);
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_clip(cr);
  SetColor(cr, kWhite);
  cairo_paint(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  Rect body = cv.area;
  body.x += cv.pad;
  body.w -= 2 * cv.pad;
  body.y += cv.pad * 0.75;
  body.h -= cv.pad * 1.5;
  if (!chart.title.empty()) {
    const double th = cv.Text(chart.title, cv.title_style, body.x, body.y, HAlign::kLeft,
                              VAlign::kTop, kTextDark, body.w);
    body.y += th + cv.pad * 0.6;
    body.h -= th + cv.pad * 0.6;
  }
  if (body.w > 10 && body.h > 10) {
    switch (chart.kind) {
      case ChartKind::kLine:
        PaintLine(cv, body);
        break;
      case ChartKind::kBox:
        PaintBox(cv, body);
        break;
      case ChartKind::kPie:
        PaintPie(cv, body);
        break;
      case ChartKind::kBar:
        PaintBar(cv, body);
        break;
      case ChartKind::kHistogram:
        PaintHistogram(cv, body);
        break;
      case ChartKind::kHeatmap:
        PaintHeatmap(cv, body);
        break;
    }
  }
  cairo_restore(cr);
}

}  // namespace smr
