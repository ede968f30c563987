// Horizontal bar charts (ChartKind::kBar): one bar per slice with its label
// on the left and its value on the right.
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

namespace {

// Compact value label for bars: 3 significant-ish digits, no exponent.
std::string FormatValue(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

}  // namespace

void PaintBar(ChartCanvas& cv, Rect body) {
  std::vector<std::pair<const PieSlice*, int>> bars;
  double lo = 0, hi = 0;
  double label_w = 0;
  for (size_t i = 0; i < cv.chart.slices.size(); ++i) {
    const PieSlice& s = cv.chart.slices[i];
    if (!Finite(s.value)) continue;
    bars.push_back({&s, static_cast<int>(bars.size())});
    lo = std::min(lo, s.value);
    hi = std::max(hi, s.value);
    label_w = std::max(label_w, cv.TextWidth(s.label, cv.tick_style));
  }
  if (bars.empty()) {
    cv.NoData(body);
    return;
  }
  label_w = std::min(label_w, body.w * 0.42);
  const int target = std::clamp(static_cast<int>(body.w / 90), 2, 10);
  Ticks xt = NiceTicks(lo, hi, target);
  double value_w = 0;
  for (const auto& [s, color] : bars) {
    value_w = std::max(value_w, cv.TextWidth(FormatValue(s->value), cv.tick_style));
  }
  const double tick_h = cv.LineHeight(cv.tick_style);
  Rect p = body;
  p.x += label_w + 6;
  p.w -= label_w + 6 + value_w + 6;
  double bottom = tick_h + 5;
  if (!cv.chart.x_label.empty()) bottom += cv.LineHeight(cv.label_style) + 3;
  p.h -= bottom;
  if (p.w < 10 || p.h < 6) return;
  const LinearScale sx{xt.lo, xt.hi, p.x, p.x + p.w};
  std::vector<double> xpos;
  std::vector<std::string> xl;
  for (double v : xt.values) {
    xpos.push_back(sx.Map(v));
    xl.push_back(FormatTickValue(v, xt.step));
  }
  cv.DrawXAxis(p, xpos, xl, cv.chart.x_label, /*grid=*/true);
  const double slot = p.h / bars.size();
  const double bh = std::min(slot * 0.72, 22.0);
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& [s, color] = bars[i];
    const double cy = p.y + slot * (i + 0.5);
    const double x0 = sx.Map(0), x1 = sx.Map(s->value);
    SetColor(cv.cr, PaletteColor(color % PaletteSize()));
    cairo_rectangle(cv.cr, std::min(x0, x1), cy - bh / 2, std::max(std::fabs(x1 - x0), 0.5), bh);
    cairo_fill(cv.cr);
    if (slot >= tick_h * 0.9) {
      cv.Text(s->label, cv.tick_style, p.x - 6, cy, HAlign::kRight, VAlign::kMiddle, kTextDark,
              label_w, nullptr, /*middle=*/true);
      cv.Text(FormatValue(s->value), cv.tick_style, std::max(x0, x1) + 4, cy, HAlign::kLeft,
              VAlign::kMiddle, kTextMuted);
    }
  }
}

}  // namespace chart_internal
}  // namespace smr
