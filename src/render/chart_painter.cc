#include "src/render/chart_painter.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "src/render/cairo_handles.h"

namespace smr {

// ---- Palette ------------------------------------------------------------------

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
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

constexpr Rgb kWhite{1, 1, 1};
constexpr Rgb kTextDark{0.13, 0.15, 0.18};
constexpr Rgb kTextMuted{0.35, 0.38, 0.43};
constexpr Rgb kGrid{0.90, 0.91, 0.93};
constexpr Rgb kAxis{0.62, 0.64, 0.68};
constexpr Rgb kWarning{0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0};
constexpr Rgb kThreshold{0.72, 0.11, 0.11};

}  // namespace

Rgb PaletteColor(int index) {
  if (index < 0) index = 0;
  return kPalette[index % kPaletteSize];
}

int PaletteSize() { return kPaletteSize; }

// ---- Layout maths ---------------------------------------------------------------

double NiceStepAtLeast(double x) {
  if (!std::isfinite(x) || x <= 0) return 1;
  const double exponent = std::floor(std::log10(x));
  const double power = std::pow(10.0, exponent);
  const double fraction = x / power;
  // Tolerance: 0.2 / 0.1 is 2.0000000000000004 in binary floating point.
  constexpr double kEps = 1e-9;
  double nice = 10;
  if (fraction <= 1 + kEps) {
    nice = 1;
  } else if (fraction <= 2 + kEps) {
    nice = 2;
  } else if (fraction <= 5 + kEps) {
    nice = 5;
  }
  return nice * power;
}

void WidenRange(double* lo, double* hi) {
  if (!std::isfinite(*lo) || !std::isfinite(*hi)) {
    *lo = 0;
    *hi = 1;
    return;
  }
  if (*hi < *lo) std::swap(*lo, *hi);
  if (*hi == *lo) {
    const double pad = *lo == 0 ? 1 : std::fabs(*lo) * 0.1;
    *lo -= pad;
    *hi += pad;
  }
}

namespace {

double SnapZero(double v, double step) {
  return std::fabs(v) < std::fabs(step) * 1e-9 ? 0.0 : v;
}

}  // namespace

Ticks NiceTicks(double lo, double hi, int target_intervals) {
  WidenRange(&lo, &hi);
  target_intervals = std::max(1, target_intervals);
  Ticks t;
  t.step = NiceStepAtLeast((hi - lo) / target_intervals);
  t.lo = SnapZero(std::floor(lo / t.step + 1e-9) * t.step, t.step);
  t.hi = SnapZero(std::ceil(hi / t.step - 1e-9) * t.step, t.step);
  const int n = static_cast<int>(std::lround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= n; ++i) t.values.push_back(SnapZero(t.lo + i * t.step, t.step));
  return t;
}

Ticks InnerTicks(double lo, double hi, int target_intervals) {
  WidenRange(&lo, &hi);
  target_intervals = std::max(1, target_intervals);
  Ticks t;
  t.lo = lo;
  t.hi = hi;
  t.step = NiceStepAtLeast((hi - lo) / target_intervals);
  const double first = std::ceil(lo / t.step - 1e-9) * t.step;
  for (int i = 0;; ++i) {
    const double v = first + i * t.step;
    if (v > hi + t.step * 1e-9) break;
    t.values.push_back(SnapZero(v, t.step));
  }
  return t;
}

Ticks TimeTicks(double lo_s, double hi_s, int target_intervals) {
  WidenRange(&lo_s, &hi_s);
  target_intervals = std::max(1, target_intervals);
  static constexpr double kSteps[] = {
      1,    2,    5,    10,   15,    30,    60,    120,   300,
      600,  900,  1800, 3600, 7200,  10800, 21600, 43200, 86400};
  const double raw = (hi_s - lo_s) / target_intervals;
  double step = 0;
  if (raw < 1) {
    step = NiceStepAtLeast(raw);
  } else {
    for (double s : kSteps) {
      if (s >= raw) {
        step = s;
        break;
      }
    }
    if (step == 0) step = NiceStepAtLeast(raw / 86400) * 86400;
  }
  // Epoch multiples are UTC-aligned (epoch is midnight UTC and every step up
  // to a day divides 86400).
  Ticks t = InnerTicks(lo_s, hi_s, 1);
  t.step = step;
  t.values.clear();
  const double first = std::ceil(lo_s / step - 1e-9) * step;
  for (int i = 0;; ++i) {
    const double v = first + i * step;
    if (v > hi_s + step * 1e-9) break;
    t.values.push_back(v);
  }
  return t;
}

namespace {

bool UtcTm(double t_s, std::tm* tm) {
  if (!std::isfinite(t_s)) return false;
  const std::time_t tt = static_cast<std::time_t>(std::floor(t_s));
  return gmtime_r(&tt, tm) != nullptr;
}

}  // namespace

std::string FormatUtcTick(double t_s, double step_s, bool with_date) {
  std::tm tm{};
  if (!UtcTm(t_s, &tm)) return "";
  std::string out;
  if (with_date) out = fmt::format("{:02d}-{:02d} ", tm.tm_mon + 1, tm.tm_mday);
  out += fmt::format("{:02d}:{:02d}", tm.tm_hour, tm.tm_min);
  if (step_s < 60) out += fmt::format(":{:02d}", tm.tm_sec);
  return out;
}

