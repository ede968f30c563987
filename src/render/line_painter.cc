// Line charts (ChartKind::kLine): series over a numeric or UTC time x axis,
// shaded bands (training phases) with labels, dense series drawn as their
// min/max envelope (downsample.h), and marked x ranges (rule firings) in a
// strip above the plot.
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

struct XAxis {
  Ticks ticks;
  std::vector<std::string> labels;
  std::string title;
};

// X ticks and labels; a time axis says "UTC" and the date in its title.
XAxis MakeXAxis(const ChartCanvas& cv, double xlo, double xhi, double body_w) {
  XAxis x;
  x.title = cv.chart.x_label;
  const double plot_w_guess = body_w - 50;
  const int xtarget = std::clamp(static_cast<int>(plot_w_guess / 85), 2, 12);
  if (cv.chart.x_is_time) {
    x.ticks = TimeTicks(xlo, xhi, xtarget);
    const bool multi_day = FormatUtcDate(xlo) != FormatUtcDate(xhi);
    for (double v : x.ticks.values) {
      x.labels.push_back(FormatUtcTick(v, x.ticks.step, multi_day));
    }
    const std::string when = multi_day ? std::string("UTC") : "UTC, " + FormatUtcDate(xlo);
    x.title = x.title.empty() ? "Time (" + when + ")" : x.title + " (" + when + ")";
  } else {
    x.ticks = InnerTicks(xlo, xhi, xtarget);
    for (double v : x.ticks.values) x.labels.push_back(FormatTickValue(v, x.ticks.step));
  }
  return x;
}

// Bands under everything else.
void DrawBands(ChartCanvas& cv, const Rect& p, const LinearScale& sx) {
  cairo_save(cv.cr);
  cairo_rectangle(cv.cr, p.x, p.y, p.w, p.h);
  cairo_clip(cv.cr);
  for (const ChartBand& band : cv.chart.bands) {
    if (!Finite(band.x0) || !Finite(band.x1)) continue;
    const double bx0 = std::max(p.x, sx.Map(std::min(band.x0, band.x1)));
    const double bx1 = std::min(p.x + p.w, sx.Map(std::max(band.x0, band.x1)));
    if (bx1 <= bx0) continue;
    SetColor(cv.cr, PaletteColor(band.color), 0.13);
    cairo_rectangle(cv.cr, bx0, p.y, bx1 - bx0, p.h);
    cairo_fill(cv.cr);
  }
  cairo_restore(cv.cr);
}

// Band labels last, on a translucent backdrop, so lines cannot hide them.
void DrawBandLabels(ChartCanvas& cv, const Rect& p, const LinearScale& sx) {
  cairo_save(cv.cr);
  cairo_rectangle(cv.cr, p.x, p.y, p.w, p.h);
  cairo_clip(cv.cr);
  for (const ChartBand& band : cv.chart.bands) {
    if (!Finite(band.x0) || !Finite(band.x1) || band.label.empty()) continue;
    const double bx0 = std::max(p.x, sx.Map(std::min(band.x0, band.x1)));
    const double bx1 = std::min(p.x + p.w, sx.Map(std::max(band.x0, band.x1)));
    if (bx1 - bx0 <= 16) continue;
    PangoLayoutPtr layout =
        cv.text.Layout(band.label, cv.tick_style, bx1 - bx0 - 6, /*ellipsize=*/true);
    double lw = 0, lh = 0;
    TextContext::Size(layout.get(), &lw, &lh);
    lw = ChartCanvas::FirstLineWidth(layout.get(), lw);
    SetColor(cv.cr, kWhite, 0.75);
    cairo_rectangle(cv.cr, bx0 + 1, p.y + 1, lw + 4, lh + 1);
    cairo_fill(cv.cr);
    SetColor(cv.cr, kTextMuted);
    cv.text.Show(layout.get(), bx0 + 3, p.y + 1.5);
  }
  cairo_restore(cv.cr);
}

