// Pie charts (ChartKind::kPie): a donut of the positive slices with their
// shares, and a legend column on the right.
#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {

namespace {

struct Slice {
  std::string label;
  double value = 0;
  int color = 0;
};

// The positive slices in model order, each with its own palette colour. A
// chart with more slices than colours keeps the largest ones and shows the
// rest as one "Other (N)" slice, so no colour repeats within the chart.
std::vector<Slice> PositiveSlices(const std::vector<PieSlice>& model) {
  std::vector<Slice> slices;
  for (const PieSlice& s : model) {
    if (Finite(s.value) && s.value > 0) slices.push_back({s.label, s.value, 0});
  }
  const size_t keep = static_cast<size_t>(PaletteSize()) - 1;
  if (slices.size() > keep + 1) {
    std::vector<double> values;
    for (const Slice& s : slices) values.push_back(s.value);
    std::nth_element(values.begin(), values.begin() + (keep - 1), values.end(),
                     std::greater<double>());
    const double cut = values[keep - 1];  // the keep-th largest value
    std::vector<Slice> kept;
    Slice other{"", 0, 0};
    size_t grouped = 0;
    for (const Slice& s : slices) {
      if (kept.size() < keep && s.value >= cut) {
        kept.push_back(s);
      } else {
        other.value += s.value;
        ++grouped;
      }
    }
    other.label = fmt::format("Other ({})", grouped);
    kept.push_back(other);
    slices = std::move(kept);
  }
  for (size_t i = 0; i < slices.size(); ++i) slices[i].color = static_cast<int>(i);
  return slices;
}

}  // namespace

void PaintPie(ChartCanvas& cv, Rect body) {
  const std::vector<Slice> slices = PositiveSlices(cv.chart.slices);
  double total = 0;
  for (const Slice& s : slices) total += s.value;
  if (slices.empty() || !(total > 0) || !Finite(total)) {
    cv.NoData(body);
    return;
  }
  std::vector<LegendItem> legend;
  double legend_w = 0;
  for (const Slice& s : slices) {
    const std::string label = fmt::format("{}  {:.1f}%", s.label, 100.0 * s.value / total);
    legend.push_back({label, PaletteColor(s.color), false});
    legend_w = std::max(legend_w, cv.TextWidth(label, cv.legend_style));
  }
  const double lh = cv.LineHeight(cv.legend_style);
  const double rows_h = legend.size() * (lh + 3);
  // The legend sits right of the donut, or below it where its labels would
  // not fit beside it (narrow charts) and there is height to spare.
  const bool below = legend_w + lh + 6 > body.w * 0.5 && body.h - rows_h - cv.pad >= 70;
  double radius = 0, cx = 0, cy = 0, lx = 0, ly = 0;
  if (below) {
    const double donut_h = body.h - rows_h - cv.pad;
    radius = std::max(4.0, donut_h / 2 - 2);
    cx = body.x + body.w / 2;
    cy = body.y + donut_h / 2;
    legend_w = body.w;
    lx = body.x;
    ly = body.y + donut_h + cv.pad;
  } else {
    legend_w = std::min(legend_w + lh + 6, body.w * 0.5);
    const double chart_w = body.w - legend_w - cv.pad;
    radius = std::max(4.0, std::min(chart_w, body.h) / 2 - 2);
    cx = body.x + std::min(chart_w, body.h) / 2;
    cy = body.y + body.h / 2;
    lx = body.x + body.w - legend_w;
    ly = std::max(body.y, cy - rows_h / 2);  // vertically centred
  }
  const double inner = radius * 0.55;
  double angle = -std::numbers::pi / 2;
  for (const Slice& s : slices) {
    const double sweep = 2 * std::numbers::pi * s.value / total;
    cairo_new_path(cv.cr);
    cairo_arc(cv.cr, cx, cy, radius, angle, angle + sweep);
    cairo_arc_negative(cv.cr, cx, cy, inner, angle + sweep, angle);
    cairo_close_path(cv.cr);
    SetColor(cv.cr, PaletteColor(s.color));
    cairo_fill_preserve(cv.cr);
    if (slices.size() > 1) {
      SetColor(cv.cr, kWhite);
      cairo_set_line_width(cv.cr, 1.5);
      cairo_stroke(cv.cr);
    }
    cairo_new_path(cv.cr);
    const double frac = s.value / total;
    if (frac >= 0.06 && radius > 30) {
      const double mid = angle + sweep / 2;
      const double r = (radius + inner) / 2;
      const Rgb col = PaletteColor(s.color);
      const double lum = 0.2126 * col.r + 0.7152 * col.g + 0.0722 * col.b;
      cv.Text(fmt::format("{:.0f}%", 100 * frac), cv.tick_style, cx + r * std::cos(mid),
              cy + r * std::sin(mid), HAlign::kCenter, VAlign::kMiddle,
              lum > 0.55 ? kTextDark : kWhite);
    }
    angle += sweep;
  }
  for (const LegendItem& item : legend) {
    if (ly + lh > body.y + body.h + 1) break;
    SetColor(cv.cr, item.color);
    cairo_rectangle(cv.cr, lx, ly + lh * 0.1, lh * 0.8, lh * 0.8);
    cairo_fill(cv.cr);
    cv.Text(item.label, cv.legend_style, lx + lh + 4, ly, HAlign::kLeft, VAlign::kTop, kTextDark,
            legend_w - lh - 6, nullptr, /*middle=*/true);
    ly += lh + 3;
  }
}

}  // namespace chart_internal
}  // namespace smr
