// Histograms (ChartKind::kHistogram): one or more series of bins drawn as
// step outlines, with dashed threshold lines.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {
namespace {

// Finite bins ordered by x0, each with x0 <= x1.
std::vector<HistogramBin> SortedBins(const HistogramSeries& h) {
  std::vector<HistogramBin> bins;
  for (const HistogramBin& b : h.bins) {
    if (!Finite(b.x0) || !Finite(b.x1) || !Finite(b.count)) continue;
    bins.push_back({std::min(b.x0, b.x1), std::max(b.x0, b.x1), b.count});
  }
  std::stable_sort(bins.begin(), bins.end(),
                   [](const HistogramBin& a, const HistogramBin& b) { return a.x0 < b.x0; });
  return bins;
}

// Runs of adjacent non-empty bins become one outline that rises and falls
// with the counts and returns to the baseline at gaps, empty bins and the
// end.
void OutlinePath(cairo_t* cr, const std::vector<HistogramBin>& bins, const PlotMap& m) {
  bool open = false;
  double prev_x1 = 0, end_px = 0;
  for (const HistogramBin& b : bins) {
    const double x0 = m.X(b.x0);
    if (b.count <= 0 || (open && b.x0 > prev_x1)) {
      if (open) {
        cairo_line_to(cr, end_px, m.y_bottom);
        cairo_close_path(cr);
        open = false;
      }
      if (b.count <= 0) continue;
    }
    const double top = m.Y(b.count);
    if (!open) {
      cairo_move_to(cr, x0, m.y_bottom);
      open = true;
    }
    end_px = m.X(b.x1);
    cairo_line_to(cr, x0, top);
    cairo_line_to(cr, end_px, top);
    prev_x1 = b.x1;
  }
  if (open) {
    cairo_line_to(cr, end_px, m.y_bottom);
    cairo_close_path(cr);
  }
}

// One series as one path (filled, then stroked), not a rectangle per bin:
// a few bytes per bin in the SVG. Bins that do not partition the x axis
// are drawn as one rectangle each.
void PathOfSeries(cairo_t* cr, const std::vector<HistogramBin>& bins, const PlotMap& m) {
  bool overlapping = false;
  for (size_t k = 1; k < bins.size(); ++k) {
    overlapping = overlapping || bins[k].x0 < bins[k - 1].x1;
  }
  if (!overlapping) {
    OutlinePath(cr, bins, m);
    return;
  }
  for (const HistogramBin& b : bins) {
    if (b.count <= 0) continue;
    const double x0 = m.X(b.x0), x1 = m.X(b.x1);
    const double top = m.Y(b.count);
    cairo_rectangle(cr, x0, top, std::max(x1 - x0, 0.5), m.y_bottom - top);
  }
}

}  // namespace

void PaintHistogram(ChartCanvas& cv, Rect body) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
  double yhi = 0;
  bool any = false;
  std::vector<LegendItem> legend;
  for (size_t i = 0; i < cv.chart.histograms.size(); ++i) {
    const HistogramSeries& h = cv.chart.histograms[i];
    for (const HistogramBin& b : h.bins) {
      if (!Finite(b.x0) || !Finite(b.x1) || !Finite(b.count)) continue;
      any = true;
      xlo = std::min({xlo, b.x0, b.x1});
      xhi = std::max({xhi, b.x0, b.x1});
      yhi = std::max(yhi, b.count);
    }
    if (!h.label.empty()) {
      legend.push_back({h.label, PaletteColor(static_cast<int>(i)), false});
    }
  }
  if (!any) {
    cv.NoData(body);
    return;
  }
  for (double v : cv.chart.vlines) {
    if (!Finite(v)) continue;
    xlo = std::min(xlo, v);
    xhi = std::max(xhi, v);
  }
  if (!legend.empty()) cv.TopLegend(legend, &body);
  if (xlo == xhi) {
    xlo -= xlo == 0 ? 1 : std::fabs(xlo) * 0.1;
    xhi += xhi == 0 ? 1 : std::fabs(xhi) * 0.1;
  }
  Axis y = cv.MakeYAxis(0, yhi, body.h - 30);
  const int xtarget = std::clamp(static_cast<int>((body.w - 50) / 80), 2, 12);
  Ticks xt = InnerTicks(xlo, xhi, xtarget);
  std::vector<std::string> xl;
  for (double v : xt.values) xl.push_back(FormatTickValue(v, xt.step));
  const double right = xl.empty() ? 0 : cv.TextWidth(xl.back(), cv.tick_style) / 2 + 2;
  Rect p = cv.PlotRect(body, y.labels, cv.chart.x_label, right);
  if (p.w < 10 || p.h < 10) return;
  cv.SetYScale(p, &y);
  const LinearScale sx{xlo, xhi, p.x, p.x + p.w};
  cv.DrawYAxis(p, y);
  std::vector<double> xpos;
  for (double v : xt.values) xpos.push_back(sx.Map(v));
  cv.DrawXAxis(p, xpos, xl, cv.chart.x_label, /*grid=*/false);

  // Not clipped: bins lie inside the x range and their tops are clamped to
  // the plot.
  const double alpha = cv.chart.histograms.size() > 1 ? 0.45 : 0.75;
  // Counts map to tops clamped to the plot above the baseline.
  const PlotMap m{sx, y.scale, p.y - 1, Snap(y.scale.Map(std::max(0.0, y.scale.d0)))};
  cairo_set_line_width(cv.cr, 0.6);
  for (size_t i = 0; i < cv.chart.histograms.size(); ++i) {
    const Rgb col = PaletteColor(static_cast<int>(i));
    PathOfSeries(cv.cr, SortedBins(cv.chart.histograms[i]), m);
    SetColor(cv.cr, col, alpha);
    cairo_fill_preserve(cv.cr);
    SetColor(cv.cr, col);
    cairo_stroke(cv.cr);
  }
  const double dashes[] = {4, 3};
  cairo_set_dash(cv.cr, dashes, 2, 0);
  cairo_set_line_width(cv.cr, 1.3);
  SetColor(cv.cr, kThreshold);
  for (double v : cv.chart.vlines) {
    if (!Finite(v)) continue;
    const double px = sx.Map(v);
    cairo_move_to(cv.cr, px, p.y);
    cairo_line_to(cv.cr, px, p.y + p.h);
    cairo_stroke(cv.cr);
  }
  cairo_set_dash(cv.cr, nullptr, 0, 0);
}

}  // namespace chart_internal
}  // namespace smr
