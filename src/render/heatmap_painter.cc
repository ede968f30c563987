// Heatmaps (ChartKind::kHeatmap): rows of cells over equal x buckets (UTC
// time when x_is_time), each cell coloured by its value on a ten-step
// sequential scale from light yellow (low) to dark blue (high) whose
// lightness falls monotonically, so it survives greyscale printing. Row
// labels at the left (group names where rows are too thin for every label),
// a colour legend with the scale's ends and unit at the top. Rows with
// kinds (HeatmapRow::kinds) instead colour each cell by its kind, paler for
// lower values, with the kinds in the legend.
//
// Size: all cells of one colour step are one path, and runs of equal steps
// in a row are one rectangle, so a 64 x 240 map is a few kilobytes of SVG.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "src/render/chart_canvas.h"

namespace smr {
namespace chart_internal {
namespace {

constexpr int kSteps = 10;
// YlGnBu-like, lightness strictly falling.
constexpr Rgb kScale[kSteps] = {
    {0xF4 / 255.0, 0xF9 / 255.0, 0xB8 / 255.0}, {0xDA / 255.0, 0xEF / 255.0, 0xB2 / 255.0},
    {0xB4 / 255.0, 0xE1 / 255.0, 0xB6 / 255.0}, {0x85 / 255.0, 0xCE / 255.0, 0xBA / 255.0},
    {0x5B / 255.0, 0xBA / 255.0, 0xC1 / 255.0}, {0x37 / 255.0, 0x9F / 255.0, 0xC0 / 255.0},
    {0x22 / 255.0, 0x7F / 255.0, 0xB5 / 255.0}, {0x23 / 255.0, 0x5E / 255.0, 0xA5 / 255.0},
    {0x24 / 255.0, 0x3C / 255.0, 0x8F / 255.0}, {0x14 / 255.0, 0x22 / 255.0, 0x5E / 255.0},
};

// Colour step of a value on [lo, hi]; -1 for NaN.
int StepOf(double v, double lo, double hi) {
  if (!Finite(v)) return -1;
  const double f = hi > lo ? (v - lo) / (hi - lo) : 0;
  return std::clamp(static_cast<int>(std::floor(f * kSteps)), 0, kSteps - 1);
}

size_t Columns(const Chart& c) {
  size_t n = 0;
  for (const HeatmapRow& r : c.heat_rows) n = std::max(n, r.values.size());
  return n;
}

// The colour legend: "0 %" [10 swatches] "100 %", and a blank swatch for
// "no data"; returns its height.
double ScaleLegend(ChartCanvas& cv, const Rect& body, double lo, double hi) {
  const std::string unit = cv.chart.value_unit.empty() ? "" : " " + cv.chart.value_unit;
  const std::string left = FormatTickValue(lo, hi - lo) + unit;
  const std::string right = FormatTickValue(hi, hi - lo) + unit;
  const double lh = cv.LineHeight(cv.legend_style);
  const double sw = std::max(14.0, lh * 1.6);
  double x = body.x, w = 0;
  cv.Text(left, cv.legend_style, x, body.y, HAlign::kLeft, VAlign::kTop, kTextDark, -1, &w);
  x += w + 4;
  for (int k = 0; k < kSteps; ++k) {
    SetColor(cv.cr, kScale[k]);
    cairo_rectangle(cv.cr, Snap(x + k * sw), Snap(body.y + 1), Snap(sw), Snap(lh - 2));
    cairo_fill(cv.cr);
  }
  x += kSteps * sw + 4;
  cv.Text(right, cv.legend_style, x, body.y, HAlign::kLeft, VAlign::kTop, kTextDark, -1, &w);
  x += w + cv.pad * 2;
  SetColor(cv.cr, kAxis);
  cairo_set_line_width(cv.cr, 0.8);
  cairo_rectangle(cv.cr, Snap(x) + 0.5, Snap(body.y + 1) + 0.5, Snap(sw) - 1, Snap(lh - 2) - 1);
  cairo_stroke(cv.cr);
  cv.Text("no data", cv.legend_style, x + sw + 4, body.y, HAlign::kLeft, VAlign::kTop, kTextDark);
  return lh;
}

// Row labels right-aligned before the plot: every row's label when rows are
// tall enough, else the group names (a group's first row) that do not
// collide with the one above.
void RowLabels(ChartCanvas& cv, const Rect& p, double row_h, bool every_row) {
  const std::vector<HeatmapRow>& rows = cv.chart.heat_rows;
  const double lh = cv.LineHeight(cv.tick_style);
  double free_from = -1e9;
  for (size_t r = 0; r < rows.size(); ++r) {
    const double y = p.y + r * row_h;
    std::string text;
    if (every_row) {
      text = rows[r].label;
    } else if (!rows[r].group.empty() && y >= free_from) {
      text = rows[r].group;
    }
    if (text.empty()) continue;
    const double ty = every_row ? y + row_h / 2 : std::max(y + lh / 2, y + row_h / 2);
    cv.Text(text, cv.tick_style, p.x - 5, ty, HAlign::kRight, VAlign::kMiddle, kTextMuted,
            p.x - cv.area.x - cv.pad - 5);
    free_from = ty + lh / 2 + 1;
  }
}

// Group separators: a white line above each row that starts a group.
void GroupLines(ChartCanvas& cv, const Rect& p, double row_h) {
  const std::vector<HeatmapRow>& rows = cv.chart.heat_rows;
  SetColor(cv.cr, kWhite);
  bool any = false;
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].group.empty()) continue;
    cairo_rectangle(cv.cr, p.x, Snap(p.y + r * row_h) - 0.5, p.w, 1);
    any = true;
  }
  if (any) cairo_fill(cv.cr);
}

