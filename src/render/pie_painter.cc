// Pie charts (ChartKind::kPie): a donut of the positive slices with their
// shares, and a legend column on the right.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {

void PaintPie(ChartCanvas& cv, Rect body) {
  std::vector<std::pair<const PieSlice*, int>> slices;  // slice, colour
  double total = 0;
  for (size_t i = 0; i < cv.chart.slices.size(); ++i) {
    const PieSlice& s = cv.chart.slices[i];
    if (!Finite(s.value) || s.value <= 0) continue;
    slices.push_back({&s, static_cast<int>(i)});
    total += s.value;
  }
  if (slices.empty() || !(total > 0) || !Finite(total)) {
    cv.NoData(body);
    return;
  }
  std::vector<LegendItem> legend;
  double legend_w = 0;
  for (const auto& [s, color] : slices) {
    const std::string label = fmt::format("{}  {:.1f}%", s->label, 100.0 * s->value / total);
    legend.push_back({label, PaletteColor(color), false});
    legend_w = std::max(legend_w, cv.TextWidth(label, cv.legend_style));
  }
  const double lh = cv.LineHeight(cv.legend_style);
  legend_w = std::min(legend_w + lh + 6, body.w * 0.5);
  const double chart_w = body.w - legend_w - cv.pad;
  const double radius = std::max(4.0, std::min(chart_w, body.h) / 2 - 2);
  const double inner = radius * 0.55;
  const double cx = body.x + std::min(chart_w, body.h) / 2;
  const double cy = body.y + body.h / 2;
  double angle = -std::numbers::pi / 2;
  for (const auto& [s, color] : slices) {
    const double sweep = 2 * std::numbers::pi * s->value / total;
    cairo_new_path(cv.cr);
    cairo_arc(cv.cr, cx, cy, radius, angle, angle + sweep);
    cairo_arc_negative(cv.cr, cx, cy, inner, angle + sweep, angle);
    cairo_close_path(cv.cr);
    SetColor(cv.cr, PaletteColor(color));
    cairo_fill_preserve(cv.cr);
    if (slices.size() > 1) {
      SetColor(cv.cr, kWhite);
      cairo_set_line_width(cv.cr, 1.5);
      cairo_stroke(cv.cr);
    }
    cairo_new_path(cv.cr);
    const double frac = s->value / total;
    if (frac >= 0.06 && radius > 30) {
      const double mid = angle + sweep / 2;
      const double r = (radius + inner) / 2;
      const Rgb col = PaletteColor(color);
      const double lum = 0.2126 * col.r + 0.7152 * col.g + 0.0722 * col.b;
      cv.Text(fmt::format("{:.0f}%", 100 * frac), cv.tick_style, cx + r * std::cos(mid),
              cy + r * std::sin(mid), HAlign::kCenter, VAlign::kMiddle,
              lum > 0.55 ? kTextDark : kWhite);
    }
    angle += sweep;
  }
  // Legend column on the right, vertically centred.
  const double rows_h = legend.size() * (lh + 3);
  double ly = std::max(body.y, cy - rows_h / 2);
  const double lx = body.x + body.w - legend_w;
  for (const LegendItem& item : legend) {
    if (ly + lh > body.y + body.h + 1) break;
    SetColor(cv.cr, item.color);
    cairo_rectangle(cv.cr, lx, ly + lh * 0.1, lh * 0.8, lh * 0.8);
    cairo_fill(cv.cr);
    cv.Text(item.label, cv.legend_style, lx + lh + 4, ly, HAlign::kLeft, VAlign::kTop, kTextDark,
            legend_w - lh - 6);
    ly += lh + 3;
  }
}

}  // namespace chart_internal
}  // namespace smr