std::string FormatUtcDate(double t_s) {
  std::tm tm{};
  if (!UtcTm(t_s, &tm)) return "";
  return fmt::format("{:04d}-{:02d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday);
}

std::string FormatTickValue(double v, double step) {
  step = std::fabs(step);
  if (!std::isfinite(v)) return "";
  if (!std::isfinite(step) || step == 0) step = 1;
  v = SnapZero(v, step);
  double div = 1;
  const char* suffix = "";
  if (step >= 1e9) {
    div = 1e9;
    suffix = "G";
  } else if (step >= 1e6) {
    div = 1e6;
    suffix = "M";
  } else if (step >= 1e4) {
    div = 1e3;
    suffix = "k";
  }
  const double scaled_step = step / div;
  int decimals = 0;
  if (scaled_step < 1) {
    decimals = static_cast<int>(std::ceil(-std::log10(scaled_step) - 1e-9));
    decimals = std::clamp(decimals, 0, 9);
  }
  std::string out = fmt::format("{:.{}f}", v / div, decimals);
  return out + suffix;
}

double LinearScale::Map(double v) const {
  if (d1 == d0) return (r0 + r1) / 2;
  return r0 + (v - d0) * (r1 - r0) / (d1 - d0);
}

std::vector<EnvelopeColumn> MinMaxEnvelope(
    const std::vector<ChartPoint>& points, double x_lo, double x_hi,
    int columns) {
  columns = std::max(1, columns);
  const double span = x_hi - x_lo;
  auto column_of = [&](double x) {
    if (!(span > 0)) return 0;
    const double f = std::floor((x - x_lo) / span * columns);
    return static_cast<int>(std::clamp(f, 0.0, columns - 1.0));
  };
  std::vector<EnvelopeColumn> out;
  int current = -1;
  double last_x = 0;
  for (const ChartPoint& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const int c = column_of(p.x);
    if (out.empty() || c != current) {
      const double centre =
          span > 0 ? x_lo + (c + 0.5) * span / columns : x_lo;
      out.push_back({out.empty() ? p.x : centre, p.y, p.y});
      current = c;
    } else {
      out.back().lo = std::min(out.back().lo, p.y);
      out.back().hi = std::max(out.back().hi, p.y);
    }
    last_x = p.x;
  }
  if (out.size() > 1) out.back().x = last_x;
  return out;
}

// ---- Painting -------------------------------------------------------------------

namespace {

enum class HAlign { kLeft, kCenter, kRight };
enum class VAlign { kTop, kMiddle, kBottom };

void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

bool Finite(double v) { return std::isfinite(v); }

// Data coordinates to a tenth of a unit: finer than a screen pixel or a
// printed dot, and short when written out as SVG path data.
double Snap(double v) { return std::round(v * 10) / 10; }

// Compact value label for bars: 3 significant-ish digits, no exponent.
std::string FormatValue(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

struct LegendItem {
  std::string label;
  Rgb color;
  bool line = true;  // line swatch or filled square
};

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

class Painter {
 public:
  Painter(cairo_t* cr, const Chart& chart, Rect area,
          const PaintOptions& options)
      : cr_(cr), text_(cr), c_(chart), area_(area), options_(options) {
    const double k = area.w >= 420 ? 1.0 : std::max(0.72, area.w / 420);
    title_ = {11.5 * k, true};
    label_ = {9 * k, false};
    tick_ = {8 * k, false};
    legend_ = {8.5 * k, false};
    pad_ = 8 * k;
  }

  void Paint() {
    cairo_save(cr_);
    cairo_rectangle(cr_, area_.x, area_.y, area_.w, area_.h);
    cairo_clip(cr_);
    SetColor(cr_, kWhite);
    cairo_paint(cr_);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
    Rect body = area_;
    body.x += pad_;
    body.w -= 2 * pad_;
    body.y += pad_ * 0.75;
    body.h -= pad_ * 1.5;
    if (!c_.title.empty()) {
      const double h = Text(c_.title, title_, body.x, body.y, HAlign::kLeft,
                            VAlign::kTop, kTextDark, body.w);
      body.y += h + pad_ * 0.6;
      body.h -= h + pad_ * 0.6;
    }
    if (body.w > 10 && body.h > 10) {
      switch (c_.kind) {
        case ChartKind::kLine:
          Line(body);
          break;
        case ChartKind::kBox:
          Box(body);
          break;
        case ChartKind::kPie:
          Pie(body);
          break;
        case ChartKind::kBar:
          Bar(body);
          break;
        case ChartKind::kHistogram:
          Histogram(body);
          break;
      }
    }
    cairo_restore(cr_);
  }

 private:
  // Draws text anchored at (x, y); returns its height. max_w > 0 ellipsizes.
  double Text(const std::string& s, const TextStyle& st, double x, double y,
              HAlign ha, VAlign va, Rgb color, double max_w = -1,
              double* width_out = nullptr) {
    PangoLayoutPtr layout = text_.Layout(s, st, max_w, /*ellipsize=*/true);
    double w = 0, h = 0;
    TextContext::Size(layout.get(), &w, &h);
    if (max_w > 0) {
      // With a width set, measure the (possibly ellipsized) first line so
      // alignment uses the text's own width, not the box width.
      PangoLayoutLine* line = pango_layout_get_line_readonly(layout.get(), 0);
      if (line != nullptr) {
        PangoRectangle lr;
        pango_layout_line_get_extents(line, nullptr, &lr);
        w = static_cast<double>(lr.width) / PANGO_SCALE;
      }
    }
    double tx = x, ty = y;
    if (ha == HAlign::kCenter) tx -= w / 2;
    if (ha == HAlign::kRight) tx -= w;
    if (va == VAlign::kMiddle) ty -= h / 2;
    if (va == VAlign::kBottom) ty -= h;
    SetColor(cr_, color);
    text_.Show(layout.get(), tx, ty);
    if (width_out != nullptr) *width_out = w;
    return h;
  }

  void Measure(const std::string& s, const TextStyle& st, double* w,
               double* h) {
    PangoLayoutPtr layout = text_.Layout(s, st);
    TextContext::Size(layout.get(), w, h);
  }

  double TextWidth(const std::string& s, const TextStyle& st) {
    double w = 0, h = 0;
    Measure(s, st, &w, &h);
    return w;
  }

  double LineHeight(const TextStyle& st) {
    double w = 0, h = 0;
    Measure("Ag", st, &w, &h);
    return h;
  }

  void NoData(Rect r) {
    Text("No data", label_, r.x + r.w / 2, r.y + r.h / 2, HAlign::kCenter,
         VAlign::kMiddle, kTextMuted);
  }

  // Lays out legend items in wrapped rows of width `width`; draws them when
  // `draw`; returns the height used.
  double Legend(const std::vector<LegendItem>& items, double x, double y,
                double width, bool draw) {
    if (items.empty()) return 0;
    const double lh = LineHeight(legend_);
    const double swatch = lh * 0.8;
    const double gap = pad_ * 1.5;
    double cx = x, cy = y;
    for (const LegendItem& item : items) {
      const double max_text = std::max(20.0, width - swatch - 4);
      const double tw = std::min(TextWidth(item.label, legend_), max_text);
      const double iw = swatch + 4 + tw;
      if (cx > x && cx + iw > x + width) {
        cx = x;
        cy += lh + 2;
      }
      if (draw) {
        SetColor(cr_, item.color);
        if (item.line) {
          cairo_set_line_width(cr_, 2.2);
          cairo_move_to(cr_, cx, cy + lh / 2);
          cairo_line_to(cr_, cx + swatch, cy + lh / 2);
          cairo_stroke(cr_);
        } else {
          cairo_rectangle(cr_, cx, cy + (lh - swatch) / 2, swatch, swatch);
          cairo_fill(cr_);
        }
        Text(item.label, legend_, cx + swatch + 4, cy, HAlign::kLeft,
             VAlign::kTop, kTextDark, max_text);
      }
      cx += iw + gap;
    }
    return cy + lh - y;
  }

  // Reserves the legend at the top of `body` and draws it.
  void TopLegend(const std::vector<LegendItem>& items, Rect* body) {
    const double h = Legend(items, body->x, body->y, body->w, false);
    if (h <= 0) return;
    Legend(items, body->x, body->y, body->w, true);
    body->y += h + pad_ * 0.6;
    body->h -= h + pad_ * 0.6;
  }

  struct Axis {
    Ticks ticks;
    LinearScale scale;
    std::vector<std::string> labels;
  };

  // Computes the plot rectangle inside `body` for a y axis with `y_ticks`,
  // x tick labels of height `x_tick_h`, and the chart's axis labels.
  Rect PlotRect(Rect body, const std::vector<std::string>& y_labels,
                const std::string& x_axis_label, double right_extra) {
    double y_tick_w = 0;
    for (const std::string& s : y_labels) {
      y_tick_w = std::max(y_tick_w, TextWidth(s, tick_));
    }
    const double tick_h = LineHeight(tick_);
    const double label_h = LineHeight(label_);
    Rect p = body;
    double left = y_tick_w + 6;
    if (!c_.y_label.empty()) left += label_h + 4;
    double bottom = tick_h + 5;
    if (!x_axis_label.empty()) bottom += label_h + 3;
    p.x += left;
    p.w -= left + std::max(right_extra, pad_);
    p.h -= bottom + tick_h / 2;
    p.y += tick_h / 2;  // room for the top tick label
    return p;
  }

  void DrawYAxis(const Rect& p, const Axis& y) {
    // All grid lines as one path (one SVG element), then the labels.
    cairo_set_line_width(cr_, 0.8);
    SetColor(cr_, kGrid);
    for (size_t i = 0; i < y.ticks.values.size(); ++i) {
      const double py = std::round(y.scale.Map(y.ticks.values[i]) * 2) / 2;
      cairo_move_to(cr_, p.x, py);
      cairo_line_to(cr_, p.x + p.w, py);
    }
    cairo_stroke(cr_);
    for (size_t i = 0; i < y.ticks.values.size(); ++i) {
      const double py = std::round(y.scale.Map(y.ticks.values[i]) * 2) / 2;
      Text(y.labels[i], tick_, p.x - 5, py, HAlign::kRight, VAlign::kMiddle,
           kTextMuted);
    }
    if (!c_.y_label.empty()) {
      // Rotated label, centred on the plot height, at the far left of body.
      PangoLayoutPtr layout =
          text_.Layout(c_.y_label, label_, p.h, /*ellipsize=*/true);
      double w = 0, h = 0;
      TextContext::Size(layout.get(), &w, &h);
      double ink_w = TextWidth(c_.y_label, label_);
      ink_w = std::min(ink_w, p.h);
      cairo_save(cr_);
      cairo_translate(cr_, area_.x + pad_, p.y + p.h / 2 + ink_w / 2);
      cairo_rotate(cr_, -std::numbers::pi / 2);
      pango_layout_set_width(layout.get(),
                             static_cast<int>(std::ceil(ink_w + 1) * PANGO_SCALE));
      SetColor(cr_, kTextMuted);
      // The pango context was built for the unrotated matrix; refresh it.
      pango_cairo_update_layout(cr_, layout.get());
      cairo_move_to(cr_, 0, 0);
      pango_cairo_show_layout(cr_, layout.get());
      cairo_restore(cr_);
    }
  }

  void DrawXAxis(const Rect& p, const std::vector<double>& positions,
                 const std::vector<std::string>& labels,
                 const std::string& axis_label, bool grid) {
    // Grid lines, then tick marks, each as one path; then the labels.
    cairo_set_line_width(cr_, 0.8);
    if (grid && !positions.empty()) {
      SetColor(cr_, kGrid);
      for (double pos : positions) {
        const double px = std::round(pos * 2) / 2;
        cairo_move_to(cr_, px, p.y);
        cairo_line_to(cr_, px, p.y + p.h);
      }
      cairo_stroke(cr_);
    }
    SetColor(cr_, kAxis);
    for (double pos : positions) {
      const double px = std::round(pos * 2) / 2;
      cairo_move_to(cr_, px, p.y + p.h);
      cairo_line_to(cr_, px, p.y + p.h + 3);
    }
    cairo_stroke(cr_);
    for (size_t i = 0; i < positions.size(); ++i) {
      const double px = std::round(positions[i] * 2) / 2;
      Text(labels[i], tick_, px, p.y + p.h + 4, HAlign::kCenter, VAlign::kTop,
           kTextMuted);
    }
    if (!axis_label.empty()) {
      Text(axis_label, label_, p.x + p.w / 2, area_.y + area_.h - pad_ * 0.6,
           HAlign::kCenter, VAlign::kBottom, kTextMuted, p.w);
    }
    SetColor(cr_, kAxis);
    cairo_move_to(cr_, p.x, p.y + p.h + 0.5);
    cairo_line_to(cr_, p.x + p.w, p.y + p.h + 0.5);
    cairo_stroke(cr_);
  }

  Axis MakeYAxis(double lo, double hi, double ph_guess) {
    Axis y;
    const int target =
        std::clamp(static_cast<int>(std::lround(ph_guess / 22)), 3, 8);
    if (c_.y_max > c_.y_min && Finite(c_.y_min) && Finite(c_.y_max)) {
      y.ticks = InnerTicks(c_.y_min, c_.y_max, target);
    } else {
      y.ticks = NiceTicks(lo, hi, target);
    }
    for (double v : y.ticks.values) {
      y.labels.push_back(FormatTickValue(v, y.ticks.step));
    }
    return y;
  }

  // Auto y range that includes zero for non-negative data.
  static void IncludeZero(double* lo, double* hi) {
    if (*lo >= 0) *lo = 0;
    if (*hi <= 0) *hi = 0;
  }

  // ---- kLine ----
  void Line(Rect body) {
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
    double ylo = xlo, yhi = -xlo;
    std::vector<LegendItem> legend;
    for (size_t i = 0; i < c_.series.size(); ++i) {
      const ChartSeries& s = c_.series[i];
      for (const ChartPoint& pt : s.points) {
        if (!Finite(pt.x) || !Finite(pt.y)) continue;
        xlo = std::min(xlo, pt.x);
        xhi = std::max(xhi, pt.x);
        ylo = std::min(ylo, pt.y);
        yhi = std::max(yhi, pt.y);
      }
      if (!s.label.empty()) {
        legend.push_back({s.label, SeriesColor(s.color, i), true});
      }
    }
    if (!(xlo <= xhi)) {
      NoData(body);
      return;
    }
    if (legend.size() > 1 || (legend.size() == 1 && c_.title.empty())) {
      TopLegend(legend, &body);
    }
    if (xlo == xhi) {
      const double pad = c_.x_is_time ? 30 : (xlo == 0 ? 1 : std::fabs(xlo) * 0.1);
      xlo -= pad;
      xhi += pad;
    }
    IncludeZero(&ylo, &yhi);
    Axis y = MakeYAxis(ylo, yhi, body.h - 30);

    // X ticks and labels.
    std::string x_axis_label = c_.x_label;
    Ticks xt;
    std::vector<std::string> xl;
    const double plot_w_guess = body.w - 50;
    const int xtarget = std::clamp(static_cast<int>(plot_w_guess / 85), 2, 12);
    if (c_.x_is_time) {
      xt = TimeTicks(xlo, xhi, xtarget);
      const bool multi_day = FormatUtcDate(xlo) != FormatUtcDate(xhi);
      for (double v : xt.values) {
        xl.push_back(FormatUtcTick(v, xt.step, multi_day));
      }
      const std::string when =
          multi_day ? std::string("UTC") : "UTC, " + FormatUtcDate(xlo);
      x_axis_label = x_axis_label.empty() ? "Time (" + when + ")"
                                          : x_axis_label + " (" + when + ")";
    } else {
      xt = InnerTicks(xlo, xhi, xtarget);
      for (double v : xt.values) xl.push_back(FormatTickValue(v, xt.step));
    }
    const double right = xl.empty() ? 0 : TextWidth(xl.back(), tick_) / 2 + 2;
    Rect p = PlotRect(body, y.labels, x_axis_label, right);
    if (p.w < 10 || p.h < 10) return;
    y.scale = {y.ticks.lo, y.ticks.hi, p.y + p.h, p.y};
    if (c_.y_max > c_.y_min) y.scale = {c_.y_min, c_.y_max, p.y + p.h, p.y};
    const LinearScale sx{xlo, xhi, p.x, p.x + p.w};

    // Bands under everything else.
    cairo_save(cr_);
    cairo_rectangle(cr_, p.x, p.y, p.w, p.h);
    cairo_clip(cr_);
    for (const ChartBand& band : c_.bands) {
      if (!Finite(band.x0) || !Finite(band.x1)) continue;
      const double bx0 = std::max(p.x, sx.Map(std::min(band.x0, band.x1)));
      const double bx1 = std::min(p.x + p.w, sx.Map(std::max(band.x0, band.x1)));
      if (bx1 <= bx0) continue;
      SetColor(cr_, PaletteColor(band.color), 0.13);
      cairo_rectangle(cr_, bx0, p.y, bx1 - bx0, p.h);
      cairo_fill(cr_);
    }
    cairo_restore(cr_);

    DrawYAxis(p, y);
    std::vector<double> xpos;
    for (double v : xt.values) xpos.push_back(sx.Map(v));
    DrawXAxis(p, xpos, xl, x_axis_label, /*grid=*/false);

    // Series. Not clipped: y is clamped to the plot instead (x always lies
    // in it), so the SVG needs no clip path per series.
    const double y_top = p.y - 1, y_bottom = p.y + p.h + 1;
    auto px = [&](double v) { return Snap(sx.Map(v)); };
    auto py = [&](double v) {
      return Snap(std::clamp(y.scale.Map(v), y_top, y_bottom));
    };
    int columns = std::max(1, static_cast<int>(p.w));
    if (options_.max_columns > 0) columns = std::min(columns, options_.max_columns);
    cairo_set_line_width(cr_, 1.4);
    for (size_t i = 0; i < c_.series.size(); ++i) {
      const ChartSeries& s = c_.series[i];
      std::vector<ChartPoint> pts;
      pts.reserve(std::min(s.points.size(), 2 * static_cast<size_t>(columns) + 1));
      size_t finite = 0;
      for (const ChartPoint& pt : s.points) {
        if (!Finite(pt.x) || !Finite(pt.y)) continue;
        if (++finite <= 2 * static_cast<size_t>(columns)) pts.push_back(pt);
      }
      if (finite == 0) continue;
      SetColor(cr_, SeriesColor(s.color, i));
      if (finite == 1) {
        cairo_arc(cr_, px(pts[0].x), py(pts[0].y), 2.5, 0,
                  2 * std::numbers::pi);
        cairo_fill(cr_);
        continue;
      }
      if (finite <= 2 * static_cast<size_t>(columns)) {
        // Sparse enough: every point, as a polyline.
        cairo_move_to(cr_, px(pts[0].x), py(pts[0].y));
        for (size_t k = 1; k < pts.size(); ++k) {
          cairo_line_to(cr_, px(pts[k].x), py(pts[k].y));
        }
        cairo_stroke(cr_);
        continue;
      }
      // Dense: the min/max envelope per column as one filled and outlined
      // polygon (upper edge left to right, lower edge back). Where a column
      // holds one value it is a line of the usual width; where the series
      // swings inside a column it is a band from its minimum to its maximum
      // (what the old zigzag through each column's extremes also showed).
      const std::vector<EnvelopeColumn> env =
          MinMaxEnvelope(s.points, xlo, xhi, columns);
      cairo_move_to(cr_, px(env[0].x), py(env[0].hi));
      for (size_t k = 1; k < env.size(); ++k) {
        cairo_line_to(cr_, px(env[k].x), py(env[k].hi));
      }
      for (size_t k = env.size(); k-- > 0;) {
        cairo_line_to(cr_, px(env[k].x), py(env[k].lo));
      }
      cairo_close_path(cr_);
      cairo_fill_preserve(cr_);
      cairo_stroke(cr_);
    }
    // Band labels last, on a translucent backdrop, so lines cannot hide them.
    cairo_save(cr_);
    cairo_rectangle(cr_, p.x, p.y, p.w, p.h);
    cairo_clip(cr_);
    for (const ChartBand& band : c_.bands) {
      if (!Finite(band.x0) || !Finite(band.x1) || band.label.empty()) continue;
      const double bx0 = std::max(p.x, sx.Map(std::min(band.x0, band.x1)));
      const double bx1 = std::min(p.x + p.w, sx.Map(std::max(band.x0, band.x1)));
      if (bx1 - bx0 <= 16) continue;
      PangoLayoutPtr layout =
          text_.Layout(band.label, tick_, bx1 - bx0 - 6, /*ellipsize=*/true);
      double lw = 0, lh = 0;
      TextContext::Size(layout.get(), &lw, &lh);
      PangoLayoutLine* line = pango_layout_get_line_readonly(layout.get(), 0);
      if (line != nullptr) {
        PangoRectangle lr;
        pango_layout_line_get_extents(line, nullptr, &lr);
        lw = static_cast<double>(lr.width) / PANGO_SCALE;
      }
      SetColor(cr_, kWhite, 0.75);
      cairo_rectangle(cr_, bx0 + 1, p.y + 1, lw + 4, lh + 1);
      cairo_fill(cr_);
      SetColor(cr_, kTextMuted);
      text_.Show(layout.get(), bx0 + 3, p.y + 1.5);
    }
    cairo_restore(cr_);
  }

  Rgb SeriesColor(int color, size_t order) const {
    return PaletteColor(color >= 0 ? color : static_cast<int>(order));
  }

  // ---- kBox ----
  void Box(Rect body) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::vector<const BoxPlot*> boxes;
    for (const BoxPlot& b : c_.boxes) {
      if (!Finite(b.lower) || !Finite(b.p25) || !Finite(b.p50) ||
          !Finite(b.p75) || !Finite(b.upper)) {
        continue;
      }
      boxes.push_back(&b);
      lo = std::min({lo, b.lower, b.p25});
      hi = std::max({hi, b.upper, b.p75});
      if (Finite(b.max)) hi = std::max(hi, b.max);
    }
    if (boxes.empty()) {
      NoData(body);
      return;
    }
    // No forced zero: boxes of similar steps would shrink to slivers.
    Axis y = MakeYAxis(lo, hi, body.h - 30);
    Rect p = PlotRect(body, y.labels, c_.x_label, 0);
    if (p.w < 10 || p.h < 10) return;
    y.scale = {y.ticks.lo, y.ticks.hi, p.y + p.h, p.y};
    if (c_.y_max > c_.y_min) y.scale = {c_.y_min, c_.y_max, p.y + p.h, p.y};
    DrawYAxis(p, y);

    const double slot = p.w / boxes.size();
    const double bw = std::min(slot * 0.55, 44.0);
    // Label every k-th box when slots are too narrow for text.
    const int every = std::max(1, static_cast<int>(std::ceil(22 / slot)));
    std::vector<double> xpos;
    std::vector<std::string> xl;
    // Not clipped: values are clamped to the plot instead (an SVG clip
    // path per element otherwise).
    auto ymap = [&](double v) {
      return std::clamp(y.scale.Map(v), p.y - 1, p.y + p.h + 1);
    };
    for (size_t i = 0; i < boxes.size(); ++i) {
      const BoxPlot& b = *boxes[i];
      const double cx = p.x + slot * (i + 0.5);
      const Rgb col = b.highlight ? kWarning : PaletteColor(0);
      const double y25 = ymap(b.p25), y75 = ymap(b.p75);
      const double ylo = ymap(b.lower), yhi = ymap(b.upper);
      cairo_set_line_width(cr_, 1);
      SetColor(cr_, col);
      // Whiskers and caps.
      cairo_move_to(cr_, cx, ylo);
      cairo_line_to(cr_, cx, y25);
      cairo_move_to(cr_, cx, y75);
      cairo_line_to(cr_, cx, yhi);
      cairo_move_to(cr_, cx - bw / 4, ylo);
      cairo_line_to(cr_, cx + bw / 4, ylo);
      cairo_move_to(cr_, cx - bw / 4, yhi);
      cairo_line_to(cr_, cx + bw / 4, yhi);
      cairo_stroke(cr_);
      // Box.
      const double top = std::min(y25, y75), height = std::max(std::fabs(y25 - y75), 1.0);
      cairo_rectangle(cr_, cx - bw / 2, top, bw, height);
      SetColor(cr_, col, b.highlight ? 0.35 : 0.22);
      cairo_fill_preserve(cr_);
      SetColor(cr_, col);
      cairo_stroke(cr_);
      // Median.
      cairo_set_line_width(cr_, 2);
      SetColor(cr_, kTextDark);
      const double ym = ymap(b.p50);
      cairo_move_to(cr_, cx - bw / 2, ym);
      cairo_line_to(cr_, cx + bw / 2, ym);
      cairo_stroke(cr_);
      if (Finite(b.max)) {
        cairo_set_line_width(cr_, 1);
        SetColor(cr_, col);
        cairo_new_sub_path(cr_);
        cairo_arc(cr_, cx, ymap(b.max), 2.5, 0, 2 * std::numbers::pi);
        cairo_stroke(cr_);
      }
      if (static_cast<int>(i) % every == 0) {
        xpos.push_back(cx);
        xl.push_back(b.label);
      }
    }
    // Category labels (ellipsized to the slot width).
    SetColor(cr_, kAxis);
    cairo_set_line_width(cr_, 0.8);
    cairo_move_to(cr_, p.x, p.y + p.h + 0.5);
    cairo_line_to(cr_, p.x + p.w, p.y + p.h + 0.5);
    cairo_stroke(cr_);
    const double label_w = std::max(slot * every - 4, 12.0);
    for (size_t i = 0; i < xpos.size(); ++i) {
      Text(xl[i], tick_, xpos[i], p.y + p.h + 4, HAlign::kCenter, VAlign::kTop,
           kTextMuted, label_w);
    }
    if (!c_.x_label.empty()) {
      Text(c_.x_label, label_, p.x + p.w / 2, area_.y + area_.h - pad_ * 0.6,
           HAlign::kCenter, VAlign::kBottom, kTextMuted, p.w);
    }
  }

  // ---- kPie ----
  void Pie(Rect body) {
    std::vector<std::pair<const PieSlice*, int>> slices;  // slice, colour
    double total = 0;
    for (size_t i = 0; i < c_.slices.size(); ++i) {
      const PieSlice& s = c_.slices[i];
      if (!Finite(s.value) || s.value <= 0) continue;
      slices.push_back({&s, static_cast<int>(i)});
      total += s.value;
    }
    if (slices.empty() || !(total > 0) || !Finite(total)) {
      NoData(body);
      return;
    }
    std::vector<LegendItem> legend;
    double legend_w = 0;
    for (const auto& [s, color] : slices) {
      const std::string label =
          fmt::format("{}  {:.1f}%", s->label, 100.0 * s->value / total);
      legend.push_back({label, PaletteColor(color), false});
      legend_w = std::max(legend_w, TextWidth(label, legend_));
    }
    const double lh = LineHeight(legend_);
    legend_w = std::min(legend_w + lh + 6, body.w * 0.5);
    const double chart_w = body.w - legend_w - pad_;
    const double radius =
        std::max(4.0, std::min(chart_w, body.h) / 2 - 2);
    const double inner = radius * 0.55;
    const double cx = body.x + std::min(chart_w, body.h) / 2;
    const double cy = body.y + body.h / 2;
    double angle = -std::numbers::pi / 2;
    for (const auto& [s, color] : slices) {
      const double sweep = 2 * std::numbers::pi * s->value / total;
      cairo_new_path(cr_);
      cairo_arc(cr_, cx, cy, radius, angle, angle + sweep);
      cairo_arc_negative(cr_, cx, cy, inner, angle + sweep, angle);
      cairo_close_path(cr_);
      SetColor(cr_, PaletteColor(color));
      cairo_fill_preserve(cr_);
      if (slices.size() > 1) {
        SetColor(cr_, kWhite);
        cairo_set_line_width(cr_, 1.5);
        cairo_stroke(cr_);
      }
      cairo_new_path(cr_);
      const double frac = s->value / total;
      if (frac >= 0.06 && radius > 30) {
        const double mid = angle + sweep / 2;
        const double r = (radius + inner) / 2;
        const Rgb col = PaletteColor(color);
        const double lum = 0.2126 * col.r + 0.7152 * col.g + 0.0722 * col.b;
        Text(fmt::format("{:.0f}%", 100 * frac), tick_,
             cx + r * std::cos(mid), cy + r * std::sin(mid), HAlign::kCenter,
             VAlign::kMiddle, lum > 0.55 ? kTextDark : kWhite);
      }
      angle += sweep;
    }
    // Legend column on the right, vertically centred.
    const double rows_h = legend.size() * (lh + 3);
    double ly = std::max(body.y, cy - rows_h / 2);
    const double lx = body.x + body.w - legend_w;
    for (const LegendItem& item : legend) {
      if (ly + lh > body.y + body.h + 1) break;
      SetColor(cr_, item.color);
      cairo_rectangle(cr_, lx, ly + lh * 0.1, lh * 0.8, lh * 0.8);
      cairo_fill(cr_);
      Text(item.label, legend_, lx + lh + 4, ly, HAlign::kLeft, VAlign::kTop,
           kTextDark, legend_w - lh - 6);
      ly += lh + 3;
    }
  }

  // ---- kBar ----
  void Bar(Rect body) {
    std::vector<std::pair<const PieSlice*, int>> bars;
    double lo = 0, hi = 0;
    double label_w = 0;
    for (size_t i = 0; i < c_.slices.size(); ++i) {
      const PieSlice& s = c_.slices[i];
      if (!Finite(s.value)) continue;
      bars.push_back({&s, static_cast<int>(i)});
      lo = std::min(lo, s.value);
      hi = std::max(hi, s.value);
      label_w = std::max(label_w, TextWidth(s.label, tick_));
    }
    if (bars.empty()) {
      NoData(body);
      return;
    }
    label_w = std::min(label_w, body.w * 0.35);
    const int target = std::clamp(static_cast<int>(body.w / 90), 2, 10);
    Ticks xt = NiceTicks(lo, hi, target);
    double value_w = 0;
    for (const auto& [s, color] : bars) {
      value_w = std::max(value_w, TextWidth(FormatValue(s->value), tick_));
    }
    const double tick_h = LineHeight(tick_);
    Rect p = body;
    p.x += label_w + 6;
    p.w -= label_w + 6 + value_w + 6;
    double bottom = tick_h + 5;
    if (!c_.x_label.empty()) bottom += LineHeight(label_) + 3;
    p.h -= bottom;
    if (p.w < 10 || p.h < 6) return;
    const LinearScale sx{xt.lo, xt.hi, p.x, p.x + p.w};
    std::vector<double> xpos;
    std::vector<std::string> xl;
    for (double v : xt.values) {
      xpos.push_back(sx.Map(v));
      xl.push_back(FormatTickValue(v, xt.step));
    }
    DrawXAxis(p, xpos, xl, c_.x_label, /*grid=*/true);
    const double slot = p.h / bars.size();
    const double bh = std::min(slot * 0.72, 22.0);
    for (size_t i = 0; i < bars.size(); ++i) {
      const auto& [s, color] = bars[i];
      const double cy = p.y + slot * (i + 0.5);
      const double x0 = sx.Map(0), x1 = sx.Map(s->value);
      SetColor(cr_, PaletteColor(color));
      cairo_rectangle(cr_, std::min(x0, x1), cy - bh / 2,
                      std::max(std::fabs(x1 - x0), 0.5), bh);
      cairo_fill(cr_);
      if (slot >= tick_h * 0.9) {
        Text(s->label, tick_, p.x - 6, cy, HAlign::kRight, VAlign::kMiddle,
             kTextDark, label_w);
        Text(FormatValue(s->value), tick_, std::max(x0, x1) + 4, cy,
             HAlign::kLeft, VAlign::kMiddle, kTextMuted);
      }
    }
  }

  // ---- kHistogram ----
  void Histogram(Rect body) {
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
    double yhi = 0;
    bool any = false;
    std::vector<LegendItem> legend;
    for (size_t i = 0; i < c_.histograms.size(); ++i) {
      const HistogramSeries& h = c_.histograms[i];
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
      NoData(body);
      return;
    }
    for (double v : c_.vlines) {
      if (!Finite(v)) continue;
      xlo = std::min(xlo, v);
      xhi = std::max(xhi, v);
    }
    if (!legend.empty()) TopLegend(legend, &body);
    if (xlo == xhi) {
      xlo -= xlo == 0 ? 1 : std::fabs(xlo) * 0.1;
      xhi += xhi == 0 ? 1 : std::fabs(xhi) * 0.1;
    }
    Axis y = MakeYAxis(0, yhi, body.h - 30);
    const int xtarget = std::clamp(static_cast<int>((body.w - 50) / 80), 2, 12);
    Ticks xt = InnerTicks(xlo, xhi, xtarget);
    std::vector<std::string> xl;
    for (double v : xt.values) xl.push_back(FormatTickValue(v, xt.step));
    const double right = xl.empty() ? 0 : TextWidth(xl.back(), tick_) / 2 + 2;
    Rect p = PlotRect(body, y.labels, c_.x_label, right);
    if (p.w < 10 || p.h < 10) return;
    y.scale = {y.ticks.lo, y.ticks.hi, p.y + p.h, p.y};
    if (c_.y_max > c_.y_min) y.scale = {c_.y_min, c_.y_max, p.y + p.h, p.y};
    const LinearScale sx{xlo, xhi, p.x, p.x + p.w};
    DrawYAxis(p, y);
    std::vector<double> xpos;
    for (double v : xt.values) xpos.push_back(sx.Map(v));
    DrawXAxis(p, xpos, xl, c_.x_label, /*grid=*/false);

    // Each series is one step outline (filled, then stroked), not a
    // rectangle per bin: a few bytes per bin in the SVG. Not clipped: bins
    // lie inside the x range and their tops are clamped to the plot.
    const double alpha = c_.histograms.size() > 1 ? 0.45 : 0.75;
    const double base = Snap(y.scale.Map(std::max(0.0, y.scale.d0)));
    auto top_of = [&](double count) {
      return Snap(std::clamp(y.scale.Map(count), p.y - 1, base));
    };
    cairo_set_line_width(cr_, 0.6);
    for (size_t i = 0; i < c_.histograms.size(); ++i) {
      const Rgb col = PaletteColor(static_cast<int>(i));
      std::vector<HistogramBin> bins;
      for (const HistogramBin& b : c_.histograms[i].bins) {
        if (!Finite(b.x0) || !Finite(b.x1) || !Finite(b.count)) continue;
        bins.push_back({std::min(b.x0, b.x1), std::max(b.x0, b.x1), b.count});
      }
      std::stable_sort(bins.begin(), bins.end(),
                       [](const HistogramBin& a, const HistogramBin& b) {
                         return a.x0 < b.x0;
                       });
      bool overlapping = false;
      for (size_t k = 1; k < bins.size(); ++k) {
        overlapping = overlapping || bins[k].x0 < bins[k - 1].x1;
      }
      if (overlapping) {
        // Not a partition of the x axis: one rectangle per bin.
        for (const HistogramBin& b : bins) {
          if (b.count <= 0) continue;
          const double x0 = Snap(sx.Map(b.x0)), x1 = Snap(sx.Map(b.x1));
          const double top = top_of(b.count);
          cairo_rectangle(cr_, x0, top, std::max(x1 - x0, 0.5), base - top);
        }
      } else {
        // Runs of adjacent non-empty bins become one outline that rises and
        // falls with the counts and returns to the baseline at gaps, empty
        // bins and the end.
        bool open = false;
        double prev_x1 = 0, end_px = 0;
        for (const HistogramBin& b : bins) {
          const double x0 = Snap(sx.Map(b.x0));
          if (b.count <= 0 || (open && b.x0 > prev_x1)) {
            if (open) {
              cairo_line_to(cr_, end_px, base);
              cairo_close_path(cr_);
              open = false;
            }
            if (b.count <= 0) continue;
          }
          const double top = top_of(b.count);
          if (!open) {
            cairo_move_to(cr_, x0, base);
            open = true;
          }
          end_px = Snap(sx.Map(b.x1));
          cairo_line_to(cr_, x0, top);
          cairo_line_to(cr_, end_px, top);
          prev_x1 = b.x1;
        }
        if (open) {
          cairo_line_to(cr_, end_px, base);
          cairo_close_path(cr_);
        }
      }
      SetColor(cr_, col, alpha);
      cairo_fill_preserve(cr_);
      SetColor(cr_, col);
      cairo_stroke(cr_);
    }
    const double dashes[] = {4, 3};
    cairo_set_dash(cr_, dashes, 2, 0);
    cairo_set_line_width(cr_, 1.3);
    SetColor(cr_, kThreshold);
    for (double v : c_.vlines) {
      if (!Finite(v)) continue;
      const double px = sx.Map(v);
      cairo_move_to(cr_, px, p.y);
      cairo_line_to(cr_, px, p.y + p.h);
      cairo_stroke(cr_);
    }
    cairo_set_dash(cr_, nullptr, 0, 0);
  }

  cairo_t* cr_;
  TextContext text_;
  const Chart& c_;
  Rect area_;
  PaintOptions options_;
  TextStyle title_, label_, tick_, legend_;
  double pad_ = 8;
};

}  // namespace

void PaintChart(cairo_t* cr, const Chart& chart, double x, double y, double w,
                double h, const PaintOptions& options) {
  if (cr == nullptr || !(w > 0) || !(h > 0) || !Finite(x) || !Finite(y) ||
      !Finite(w) || !Finite(h)) {
    return;
  }
  Painter painter(cr, chart, Rect{x, y, w, h}, options);
  painter.Paint();
}

}  // namespace smr
