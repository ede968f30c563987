// ChartCanvas (chart_canvas.h): text, legends, plot layout and axes shared
// by the chart painters.
#include "src/render/chart_canvas.h"

#include <algorithm>
#include <numbers>

namespace smr {
namespace chart_internal {

ChartCanvas::ChartCanvas(cairo_t* cr, const Chart& chart, Rect area, const PaintOptions& options)
    : cr(cr), text(cr), chart(chart), area(area), options(options) {
  if (options.screen_text) {
    // CSS pixels: the HTML shows charts at (at least) their natural size.
    title_style = {14, true};
    label_style = {12, false};
    tick_style = {11, false};
    legend_style = {11.5, false};
    pad = 10;
    return;
  }
  const double k = area.w >= 420 ? 1.0 : std::max(0.82, area.w / 420);
  title_style = {11.5 * k, true};
  label_style = {9 * k, false};
  tick_style = {8 * k, false};
  legend_style = {8.5 * k, false};
  pad = 8 * k;
}

double ChartCanvas::FirstLineWidth(PangoLayout* layout, double fallback) {
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout, 0);
  if (line == nullptr) return fallback;
  PangoRectangle lr;
  pango_layout_line_get_extents(line, nullptr, &lr);
  return static_cast<double>(lr.width) / PANGO_SCALE;
}

double ChartCanvas::Text(const std::string& s, const TextStyle& st, double x, double y, HAlign ha,
                         VAlign va, Rgb color, double max_w, double* width_out, bool middle) {
  PangoLayoutPtr layout = text.Layout(s, st, max_w, /*ellipsize=*/true);
  if (middle && max_w > 0) pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_MIDDLE);
  double w = 0, h = 0;
  TextContext::Size(layout.get(), &w, &h);
  // With a width set, measure the (possibly ellipsized) first line so
  // alignment uses the text's own width, not the box width.
  if (max_w > 0) w = FirstLineWidth(layout.get(), w);
  double tx = x, ty = y;
  if (ha == HAlign::kCenter) tx -= w / 2;
  if (ha == HAlign::kRight) tx -= w;
  if (va == VAlign::kMiddle) ty -= h / 2;
  if (va == VAlign::kBottom) ty -= h;
  SetColor(cr, color);
  text.Show(layout.get(), tx, ty);
  if (width_out != nullptr) *width_out = w;
  return h;
}

void ChartCanvas::Measure(const std::string& s, const TextStyle& st, double* w, double* h) {
  PangoLayoutPtr layout = text.Layout(s, st);
  TextContext::Size(layout.get(), w, h);
}

double ChartCanvas::TextWidth(const std::string& s, const TextStyle& st) {
  double w = 0, h = 0;
  Measure(s, st, &w, &h);
  return w;
}

double ChartCanvas::LineHeight(const TextStyle& st) {
  double w = 0, h = 0;
  Measure("Ag", st, &w, &h);
  return h;
}

void ChartCanvas::NoData(Rect r) {
  Text("No data", label_style, r.x + r.w / 2, r.y + r.h / 2, HAlign::kCenter, VAlign::kMiddle,
       kTextMuted);
}

double ChartCanvas::Legend(const std::vector<LegendItem>& items, double x, double y, double width,
                           bool draw) {
  if (items.empty()) return 0;
  const double lh = LineHeight(legend_style);
  const double swatch = lh * 0.8;
  const double gap = pad * 1.5;
  double cx = x, cy = y;
  for (const LegendItem& item : items) {
    const double sw = item.line ? swatch * 1.6 : swatch;
    const double max_text = std::max(20.0, width - sw - 4);
    const double tw = std::min(TextWidth(item.label, legend_style), max_text);
    const double iw = sw + 4 + tw;
    if (cx > x && cx + iw > x + width) {
      cx = x;
      cy += lh + 2;
    }
    if (draw) {
      SetColor(cr, item.color);
      if (item.line) {
        double dashes[4];
        const int n = item.dash >= 0 ? SeriesDashes(static_cast<size_t>(item.dash), dashes) : 0;
        cairo_set_dash(cr, dashes, n, 0);
        cairo_set_line_width(cr, 2.2);
        cairo_move_to(cr, cx, cy + lh / 2);
        cairo_line_to(cr, cx + swatch * 1.6, cy + lh / 2);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
      } else {
        cairo_rectangle(cr, cx, cy + (lh - swatch) / 2, swatch, swatch);
        cairo_fill(cr);
      }
      Text(item.label, legend_style, cx + sw + 4, cy, HAlign::kLeft, VAlign::kTop, kTextDark,
           max_text, nullptr, /*middle=*/true);
    }
    cx += iw + gap;
  }
  return cy + lh - y;
}

void ChartCanvas::TopLegend(const std::vector<LegendItem>& items, Rect* body) {
  const double h = Legend(items, body->x, body->y, body->w, false);
  if (h <= 0) return;
  Legend(items, body->x, body->y, body->w, true);
  body->y += h + pad * 0.6;
  body->h -= h + pad * 0.6;
}

