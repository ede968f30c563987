// Stacked horizontal bars (ChartKind::kStackedBar): one bar per StackedBar,
// its parts laid end to end from 0 in the order of the chart's stack labels
// (legend at the top), the bar's label at the left and, on an automatic
// axis, its total at the right. Flagged bars have their label in bold.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {

namespace {

double PartValue(const StackedBar& b, size_t i) {
  if (i >= b.values.size()) return 0;
  const double v = b.values[i];
  return Finite(v) && v > 0 ? v : 0;
}

double Total(const StackedBar& b) {
  double t = 0;
  for (size_t i = 0; i < b.values.size(); ++i) t += PartValue(b, i);
  return t;
}

int PartColor(const Chart& c, size_t i) {
  return i < c.stack_colors.size() && c.stack_colors[i] >= 0 ? c.stack_colors[i]
                                                             : static_cast<int>(i);
}

std::string TotalText(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

}  // namespace

void PaintStackedBar(ChartCanvas& cv, Rect body) {
  const Chart& c = cv.chart;
  if (c.stacks.empty() || c.stack_labels.empty()) {
    cv.NoData(body);
    return;
  }
  std::vector<LegendItem> legend;
  for (size_t i = 0; i < c.stack_labels.size(); ++i) {
    legend.push_back({c.stack_labels[i], PaletteColor(PartColor(c, i)), /*line=*/false});
  }
  cv.TopLegend(legend, &body);
  const bool fixed = c.y_max > c.y_min;
  double hi = 0, label_w = 0, value_w = 0;
  TextStyle bold = cv.tick_style;
  bold.bold = true;
  for (const StackedBar& b : c.stacks) {
    hi = std::max(hi, Total(b));
    label_w = std::max(label_w, cv.TextWidth(b.label, b.highlight ? bold : cv.tick_style));
    if (!fixed) value_w = std::max(value_w, cv.TextWidth(TotalText(Total(b)), cv.tick_style));
  }
  if (!(hi > 0) && !fixed) {
    cv.NoData(body);
    return;
  }
  label_w = std::min(label_w, body.w * 0.35);
  const int target = std::clamp(static_cast<int>(body.w / 90), 2, 10);
  const Ticks xt = fixed ? NiceTicks(c.y_min, c.y_max, target) : NiceTicks(0, hi, target);
  const double tick_h = cv.LineHeight(cv.tick_style);
  Rect p = body;
  p.x += label_w + 6;
  p.w -= label_w + 6 + (value_w > 0 ? value_w + 6 : cv.pad);
  double bottom = tick_h + 5;
  if (!c.x_label.empty()) bottom += cv.LineHeight(cv.label_style) + 3;
  p.h -= bottom;
  if (p.w < 10 || p.h < 6) return;
  const double lo = fixed ? c.y_min : xt.lo;
  // An automatic axis ends a little after the longest bar, not at the next
  // round tick, which can waste half of a narrow chart (ticks past the end
  // are left out).
  const LinearScale sx{lo, fixed ? c.y_max : std::min(xt.hi, hi * 1.08), p.x, p.x + p.w};
  std::vector<double> xpos;
  std::vector<std::string> xl;
  for (double v : xt.values) {
    if (v < sx.d0 - 1e-9 || v > sx.d1 + 1e-9) continue;
    xpos.push_back(sx.Map(v));
    xl.push_back(FormatTickValue(v, xt.step));
  }
  cv.DrawXAxis(p, xpos, xl, c.x_label, /*grid=*/true);
  const double slot = p.h / c.stacks.size();
  const double bh = std::min(slot * 0.72, 22.0);
  for (size_t r = 0; r < c.stacks.size(); ++r) {
    const StackedBar& b = c.stacks[r];
    const double cy = p.y + slot * (r + 0.5);
    double acc = 0;
    for (size_t i = 0; i < c.stack_labels.size(); ++i) {
      const double v = PartValue(b, i);
      if (v <= 0) continue;
      const double x0 = Snap(sx.Map(acc)), x1 = Snap(sx.Map(acc + v));
      acc += v;
      if (x1 - x0 <= 0) continue;
      SetColor(cv.cr, PaletteColor(PartColor(c, i)));
      cairo_rectangle(cv.cr, x0, Snap(cy - bh / 2), x1 - x0, Snap(bh));
      cairo_fill(cv.cr);
    }
    if (slot < tick_h * 0.9) continue;
    cv.Text(b.label, b.highlight ? bold : cv.tick_style, p.x - 6, cy, HAlign::kRight,
            VAlign::kMiddle, kTextDark, label_w, nullptr, /*middle=*/true);
    if (value_w > 0) {
      cv.Text(TotalText(acc), cv.tick_style, sx.Map(acc) + 4, cy, HAlign::kLeft, VAlign::kMiddle,
              kTextMuted);
    }
  }
}

}  // namespace chart_internal
}  // namespace smr
