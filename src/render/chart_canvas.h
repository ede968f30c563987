// ChartCanvas: what every chart painter shares while drawing one chart onto
// a cairo context: the chart, its area and text styles, text and legend
// drawing, plot-area layout and the x and y axes. The painters, one per
// chart kind, are declared at the end (line_painter.cc, box_painter.cc,
// pie_painter.cc, bar_painter.cc, histogram_painter.cc). Private to
// src/render.
#ifndef SMR_SRC_RENDER_CHART_CANVAS_H_
#define SMR_SRC_RENDER_CHART_CANVAS_H_

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "smr/report_model.h"
#include "src/render/cairo_handles.h"
#include "src/render/chart_painter.h"

namespace smr {
namespace chart_internal {

inline constexpr Rgb kWhite{1, 1, 1};
inline constexpr Rgb kTextDark{0.13, 0.15, 0.18};
inline constexpr Rgb kTextMuted{0.35, 0.38, 0.43};
inline constexpr Rgb kGrid{0.90, 0.91, 0.93};
inline constexpr Rgb kAxis{0.62, 0.64, 0.68};
inline constexpr Rgb kWarning{0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0};
inline constexpr Rgb kThreshold{0.72, 0.11, 0.11};

enum class HAlign { kLeft, kCenter, kRight };
enum class VAlign { kTop, kMiddle, kBottom };

inline void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

inline bool Finite(double v) { return std::isfinite(v); }

// Data coordinates to a tenth of a unit: finer than a screen pixel or a
// printed dot, and short when written out as SVG path data.
inline double Snap(double v) { return std::round(v * 10) / 10; }

struct LegendItem {
  std::string label;
  Rgb color;
  bool line = true;  // line swatch or filled square
  int dash = -1;     // line swatch: series order for SeriesDashes (-1 = solid)
};

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

// Maps data to plot coordinates, snapped to a tenth of a unit: x through
// `sx`; y through `sy`, clamped to [y_top, y_bottom] (drawings are not
// clipped, so the SVG needs no clip path per element).
struct PlotMap {
  const LinearScale& sx;
  const LinearScale& sy;
  double y_top, y_bottom;
  double X(double v) const { return Snap(sx.Map(v)); }
  double Y(double v) const { return Snap(std::clamp(sy.Map(v), y_top, y_bottom)); }
};

struct Axis {
  Ticks ticks;
  LinearScale scale;
  std::vector<std::string> labels;
};

class ChartCanvas {
 public:
  ChartCanvas(cairo_t* cr, const Chart& chart, Rect area, const PaintOptions& options);

  // Draws text anchored at (x, y); returns its height. max_w > 0 ellipsizes
  // at the end, or in the middle with `middle` (labels that share a prefix,
  // "Step:ModeKeys.TRAIN" / "Step:ModeKeys.EVAL", stay apart).
  double Text(const std::string& s, const TextStyle& st, double x, double y, HAlign ha, VAlign va,
              Rgb color, double max_w = -1, double* width_out = nullptr, bool middle = false);
  void Measure(const std::string& s, const TextStyle& st, double* w, double* h);
  double TextWidth(const std::string& s, const TextStyle& st);
  double LineHeight(const TextStyle& st);
  // Width of the first line of a (possibly ellipsized) layout.
  static double FirstLineWidth(PangoLayout* layout, double fallback);

  void NoData(Rect r);
  // Lays out legend items in wrapped rows of width `width`; draws them when
  // `draw`; returns the height used.
  double Legend(const std::vector<LegendItem>& items, double x, double y, double width, bool draw);
  // Reserves the legend at the top of `body` and draws it.
  void TopLegend(const std::vector<LegendItem>& items, Rect* body);

  // The plot rectangle inside `body` for y tick labels `y_labels`, the x
  // axis label and `right_extra` room on the right.
  Rect PlotRect(Rect body, const std::vector<std::string>& y_labels,
                const std::string& x_axis_label, double right_extra);
  void DrawYAxis(const Rect& p, const Axis& y);
  void DrawXAxis(const Rect& p, const std::vector<double>& positions,
                 const std::vector<std::string>& labels, const std::string& axis_label, bool grid);
  // The chart's x axis label, centred under the plot.
  void XAxisLabel(const Rect& p, const std::string& axis_label);
  Axis MakeYAxis(double lo, double hi, double ph_guess);
  // The y scale of plot `p`: the chart's fixed range, else the ticks'.
  void SetYScale(const Rect& p, Axis* y) const;

  // Auto y range that includes zero for non-negative data.
  static void IncludeZero(double* lo, double* hi);
  static Rgb SeriesColor(int color, size_t order);

  cairo_t* cr;
  TextContext text;
  const Chart& chart;
  Rect area;
  PaintOptions options;
  TextStyle title_style, label_style, tick_style, legend_style;
  double pad = 8;
};

// The painters: draw the chart's data inside `body` (below the title).
void PaintLine(ChartCanvas& cv, Rect body);
void PaintBox(ChartCanvas& cv, Rect body);
void PaintPie(ChartCanvas& cv, Rect body);
void PaintBar(ChartCanvas& cv, Rect body);
void PaintHistogram(ChartCanvas& cv, Rect body);
void PaintHeatmap(ChartCanvas& cv, Rect body);     // heatmap_painter.cc
void PaintStackedBar(ChartCanvas& cv, Rect body);  // stacked_bar_painter.cc

}  // namespace chart_internal
}  // namespace smr

#endif  // SMR_SRC_RENDER_CHART_CANVAS_H_