// Every cell of colour step k as one path, runs of equal steps merged.
void Cells(ChartCanvas& cv, const Rect& p, double row_h, size_t cols, double lo, double hi) {
  const std::vector<HeatmapRow>& rows = cv.chart.heat_rows;
  std::vector<std::vector<int>> steps(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    steps[r].assign(cols, -1);
    for (size_t c = 0; c < rows[r].values.size(); ++c)
      steps[r][c] = StepOf(rows[r].values[c], lo, hi);
  }
  const double col_w = p.w / static_cast<double>(cols);
  for (int k = 0; k < kSteps; ++k) {
    bool any = false;
    for (size_t r = 0; r < rows.size(); ++r) {
      const double y0 = Snap(p.y + r * row_h), y1 = Snap(p.y + (r + 1) * row_h);
      for (size_t c = 0; c < cols;) {
        if (steps[r][c] != k) {
          ++c;
          continue;
        }
        size_t e = c;
        while (e < cols && steps[r][e] == k) ++e;
        const double x0 = Snap(p.x + c * col_w), x1 = Snap(p.x + e * col_w);
        cairo_rectangle(cv.cr, x0, y0, x1 - x0, y1 - y0);
        any = true;
        c = e;
      }
    }
    if (!any) continue;
    SetColor(cv.cr, kScale[k]);
    cairo_fill(cv.cr);
  }
}

// ---- Cells coloured by kind (rows with HeatmapRow::kinds) -----------------

constexpr int kLevels = 5;

bool HasKinds(const Chart& c) {
  for (const HeatmapRow& r : c.heat_rows) {
    if (!r.kinds.empty()) return true;
  }
  return false;
}

// Colour of kind `k` at level `l` (0 palest .. kLevels - 1 full colour).
Rgb KindColor(const Chart& c, int k, int l) {
  const int color =
      k < static_cast<int>(c.stack_colors.size()) && c.stack_colors[k] >= 0 ? c.stack_colors[k] : k;
  const Rgb full = PaletteColor(color);
  const double t = 0.8 * (1.0 - static_cast<double>(l + 1) / kLevels);  // towards white
  return {full.r + (1 - full.r) * t, full.g + (1 - full.g) * t, full.b + (1 - full.b) * t};
}

// Level of a value on [lo, hi]; -1 for NaN or nothing (drawn blank).
int LevelOf(double v, double lo, double hi) {
  if (!Finite(v) || !(hi > lo) || v <= lo) return -1;
  const double f = (v - lo) / (hi - lo);
  return std::clamp(static_cast<int>(std::ceil(f * kLevels)) - 1, 0, kLevels - 1);
}

// The kinds' swatches at full colour and the palest step; returns the height.
double KindLegend(ChartCanvas& cv, const Rect& body) {
  std::vector<LegendItem> items;
  for (size_t k = 0; k < cv.chart.stack_labels.size(); ++k) {
    items.push_back({cv.chart.stack_labels[k],
                     KindColor(cv.chart, static_cast<int>(k), kLevels - 1),
                     /*line=*/false});
  }
  items.push_back({"paler: less busy", KindColor(cv.chart, 0, 0), false});
  return cv.Legend(items, body.x, body.y, body.w, /*draw=*/true);
}

