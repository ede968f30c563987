// Box plots (ChartKind::kBox): one Tukey box per category, flagged boxes
// highlighted, category labels ellipsized to their slot.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {
namespace {

// One Tukey box at x = cx, width bw: whiskers with caps, the p25..p75 box,
// the median and the optional maximum dot. Not clipped: values are clamped
// to the plot instead (an SVG clip path per element otherwise).
void DrawBox(ChartCanvas& cv, const BoxPlot& b, double cx, double bw, const Rect& p,
             const LinearScale& sy) {
  auto ymap = [&](double v) { return std::clamp(sy.Map(v), p.y - 1, p.y + p.h + 1); };
  const Rgb col = b.highlight ? kWarning : PaletteColor(0);
  const double y25 = ymap(b.p25), y75 = ymap(b.p75);
  const double ylo = ymap(b.lower), yhi = ymap(b.upper);
  cairo_set_line_width(cv.cr, 1);
  SetColor(cv.cr, col);
  // Whiskers and caps.
  cairo_move_to(cv.cr, cx, ylo);
  cairo_line_to(cv.cr, cx, y25);
  cairo_move_to(cv.cr, cx, y75);
  cairo_line_to(cv.cr, cx, yhi);
  cairo_move_to(cv.cr, cx - bw / 4, ylo);
  cairo_line_to(cv.cr, cx + bw / 4, ylo);
  cairo_move_to(cv.cr, cx - bw / 4, yhi);
  cairo_line_to(cv.cr, cx + bw / 4, yhi);
  cairo_stroke(cv.cr);
  // Box.
  const double top = std::min(y25, y75), height = std::max(std::fabs(y25 - y75), 1.0);
  cairo_rectangle(cv.cr, cx - bw / 2, top, bw, height);
  SetColor(cv.cr, col, b.highlight ? 0.35 : 0.22);
  cairo_fill_preserve(cv.cr);
  SetColor(cv.cr, col);
  cairo_stroke(cv.cr);
  // Median.
  cairo_set_line_width(cv.cr, 2);
  SetColor(cv.cr, kTextDark);
  const double ym = ymap(b.p50);
  cairo_move_to(cv.cr, cx - bw / 2, ym);
  cairo_line_to(cv.cr, cx + bw / 2, ym);
  cairo_stroke(cv.cr);
  if (Finite(b.max)) {
    cairo_set_line_width(cv.cr, 1);
    SetColor(cv.cr, col);
    cairo_new_sub_path(cv.cr);
    cairo_arc(cv.cr, cx, ymap(b.max), 2.5, 0, 2 * std::numbers::pi);
    cairo_stroke(cv.cr);
  }
}

}  // namespace

void PaintBox(ChartCanvas& cv, Rect body) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<const BoxPlot*> boxes;
  for (const BoxPlot& b : cv.chart.boxes) {
    if (!Finite(b.lower) || !Finite(b.p25) || !Finite(b.p50) || !Finite(b.p75) ||
        !Finite(b.upper)) {
      continue;
    }
    boxes.push_back(&b);
    lo = std::min({lo, b.lower, b.p25});
    hi = std::max({hi, b.upper, b.p75});
    if (Finite(b.max)) hi = std::max(hi, b.max);
  }
  if (boxes.empty()) {
    cv.NoData(body);
    return;
  }
  // No forced zero: boxes of similar steps would shrink to slivers.
  Axis y = cv.MakeYAxis(lo, hi, body.h - 30);
  Rect p = cv.PlotRect(body, y.labels, cv.chart.x_label, 0);
  if (p.w < 10 || p.h < 10) return;
  cv.SetYScale(p, &y);
  cv.DrawYAxis(p, y);

  const double slot = p.w / boxes.size();
  const double bw = std::min(slot * 0.55, 44.0);
  // Label every k-th box when slots are too narrow for text.
  const int every = std::max(1, static_cast<int>(std::ceil(22 / slot)));
  std::vector<double> xpos;
  std::vector<std::string> xl;
  for (size_t i = 0; i < boxes.size(); ++i) {
    const BoxPlot& b = *boxes[i];
    const double cx = p.x + slot * (i + 0.5);
    DrawBox(cv, b, cx, bw, p, y.scale);
    if (static_cast<int>(i) % every == 0) {
      xpos.push_back(cx);
      xl.push_back(b.label);
    }
  }
  // Category labels (ellipsized to the slot width).
  SetColor(cv.cr, kAxis);
  cairo_set_line_width(cv.cr, 0.8);
  cairo_move_to(cv.cr, p.x, p.y + p.h + 0.5);
  cairo_line_to(cv.cr, p.x + p.w, p.y + p.h + 0.5);
  cairo_stroke(cv.cr);
  const double label_w = std::max(slot * every - 4, 12.0);
  for (size_t i = 0; i < xpos.size(); ++i) {
    cv.Text(xl[i], cv.tick_style, xpos[i], p.y + p.h + 4, HAlign::kCenter, VAlign::kTop, kTextMuted,
            label_w);
  }
  cv.XAxisLabel(p, cv.chart.x_label);
}

}  // namespace chart_internal
}  // namespace smr
