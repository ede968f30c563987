// PaintChart (chart_painter.h): the chart's frame (background, title) and
// the painter for its kind; and the palette.
#include "src/render/chart_painter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
constexpr int kBaseColors = sizeof(kPalette) / sizeof(kPalette[0]);
// Base colours, then each mixed 45 % with white, then each darkened to 60 %:
// the variants differ from every base colour in lightness, which also keeps
// them apart in greyscale.
constexpr int kPaletteSize = 3 * kBaseColors;

// The variants' base colours: the palette with violet for dark yellow, whose
// light and dark shades would come too close to orange's.
constexpr Rgb kVariantBase[] = {
    kPalette[0],
    kPalette[1],
    kPalette[2],
    kPalette[3],
    kPalette[4],
    kPalette[5],
    {0x7B / 255.0, 0x4F / 255.0, 0xD0 / 255.0},  // violet
    kPalette[7],
};

Rgb Mix(Rgb c, Rgb with, double t) {
  return {c.r + (with.r - c.r) * t, c.g + (with.g - c.g) * t, c.b + (with.b - c.b) * t};
}

}  // namespace

Rgb PaletteColor(int index) {
  if (index < 0) index = 0;
  index %= kPaletteSize;
  const Rgb variant = kVariantBase[index % kBaseColors];
  switch (index / kBaseColors) {
    case 1:
      return Mix(variant, Rgb{1, 1, 1}, 0.45);
    case 2:
      return Mix(variant, Rgb{0, 0, 0}, 0.4);
    default:
      return kPalette[index % kBaseColors];
  }
}

int PaletteSize() { return kPaletteSize; }

std::string HexColor(Rgb c) {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(c.r), byte(c.g), byte(c.b));
}

int SeriesDashes(size_t order, double dashes[4]) {
  switch (order % 6) {
    case 3:
      dashes[0] = 7;
      dashes[1] = 3.5;
      return 2;
    case 4:
      dashes[0] = 1.6;
      dashes[1] = 2.4;
      return 2;
    case 5:
      dashes[0] = 8;
      dashes[1] = 3;
      dashes[2] = 1.6;
      dashes[3] = 3;
      return 4;
    default:
      if (order < 6) return 0;
      dashes[0] = 3;
      dashes[1] = 3;
      return 2;
  }
}

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
    // A long title wraps to a second line before it is shortened.
    PangoLayoutPtr title = cv.text.Layout(chart.title, cv.title_style, body.w, /*ellipsize=*/true);
    pango_layout_set_wrap(title.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height(title.get(), -2);
    double tw = 0, th = 0;
    TextContext::Size(title.get(), &tw, &th);
    SetColor(cr, kTextDark);
    cv.text.Show(title.get(), body.x, body.y);
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
      case ChartKind::kStackedBar:
        PaintStackedBar(cv, body);
        break;
    }
  }
  cairo_restore(cr);
}

}  // namespace smr