Rect ChartCanvas::PlotRect(Rect body, const std::vector<std::string>& y_labels,
                           const std::string& x_axis_label, double right_extra) {
  double y_tick_w = 0;
  for (const std::string& s : y_labels) {
    y_tick_w = std::max(y_tick_w, TextWidth(s, tick_style));
  }
  const double tick_h = LineHeight(tick_style);
  const double label_h = LineHeight(label_style);
  Rect p = body;
  double left = y_tick_w + 6;
  if (!chart.y_label.empty()) left += label_h + 4;
  double bottom = tick_h + 5;
  if (!x_axis_label.empty()) bottom += label_h + 3;
  p.x += left;
  p.w -= left + std::max(right_extra, pad);
  p.h -= bottom + tick_h / 2;
  p.y += tick_h / 2;  // room for the top tick label
  return p;
}

void ChartCanvas::DrawYAxis(const Rect& p, const Axis& y) {
  // All grid lines as one path (one SVG element), then the labels.
  cairo_set_line_width(cr, 0.8);
  SetColor(cr, kGrid);
  for (size_t i = 0; i < y.ticks.values.size(); ++i) {
    const double py = std::round(y.scale.Map(y.ticks.values[i]) * 2) / 2;
    cairo_move_to(cr, p.x, py);
    cairo_line_to(cr, p.x + p.w, py);
  }
  cairo_stroke(cr);
  for (size_t i = 0; i < y.ticks.values.size(); ++i) {
    const double py = std::round(y.scale.Map(y.ticks.values[i]) * 2) / 2;
    Text(y.labels[i], tick_style, p.x - 5, py, HAlign::kRight, VAlign::kMiddle, kTextMuted);
  }
  if (!chart.y_label.empty()) {
    // Rotated label, centred on the plot height, at the far left of body.
    PangoLayoutPtr layout = text.Layout(chart.y_label, label_style, p.h, /*ellipsize=*/true);
    double w = 0, h = 0;
    TextContext::Size(layout.get(), &w, &h);
    double ink_w = TextWidth(chart.y_label, label_style);
    ink_w = std::min(ink_w, p.h);
    cairo_save(cr);
    cairo_translate(cr, area.x + pad, p.y + p.h / 2 + ink_w / 2);
    cairo_rotate(cr, -std::numbers::pi / 2);
    pango_layout_set_width(layout.get(), static_cast<int>(std::ceil(ink_w + 1) * PANGO_SCALE));
    SetColor(cr, kTextMuted);
    // The pango context was built for the unrotated matrix; refresh it.
    pango_cairo_update_layout(cr, layout.get());
    cairo_move_to(cr, 0, 0);
    pango_cairo_show_layout(cr, layout.get());
    cairo_restore(cr);
  }
}

void ChartCanvas::DrawXAxis(const Rect& p, const std::vector<double>& positions,
                            const std::vector<std::string>& labels, const std::string& axis_label,
                            bool grid) {
  // Grid lines, then tick marks, each as one path; then the labels.
  cairo_set_line_width(cr, 0.8);
  if (grid && !positions.empty()) {
    SetColor(cr, kGrid);
    for (double pos : positions) {
      const double px = std::round(pos * 2) / 2;
      cairo_move_to(cr, px, p.y);
      cairo_line_to(cr, px, p.y + p.h);
    }
    cairo_stroke(cr);
  }
  SetColor(cr, kAxis);
  for (double pos : positions) {
    const double px = std::round(pos * 2) / 2;
    cairo_move_to(cr, px, p.y + p.h);
    cairo_line_to(cr, px, p.y + p.h + 3);
  }
  cairo_stroke(cr);
  for (size_t i = 0; i < positions.size(); ++i) {
    const double px = std::round(positions[i] * 2) / 2;
    Text(labels[i], tick_style, px, p.y + p.h + 4, HAlign::kCenter, VAlign::kTop, kTextMuted);
  }
  XAxisLabel(p, axis_label);
  SetColor(cr, kAxis);
  cairo_move_to(cr, p.x, p.y + p.h + 0.5);
  cairo_line_to(cr, p.x + p.w, p.y + p.h + 0.5);
  cairo_stroke(cr);
}

Axis ChartCanvas::MakeYAxis(double lo, double hi, double ph_guess) {
  Axis y;
  const int target = std::clamp(static_cast<int>(std::lround(ph_guess / 22)), 3, 8);
  if (chart.y_max > chart.y_min && Finite(chart.y_min) && Finite(chart.y_max)) {
    y.ticks = InnerTicks(chart.y_min, chart.y_max, target);
  } else {
    y.ticks = NiceTicks(lo, hi, target);
  }
  for (double v : y.ticks.values) {
    y.labels.push_back(FormatTickValue(v, y.ticks.step));
  }
  return y;
}

void ChartCanvas::IncludeZero(double* lo, double* hi) {
  if (*lo >= 0) *lo = 0;
  if (*hi <= 0) *hi = 0;
}

void ChartCanvas::XAxisLabel(const Rect& p, const std::string& axis_label) {
  if (axis_label.empty()) return;
  Text(axis_label, label_style, p.x + p.w / 2, area.y + area.h - pad * 0.6, HAlign::kCenter,
       VAlign::kBottom, kTextMuted, p.w);
}

void ChartCanvas::SetYScale(const Rect& p, Axis* y) const {
  y->scale = {y->ticks.lo, y->ticks.hi, p.y + p.h, p.y};
  if (chart.y_max > chart.y_min) y->scale = {chart.y_min, chart.y_max, p.y + p.h, p.y};
}

Rgb ChartCanvas::SeriesColor(int color, size_t order) {
  return PaletteColor(color >= 0 ? color : static_cast<int>(order));
}

}  // namespace chart_internal
}  // namespace smr