// One series: a dot, a polyline of every point, or (dense) the min/max
// envelope per column as one filled and outlined polygon (upper edge left to
// right, lower edge back). Where a column holds one value the envelope is a
// line of the usual width; where the series swings inside a column it is a
// band from its minimum to its maximum.
void DrawSeries(ChartCanvas& cv, const ChartSeries& s, size_t order, const PlotMap& m, double xlo,
                double xhi, int columns) {
  const size_t sparse_max = 2 * static_cast<size_t>(columns);
  std::vector<ChartPoint> pts;
  pts.reserve(std::min(s.points.size(), sparse_max + 1));
  size_t finite = 0;
  for (const ChartPoint& pt : s.points) {
    if (!Finite(pt.x) || !Finite(pt.y)) continue;
    if (++finite <= sparse_max) pts.push_back(pt);
  }
  if (finite == 0) return;
  SetColor(cv.cr, ChartCanvas::SeriesColor(s.color, order));
  double dashes[4];
  cairo_set_dash(cv.cr, dashes, SeriesDashes(order, dashes), 0);
  if (finite == 1) {
    cairo_arc(cv.cr, m.X(pts[0].x), m.Y(pts[0].y), 2.5, 0, 2 * std::numbers::pi);
    cairo_fill(cv.cr);
    return;
  }
  if (finite <= sparse_max) {
    cairo_move_to(cv.cr, m.X(pts[0].x), m.Y(pts[0].y));
    for (size_t k = 1; k < pts.size(); ++k) cairo_line_to(cv.cr, m.X(pts[k].x), m.Y(pts[k].y));
    cairo_stroke(cv.cr);
    cairo_set_dash(cv.cr, nullptr, 0, 0);
    return;
  }
  // The envelope's band is filled; only its outline would be dashed.
  cairo_set_dash(cv.cr, nullptr, 0, 0);
  const std::vector<EnvelopeColumn> env = MinMaxEnvelope(s.points, xlo, xhi, columns);
  cairo_move_to(cv.cr, m.X(env[0].x), m.Y(env[0].hi));
  for (size_t k = 1; k < env.size(); ++k) cairo_line_to(cv.cr, m.X(env[k].x), m.Y(env[k].hi));
  for (size_t k = env.size(); k-- > 0;) cairo_line_to(cv.cr, m.X(env[k].x), m.Y(env[k].lo));
  cairo_close_path(cv.cr);
  cairo_fill_preserve(cv.cr);
  cairo_stroke(cv.cr);
}

// Distinct mark labels, in first-seen order: one strip row each.
std::vector<std::string> MarkRows(const Chart& c) {
  std::vector<std::string> rows;
  for (const ChartBand& m : c.marks) {
    if (std::find(rows.begin(), rows.end(), m.label) == rows.end()) rows.push_back(m.label);
  }
  return rows;
}

// The marks: per row a faint baseline, a red tick per range (at least 1.5
// units wide) and the row's label at the left on a backdrop light enough to
// let the ticks under it show.
void DrawMarks(ChartCanvas& cv, const Rect& p, const LinearScale& sx, double top, double row_h) {
  const std::vector<std::string> rows = MarkRows(cv.chart);
  for (size_t r = 0; r < rows.size(); ++r) {
    const double y = top + r * row_h;
    SetColor(cv.cr, kGrid);
    cairo_rectangle(cv.cr, p.x, y + row_h / 2 - 0.5, p.w, 1);
    cairo_fill(cv.cr);
    SetColor(cv.cr, kThreshold);
    for (const ChartBand& m : cv.chart.marks) {
      if (m.label != rows[r] || !Finite(m.x0) || !Finite(m.x1)) continue;
      double x0 = std::max(p.x, sx.Map(std::min(m.x0, m.x1)));
      double x1 = std::min(p.x + p.w, sx.Map(std::max(m.x0, m.x1)));
      if (x1 < x0) continue;
      if (x1 - x0 < 1.5) x1 = std::min(p.x + p.w, x0 + 1.5);
      cairo_rectangle(cv.cr, Snap(x0), Snap(y + 1), Snap(x1 - x0), Snap(row_h - 2));
    }
    cairo_fill(cv.cr);
    double lw = 0;
    PangoLayoutPtr layout = cv.text.Layout(rows[r], cv.tick_style, p.w / 2, /*ellipsize=*/true);
    double lh = 0;
    TextContext::Size(layout.get(), &lw, &lh);
    lw = ChartCanvas::FirstLineWidth(layout.get(), lw);
    SetColor(cv.cr, kWhite, 0.6);
    cairo_rectangle(cv.cr, p.x, y, lw + 4, row_h);
    cairo_fill(cv.cr);
    SetColor(cv.cr, kThreshold);
    cv.text.Show(layout.get(), p.x + 2, y + (row_h - lh) / 2);
  }
}

}  // namespace