// Cells by (kind, level), runs of equal cells in a row merged.
void KindCells(ChartCanvas& cv, const Rect& p, double row_h, size_t cols, double lo, double hi) {
  const std::vector<HeatmapRow>& rows = cv.chart.heat_rows;
  const int kinds = static_cast<int>(std::max<size_t>(cv.chart.stack_labels.size(), 1));
  std::vector<std::vector<int>> code(rows.size());  // kind * kLevels + level, -1 blank
  for (size_t r = 0; r < rows.size(); ++r) {
    code[r].assign(cols, -1);
    for (size_t c = 0; c < rows[r].values.size() && c < rows[r].kinds.size(); ++c) {
      const int l = LevelOf(rows[r].values[c], lo, hi), k = rows[r].kinds[c];
      if (l >= 0 && k >= 0 && k < kinds) code[r][c] = k * kLevels + l;
    }
  }
  const double col_w = p.w / static_cast<double>(cols);
  for (int code_k = 0; code_k < kinds * kLevels; ++code_k) {
    bool any = false;
    for (size_t r = 0; r < rows.size(); ++r) {
      const double y0 = Snap(p.y + r * row_h), y1 = Snap(p.y + (r + 1) * row_h);
      for (size_t c = 0; c < cols;) {
        if (code[r][c] != code_k) {
          ++c;
          continue;
        }
        size_t e = c;
        while (e < cols && code[r][e] == code_k) ++e;
        const double x0 = Snap(p.x + c * col_w), x1 = Snap(p.x + e * col_w);
        cairo_rectangle(cv.cr, x0, y0, x1 - x0, y1 - y0);
        any = true;
        c = e;
      }
    }
    if (!any) continue;
    SetColor(cv.cr, KindColor(cv.chart, code_k / kLevels, code_k % kLevels));
    cairo_fill(cv.cr);
  }
}

// X ticks: UTC time (title says "UTC" and the date) or plain numbers.
void XAxis(ChartCanvas& cv, const Rect& p, double xlo, double xhi) {
  const int target = std::clamp(static_cast<int>(p.w / 85), 2, 12);
  Ticks t;
  std::vector<std::string> labels;
  std::string title = cv.chart.x_label;
  if (cv.chart.x_is_time) {
    t = TimeTicks(xlo, xhi, target);
    const bool multi_day = FormatUtcDate(xlo) != FormatUtcDate(xhi);
    for (double v : t.values) labels.push_back(FormatUtcTick(v, t.step, multi_day));
    const std::string when = multi_day ? std::string("UTC") : "UTC, " + FormatUtcDate(xlo);
    title = title.empty() ? "Time (" + when + ")" : title + " (" + when + ")";
  } else {
    t = InnerTicks(xlo, xhi, target);
    for (double v : t.values) labels.push_back(FormatTickValue(v, t.step));
  }
  const LinearScale sx{xlo, xhi, p.x, p.x + p.w};
  std::vector<double> pos;
  for (double v : t.values) pos.push_back(sx.Map(v));
  cv.DrawXAxis(p, pos, labels, title, /*grid=*/false);
}

}  // namespace

void PaintHeatmap(ChartCanvas& cv, Rect body) {
  const Chart& c = cv.chart;
  const size_t cols = Columns(c);
  if (c.heat_rows.empty() || cols == 0 || !(c.x_max > c.x_min)) {
    cv.NoData(body);
    return;
  }
  const double lo = c.y_max > c.y_min ? c.y_min : 0;
  const double hi = c.y_max > c.y_min ? c.y_max : 100;
  const bool by_kind = HasKinds(c);
  const double legend_h = by_kind ? KindLegend(cv, body) : ScaleLegend(cv, body, lo, hi);
  body.y += legend_h + cv.pad * 0.8;
  body.h -= legend_h + cv.pad * 0.8;
  const double lh = cv.LineHeight(cv.tick_style);
  // Room for the labels: as wide as the widest (up to a third of the chart).
  double label_w = 0;
  for (const HeatmapRow& r : c.heat_rows) {
    label_w = std::max(label_w, cv.TextWidth(r.label, cv.tick_style));
    label_w = std::max(label_w, cv.TextWidth(r.group, cv.tick_style));
  }
  label_w = std::min(label_w, body.w / 3);
  Rect p = body;
  p.x += label_w + 6;
  p.w -= label_w + 6 + cv.pad;
  p.h -=
      lh + 5 + (cv.chart.x_is_time || !c.x_label.empty() ? cv.LineHeight(cv.label_style) + 3 : 0);
  if (p.w < 10 || p.h < 4) return;
  const double row_h = p.h / static_cast<double>(c.heat_rows.size());
  if (by_kind) {
    KindCells(cv, p, row_h, cols, lo, hi);
  } else {
    Cells(cv, p, row_h, cols, lo, hi);
  }
  GroupLines(cv, p, row_h);
  RowLabels(cv, p, row_h, row_h >= lh * 0.9);
  XAxis(cv, p, c.x_min, c.x_max);
}

}  // namespace chart_internal
}  // namespace smr