void PaintLine(ChartCanvas& cv, Rect body) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
  double ylo = xlo, yhi = -xlo;
  std::vector<LegendItem> legend;
  for (size_t i = 0; i < cv.chart.series.size(); ++i) {
    const ChartSeries& s = cv.chart.series[i];
    for (const ChartPoint& pt : s.points) {
      if (!Finite(pt.x) || !Finite(pt.y)) continue;
      xlo = std::min(xlo, pt.x);
      xhi = std::max(xhi, pt.x);
      ylo = std::min(ylo, pt.y);
      yhi = std::max(yhi, pt.y);
    }
    if (!s.label.empty()) {
      legend.push_back({s.label, ChartCanvas::SeriesColor(s.color, i), true, static_cast<int>(i)});
    }
  }
  if (!(xlo <= xhi)) {
    cv.NoData(body);
    return;
  }
  if (legend.size() > 1 || (legend.size() == 1 && cv.chart.title.empty())) {
    cv.TopLegend(legend, &body);
  }
  if (cv.chart.x_max > cv.chart.x_min && Finite(cv.chart.x_min) && Finite(cv.chart.x_max)) {
    xlo = cv.chart.x_min;
    xhi = cv.chart.x_max;
  }
  const double mark_row_h = cv.LineHeight(cv.tick_style) + 3;
  const double marks_top = body.y;
  const double marks_h = MarkRows(cv.chart).size() * mark_row_h;
  body.y += marks_h;
  body.h -= marks_h;
  if (xlo == xhi) {
    const double pad = cv.chart.x_is_time ? 30 : (xlo == 0 ? 1 : std::fabs(xlo) * 0.1);
    xlo -= pad;
    xhi += pad;
  }
  ChartCanvas::IncludeZero(&ylo, &yhi);
  Axis y = cv.MakeYAxis(ylo, yhi, body.h - 30);
  const XAxis x = MakeXAxis(cv, xlo, xhi, body.w);
  const double right = x.labels.empty() ? 0 : cv.TextWidth(x.labels.back(), cv.tick_style) / 2 + 2;
  double label_w = 0;
  for (const std::string& l : y.labels) label_w = std::max(label_w, cv.TextWidth(l, cv.tick_style));
  if (cv.chart.y_tick_room > label_w) {
    body.x += cv.chart.y_tick_room - label_w;
    body.w -= cv.chart.y_tick_room - label_w;
  }
  Rect p = cv.PlotRect(body, y.labels, x.title, right);
  if (p.w < 10 || p.h < 10) return;
  cv.SetYScale(p, &y);
  const LinearScale sx{xlo, xhi, p.x, p.x + p.w};
  DrawBands(cv, p, sx);
  cv.DrawYAxis(p, y);
  std::vector<double> xpos;
  for (double v : x.ticks.values) xpos.push_back(sx.Map(v));
  cv.DrawXAxis(p, xpos, x.labels, x.title, /*grid=*/false);
  const PlotMap m{sx, y.scale, p.y - 1, p.y + p.h + 1};
  if (cv.options.geometry != nullptr) {
    ChartGeometry& g = *cv.options.geometry;
    g = {true, p.x, p.y,        p.w,        p.h,
         xlo,  xhi, y.scale.d0, y.scale.d1, cv.LineHeight(cv.tick_style) + 4};
  }
  int columns = std::max(1, static_cast<int>(p.w));
  if (cv.options.max_columns > 0) columns = std::min(columns, cv.options.max_columns);
  cairo_set_line_width(cv.cr, 1.4);
  for (size_t i = 0; i < cv.chart.series.size(); ++i) {
    DrawSeries(cv, cv.chart.series[i], i, m, xlo, xhi, columns);
  }
  DrawBandLabels(cv, p, sx);
  if (marks_h > 0) DrawMarks(cv, p, sx, marks_top, mark_row_h);
}

}  // namespace chart_internal
}  // namespace smr
